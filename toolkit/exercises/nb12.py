"""Exercises of notebook 12 · Gradients across devices and workers (跨设备与跨工作进程的梯度).

The runs of this notebook take seconds (a strategy, tracing, 100 steps), so
every deliverable is a *value* the learner computes once; the check compares
numbers and takes milliseconds.

1. ``grad_99``: the all-reduced gradient (dL/dw, dL/db) at w = b = 0 on the
   first 99 points, split 50/49 between two replicas.
2. ``wb_minibatch``: (w, b) after 20 epochs of mini-batches of 20 under
   ``MirroredStrategy``.
3. ``mean_pitfall``: the loss's growth factor per step with a per-replica mean
   at learning rate 0.02, and the learning rate that repairs it.

The solutions here emulate the two replicas on one device (one tape per
replica's shard, gradients summed): tests run without logical devices.
TensorFlow is imported inside the functions only.
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
    Mistake,
    T,
    Tolerance,
    Trial,
    Value,
    close,
)
from toolkit.exercises.references import tensorflow as _tf

LR = 0.02


@functools.cache
def _data():
    """The chapter's 100 points (float64), as the notebook loads them."""
    from toolkit.data import load_linear_data

    return load_linear_data()


def _grad(w, b, X, y):
    """Notebook 07's MSE gradient (float64)."""
    residual = w * X + b - y
    return np.array([2 * np.mean(X * residual), 2 * np.mean(residual)])


def _central_2d(loss, theta, h=1e-4):
    """Central differences of loss(w, b) in float64 (exact for a quadratic,
    up to rounding)."""
    theta = np.asarray(theta, float)
    out = []
    for k in range(2):
        step = np.zeros(2)
        step[k] = h
        out.append((loss(*(theta + step)) - loss(*(theta - step))) / (2 * h))
    return np.array(out)


# Where the notebook covers each mistake.
SECTION_3 = T(
    "“The tape on each replica” in section 3",
    "第 3 节的“每个副本上的梯度带”",
)
SECTION_5 = T(
    "section 5 · Who scales what: Keras losses, regularisation, clipping",
    "“5 · 谁来缩放：Keras 损失、正则化损失与梯度裁剪”一节",
)
SECTION_7 = T("section 7 · Pitfalls", "“7 · 陷阱”一节")


# ---- Exercise 1: grad_99 ------------------------------------------------------------

SHARDS_99 = (slice(0, 50), slice(50, 99))  # how the batch of 99 is split


def _shard_sums():
    """Σ of the per-example gradients on each replica's shard, at w = b = 0."""
    X, y = _data()
    return [_grad(0.0, 0.0, X[s], y[s]) * len(X[s]) for s in SHARDS_99]


def _grad_99_reference():
    X, y = _data()
    return _grad(0.0, 0.0, X[:99], y[:99])


def _grad_99_independent():
    X, y = _data()
    return _central_2d(lambda w, b: np.mean((w * X[:99] + b - y[:99]) ** 2), (0, 0))


def _grad_99(scale):
    """The all-reduced gradient, two replicas emulated on one device: each
    shard's tape gradient of its scaled loss, then their sum (float32, as in
    the notebook). ``scale(per_example_loss)`` is the replica's loss."""
    tf = _tf()
    X, y = _data()
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    total = np.zeros(2)
    for s in SHARDS_99:
        x_r, y_r = X[s].astype(np.float32), y[s].astype(np.float32)
        with tf.GradientTape() as tape:
            loss = scale(tf, tf.square(w * x_r + b - y_r))
        total += np.array([g.numpy() for g in tape.gradient(loss, [w, b])])
    return tf.constant(total, tf.float32)


@functools.cache
def _grad_99_solution():
    return _grad_99(
        lambda tf, per_example: tf.nn.compute_average_loss(
            per_example, global_batch_size=99
        )
    )


GRAD_99 = Exercise(
    key="12.1",
    deliverable=Value(
        "grad_99",
        Array(shape=lambda args: (2,)),
        at=T("the first 99 points, w = b = 0", "前 99 个点，w = b = 0"),
    ),
    cases=lambda rng: [()],
    reference=_grad_99_reference,
    independent=_grad_99_independent,
    tolerance=Tolerance(rtol=1e-5, atol=1e-5),
    verified=T(
        "grad_99 checked against the full-batch gradient of the 99 points, "
        "notebook 07's formulas in float64, within {tolerance} (float32 sums)",
        "已将 grad_99 与这 99 个点的整批梯度（笔记本 07 的公式，float64）对照验证，"
        "误差在 {tolerance} 以内（float32 求和）",
    ),
    mistakes=[
        Mistake(
            id="per_replica_mean",
            detect=d.computes(lambda: _shard_sums()[0] / 50 + _shard_sums()[1] / 49),
            name=T(
                "grad_99 adds two per-replica means (tf.reduce_mean on each "
                "replica): nearly twice the full-batch gradient, and not even a "
                "single multiple of it.",
                "grad_99 把两个副本各自的均值加在一起（每个副本上用 tf.reduce_mean）："
                "几乎是整批梯度的两倍，而且连同一个倍数都不是。",
            ),
            advice=T(
                "The all-reduce sums, so each replica's loss must be its share of "
                "the global mean: tf.nn.compute_average_loss(per_example_loss, "
                "global_batch_size=99).",
                "全归约做的是求和，所以每个副本的损失必须是全局均值中属于它的那一份："
                "tf.nn.compute_average_loss(per_example_loss, global_batch_size=99)。",
            ),
            section=SECTION_7,
            example=lambda: _grad_99(lambda tf, per: tf.reduce_mean(per)),
        ),
        Mistake(
            id="own_batch_size",
            detect=d.computes(lambda: _shard_sums()[0] / 100 + _shard_sums()[1] / 98),
            name=T(
                "grad_99 divides each replica's sum by its own batch size times "
                "2 (100 and 98): compute_average_loss without global_batch_size, "
                "or the Keras loss mse_keras. Right only for equal shards.",
                "grad_99 把每个副本的和除以它自己的批次大小乘以 2（100 和 98）："
                "这是不带 global_batch_size 的 compute_average_loss，"
                "或者 Keras 损失 mse_keras。只有各份大小相等时才对。",
            ),
            advice=T(
                "Give compute_average_loss the global batch size, "
                "global_batch_size=99: then every example counts 1/99, on "
                "whichever replica it lands.",
                "给 compute_average_loss 传入全局批次大小 global_batch_size=99："
                "这样每个样本都按 1/99 计，不论它落在哪个副本上。",
            ),
            section=SECTION_5,
            example=lambda: _grad_99(
                lambda tf, per: tf.nn.compute_average_loss(per) / 2
            ),
        ),
        Mistake(
            id="global_n",
            detect=d.scaled(99 / 100),
            name=T(
                "grad_99 is 0.99 × the full-batch gradient: global_batch_size=N "
                "divides by 100, the notebook's batch, not by this batch's 99.",
                "grad_99 是整批梯度的 0.99 倍：global_batch_size=N 除以的是笔记本里"
                "批次的 100，而不是这个批次的 99。",
            ),
            advice=T(
                "global_batch_size is the size of the global batch of this step: "
                "99 here.",
                "global_batch_size 是这一步的全局批次大小：这里是 99。",
            ),
            section=SECTION_3,
            example=lambda: _grad_99(
                lambda tf, per: tf.nn.compute_average_loss(per, global_batch_size=100)
            ),
        ),
        Mistake(
            id="one_replica",
            detect=d.any_of(
                d.computes(lambda: _shard_sums()[0] / 99),
                d.computes(lambda: _shard_sums()[1] / 99),
            ),
            name=T(
                "grad_99 is one replica's part of the gradient: it was not "
                "all-reduced.",
                "grad_99 只是一个副本的那部分梯度：它没有经过全归约。",
            ),
            advice=T(
                "Inside strategy.run, sum the gradients over the replicas with "
                "tf.distribute.get_replica_context().all_reduce("
                "tf.distribute.ReduceOp.SUM, grads), then keep one replica's "
                "result.",
                "在 strategy.run 之内用 tf.distribute.get_replica_context().all_reduce("
                "tf.distribute.ReduceOp.SUM, grads) 对所有副本求和，"
                "然后取一个副本的结果。",
            ),
            section=SECTION_3,
            example=lambda: tf_constant(_shard_sums()[0] / 99),
        ),
    ],
    hints=[
        T(
            "Section 5's keras_loss_gradient has the pattern: a tf.function that "
            "calls strategy.run and all-reduces the gradients with ReduceOp.SUM. "
            "The batch of 99 is dataset.unbatch().take(99).batch(99), distributed "
            "with strategy.experimental_distribute_dataset.",
            "第 5 节的 keras_loss_gradient 给出了写法：一个 tf.function 调用 "
            "strategy.run，并用 ReduceOp.SUM 对梯度做全归约。99 个点的批次是 "
            "dataset.unbatch().take(99).batch(99)，"
            "再用 strategy.experimental_distribute_dataset 分发。",
        ),
        T(
            "The replicas get 50 and 49 examples. Each replica's loss must be its "
            "share of the global mean, whatever its own size: "
            "tf.nn.compute_average_loss with global_batch_size set to the whole "
            "batch.",
            "两个副本分到 50 个和 49 个样本。不论自己分到多少，每个副本的损失都必须是"
            "全局均值中属于它的那一份：tf.nn.compute_average_loss，"
            "并把 global_batch_size 设为整个批次的大小。",
        ),
        T(
            "Keep what one replica holds after the all-reduce "
            "(strategy.experimental_local_results(...)[0]) as the vector "
            "(dL/dw, dL/db).",
            "取全归约之后一个副本上的结果（strategy.experimental_local_results(...)[0]），"
            "作为向量 (dL/dw, dL/db)。",
        ),
    ],
    solution=_grad_99_solution,
    seed=121,
)


def tf_constant(value):
    return _tf().constant(value, _tf().float32)


# ---- Exercise 2: wb_minibatch -------------------------------------------------------


def _minibatch_numpy(lr=LR, batch=20, epochs=20, steps=None):
    """Mini-batch gradient descent in float64, the examples in stored order."""
    X, y = _data()
    theta, taken = np.zeros(2), 0
    for _ in range(epochs):
        for start in range(0, len(y), batch):
            if steps is not None and taken == steps:
                return theta
            rows = slice(start, start + batch)
            theta = theta - lr * _grad(*theta, X[rows], y[rows])
            taken += 1
    return theta


def _minibatch_affine(lr=LR, batch=20, epochs=20):
    """The same run as a product of affine maps: on a batch, a step is
    θ ← (I − lr·A)θ + lr·c with A = (2/m)[[Σx², Σx], [Σx, m]], c = (2/m)[Σxy, Σy]."""
    X, y = _data()
    M, v = np.eye(2), np.zeros(2)  # θ_after_epoch = M θ + v
    for start in range(0, len(y), batch):
        x_b, y_b = X[start : start + batch], y[start : start + batch]
        m = len(x_b)
        A = (2 / m) * np.array([[x_b @ x_b, x_b.sum()], [x_b.sum(), m]])
        c = (2 / m) * np.array([x_b @ y_b, y_b.sum()])
        step = np.eye(2) - lr * A
        M, v = step @ M, step @ v + lr * c
    theta = np.zeros(2)
    for _ in range(epochs):
        theta = M @ theta + v
    return theta


@functools.cache
def _minibatch_emulated(global_batch_size=20, mean=False):
    """The mirrored run emulated on one device, in float32: per step, one tape
    on each replica's 10 examples, gradients summed, one SGD step."""
    tf = _tf()
    X, y = _data()
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    optimizer = tf.keras.optimizers.SGD(learning_rate=LR)
    for _ in range(20):
        for start in range(0, len(y), 20):
            grads = [0.0, 0.0]
            for part in (slice(start, start + 10), slice(start + 10, start + 20)):
                with tf.GradientTape() as tape:
                    per_example = tf.square(w * X32[part] + b - y32[part])
                    loss = (
                        tf.reduce_mean(per_example)
                        if mean
                        else tf.nn.compute_average_loss(
                            per_example, global_batch_size=global_batch_size
                        )
                    )
                for k, g in enumerate(tape.gradient(loss, [w, b])):
                    grads[k] = grads[k] + g
            optimizer.apply_gradients(zip(grads, [w, b], strict=True))
    return np.array([float(w.numpy()), float(b.numpy())])


def _diverged():
    """The run blew up: a value that is not finite or beyond 1000 (the least
    squares line has w ≈ 1.43, b ≈ −0.14)."""

    def detect(trial: Trial) -> bool:
        case = trial.cases[0]
        if case.error is not None or case.values is None:
            return False
        values = np.asarray(case.values, float)
        return bool(np.any(~np.isfinite(values)) or np.any(np.abs(values) > 1e3))

    return detect


WB_MINIBATCH = Exercise(
    key="12.2",
    deliverable=Value(
        "wb_minibatch",
        Array(shape=lambda args: (2,)),
        at=T(
            "global batches of 20, 20 epochs, from w = b = 0",
            "全局批次 20，20 个轮次，从 w = b = 0 开始",
        ),
    ),
    cases=lambda rng: [()],
    reference=_minibatch_numpy,
    independent=_minibatch_affine,
    tolerance=Tolerance(rtol=1e-5, atol=1e-5),
    verified=T(
        "wb_minibatch checked against 100 steps of mini-batch gradient descent "
        "with notebook 07's formulas in float64 NumPy, within {tolerance} "
        "(float32 training)",
        "已将 wb_minibatch 与用笔记本 07 的公式在 float64 NumPy 中做的 100 步小批量"
        "梯度下降对照验证，误差在 {tolerance} 以内（float32 训练）",
    ),
    mistakes=[
        Mistake(
            id="diverged",
            detect=_diverged(),
            name=T(
                "wb_minibatch blew up: the summed gradient is twice the mean "
                "(a per-replica mean, or global_batch_size=10), so the step is "
                "that of learning rate 0.04, beyond the stability limit.",
                "wb_minibatch 发散了：求和之后的梯度是均值的两倍（每个副本各自取均值，"
                "或 global_batch_size=10），相当于学习率 0.04 的一步，超出了稳定界限。",
            ),
            advice=T(
                "Each replica holds 10 of the step's 20 examples: scale its loss "
                "with tf.nn.compute_average_loss(per_example_loss, "
                "global_batch_size=20).",
                "每个副本持有这一步 20 个样本中的 10 个：用 "
                "tf.nn.compute_average_loss(per_example_loss, global_batch_size=20) "
                "缩放它的损失。",
            ),
            section=SECTION_7,
            example=lambda: _minibatch_emulated(mean=True),
        ),
        Mistake(
            id="global_n",
            detect=d.computes(lambda: _minibatch_numpy(lr=LR * 20 / 100)),
            name=T(
                "wb_minibatch took steps 5 times too short: global_batch_size=N "
                "divides by the 100 points of the data set, not by the 20 of a "
                "step.",
                "wb_minibatch 每一步都短了 5 倍：global_batch_size=N 除以的是数据集的"
                " 100 个点，而不是一步的 20 个。",
            ),
            advice=T(
                "global_batch_size is the size of the global batch of one step, "
                "20, of which each replica holds 10.",
                "global_batch_size 是一步的全局批次大小 20，每个副本持有其中的 10 个。",
            ),
            section=SECTION_3,
            example=lambda: _minibatch_emulated(global_batch_size=100),
        ),
        Mistake(
            id="full_batch",
            detect=d.computes(lambda: _minibatch_numpy(batch=100, epochs=100)),
            name=T(
                "wb_minibatch is the full-batch run of section 4 (notebook 07's "
                "w and b), not mini-batches of 20.",
                "wb_minibatch 是第 4 节的整批训练结果（笔记本 07 的 w 和 b），"
                "而不是 20 个一批的小批量训练。",
            ),
            advice=T(
                "Rebatch the data: dataset.unbatch().batch(20).repeat(20) gives "
                "100 global batches of 20, in stored order.",
                "重新分批：dataset.unbatch().batch(20).repeat(20) "
                "按存储顺序给出 100 个大小为 20 的全局批次。",
            ),
            section=None,
            example=lambda: tf_constant(_minibatch_numpy(batch=100, epochs=100)),
        ),
        Mistake(
            id="twenty_steps",
            detect=d.computes(lambda: _minibatch_numpy(steps=20)),
            name=T(
                "wb_minibatch took 20 steps, 4 epochs, not 20 epochs (100 steps).",
                "wb_minibatch 只走了 20 步，即 4 个轮次，而不是 20 个轮次（100 步）。",
            ),
            advice=T(
                "An epoch is 5 batches of 20: repeat the data set 20 times.",
                "一个轮次是 5 个大小为 20 的批次：把数据集重复 20 次。",
            ),
            section=None,
            example=lambda: tf_constant(_minibatch_numpy(steps=20)),
        ),
    ],
    hints=[
        T(
            "Start from train_mirrored in section 4: the same step, only the "
            "dataset and the loss scaling change.",
            "从第 4 节的 train_mirrored 出发：训练步不变，只有数据集和损失的缩放要改。",
        ),
        T(
            "The dataset: dataset.unbatch().batch(20).repeat(20), distributed "
            "with strategy.experimental_distribute_dataset, gives 100 global "
            "batches of 20, each split into two pieces of 10.",
            "数据集：dataset.unbatch().batch(20).repeat(20)，再用 "
            "strategy.experimental_distribute_dataset 分发，得到 100 个大小为 20 "
            "的全局批次，每个拆成两份，每份 10 个。",
        ),
        T(
            "global_batch_size is the size of one step's global batch (20), not "
            "of the data set (N = 100) nor of a replica's piece (10).",
            "global_batch_size 是一步的全局批次大小（20），"
            "不是数据集的大小（N = 100），也不是一个副本分到的大小（10）。",
        ),
    ],
    solution=_minibatch_emulated,
    seed=122,
)


# ---- Exercise 3: mean_pitfall = {"growth": ..., "lr": ...} --------------------------


@functools.cache
def _hessian():
    X, _ = _data()
    return 2 * np.array([[np.mean(X**2), np.mean(X)], [np.mean(X), 1.0]])


def _pitfall_reference():
    lam_max = np.linalg.eigvalsh(_hessian()).max()
    return {"growth": (1 - 2 * LR * lam_max) ** 2, "lr": LR / 2}


def _pitfall_independent():
    # the step matrix of the doubled gradient, I − 0.04·H: its spectral radius
    # is the error's growth per step; the loss grows by its square
    step = np.eye(2) - 2 * LR * _hessian()
    radius = max(abs(np.linalg.eigvals(step)))
    return {"growth": radius**2, "lr": LR / 2}


@functools.cache
def _pitfall_solution():
    """30 steps with per-replica means (two replicas of 50 emulated on one
    device), the growth of the loss over the last 10; and lr 0.01."""
    tf = _tf()
    X, y = _data()
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    optimizer = tf.keras.optimizers.SGD(learning_rate=LR)
    losses = []
    for _ in range(30):
        grads, parts = [0.0, 0.0], []
        for part in (slice(0, 50), slice(50, 100)):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(w * X32[part] + b - y32[part]))
            parts.append(float(loss))
            for k, g in enumerate(tape.gradient(loss, [w, b])):
                grads[k] = grads[k] + g
        optimizer.apply_gradients(zip(grads, [w, b], strict=True))
        losses.append(np.mean(parts))
    return {"growth": (losses[-1] / losses[-11]) ** (1 / 10), "lr": 0.01}


def _key_is(key, value, rtol=1e-3):
    """The dict answer's ``key`` is ``value`` (within ``rtol``) where the
    reference is not."""

    def detect(trial: Trial) -> bool:
        case = trial.cases[0]
        got = case.values
        if case.error is not None or not isinstance(got, Mapping):
            return False
        item = got.get(key)
        wanted = value() if callable(value) else value
        tolerance = Tolerance(rtol=rtol)
        return (
            item is not None
            and close(item, wanted, tolerance)
            and not close(case.expected[key], wanted, tolerance)
        )

    return detect


def _lam_max():
    return np.linalg.eigvalsh(_hessian()).max()


MEAN_PITFALL = Exercise(
    key="12.3",
    deliverable=Value(
        "mean_pitfall",
        Dict(keys=("growth", "lr")),
        at=T(
            "a per-replica mean, 2 replicas, learning rate 0.02",
            "每个副本各自取均值，2 个副本，学习率 0.02",
        ),
    ),
    cases=lambda rng: [()],
    reference=_pitfall_reference,
    independent=_pitfall_independent,
    tolerance=Tolerance(rtol=1e-3),
    verified=T(
        "mean_pitfall checked against (1 − 0.04·λmax)² for the growth, λmax the "
        "largest eigenvalue of notebook 07's Hessian, and 0.02 / 2 for the "
        "learning rate, in float64, within {tolerance}",
        "已将 mean_pitfall 对照验证：增长因子对照 (1 − 0.04·λmax)²（λmax 是笔记本 07 "
        "中海森矩阵的最大特征值），学习率对照 0.02 / 2，均为 float64，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="lr_doubled",
            detect=_key_is("lr", 2 * LR),
            name=T(
                "mean_pitfall's learning rate 0.04 doubles the step again: the "
                "per-replica mean already made the summed gradient twice too "
                "large.",
                "mean_pitfall 的学习率 0.04 又把步长翻了一倍：每个副本各自取均值，"
                "已经让求和之后的梯度大了一倍。",
            ),
            advice=T(
                "Divide instead: with 2 equal shards the wrong loss's gradient is "
                "2 × the right one, so the learning rate must be 0.02 / 2.",
                "应当相除：两份大小相等时，错误损失的梯度是正确梯度的 2 倍，"
                "所以学习率必须是 0.02 / 2。",
            ),
            section=SECTION_7,
            example=lambda: {"growth": _pitfall_solution()["growth"], "lr": 0.04},
        ),
        Mistake(
            id="lr_unchanged",
            detect=_key_is("lr", LR),
            name=T(
                "mean_pitfall's learning rate is the single device's 0.02: with "
                "the wrong loss that is the run that blows up.",
                "mean_pitfall 的学习率是单设备的 0.02：配上错误的损失，"
                "正是这个设置会发散。",
            ),
            advice=T(
                "The summed gradient is 2 × the full-batch one; the learning "
                "rate has to absorb that factor.",
                "求和之后的梯度是整批梯度的 2 倍；学习率必须抵消这个因子。",
            ),
            section=SECTION_7,
            example=lambda: {"growth": _pitfall_solution()["growth"], "lr": 0.02},
        ),
        Mistake(
            id="error_growth",
            detect=_key_is("growth", lambda: abs(1 - 2 * LR * _lam_max())),
            name=T(
                "mean_pitfall's growth, |1 − 0.04·λmax| ≈ 1.98, is how the "
                "error grows per step; the loss grows by its square.",
                "mean_pitfall 的增长因子 |1 − 0.04·λmax| ≈ 1.98 是误差每步的增长；"
                "损失按它的平方增长。",
            ),
            advice=T(
                "The loss is quadratic in the error along the steep direction: "
                "square the error's factor, or measure the loss's ratio from step "
                "to step.",
                "沿陡峭方向，损失是误差的二次函数：把误差的因子平方，"
                "或者直接测量损失在相邻两步之间的比值。",
            ),
            section=None,
            example=lambda: {"growth": abs(1 - 2 * LR * _lam_max()), "lr": 0.01},
        ),
        Mistake(
            id="single_device_rate",
            detect=_key_is("growth", lambda: (1 - LR * _lam_max()) ** 2),
            name=T(
                "mean_pitfall's growth (1 − 0.02·λmax)² ≈ 0.24 is the stable "
                "single-device step; the wrong loss steps as learning rate 0.04.",
                "mean_pitfall 的增长因子 (1 − 0.02·λmax)² ≈ 0.24 对应稳定的单设备一步；"
                "错误的损失相当于学习率 0.04 的一步。",
            ),
            advice=T(
                "The summed gradient is doubled, so the effective learning rate "
                "is 2 × 0.02: use 0.04 in 1 − lr·λmax.",
                "求和之后的梯度翻了一倍，所以等效学习率是 2 × 0.02：在 1 − lr·λmax 中"
                "用 0.04。",
            ),
            section=None,
            example=lambda: {"growth": (1 - LR * _lam_max()) ** 2, "lr": 0.01},
        ),
    ],
    hints=[
        T(
            "Section 7's pitfall: with tf.reduce_mean on each of 2 replicas the "
            "all-reduced gradient is 2 × the full-batch one. Notebook 07, "
            "section 6, says what a step of learning rate 0.04 does to this "
            "quadratic.",
            "第 7 节的陷阱：2 个副本各自用 tf.reduce_mean 时，全归约后的梯度是整批梯度的 "
            "2 倍。笔记本 07 第 6 节讲过学习率 0.04 的一步对这个二次函数意味着什么。",
        ),
        T(
            "Along the steepest eigendirection the error is multiplied by "
            "1 − lr·λmax at every step, λmax the largest eigenvalue of the "
            "Hessian 2·[[mean(x²), mean(x)], [mean(x), 1]]; the loss is "
            "quadratic in the error. You may also measure the growth from the "
            "losses of a 30-step run.",
            "沿最陡的特征方向，误差每一步乘以 1 − lr·λmax，λmax 是海森矩阵 "
            "2·[[mean(x²), mean(x)], [mean(x), 1]] 的最大特征值；损失是误差的二次函数。"
            "也可以从 30 步训练的损失测出增长因子。",
        ),
        T(
            'Define mean_pitfall as a dict: {"growth": the loss\'s factor per '
            'step, "lr": the learning rate that makes the same wrong loss '
            "reproduce the single-device run}.",
            '把 mean_pitfall 定义为字典：{"growth": 损失每一步的增长因子，'
            '"lr": 让同样的错误损失重现单设备训练结果的学习率}。',
        ),
    ],
    solution=_pitfall_solution,
    seed=123,
)

EXERCISES = [GRAD_99, WB_MINIBATCH, MEAN_PITFALL]
