"""Exercises of notebook 07 · Gradient descent by hand and by tape
(NumPy 与 TensorFlow 实现梯度下降).

1. ``fit_tf_function(w_start, b_start, steps)``: the (w, b) after ``steps``
   updates of float64 gradient descent with the exact learning rate 0.02, one
   update step compiled with ``tf.function`` and traced once. (The final
   values only: a feedback line then shows two numbers, not a whole path.)
2. ``minibatch_sgd(seed)``: the final (w, b) of 10 epochs of mini-batch SGD
   (seeded shuffles, batches of 10 points, ``step_gradient``).
3. ``excess``: L − L* after 100 updates for four optimizers, as a dict.

All three use the notebook's data set (``H.load_linear_data()``), which this
module reads itself for the references. TensorFlow is imported inside the
functions only (a notebook has loaded it).
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
    Value,
)
from toolkit.exercises.references import tensorflow as _tf

LR = 0.02
LR32 = float(np.float32(LR))  # what Keras keeps of a float learning rate


@functools.cache
def _data() -> tuple[np.ndarray, np.ndarray]:
    from toolkit.data import load_linear_data

    return load_linear_data()


def _mse(w, b):
    X, y = _data()
    return float(np.mean((w * X + b - y) ** 2))


def _grad(theta, X, y):
    """The hand-derived gradient of the MSE at θ = (w, b) on the data X, y."""
    residual = theta[0] * X + theta[1] - y
    return (2 / len(y)) * np.array([np.sum(X * residual), np.sum(residual)])


@functools.cache
def _optimum():
    X, y = _data()
    A = np.stack([X, np.ones_like(X)], axis=1)
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    return theta, _mse(*theta)


def _hessian():
    X, _ = _data()
    return 2 * np.array([[np.mean(X**2), np.mean(X)], [np.mean(X), 1.0]])


# Where the notebook covers each mistake.
SECTION_2 = T(
    "section 2 · NumPy 实现梯度下降 (gradient descent by hand)",
    "“2 · NumPy 实现梯度下降”一节",
)
SECTION_3 = T(
    "section 3 · TensorFlow 实现自动梯度下降 (gradient descent with the tape)",
    "“3 · TensorFlow 实现自动梯度下降”一节",
)
SECTION_4 = T(
    "section 4 · Do the two agree? Checked, step by step",
    "“4 · 两者一致吗？逐步验证”一节",
)
SECTION_5 = T(
    "section 5 · The target, and why b is slow",
    "“5 · 目标，以及 b 为什么慢”一节",
)


# ---- Exercise 1: fit_tf_function(w_start, b_start, steps) ----------------------------------


def _path_closed_form(w_start, b_start, steps, lr=LR):
    """θ_k = θ* + (I − ηH)^k (θ₀ − θ*) for k = 1 … steps (section 5)."""
    theta_star, _ = _optimum()
    step = np.eye(2) - lr * _hessian()
    error = np.array([w_start, b_start]) - theta_star
    out = []
    for _ in range(steps):
        error = step @ error
        out.append(theta_star + error)
    return np.array(out)


def _path_loop(w_start, b_start, steps, lr=LR):
    """The same by the update θ ← θ − η ∇L(θ), in a loop."""
    X, y = _data()
    theta = np.array([w_start, b_start], dtype=float)
    out = []
    for _ in range(steps):
        theta = theta - lr * _grad(theta, X, y)
        out.append(theta.copy())
    return np.array(out)


def _fit_answer(
    *,
    dtype="float64",
    exact_lr=True,
    compiled=True,
    variable_inside=False,
    loss_scale=1.0,
):
    """A learner's fit_tf_function, with the mistakes switched on."""
    tf = _tf()
    X, y = _data()

    def lr64():
        return tf.constant(LR, dtype=tf.float64)

    def fit_tf_function(w_start, b_start, steps, path=None):
        w = tf.Variable(w_start, dtype=dtype)
        b = tf.Variable(b_start, dtype=dtype)
        variables = [w, b]
        optimizer = tf.keras.optimizers.SGD(learning_rate=lr64 if exact_lr else LR)
        X_t, y_t = tf.constant(X, dtype=dtype), tf.constant(y, dtype=dtype)

        def train_step():
            if variable_inside:
                tf.Variable(0.0)  # a new variable at every trace
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.square(w * X_t + b - y_t)) / len(y)
                loss = loss_scale * loss
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(grads, variables, strict=True))
            return loss

        step = tf.function(train_step) if compiled else train_step
        for _ in range(steps):
            step()
            if path is not None:
                path.append((w.numpy(), b.numpy()))
        return np.array([w.numpy(), b.numpy()])

    return fit_tf_function


FIT_TF_FUNCTION = Exercise(
    key="07.1",
    deliverable=Function(
        "fit_tf_function",
        ("w_start", "b_start", "steps"),
        Array(shape=lambda args: (2,), dtype="float64"),
    ),
    cases=lambda rng: [
        (0.0, 0.0, 100),
        (*[float(v) for v in rng.uniform(-3.0, 3.0, 2).round(2)], 30),
    ],
    reference=lambda w, b, steps: _path_closed_form(w, b, steps)[-1],
    independent=lambda w, b, steps: _path_loop(w, b, steps)[-1],
    tolerance=Tolerance(rtol=0, atol=1e-10),
    verified=T(
        "fit_tf_function checked on 2 runs (100 steps from (0, 0), 30 steps from a "
        "seeded random start): the final (w, b) against the float64 closed form "
        "θ* + (I − ηH)^k (θ₀ − θ*), within {tolerance}, with tape.gradient traced "
        "once per run",
        "已在 2 次运行（从 (0, 0) 出发 100 步，从固定种子的随机起点出发 30 步）中"
        "将 fit_tf_function 最终的 (w, b) 与 float64 的闭式解 "
        "θ* + (I − ηH)^k (θ₀ − θ*) 对照验证，误差在 {tolerance} 以内，"
        "且每次运行 tape.gradient 只被追踪一次",
    ),
    mistakes=[
        Mistake(
            id="variable_inside",
            detect=d.raises(ValueError, "singleton tf.Variables"),
            name=T(
                "A tf.Variable is created inside the tf.function: it may create "
                "variables on its first call only.",
                "在 tf.function 之内创建了 tf.Variable：它只允许在第一次调用时创建变量。",
            ),
            advice=T(
                "Create w, b (and the optimizer) in fit_tf_function, outside the "
                "compiled step; the step only reads and updates them.",
                "在 fit_tf_function 之内、编译的单步函数之外创建 w、b（以及优化器）；"
                "单步函数只读取并更新它们。",
            ),
            section=None,
            example=lambda: _fit_answer(variable_inside=True),
        ),
        Mistake(
            id="eager",
            detect=d.gradient_calls(more_than=1),
            name=T(
                "tape.gradient ran in Python at every step: the update step is "
                "not compiled, or it is traced again at every call.",
                "tape.gradient 在每一步都以 Python 方式运行：单步更新没有被编译，"
                "或者每次调用都被重新追踪。",
            ),
            advice=T(
                "Decorate a function without arguments that does one update with "
                "@tf.function, define it once per run, and call it `steps` times: "
                "its Python body (tape.gradient included) then runs once, while "
                "tracing.",
                "用 @tf.function 装饰一个不带参数、完成一次更新的函数，每次运行只定义"
                "一次，再调用它 `steps` 次：这样它的 Python 函数体（包括 "
                "tape.gradient）只在追踪时运行一次。",
            ),
            section=None,
            example=lambda: _fit_answer(compiled=False),
        ),
        Mistake(
            id="lr32",
            detect=d.computes(
                lambda w, b, steps: _path_closed_form(w, b, steps, lr=LR32)[-1],
                Tolerance(rtol=0, atol=1e-11),
            ),
            name=T(
                "fit_tf_function steps with float32(0.02), not with 0.02: Keras "
                "keeps a float learning rate as a float32 variable.",
                "fit_tf_function 的步长是 float32(0.02)，而不是 0.02：Keras 把浮点数"
                "学习率保存为 float32 变量。",
            ),
            advice=T(
                "Pass section 4's callable lr64, which returns "
                "tf.constant(0.02, dtype=tf.float64), as the learning rate.",
                "把第 4 节的可调用对象 lr64 作为学习率传入，它返回 "
                "tf.constant(0.02, dtype=tf.float64)。",
            ),
            section=SECTION_4,
            example=lambda: _fit_answer(exact_lr=False),
        ),
        Mistake(
            id="half_step",
            detect=d.computes(
                lambda w, b, steps: _path_closed_form(w, b, steps, lr=LR / 2)[-1],
                Tolerance(rtol=0, atol=1e-10),
            ),
            name=T(
                "fit_tf_function takes steps half as long: the loss is ½ · mean, or "
                "the learning rate is 0.01.",
                "fit_tf_function 的步长只有应有的一半：损失是 ½ · mean，或者学习率是 "
                "0.01。",
            ),
            advice=T(
                "Use the chapter's loss, the mean of the squared residuals without "
                "a ½ (section 2), and learning_rate=lr64, which is 0.02.",
                "使用原章节的损失，即不带 ½ 的残差平方的均值（第 2 节），"
                "以及 learning_rate=lr64，也就是 0.02。",
            ),
            section=SECTION_2,
            example=lambda: _fit_answer(loss_scale=0.5),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "fit_tf_function computes in float32, not in float64.",
                "fit_tf_function 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "Make w and b with dtype=tf.float64, and the data tensors with the "
                "same dtype, tf.constant(X, dtype=tf.float64).",
                "用 dtype=tf.float64 创建 w 和 b，数据张量也用同样的数据类型，"
                "tf.constant(X, dtype=tf.float64)。",
            ),
            section=SECTION_4,
            example=lambda: _fit_answer(dtype="float32", exact_lr=True),
        ),
    ],
    hints=[
        T(
            "Keep gradient_descent_tf's set-up (variables, optimizer, the data as "
            "tensors of the variables' dtype) and move only the body of the loop "
            "into a function decorated with @tf.function.",
            "保留 gradient_descent_tf 的准备工作（变量、优化器、与变量数据类型相同的"
            "数据张量），只把循环体移进一个用 @tf.function 装饰的函数。",
        ),
        T(
            "The compiled step takes no arguments and creates nothing: w, b and "
            "the optimizer come from the enclosing function. Use dtype=tf.float64 "
            "and learning_rate=lr64.",
            "编译的单步函数不带参数，也不创建任何东西：w、b 和优化器来自外层函数。"
            "使用 dtype=tf.float64 和 learning_rate=lr64。",
        ),
        T(
            "To see how often it is traced, append to a Python list inside the "
            "step: that line runs only while tracing.",
            "想知道它被追踪了几次，就在单步函数里向一个 Python 列表追加元素："
            "这一行只在追踪时运行。",
        ),
    ],
    solution=lambda: _fit_answer(),
    seed=71,
)


# ---- Exercise 2: minibatch_sgd(seed) -----------------------------------------------------


def _minibatch(seed, *, shuffle="every_epoch", batches=True):
    """Final (w, b) of 10 epochs of mini-batch SGD from (0, 0), lr 0.02."""
    X, y = _data()
    rng = np.random.default_rng(seed)
    theta = np.zeros(2)
    first = rng.permutation(len(y))
    for epoch in range(10):
        if shuffle == "every_epoch":
            order = first if epoch == 0 else rng.permutation(len(y))
        elif shuffle == "once":
            order = first
        else:
            order = np.arange(len(y))
        for batch in np.split(order, len(y) // 10) if batches else [order] * 10:
            theta = theta - LR * _grad(theta, X[batch], y[batch])
    return theta


def _minibatch_matrix(seed):
    """The same updates written with the design matrix A = [x, 1]:
    θ ← θ − η (2/m) Aᵀ(Aθ − y) on each batch of m rows."""
    X, y = _data()
    A = np.stack([X, np.ones_like(X)], axis=1)
    rng = np.random.default_rng(seed)
    theta = np.zeros(2)
    for _ in range(10):
        for batch in rng.permutation(len(y)).reshape(-1, 10):
            rows = A[batch]
            theta = theta - LR * (2 / len(batch)) * rows.T @ (rows @ theta - y[batch])
    return theta


def _minibatch_answer(*, shuffle="every_epoch", batches=True):
    """A learner's minibatch_sgd, using the notebook's step_gradient rule."""
    X, y = _data()

    def step_gradient(w, b, X, y, learn_ratio):
        num = len(y)
        w_gradient = (2 / num) * np.sum(X * ((w * X + b) - y))
        b_gradient = (2 / num) * np.sum((w * X + b) - y)
        return w - learn_ratio * w_gradient, b - learn_ratio * b_gradient

    def minibatch_sgd(seed):
        rng = np.random.default_rng(seed)
        w, b = 0.0, 0.0
        for _ in range(10):
            if shuffle == "every_epoch":
                order = rng.permutation(len(y))
            elif shuffle == "reseeded":
                order = np.random.default_rng(seed).permutation(len(y))
            else:
                order = np.arange(len(y))
            parts = np.split(order, 10) if batches else [order] * 10
            for batch in parts:
                w, b = step_gradient(w, b, X[batch], y[batch], LR)
        return np.array([w, b])

    return minibatch_sgd


MINIBATCH_SGD = Exercise(
    key="07.2",
    deliverable=Function("minibatch_sgd", ("seed",), Array(shape=lambda args: (2,))),
    cases=lambda rng: [(0,), *[(int(s),) for s in rng.integers(1, 10_000, 2)]],
    reference=_minibatch,
    independent=_minibatch_matrix,
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "minibatch_sgd checked for 3 seeds (0 and 2 seeded random ones) against "
        "the same 100 updates written with the design matrix in float64, within "
        "{tolerance}",
        "已对 3 个种子（0 以及 2 个固定种子生成的随机种子）将 minibatch_sgd 与用"
        "设计矩阵写出的同样 100 次 float64 更新对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="full_batch",
            detect=d.computes(lambda seed: _path_loop(0.0, 0.0, 100)[-1]),
            name=T(
                "minibatch_sgd returns full-batch gradient descent: every step "
                "uses all 100 points.",
                "minibatch_sgd 返回的是全批量梯度下降的结果：每一步都用了全部 100 个点。",
            ),
            advice=T(
                "Pass step_gradient only the batch's points, X[batch] and y[batch], "
                "where batch is one of the 10 index arrays of np.split(order, 10).",
                "只把这个小批量的点 X[batch] 和 y[batch] 传给 step_gradient，"
                "其中 batch 是 np.split(order, 10) 给出的 10 个下标数组之一。",
            ),
            section=SECTION_2,
            example=lambda: _minibatch_answer(batches=False),
        ),
        Mistake(
            id="shuffle_once",
            detect=d.computes(lambda seed: _minibatch(seed, shuffle="once")),
            name=T(
                "Every epoch uses the same order: the data are shuffled once, or "
                "the generator is created again, with the same seed, every epoch.",
                "每个轮次用的都是同一个顺序：数据只打乱了一次，或者每个轮次都用同一个"
                "种子重新创建了生成器。",
            ),
            advice=T(
                "Create rng = np.random.default_rng(seed) once, before the epochs, "
                "and draw order = rng.permutation(len(y)) at the start of every "
                "epoch.",
                "在所有轮次之前只创建一次 rng = np.random.default_rng(seed)，"
                "并在每个轮次开始时抽取 order = rng.permutation(len(y))。",
            ),
            section=None,
            example=lambda: _minibatch_answer(shuffle="reseeded"),
        ),
        Mistake(
            id="no_shuffle",
            detect=d.computes(lambda seed: _minibatch(seed, shuffle="never")),
            name=T(
                "minibatch_sgd never shuffles: the batches are the points in the "
                "file's order, the same in every epoch.",
                "minibatch_sgd 从不打乱数据：小批量按文件中的顺序划分，每个轮次都相同。",
            ),
            advice=T(
                "Split a fresh permutation, rng.permutation(len(y)), into batches "
                "in every epoch.",
                "每个轮次都把一个新的排列 rng.permutation(len(y)) 划分成小批量。",
            ),
            section=None,
            example=lambda: _minibatch_answer(shuffle="never"),
        ),
    ],
    hints=[
        T(
            "Two loops: 10 epochs, and in each the 10 batches of one shuffled "
            "order; step_gradient does one update on whatever points it is given.",
            "两层循环：10 个轮次，每个轮次依次处理由一个打乱的顺序划分出的 10 个小批量；"
            "step_gradient 用传给它的点做一次更新。",
        ),
        T(
            "rng = np.random.default_rng(seed) once; in every epoch order = "
            "rng.permutation(len(y)) and np.split(order, 10) gives the batches' "
            "indices.",
            "只创建一次 rng = np.random.default_rng(seed)；每个轮次 order = "
            "rng.permutation(len(y))，np.split(order, 10) 给出各小批量的下标。",
        ),
    ],
    solution=lambda: _minibatch_answer(),
    seed=72,
)


# ---- Exercise 3: excess = {optimizer: L − L* after 100 updates} --------------------------

KEYS = ("sgd", "momentum_0.5", "momentum_0.9", "adam")


def _f32(value: float) -> float:
    """``value`` rounded to float32: what ``tf.cast`` of a Python float keeps
    (Keras casts its learning rate, momentum and betas that way)."""
    return float(np.float32(value))


def _run_optimizer(kind, steps=100, dtype=np.float64):
    """(w, b) after ``steps`` updates from (0, 0), as Keras' SGD (with momentum)
    and Adam compute them (keras/src/optimizers/sgd.py, adam.py): learning
    rate, momentum and the betas' powers from float32-rounded constants, as
    ``ops.cast`` of a Python float gives them; everything else in ``dtype``."""
    X, y = (v.astype(dtype) for v in _data())
    theta = np.zeros(2, dtype=dtype)
    m = np.zeros(2, dtype=dtype)
    v = np.zeros(2, dtype=dtype)
    beta = {"sgd": 0.0, "momentum_0.5": 0.5, "momentum_0.9": 0.9}.get(kind)
    lr = dtype(_f32(0.1 if kind == "adam" else LR))
    for t in range(1, steps + 1):
        residual = theta[0] * X + theta[1] - y
        g = (dtype(2) / dtype(len(y))) * np.array(
            [np.sum(X * residual), np.sum(residual)], dtype=dtype
        )
        if kind == "adam":
            b1_power = dtype(_f32(0.9)) ** t
            b2_power = dtype(_f32(0.999)) ** t
            alpha = lr * np.sqrt(1 - b2_power) / (1 - b1_power)
            m = m + (g - m) * dtype(1 - 0.9)
            v = v + (g * g - v) * dtype(1 - 0.999)
            theta = theta - m * alpha / (np.sqrt(v) + dtype(1e-7))
        elif beta:
            m = m * dtype(_f32(beta)) - g * lr
            theta = theta + m
        else:
            theta = theta - g * lr
    return theta


def _excess(kinds=KEYS, steps=100, dtype=np.float64, minus_star=True):
    _, loss_star = _optimum()
    return {
        k: _mse(*_run_optimizer(k, steps, dtype).astype(float))
        - (loss_star if minus_star else 0.0)
        for k in kinds
    }


def _rounded(values, digits):
    """``values`` rounded to ``digits`` significant digits, as typed from a printout."""
    return {k: float(f"{v:.{digits}g}") for k, v in values.items()}


@functools.cache
def _excess_keras():
    """The same with Keras' own optimizers in float64 (the tests compare);
    computed once (a second of training), then copied."""
    tf = _tf()
    X, y = _data()
    makers = {
        "sgd": lambda: tf.keras.optimizers.SGD(learning_rate=LR),
        "momentum_0.5": lambda: tf.keras.optimizers.SGD(learning_rate=LR, momentum=0.5),
        "momentum_0.9": lambda: tf.keras.optimizers.SGD(learning_rate=LR, momentum=0.9),
        "adam": lambda: tf.keras.optimizers.Adam(learning_rate=0.1),
    }
    _, loss_star = _optimum()
    out = {}
    for key, make in makers.items():
        w = tf.Variable(0.0, dtype=tf.float64)
        b = tf.Variable(0.0, dtype=tf.float64)
        optimizer = make()
        for _ in range(100):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.square(w * X + b - y)) / len(y)
            grads = tape.gradient(loss, [w, b])
            optimizer.apply_gradients(zip(grads, [w, b], strict=True))
        out[key] = _mse(w.numpy(), b.numpy()) - loss_star
    return out


EXCESS = Exercise(
    key="07.3",
    deliverable=Value(
        "excess",
        Dict(keys=KEYS),
        at=T(
            "100 updates from (0, 0), float64 variables",
            "从 (0, 0) 出发更新 100 次，float64 变量",
        ),
    ),
    cases=lambda rng: [()],
    reference=_excess,
    independent=lambda: dict(_excess_keras()),
    tolerance=Tolerance(rtol=1e-4),
    verified=T(
        "excess checked against the four optimizers' 100 updates replayed in "
        "float64 NumPy (Keras' formulas, its constants rounded to float32 as "
        "Keras casts them), within {tolerance}",
        "已将 excess 与在 float64 NumPy 中重放的四种优化器的 100 次更新（按 Keras "
        "的公式，常数像 Keras 转换时那样舍入为 float32）对照验证，误差在 "
        "{tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="before_last",
            detect=d.computes(lambda: _excess(steps=99), Tolerance(rtol=1e-4)),
            name=T(
                "excess is L − L* after 99 updates: the last loss the tape computed "
                "is the one before the last update.",
                "excess 是更新 99 次之后的 L − L*：梯度带最后计算的损失是最后一次"
                "更新之前的损失。",
            ),
            advice=T(
                "After the loop, compute the loss once more from the final w and b, "
                "e.g. mse(w.numpy(), b.numpy(), X, y), and subtract L_star.",
                "循环结束后，用最终的 w 和 b 再计算一次损失，例如 "
                "mse(w.numpy(), b.numpy(), X, y)，再减去 L_star。",
            ),
            section=SECTION_3,
            example=lambda: _excess(steps=99),
        ),
        Mistake(
            id="loss",
            detect=d.computes(lambda: _excess(minus_star=False), Tolerance(rtol=1e-4)),
            name=T(
                "excess holds the losses L themselves, not L − L*.",
                "excess 保存的是损失 L 本身，而不是 L − L*。",
            ),
            advice=T(
                "Subtract the least-squares minimum L_star of section 5 from each "
                "final loss.",
                "从每个最终损失中减去第 5 节的最小二乘最小值 L_star。",
            ),
            section=SECTION_5,
            example=lambda: _excess(minus_star=False),
        ),
        Mistake(
            id="typed",
            detect=d.any_of(
                d.computes(lambda: _rounded(_excess(), 2), Tolerance(rtol=1e-9)),
                d.computes(lambda: _rounded(_excess(), 3), Tolerance(rtol=1e-9)),
            ),
            name=T(
                "excess holds rounded numbers, as a printout shows them, not the "
                "computed ones.",
                "excess 保存的是像打印结果那样舍入过的数，而不是计算出的数。",
            ),
            advice=T(
                "Build the dict from the runs themselves, e.g. "
                "{key: losses[-1] - L_star …}, instead of typing the printed values.",
                "直接由训练结果构造字典，例如 {key: losses[-1] - L_star …}，"
                "而不要照着打印出的值手动输入。",
            ),
            section=None,
            example=lambda: _rounded(_excess(), 2),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(Tolerance(rtol=0.01)),
            name=T(
                "excess is close but not within rtol 1e-4: the runs were computed "
                "in float32, not in float64.",
                "excess 很接近，但误差不在 rtol 1e-4 以内：训练是用 float32 而不是 "
                "float64 计算的。",
            ),
            advice=T(
                "Make w and b with dtype=tf.float64; near the minimum float32 "
                "cannot resolve L − L* of 10⁻¹⁰ (section 4).",
                "用 dtype=tf.float64 创建 w 和 b；在最小值附近，float32 分辨不出 "
                "10⁻¹⁰ 量级的 L − L*（第 4 节）。",
            ),
            section=SECTION_4,
            example=lambda: _excess(dtype=np.float32),
        ),
    ],
    hints=[
        T(
            "Write one function that creates float64 variables at (0, 0) and an "
            "optimizer, and runs 100 updates (section 3's loop); call it once per "
            "optimizer.",
            "写一个函数：在 (0, 0) 处创建 float64 变量和一个优化器，执行 100 次更新"
            "（第 3 节的循环）；每种优化器调用它一次。",
        ),
        T(
            "Create the optimizer inside that function (section 7), and measure "
            "the loss after the last update, then subtract L_star of section 5.",
            "在这个函数之内创建优化器（第 7 节），并计算最后一次更新之后的损失，"
            "再减去第 5 节的 L_star。",
        ),
    ],
    solution=lambda: dict(_excess_keras()),
    seed=73,
)

EXERCISES = [FIT_TF_FUNCTION, MINIBATCH_SGD, EXCESS]
