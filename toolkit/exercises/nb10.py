"""Exercises of notebook 10 · Jacobians: forward and reverse mode (雅可比矩阵).

1. ``weighted_grad(x, w)``: ∇ₓ Σᵢ wᵢ fᵢ(x) = wᵀJ for f(x) = tanh(Ax) of
   section 1, from one backward pass.
2. ``curve_jacobian(p)``: the 50 × 2 Jacobian of yₖ = p₀ sin(p₁ tₖ) with
   respect to p, built with ``jacobian_forward``.
3. ``jvp_by_reverse(x, u)``: J u for f of section 1 from two nested reverse
   passes (the gradient of (vᵀJ)·u with respect to v).

The references are float64 closed forms (J = diag(1 − tanh²(Ax)) A); the
independent computations are central differences in float64. TensorFlow is
imported inside the functions only (a notebook has loaded it).
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
from toolkit.exercises.references import tensorflow as _tf

# Section 1's matrix: m = 3 outputs, n = 4 inputs (the notebook draws it so).
A = np.random.default_rng(0).normal(size=(3, 4))
X1 = np.array([0.5, -1.0, 2.0, 0.3])  # section 1's x
U3 = np.array([1.0, 0.0, -1.0, 2.0])  # section 3's u
T_K = np.linspace(0.0, 3.0, 50)  # exercise 2's sample points


def _f_np(x):
    return np.tanh(A @ x)


def _jacobian(x):
    """J of f(x) = tanh(Ax), by hand."""
    return (1 - np.tanh(A @ x) ** 2)[:, None] * A


def _jacobian_fd(fn, x0, h=1e-6):
    """d fn(x) / d x at x0 by central differences in float64."""
    x0 = np.asarray(x0, np.float64)
    out = np.zeros(np.shape(fn(x0)) + x0.shape)
    for j in range(x0.size):
        step = np.zeros_like(x0)
        step[j] = h
        out[:, j] = (fn(x0 + step) - fn(x0 - step)) / (2 * h)
    return out


# Where the notebook covers each mistake.
SECTION_1 = T(
    "section 1 · What tape.gradient computes for a vector target",
    "“1 · 对向量目标，tape.gradient 算的是什么”一节",
)
SECTION_OUTPUT_GRADIENTS = T(
    "“Pitfall: output_gradients has the shape of the target” in section 1",
    "第 1 节的“陷阱：output_gradients 的形状与目标相同”",
)
SECTION_3 = T(
    "section 3 · Forward mode: Jacobian–vector products",
    "“3 · 前向模式：雅可比-向量积”一节",
)
SECTION_COLUMNS = T(
    "“The whole Jacobian, column by column or row by row” in section 3",
    "第 3 节的“完整的雅可比矩阵：逐列或逐行”",
)


def _f(tf, x):
    return tf.tanh(tf.linalg.matvec(tf.constant(A), x))


def _inputs_and_weights(rng):
    return [
        (X1.copy(), np.array([1.0, -2.0, 0.5])),
        *[(rng.normal(size=4).round(3), rng.normal(size=3).round(3)) for _ in range(3)],
    ]


# ---- Exercise 1: weighted_grad(x, w) = wᵀJ, one backward pass ------------------


def _weighted_grad(kind="seeded"):
    tf = _tf()

    def weighted_grad(x, w):
        if kind != "numpy":
            x, w = tf.constant(x), tf.constant(w)
        with tf.GradientTape(persistent=kind == "rows") as tape:
            if kind != "unwatched":
                tape.watch(x)
            y = _f(tf, x)
            if kind == "mean":
                target = tf.reduce_mean(w * y)
            elif kind == "rows":
                rows = [y[i] for i in range(3)]
        if kind == "seeded" or kind == "unwatched":
            return tape.gradient(y, x, output_gradients=w)
        if kind == "unweighted":
            return tape.gradient(y, x)
        if kind == "rows":  # one backward pass per output
            return tf.add_n([w[i] * tape.gradient(rows[i], x) for i in range(3)])
        return tape.gradient(target, x)

    return weighted_grad


WEIGHTED_GRAD = Exercise(
    key="10.1",
    deliverable=Function(
        "weighted_grad",
        ("x", "w"),
        Array(shape=lambda args: args[0].shape, dtype="float64"),
    ),
    cases=_inputs_and_weights,
    reference=lambda x, w: w @ _jacobian(x),
    independent=lambda x, w: w @ _jacobian_fd(_f_np, x),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "weighted_grad checked at 4 points (section 1's x with w = (1, −2, 0.5) "
        "and 3 seeded random ones) against wᵀJ from the Jacobian by hand in "
        "float64, within {tolerance}, with one tape.gradient call each",
        "已在 4 个点（第 1 节的 x 与 w = (1, −2, 0.5)，以及 3 个固定种子的随机点）上将 "
        "weighted_grad 与由手算雅可比矩阵得到的 float64 结果 wᵀJ 对照验证，"
        "误差在 {tolerance} 以内，每次只调用一次 tape.gradient",
    ),
    mistakes=[
        Mistake(
            id="numpy",
            detect=d.raises(ValueError, "of type 'ndarray', not tf.Tensor"),
            name=T(
                "The tape was asked to watch a NumPy array.",
                "让梯度带监视的是 NumPy 数组。",
            ),
            advice=T(
                "The arguments are NumPy arrays; tape.watch takes tensors: "
                "convert first, x = tf.constant(x) (it stays float64).",
                "参数是 NumPy 数组，而 tape.watch 只接受张量：先转换，"
                "x = tf.constant(x)（仍然是 float64）。",
            ),
            section=SECTION_1,
            example=lambda: _weighted_grad("numpy"),
        ),
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "weighted_grad returns None: the tape did not watch x.",
                "weighted_grad 返回 None：梯度带没有监视 x。",
            ),
            advice=T(
                "x is a tf.constant: call tape.watch(x) inside the `with` block, "
                "before computing y = f(x).",
                "x 是 tf.constant：在 with 块之内、计算 y = f(x) 之前调用 tape.watch(x)。",
            ),
            section=SECTION_1,
            example=lambda: _weighted_grad("unwatched"),
        ),
        Mistake(
            id="unweighted",
            detect=d.computes(lambda x, w: np.ones(3) @ _jacobian(x)),
            name=T(
                "weighted_grad returns 1ᵀJ, the gradient of Σᵢ fᵢ: the weights "
                "are missing.",
                "weighted_grad 返回的是 1ᵀJ，即 Σᵢ fᵢ 的梯度：少了权重。",
            ),
            advice=T(
                "Without output_gradients the tape seeds every output with 1. "
                "Pass output_gradients=w, or differentiate tf.reduce_sum(w * y).",
                "不给 output_gradients 时，梯度带给每个输出的种子都是 1。"
                "请传入 output_gradients=w，或者对 tf.reduce_sum(w * y) 求导。",
            ),
            section=SECTION_1,
            example=lambda: _weighted_grad("unweighted"),
        ),
        Mistake(
            id="mean",
            detect=d.scaled(1 / 3),
            name=T(
                "weighted_grad is a third of wᵀJ: it differentiates the mean of "
                "w·y, not the sum.",
                "weighted_grad 是 wᵀJ 的三分之一：它对 w·y 的均值求导，而不是对和求导。",
            ),
            advice=T(
                "Σᵢ wᵢ fᵢ is tf.reduce_sum(w * y); tf.reduce_mean divides by the "
                "3 outputs.",
                "Σᵢ wᵢ fᵢ 是 tf.reduce_sum(w * y)；tf.reduce_mean 会除以 3 个输出。",
            ),
            section=None,
            example=lambda: _weighted_grad("mean"),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "weighted_grad never calls tape.gradient.",
                "weighted_grad 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get wᵀJ from one backward pass of the tape: "
                "tape.gradient with output_gradients=w. The Jacobian by hand is "
                "for checking it.",
                "这道练习要由梯度带的一次反向传播求出 wᵀJ：调用带 output_gradients=w 的 "
                "tape.gradient。手算的雅可比矩阵是用来验证的。",
            ),
            section=SECTION_1,
            example=lambda: lambda x, w: w @ _jacobian(x),
        ),
        Mistake(
            id="rows",
            detect=d.gradient_calls(more_than=1),
            name=T(
                "weighted_grad calls tape.gradient more than once: one backward "
                "pass per output.",
                "weighted_grad 调用了不止一次 tape.gradient：每个输出一次反向传播。",
            ),
            advice=T(
                "One backward pass gives the whole vector–Jacobian product: seed it "
                "with the weights, tape.gradient(y, x, output_gradients=w).",
                "一次反向传播就能得到整个向量-雅可比积：用权重作种子，"
                "tape.gradient(y, x, output_gradients=w)。",
            ),
            section=SECTION_1,
            example=lambda: _weighted_grad("rows"),
        ),
    ],
    hints=[
        T(
            "Section 1: tape.gradient(y, x) of a vector y is vᵀJ with v = ones; "
            "output_gradients chooses v.",
            "第 1 节：对向量 y，tape.gradient(y, x) 是 v = 1 时的 vᵀJ；"
            "output_gradients 决定 v。",
        ),
        T(
            "Watch x (a tf.constant is not watched by itself) and seed the "
            "backward pass with the weights, output_gradients=w; the gradient of "
            "tf.reduce_sum(w * y) is the same VJP.",
            "监视 x（梯度带不会自动监视 tf.constant），并用权重作反向传播的种子，"
            "output_gradients=w；tf.reduce_sum(w * y) 的梯度是同一个 VJP。",
        ),
    ],
    solution=_weighted_grad,
    seed=101,
)


# ---- Exercise 2: curve_jacobian(p), 50 × 2, forward mode --------------------------


def _curve_reference(p):
    p0, p1 = p
    return np.stack([np.sin(p1 * T_K), p0 * T_K * np.cos(p1 * T_K)], axis=1)


def _jacobian_forward(tf, fn, x):
    """The notebook's jacobian_forward: one JVP per input."""
    n = tf.size(x)
    columns = tf.TensorArray(x.dtype, size=n)
    for j in tf.range(n):
        u = tf.one_hot(j, n, dtype=x.dtype)
        with tf.autodiff.ForwardAccumulator(primals=x, tangents=u) as acc:
            y = fn(x)
        columns = columns.write(j, acc.jvp(y))
    return tf.transpose(columns.stack())


def _jacobian_reverse(tf, fn, x, m):
    """The notebook's jacobian_reverse: one VJP per output."""
    rows = tf.TensorArray(x.dtype, size=m)
    for i in tf.range(m):
        v = tf.one_hot(i, m, dtype=x.dtype)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        rows = rows.write(i, tape.gradient(y, x, output_gradients=v))
    return rows.stack()


def _curve_jacobian(t_dtype="float64", kind="forward"):
    tf = _tf()
    t_k = tf.linspace(tf.constant(0.0, getattr(tf, t_dtype)), 3.0, 50)

    def curve(p):
        return p[0] * tf.sin(p[1] * t_k)

    def curve_jacobian(p):
        if kind != "numpy":
            p = tf.constant(p)
        if kind == "reverse_m2":  # m taken for the number of inputs
            return _jacobian_reverse(tf, curve, p, 2)
        jacobian = _jacobian_forward(tf, curve, p)
        return tf.transpose(jacobian) if kind == "transposed" else jacobian

    return curve_jacobian


CURVE_JACOBIAN = Exercise(
    key="10.2",
    deliverable=Function(
        "curve_jacobian",
        ("p",),
        Array(shape=lambda args: (50, 2), dtype="float64"),
    ),
    cases=lambda rng: [
        (np.array([1.5, 2.0]),),
        *[(rng.uniform(-2.0, 2.0, 2).round(3),) for _ in range(2)],
    ],
    reference=_curve_reference,
    independent=lambda p: _jacobian_fd(lambda q: q[0] * np.sin(q[1] * T_K), p),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "curve_jacobian checked at 3 points (p = (1.5, 2) and 2 seeded random "
        "ones) against the closed form (sin(p₁tₖ), p₀tₖ cos(p₁tₖ)) in float64 at "
        "all 50 tₖ, within {tolerance}",
        "已在 3 个点（p = (1.5, 2) 以及 2 个固定种子的随机点）上，在全部 50 个 tₖ 处将 "
        "curve_jacobian 与 float64 闭式解 (sin(p₁tₖ), p₀tₖ cos(p₁tₖ)) 对照验证，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="numpy",
            detect=d.raises(AttributeError, "numpy.* has no attribute 'is_floating'"),
            name=T(
                "jacobian_forward was given p as a NumPy array.",
                "传给 jacobian_forward 的 p 是 NumPy 数组。",
            ),
            advice=T(
                "jacobian_forward and ForwardAccumulator take tensors: convert "
                "the argument first, p = tf.constant(p) (it stays float64).",
                "jacobian_forward 和 ForwardAccumulator 只接受张量：先转换参数，"
                "p = tf.constant(p)（仍然是 float64）。",
            ),
            section=SECTION_COLUMNS,
            example=lambda: _curve_jacobian(kind="numpy"),
        ),
        Mistake(
            id="transposed",
            detect=d.transposed(),
            name=T(
                "curve_jacobian returns the 2 × 50 transpose: a Jacobian has one "
                "row per output.",
                "curve_jacobian 返回的是 2 × 50 的转置：雅可比矩阵每个输出占一行。",
            ),
            advice=T(
                "J[k, j] = ∂yₖ/∂pⱼ: 50 rows (outputs), 2 columns (inputs). "
                "jacobian_forward already returns it that way; do not transpose it.",
                "J[k, j] = ∂yₖ/∂pⱼ：50 行（输出），2 列（输入）。"
                "jacobian_forward 返回的已经是这种排列，不要再转置。",
            ),
            section=SECTION_COLUMNS,
            example=lambda: _curve_jacobian(kind="transposed"),
        ),
        Mistake(
            id="reverse_m2",
            detect=d.raises(Exception, r"Incompatible shapes: \[2\] vs\. \[50\]"),
            name=T(
                "jacobian_reverse was given m = 2, the number of inputs: its seeds "
                "have 2 entries, y has 50.",
                "传给 jacobian_reverse 的 m = 2 是输入的个数：它的种子有 2 个分量，"
                "而 y 有 50 个。",
            ),
            advice=T(
                "m is the number of outputs, 50: reverse mode builds one row per "
                "output. With 2 inputs, jacobian_forward needs only 2 passes.",
                "m 是输出的个数，50：反向模式每个输出构造一行。"
                "输入只有 2 个，jacobian_forward 只需要 2 次传播。",
            ),
            section=SECTION_COLUMNS,
            example=lambda: _curve_jacobian(kind="reverse_m2"),
        ),
        Mistake(
            id="float32_t",
            detect=d.raises(Exception, "double tensor but is a float tensor"),
            name=T(
                "The sample points tₖ are float32 and p is float64: TensorFlow "
                "does not mix them.",
                "采样点 tₖ 是 float32，而 p 是 float64：TensorFlow 不会混用它们。",
            ),
            advice=T(
                "tf.linspace(0.0, 3.0, 50) is float32; start it from a float64 "
                "tensor, tf.linspace(tf.constant(0.0, tf.float64), 3.0, 50).",
                "tf.linspace(0.0, 3.0, 50) 是 float32；请从 float64 张量开始，"
                "tf.linspace(tf.constant(0.0, tf.float64), 3.0, 50)。",
            ),
            section=None,
            example=lambda: _curve_jacobian(t_dtype="float32"),
        ),
    ],
    hints=[
        T(
            "Count the passes first: forward mode makes one per input (n = 2), "
            "reverse mode one per output (m = 50). jacobian_forward(fn, x) takes "
            "the curve as a function of p.",
            "先数一数传播次数：前向模式每个输入一次（n = 2），反向模式每个输出一次"
            "（m = 50）。jacobian_forward(fn, x) 接受一个以 p 为自变量的曲线函数。",
        ),
        T(
            "The 50 tₖ must be float64 like p (tf.linspace of Python floats is "
            "float32). What jacobian_forward returns is already 50 × 2: one row "
            "per output.",
            "50 个 tₖ 必须与 p 一样是 float64（由 Python 浮点数生成的 tf.linspace 是 "
            "float32）。jacobian_forward 返回的已经是 50 × 2：每个输出一行。",
        ),
    ],
    solution=_curve_jacobian,
    seed=102,
)


# ---- Exercise 3: jvp_by_reverse(x, u) = J u from two reverse passes ---------------


def _jvp_by_reverse(kind="nested"):
    tf = _tf()

    def jvp_by_reverse(x, u):
        if kind != "numpy":
            x, u = tf.constant(x), tf.constant(u)
        if kind == "forward":  # one forward pass instead of two reverse ones
            with tf.autodiff.ForwardAccumulator(primals=x, tangents=u) as acc:
                y = _f(tf, x)
            return acc.jvp(y)
        v = tf.zeros(3, dtype=tf.float64)
        with tf.GradientTape() as outer:
            if kind != "unwatched":
                outer.watch(v)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = _f(tf, x)
            seed = u if kind == "u_as_seed" else v
            vjp = inner.gradient(y, x, output_gradients=seed)
            g_dot_u = tf.reduce_sum(vjp * u)
        return outer.gradient(g_dot_u, v)

    return jvp_by_reverse


def _directions(rng):
    return [
        (X1.copy(), U3.copy()),
        *[(rng.normal(size=4).round(3), rng.normal(size=4).round(3)) for _ in range(3)],
    ]


JVP_BY_REVERSE = Exercise(
    key="10.3",
    deliverable=Function(
        "jvp_by_reverse",
        ("x", "u"),
        Array(shape=lambda args: (3,), dtype="float64"),
    ),
    cases=_directions,
    reference=lambda x, u: _jacobian(x) @ u,
    independent=lambda x, u: (_f_np(x + 1e-6 * u) - _f_np(x - 1e-6 * u)) / 2e-6,
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "jvp_by_reverse checked at 4 points (section 1's x with section 3's u and "
        "3 seeded random ones) against J u from the Jacobian by hand in float64, "
        "within {tolerance}, with two tape.gradient calls each",
        "已在 4 个点（第 1 节的 x 与第 3 节的 u，以及 3 个固定种子的随机点）上将 "
        "jvp_by_reverse 与由手算雅可比矩阵得到的 float64 结果 J u 对照验证，"
        "误差在 {tolerance} 以内，每次调用两次 tape.gradient",
    ),
    mistakes=[
        Mistake(
            id="numpy",
            detect=d.raises(ValueError, "of type 'ndarray', not tf.Tensor"),
            name=T(
                "The tape was asked to watch a NumPy array.",
                "让梯度带监视的是 NumPy 数组。",
            ),
            advice=T(
                "The arguments are NumPy arrays; tape.watch takes tensors: "
                "convert first, x = tf.constant(x) (it stays float64).",
                "参数是 NumPy 数组，而 tape.watch 只接受张量：先转换，"
                "x = tf.constant(x)（仍然是 float64）。",
            ),
            section=SECTION_1,
            example=lambda: _jvp_by_reverse("numpy"),
        ),
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "jvp_by_reverse returns None: the outer tape recorded no path "
                "from v to (vᵀJ)·u.",
                "jvp_by_reverse 返回 None：外层梯度带没有记录从 v 到 (vᵀJ)·u 的路径。",
            ),
            advice=T(
                "v is a tf.constant: the outer tape must watch it (outer.watch(v)), "
                "and the inner tape.gradient call, with output_gradients=v, must "
                "run inside the outer `with` block so that the outer tape records it.",
                "v 是 tf.constant：外层梯度带必须监视它（outer.watch(v)），"
                "而且带 output_gradients=v 的内层 tape.gradient 调用必须在外层 with 块之内运行，"
                "外层梯度带才会记录它。",
            ),
            section=SECTION_1,
            example=lambda: _jvp_by_reverse("unwatched"),
        ),
        Mistake(
            id="u_as_seed",
            detect=d.raises(Exception, "same number of elements"),
            name=T(
                "u was passed as output_gradients: u has the shape of x (4), "
                "output_gradients that of y (3).",
                "把 u 当成了 output_gradients：u 的形状与 x 相同（4），"
                "而 output_gradients 的形状与 y 相同（3）。",
            ),
            advice=T(
                "The inner seed is the watched v, a vector in output space "
                "(3 entries, any value); u only enters the scalar "
                "tf.reduce_sum(vjp * u).",
                "内层的种子是被监视的 v，它是输出空间中的向量（3 个分量，取值任意）；"
                "u 只出现在标量 tf.reduce_sum(vjp * u) 里。",
            ),
            section=SECTION_OUTPUT_GRADIENTS,
            example=lambda: _jvp_by_reverse("u_as_seed"),
        ),
        Mistake(
            id="passes",
            detect=d.gradient_calls(fewer_than=2, more_than=2),
            name=T(
                "jvp_by_reverse does not make exactly two reverse passes (two "
                "tape.gradient calls).",
                "jvp_by_reverse 没有恰好做两次反向传播（两次 tape.gradient 调用）。",
            ),
            advice=T(
                "The exercise is to get J u from reverse mode alone: the inner tape "
                "gives vᵀJ, the outer one its gradient with respect to v. "
                "ForwardAccumulator and tape.jacobian are for checking it.",
                "这道练习要只用反向模式求出 J u：内层梯度带给出 vᵀJ，外层梯度带求它对 v 的梯度。"
                "ForwardAccumulator 和 tape.jacobian 是用来验证的。",
            ),
            section=SECTION_3,
            example=lambda: _jvp_by_reverse("forward"),
        ),
    ],
    hints=[
        T(
            "(vᵀJ)·u = Σᵢⱼ vᵢ Jᵢⱼ uⱼ is linear in v: its gradient with respect to "
            "v is J u, whatever v is. So v can be zeros, as long as a tape "
            "watches it.",
            "(vᵀJ)·u = Σᵢⱼ vᵢ Jᵢⱼ uⱼ 对 v 是线性的：它对 v 的梯度就是 J u，"
            "与 v 取什么值无关。所以 v 可以是全零，只要有梯度带监视它。",
        ),
        T(
            "Nest two tapes: the outer one watches v (3 entries, float64), the "
            "inner one x. The inner gradient, seeded with output_gradients=v, must "
            "be taken inside the outer block, so that the outer tape records it; "
            "then differentiate (vᵀJ)·u with respect to v.",
            "嵌套两个梯度带：外层监视 v（3 个分量，float64），内层监视 x。"
            "以 output_gradients=v 为种子的内层梯度必须在外层 with 块之内求出，"
            "外层梯度带才会记录它；然后求 (vᵀJ)·u 对 v 的梯度。",
        ),
    ],
    solution=_jvp_by_reverse,
    seed=103,
)

EXERCISES = [WEIGHTED_GRAD, CURVE_JACOBIAN, JVP_BY_REVERSE]
