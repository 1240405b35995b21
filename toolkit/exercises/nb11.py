"""Exercises of notebook 11 · Gradients of Keras models (Keras 模型的梯度与自定义训练循环).

1. ``clipped_step(w, b, grad_w, grad_b)``: two variables after one step of
   ``SGD(learning_rate=0.02, global_clipnorm=1.0)``, joined into one vector.
2. ``reg_grads(w, b, lam)``: the gradient of the MSE plus ``sum(model.losses)``
   for the float64 line with an L2(lam) penalty on its kernel, as a dict.
3. ``penalty_grads(w, b)``: the gradient penalty of the line and its gradient
   with respect to w and b (zero for b), from nested tapes, as a dict.

TensorFlow and Keras are imported inside the functions only (a notebook has
loaded them).
"""

from __future__ import annotations

import functools

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
)
from toolkit.exercises.references import central_difference as _central
from toolkit.exercises.references import tensorflow as _tf

LR, CLIP = 0.02, 1.0  # exercise 1: SGD(learning_rate=0.02, global_clipnorm=1.0)


def _keras():
    import keras

    return keras


@functools.cache
def _data():
    """The chapter's 100 points (float64), as the notebook loads them."""
    from toolkit.data import load_linear_data

    return load_linear_data()


# Where the notebook covers each mistake.
SECTION_1 = T(
    "section 1 · The chapter's line as a Keras model",
    "“1 · 把原章节的直线写成 Keras 模型”一节",
)
SECTION_4 = T(
    "section 4 · Regularisation losses and gradient clipping",
    "“4 · 正则化损失与梯度裁剪”一节",
)
SECTION_5 = T(
    "section 5 · Gradients with respect to the inputs",
    "“5 · 对输入的梯度”一节",
)


# ---- Exercise 1: clipped_step(w, b, grad_w, grad_b) -------------------------------


def _clip_global(g):
    return g * min(1.0, CLIP / np.sqrt(np.sum(g**2)))


def _join(w, b):
    return np.concatenate([w, b])


def _clipped_reference(w, b, grad_w, grad_b):
    return _join(w, b) - LR * _clip_global(_join(grad_w, grad_b))


def _clipped_independent(w, b, grad_w, grad_b):
    # variable by variable: the global norm from the norms of the two
    global_norm = float(np.hypot(np.linalg.norm(grad_w), np.linalg.norm(grad_b)))
    factor = CLIP / max(global_norm, CLIP)
    return np.array(
        [*(w - LR * factor * grad_w), *(b - LR * factor * grad_b)], dtype=float
    )


def _per_variable(w, b, grad_w, grad_b):
    clipped = [g * min(1.0, CLIP / np.linalg.norm(g)) for g in (grad_w, grad_b)]
    return _join(w, b) - LR * _join(*clipped)


def _clipped_step(make_optimizer, dtype=None, sign=1.0):
    tf = _tf()

    def clipped_step(w, b, grad_w, grad_b):
        cast = (lambda a: a.astype(dtype)) if dtype else (lambda a: a)
        variables = [tf.Variable(cast(w)), tf.Variable(cast(b))]
        gradients = [tf.constant(sign * cast(g)) for g in (grad_w, grad_b)]
        optimizer = make_optimizer()
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return tf.concat(variables, axis=0)

    return clipped_step


def _clipped_step_shared_optimizer():
    shared = _sgd(global_clipnorm=CLIP)()  # built for the first call's variables
    return _clipped_step(lambda: shared)


def _sgd(**options):
    return lambda: _keras().optimizers.SGD(learning_rate=LR, **options)


def _clipped_step_solution():
    return _clipped_step(_sgd(global_clipnorm=CLIP))


def _clipped_cases(rng):
    fixed = (
        np.array([1.0, -2.0, 0.5]),
        np.array([0.0, 1.0]),
        np.array([3.0, -4.0, 0.0]),
        np.array([1.0, 2.0]),
    )

    def draw(scale):
        return (
            rng.normal(size=3).round(3),
            rng.normal(size=2).round(3),
            (scale * rng.normal(size=3)).round(3),
            (scale * rng.normal(size=2)).round(3),
        )

    return [fixed, draw(2.0), draw(0.2)]


CLIPPED_STEP = Exercise(
    key="11.1",
    deliverable=Function(
        "clipped_step",
        ("w", "b", "grad_w", "grad_b"),
        Array(shape=lambda args: (len(args[0]) + len(args[1]),), dtype="float64"),
    ),
    cases=_clipped_cases,
    reference=_clipped_reference,
    independent=_clipped_independent,
    tolerance=Tolerance(rtol=1e-9, atol=1e-9),
    verified=T(
        "clipped_step checked on 3 pairs of variables (the example and 2 seeded "
        "random ones, one of them with a global norm below 1) against "
        "θ − 0.02·g·min(1, 1/‖g‖) with the global norm ‖g‖ of both gradients, in "
        "float64, within {tolerance}",
        "已在 3 对变量（示例以及 2 对固定种子的随机变量，其中一对的全局范数小于 1）上"
        "将 clipped_step 与 float64 的 θ − 0.02·g·min(1, 1/‖g‖) 对照验证"
        "（‖g‖ 是两个梯度合起来的全局范数），误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="no_clip",
            detect=d.computes(lambda w, b, gw, gb: _join(w, b) - LR * _join(gw, gb)),
            name=T(
                "clipped_step takes a plain SGD step: the gradients are not clipped.",
                "clipped_step 做的是普通的 SGD 一步更新：梯度没有被裁剪。",
            ),
            advice=T(
                "Create the optimizer with global_clipnorm=1.0, or clip the list "
                "with tf.clip_by_global_norm(grads, 1.0) before a plain SGD step.",
                "创建优化器时传入 global_clipnorm=1.0，或者在普通的 SGD 一步更新之前"
                "用 tf.clip_by_global_norm(grads, 1.0) 裁剪梯度列表。",
            ),
            section=SECTION_4,
            example=lambda: _clipped_step(_sgd()),
        ),
        Mistake(
            id="per_variable",
            detect=d.computes(_per_variable),
            name=T(
                "clipped_step clips each variable's gradient by its own norm "
                "(clipnorm, or tf.clip_by_norm per tensor), not all of them by "
                "their global norm.",
                "clipped_step 按每个变量自己的范数分别裁剪梯度（clipnorm，或对每个张量"
                "调用 tf.clip_by_norm），而不是按全部梯度的全局范数一起裁剪。",
            ),
            advice=T(
                "global_clipnorm (not clipnorm) treats all gradients as one long "
                "vector and scales every one of them by the same factor.",
                "global_clipnorm（不是 clipnorm）把全部梯度看成一个长向量，"
                "所有梯度都乘以同一个因子。",
            ),
            section=SECTION_4,
            example=lambda: _clipped_step(_sgd(clipnorm=CLIP)),
        ),
        Mistake(
            id="clipvalue",
            detect=d.computes(
                lambda w, b, gw, gb: (
                    _join(w, b) - LR * np.clip(_join(gw, gb), -CLIP, CLIP)
                )
            ),
            name=T(
                "clipped_step clips every entry to [−1, 1] (clipvalue), which "
                "changes the direction of the step.",
                "clipped_step 把每个元素截到 [−1, 1] 之内（clipvalue），这会改变更新的方向。",
            ),
            advice=T(
                "Clipping by global norm keeps the direction and caps the length: "
                "use global_clipnorm=1.0, not clipvalue=1.0.",
                "按全局范数裁剪保持方向、只限制长度：用 global_clipnorm=1.0，"
                "而不是 clipvalue=1.0。",
            ),
            section=SECTION_4,
            example=lambda: _clipped_step(_sgd(clipvalue=CLIP)),
        ),
        Mistake(
            id="ascent",
            detect=d.computes(
                lambda w, b, gw, gb: _join(w, b) + LR * _clip_global(_join(gw, gb))
            ),
            name=T(
                "clipped_step steps uphill: it adds the clipped gradient instead "
                "of subtracting it.",
                "clipped_step 朝上坡走：它加上了裁剪后的梯度，而不是减去它。",
            ),
            advice=T(
                "Pass the gradients themselves to apply_gradients; it subtracts "
                "learning_rate × gradient.",
                "把梯度本身传给 apply_gradients；它会减去 learning_rate × 梯度。",
            ),
            section=None,
            example=lambda: _clipped_step(_sgd(global_clipnorm=CLIP), sign=-1.0),
        ),
        Mistake(
            id="one_optimizer",
            detect=d.raises(ValueError, "Unknown variable"),
            name=T(
                "clipped_step reuses one optimizer for new variables: a Keras "
                "optimizer is built for the variables it first updates, and "
                "refuses others.",
                "clipped_step 对新的变量重复使用同一个优化器：Keras 优化器是为它第一次"
                "更新的那些变量构建的，会拒绝其他变量。",
            ),
            advice=T(
                "Create the optimizer inside the function, next to the variables "
                "it will update: one new optimizer per call.",
                "在函数之内、紧挨着它要更新的变量创建优化器：每次调用新建一个。",
            ),
            section=None,
            example=lambda: _clipped_step_shared_optimizer(),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "clipped_step computes in float32, not in float64.",
                "clipped_step 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "Make each variable from its array as it is, tf.Variable(w) and "
                "tf.Variable(b): that keeps the float64 of the arrays.",
                "直接用数组创建变量，tf.Variable(w) 和 tf.Variable(b)："
                "这样保持数组的 float64。",
            ),
            section=None,
            example=lambda: _clipped_step(_sgd(global_clipnorm=CLIP), dtype=np.float32),
        ),
    ],
    hints=[
        T(
            "Section 4 clips a list of gradients by their global norm with "
            "tf.clip_by_global_norm; a Keras optimizer created with global_clipnorm "
            "does the same inside apply_gradients. Either way gives the answer.",
            "第 4 节用 tf.clip_by_global_norm 按全局范数裁剪梯度列表；"
            "以 global_clipnorm 创建的 Keras 优化器在 apply_gradients 里做同样的事。"
            "两种做法都能得到答案。",
        ),
        T(
            "Make two tf.Variables, from w and from b (float64, like the arrays), "
            "and a new optimizer inside the function, for those variables; pair "
            "w with grad_w and b with grad_b.",
            "用 w 和 b 创建两个 tf.Variable（与数组一样是 float64），"
            "并在函数内为这些变量新建一个优化器；w 与 grad_w 配对，b 与 grad_b 配对。",
        ),
        T(
            "After apply_gradients the variables hold the new weights: join them "
            "into one vector, w's entries first (tf.concat).",
            "apply_gradients 之后，变量里就是新的权重：把它们连接成一个向量，"
            "w 的元素在前（tf.concat）。",
        ),
    ],
    solution=_clipped_step_solution,
    seed=111,
)


# ---- Exercise 2: reg_grads(w, b, lam) -----------------------------------------------


def _data_grad(w, b):
    X, y = _data()
    residual = w * X + b - y
    return 2 * np.mean(X * residual), 2 * np.mean(residual)


def _reg_reference(w, b, lam):
    dw, db = _data_grad(w, b)
    return {"w": dw + 2 * lam * w, "b": db}


def _reg_independent(w, b, lam):
    X, y = _data()

    def loss(w_, b_):
        return np.mean((w_ * X + b_ - y) ** 2) + lam * w_**2

    # a quadratic: the central difference is exact up to rounding
    return {
        "w": _central(lambda v: loss(v, b), w, h=1e-4),
        "b": _central(lambda v: loss(w, v), b, h=1e-4),
    }


def _reg_grads(
    penalty=True, loss_dtype="float64", bias_penalty=False, read_outside=False
):
    tf, keras = _tf(), _keras()

    def reg_grads(w, b, lam):
        reg = keras.regularizers.L2(lam)
        layer = keras.layers.Dense(
            1,
            kernel_regularizer=reg,
            bias_regularizer=reg if bias_penalty else None,
            dtype="float64",
        )
        model = keras.Sequential([keras.Input((1,), dtype="float64"), layer])
        model.set_weights([np.array([[w]]), np.array([b])])
        X, y = _data()
        mse = keras.losses.MeanSquaredError(dtype=loss_dtype)
        outside = tf.add_n(model.losses)  # read before the tape: not recorded
        with tf.GradientTape() as tape:
            loss = mse(y[:, None], model(X[:, None]))
            if penalty:
                loss += outside if read_outside else tf.add_n(model.losses)
        gw, gb = tape.gradient(loss, model.trainable_variables)
        return {"w": tf.reshape(gw, []), "b": tf.reshape(gb, [])}

    return reg_grads


def _reg_cases(rng):
    return [
        (1.0, -2.0, 0.5),
        (1.5, 0.25, 0.125),
        *[
            (
                round(float(rng.uniform(-3, 3)), 2),
                round(float(rng.uniform(-3, 3)), 2),
                float(rng.integers(1, 64)) / 64,  # exact in float32, like Keras' λ
            )
            for _ in range(2)
        ],
    ]


REG_GRADS = Exercise(
    key="11.2",
    deliverable=Function("reg_grads", ("w", "b", "lam"), Dict(keys=("w", "b"))),
    cases=_reg_cases,
    reference=_reg_reference,
    independent=_reg_independent,
    tolerance=Tolerance(rtol=1e-9, atol=1e-10),
    verified=T(
        "reg_grads checked at 4 points (the 2 of the exercise and 2 seeded random "
        "ones) against notebook 07's formulas plus the penalty's 2λw, in float64, "
        "within {tolerance}",
        "已在 4 个点（练习中的 2 个以及 2 个固定种子的随机点）上将 reg_grads 与笔记本 07 "
        "的公式加上惩罚项的 2λw 对照验证（float64），误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="no_penalty",
            detect=d.computes(
                lambda w, b, lam: dict(zip("wb", _data_grad(w, b), strict=True))
            ),
            name=T(
                "reg_grads is the gradient of the data loss alone: the penalty "
                "was not differentiated.",
                "reg_grads 只是数据损失的梯度：惩罚项没有参与求导。",
            ),
            advice=T(
                "Add tf.add_n(model.losses) to the loss inside the tape: Keras "
                "does not add it for you, and a reading of model.losses before "
                "the tape is not recorded.",
                "在梯度带之内把 tf.add_n(model.losses) 加到损失上：Keras 不会替你加，"
                "而在梯度带之前读取的 model.losses 不会被记录。",
            ),
            section=SECTION_4,
            example=lambda: _reg_grads(read_outside=True),
        ),
        Mistake(
            id="bias_penalty",
            detect=d.computes(
                lambda w, b, lam: {
                    "w": _reg_reference(w, b, lam)["w"],
                    "b": _data_grad(w, b)[1] + 2 * lam * b,
                }
            ),
            name=T(
                "reg_grads penalises the bias too: its gradient has an extra 2λb.",
                "reg_grads 把偏置也惩罚了：它的梯度多了 2λb。",
            ),
            advice=T(
                "The exercise's penalty is on the kernel only: "
                "kernel_regularizer=keras.regularizers.L2(lam), no bias_regularizer.",
                "练习中的惩罚项只作用于权重矩阵（`kernel`）："
                "kernel_regularizer=keras.regularizers.L2(lam)，不要 bias_regularizer。",
            ),
            section=SECTION_4,
            example=lambda: _reg_grads(bias_penalty=True),
        ),
        Mistake(
            id="float32",
            detect=d.any_of(
                d.raises(Exception, "expected to be a float tensor but is a double"),
                d.float32_accuracy(),
            ),
            name=T(
                "reg_grads computes in float32: the loss or the layer is float32 "
                "(a float32 loss plus the float64 penalty cannot even be added).",
                "reg_grads 用 float32 计算：损失或层是 float32"
                "（float32 的损失与 float64 的惩罚项甚至无法相加）。",
            ),
            advice=T(
                "A Keras loss converts its inputs to float32 unless created with "
                "dtype='float64' (mse64 is), and a layer is float32 unless given "
                "dtype='float64'.",
                "Keras 损失除非以 dtype='float64' 创建（mse64 就是这样），否则会把输入"
                "转换为 float32；层也一样，除非指定 dtype='float64'。",
            ),
            section=SECTION_1,
            example=lambda: _reg_grads(loss_dtype=None),
        ),
    ],
    hints=[
        T(
            "Section 4: Keras lists the penalty in model.losses; adding it to the "
            "loss is your job, and only a reading inside the tape is differentiated.",
            "第 4 节：Keras 把惩罚项列在 model.losses 里；把它加到损失上是你的事，"
            "而且只有在梯度带之内读取的才会参与求导。",
        ),
        T(
            "Build the line as make_linear('float64') does, with "
            "kernel_regularizer=keras.regularizers.L2(lam) in the Dense layer; "
            "set its weights with set_weights([np.array([[w]]), np.array([b])]) "
            "and use the float64 loss mse64 on x64, y64.",
            "像 make_linear('float64') 那样构建直线模型，在 Dense 层中加上 "
            "kernel_regularizer=keras.regularizers.L2(lam)；用 "
            "set_weights([np.array([[w]]), np.array([b])]) 设置权重，"
            "并在 x64、y64 上使用 float64 的损失 mse64。",
        ),
        T(
            "Inside one tape, loss = data loss + tf.add_n(model.losses); one "
            'tape.gradient for model.trainable_variables; put the kernel\'s under "w" '
            'and the bias\'s under "b".',
            "在同一个梯度带之内，损失 = 数据损失 + tf.add_n(model.losses)；"
            "对 model.trainable_variables 调用一次 tape.gradient；"
            '把权重矩阵（`kernel`）的梯度放在 "w" 下，偏置的放在 "b" 下。',
        ),
    ],
    solution=lambda: _reg_grads(),
    seed=112,
)


# ---- Exercise 3: penalty_grads(w, b) ------------------------------------------------


def _penalty_reference(w, b):
    return {
        "P": (abs(w) - 1) ** 2,
        "w": 2 * (abs(w) - 1) * np.sign(w),
        "b": 0.0,
    }


def _penalty_numeric(w, b, h=1.0):
    """P from its definition: the mean over the points of (|df/dx| − 1)², with
    df/dx a central difference of f(x) = w·x + b (exact for a line, up to
    rounding, whatever the step)."""
    X, _ = _data()
    slopes = ((w * (X + h) + b) - (w * (X - h) + b)) / (2 * h)
    return np.mean((np.abs(slopes) - 1) ** 2)


def _penalty_independent(w, b):
    return {
        "P": _penalty_numeric(w, b),
        "w": _central(lambda v: _penalty_numeric(v, b), w, h=1e-3),
        "b": _central(lambda v: _penalty_numeric(w, v), b, h=0.5),
    }


def _penalty_grads(
    norm=lambda tf, g: tf.norm(g, axis=1),
    reduce="mean",
    zeros=True,
    record_inner=True,
    keras_variables=False,
):
    tf, keras = _tf(), _keras()

    def penalty_grads(w, b):
        model = keras.Sequential(
            [keras.Input((1,), dtype="float64"), keras.layers.Dense(1, dtype="float64")]
        )
        model.set_weights([np.array([[w]]), np.array([b])])
        X, _ = _data()
        x = tf.constant(X[:, None])
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                inner.watch(x)
                pred = model(x)
            if record_inner:
                dfdx = inner.gradient(pred, x)
        if not record_inner:  # after the outer block: not recorded
            dfdx = inner.gradient(pred, x)
        with outer:
            terms = (norm(tf, dfdx) - 1.0) ** 2
            penalty = (
                tf.reduce_mean(terms) if reduce == "mean" else tf.reduce_sum(terms)
            )
        unconnected = (
            tf.UnconnectedGradients.ZERO if zeros else tf.UnconnectedGradients.NONE
        )
        sources = model.trainable_variables
        if not keras_variables:  # the tf.Variables inside Keras' variables
            sources = [v.value for v in sources]
        dw, db = outer.gradient(penalty, sources, unconnected_gradients=unconnected)
        return {
            "P": penalty,
            "w": None if dw is None else tf.reshape(dw, []),
            "b": None if db is None else tf.reshape(db, []),
        }

    return penalty_grads


@functools.cache
def _least_squares():
    X, y = _data()
    A = np.stack([X, np.ones_like(X)], axis=1)
    w_star, b_star = np.linalg.lstsq(A, y, rcond=None)[0]
    return float(w_star), float(b_star)


def _penalty_cases(rng):
    random = []
    for _ in range(3):
        w = float(rng.uniform(0.2, 3.0) * rng.choice([-1.0, 1.0]))
        random.append((round(w, 3), round(float(rng.uniform(-3, 3)), 3)))
    return [_least_squares(), (-0.5, 1.0), *random]


PENALTY_GRADS = Exercise(
    key="11.3",
    deliverable=Function("penalty_grads", ("w", "b"), Dict(keys=("P", "w", "b"))),
    cases=_penalty_cases,
    reference=_penalty_reference,
    independent=_penalty_independent,
    tolerance=Tolerance(rtol=1e-9, atol=1e-12),
    verified=T(
        "penalty_grads checked at 5 points (the least-squares line, (w, b) = "
        "(−0.5, 1) and 3 seeded random ones) against P = (|w| − 1)², ∂P/∂w = "
        "2(|w| − 1)·sign(w) and ∂P/∂b = 0 in float64, within {tolerance}",
        "已在 5 个点（最小二乘直线、(w, b) = (−0.5, 1) 以及 3 个固定种子的随机点）上"
        "将 penalty_grads 与 float64 的 P = (|w| − 1)²、∂P/∂w = 2(|w| − 1)·sign(w)、"
        "∂P/∂b = 0 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="unrecorded",
            detect=d.any_of(
                d.is_none("w"),
                d.computes(lambda w, b: {"P": (abs(w) - 1) ** 2, "w": 0.0, "b": 0.0}),
            ),
            name=T(
                "∂P/∂w is None or 0: the outer tape did not record the input "
                "gradient, so it sees no path from P to w.",
                "∂P/∂w 是 None 或 0：外层梯度带没有记录对输入的梯度，"
                "所以看不到从 P 到 w 的路径。",
            ),
            advice=T(
                "Call inner.gradient inside the outer tape's `with` block (after "
                "the inner block has closed) and compute P there too, so the outer "
                "tape records both.",
                "在外层梯度带的 with 块之内（内层 with 块结束之后）调用 inner.gradient，"
                "并同样在那里计算 P，这样外层梯度带会把两者都记录下来。",
            ),
            section=SECTION_5,
            example=lambda: _penalty_grads(record_inner=False),
        ),
        Mistake(
            id="none_for_b",
            detect=d.is_none("b"),
            name=T(
                "∂P/∂b is None: P does not depend on b, so the tape finds no path "
                "to it. That is the answer to the question; the dict asks for a "
                "number.",
                "∂P/∂b 是 None：P 不依赖于 b，所以梯度带找不到通向它的路径。"
                "这正是问题的答案；不过字典里要的是一个数。",
            ),
            advice=T(
                "Ask for zeros instead of None: outer.gradient(P, "
                "[v.value for v in model.trainable_variables], "
                "unconnected_gradients=tf.UnconnectedGradients.ZERO) (the "
                "tf.Variables inside the Keras variables: with the Keras "
                "variables themselves this option fails).",
                "让梯度带返回零而不是 None：outer.gradient(P, "
                "[v.value for v in model.trainable_variables], "
                "unconnected_gradients=tf.UnconnectedGradients.ZERO)"
                "（源是 Keras 变量内部的 tf.Variable：直接用 Keras 变量时这个选项会失败）。",
            ),
            section=SECTION_5,
            example=lambda: _penalty_grads(zeros=False),
        ),
        Mistake(
            id="keras_variables",
            detect=d.raises(AttributeError, "_type_enum"),
            name=T(
                "unconnected_gradients=tf.UnconnectedGradients.ZERO fails with "
                "Keras 3 variables as sources: TensorFlow reads their dtype, a "
                "string, as a tf.DType.",
                "以 Keras 3 变量作为源时，unconnected_gradients="
                "tf.UnconnectedGradients.ZERO 会失败：TensorFlow 把它们的数据类型"
                "（一个字符串）当作 tf.DType 来读。",
            ),
            advice=T(
                "Give the tape the tf.Variables inside them, "
                "[v.value for v in model.trainable_variables]; the gradients are "
                "the same, and a zero comes back for b.",
                "把它们内部的 tf.Variable 交给梯度带："
                "[v.value for v in model.trainable_variables]；梯度不变，"
                "b 的梯度返回零。",
            ),
            section=SECTION_5,
            example=lambda: _penalty_grads(keras_variables=True),
        ),
        Mistake(
            id="no_norm",
            detect=d.computes(
                lambda w, b: {"P": (w - 1) ** 2, "w": 2 * (w - 1), "b": 0.0}
            ),
            name=T(
                "penalty_grads uses ∂f/∂x − 1 instead of its norm, |∂f/∂x| − 1: "
                "wrong wherever w < 0.",
                "penalty_grads 用的是 ∂f/∂x − 1，而不是它的范数 |∂f/∂x| − 1："
                "凡是 w < 0 的地方都不对。",
            ),
            advice=T(
                "The penalty takes the norm of each row of the input gradient: "
                "tf.norm(dfdx, axis=1) − 1, then squared.",
                "惩罚项取对输入的梯度每一行的范数：tf.norm(dfdx, axis=1) − 1，再平方。",
            ),
            section=SECTION_5,
            example=lambda: _penalty_grads(norm=lambda tf, g: g[:, 0]),
        ),
        Mistake(
            id="squared_norm",
            detect=d.computes(
                lambda w, b: {"P": (w**2 - 1) ** 2, "w": 4 * w * (w**2 - 1), "b": 0.0}
            ),
            name=T(
                "penalty_grads uses the squared norm |∂f/∂x|² − 1 instead of the "
                "norm |∂f/∂x| − 1.",
                "penalty_grads 用的是范数的平方 |∂f/∂x|² − 1，而不是范数 |∂f/∂x| − 1。",
            ),
            advice=T(
                "tf.norm(dfdx, axis=1) is the norm itself; "
                "tf.reduce_sum(dfdx**2, axis=1) is its square.",
                "tf.norm(dfdx, axis=1) 就是范数本身；tf.reduce_sum(dfdx**2, axis=1) "
                "是它的平方。",
            ),
            section=SECTION_5,
            example=lambda: _penalty_grads(
                norm=lambda tf, g: tf.reduce_sum(g**2, axis=1)
            ),
        ),
        Mistake(
            id="sum",
            detect=d.scaled(100.0),
            name=T(
                "penalty_grads sums over the 100 points instead of averaging: "
                "everything is 100 times too large.",
                "penalty_grads 对 100 个点求和而不是求平均：结果都大了 100 倍。",
            ),
            advice=T(
                "P is the mean over the points: tf.reduce_mean, not tf.reduce_sum.",
                "P 是对所有点取平均：用 tf.reduce_mean，而不是 tf.reduce_sum。",
            ),
            section=SECTION_5,
            example=lambda: _penalty_grads(reduce="sum"),
        ),
    ],
    hints=[
        T(
            "Section 5's gradient_penalty does the work with two tapes; for the "
            "line ∂f/∂x = w at every point, so P = (|w| − 1)².",
            "第 5 节的 gradient_penalty 用两个梯度带完成这件事；对直线来说，"
            "每个点上 ∂f/∂x = w，所以 P = (|w| − 1)²。",
        ),
        T(
            "Build a float64 line (make_linear('float64')), set its weights to "
            "w and b, and keep the inner tape's gradient inside the outer tape's "
            "`with` block, so the outer tape records it; take its norm per row.",
            "构建 float64 的直线模型（make_linear('float64')），把权重设为 w 和 b；"
            "把内层梯度带的 gradient 调用放在外层梯度带的 with 块之内，"
            "让外层梯度带记录它；对每一行取范数。",
        ),
        T(
            "P does not depend on b: the outer tape finds no path and says None. "
            "The dict asks for a number: pass "
            "unconnected_gradients=tf.UnconnectedGradients.ZERO to the outer "
            "tape's gradient call, with the tf.Variables inside the Keras "
            "variables as sources (their .value).",
            "P 不依赖于 b：外层梯度带找不到路径，返回 None。字典里要的是一个数："
            "在外层梯度带的 gradient 调用中传入 "
            "unconnected_gradients=tf.UnconnectedGradients.ZERO，"
            "并以 Keras 变量内部的 tf.Variable（它们的 .value）作为源。",
        ),
    ],
    solution=lambda: _penalty_grads(),
    seed=113,
)

EXERCISES = [CLIPPED_STEP, REG_GRADS, PENALTY_GRADS]
