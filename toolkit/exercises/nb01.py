"""Exercises of notebook 01 · Gradient tape basics (梯度带基础).

1. ``slope``: the tensor ``tape.gradient`` returns for d/dx sin x at π/3.
2. ``f_slopes(xs)``: the derivatives of x·e^(−x) at every element of a
   float64 array, from one ``tape.gradient`` call.
3. ``g_grads(a, b)``: both partial derivatives of g(a, b) = a·b + b² as a
   dict, from one tape.

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
    Tensor,
    Tolerance,
    Value,
)
from toolkit.exercises.references import central_difference as _central
from toolkit.exercises.references import tensorflow as _tf

# Where the notebook covers each mistake.
SECTION_1 = T("section 1 · Record, then differentiate", "“1 · 先记录，再求导”一节")
SECTION_CHECKER = T(
    "“TensorFlow's own checker: tf.test.compute_gradient” in section 1",
    "第 1 节的“TensorFlow 自带的检查工具：tf.test.compute_gradient”",
)
SECTION_2 = T("section 2 · A gradient is a slope", "“2 · 梯度就是斜率”一节")
SECTION_3 = T("section 3 · Several sources at once", "“3 · 同时对多个源求导”一节")
SECTION_4 = T(
    "section 4 · Pitfall: computing outside the tape",
    "“4 · 陷阱：在梯度带之外计算”一节",
)


# ---- Exercise 1: slope = d/dx sin x at π/3 ---------------------------------------


def _slope_solution():
    tf = _tf()
    x = tf.Variable(np.pi / 3, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = tf.sin(x)
    return tape.gradient(y, x)


def _slope_outside_the_tape():
    tf = _tf()
    x = tf.Variable(np.pi / 3)
    with tf.GradientTape() as tape:
        pass
    y = tf.sin(x)  # after the block: not recorded
    return tape.gradient(y, x)


def _slope_value():
    tf = _tf()
    x = tf.Variable(np.pi / 3)
    with tf.GradientTape():
        y = tf.sin(x)
    return y


def _slope_degrees():
    tf = _tf()
    x = tf.Variable(60.0)  # degrees, but tf.sin takes radians
    with tf.GradientTape() as tape:
        y = tf.sin(x)
    return tape.gradient(y, x)


SLOPE = Exercise(
    key="01.1",
    deliverable=Value("slope", Tensor(shape=()), at=T("x = π/3", "x = π/3")),
    cases=lambda rng: [()],
    reference=lambda: np.cos(np.pi / 3),
    independent=lambda: _central(np.sin, np.pi / 3),
    tolerance=Tolerance(rtol=1e-6),
    verified=T(
        "slope checked against the closed form cos(π/3) = 0.5 in float64, "
        "within {tolerance}",
        "已将 slope 与 float64 的闭式解 cos(π/3) = 0.5 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "slope is None: the tape recorded no path from x to y.",
                "slope 是 None：梯度带没有记录从 x 到 y 的路径。",
            ),
            advice=T(
                "Compute y = tf.sin(x) inside the `with` block, and make x a "
                "tf.Variable (the tape does not watch a tf.constant; notebook 02 "
                "shows tape.watch).",
                "在 with 块之内计算 y = tf.sin(x)，并把 x 设为 tf.Variable"
                "（梯度带不监视 tf.constant；笔记本 02 介绍 tape.watch）。",
            ),
            section=SECTION_4,
            example=_slope_outside_the_tape,
        ),
        Mistake(
            id="value",
            detect=d.computes(lambda: np.sin(np.pi / 3)),
            name=T(
                "slope is sin(π/3), the value of the function, not its derivative.",
                "slope 是 sin(π/3)，即函数值，而不是导数。",
            ),
            advice=T(
                "y holds the function's value; the derivative is what the tape "
                "returns: tape.gradient(y, x).",
                "y 保存的是函数值；导数要由梯度带求出：tape.gradient(y, x)。",
            ),
            section=SECTION_1,
            example=_slope_value,
        ),
        Mistake(
            id="degrees",
            detect=d.any_of(
                d.computes(lambda: np.cos(60.0)),
                d.computes(lambda: np.cos(np.pi / 3) * np.pi / 180),
            ),
            name=T(
                "slope is a derivative with x in degrees (60), not in radians.",
                "slope 是以角度（60）为自变量的导数，而不是以弧度为自变量的。",
            ),
            advice=T(
                "tf.sin takes radians: π/3 is np.pi / 3, not 60.",
                "tf.sin 的参数是弧度：π/3 要写成 np.pi / 3，而不是 60。",
            ),
            section=None,
            example=_slope_degrees,
        ),
    ],
    hints=[
        T(
            "Start from the chapter's first example in section 1: the same "
            "three steps, with sin in place of the square.",
            "从第 1 节原章节的第一个例子出发：同样的三步，只是把平方换成 sin。",
        ),
        T(
            "x must be a tf.Variable holding π/3 (np.pi / 3: radians), and "
            "y = tf.sin(x) must be computed inside the "
            "`with tf.GradientTape() as tape:` block.",
            "x 必须是保存 π/3（np.pi / 3，弧度）的 tf.Variable，而且 "
            "y = tf.sin(x) 必须在 `with tf.GradientTape() as tape:` 块之内计算。",
        ),
        T(
            "After the block, ask the tape for the gradient of y with respect "
            "to x, and keep the tensor it returns as slope (no .numpy(), no "
            "float()).",
            "离开 with 块之后，让梯度带求 y 对 x 的梯度，把它返回的张量保存为 "
            "slope（不要 .numpy()，也不要 float()）。",
        ),
    ],
    solution=_slope_solution,
    seed=11,
)


# ---- Exercise 2: f_slopes(xs), derivatives of x·e^(−x), one call --------------------


def _f(x):
    return x * np.exp(-x)


def _f_slopes_solution():
    tf = _tf()

    def f_slopes(xs):
        x = tf.Variable(xs)
        with tf.GradientTape() as tape:
            y = x * tf.exp(-x)
        return tape.gradient(y, x)

    return f_slopes


def _f_slopes_constant():
    tf = _tf()

    def f_slopes(xs):
        x = tf.constant(xs)  # not watched
        with tf.GradientTape() as tape:
            y = x * tf.exp(-x)
        return tape.gradient(y, x)

    return f_slopes


def _f_slopes_by_hand():
    return lambda xs: (1 - xs) * np.exp(-xs)


def _f_slopes_values():
    tf = _tf()

    def f_slopes(xs):
        x = tf.Variable(xs)
        with tf.GradientTape():
            y = x * tf.exp(-x)
        return y

    return f_slopes


def _f_slopes_mean():
    tf = _tf()

    def f_slopes(xs):
        x = tf.Variable(xs)
        with tf.GradientTape() as tape:
            y = tf.reduce_mean(x * tf.exp(-x))
        return tape.gradient(y, x)

    return f_slopes


def _f_slopes_float32():
    tf = _tf()

    def f_slopes(xs):
        x = tf.Variable(xs.tolist())  # Python floats: float32
        with tf.GradientTape() as tape:
            y = x * tf.exp(-x)
        return tape.gradient(y, x)

    return f_slopes


def _f_slopes_fixed_points():
    tf = _tf()

    def f_slopes(xs):
        x = tf.Variable([0.0, 1.0, 2.0])  # the exercise's points, not xs
        with tf.GradientTape() as tape:
            y = x * tf.exp(-x)
        return tape.gradient(y, x)

    return f_slopes


def _f_slopes_loop():
    tf = _tf()

    def f_slopes(xs):
        slopes = []
        for value in xs:
            x = tf.Variable(value)
            with tf.GradientTape() as tape:
                y = x * tf.exp(-x)
            slopes.append(tape.gradient(y, x))
        return tf.stack(slopes)

    return f_slopes


F_SLOPES = Exercise(
    key="01.2",
    deliverable=Function(
        "f_slopes", ("xs",), Array(shape=lambda args: args[0].shape, dtype="float64")
    ),
    cases=lambda rng: [
        (np.array([0.0, 1.0, 2.0]),),
        (np.sort(rng.uniform(-2.0, 4.0, size=5)).round(2),),
    ],
    reference=lambda xs: (1 - xs) * np.exp(-xs),
    independent=lambda xs: _central(_f, xs),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "f_slopes checked at 8 points (x = 0, 1, 2 and 5 seeded random ones) "
        "against the hand-derived (1 − x)·e^(−x) in float64, within {tolerance}, "
        "with one tape.gradient call per array",
        "已在 8 个点（x = 0、1、2 以及 5 个固定种子的随机点）上将 f_slopes 与手算的 "
        "float64 导数 (1 − x)·e^(−x) 对照验证，误差在 {tolerance} 以内，"
        "每个数组只调用一次 tape.gradient",
    ),
    mistakes=[
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "f_slopes returns None: the tape recorded no path from x to y.",
                "f_slopes 返回 None：梯度带没有记录从 x 到 y 的路径。",
            ),
            advice=T(
                "Make x with tf.Variable(xs) (the tape does not watch a "
                "tf.constant; notebook 02 shows tape.watch) and compute y inside "
                "the `with` block.",
                "用 tf.Variable(xs) 创建 x（梯度带不监视 tf.constant；笔记本 02 "
                "介绍 tape.watch），并在 with 块之内计算 y。",
            ),
            section=SECTION_4,
            example=_f_slopes_constant,
        ),
        Mistake(
            id="value",
            detect=d.computes(_f),
            name=T(
                "f_slopes returns f(x) = x·e^(−x), not its derivative.",
                "f_slopes 返回的是 f(x) = x·e^(−x)，而不是它的导数。",
            ),
            advice=T(
                "Return the tape's gradient of y, tape.gradient(y, x), not y itself.",
                "返回梯度带求出的 y 的梯度 tape.gradient(y, x)，而不是 y 本身。",
            ),
            section=SECTION_1,
            example=_f_slopes_values,
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "f_slopes never calls tape.gradient.",
                "f_slopes 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get the derivatives from the tape: record "
                "y = x·e^(−x) on a tf.GradientTape and return tape.gradient(y, x). "
                "The hand-derived formula is for checking it.",
                "这道练习要由梯度带求出导数：在 tf.GradientTape 上记录 "
                "y = x·e^(−x)，返回 tape.gradient(y, x)。手算的公式是用来验证的。",
            ),
            section=SECTION_1,
            example=_f_slopes_by_hand,
        ),
        Mistake(
            id="mean",
            detect=d.scaled(lambda args: 1 / args[0].size),
            name=T(
                "f_slopes returns the gradient of the mean: every derivative "
                "divided by len(xs).",
                "f_slopes 返回的是均值的梯度：每个导数都被除以了 len(xs)。",
            ),
            advice=T(
                "For a non-scalar target tape.gradient already differentiates "
                "the sum of its elements, which gives each point its own "
                "derivative; tf.reduce_mean divides them all by len(xs). "
                "Differentiate y itself.",
                "目标不是标量时，tape.gradient 已经对其各元素之和求导，"
                "正好得到每个点各自的导数；tf.reduce_mean 会把它们都除以 len(xs)。"
                "请直接对 y 求导。",
            ),
            section=SECTION_2,
            example=_f_slopes_mean,
        ),
        Mistake(
            id="fixed_points",
            detect=d.ignores_arguments(),
            name=T(
                "f_slopes returns the same numbers whatever xs is: it "
                "differentiates at fixed points, not at xs.",
                "无论 xs 是什么，f_slopes 都返回同样的结果：它在固定的点上求导，"
                "而不是在 xs 上。",
            ),
            advice=T(
                "Make the variable from the argument, tf.Variable(xs), not from "
                "the numbers [0.0, 1.0, 2.0].",
                "用参数创建变量，tf.Variable(xs)，而不是用数字 [0.0, 1.0, 2.0]。",
            ),
            section=None,
            example=_f_slopes_fixed_points,
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "f_slopes computes in float32, not in float64.",
                "f_slopes 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "A tf.Variable made from Python floats, or with dtype=tf.float32, "
                "is float32; make it from xs itself, tf.Variable(xs), which keeps "
                "its float64 (check gradients in float64).",
                "由 Python 浮点数或以 dtype=tf.float32 创建的 tf.Variable 是 "
                "float32；直接用 xs 创建，tf.Variable(xs)，就保持 float64"
                "（验证梯度要用 float64）。",
            ),
            section=SECTION_CHECKER,
            example=_f_slopes_float32,
        ),
        Mistake(
            id="loop",
            detect=d.gradient_calls(more_than=1),
            name=T(
                "f_slopes calls tape.gradient more than once for one array.",
                "f_slopes 对同一个数组调用了不止一次 tape.gradient。",
            ),
            advice=T(
                "One call is enough: put all the points in one variable; each "
                "y_i depends only on x_i, so the gradient of the (summed) target "
                "holds every derivative.",
                "一次调用就够了：把所有的点放进同一个变量；每个 y_i 只依赖于 x_i，"
                "所以（求和之后的）目标的梯度包含全部导数。",
            ),
            section=SECTION_2,
            example=_f_slopes_loop,
        ),
    ],
    hints=[
        T(
            "One variable can hold all the points: section 2 differentiates 81 "
            "points with one tape.gradient call.",
            "一个变量就能装下所有的点：第 2 节只调用一次 tape.gradient，"
            "就求出了 81 个点的导数。",
        ),
        T(
            "Make the variable from xs itself, tf.Variable(xs): it keeps the "
            "float64 of xs (a tf.Variable made from Python floats is float32).",
            "直接用 xs 创建变量，tf.Variable(xs)：这样它保持 xs 的 float64"
            "（由 Python 浮点数创建的 tf.Variable 是 float32）。",
        ),
        T(
            "Inside the tape compute y = x·e^(−x) elementwise, then return the "
            "gradient of y itself: the tape sums a non-scalar target for you, so "
            "no tf.reduce_mean and no loop.",
            "在梯度带内逐元素计算 y = x·e^(−x)，然后直接返回 y 的梯度："
            "目标不是标量时，梯度带会替你求和，所以不要 tf.reduce_mean，也不要循环。",
        ),
    ],
    solution=_f_slopes_solution,
    seed=12,
)


# ---- Exercise 3: g_grads(a, b), both partials of a·b + b² as a dict ----------------


def _g(a, b):
    return a * b + b**2


def _g_grads(make_a, make_b, sources=lambda a, b: {"a": a, "b": b}, swap=False):
    tf = _tf()

    def g_grads(a, b):
        a, b = make_a(tf, a), make_b(tf, b)
        with tf.GradientTape() as tape:
            g = a * b + b**2
        grads = tape.gradient(g, sources(a, b))
        if swap:
            grads = {"a": grads["b"], "b": grads["a"]}
        return grads

    return g_grads


def _variable(tf, value):
    return tf.Variable(value)


def _g_grads_solution():
    return _g_grads(_variable, _variable)


def _g_grads_twice():
    tf = _tf()

    def g_grads(a, b):
        a, b = tf.Variable(a), tf.Variable(b)
        with tf.GradientTape() as tape:  # not persistent: answers once
            g = a * b + b**2
        return {"a": tape.gradient(g, a), "b": tape.gradient(g, b)}

    return g_grads


G_GRADS = Exercise(
    key="01.3",
    deliverable=Function("g_grads", ("a", "b"), Dict(keys=("a", "b"))),
    cases=lambda rng: [
        (3.0, -1.0),
        *[
            tuple(float(v) for v in rng.uniform(-3.0, 3.0, 2).round(2))
            for _ in range(4)
        ],
    ],
    reference=lambda a, b: {"a": b, "b": a + 2 * b},
    independent=lambda a, b: {
        "a": _central(lambda v: _g(v, b), a),
        "b": _central(lambda v: _g(a, v), b),
    },
    tolerance=Tolerance(rtol=1e-5, atol=1e-6),
    verified=T(
        "g_grads checked at 5 points (a = 3, b = −1 and 4 seeded random ones) "
        "against the hand-derived ∂g/∂a = b, ∂g/∂b = a + 2b in float64, within "
        "{tolerance}",
        "已在 5 个点（a = 3、b = −1 以及 4 个固定种子的随机点）上将 g_grads 与手算的 "
        "float64 偏导数 ∂g/∂a = b、∂g/∂b = a + 2b 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="twice",
            detect=d.raises(RuntimeError, "non-persistent GradientTape"),
            name=T(
                "g_grads asks one tape for two gradients: a tape answers a "
                "single tape.gradient call.",
                "g_grads 向同一个梯度带要了两次梯度：一个梯度带只回答一次 "
                "tape.gradient 调用。",
            ),
            advice=T(
                'Ask for both in one call with a dict of sources, tape.gradient(g, {"a": a, "b": b}) '
                "(or record again, as section 3 does; notebook 04 shows persistent=True).",
                '用由源组成的字典一次求出两者：tape.gradient(g, {"a": a, "b": b})'
                "（或者像第 3 节那样重新记录；笔记本 04 介绍 persistent=True）。",
            ),
            section=SECTION_3,
            example=_g_grads_twice,
        ),
        Mistake(
            id="list",
            detect=d.returns(list, tuple),
            name=T(
                "g_grads returns a list, not a dict.",
                "g_grads 返回的是列表，而不是字典。",
            ),
            advice=T(
                "tape.gradient returns the structure of its sources: give it the "
                'dict {"a": a, "b": b} and it returns a dict with those keys.',
                "tape.gradient 返回的结构与源相同：传入字典 "
                '{"a": a, "b": b}，它就返回键相同的字典。',
            ),
            section=SECTION_3,
            example=lambda: _g_grads(_variable, _variable, sources=lambda a, b: [a, b]),
        ),
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "g_grads gives None for a partial derivative: the tape did not "
                "watch that source.",
                "g_grads 的某个偏导数是 None：梯度带没有监视那个源。",
            ),
            advice=T(
                "Make both a and b tf.Variables (the tape does not watch a "
                "tf.constant; notebook 02 shows tape.watch) and compute g inside "
                "the `with` block.",
                "把 a 和 b 都设为 tf.Variable（梯度带不监视 tf.constant；"
                "笔记本 02 介绍 tape.watch），并在 with 块之内计算 g。",
            ),
            section=SECTION_1,
            example=lambda: _g_grads(_variable, lambda tf, v: tf.constant(v)),
        ),
        Mistake(
            id="swapped",
            detect=d.swapped("a", "b"),
            name=T(
                "The two partial derivatives are swapped.",
                "两个偏导数的位置互换了。",
            ),
            advice=T(
                "∂g/∂a = b and ∂g/∂b = a + 2b: check which variable goes under "
                "which key.",
                "∂g/∂a = b，∂g/∂b = a + 2b：检查每个键对应的是哪个变量。",
            ),
            section=SECTION_3,
            example=lambda: _g_grads(_variable, _variable, swap=True),
        ),
        Mistake(
            id="fixed_point",
            detect=d.ignores_arguments(),
            name=T(
                "g_grads returns the same numbers whatever a and b are.",
                "无论 a 和 b 取什么值，g_grads 都返回同样的结果。",
            ),
            advice=T(
                "Create the variables from the arguments, tf.Variable(a) and "
                "tf.Variable(b), not from the numbers 3 and −1.",
                "用参数创建变量，tf.Variable(a) 和 tf.Variable(b)，"
                "而不是用数字 3 和 −1。",
            ),
            section=None,
            example=lambda: _g_grads(
                lambda tf, v: tf.Variable(3.0), lambda tf, v: tf.Variable(-1.0)
            ),
        ),
    ],
    hints=[
        T(
            "Section 3: tape.gradient accepts a dict of sources and returns a "
            "dict with the same keys.",
            "第 3 节：tape.gradient 接受由源组成的字典，并返回键相同的字典。",
        ),
        T(
            "Make a and b tf.Variables from the arguments (not from the numbers "
            "3 and −1), and compute g inside one tape.",
            "用参数创建 a 和 b 这两个 tf.Variable（不要用数字 3 和 −1），"
            "并在同一个梯度带内计算 g。",
        ),
        T(
            "A tape answers one tape.gradient call: ask for both partial "
            'derivatives in that one call, with the sources {"a": …, "b": …}.',
            "一个梯度带只回答一次 tape.gradient 调用：在这一次调用中用源 "
            '{"a": …, "b": …} 同时求出两个偏导数。',
        ),
    ],
    solution=_g_grads_solution,
    seed=13,
)

EXERCISES = [SLOPE, F_SLOPES, G_GRADS]
