"""Exercises of notebook 13 · Memory and precision of gradients (梯度的内存与精度).

1. ``checkpointed_grads(x)``: the gradients of the mean square output
   of a stack of six float64 ``Dense(tanh, use_bias=False)`` layers with
   respect to their kernels, computed as 3 blocks of 2 layers through
   ``tf.recompute_grad``.
2. ``scale_report``: the smallest power of two that lifts section 2's
   smallest per-example gradient into float16's normal range, and how many
   gradients are 0 or subnormal at half of it.
3. ``per_example_grads(x, y)``: per-example gradients (∂ℓ/∂w, ∂ℓ/∂b) of the logistic
   loss of a one-feature Keras model, from ``tape.jacobian``.
4. ``dp_gradient(x, y, clip_norm)``: the noise-free DP-SGD gradient of
   the same model: per-example gradients clipped, then averaged.

TensorFlow and Keras are imported inside the functions only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np

from toolkit.exercises import detectors as d
from toolkit.exercises.core import (
    Array,
    Dict,
    Exercise,
    Function,
    Mistake,
    T,
    Tolerance,
    Trial,
    Value,
    close,
)
from toolkit.exercises.references import tensorflow as _tf


def _keras():
    import keras

    return keras


# Where the notebook covers each mistake.
SECTION_1 = T(
    "section 1 · Gradient checkpointing with tf.recompute_grad",
    "“1 · 用 tf.recompute_grad 设置梯度检查点”一节",
)
SECTION_2 = T(
    "section 2 · Mixed precision: float16 gradients and loss scaling",
    "“2 · 混合精度：float16 梯度与损失缩放”一节",
)
SECTION_3 = T("section 3 · Per-example gradients", "“3 · 逐样本梯度”一节")
SECTION_DP = T(
    "“A DP-SGD step” in section 3",
    "第 3 节的“一步 DP-SGD”",
)


# ---- Exercise 1: checkpointed_grads(x) ---------------------------------------------


@functools.cache
def _kernels():
    """The kernels of model_ex, as the exercise makes them."""
    return np.random.default_rng(0).normal(size=(6, 3, 3))


def _stack_forward(kernels, x):
    hs = [x[None, :]]  # a batch of one example
    for k in kernels:
        hs.append(np.tanh(hs[-1] @ k))
    return hs


def _stack_loss(kernels, x):
    return np.mean(_stack_forward(kernels, x)[-1] ** 2)


def _stack_reference(x):
    """The chain rule by hand, layer by layer, in float64."""
    kernels = _kernels()
    hs = _stack_forward(kernels, x)
    grad_h = 2 * hs[-1] / hs[-1].size  # d mean(h²) / dh
    grads = [None] * len(kernels)
    for i in reversed(range(len(kernels))):
        grad_z = grad_h * (1 - hs[i + 1] ** 2)  # through tanh
        grads[i] = hs[i].T @ grad_z
        grad_h = grad_z @ kernels[i].T
    return np.array(grads)


def _stack_independent(x, h=1e-6):
    kernels = _kernels()
    out = np.zeros_like(kernels)
    for index in np.ndindex(*kernels.shape):
        plus, minus = kernels.copy(), kernels.copy()
        plus[index] += h
        minus[index] -= h
        out[index] = (_stack_loss(plus, x) - _stack_loss(minus, x)) / (2 * h)
    return out


@functools.cache
def _checkpointed_grads(dtype="float64", reduce="mean"):
    """model_ex, built once, and its checkpointed gradients (cached: tests
    build each variant once)."""
    tf, keras = _tf(), _keras()
    layers = [
        keras.layers.Dense(3, activation="tanh", use_bias=False, dtype=dtype)
        for _ in range(6)
    ]
    model = keras.Sequential([keras.Input((3,), dtype=dtype), *layers])
    model.set_weights(list(_kernels()))
    blocks = [
        tf.recompute_grad(lambda h, a=a, b=b: b(a(h)))
        for a, b in zip(layers[0::2], layers[1::2], strict=True)
    ]

    def checkpointed_grads(x):
        with tf.GradientTape() as tape:
            h = tf.constant(x[None, :], dtype)  # a batch of one example
            for block in blocks:
                h = block(h)
            squares = tf.square(h)
            loss = (
                tf.reduce_mean(squares) if reduce == "mean" else tf.reduce_sum(squares)
            )
        return tf.stack(tape.gradient(loss, model.trainable_variables))

    return checkpointed_grads


CHECKPOINTED_GRADS = Exercise(
    key="13.1",
    deliverable=Function(
        "checkpointed_grads",
        ("x",),
        Array(shape=lambda args: (6, 3, 3), dtype="float64"),
    ),
    cases=lambda rng: [
        (np.array([1.0, -0.5, 0.25]),),
        *[(rng.normal(size=3).round(3),) for _ in range(2)],
    ],
    reference=_stack_reference,
    independent=_stack_independent,
    tolerance=Tolerance(rtol=1e-9, atol=1e-12),
    verified=T(
        "checkpointed_grads checked at 3 inputs (x = [1, −0.5, 0.25] and 2 seeded "
        "random ones) against the chain rule worked out by hand in float64, within "
        "{tolerance}",
        "已在 3 个输入（x = [1, −0.5, 0.25] 以及 2 个固定种子的随机输入）上将 "
        "checkpointed_grads 与 float64 中手算的链式法则对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "checkpointed_grads computes in float32: Keras layers are float32 "
                "unless told otherwise.",
                "checkpointed_grads 用 float32 计算：Keras 层默认是 float32。",
            ),
            advice=T(
                "Give keras.Input and every Dense layer dtype='float64'.",
                "给 keras.Input 和每个 Dense 层都指定 dtype='float64'。",
            ),
            section=None,
            example=lambda: _checkpointed_grads(dtype="float32"),
        ),
        Mistake(
            id="sum",
            detect=d.scaled(lambda args: args[0].size),
            name=T(
                "checkpointed_grads differentiates the sum of the squares, not "
                "their mean: 3 times too large.",
                "checkpointed_grads 对平方和求导，而不是对平方的均值：大了 3 倍。",
            ),
            advice=T(
                "The loss is tf.reduce_mean(tf.square(h)) over all entries of "
                "the output.",
                "损失是对输出的全部元素取 tf.reduce_mean(tf.square(h))。",
            ),
            section=SECTION_1,
            example=lambda: _checkpointed_grads(reduce="sum"),
        ),
    ],
    hints=[
        T(
            "Section 1's deep_loss wraps each block in tf.recompute_grad; a block "
            "here is a function that calls two Keras layers in turn.",
            "第 1 节的 deep_loss 把每一块用 tf.recompute_grad 包起来；"
            "这里的一块就是依次调用两个 Keras 层的函数。",
        ),
        T(
            "Build model_ex once, outside the function, from float64 layers, and "
            "set its kernels; make the 3 blocks once too. Inside, x[None, :] is a "
            "batch of one example.",
            "在函数之外构建一次 model_ex（用 float64 的层），并设置它的权重矩阵"
            "（`kernel`）；3 个块也只创建一次。在函数之内，x[None, :] 是只有一个样本的批次。",
        ),
        T(
            "Inside the tape feed the batch through the 3 checkpointed blocks, "
            "take tf.reduce_mean(tf.square(h)), differentiate with respect to "
            "model_ex.trainable_variables and stack the 6 gradients (tf.stack).",
            "在梯度带之内让批次依次通过 3 个设置了检查点的块，取 "
            "tf.reduce_mean(tf.square(h))，求它对 model_ex.trainable_variables 的梯度，"
            "再把 6 个梯度堆叠起来（tf.stack）。",
        ),
    ],
    solution=lambda: _checkpointed_grads(),
    seed=131,
)


# ---- Exercise 2: smallest_scale -----------------------------------------------------

TINY16, SUBNORMAL16 = 2.0**-14, 2.0**-24  # float16: smallest normal, subnormal


@functools.cache
def _dpred_exact():
    """Section 2's per-example gradients 2r/N, rebuilt from the same seeded
    NumPy draws as the notebook (float64)."""
    rng = np.random.default_rng(13)
    n, features = 256, 8
    X_grid = rng.integers(-8, 9, size=(n, features)) / 4
    w_grid = rng.integers(-8, 9, size=features) / 8
    residual_target = 10.0 ** rng.uniform(-6, -4, size=n) * rng.choice([-1.0, 1.0], n)
    y_lin = (X_grid @ w_grid - residual_target).astype(np.float32)
    r_exact = X_grid @ w_grid - y_lin.astype(np.float64)
    return 2 * r_exact / n


def _smallest():
    return float(np.min(np.abs(_dpred_exact())))


def _power_above(target, value):
    """The smallest power of two s with s·value ≥ target."""
    return 2.0 ** np.ceil(np.log2(target / value))


def _subnormal_count(scale):
    """How many per-example gradients the tape gives as 0 or subnormal float16
    numbers at ``scale``: 2rᵢ/N·scale is exact in float32, and the cast of the
    gradient to float16 rounds it once."""
    values = (_dpred_exact().astype(np.float32) * np.float32(scale)).astype(np.float16)
    return int(np.sum(np.abs(values.astype(np.float64)) < TINY16))


def _scale_reference():
    scale = _power_above(TINY16, _smallest())
    return {"scale": scale, "subnormal_at_half": _subnormal_count(scale / 2)}


def _scale_independent():
    smallest, scale = _smallest(), 1.0
    while smallest * scale < TINY16:
        scale *= 2
    while smallest * scale / 2 >= TINY16:
        scale /= 2
    halved = np.float16(_dpred_exact() * scale / 2)  # rounded once, from float64
    tiny = float(np.finfo(np.float16).tiny)
    return {"scale": scale, "subnormal_at_half": int(np.sum(np.abs(halved) < tiny))}


def _key_is(key, value, rtol=1e-9):
    """The dict answer's ``key`` is ``value`` where the reference's is not."""

    def detect(trial: Trial) -> bool:
        case = trial.cases[0]
        got = case.values
        if case.error is not None or not isinstance(got, Mapping):
            return False
        wanted = value() if callable(value) else value
        tolerance = Tolerance(rtol=rtol)
        return (
            got.get(key) is not None
            and close(got[key], wanted, tolerance)
            and not close(case.expected[key], wanted, tolerance)
        )

    return detect


def _report(scale):
    return {"scale": scale, "subnormal_at_half": _subnormal_count(scale / 2)}


SCALE_REPORT = Exercise(
    key="13.2",
    deliverable=Value(
        "scale_report",
        Dict(keys=("scale", "subnormal_at_half")),
        at=T(
            "section 2's per-example gradients dpred_exact",
            "第 2 节的逐样本梯度 dpred_exact",
        ),
    ),
    cases=lambda rng: [()],
    reference=_scale_reference,
    independent=_scale_independent,
    tolerance=Tolerance(rtol=1e-12),
    verified=T(
        "scale_report checked against the smallest power of two s with "
        "s·min|2rᵢ/N| ≥ 2^-14 and the count of float16 gradients below 2^-14 at "
        "s/2, from section 2's data rebuilt in float64 NumPy, within {tolerance}",
        "已将 scale_report 对照验证：满足 s·min|2rᵢ/N| ≥ 2^-14 的最小的 2 的幂 s，"
        "以及在 s/2 下低于 2^-14 的 float16 梯度个数，均由第 2 节的数据在 float64 "
        "NumPy 中重建，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="floor",
            detect=_key_is("scale", lambda: _scale_reference()["scale"] / 2),
            name=T(
                "The scale is one power of two too small: at it the smallest "
                "gradient stays below 2^-14 (the exponent rounded down instead "
                "of up).",
                "缩放因子小了一个 2 的幂：用它缩放后，最小的梯度仍低于 2^-14"
                "（指数向下取整了，应当向上取整）。",
            ),
            advice=T(
                "The scale must reach 2^-14 / min|dpred_exact| or more: round the "
                "exponent up, np.ceil(np.log2(...)).",
                "缩放因子必须不小于 2^-14 / min|dpred_exact|：指数向上取整，"
                "np.ceil(np.log2(...))。",
            ),
            section=SECTION_2,
            example=lambda: _report(_scale_reference()["scale"] / 2),
        ),
        Mistake(
            id="subnormal",
            detect=_key_is("scale", lambda: _power_above(SUBNORMAL16, _smallest())),
            name=T(
                "The scale lifts the smallest gradient only to 2^-24, the "
                "smallest subnormal: it is no longer 0, but still subnormal, with "
                "few significant bits.",
                "缩放因子只把最小的梯度抬到 2^-24，即最小的非规格化数："
                "它不再是 0，但仍是非规格化数，有效位很少。",
            ),
            advice=T(
                "Aim at float16's smallest normal number, 2^-14 "
                "(F16.tiny in section 2).",
                "目标是 float16 最小的规格化数 2^-14（第 2 节的 F16.tiny）。",
            ),
            section=SECTION_2,
            example=lambda: _report(_power_above(SUBNORMAL16, _smallest())),
        ),
        Mistake(
            id="not_a_power",
            detect=_key_is("scale", lambda: TINY16 / _smallest()),
            name=T(
                "The scale is 2^-14 / min|dpred_exact| itself, not a power of "
                "two: dividing the gradients by it again is no longer exact.",
                "缩放因子就是 2^-14 / min|dpred_exact| 本身，而不是 2 的幂："
                "再用它去除梯度就不再是精确的。",
            ),
            advice=T(
                "Round up to a power of two: 2.0 ** np.ceil(np.log2(...)).",
                "向上取到 2 的幂：2.0 ** np.ceil(np.log2(...))。",
            ),
            section=SECTION_2,
            example=lambda: _report(TINY16 / _smallest()),
        ),
        Mistake(
            id="largest",
            detect=_key_is(
                "scale",
                lambda: _power_above(TINY16, float(np.max(np.abs(_dpred_exact())))),
            ),
            name=T(
                "The scale lifts the largest per-example gradient, not the "
                "smallest one.",
                "缩放因子抬高的是最大的逐样本梯度，而不是最小的。",
            ),
            advice=T(
                "Every gradient must reach 2^-14, so the smallest one decides: "
                "np.min(np.abs(dpred_exact)).",
                "每个梯度都必须达到 2^-14，所以由最小的那个决定："
                "np.min(np.abs(dpred_exact))。",
            ),
            section=SECTION_2,
            example=lambda: _report(
                _power_above(TINY16, float(np.max(np.abs(_dpred_exact()))))
            ),
        ),
        Mistake(
            id="counted_at_scale",
            detect=_key_is("subnormal_at_half", 0),
            name=T(
                "subnormal_at_half is 0: that is the count at the scale itself "
                "(or the count of exact zeros only); at half the scale some "
                "gradients are subnormal.",
                "subnormal_at_half 是 0：这是在缩放因子本身下的个数"
                "（或者只数了恰好为 0 的）；在一半的缩放因子下，有些梯度是非规格化数。",
            ),
            advice=T(
                "Run linear_grads(tf.float16, scale / 2) and count the entries "
                "with |dL/dŷ| < F16.tiny: zeros and subnormals together.",
                "运行 linear_grads(tf.float16, scale / 2)，数出 |dL/dŷ| < F16.tiny "
                "的元素：0 和非规格化数都算。",
            ),
            section=SECTION_2,
            example=lambda: {
                "scale": _scale_reference()["scale"],
                "subnormal_at_half": 0,
            },
        ),
    ],
    hints=[
        T(
            "Section 2's loss scaling multiplies every per-example gradient by "
            "the scale; the smallest one, min|dpred_exact|, is the one to lift.",
            "第 2 节的损失缩放把每个逐样本梯度都乘以缩放因子；"
            "要抬高的是最小的那个，min|dpred_exact|。",
        ),
        T(
            "You need s·min|dpred_exact| ≥ 2^-14 with s a power of two: take the "
            "base-2 logarithm of the ratio and round it up.",
            "需要 s·min|dpred_exact| ≥ 2^-14，且 s 是 2 的幂：对两者之比取以 2 为底"
            "的对数，再向上取整。",
        ),
        T(
            "For the count, linear_grads(tf.float16, s / 2) returns dL/dŷ as "
            "computed: count the entries whose size is below F16.tiny.",
            "至于个数：linear_grads(tf.float16, s / 2) 返回实际算出的 dL/dŷ，"
            "数出绝对值低于 F16.tiny 的元素。",
        ),
    ],
    solution=lambda: {
        "scale": 2.0 ** np.ceil(np.log2(TINY16 / np.min(np.abs(_dpred_exact())))),
        "subnormal_at_half": _subnormal_count(
            2.0 ** np.ceil(np.log2(TINY16 / np.min(np.abs(_dpred_exact())))) / 2
        ),
    },
    seed=132,
)


# ---- Exercises 3 and 4: the logistic model, per-example gradients --------------------

W_PE, B_PE = 1.5, -0.5  # the weights of model_pe: logit = 1.5·x − 0.5


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _per_example_reference(x, y):
    """(∂ℓᵢ/∂w, ∂ℓᵢ/∂b) = (xᵢ (pᵢ − yᵢ), pᵢ − yᵢ), shape [B, 2]."""
    error = _sigmoid(W_PE * x + B_PE) - y
    return np.stack([x * error, error], axis=1)


def _logistic_loss(w, b, x, y):
    z = w * x + b
    return np.logaddexp(0, z) - y * z  # sigmoid cross-entropy with logits


def _per_example_numeric(x, y, h=1e-6):
    return np.stack(
        [
            (
                _logistic_loss(W_PE + h, B_PE, x, y)
                - _logistic_loss(W_PE - h, B_PE, x, y)
            )
            / (2 * h),
            (
                _logistic_loss(W_PE, B_PE + h, x, y)
                - _logistic_loss(W_PE, B_PE - h, x, y)
            )
            / (2 * h),
        ],
        axis=1,
    )


@functools.cache
def _per_example_grads(dtype="float64", activation=None, how="jacobian"):
    """model_pe and its per-example gradients, compiled once for every batch
    size (as section 3 compiles grads_jacobian); cached, so that tests trace
    each variant once."""
    tf, keras = _tf(), _keras()
    model = keras.Sequential(
        [
            keras.Input((1,), dtype=dtype),
            keras.layers.Dense(1, activation=activation, dtype=dtype),
        ]
    )
    model.set_weights([np.array([[W_PE]]), np.array([B_PE])])
    signature = [tf.TensorSpec([None], dtype), tf.TensorSpec([None], dtype)]

    @tf.function(input_signature=signature)
    def compiled(x, y):
        batch = tf.shape(x)[0]
        with tf.GradientTape() as tape:
            logits = model(x[:, None])[:, 0]
            losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
            if how == "mean":
                losses = losses / tf.cast(batch, dtype)
        if how == "gradient":
            grads = tape.gradient(losses, model.trainable_variables)
            return tf.concat([tf.reshape(g, [-1]) for g in grads], axis=0)
        jacobians = tape.jacobian(losses, model.trainable_variables)
        columns = [tf.reshape(j, [batch, -1]) for j in jacobians]
        if how == "kernel_only":
            return columns[0]
        return tf.concat(columns, axis=1)  # [B, 2]: ∂ℓᵢ/∂w, ∂ℓᵢ/∂b

    def per_example_grads(x, y):
        return compiled(tf.constant(x, dtype), tf.constant(y, dtype))

    return per_example_grads


X_EXAMPLE = np.array([2.0, -1.0, 0.5, 3.0])
Y_EXAMPLE = np.array([1.0, 0.0, 0.0, 0.0])


def _random_batch(rng, size):
    return (
        rng.normal(scale=2.0, size=size).round(3),
        rng.integers(0, 2, size=size).astype(np.float64),
    )


PER_EXAMPLE_GRADS = Exercise(
    key="13.3",
    deliverable=Function(
        "per_example_grads",
        ("x", "y"),
        Array(shape=lambda args: (len(args[0]), 2), dtype="float64"),
    ),
    cases=lambda rng: [(X_EXAMPLE, Y_EXAMPLE), _random_batch(rng, 6)],
    reference=_per_example_reference,
    independent=_per_example_numeric,
    tolerance=Tolerance(rtol=1e-9, atol=1e-12),
    verified=T(
        "per_example_grads checked on 2 batches (the example of 4 and a seeded "
        "random one of 6) against (xᵢ·(pᵢ − yᵢ), pᵢ − yᵢ), pᵢ = σ(1.5·xᵢ − 0.5), "
        "for every example, in float64, within {tolerance}",
        "已在 2 个批次（4 个样本的示例以及 6 个样本的固定种子随机批次）上将 "
        "per_example_grads 与每个样本的 (xᵢ·(pᵢ − yᵢ), pᵢ − yᵢ)（pᵢ = σ(1.5·xᵢ − 0.5)）"
        "对照验证（float64），误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="summed",
            detect=d.computes(lambda x, y: _per_example_reference(x, y).sum(0)),
            name=T(
                "per_example_grads returns one gradient, the sum over the "
                "examples: tape.gradient adds up the per-example gradients.",
                "per_example_grads 只返回一个梯度，即对所有样本求和的结果："
                "tape.gradient 会把逐样本梯度加起来。",
            ),
            advice=T(
                "tape.jacobian(losses, model_pe.trainable_variables) keeps one row "
                "per example: shapes [batch, 1, 1] and [batch, 1].",
                "tape.jacobian(losses, model_pe.trainable_variables) 为每个样本保留一行："
                "形状为 [batch, 1, 1] 和 [batch, 1]。",
            ),
            section=SECTION_3,
            example=lambda: _per_example_grads(how="gradient"),
        ),
        Mistake(
            id="mean",
            detect=d.scaled(lambda args: 1 / len(args[0])),
            name=T(
                "per_example_grads is divided by the batch size: the losses were "
                "averaged (or divided by B) before the Jacobian.",
                "per_example_grads 被除以了批次大小：求雅可比矩阵之前，"
                "损失已经取过平均（或除以了 B）。",
            ),
            advice=T(
                "Differentiate each example's own loss: the vector returned by "
                "tf.nn.sigmoid_cross_entropy_with_logits, as it is.",
                "对每个样本自己的损失求导："
                "直接用 tf.nn.sigmoid_cross_entropy_with_logits 返回的向量。",
            ),
            section=SECTION_3,
            example=lambda: _per_example_grads(how="mean"),
        ),
        Mistake(
            id="sigmoid_twice",
            detect=d.computes(
                lambda x, y: (
                    lambda p: (
                        np.stack([x, np.ones_like(x)], axis=1)
                        * ((_sigmoid(p) - y) * p * (1 - p))[:, None]
                    )
                )(_sigmoid(W_PE * x + B_PE))
            ),
            name=T(
                "per_example_grads applies the sigmoid twice: the model outputs "
                "a probability, and sigmoid_cross_entropy_with_logits applies "
                "its own sigmoid.",
                "per_example_grads 把 sigmoid 用了两次：模型输出的是概率，"
                "而 sigmoid_cross_entropy_with_logits 还会再做一次 sigmoid。",
            ),
            advice=T(
                "Give the loss the logits: a Dense(1) layer without "
                "activation='sigmoid'.",
                "把 logits 交给损失函数：Dense(1) 层不要加 activation='sigmoid'。",
            ),
            section=SECTION_3,
            example=lambda: _per_example_grads(activation="sigmoid"),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "per_example_grads computes in float32: Keras layers are float32 "
                "unless told otherwise.",
                "per_example_grads 用 float32 计算：Keras 层默认是 float32。",
            ),
            advice=T(
                "Give keras.Input and the Dense layer dtype='float64'.",
                "给 keras.Input 和 Dense 层指定 dtype='float64'。",
            ),
            section=None,
            example=lambda: _per_example_grads(dtype="float32"),
        ),
        Mistake(
            id="kernel_only",
            detect=d.computes(lambda x, y: _per_example_reference(x, y)[:, :1]),
            name=T(
                "per_example_grads gives only ∂ℓᵢ/∂w: model_pe has two variables, "
                "the kernel and the bias.",
                "per_example_grads 只给出了 ∂ℓᵢ/∂w：model_pe 有两个变量，"
                "权重矩阵（`kernel`）和偏置。",
            ),
            advice=T(
                "Take the Jacobian with respect to model_pe.trainable_variables "
                "and join both, the kernel's column first.",
                "求对 model_pe.trainable_variables 的雅可比矩阵，并把两者连接起来，"
                "权重矩阵（`kernel`）的一列在前。",
            ),
            section=SECTION_3,
            example=lambda: _per_example_grads(how="kernel_only"),
        ),
    ],
    hints=[
        T(
            "Section 3's grads_jacobian does this for the classifier: the tape "
            "records the vector of per-example losses, and tape.jacobian "
            "differentiates each entry separately. Compile it the same way, "
            "with an input signature that leaves the batch size open.",
            "第 3 节的 grads_jacobian 为分类器做的就是这件事：梯度带记录逐样本损失组成的"
            "向量，tape.jacobian 对其中每个元素分别求导。用同样的方式编译它，"
            "输入签名中不固定批次大小。",
        ),
        T(
            "Build model_pe once, outside the function, with dtype='float64' for "
            "keras.Input((1,)) and Dense(1), and set its weights with set_weights; "
            "the losses come from the logits model_pe(x[:, None])[:, 0].",
            "在函数之外构建一次 model_pe，keras.Input((1,)) 和 Dense(1) 都指定 "
            "dtype='float64'，再用 set_weights 设置权重；"
            "损失由 logits model_pe(x[:, None])[:, 0] 计算。",
        ),
        T(
            "tape.jacobian of the loss vector with respect to the two variables "
            "gives [batch, 1, 1] and [batch, 1]: reshape each to [batch, 1] and "
            "join them side by side (tf.concat, axis=1). No mean, no sum.",
            "损失向量对两个变量的 tape.jacobian 给出 [batch, 1, 1] 和 [batch, 1]："
            "把两者都变形为 [batch, 1]，再并排连接（tf.concat，axis=1）。"
            "不要取均值，也不要求和。",
        ),
    ],
    solution=lambda: _per_example_grads(),
    seed=133,
)


# ---- Exercise 4: dp_gradient(x, y, clip_norm) -------------------------------------


def _norms(per_example):
    return np.sqrt(np.sum(per_example.reshape(len(per_example), -1) ** 2, axis=1))


def _dp_reference(x, y, clip_norm):
    g = _per_example_reference(x, y)
    factors = np.minimum(1.0, clip_norm / _norms(g))
    return np.tensordot(factors, g, axes=1) / len(g)


def _dp_independent(x, y, clip_norm):
    total = np.zeros(2)
    g = _per_example_numeric(x, y)
    for g_i in g:
        norm = np.sqrt(np.sum(g_i**2))
        total += g_i * (clip_norm / norm if norm > clip_norm else 1.0)
    return total / len(g)


def _dp_gradient(dtype="float64", clip="each", reduce="mean"):
    tf = _tf()
    per_example = _per_example_grads(dtype)

    def dp_gradient(x, y, clip_norm):
        g = per_example(x, y)  # [B, 2]
        batch = g.shape[0]
        if clip == "batch":
            return tf.clip_by_norm(tf.reduce_mean(g, axis=0), clip_norm)
        norms = tf.norm(tf.reshape(g, [batch, -1]), axis=1)
        if clip == "none":
            factors = tf.ones_like(norms)
        elif clip == "always":
            factors = clip_norm / norms
        else:
            factors = tf.minimum(tf.constant(1.0, g.dtype), clip_norm / norms)
        total = tf.tensordot(factors, g, axes=1)
        return total / batch if reduce == "mean" else total

    return dp_gradient


def _dp_cases(rng):
    median = float(np.median(_norms(_per_example_reference(X_EXAMPLE, Y_EXAMPLE))))
    return [
        (X_EXAMPLE, Y_EXAMPLE, 1e6),  # above every norm: the plain mean gradient
        (X_EXAMPLE, Y_EXAMPLE, round(median, 6)),  # the median: half are clipped
        (*_random_batch(rng, 6), round(float(rng.uniform(0.2, 1.0)), 3)),
    ]


DP_GRADIENT = Exercise(
    key="13.4",
    deliverable=Function(
        "dp_gradient",
        ("x", "y", "clip_norm"),
        Array(shape=lambda args: (2,), dtype="float64"),
    ),
    cases=_dp_cases,
    reference=_dp_reference,
    independent=_dp_independent,
    tolerance=Tolerance(rtol=1e-9, atol=1e-12),
    verified=T(
        "dp_gradient checked on 3 cases (clip_norm = 10^6 and the median norm on "
        "the example, and a seeded random batch) against (1/B)·Σ gᵢ·min(1, C/‖gᵢ‖) "
        "from the hand-derived per-example gradients in float64, within {tolerance}",
        "已在 3 种情形（示例上的 clip_norm = 10^6 与范数的中位数，以及一个固定种子的"
        "随机批次）下将 dp_gradient 与由手算的逐样本梯度得到的 "
        "(1/B)·Σ gᵢ·min(1, C/‖gᵢ‖) 对照验证（float64），误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="no_clip",
            detect=d.computes(
                lambda x, y, c: _per_example_reference(x, y).mean(axis=0)
            ),
            name=T(
                "dp_gradient is the plain mean gradient: no example was clipped.",
                "dp_gradient 是普通的平均梯度：没有裁剪任何样本。",
            ),
            advice=T(
                "Scale each example's gradient by min(1, clip_norm / ‖gᵢ‖) "
                "before averaging.",
                "取平均之前，把每个样本的梯度乘以 min(1, clip_norm / ‖gᵢ‖)。",
            ),
            section=SECTION_DP,
            example=lambda: _dp_gradient(clip="none"),
        ),
        Mistake(
            id="batch_clip",
            detect=d.computes(
                lambda x, y, c: (lambda m: m * min(1.0, c / np.sqrt(np.sum(m**2))))(
                    _per_example_reference(x, y).mean(axis=0)
                )
            ),
            name=T(
                "dp_gradient clips the mean gradient of the batch, not each "
                "example's gradient.",
                "dp_gradient 裁剪的是整个批次的平均梯度，而不是每个样本的梯度。",
            ),
            advice=T(
                "DP-SGD bounds what any one example contributes: clip every "
                "per-example gradient to norm clip_norm first, then average.",
                "DP-SGD 限制的是任何一个样本的贡献：先把每个逐样本梯度裁剪到范数 "
                "clip_norm，再取平均。",
            ),
            section=SECTION_DP,
            example=lambda: _dp_gradient(clip="batch"),
        ),
        Mistake(
            id="always_scaled",
            detect=d.computes(
                lambda x, y, c: (
                    lambda g: np.tensordot(c / _norms(g), g, axes=1) / len(g)
                )(_per_example_reference(x, y))
            ),
            name=T(
                "dp_gradient scales every example's gradient to norm clip_norm, "
                "also those that were shorter.",
                "dp_gradient 把每个样本的梯度都缩放到范数 clip_norm，"
                "本来更短的也被拉长了。",
            ),
            advice=T(
                "Clipping only shortens: the factor is min(1, clip_norm / ‖gᵢ‖).",
                "裁剪只会缩短：因子是 min(1, clip_norm / ‖gᵢ‖)。",
            ),
            section=SECTION_DP,
            example=lambda: _dp_gradient(clip="always"),
        ),
        Mistake(
            id="sum",
            detect=d.scaled(lambda args: len(args[0])),
            name=T(
                "dp_gradient is the sum of the clipped gradients, not their mean.",
                "dp_gradient 是裁剪后梯度的和，而不是它们的均值。",
            ),
            advice=T(
                "Divide the sum by the batch size B.",
                "把和除以批次大小 B。",
            ),
            section=SECTION_DP,
            example=lambda: _dp_gradient(reduce="sum"),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "dp_gradient computes in float32: Keras layers are float32 unless "
                "told otherwise.",
                "dp_gradient 用 float32 计算：Keras 层默认是 float32。",
            ),
            advice=T(
                "Build model_pe with dtype='float64' (keras.Input and Dense).",
                "以 dtype='float64' 构建 model_pe（keras.Input 和 Dense）。",
            ),
            section=None,
            example=lambda: _dp_gradient(dtype="float32"),
        ),
    ],
    hints=[
        T(
            "Section 3's dp_sgd_gradient, with noise_multiplier = 0, is the "
            "formula; exercise 3's per_example_grads gives the gᵢ.",
            "第 3 节的 dp_sgd_gradient 在 noise_multiplier = 0 时就是这个公式；"
            "练习 3 的 per_example_grads 给出 gᵢ。",
        ),
        T(
            "One norm per example, ‖gᵢ‖, over all entries of its gradient; the "
            "factor min(1, clip_norm / ‖gᵢ‖) only shortens.",
            "每个样本一个范数 ‖gᵢ‖，对它梯度的全部元素计算；"
            "因子 min(1, clip_norm / ‖gᵢ‖) 只会缩短梯度。",
        ),
        T(
            "Weight the per-example gradients by their factors "
            "(tf.tensordot(factors, g, axes=1)) and divide by the batch size.",
            "用各自的因子给逐样本梯度加权（tf.tensordot(factors, g, axes=1)），"
            "再除以批次大小。",
        ),
    ],
    solution=lambda: _dp_gradient(),
    seed=134,
)

EXERCISES = [CHECKPOINTED_GRADS, SCALE_REPORT, PER_EXAMPLE_GRADS, DP_GRADIENT]
