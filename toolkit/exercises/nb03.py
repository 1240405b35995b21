"""Exercises of notebook 03 · Gradients through Python control flow (Python 控制流).

1. ``power_slopes(x0, ns)``: the tape's derivatives of xⁿ, computed by a
   Python ``while`` loop, at x0 for every n in ns.
2. ``h_slopes(xs)``: the tape's derivatives of the piecewise h (x² for x < 1,
   else 2x − 1, a Python ``if``) at every x in xs.
3. ``graph_slopes(x0, ns)``: the same derivatives as 1, from a ``tf.function``
   called with x and n as tensors, traced once.

TensorFlow is imported inside the functions only (a notebook has loaded it).
"""

from __future__ import annotations

import numpy as np

from toolkit.exercises import detectors as d
from toolkit.exercises.core import (
    Array,
    Exercise,
    Function,
    Mistake,
    T,
    Tolerance,
)
from toolkit.exercises.references import central_difference as _central
from toolkit.exercises.references import tensorflow as _tf

# Where the notebook covers each mistake.
SECTION_2 = T("section 2 · Why 12, 12 and 4?", "“2 · 为什么是 12、12 和 4？”一节")
SECTION_3 = T(
    "section 3 · Branches: only the branch taken is recorded",
    "“3 · 分支：只有执行了的分支才会被记录”一节",
)
SECTION_4 = T(
    "section 4 · The same function under tf.function",
    "“4 · tf.function 下的同一个函数”一节",
)
NOTEBOOK_02_WATCH = T(
    "notebook 02, section 1 · Watching a constant",
    "笔记本 02 的“1 · 监视一个常量”一节",
)
NOTEBOOK_04_ONCE = T(
    "notebook 04, section 2 · Pitfall: a non-persistent tape answers once",
    "笔记本 04 的“2 · 陷阱：非持久化梯度带只回答一次”一节",
)


def _no_gradient():
    """A detector: some gradient is None (the function returned None, a list
    holding None, or raised converting a None to a tensor or a number)."""

    def detect(trial) -> bool:
        for case in trial.cases:
            if case.error is not None:
                if "NoneType" in str(case.error):
                    return True
                continue
            raw = case.raw
            if raw is None:
                return True
            if isinstance(raw, list | tuple) and any(item is None for item in raw):
                return True
        return False

    return detect


def _powers_cases(rng):
    """x = 1.5 with n = 1 … 4, then random x with two n ≤ 4 and two n ≥ 5 (new
    values of n for exercise 3)."""
    cases = [(1.5, [1, 2, 3, 4])]
    for _ in range(3):
        x0 = round(float(rng.uniform(-2.0, 2.0)), 2)
        ns = [
            *rng.choice(np.arange(1, 5), 2, replace=False),
            *rng.choice(np.arange(5, 9), 2, replace=False),
        ]
        cases.append((x0, sorted(int(n) for n in ns)))
    return cases


def _power_reference(x0, ns):
    return np.array([n * x0 ** (n - 1) for n in ns], dtype=float)


def _power_independent(x0, ns):
    return np.array([_central(lambda v, n=n: v**n, x0) for n in ns])


def _power(x, n, extra=0):
    out = 1.0
    n = n + extra
    while n > 0:
        out = out * x
        n -= 1
    return out


# ---- Exercise 1: power_slopes(x0, ns), through a while loop ---------------------------


def _power_slopes(watch=True, value=False, extra=0, fixed_x=None):
    tf = _tf()

    def power_grad(x, n):
        with tf.GradientTape() as tape:
            if watch:
                tape.watch(x)
            out = _power(x, n, extra)
        return out if value else tape.gradient(out, x)

    def power_slopes(x0, ns):
        x = tf.constant(x0 if fixed_x is None else fixed_x)
        slopes = [power_grad(x, n) for n in ns]
        return slopes if not watch else tf.stack(slopes)

    return power_slopes


def _power_slopes_one_tape():
    tf = _tf()

    def power_slopes(x0, ns):
        x = tf.constant(x0)
        with tf.GradientTape() as tape:  # one tape for every n: not persistent
            tape.watch(x)
            outs = [_power(x, n) for n in ns]
        return tf.stack([tape.gradient(out, x) for out in outs])

    return power_slopes


POWER_SLOPES = Exercise(
    key="03.1",
    deliverable=Function(
        "power_slopes", ("x0", "ns"), Array(shape=lambda args: (len(args[1]),))
    ),
    cases=_powers_cases,
    reference=_power_reference,
    independent=_power_independent,
    tolerance=Tolerance(rtol=1e-5, atol=1e-6),
    verified=T(
        "power_slopes checked at x = 1.5 for n = 1 … 4 and at 3 seeded random x "
        "for 4 values of n each (up to 8), against the hand-derived n·xⁿ⁻¹ in "
        "float64, within {tolerance}",
        "已在 x = 1.5、n = 1 … 4 处，以及 3 个固定种子的随机 x、各取 4 个 n（最大到 8）"
        "处，将 power_slopes 与手算的 float64 导数 n·xⁿ⁻¹ 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="one_tape",
            detect=d.raises(RuntimeError, "non-persistent"),
            name=T(
                "power_slopes asks one tape for several gradients.",
                "power_slopes 向同一个梯度带要了多个梯度。",
            ),
            advice=T(
                "A tape answers one tape.gradient call: record a new tape for "
                "every n (a small function power_grad(x, n) that holds the "
                "`with` block does it).",
                "一个梯度带只回答一次 tape.gradient 调用：为每个 n 重新记录一个梯度带"
                "（写一个包含 with 块的小函数 power_grad(x, n) 就可以）。",
            ),
            section=NOTEBOOK_04_ONCE,
            example=_power_slopes_one_tape,
        ),
        Mistake(
            id="none",
            detect=_no_gradient(),
            name=T(
                "A gradient is None: the tape did not watch the constant x.",
                "有梯度是 None：梯度带没有监视常量 x。",
            ),
            advice=T(
                "tf.constant(x0) is not watched on its own: call tape.watch(x) "
                "inside the `with` block, before the loop.",
                "梯度带不会自动监视 tf.constant(x0)：在 with 块之内、循环之前"
                "调用 tape.watch(x)。",
            ),
            section=NOTEBOOK_02_WATCH,
            example=lambda: _power_slopes(watch=False),
        ),
        Mistake(
            id="value",
            detect=d.computes(lambda x0, ns: np.array([x0**n for n in ns], float)),
            name=T(
                "power_slopes returns xⁿ, not its derivative.",
                "power_slopes 返回的是 xⁿ，而不是它的导数。",
            ),
            advice=T(
                "The loop computes the value; return the tape's gradient of that "
                "value with respect to x, one per n.",
                "循环算出的是函数值；请返回梯度带求出的该值对 x 的梯度，每个 n 一个。",
            ),
            section=SECTION_2,
            example=lambda: _power_slopes(value=True),
        ),
        Mistake(
            id="extra_iteration",
            detect=d.computes(
                lambda x0, ns: np.array([(n + 1) * x0**n for n in ns], float)
            ),
            name=T(
                "The loop multiplies by x once too often: it computes xⁿ⁺¹.",
                "循环多乘了一次 x：它算的是 xⁿ⁺¹。",
            ),
            advice=T(
                "Start from out = 1.0 and loop while n > 0 (not n >= 0, and not "
                "from out = x): n multiplications give xⁿ.",
                "从 out = 1.0 开始，在 n > 0 时循环（不是 n >= 0，也不是从 "
                "out = x 开始）：乘 n 次才得到 xⁿ。",
            ),
            section=SECTION_2,
            example=lambda: _power_slopes(extra=1),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "power_slopes never calls tape.gradient.",
                "power_slopes 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get the derivatives from the tape through the while loop; the hand-derived n·xⁿ⁻¹ is for checking it.",
                "这道练习要由梯度带经过 while 循环求出导数；手算的 n·xⁿ⁻¹ 是用来验证的。",
            ),
            section=SECTION_2,
            example=lambda: lambda x0, ns: np.array([n * x0 ** (n - 1) for n in ns]),
        ),
        Mistake(
            id="fixed_x",
            detect=d.computes(
                lambda x0, ns: np.array([n * 1.5 ** (n - 1) for n in ns], float)
            ),
            name=T(
                "power_slopes differentiates at x = 1.5 whatever x0 is.",
                "无论 x0 是什么，power_slopes 都在 x = 1.5 处求导。",
            ),
            advice=T(
                "Make the constant from the argument, tf.constant(x0), not from "
                "the number 1.5.",
                "用参数创建常量，tf.constant(x0)，而不是用数字 1.5。",
            ),
            section=None,
            example=lambda: _power_slopes(fixed_x=1.5),
        ),
    ],
    hints=[
        T(
            "Write power(x, n) first and check power(1.5, 3) = 3.375; then one "
            "small function that records power(x, n) on a tape and returns the "
            "derivative, as the chapter's grad does in section 1.",
            "先写 power(x, n)，验证 power(1.5, 3) = 3.375；再写一个小函数，"
            "在梯度带上记录 power(x, n) 并返回导数，就像第 1 节原章节的 grad 那样。",
        ),
        T(
            "x = tf.constant(x0) must be watched (tape.watch(x)) before the loop "
            "runs; a tape answers once, so record a new one for every n, then "
            "tf.stack the derivatives.",
            "x = tf.constant(x0) 必须在循环运行之前被监视（tape.watch(x)）；"
            "一个梯度带只回答一次，所以要为每个 n 重新记录一个，"
            "最后用 tf.stack 把导数拼起来。",
        ),
    ],
    solution=_power_slopes,
    seed=31,
)


# ---- Exercise 2: h_slopes(xs), a Python if ---------------------------------------------


def _h_piece(x):
    """The branch Python runs at x (the function the tape differentiates)."""
    return (lambda v: v**2) if x < 1 else (lambda v: 2 * v - 1)


def _h_slopes(watch=True, value=False, reversed_if=False):
    tf = _tf()

    def h(x):
        if (x > 1) if reversed_if else (x < 1):
            return x**2
        return 2 * x - 1

    def h_slopes(xs):
        slopes = []
        for x0 in xs:
            x = tf.constant(x0)
            with tf.GradientTape() as tape:
                if watch:
                    tape.watch(x)
                y = h(x)
            slopes.append(y if value else tape.gradient(y, x))
        return slopes if not watch else tf.stack(slopes)

    return h_slopes


def _h_slopes_vector_if():
    tf = _tf()

    def h_slopes(xs):
        x = tf.constant(xs)  # all points in one tensor: `if x < 1` is ambiguous
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x**2 if x < 1 else 2 * x - 1
        return tape.gradient(y, x)

    return h_slopes


H_SLOPES = Exercise(
    key="03.2",
    deliverable=Function(
        "h_slopes", ("xs",), Array(shape=lambda args: (len(args[0]),))
    ),
    cases=lambda rng: [
        ([0.5, 1.0, 3.0],),
        ([float(v) for v in np.sort(rng.uniform(-2.0, 4.0, 5)).round(2)],),
    ],
    reference=lambda xs: np.array([2 * x if x < 1 else 2.0 for x in xs]),
    # the branch Python runs, differentiated numerically (a difference straddling
    # the kink at x = 1 would be O(h) off)
    independent=lambda xs: np.array([_central(_h_piece(x), x) for x in xs]),
    tolerance=Tolerance(rtol=1e-5, atol=1e-6),
    verified=T(
        "h_slopes checked at 8 points (x = 0.5, 1, 3 and 5 seeded random ones) "
        "against the hand-derived slope of the branch that runs (2x for x < 1, "
        "else 2) in float64, within {tolerance}",
        "已在 8 个点（x = 0.5、1、3 以及 5 个固定种子的随机点）上将 h_slopes 与手算的 "
        "float64 导数（执行的那个分支的斜率：x < 1 时为 2x，否则为 2）对照验证，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="vector_if",
            detect=d.raises(ValueError, "truth value"),
            name=T(
                "h_slopes puts all the points in one tensor: Python's `if x < 1` "
                "cannot decide for several values at once.",
                "h_slopes 把所有的点放进了同一个张量：Python 的 `if x < 1` "
                "无法同时对多个值做判断。",
            ),
            advice=T(
                "A Python `if` takes one branch, so h takes one number at a time: "
                "loop over xs and record a tape for each x.",
                "Python 的 `if` 只走一个分支，所以 h 一次只能处理一个数：对 xs "
                "逐个循环，为每个 x 记录一个梯度带。",
            ),
            section=SECTION_3,
            example=_h_slopes_vector_if,
        ),
        Mistake(
            id="none",
            detect=_no_gradient(),
            name=T(
                "A gradient is None: the tape did not watch the constant x.",
                "有梯度是 None：梯度带没有监视常量 x。",
            ),
            advice=T(
                "Call tape.watch(x) inside the `with` block before h(x) runs.",
                "在 with 块之内、h(x) 运行之前调用 tape.watch(x)。",
            ),
            section=NOTEBOOK_02_WATCH,
            example=lambda: _h_slopes(watch=False),
        ),
        Mistake(
            id="value",
            detect=d.computes(
                lambda xs: np.array([x**2 if x < 1 else 2 * x - 1 for x in xs])
            ),
            name=T(
                "h_slopes returns h(x), not its derivative.",
                "h_slopes 返回的是 h(x)，而不是它的导数。",
            ),
            advice=T(
                "Return the tape's gradient of y = h(x) with respect to x.",
                "请返回梯度带求出的 y = h(x) 对 x 的梯度。",
            ),
            section=None,
            example=lambda: _h_slopes(value=True),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "h_slopes never calls tape.gradient.",
                "h_slopes 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to see what the tape returns for the branch that runs; the hand-derived slopes are for checking it.",
                "这道练习要看梯度带对执行了的分支返回什么；手算的斜率是用来验证的。",
            ),
            section=SECTION_3,
            example=lambda: lambda xs: np.array([2 * x if x < 1 else 2.0 for x in xs]),
        ),
        Mistake(
            id="reversed_if",
            detect=d.computes(
                lambda xs: np.array([2 * x if x > 1 else 2.0 for x in xs])
            ),
            name=T(
                "h uses the pieces on the wrong sides: x² where x > 1.",
                "h 的两段用反了：在 x > 1 处用了 x²。",
            ),
            advice=T(
                "h(x) = x² for x < 1 and 2x − 1 otherwise: check the comparison in "
                "the `if`.",
                "h(x) 在 x < 1 时为 x²，否则为 2x − 1：检查 `if` 中的比较。",
            ),
            section=None,
            example=lambda: _h_slopes(reversed_if=True),
        ),
    ],
    hints=[
        T(
            "Section 3: the tape records only the branch that runs, so the "
            "derivative at x is the slope of that branch.",
            "第 3 节：梯度带只记录执行了的分支，所以 x 处的导数就是那个分支的斜率。",
        ),
        T(
            "Python's `if` needs one number: loop over xs, and for each value make "
            "x = tf.constant(x0), watch it, compute h(x) on a new tape and keep its "
            "gradient; tf.stack them at the end.",
            "Python 的 `if` 需要单个数：对 xs 循环，每个值都创建 x = tf.constant(x0)，"
            "监视它，在新的梯度带上计算 h(x) 并保留梯度；最后用 tf.stack 拼起来。",
        ),
    ],
    solution=_h_slopes,
    seed=32,
)


# ---- Exercise 3: graph_slopes(x0, ns), one tf.function trace ---------------------------


def _graph_slopes(n_as_tensor=True, x_as_tensor=True):
    tf = _tf()

    @tf.function
    def power_grad_graph(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = _power(x, n)
        return tape.gradient(out, x)

    def graph_slopes(x0, ns):
        x = tf.constant(x0) if x_as_tensor else x0
        return tf.stack(
            [power_grad_graph(x, tf.constant(n) if n_as_tensor else n) for n in ns]
        )

    return graph_slopes


def _graph_slopes_in_graph(how):
    """n turned into a Python number inside the tf.function."""
    tf = _tf()

    @tf.function
    def power_grad_graph(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            if how == "numpy":
                out = _power(x, n.numpy())
            else:
                out = x ** int(n)
        return tape.gradient(out, x)

    return lambda x0, ns: tf.stack(
        [power_grad_graph(tf.constant(x0), tf.constant(n)) for n in ns]
    )


def _retraced():
    """A detector: tape.gradient ran as Python more than once in the whole
    check. Inside a tf.function that happens only while it traces, so a
    function traced once (or before the check) runs it at most once."""

    def detect(trial) -> bool:
        if any(c.error is not None for c in trial.cases):
            return False
        return sum(c.gradient_calls for c in trial.cases) > 1

    return detect


GRAPH_SLOPES = Exercise(
    key="03.3",
    deliverable=Function(
        "graph_slopes", ("x0", "ns"), Array(shape=lambda args: (len(args[1]),))
    ),
    cases=_powers_cases,
    reference=_power_reference,
    independent=_power_independent,
    tolerance=Tolerance(rtol=1e-5, atol=1e-6),
    verified=T(
        "graph_slopes checked at x = 1.5 for n = 1 … 4 and at 3 seeded random x "
        "for 4 values of n each (up to 8), against the hand-derived n·xⁿ⁻¹ in "
        "float64, within {tolerance}, with at most one trace during the check",
        "已在 x = 1.5、n = 1 … 4 处，以及 3 个固定种子的随机 x、各取 4 个 n（最大到 8）"
        "处，将 graph_slopes 与手算的 float64 导数 n·xⁿ⁻¹ 对照验证，误差在 {tolerance} "
        "以内，检查期间最多追踪一次",
    ),
    mistakes=[
        Mistake(
            id="python_x",
            detect=d.raises(ValueError, "not tf.Tensor or tf.Variable"),
            name=T(
                "power_grad_graph receives x as a Python float: tape.watch "
                "cannot follow it.",
                "power_grad_graph 收到的 x 是 Python 浮点数：tape.watch 无法监视它。",
            ),
            advice=T(
                "Pass x as a tensor too, tf.constant(x0): a tf.function keeps a "
                "Python number as a constant of the graph (and retraces for every "
                "new value).",
                "x 也要以张量传入，tf.constant(x0)：tf.function 会把 Python 数字当作"
                "计算图里的常量（并且每遇到一个新值就重新追踪）。",
            ),
            section=SECTION_4,
            example=lambda: _graph_slopes(x_as_tensor=False),
        ),
        Mistake(
            id="retraced",
            detect=_retraced(),
            name=T(
                "tape.gradient ran as Python code more than once: the function "
                "was traced again (or runs eagerly).",
                "tape.gradient 作为 Python 代码运行了不止一次：函数被重新追踪了"
                "（或者是即时执行的）。",
            ),
            advice=T(
                "Decorate power_grad_graph with @tf.function, define it once "
                "outside graph_slopes, and call it with n as a tensor, "
                "tf.constant(n): a Python int n is unrolled, one trace per new "
                "value.",
                "用 @tf.function 装饰 power_grad_graph，在 graph_slopes 之外只定义一次，"
                "并以张量 tf.constant(n) 传入 n：Python 整数 n 会被展开，"
                "每个新值追踪一次。",
            ),
            section=SECTION_4,
            example=lambda: _graph_slopes(n_as_tensor=False),
        ),
        Mistake(
            id="numpy_in_graph",
            detect=d.raises(AttributeError, "SymbolicTensor"),
            name=T(
                "power_grad_graph calls .numpy() on a tensor while it is traced.",
                "power_grad_graph 在追踪时对张量调用了 .numpy()。",
            ),
            advice=T(
                "While tf.function traces, n is a symbolic tensor with no value "
                "yet. Keep the loop on the tensor, `while n > 0`, and AutoGraph "
                "turns it into a graph loop.",
                "tf.function 追踪时，n 是还没有值的符号张量。让循环直接作用在张量上，"
                "`while n > 0`，AutoGraph 会把它变成计算图中的循环。",
            ),
            section=SECTION_4,
            example=lambda: _graph_slopes_in_graph("numpy"),
        ),
        Mistake(
            id="int_power",
            detect=d.raises(TypeError, "has type int32"),
            name=T(
                "power_grad_graph raises x to an int32 tensor: x ** n mixes "
                "float32 and int32.",
                "power_grad_graph 用 int32 张量作指数：x ** n 混用了 float32 和 int32。",
            ),
            advice=T(
                "Inside the graph, int(n) stays an int32 tensor. Use the while "
                "loop of exercise 1 (the exercise is about the loop), or "
                "tf.cast(n, x.dtype).",
                "在计算图中，int(n) 仍是 int32 张量。请用练习 1 的 while 循环"
                "（这道练习讲的就是循环），或者 tf.cast(n, x.dtype)。",
            ),
            section=SECTION_4,
            example=lambda: _graph_slopes_in_graph("int"),
        ),
    ],
    hints=[
        T(
            "Section 4: with range(y) over a tensor y, one trace served every y; a "
            "`while n > 0` over a tensor n becomes a graph loop in the same way.",
            "第 4 节：当 y 是张量时，range(y) 的循环只追踪一次就能用于所有 y；"
            "对张量 n 的 `while n > 0` 同样会变成计算图中的循环。",
        ),
        T(
            "Define power_grad_graph once, decorated with @tf.function (its body can "
            "be the tape of exercise 1), then in graph_slopes call it with "
            "tf.constant(x0) and tf.constant(n) for every n.",
            "只定义一次用 @tf.function 装饰的 power_grad_graph（函数体可以沿用练习 1 "
            "的梯度带），然后在 graph_slopes 中对每个 n 用 tf.constant(x0) 和 "
            "tf.constant(n) 调用它。",
        ),
        T(
            "The check counts traces with tape.gradient: its Python code runs only "
            "while tf.function traces. power_grad_graph.experimental_get_tracing_count() "
            "shows the count too.",
            "检查用 tape.gradient 来数追踪次数：它的 Python 代码只在 tf.function "
            "追踪时运行。power_grad_graph.experimental_get_tracing_count() "
            "也能显示追踪次数。",
        ),
    ],
    solution=_graph_slopes,
    seed=33,
)

EXERCISES = [POWER_SLOPES, H_SLOPES, GRAPH_SLOPES]
