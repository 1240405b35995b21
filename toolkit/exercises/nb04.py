"""Exercises of notebook 04 · Persistent tapes and Jacobians (持久化梯度带与雅可比矩阵).

1. ``chain_grads(x0)``: dz/dy, dy/dx and dz/dx of y = x², z = y² from one
   persistent tape, as a dict.
2. ``g_jacobian(x)``: the 2×2 Jacobian of g(x) = (x₀²x₁, 5x₀ + sin x₁).
3. ``sigmoid_jacobian(xs)``: the n×n Jacobian of the elementwise sigmoid.

TensorFlow is imported inside the functions only (a notebook has loaded it).
"""

from __future__ import annotations

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


def _central_jacobian(f, x, h=1e-6):
    """The Jacobian of f at the float64 vector x, one column per input, by
    central differences (nudging x_j moves every output: column j)."""
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        columns.append((f(x + step) - f(x - step)) / (2 * h))
    return np.stack(columns, axis=1)


# Where the notebook covers each mistake.
SECTION_1 = T(
    "section 1 · One recording, several gradients", "“1 · 一次记录，多个梯度”一节"
)
SECTION_2 = T(
    "section 2 · Pitfall: a non-persistent tape answers once",
    "“2 · 陷阱：非持久化梯度带只回答一次”一节",
)
SECTION_4 = T(
    "section 4 · Jacobians: every output at once",
    "“4 · 雅可比矩阵：一次求出所有输出的导数”一节",
)


def _no_gradient():
    """A detector: a gradient or Jacobian is None (returned as such, inside a
    list or dict, or met by tf.stack or float(), which raise about NoneType)."""

    def detect(trial) -> bool:
        for case in trial.cases:
            if case.error is not None:
                if "NoneType" in str(case.error):
                    return True
                continue
            raw = case.raw
            items = (
                list(raw.values())
                if isinstance(raw, dict)
                else list(raw)
                if isinstance(raw, list | tuple)
                else [raw]
            )
            if any(item is None for item in items):
                return True
        return False

    return detect


# ---- Exercise 1: chain_grads(x0), three gradients from one persistent tape ---------


def _chain_grads(persistent=True, watch=True, swap=False, fixed=None):
    tf = _tf()

    def chain_grads(x0):
        x = tf.constant(x0 if fixed is None else fixed)
        with tf.GradientTape(persistent=persistent) as t:
            if watch:
                t.watch(x)
            y = x * x
            z = y * y
        grads = {
            "dz_dy": t.gradient(z, y),
            "dy_dx": t.gradient(y, x),
            "dz_dx": t.gradient(z, x),
        }
        del t
        if swap:
            grads["dz_dy"], grads["dy_dx"] = grads["dy_dx"], grads["dz_dy"]
        return grads

    return chain_grads


CHAIN_GRADS = Exercise(
    key="04.1",
    deliverable=Function(
        "chain_grads", ("x0",), Dict(keys=("dz_dy", "dy_dx", "dz_dx"))
    ),
    cases=lambda rng: [
        (3.0,),
        *[(round(float(v), 2),) for v in rng.uniform(-3.0, 3.0, 4)],
    ],
    reference=lambda x0: {"dz_dy": 2 * x0**2, "dy_dx": 2 * x0, "dz_dx": 4 * x0**3},
    independent=lambda x0: {
        "dz_dy": _central(lambda v: v**2, x0**2),
        "dy_dx": _central(lambda v: v**2, x0),
        "dz_dx": _central(lambda v: v**4, x0),
    },
    tolerance=Tolerance(rtol=1e-5, atol=1e-6),
    verified=T(
        "chain_grads checked at 5 points (x = 3 and 4 seeded random ones) against "
        "the hand-derived dz/dy = 2y = 2x², dy/dx = 2x and dz/dx = 4x³ in float64, "
        "within {tolerance}",
        "已在 5 个点（x = 3 以及 4 个固定种子的随机点）上将 chain_grads 与手算的 "
        "float64 导数 dz/dy = 2y = 2x²、dy/dx = 2x、dz/dx = 4x³ 对照验证，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="not_persistent",
            detect=d.raises(RuntimeError, "non-persistent"),
            name=T(
                "chain_grads asks a non-persistent tape for a second gradient.",
                "chain_grads 向非持久化梯度带要了第二个梯度。",
            ),
            advice=T(
                "Create the tape with tf.GradientTape(persistent=True): then it "
                "answers as many tape.gradient calls as you need (del it after).",
                "用 tf.GradientTape(persistent=True) 创建梯度带：这样它能回答任意多次 "
                "tape.gradient 调用（用完之后 del 它）。",
            ),
            section=SECTION_2,
            example=lambda: _chain_grads(persistent=False),
        ),
        Mistake(
            id="none",
            detect=_no_gradient(),
            name=T(
                "A gradient is None: the tape recorded no path from that source to "
                "the target.",
                "有梯度是 None：梯度带没有记录从那个源到目标的路径。",
            ),
            advice=T(
                "x is a constant: call t.watch(x) inside the `with` block before "
                "computing y and z; and ask for dz/dy with respect to the y "
                "recorded in the block, not a recomputed x * x.",
                "x 是常量：在 with 块之内、计算 y 和 z 之前调用 t.watch(x)；"
                "求 dz/dy 时要对块内记录的 y 求导，而不是重新算出的 x * x。",
            ),
            section=SECTION_1,
            example=lambda: _chain_grads(watch=False),
        ),
        Mistake(
            id="swapped",
            detect=d.swapped("dz_dy", "dy_dx"),
            name=T(
                "dz_dy and dy_dx are swapped.",
                "dz_dy 和 dy_dx 的位置互换了。",
            ),
            advice=T(
                "dz/dy is the gradient of z with respect to y (2y); dy/dx that of "
                "y with respect to x (2x): target first, then source.",
                "dz/dy 是求 z 对 y 的梯度（2y）；dy/dx 是求 y 对 x 的梯度（2x）："
                "先写目标，再写源。",
            ),
            section=None,
            example=lambda: _chain_grads(swap=True),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "chain_grads never calls tape.gradient.",
                "chain_grads 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get the three derivatives from one persistent tape; the hand-derived 2x², 2x and 4x³ are for checking them.",
                "这道练习要由同一个持久化梯度带求出这三个导数；手算的 2x²、2x 和 4x³ 是用来验证的。",
            ),
            section=SECTION_1,
            example=lambda: (
                lambda x0: {"dz_dy": 2 * x0**2, "dy_dx": 2 * x0, "dz_dx": 4 * x0**3}
            ),
        ),
        Mistake(
            id="fixed_point",
            detect=d.ignores_arguments(),
            name=T(
                "chain_grads returns the same numbers whatever x0 is.",
                "无论 x0 是什么，chain_grads 都返回同样的结果。",
            ),
            advice=T(
                "Make the constant from the argument, tf.constant(x0), not from "
                "the number 3.0.",
                "用参数创建常量，tf.constant(x0)，而不是用数字 3.0。",
            ),
            section=None,
            example=lambda: _chain_grads(fixed=3.0),
        ),
    ],
    hints=[
        T(
            "Section 1 asks one persistent tape for two derivatives; here you need "
            "three, and y is a source as well as a target.",
            "第 1 节向一个持久化梯度带要了两个导数；这里要三个，而且 y 既是目标又是源。",
        ),
        T(
            "Record y = x * x and z = y * y on tf.GradientTape(persistent=True) "
            "(watch x first), then call the tape once for each pair (target, "
            "source): (z, y), (y, x), (z, x).",
            "在 tf.GradientTape(persistent=True) 上记录 y = x * x 和 z = y * y"
            "（先监视 x），然后对每一对（目标，源）各调用一次：(z, y)、(y, x)、(z, x)。",
        ),
    ],
    solution=_chain_grads,
    seed=41,
)


# ---- Exercise 2: g_jacobian(x), a 2×2 Jacobian --------------------------------------


def _g_np(v):
    return np.array([v[0] ** 2 * v[1], 5 * v[0] + np.sin(v[1])])


def _g_jacobian_by_hand(x):
    return np.array([[2 * x[0] * x[1], x[0] ** 2], [5.0, np.cos(x[1])]])


def _g_jacobian(
    make=lambda tf, x: tf.constant(x), watch=True, how="jacobian", persistent=True
):
    tf = _tf()

    def g_jacobian(x):
        x = make(tf, x)
        with tf.GradientTape(persistent=persistent) as t:
            if watch:
                t.watch(x)
            g = tf.stack([x[0] ** 2 * x[1], 5 * x[0] + tf.sin(x[1])])
        if how == "gradient":
            return t.gradient(g, x)
        # a loop of backward passes, as the notebook's solution: no pfor tracing
        J = t.jacobian(g, x, experimental_use_pfor=False)
        return tf.transpose(J) if how == "transposed" else J

    return g_jacobian


G_JACOBIAN = Exercise(
    key="04.2",
    deliverable=Function(
        "g_jacobian", ("x",), Array(shape=lambda args: (2, 2), dtype="float64")
    ),
    cases=lambda rng: [
        (np.array([1.0, 2.0]),),
        *[(rng.uniform(-2.0, 2.0, 2).round(2),) for _ in range(3)],
    ],
    reference=_g_jacobian_by_hand,
    independent=lambda x: _central_jacobian(_g_np, x),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "g_jacobian checked at 4 points (x = (1, 2) and 3 seeded random ones) "
        "against the hand-derived Jacobian [[2x₀x₁, x₀²], [5, cos x₁]] in float64, "
        "within {tolerance}",
        "已在 4 个点（x = (1, 2) 以及 3 个固定种子的随机点）上将 g_jacobian 与手算的 "
        "float64 雅可比矩阵 [[2x₀x₁, x₀²], [5, cos x₁]] 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="column_sums",
            detect=d.computes(lambda x: _g_jacobian_by_hand(x).sum(axis=0)),
            name=T(
                "g_jacobian returns the column sums of the Jacobian: what "
                "tape.gradient gives for a vector target.",
                "g_jacobian 返回的是雅可比矩阵的列和：即 tape.gradient 对向量目标"
                "给出的结果。",
            ),
            advice=T(
                "tape.gradient(g, x) differentiates g₀ + g₁; tape.jacobian(g, x) "
                "keeps one row per output.",
                "tape.gradient(g, x) 对 g₀ + g₁ 求导；tape.jacobian(g, x) "
                "为每个输出保留一行。",
            ),
            section=SECTION_4,
            example=lambda: _g_jacobian(how="gradient"),
        ),
        Mistake(
            id="transposed",
            detect=d.transposed(),
            name=T(
                "g_jacobian is transposed: one row per input instead of one per "
                "output.",
                "g_jacobian 转置了：每个输入一行，而不是每个输出一行。",
            ),
            advice=T(
                "J[i, j] = ∂g_i/∂x_j: row i is output g_i. tape.jacobian(g, x) "
                "already has this layout (shape g.shape + x.shape); do not "
                "transpose it, and stack rows (not columns) when you build it "
                "from gradient calls.",
                "J[i, j] = ∂g_i/∂x_j：第 i 行对应输出 g_i。tape.jacobian(g, x) "
                "本来就是这种排列（形状为 g.shape + x.shape）；不要转置，"
                "用 gradient 调用逐行构造时也要按行（而不是按列）拼接。",
            ),
            section=SECTION_4,
            example=lambda: _g_jacobian(how="transposed"),
        ),
        Mistake(
            id="none",
            detect=_no_gradient(),
            name=T(
                "A gradient is None: the tape recorded no path from x.",
                "有梯度是 None：梯度带没有记录从 x 出发的路径。",
            ),
            advice=T(
                "x is a constant: call t.watch(x) before computing g; and split g "
                "into its outputs inside the `with` block (an element sliced after "
                "the block closed has no recorded path).",
                "x 是常量：在计算 g 之前调用 t.watch(x)；并且要在 with 块之内把 g "
                "拆成各个输出（在块结束之后才切片得到的元素没有记录下来的路径）。",
            ),
            section=SECTION_4,
            example=lambda: _g_jacobian(watch=False),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "g_jacobian computes in float32, not in float64.",
                "g_jacobian 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "tf.constant(x) keeps the float64 of x; dtype=tf.float32, or a "
                "constant made from Python floats, is float32.",
                "tf.constant(x) 保持 x 的 float64；指定 dtype=tf.float32，"
                "或者由 Python 浮点数创建的常量，都是 float32。",
            ),
            section=None,
            example=lambda: _g_jacobian(make=lambda tf, x: tf.constant(x.tolist())),
        ),
        Mistake(
            id="pfor_false_not_persistent",
            detect=d.raises(RuntimeError, "persistent=True to compute the jacobian"),
            name=T(
                "tape.jacobian with experimental_use_pfor=False needs a persistent "
                "tape.",
                "带 experimental_use_pfor=False 的 tape.jacobian 需要持久化梯度带。",
            ),
            advice=T(
                "Without pfor, tape.jacobian asks the tape once per row: create it "
                "with tf.GradientTape(persistent=True), or drop the option.",
                "不用 pfor 时，tape.jacobian 每一行都要向梯度带求一次梯度：用 "
                "tf.GradientTape(persistent=True) 创建它，或者去掉这个选项。",
            ),
            section=SECTION_2,
            example=lambda: _g_jacobian(persistent=False),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "g_jacobian never asks the tape: no tape.jacobian call.",
                "g_jacobian 没有向梯度带求导：没有调用 tape.jacobian。",
            ),
            advice=T(
                "The exercise is to get the Jacobian from the tape, tape.jacobian(g, x); the hand-derived matrix is for checking it.",
                "这道练习要由梯度带求出雅可比矩阵 tape.jacobian(g, x)；手算的矩阵是用来验证的。",
            ),
            section=SECTION_4,
            example=lambda: _g_jacobian_by_hand,
        ),
    ],
    hints=[
        T(
            "Work out the four partial derivatives by hand first: row i holds the "
            "derivatives of output g_i, column j those with respect to x_j.",
            "先手算四个偏导数：第 i 行是输出 g_i 的导数，第 j 列是对 x_j 的导数。",
        ),
        T(
            "Watch x = tf.constant(x) (float64), compute g as one vector with "
            "tf.stack([...]) inside the tape, and use tape.jacobian, not "
            "tape.gradient (section 4).",
            "监视 x = tf.constant(x)（float64），在梯度带内用 tf.stack([...]) "
            "把 g 算成一个向量，然后用 tape.jacobian 而不是 tape.gradient（第 4 节）。",
        ),
    ],
    solution=_g_jacobian,
    seed=42,
)


# ---- Exercise 3: sigmoid_jacobian(xs), diagonal for an elementwise function ---------


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _sigmoid_slope(x):
    s = _sigmoid(x)
    return s * (1 - s)


def _sigmoid_jacobian(make=lambda tf, xs: tf.constant(xs), watch=True, how="jacobian"):
    tf = _tf()

    def sigmoid_jacobian(xs):
        x = make(tf, xs)
        with tf.GradientTape(persistent=True) as t:
            if watch:
                t.watch(x)
            s = tf.sigmoid(x)
        if how == "gradient":
            return t.gradient(s, x)
        # a loop of backward passes, as the notebook's solution: no pfor tracing
        return t.jacobian(s, x, experimental_use_pfor=False)

    return sigmoid_jacobian


SIGMOID_JACOBIAN = Exercise(
    key="04.3",
    deliverable=Function(
        "sigmoid_jacobian",
        ("xs",),
        Array(shape=lambda args: args[0].shape * 2, dtype="float64"),
    ),
    cases=lambda rng: [
        (np.linspace(-3.0, 3.0, 7),),
        (np.sort(rng.uniform(-4.0, 4.0, 5)).round(2),),
    ],
    reference=lambda xs: np.diag(_sigmoid_slope(xs)),
    independent=lambda xs: _central_jacobian(_sigmoid, xs),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "sigmoid_jacobian checked at 12 points (7 from −3 to 3 and 5 seeded random "
        "ones) against the hand-derived diagonal matrix diag(s(x)(1 − s(x))) in "
        "float64, within {tolerance}",
        "已在 12 个点（−3 到 3 之间的 7 个点以及 5 个固定种子的随机点）上将 "
        "sigmoid_jacobian 与手算的 float64 对角矩阵 diag(s(x)(1 − s(x))) 对照验证，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="diagonal_only",
            detect=d.computes(_sigmoid_slope),
            name=T(
                "sigmoid_jacobian returns only the diagonal, s(x)(1 − s(x)): what "
                "one tape.gradient call gives.",
                "sigmoid_jacobian 只返回了对角线 s(x)(1 − s(x))：即一次 "
                "tape.gradient 调用给出的结果。",
            ),
            advice=T(
                "Right numbers, but the exercise asks for the whole n×n matrix, to "
                "see its zeros: tape.jacobian(s, x).",
                "数值没错，但这道练习要的是完整的 n×n 矩阵，好看到其中的零："
                "tape.jacobian(s, x)。",
            ),
            section=SECTION_4,
            example=lambda: _sigmoid_jacobian(how="gradient"),
        ),
        Mistake(
            id="none",
            detect=_no_gradient(),
            name=T(
                "sigmoid_jacobian returns None: the tape did not watch the constant x.",
                "sigmoid_jacobian 返回 None：梯度带没有监视常量 x。",
            ),
            advice=T(
                "Call t.watch(x) inside the `with` block, before tf.sigmoid(x).",
                "在 with 块之内、tf.sigmoid(x) 之前调用 t.watch(x)。",
            ),
            section=SECTION_1,
            example=lambda: _sigmoid_jacobian(watch=False),
        ),
        Mistake(
            id="fixed_points",
            detect=d.ignores_arguments(),
            name=T(
                "sigmoid_jacobian returns the same matrix whatever xs is.",
                "无论 xs 是什么，sigmoid_jacobian 都返回同样的矩阵。",
            ),
            advice=T(
                "Make the constant from the argument, tf.constant(xs), not from "
                "tf.linspace(-3.0, 3.0, 7).",
                "用参数创建常量，tf.constant(xs)，而不是用 tf.linspace(-3.0, 3.0, 7)。",
            ),
            section=None,
            example=lambda: _sigmoid_jacobian(
                make=lambda tf, xs: tf.linspace(
                    tf.constant(-3.0, tf.float64), tf.constant(3.0, tf.float64), 7
                )
            ),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "sigmoid_jacobian computes in float32, not in float64.",
                "sigmoid_jacobian 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "tf.constant(xs) keeps the float64 of xs; tf.linspace(-3.0, 3.0, 7) "
                "or a constant made from Python floats is float32.",
                "tf.constant(xs) 保持 xs 的 float64；tf.linspace(-3.0, 3.0, 7) "
                "或者由 Python 浮点数创建的常量都是 float32。",
            ),
            section=None,
            example=lambda: _sigmoid_jacobian(
                make=lambda tf, xs: tf.constant(xs.tolist())
            ),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "sigmoid_jacobian never asks the tape: no tape.jacobian call.",
                "sigmoid_jacobian 没有向梯度带求导：没有调用 tape.jacobian。",
            ),
            advice=T(
                "The exercise is to get the Jacobian from the tape, tape.jacobian(s, x), and see its zeros; the hand-derived diagonal is for checking it.",
                "这道练习要由梯度带求出雅可比矩阵 tape.jacobian(s, x)，并看到其中的零；手算的对角线是用来验证的。",
            ),
            section=SECTION_4,
            example=lambda: lambda xs: np.diag(_sigmoid_slope(xs)),
        ),
    ],
    hints=[
        T(
            "Each s(x_i) depends on x_i only: which entries of the Jacobian can be "
            "non-zero?",
            "每个 s(x_i) 只依赖于 x_i：雅可比矩阵的哪些元素可能不为零？",
        ),
        T(
            "Watch x = tf.constant(xs) (float64), record s = tf.sigmoid(x), and ask "
            "the tape for the Jacobian of s with respect to x: shape (n, n), "
            "s.shape + x.shape.",
            "监视 x = tf.constant(xs)（float64），记录 s = tf.sigmoid(x)，"
            "再让梯度带求 s 对 x 的雅可比矩阵：形状为 (n, n)，即 s.shape + x.shape。",
        ),
    ],
    solution=_sigmoid_jacobian,
    seed=43,
)

EXERCISES = [CHAIN_GRADS, G_JACOBIAN, SIGMOID_JACOBIAN]
