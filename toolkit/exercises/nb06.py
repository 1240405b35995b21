"""Exercises of notebook 06 · Higher-order derivatives (高阶导数).

1. ``x3_derivatives(x)``: the first four derivatives of x³ at x from four
   nested tapes, as the dict {"d1", "d2", "d3", "d4"}, the fourth a zero
   tensor, not None.
2. ``quadratic_hessian(x)``: the Hessian of q(x) = ½ xᵀAx for the fixed
   non-symmetric A = [[1, 2], [0, 3]], from nested tapes and ``jacobian``.
3. ``hvp_rr(p, v)``: the Hessian-vector product H(p) v of section 4's f by
   reverse over reverse.

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
SECTION_1 = T("section 1 · A tape inside a tape", "“1 · 梯度带中的梯度带”一节")
SECTION_2 = T(
    "section 2 · Pitfall: the inner gradient computed outside the outer tape",
    "“2 · 陷阱：在外层梯度带之外计算内层梯度”一节",
)
SECTION_4 = T(
    "section 4 · The Hessian of a function of two variables",
    "“4 · 二元函数的海森矩阵”一节",
)
SECTION_5 = T(
    "section 5 · Hessian-vector products, forward over reverse",
    "“5 · 海森-向量积：前向套反向”一节",
)

TOLERANCE = Tolerance(rtol=1e-5, atol=1e-5)  # float32 arithmetic passes


# ---- Exercise 1: x3_derivatives(x), four nested tapes ---------------------------------


def _x3_answer(*, zero=True, outside=False, fixed_point=False):
    """A learner's x3_derivatives; ``outside``: the second derivative is
    computed after t3's block (with ``zero``, every gradient asks for zeros)."""
    tf = _tf()
    unconnected = tf.UnconnectedGradients.ZERO if zero else tf.UnconnectedGradients.NONE
    every = unconnected if outside else tf.UnconnectedGradients.NONE

    def x3_derivatives(x):
        x = tf.Variable(1.0 if fixed_point else x)
        with tf.GradientTape() as t4:
            with tf.GradientTape() as t3:
                with tf.GradientTape() as t2:
                    with tf.GradientTape() as t1:
                        y = x * x * x
                    d1 = t1.gradient(y, x)
                if not outside:
                    d2 = t2.gradient(d1, x)
            if outside:
                d2 = t2.gradient(d1, x)  # t3 has stopped recording
            d3 = t3.gradient(d2, x, unconnected_gradients=every)
        d4 = t4.gradient(d3, x, unconnected_gradients=unconnected)
        return {"d1": d1, "d2": d2, "d3": d3, "d4": d4}

    return x3_derivatives


def _cube(x):
    return x**3


X3_DERIVATIVES = Exercise(
    key="06.1",
    deliverable=Function("x3_derivatives", ("x",), Dict(keys=("d1", "d2", "d3", "d4"))),
    cases=lambda rng: [
        (1.0,),
        *[(float(v),) for v in rng.uniform(-2.0, 2.0, 3).round(2)],
    ],
    reference=lambda x: {"d1": 3 * x**2, "d2": 6 * x, "d3": 6.0, "d4": 0.0},
    independent=lambda x: {
        "d1": _central(_cube, x),
        "d2": (_cube(x + 1e-2) - 2 * _cube(x) + _cube(x - 1e-2)) / 1e-4,
        "d3": (
            _cube(x + 0.2) - 2 * _cube(x + 0.1) + 2 * _cube(x - 0.1) - _cube(x - 0.2)
        )
        / (2 * 0.1**3),
        "d4": (
            _cube(x + 0.2)
            - 4 * _cube(x + 0.1)
            + 6 * _cube(x)
            - 4 * _cube(x - 0.1)
            + _cube(x - 0.2)
        )
        / 0.1**4,
    },
    tolerance=TOLERANCE,
    verified=T(
        "x3_derivatives checked at 4 points (x = 1 and 3 seeded random ones) "
        "against the hand-derived 3x², 6x, 6 and 0 in float64, within {tolerance}",
        "已在 4 个点（x = 1 以及 3 个固定种子的随机点）上将 x3_derivatives 与手算的 "
        "float64 导数 3x²、6x、6 和 0 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="d4_none",
            detect=d.is_none("d4"),
            name=T(
                "d4 is None: the third derivative 6 is a constant, not connected to x.",
                "d4 是 None：三阶导数 6 是常数，与 x 之间没有连接。",
            ),
            advice=T(
                "That None means zero here: ask the fourth tape with "
                "unconnected_gradients=tf.UnconnectedGradients.ZERO.",
                "这里的 None 表示零：向第四个梯度带要梯度时传入 "
                "unconnected_gradients=tf.UnconnectedGradients.ZERO。",
            ),
            section=SECTION_2,
            example=lambda: _x3_answer(zero=False),
        ),
        Mistake(
            id="outside",
            detect=d.raises(TypeError, "received None"),
            name=T(
                "A tape was asked for the gradient of None: an inner gradient was "
                "computed after the next tape had stopped recording, so that tape "
                "returned None.",
                "有一个梯度带被要求对 None 求梯度：某个内层梯度是在外面一层梯度带"
                "停止记录之后才计算的，所以那个梯度带返回了 None。",
            ),
            advice=T(
                "Each tape.gradient call must run inside the `with` block of the "
                "next tape out: d1 = … inside t2's block, d2 = … inside t3's, "
                "d3 = … inside t4's, as in section 1.",
                "每次 tape.gradient 调用都要在外面一层梯度带的 with 块之内运行："
                "d1 = … 在 t2 的块内，d2 = … 在 t3 的块内，d3 = … 在 t4 的块内，"
                "就像第 1 节那样。",
            ),
            section=SECTION_2,
            example=lambda: _x3_answer(zero=False, outside=True),
        ),
        Mistake(
            id="outside_zero",
            detect=d.computes(
                lambda x: {"d1": 3 * x**2, "d2": 6 * x, "d3": 0.0, "d4": 0.0}
            ),
            name=T(
                "d3 is 0, not 6: the second derivative was computed after the "
                "third tape had stopped recording, and unconnected_gradients=ZERO "
                "turned the missing path into a zero.",
                "d3 是 0 而不是 6：二阶导数是在第三个梯度带停止记录之后才计算的，"
                "而 unconnected_gradients=ZERO 把缺失的路径变成了零。",
            ),
            advice=T(
                "Ask for zeros only where the answer really is zero (the fourth "
                "tape); compute each inner gradient inside the `with` block of the "
                "tape that differentiates it next.",
                "只在答案确实为零的地方（第四个梯度带）要求返回零；每个内层梯度都要在"
                "下一个对它求导的梯度带的 with 块之内计算。",
            ),
            section=SECTION_2,
            example=lambda: _x3_answer(outside=True),
        ),
        Mistake(
            id="fixed_point",
            detect=d.ignores_arguments(),
            name=T(
                "x3_derivatives returns the same numbers whatever x is: it "
                "differentiates at x = 1, not at its argument.",
                "无论 x 取什么值，x3_derivatives 都返回同样的结果：它在 x = 1 处求导，"
                "而不是在它的参数处。",
            ),
            advice=T(
                "Make the variable from the argument, tf.Variable(x), not from 1.0.",
                "用参数创建变量，tf.Variable(x)，而不是用 1.0。",
            ),
            section=None,
            example=lambda: _x3_answer(fixed_point=True),
        ),
    ],
    hints=[
        T(
            "Section 1 nests two tapes for the second derivative; each further "
            "derivative needs one more tape around the others.",
            "第 1 节嵌套两个梯度带求二阶导数；每多求一阶导数，就要在外面再套一个梯度带。",
        ),
        T(
            "Compute d1 inside t2's block, d2 inside t3's, d3 inside t4's; only "
            "d4 = t4.gradient(d3, x, …) comes after all the blocks.",
            "d1 在 t2 的块内计算，d2 在 t3 的块内，d3 在 t4 的块内；只有 "
            "d4 = t4.gradient(d3, x, …) 写在所有块之后。",
        ),
        T(
            "d3 = 6 does not depend on x, so the fourth tape finds no path: "
            "section 2 shows the argument that turns that None into a zero.",
            "d3 = 6 与 x 无关，所以第四个梯度带找不到路径：第 2 节介绍了把这个 None "
            "变成零的参数。",
        ),
    ],
    solution=lambda: _x3_answer(),
    seed=61,
)


# ---- Exercise 2: quadratic_hessian(x), ½ xᵀAx for a non-symmetric A ------------------------

A = np.array([[1.0, 2.0], [0.0, 3.0]])
HALF_SYM = 0.5 * (A + A.T)


def _quadratic(x):
    x = np.asarray(x, float)
    return 0.5 * x @ A @ x


def _hessian_central(f, x, h=1e-2):
    """H_ij from four evaluations of f (exact for a quadratic, up to rounding)."""
    x = np.asarray(x, float)
    n = x.size
    out = np.zeros((n, n))
    eye = np.eye(n) * h
    for i in range(n):
        for j in range(n):
            out[i, j] = (
                f(x + eye[i] + eye[j])
                - f(x + eye[i] - eye[j])
                - f(x - eye[i] + eye[j])
                + f(x - eye[i] - eye[j])
            ) / (4 * h * h)
    return out


def _quadratic_answer(
    *, gradient_by_hand=False, scale=0.5, summed=False, outside=False
):
    tf = _tf()
    A_t = tf.constant(A.tolist())

    def quadratic_hessian(x):
        x = tf.Variable(x)
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                q = scale * tf.tensordot(x, tf.linalg.matvec(A_t, x), axes=1)
            if not outside:
                g = inner.gradient(q, x)
            if gradient_by_hand:
                g = tf.linalg.matvec(A_t, x)  # ∇q taken to be A x
        if outside:
            g = inner.gradient(q, x)  # 'outer' has stopped recording
        if summed:
            return outer.gradient(g, x)
        return outer.jacobian(g, x)

    return quadratic_hessian


QUADRATIC_HESSIAN = Exercise(
    key="06.2",
    deliverable=Function("quadratic_hessian", ("x",), Array(shape=lambda args: (2, 2))),
    # Two points only: every eager tape.jacobian traces a tf.function, and
    # TensorFlow warns from the fifth trace of a session on.
    cases=lambda rng: [
        ([1.0, -1.0],),
        ([float(v) for v in rng.uniform(-3.0, 3.0, 2).round(2)],),
    ],
    reference=lambda x: HALF_SYM,
    independent=lambda x: _hessian_central(_quadratic, x),
    tolerance=TOLERANCE,
    verified=T(
        "quadratic_hessian checked at 2 points (x = (1, −1) and a seeded random "
        "one) against ½(A + Aᵀ) = [[1, 1], [1, 3]] in float64, "
        "within {tolerance}, with the tape used at every point",
        "已在 2 个点（x = (1, −1) 以及 1 个固定种子的随机点）上将 "
        "quadratic_hessian 与 float64 的 ½(A + Aᵀ) = [[1, 1], [1, 3]] 对照验证，"
        "误差在 {tolerance} 以内，且每个点都用到了梯度带",
    ),
    mistakes=[
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "quadratic_hessian returns None: the gradient g was computed after "
                "the outer tape had stopped recording.",
                "quadratic_hessian 返回 None：梯度 g 是在外层梯度带停止记录之后才"
                "计算的。",
            ),
            advice=T(
                "Compute g = inner.gradient(q, x) inside the outer tape's `with` "
                "block, then outer.jacobian(g, x) after it.",
                "在外层梯度带的 with 块之内计算 g = inner.gradient(q, x)，"
                "在块之后再调用 outer.jacobian(g, x)。",
            ),
            section=SECTION_2,
            example=lambda: _quadratic_answer(outside=True),
        ),
        Mistake(
            id="column_sums",
            detect=d.computes(lambda x: HALF_SYM.sum(axis=0)),
            name=T(
                "quadratic_hessian returns a vector, the column sums of the "
                "Hessian: outer.gradient differentiates the sum g₁ + g₂.",
                "quadratic_hessian 返回的是一个向量，即海森矩阵的各列之和："
                "outer.gradient 对 g₁ + g₂ 求导。",
            ),
            advice=T(
                "Ask the outer tape for the Jacobian of g, outer.jacobian(g, x): "
                "row i is the gradient of g_i.",
                "向外层梯度带要 g 的雅可比矩阵，outer.jacobian(g, x)：第 i 行是 "
                "g_i 的梯度。",
            ),
            section=SECTION_4,
            example=lambda: _quadratic_answer(summed=True),
        ),
        Mistake(
            id="A_itself",
            detect=d.computes(lambda x: A),
            name=T(
                "quadratic_hessian returns A itself: the gradient of ½ xᵀAx is "
                "not A x when A is not symmetric.",
                "quadratic_hessian 返回的是 A 本身：A 不对称时，½ xᵀAx 的梯度不是 A x。",
            ),
            advice=T(
                "Let the inner tape compute the gradient of q, g = "
                "inner.gradient(q, x), instead of writing it by hand: it is "
                "½(A + Aᵀ) x.",
                "让内层梯度带计算 q 的梯度，g = inner.gradient(q, x)，"
                "而不要手写：它是 ½(A + Aᵀ) x。",
            ),
            section=SECTION_4,
            example=lambda: _quadratic_answer(gradient_by_hand=True),
        ),
        Mistake(
            id="no_half",
            detect=d.scaled(2.0),
            name=T(
                "quadratic_hessian is A + Aᵀ, twice the expected Hessian: the ½ of "
                "q is missing.",
                "quadratic_hessian 是 A + Aᵀ，即应有海森矩阵的 2 倍：q 中的 ½ 丢了。",
            ),
            advice=T(
                "q(x) = ½ xᵀAx: keep the factor 0.5.",
                "q(x) = ½ xᵀAx：保留系数 0.5。",
            ),
            section=None,
            example=lambda: _quadratic_answer(scale=1.0),
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "quadratic_hessian never calls tape.gradient.",
                "quadratic_hessian 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get the Hessian from nested tapes, as in "
                "section 4; ½(A + Aᵀ) is what it should be checked against.",
                "这道练习要像第 4 节那样用嵌套的梯度带求海森矩阵；"
                "½(A + Aᵀ) 是用来验证它的。",
            ),
            section=SECTION_4,
            example=lambda: lambda x: HALF_SYM.copy(),
        ),
    ],
    hints=[
        T(
            "Section 4 builds a Hessian with two tapes: the inner one gives the "
            "gradient g, the outer one its Jacobian.",
            "第 4 节用两个梯度带构造海森矩阵：内层给出梯度 g，外层给出它的雅可比矩阵。",
        ),
        T(
            "q = 0.5 * tf.tensordot(x, tf.linalg.matvec(A, x), axes=1) with "
            "A = tf.constant([[1.0, 2.0], [0.0, 3.0]]) and x = tf.Variable(x); "
            "compute g inside the outer tape's block.",
            "q = 0.5 * tf.tensordot(x, tf.linalg.matvec(A, x), axes=1)，其中 "
            "A = tf.constant([[1.0, 2.0], [0.0, 3.0]])，x = tf.Variable(x)；"
            "g 要在外层梯度带的块内计算。",
        ),
        T(
            "After the block, outer.jacobian(g, x), not outer.gradient: a "
            "gradient would sum the rows away.",
            "离开块之后调用 outer.jacobian(g, x)，而不是 outer.gradient："
            "gradient 会把各行加在一起。",
        ),
    ],
    solution=lambda: _quadratic_answer(),
    seed=62,
)


# ---- Exercise 3: hvp_rr(p, v), reverse over reverse ------------------------------------------


def _f(p):
    x, y = p
    return x**2 * y + np.sin(x) * y**3


def _gradient_by_hand(p):
    x, y = np.asarray(p, float)
    return np.array([2 * x * y + y**3 * np.cos(x), x**2 + 3 * y**2 * np.sin(x)])


def _hessian_by_hand(p):
    x, y = np.asarray(p, float)
    return np.array(
        [
            [2 * y - y**3 * np.sin(x), 2 * x + 3 * y**2 * np.cos(x)],
            [2 * x + 3 * y**2 * np.cos(x), 6 * y * np.sin(x)],
        ]
    )


def _hvp_answer(*, use_v=True, outside=False, first_order=False, fixed_point=False):
    tf = _tf()

    def f(p):
        x, y = tf.unstack(p)
        return x**2 * y + tf.sin(x) * y**3

    def hvp_rr(p, v):
        if fixed_point:
            p, v = [1.0, 2.0], [0.5, -1.0]
        p = tf.Variable(p)
        v = tf.constant(v)
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                z = f(p)
            g = inner.gradient(z, p)
            if not outside:
                g_dot_v = tf.tensordot(g, v, axes=1)
        if first_order:
            return g
        if outside:
            g_dot_v = tf.tensordot(g, v, axes=1)  # 'outer' has stopped recording
        if not use_v:
            return outer.gradient(g, p)
        return outer.gradient(g_dot_v, p)

    return hvp_rr


HVP_RR = Exercise(
    key="06.3",
    deliverable=Function("hvp_rr", ("p", "v"), Array(shape=lambda args: (2,))),
    cases=lambda rng: [
        ([1.0, 2.0], [0.5, -1.0]),
        *[
            tuple([float(t) for t in rng.uniform(-2.0, 2.0, 2).round(2)] for _ in "pv")
            for _ in range(3)
        ],
    ],
    reference=lambda p, v: _hessian_by_hand(p) @ np.asarray(v, float),
    independent=lambda p, v: _central(
        lambda eps: _gradient_by_hand(np.asarray(p) + eps * np.asarray(v)), 0.0
    ),
    tolerance=TOLERANCE,
    verified=T(
        "hvp_rr checked at 4 points (p = (1, 2), v = (0.5, −1) and 3 seeded random "
        "pairs) against the hand-derived Hessian times v in float64, within "
        "{tolerance}",
        "已在 4 组点（p = (1, 2)、v = (0.5, −1) 以及 3 组固定种子的随机点）上将 "
        "hvp_rr 与手算的 float64 海森矩阵乘以 v 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "hvp_rr returns None: g · v was computed after the outer tape had "
                "stopped recording.",
                "hvp_rr 返回 None：g · v 是在外层梯度带停止记录之后才计算的。",
            ),
            advice=T(
                "Compute both g and the scalar g · v inside the outer tape's "
                "`with` block; only outer.gradient comes after it.",
                "g 和标量 g · v 都要在外层梯度带的 with 块之内计算；"
                "只有 outer.gradient 写在块之后。",
            ),
            section=SECTION_2,
            example=lambda: _hvp_answer(outside=True),
        ),
        Mistake(
            id="no_v",
            detect=d.computes(lambda p, v: _hessian_by_hand(p).sum(axis=0)),
            name=T(
                "hvp_rr returns the column sums of H, whatever v is: the outer tape "
                "differentiated g, not g · v.",
                "无论 v 是什么，hvp_rr 都返回 H 的各列之和：外层梯度带对 g 求导，"
                "而不是对 g · v。",
            ),
            advice=T(
                "Form the scalar g · v, tf.tensordot(g, v, axes=1), inside the "
                "outer tape and differentiate that.",
                "在外层梯度带之内构造标量 g · v，即 tf.tensordot(g, v, axes=1)，"
                "再对它求导。",
            ),
            section=SECTION_4,
            example=lambda: _hvp_answer(use_v=False),
        ),
        Mistake(
            id="gradient",
            detect=d.computes(lambda p, v: _gradient_by_hand(p)),
            name=T(
                "hvp_rr returns the gradient g = ∇f(p), a first derivative, not H v.",
                "hvp_rr 返回的是梯度 g = ∇f(p)，即一阶导数，而不是 H v。",
            ),
            advice=T(
                "g is only the inner tape's answer; the outer tape still has to "
                "differentiate g · v with respect to p.",
                "g 只是内层梯度带的结果；还要让外层梯度带求 g · v 对 p 的梯度。",
            ),
            section=SECTION_1,
            example=lambda: _hvp_answer(first_order=True),
        ),
        Mistake(
            id="fixed_point",
            detect=d.ignores_arguments(),
            name=T(
                "hvp_rr returns the same numbers whatever p and v are: it uses "
                "section 5's p and v, not its arguments.",
                "无论 p 和 v 是什么，hvp_rr 都返回同样的结果：它用的是第 5 节的 p 和 v，"
                "而不是它的参数。",
            ),
            advice=T(
                "Make the variable and the vector from the arguments, "
                "tf.Variable(p) and tf.constant(v).",
                "用参数创建变量和向量，tf.Variable(p) 和 tf.constant(v)。",
            ),
            section=None,
            example=lambda: _hvp_answer(fixed_point=True),
        ),
    ],
    hints=[
        T(
            "Start from section 4's nested tapes: the inner one gives g = ∇f(p) "
            "inside the outer one's block.",
            "从第 4 节的嵌套梯度带出发：内层在外层的块内给出 g = ∇f(p)。",
        ),
        T(
            "Still inside the outer block, form the scalar g · v with "
            "tf.tensordot(g, v, axes=1); its gradient with respect to p is "
            "Σᵢ vᵢ ∇gᵢ = Hᵀv = H v.",
            "仍在外层块内，用 tf.tensordot(g, v, axes=1) 构造标量 g · v；"
            "它对 p 的梯度是 Σᵢ vᵢ ∇gᵢ = Hᵀv = H v。",
        ),
    ],
    solution=lambda: _hvp_answer(),
    seed=63,
)

EXERCISES = [X3_DERIVATIVES, QUADRATIC_HESSIAN, HVP_RR]
