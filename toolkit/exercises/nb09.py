"""Exercises of notebook 09 · Controlling gradients (控制梯度).

1. ``safe_norm_grad(v)``: the gradient of a ``safe_norm`` written with the
   double-``where`` trick: v/‖v‖, and 0 (not NaN) at the zero vector.
2. ``reversal_grad(w, lam)``: the gradient of L = Σ reverse(w)ᵢ², where
   ``reverse`` is a gradient reversal layer written with
   ``tf.custom_gradient``: −λ·2w.
3. ``binarize_with_grad(x)``: ``tf.stack([y, dy/dx])`` for the binarising
   straight-through estimator built with ``tf.stop_gradient``: values
   sign(x), gradients 1 for |x| < 1 and 0 outside.

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
    close,
    dtypes_in,
)
from toolkit.exercises.references import tensorflow as _tf


def _central(f, x, h=1e-6):
    """Central differences of a scalar f at every component of x (float64)."""
    x = np.asarray(x, np.float64)
    out = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        out[i] = (f(x + step) - f(x - step)) / (2 * h)
    return out


# Where the notebook covers each mistake.
SECTION_1 = T(
    "section 1 · tf.stop_gradient: a constant inside the computation",
    "“1 · tf.stop_gradient：计算中的常量”一节",
)
SECTION_WHERE = T(
    "“The tf.where trap” in section 4",
    "第 4 节的“tf.where 陷阱”",
)
SECTION_5 = T(
    "section 5 · Writing the gradient yourself: tf.custom_gradient",
    "“5 · 自己编写梯度：tf.custom_gradient”一节",
)


def _not_finite(trial):
    """Some value is NaN or inf where the reference is finite."""
    return any(
        case.error is None
        and case.values is not None
        and not np.all(np.isfinite(case.values))
        for case in trial.cases
    )


# ---- Exercise 1: safe_norm_grad(v), no NaN at the zero vector ---------------------


def _norm_gradient(v):
    v = np.asarray(v, np.float64)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else np.zeros_like(v)


def _safe_norm_grad(kind="double_where", make=None):
    tf = _tf()

    def safe_norm(v):
        squares = tf.reduce_sum(v**2)
        if kind == "epsilon":
            return tf.sqrt(squares + 1e-8)
        nonzero = squares > 0
        if kind == "single_where":  # the power still sees 0: its gradient is inf
            return tf.where(nonzero, squares**0.5, 0.0)
        safe_squares = tf.where(nonzero, squares, 1.0)
        return tf.where(nonzero, tf.sqrt(safe_squares), 0.0)

    def safe_norm_grad(v):
        v = tf.Variable(v) if make is None else make(tf, v)
        with tf.GradientTape() as tape:
            n = safe_norm(v)
        return tape.gradient(n, v)

    return safe_norm_grad


def _epsilon(trial):
    """float64, 0 at the zero vector, close to v/‖v‖ but not within the
    exercise's tolerance: a small constant added under the square root."""
    loose = Tolerance(rtol=1e-2, atol=1e-6)
    if any(c.error is not None or c.values is None for c in trial.cases):
        return False
    if "float32" in {t for c in trial.cases for t in dtypes_in(c.raw)}:
        return False
    return all(close(c.values, c.expected, loose) for c in trial.cases) and not all(
        close(c.values, c.expected, trial.exercise.tolerance) for c in trial.cases
    )


def _vectors(rng):
    return [
        (np.zeros(2),),
        (np.array([3.0, -4.0]),),
        (rng.normal(size=3).round(3),),
        (np.zeros(3),),
        (rng.normal(scale=0.1, size=4).round(4),),
    ]


SAFE_NORM_GRAD = Exercise(
    key="09.1",
    deliverable=Function(
        "safe_norm_grad",
        ("v",),
        Array(shape=lambda args: args[0].shape, dtype="float64"),
    ),
    cases=_vectors,
    reference=_norm_gradient,
    independent=lambda v: _central(np.linalg.norm, v),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "safe_norm_grad checked at 5 vectors (0 and (3, −4), a zero vector of "
        "length 3 and 2 seeded random ones) against the hand-derived v/‖v‖ (0 at "
        "the zero vector) in float64, within {tolerance}",
        "已在 5 个向量（0 和 (3, −4)、长度为 3 的零向量以及 2 个固定种子的随机向量）上"
        "将 safe_norm_grad 与手算的 float64 梯度 v/‖v‖（零向量处为 0）对照验证，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="nan",
            detect=_not_finite,
            name=T(
                "The gradient at the zero vector is NaN: the norm or the square "
                "root still sees 0 on the tape.",
                "零向量处的梯度是 NaN：梯度带上的范数或平方根仍然会遇到 0。",
            ),
            advice=T(
                "tf.norm(v) has the gradient v/‖v‖ = 0/0 at 0, and a tf.where around "
                "s ** 0.5 only selects the value: the backward pass still goes "
                "through the branch not taken, whose local derivative at 0 is "
                "infinite, and 0 · ∞ = NaN. Guard the "
                "input of the square root as well: tf.where(nonzero, s, 1.0) inside, "
                "tf.where(nonzero, …, 0.0) outside.",
                "tf.norm(v) 在 0 处的梯度是 v/‖v‖ = 0/0；在 s ** 0.5 外面套一个 "
                "tf.where，只能挑选值：反向传播仍然会经过没被选中的分支，"
                "而它在 0 处的局部导数是无穷大，0 · ∞ = NaN。平方根的输入也要保护：里面用 tf.where(nonzero, s, 1.0)，"
                "外面用 tf.where(nonzero, …, 0.0)。",
            ),
            section=SECTION_WHERE,
            example=lambda: _safe_norm_grad("single_where"),
        ),
        Mistake(
            id="epsilon",
            detect=_epsilon,
            name=T(
                "The gradient is slightly off everywhere: a small constant is "
                "added under the square root.",
                "梯度处处都略有偏差：平方根下面加了一个小常数。",
            ),
            advice=T(
                "√(‖v‖² + ε) avoids the NaN but changes the norm and its gradient "
                "at every v. The double where changes nothing away from 0: select "
                "a harmless 1 for the square root only where ‖v‖² = 0.",
                "√(‖v‖² + ε) 虽然避免了 NaN，却在每个 v 处都改变了范数及其梯度。"
                "双重 where 在 0 以外什么都不改变：只在 ‖v‖² = 0 处给平方根换上无害的 1。",
            ),
            section=SECTION_WHERE,
            example=lambda: _safe_norm_grad("epsilon"),
        ),
        Mistake(
            id="float32",
            detect=d.all_of(d.has_dtype("float32"), d.near_reference()),
            name=T(
                "safe_norm_grad computes in float32, not in float64.",
                "safe_norm_grad 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "Make the variable from v itself, tf.Variable(v), which keeps its "
                "float64 (a tf.Variable made from Python floats is float32).",
                "直接用 v 创建变量，tf.Variable(v)，这样它保持 float64"
                "（由 Python 浮点数创建的 tf.Variable 是 float32）。",
            ),
            section=None,
            example=lambda: _safe_norm_grad(make=lambda tf, v: tf.Variable(v.tolist())),
        ),
    ],
    hints=[
        T(
            "Section 4's tf.where pitfall: the branch that is not selected still "
            "takes part in the backward pass, so it must have a finite gradient.",
            "第 4 节的 tf.where 陷阱：没被选中的分支仍然参与反向传播，"
            "所以它的梯度必须是有限的。",
        ),
        T(
            "Write ‖v‖ = √s with s = Σ vᵢ² and guard twice: the square root gets "
            "tf.where(s > 0, s, 1.0), so it never sees 0, and a second tf.where "
            "picks 0 where s = 0. Keep v float64, as the argument is.",
            "把 ‖v‖ 写成 √s，其中 s = Σ vᵢ²，然后保护两次：平方根的输入用 "
            "tf.where(s > 0, s, 1.0)，让它永远遇不到 0；第二个 tf.where 在 s = 0 处选 0。"
            "v 要保持 float64，与参数一样。",
        ),
    ],
    solution=_safe_norm_grad,
    seed=91,
)


# ---- Exercise 2: reversal_grad(w, lam), a gradient reversal layer -----------------


def _reversal_grad(backward=lambda upstream, lam: -lam * upstream):
    tf = _tf()

    def reverse_gradient(x, lam):
        @tf.custom_gradient
        def identity(x):
            def grad(upstream):
                return backward(upstream, lam)

            return tf.identity(x), grad

        return identity(x)

    def reversal_grad(w, lam):
        w = tf.Variable(w)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(reverse_gradient(w, lam) ** 2)
        return tape.gradient(loss, w)

    return reversal_grad


def _weights(rng):
    return [
        (np.array([1.0, -2.0, 3.0]), 0.5),
        *[
            (rng.normal(size=4).round(3), round(float(rng.uniform(0.1, 2.0)), 2))
            for _ in range(2)
        ],
    ]


REVERSAL_GRAD = Exercise(
    key="09.2",
    deliverable=Function(
        "reversal_grad",
        ("w", "lam"),
        Array(shape=lambda args: args[0].shape, dtype="float64"),
    ),
    cases=_weights,
    reference=lambda w, lam: -lam * 2 * w,
    independent=lambda w, lam: -lam * _central(lambda v: np.sum(v**2), w),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "reversal_grad checked at 3 points (w = (1, −2, 3) with λ = 0.5 and 2 "
        "seeded random ones) against the hand-derived −λ·2w in float64, within "
        "{tolerance}",
        "已在 3 个点（w = (1, −2, 3)、λ = 0.5 以及 2 个固定种子的随机点）上将 "
        "reversal_grad 与手算的 float64 梯度 −λ·2w 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="not_reversed",
            detect=d.computes(lambda w, lam: 2 * w),
            name=T(
                "The gradient is 2w, that of L without the layer: the backward "
                "pass does not reverse it.",
                "梯度是 2w，即没有这一层时 L 的梯度：反向传播没有把它反转。",
            ),
            advice=T(
                "The function returned by tf.custom_gradient must give its own "
                "backward rule: grad(upstream) returns -lam * upstream.",
                "由 tf.custom_gradient 装饰的函数必须给出自己的反向规则："
                "grad(upstream) 返回 -lam * upstream。",
            ),
            section=SECTION_5,
            example=lambda: _reversal_grad(lambda upstream, lam: upstream),
        ),
        Mistake(
            id="sign",
            detect=d.computes(lambda w, lam: lam * 2 * w),
            name=T(
                "The gradient is λ·2w: scaled, but not reversed.",
                "梯度是 λ·2w：缩放了，但没有反转。",
            ),
            advice=T(
                "Reversal means the opposite sign: grad(upstream) returns "
                "-lam * upstream.",
                "反转就是改变符号：grad(upstream) 返回 -lam * upstream。",
            ),
            section=SECTION_5,
            example=lambda: _reversal_grad(lambda upstream, lam: lam * upstream),
        ),
        Mistake(
            id="upstream",
            detect=d.computes(lambda w, lam: -lam * np.ones_like(w)),
            name=T(
                "The gradient is −λ at every element: grad ignores the upstream "
                "gradient.",
                "每个元素的梯度都是 −λ：grad 忽略了上游梯度。",
            ),
            advice=T(
                "grad(upstream) returns the gradient with respect to the layer's "
                "input, by the chain rule: −λ times upstream (here 2w), not −λ alone.",
                "grad(upstream) 返回对这一层输入的梯度，按链式法则是 −λ 乘以 upstream"
                "（这里是 2w），而不只是 −λ。",
            ),
            section=SECTION_5,
            example=lambda: _reversal_grad(
                lambda upstream, lam: -lam * _tf().ones_like(upstream)
            ),
        ),
        Mistake(
            id="fixed_lambda",
            detect=d.computes(lambda w, lam: -0.5 * 2 * w),
            name=T(
                "The gradient uses λ = 0.5 whatever lam is.",
                "无论 lam 取什么值，梯度都用的是 λ = 0.5。",
            ),
            advice=T(
                "Use the argument lam inside grad (a closure sees it), not the "
                "number 0.5.",
                "在 grad 内部使用参数 lam（闭包能看到它），而不是数字 0.5。",
            ),
            section=None,
            example=lambda: _reversal_grad(lambda upstream, lam: -0.5 * upstream),
        ),
    ],
    hints=[
        T(
            "Section 5: a function decorated with tf.custom_gradient returns two "
            "things, its value and grad, the function that maps the upstream "
            "gradient to the gradient of its input.",
            "第 5 节：由 tf.custom_gradient 装饰的函数返回两样东西：它的值，"
            "以及把上游梯度映射为其输入梯度的函数 grad。",
        ),
        T(
            "The value is tf.identity(x), and grad(upstream) returns −λ times "
            "upstream. Define the decorated function inside a function of "
            "(x, lam), so that grad sees lam.",
            "值是 tf.identity(x)，grad(upstream) 返回 −λ 乘以 upstream。"
            "把被装饰的函数定义在一个以 (x, lam) 为参数的函数里，让 grad 能看到 lam。",
        ),
    ],
    solution=_reversal_grad,
    seed=92,
)


# ---- Exercise 3: binarize_with_grad(x), sign forward, hardtanh backward ------------


def _binarize_with_grad(kind="straight_through"):
    tf = _tf()

    def binarize(x):
        hardtanh = tf.clip_by_value(x, -1.0, 1.0)
        if kind == "no_stop_gradient":
            return hardtanh + (tf.sign(x) - hardtanh)
        if kind == "identity":
            return x + tf.stop_gradient(tf.sign(x) - x)
        if kind == "hardtanh":
            return hardtanh
        return hardtanh + tf.stop_gradient(tf.sign(x) - hardtanh)

    def binarize_with_grad(x):
        x = tf.Variable(x)
        with tf.GradientTape() as tape:
            y = binarize(x)
        return tf.stack([y, tape.gradient(y, x)])

    return binarize_with_grad


def _binarized(x, value=np.sign, slope=lambda x: (np.abs(x) < 1).astype(float)):
    x = np.asarray(x, np.float64)
    return np.stack([value(x), slope(x)])


def _gradient_none(trial):
    """A pair (y, gradient) whose gradient is None."""
    return any(
        case.error is None
        and isinstance(case.raw, list | tuple)
        and any(item is None for item in case.raw)
        for case in trial.cases
    )


def _points(rng):
    random = rng.uniform(-3.0, 3.0, 6).round(2)
    # away from the kinks of hardtanh (±1) and from sign(0) = 0
    random = np.where((np.abs(np.abs(random) - 1) < 0.02) | (random == 0), 0.5, random)
    return [(np.array([-2.0, -0.5, 0.3, 1.5]),), (random,)]


BINARIZE_WITH_GRAD = Exercise(
    key="09.3",
    deliverable=Function(
        "binarize_with_grad",
        ("x",),
        Array(shape=lambda args: (2, *args[0].shape)),
    ),
    cases=_points,
    reference=_binarized,
    independent=lambda x: np.stack(
        [np.sign(x), _central(lambda v: np.sum(np.clip(v, -1.0, 1.0)), x)]
    ),
    tolerance=Tolerance(rtol=1e-12, atol=1e-12),
    verified=T(
        "binarize_with_grad checked at 10 points (x = −2, −0.5, 0.3, 1.5 and 6 "
        "seeded random ones) against the values sign(x) and the gradients of "
        "hardtanh worked out by hand (1 for |x| < 1, else 0), within {tolerance}",
        "已在 10 个点（x = −2、−0.5、0.3、1.5 以及 6 个固定种子的随机点）上将 "
        "binarize_with_grad 与手算的值 sign(x) 和 hardtanh 的梯度（|x| < 1 时为 1，"
        "否则为 0）对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="no_stop_gradient",
            detect=d.computes(
                lambda x: _binarized(x, slope=lambda x: np.zeros_like(x))
            ),
            name=T(
                "The values are sign(x) but every gradient is 0: the correction "
                "sign(x) − hardtanh(x) is not wrapped in tf.stop_gradient.",
                "值是 sign(x)，但每个梯度都是 0：修正项 sign(x) − hardtanh(x) "
                "没有用 tf.stop_gradient 包起来。",
            ),
            advice=T(
                "Without tf.stop_gradient the tape differentiates the correction "
                "too, and its gradient cancels hardtanh's (the gradient of sign is "
                "0). Write hardtanh + tf.stop_gradient(tf.sign(x) - hardtanh).",
                "没有 tf.stop_gradient，梯度带也会对修正项求导，它的梯度正好抵消 "
                "hardtanh 的梯度（sign 的梯度是 0）。请写成 "
                "hardtanh + tf.stop_gradient(tf.sign(x) - hardtanh)。",
            ),
            section=SECTION_1,
            example=lambda: _binarize_with_grad("no_stop_gradient"),
        ),
        Mistake(
            id="identity",
            detect=d.computes(lambda x: _binarized(x, slope=np.ones_like)),
            name=T(
                "Every gradient is 1: this is the plain straight-through "
                "estimator, the gradient of the identity, not of hardtanh.",
                "每个梯度都是 1：这是普通的直通估计器，用的是恒等函数的梯度，"
                "而不是 hardtanh 的。",
            ),
            advice=T(
                "Start from hardtanh(x) = tf.clip_by_value(x, -1.0, 1.0) instead "
                "of x: its gradient is 0 for |x| > 1.",
                "从 hardtanh(x) = tf.clip_by_value(x, -1.0, 1.0) 出发，而不是从 x 出发："
                "它在 |x| > 1 处的梯度是 0。",
            ),
            section=SECTION_1,
            example=lambda: _binarize_with_grad("identity"),
        ),
        Mistake(
            id="hardtanh",
            detect=d.computes(
                lambda x: _binarized(x, value=lambda x: np.clip(x, -1.0, 1.0))
            ),
            name=T(
                "The values are hardtanh(x), not sign(x).",
                "值是 hardtanh(x)，而不是 sign(x)。",
            ),
            advice=T(
                "The gradients are right; add the correction that turns the value "
                "into sign(x) without touching the gradient: "
                "+ tf.stop_gradient(tf.sign(x) - hardtanh).",
                "梯度是对的；再加上把值变成 sign(x)、又不影响梯度的修正项："
                "+ tf.stop_gradient(tf.sign(x) - hardtanh)。",
            ),
            section=SECTION_1,
            example=lambda: _binarize_with_grad("hardtanh"),
        ),
        Mistake(
            id="none",
            detect=_gradient_none,
            name=T(
                "The gradient is None: the tape recorded no path from x to y.",
                "梯度是 None：梯度带没有记录从 x 到 y 的路径。",
            ),
            advice=T(
                "tf.stop_gradient goes around the correction only, not around the "
                "whole expression; and x must be a tf.Variable (or watched).",
                "tf.stop_gradient 只包住修正项，而不是整个表达式；"
                "并且 x 必须是 tf.Variable（或被监视）。",
            ),
            section=SECTION_1,
            example=lambda: _binarize_pair_none(),
        ),
    ],
    hints=[
        T(
            "Section 1's straight-through estimator: a + tf.stop_gradient(b − a) "
            "has the value of b and the gradient of a.",
            "第 1 节的直通估计器：a + tf.stop_gradient(b − a) 的值是 b，梯度是 a 的梯度。",
        ),
        T(
            "Take a = hardtanh(x) = tf.clip_by_value(x, -1.0, 1.0) and b = "
            "tf.sign(x). Make x a tf.Variable from the argument, compute y on the "
            "tape and return tf.stack([y, tape.gradient(y, x)]).",
            "取 a = hardtanh(x) = tf.clip_by_value(x, -1.0, 1.0)，b = tf.sign(x)。"
            "用参数创建 tf.Variable x，在梯度带上计算 y，"
            "返回 tf.stack([y, tape.gradient(y, x)])。",
        ),
    ],
    solution=_binarize_with_grad,
    seed=93,
)


def _binarize_pair_none():
    tf = _tf()

    def binarize_with_grad(x):
        x = tf.Variable(x)
        with tf.GradientTape() as tape:
            hardtanh = tf.clip_by_value(x, -1.0, 1.0)
            y = tf.stop_gradient(hardtanh + tf.sign(x) - hardtanh)
        return (y, tape.gradient(y, x))

    return binarize_with_grad


EXERCISES = [SAFE_NORM_GRAD, REVERSAL_GRAD, BINARIZE_WITH_GRAD]
