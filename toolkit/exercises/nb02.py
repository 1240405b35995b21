"""Exercises of notebook 02 · Watching tensors with ``tape.watch`` (监视张量).

1. ``cubic_slopes(xs)``: the derivatives of x³ + 2x at every element of a
   float64 array, with respect to a watched constant.
2. ``exp_slopes(xs)``: the gradient of Σ e^(x_i) with respect to a watched
   constant, the broken NumPy version fixed.
3. ``loss_grads(w, b)``: ∂L/∂w and ∂L/∂b of L = (w·x + b − t)², x = 2, t = 1,
   from a tape that watches only b, with 0 (not None) for w.

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

# Where the notebook covers each mistake.
SECTION_1 = T("section 1 · Watching a constant", "“1 · 监视一个常量”一节")
SECTION_2_1 = T("section 2.1 · An unwatched constant", "“2.1 未被监视的常量”一节")
SECTION_2_5 = T(
    "section 2.5 · A value computed in NumPy", "“2.5 用 NumPy 算出的值”一节"
)
SECTION_3 = T(
    "section 3 · Choosing what the tape watches", "“3 · 选择梯度带监视什么”一节"
)
SECTION_4 = T("section 4 · Zeros instead of None", "“4 · 用零代替 None”一节")
NOTEBOOK_01_SUM = T(
    "notebook 01, section 2 · A gradient is a slope",
    "笔记本 01 的“2 · 梯度就是斜率”一节",
)


# ---- Exercise 1: cubic_slopes(xs), d/dx (x³ + 2x) for a watched constant --------------


def _cubic(x):
    return x**3 + 2 * x


def _cubic_slopes(make=lambda tf, xs: tf.constant(xs), watch=True, value=False):
    tf = _tf()

    def cubic_slopes(xs):
        x = make(tf, xs)
        with tf.GradientTape() as tape:
            if watch:
                tape.watch(x)
            y = x**3 + 2 * x
        return y if value else tape.gradient(y, x)

    return cubic_slopes


def _cubic_slopes_watch_numpy():
    tf = _tf()

    def cubic_slopes(xs):
        with tf.GradientTape() as tape:
            tape.watch(xs)  # the NumPy array, not a tensor
            y = tf.constant(xs) ** 3 + 2 * tf.constant(xs)
        return tape.gradient(y, xs)

    return cubic_slopes


CUBIC_SLOPES = Exercise(
    key="02.1",
    deliverable=Function(
        "cubic_slopes",
        ("xs",),
        Array(shape=lambda args: args[0].shape, dtype="float64"),
    ),
    cases=lambda rng: [
        (np.array([2.0]),),
        (np.sort(rng.uniform(-3.0, 3.0, size=5)).round(2),),
    ],
    reference=lambda xs: 3 * xs**2 + 2,
    independent=lambda xs: _central(_cubic, xs),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "cubic_slopes checked at 6 points (x = 2 and 5 seeded random ones) against "
        "the hand-derived 3x² + 2 in float64, within {tolerance}",
        "已在 6 个点（x = 2 以及 5 个固定种子的随机点）上将 cubic_slopes 与手算的 "
        "float64 导数 3x² + 2 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="watch_numpy",
            detect=d.raises(ValueError, "not tf.Tensor or tf.Variable"),
            name=T(
                "cubic_slopes passes the NumPy array xs to tape.watch.",
                "cubic_slopes 把 NumPy 数组 xs 传给了 tape.watch。",
            ),
            advice=T(
                "tape.watch follows tensors only: make x = tf.constant(xs) first, "
                "watch x, and compute y from x.",
                "tape.watch 只能监视张量：先创建 x = tf.constant(xs)，监视 x，"
                "再由 x 计算 y。",
            ),
            section=SECTION_1,
            example=_cubic_slopes_watch_numpy,
        ),
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "cubic_slopes returns None: the tape did not watch the constant x.",
                "cubic_slopes 返回 None：梯度带没有监视常量 x。",
            ),
            advice=T(
                "A tf.constant is not watched on its own: call tape.watch(x) inside "
                "the `with` block, before computing y from x.",
                "梯度带不会自动监视 tf.constant：在 with 块之内、由 x 计算 y 之前"
                "调用 tape.watch(x)。",
            ),
            section=SECTION_2_1,
            example=lambda: _cubic_slopes(watch=False),
        ),
        Mistake(
            id="value",
            detect=d.computes(_cubic),
            name=T(
                "cubic_slopes returns y = x³ + 2x, not its derivative.",
                "cubic_slopes 返回的是 y = x³ + 2x，而不是它的导数。",
            ),
            advice=T(
                "y is the function's value; return the gradient the tape computes "
                "for y with respect to x.",
                "y 是函数值；请返回梯度带求出的 y 对 x 的梯度。",
            ),
            section=SECTION_1,
            example=lambda: _cubic_slopes(value=True),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "cubic_slopes never calls tape.gradient.",
                "cubic_slopes 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get the derivatives from the tape: watch x, record y = x**3 + 2 * x, and return the tape's gradient. The hand-derived 3x² + 2 is for checking it.",
                "这道练习要由梯度带求出导数：监视 x，记录 y = x**3 + 2 * x，返回梯度带求出的梯度。手算的 3x² + 2 是用来验证的。",
            ),
            section=SECTION_1,
            example=lambda: lambda xs: 3 * xs**2 + 2,
        ),
        Mistake(
            id="fixed_point",
            detect=d.ignores_arguments(),
            name=T(
                "cubic_slopes returns the same numbers whatever xs is.",
                "无论 xs 是什么，cubic_slopes 都返回同样的结果。",
            ),
            advice=T(
                "Make the constant from the argument, tf.constant(xs), not from the "
                "number 2.0.",
                "用参数创建常量，tf.constant(xs)，而不是用数字 2.0。",
            ),
            section=None,
            example=lambda: _cubic_slopes(
                make=lambda tf, xs: tf.constant([2.0], dtype=tf.float64)
            ),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "cubic_slopes computes in float32, not in float64.",
                "cubic_slopes 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "tf.constant(xs) keeps the float64 of xs; dtype=tf.float32, or a "
                "constant made from Python floats, is float32.",
                "tf.constant(xs) 保持 xs 的 float64；指定 dtype=tf.float32，"
                "或者由 Python 浮点数创建的常量，都是 float32。",
            ),
            section=None,
            example=lambda: _cubic_slopes(
                make=lambda tf, xs: tf.constant(xs, dtype=tf.float32)
            ),
        ),
    ],
    hints=[
        T(
            "Section 1 does exactly this for y = x²: a constant, tape.watch, then "
            "tape.gradient.",
            "第 1 节对 y = x² 做的正是这件事：一个常量，tape.watch，然后 tape.gradient。",
        ),
        T(
            "Make x = tf.constant(xs) (it stays float64) and call tape.watch(x) as "
            "the first line inside the `with` block, before computing "
            "y = x**3 + 2 * x from x.",
            "创建 x = tf.constant(xs)（它保持 float64），并在 with 块之内的第一行"
            "调用 tape.watch(x)，然后再由 x 计算 y = x**3 + 2 * x。",
        ),
        T(
            "After the block, ask the tape for the gradient of y with respect to x: "
            "y is not a scalar, and the tape sums it, so each element gets its own "
            "derivative from one call.",
            "离开 with 块之后，让梯度带求 y 对 x 的梯度：y 不是标量，梯度带会对它求和，"
            "所以一次调用就得到每个元素各自的导数。",
        ),
    ],
    solution=_cubic_slopes,
    seed=21,
)


# ---- Exercise 2: exp_slopes(xs), the NumPy path fixed --------------------------------


def _exp_slopes(make=lambda tf, xs: tf.constant(xs), numpy=False, reduce="sum"):
    tf = _tf()

    def exp_slopes(xs):
        x = make(tf, xs)
        with tf.GradientTape() as tape:
            tape.watch(x)
            e = tf.constant(np.exp(x.numpy())) if numpy else tf.exp(x)
            y = tf.reduce_sum(e) if reduce == "sum" else tf.reduce_mean(e)
        return tape.gradient(y, x)

    return exp_slopes


EXP_SLOPES = Exercise(
    key="02.2",
    deliverable=Function(
        "exp_slopes",
        ("xs",),
        Array(shape=lambda args: args[0].shape, dtype="float64"),
    ),
    cases=lambda rng: [
        (np.array([0.0, 1.0, 2.0]),),
        (np.sort(rng.uniform(-3.0, 3.0, size=5)).round(2),),
    ],
    reference=lambda xs: np.exp(xs),
    independent=lambda xs: _central(np.exp, xs),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "exp_slopes checked at 8 points (x = 0, 1, 2 and 5 seeded random ones) "
        "against the hand-derived e^x in float64, within {tolerance}, with the "
        "gradient taken by the tape",
        "已在 8 个点（x = 0、1、2 以及 5 个固定种子的随机点）上将 exp_slopes 与手算的 "
        "float64 导数 e^x 对照验证，误差在 {tolerance} 以内，梯度由梯度带求出",
    ),
    mistakes=[
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "exp_slopes never calls tape.gradient.",
                "exp_slopes 没有调用 tape.gradient。",
            ),
            advice=T(
                "Return the tape's gradient of y = Σ e^(x_i) with respect to the "
                "watched x, computed with tf.exp. (e^x is its own derivative, so "
                "computing it directly gives the right numbers, but the exercise "
                "is to fix the tape.)",
                "请返回梯度带求出的 y = Σ e^(x_i) 对被监视的 x 的梯度，其中指数用 "
                "tf.exp 计算。（e^x 的导数就是它自己，所以直接算出它也能得到正确的数值，"
                "但这道练习要修好的是梯度带。）",
            ),
            section=SECTION_2_5,
            example=lambda: lambda xs: np.exp(xs),
        ),
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "exp_slopes returns None: the path from x to y is cut.",
                "exp_slopes 返回 None：从 x 到 y 的路径被切断了。",
            ),
            advice=T(
                "x.numpy() leaves TensorFlow: np.exp is not recorded, and "
                "tf.constant(...) starts a tensor with no history. Use tf.exp(x) "
                "(and tape.watch(x): x is a constant).",
                "x.numpy() 离开了 TensorFlow：np.exp 不会被记录，tf.constant(...) "
                "又创建了一个没有历史的张量。请用 tf.exp(x)"
                "（并调用 tape.watch(x)：x 是常量）。",
            ),
            section=SECTION_2_5,
            example=lambda: _exp_slopes(numpy=True),
        ),
        Mistake(
            id="mean",
            detect=d.scaled(lambda args: 1 / args[0].size),
            name=T(
                "exp_slopes returns the gradient of the mean: every derivative "
                "divided by len(xs).",
                "exp_slopes 返回的是均值的梯度：每个导数都被除以了 len(xs)。",
            ),
            advice=T(
                "The target is the sum, tf.reduce_sum(tf.exp(x)), as in the broken "
                "code; tf.reduce_mean divides every derivative by len(xs).",
                "目标是求和 tf.reduce_sum(tf.exp(x))，与出错的代码一样；"
                "tf.reduce_mean 会把每个导数都除以 len(xs)。",
            ),
            section=NOTEBOOK_01_SUM,
            example=lambda: _exp_slopes(reduce="mean"),
        ),
        Mistake(
            id="fixed_points",
            detect=d.ignores_arguments(),
            name=T(
                "exp_slopes returns the same numbers whatever xs is: it "
                "differentiates at fixed points, not at xs.",
                "无论 xs 是什么，exp_slopes 都返回同样的结果：它在固定的点上求导，"
                "而不是在 xs 上。",
            ),
            advice=T(
                "Make the constant from the argument, tf.constant(xs), not from "
                "the numbers [0.0, 1.0, 2.0].",
                "用参数创建常量，tf.constant(xs)，而不是用数字 [0.0, 1.0, 2.0]。",
            ),
            section=None,
            example=lambda: _exp_slopes(
                make=lambda tf, xs: tf.constant([0.0, 1.0, 2.0], dtype=tf.float64)
            ),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "exp_slopes computes in float32, not in float64.",
                "exp_slopes 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "The broken code's tf.constant([0.0, 1.0, 2.0]) is float32 (Python "
                "floats); tf.constant(xs) keeps the float64 of xs.",
                "出错代码中的 tf.constant([0.0, 1.0, 2.0]) 是 float32（由 Python "
                "浮点数创建）；tf.constant(xs) 保持 xs 的 float64。",
            ),
            section=None,
            example=lambda: _exp_slopes(make=lambda tf, xs: tf.constant(xs.tolist())),
        ),
    ],
    hints=[
        T(
            "Section 2.5: which line of the broken code takes the value out of "
            "TensorFlow?",
            "第 2.5 节：出错的代码里，哪一行把值带出了 TensorFlow？",
        ),
        T(
            "Keep the same tape and the same target, tf.reduce_sum(...), but "
            "compute the exponential with a TensorFlow operation on the watched "
            "x = tf.constant(xs) (float64, like xs).",
            "保留同样的梯度带和同样的目标 tf.reduce_sum(...)，但要在被监视的 "
            "x = tf.constant(xs)（与 xs 一样是 float64）上用 TensorFlow 运算计算指数。",
        ),
    ],
    solution=_exp_slopes,
    seed=22,
)


# ---- Exercise 3: loss_grads(w, b), a tape that watches only b ------------------------

X, TARGET = 2.0, 1.0


def _residual(w, b):
    return w * X + b - TARGET


def _loss(w, b):
    return _residual(w, b) ** 2


def _loss_grads(watch="b", zero=True, default_tape=False, structure="dict"):
    tf = _tf()

    def loss_grads(w, b):
        w, b = tf.Variable(w, name="w"), tf.Variable(b, name="b")
        with tf.GradientTape(watch_accessed_variables=default_tape) as tape:
            if not default_tape:
                tape.watch(b if watch == "b" else w)
            loss = (w * 2.0 + b - 1.0) ** 2
        options = (
            {"unconnected_gradients": tf.UnconnectedGradients.ZERO} if zero else {}
        )
        if structure == "list":
            return tape.gradient(loss, [w, b], **options)
        return tape.gradient(loss, {"w": w, "b": b}, **options)

    return loss_grads


LOSS_GRADS = Exercise(
    key="02.3",
    deliverable=Function("loss_grads", ("w", "b"), Dict(keys=("w", "b"))),
    cases=lambda rng: [
        (0.5, 0.25),
        *[
            tuple(float(v) for v in rng.uniform(-2.0, 2.0, 2).round(2))
            for _ in range(4)
        ],
    ],
    # w is not watched: UnconnectedGradients.ZERO gives 0 for it by definition.
    reference=lambda w, b: {"w": 0.0, "b": 2 * _residual(w, b)},
    independent=lambda w, b: {
        "w": 0.0,  # nothing to differentiate: the tape never saw w
        "b": _central(lambda v: _loss(w, v), b),
    },
    tolerance=Tolerance(rtol=1e-5, atol=1e-6),
    verified=T(
        "loss_grads checked at 5 points (w = 0.5, b = 0.25 and 4 seeded random "
        "ones): ∂L/∂b against the hand-derived 2(wx + b − t) in float64, within "
        "{tolerance}, and 0 for the unwatched w",
        "已在 5 个点（w = 0.5、b = 0.25 以及 4 个固定种子的随机点）上验证 loss_grads："
        "∂L/∂b 与手算的 float64 偏导数 2(wx + b − t) 对照，误差在 {tolerance} 以内；"
        "未被监视的 w 得到 0",
    ),
    mistakes=[
        Mistake(
            id="none",
            detect=d.is_none("w"),
            name=T(
                'loss_grads gives None for "w", not 0.',
                'loss_grads 对 "w" 给出的是 None，而不是 0。',
            ),
            advice=T(
                "None is right for a source the tape did not watch; the exercise "
                "asks for zeros: pass "
                "unconnected_gradients=tf.UnconnectedGradients.ZERO to "
                "tape.gradient.",
                "对于梯度带没有监视的源，None 是正常结果；这道练习要的是零："
                "给 tape.gradient 传入 "
                "unconnected_gradients=tf.UnconnectedGradients.ZERO。",
            ),
            section=SECTION_4,
            example=lambda: _loss_grads(zero=False),
        ),
        Mistake(
            id="watched_both",
            detect=d.computes(
                lambda w, b: {"w": 2 * X * _residual(w, b), "b": 2 * _residual(w, b)}
            ),
            name=T(
                "The tape watched w as well: loss_grads gives the true ∂L/∂w.",
                "梯度带也监视了 w：loss_grads 给出的是真正的 ∂L/∂w。",
            ),
            advice=T(
                "A default tape watches every trainable variable it sees; create it "
                "with tf.GradientTape(watch_accessed_variables=False) and "
                "tape.watch(b) only.",
                "默认的梯度带会监视它用到的每个可训练变量；请用 "
                "tf.GradientTape(watch_accessed_variables=False) 创建它，"
                "并且只调用 tape.watch(b)。",
            ),
            section=SECTION_3,
            example=lambda: _loss_grads(default_tape=True),
        ),
        Mistake(
            id="watched_w",
            detect=d.computes(lambda w, b: {"w": 2 * X * _residual(w, b), "b": 0.0}),
            name=T(
                "The tape watched w instead of b.",
                "梯度带监视的是 w，而不是 b。",
            ),
            advice=T(
                "Watch b, tape.watch(b): then ∂L/∂b comes from the tape, and w gets 0.",
                "请监视 b，tape.watch(b)：这样 ∂L/∂b 由梯度带求出，w 得到 0。",
            ),
            section=SECTION_3,
            example=lambda: _loss_grads(watch="w"),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "loss_grads never calls tape.gradient.",
                "loss_grads 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get the gradients from a tape that watches only b; the hand-derived 2(wx + b − t) is for checking it.",
                "这道练习要由只监视 b 的梯度带求出梯度；手算的 2(wx + b − t) 是用来验证的。",
            ),
            section=SECTION_3,
            example=lambda: lambda w, b: {"w": 0.0, "b": 2 * _residual(w, b)},
        ),
        Mistake(
            id="list",
            detect=d.returns(list, tuple),
            name=T(
                "loss_grads returns a list, not a dict.",
                "loss_grads 返回的是列表，而不是字典。",
            ),
            advice=T(
                "tape.gradient returns the structure of its sources: give it "
                '{"w": w, "b": b} and it returns a dict with those keys.',
                "tape.gradient 返回的结构与源相同：传入 "
                '{"w": w, "b": b}，它就返回键相同的字典。',
            ),
            section=None,
            example=lambda: _loss_grads(structure="list"),
        ),
        Mistake(
            id="fixed_point",
            detect=d.ignores_arguments(),
            name=T(
                "loss_grads returns the same numbers whatever w and b are.",
                "无论 w 和 b 取什么值，loss_grads 都返回同样的结果。",
            ),
            advice=T(
                "Create the variables from the arguments, tf.Variable(w) and "
                "tf.Variable(b), not from the numbers 0.5 and 0.25.",
                "用参数创建变量，tf.Variable(w) 和 tf.Variable(b)，"
                "而不是用数字 0.5 和 0.25。",
            ),
            section=None,
            example=lambda: lambda w, b: _loss_grads()(0.5, 0.25),
        ),
    ],
    hints=[
        T(
            "Section 3 builds a tape that watches only what you tell it to; "
            "section 4 turns None into 0.",
            "第 3 节创建了一个只监视你指定内容的梯度带；第 4 节把 None 变成 0。",
        ),
        T(
            "Create the tape with watch_accessed_variables=False and call "
            "tape.watch(b) inside it; then ask for the gradient with respect to "
            '{"w": w, "b": b} with '
            "unconnected_gradients=tf.UnconnectedGradients.ZERO.",
            "用 watch_accessed_variables=False 创建梯度带，并在其中调用 "
            'tape.watch(b)；然后对 {"w": w, "b": b} 求梯度，并传入 '
            "unconnected_gradients=tf.UnconnectedGradients.ZERO。",
        ),
    ],
    solution=_loss_grads,
    seed=23,
)

EXERCISES = [CUBIC_SLOPES, EXP_SLOPES, LOSS_GRADS]
