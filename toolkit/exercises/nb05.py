"""Exercises of notebook 05 · Gradients of multivariate functions (多元函数求导).

1. ``linear_grads(w1, w2, b)``: the tape's gradient of L = ½ Σ rᵢ² on three
   data rows with respect to w = (w1, w2)ᵀ and b, as the dict {"w": …, "b": …}.
2. ``mean_grads(w1, w2, b)``: the same for L = ½ meanᵢ rᵢ² on the chapter's
   two rows.
3. ``x_grad(w1, w2, b)``: the tape's ∂L/∂X for the chapter's X as a watched
   constant.

The arguments are the parameters (numbers), the data are fixed by the
exercise: a feedback line names its point in one line.

A gradient dict {"w": (2, 1) tensor, "b": scalar} holds arrays of two shapes,
which the framework's :class:`~toolkit.exercises.core.Dict` (scalars only) does
not read; :class:`WeightAndBias` below reads it as the flat array
(∂L/∂w₁, ∂L/∂w₂, ∂L/∂b), so that every generic remark (sign, factor) applies.

TensorFlow is imported inside the functions only (a notebook has loaded it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from toolkit.exercises import detectors as d
from toolkit.exercises.core import (
    Array,
    Exercise,
    Function,
    Mistake,
    Output,
    T,
    Tolerance,
    describe,
    dtype_name,
    format_keys,
    numbers,
    say,
)
from toolkit.exercises.references import central_difference as _central
from toolkit.exercises.references import tensorflow as _tf

# The chapter's starting point.
W0 = np.array([[1.0], [2.0]])
B0 = 1.0

# Where the notebook covers each mistake.
SECTION_1 = T("section 1 · The loss of a linear model", "“1 · 线性模型的损失”一节")
SECTION_2 = T("section 2 · The same gradient by hand", "“2 · 手工推导同一个梯度”一节")


# ---- the answer's form: {"w": (2, 1), "b": ()} read as (dw1, dw2, db) ------------


@dataclass(frozen=True)
class WeightAndBias(Output):
    """The dict ``{"w": ∂L/∂w, "b": ∂L/∂b}`` that ``tape.gradient`` returns for
    the sources ``{"w": w, "b": b}``: ``"w"`` of shape (2, 1), ``"b"`` a
    scalar, both of ``dtype``. Read as the float64 array (∂L/∂w₁, ∂L/∂w₂, ∂L/∂b)."""

    dtype: str | None = "float64"
    shapes: tuple[tuple[str, tuple[int, ...]], ...] = (("w", (2, 1)), ("b", ()))

    def values(self, raw):
        if not isinstance(raw, Mapping) or set(raw) != {k for k, _ in self.shapes}:
            return None
        parts = []
        for key, shape in self.shapes:
            value = numbers(raw[key])
            if value is None or value.size != int(np.prod(shape)):
                return None
            parts.append(value.ravel())
        return np.concatenate(parts)

    def problem(self, raw, args, lang, subject, label):
        keys = format_keys(k for k, _ in self.shapes)
        if raw is None:
            return say(lang, "none", label=label, subject=subject)
        if not isinstance(raw, Mapping):
            return say(
                lang,
                "not_dict",
                label=label,
                subject=subject,
                keys=keys,
                what=describe(raw, lang),
            )
        if set(raw) != {k for k, _ in self.shapes}:
            return say(
                lang,
                "keys",
                label=label,
                subject=subject,
                keys=keys,
                got=format_keys(raw) or "{}",
            )
        for key, shape in self.shapes:
            item = raw[key]
            item_subject = f"{subject}[{key!r}]"
            if item is None:
                return say(lang, "item_none", label=label, subject=subject, key=key)
            value = numbers(item)
            if value is None:
                return say(
                    lang,
                    "not_numbers",
                    label=label,
                    subject=item_subject,
                    what=describe(item, lang),
                )
            if value.shape != shape:
                return say(
                    lang,
                    "shape",
                    label=label,
                    subject=item_subject,
                    got=value.shape,
                    expected=shape,
                )
            name = dtype_name(item)
            if name is not None and self.dtype is not None and name != self.dtype:
                return say(
                    lang,
                    "dtype",
                    label=label,
                    subject=item_subject,
                    got=name,
                    expected=self.dtype,
                )
        return None


# ---- shared pieces ------------------------------------------------------------------

# The chapter's two data rows, and the three of exercise 1.
X2 = np.array([[1.0, 2.0], [3.0, 4.0]])
Y2 = np.array([[1.0], [2.0]])
X3 = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
Y3 = np.array([[1.0], [2.0], [3.0]])


def _w(w1, w2):
    return np.array([[w1], [w2]], dtype=float)


def _residuals(X, y, w1, w2, b):
    return X @ _w(w1, w2) + b - y


def _loss(X, y, w1, w2, b, mean=False):
    r = _residuals(X, y, w1, w2, b)
    return 0.5 * (np.mean(r**2) if mean else np.sum(r**2))


def _flat_grads(X, y, w1, w2, b, mean=False):
    """(∂L/∂w₁, ∂L/∂w₂, ∂L/∂b) from the hand-derived Xᵀr and Σ rᵢ (÷ n for a mean)."""
    r = _residuals(X, y, w1, w2, b)
    n = X.shape[0] if mean else 1
    return np.concatenate([(X.T @ r).ravel(), [np.sum(r)]]) / n


def _flat_central(X, y, w1, w2, b, mean=False):
    """The same by central differences of the float64 loss, one parameter at a time."""
    return np.array(
        [
            _central(lambda v: _loss(X, y, v, w2, b, mean), w1),
            _central(lambda v: _loss(X, y, w1, v, b, mean), w2),
            _central(lambda v: _loss(X, y, w1, w2, v, mean), b),
        ]
    )


def _point_cases(rng):
    """The chapter's point w = (1, 2)ᵀ, b = 1, then seeded random ones."""
    return [
        (1.0, 2.0, 1.0),
        *[
            tuple(float(v) for v in rng.uniform(-3.0, 3.0, 3).round(2))
            for _ in range(3)
        ],
    ]


def _raises_named(name: str, match: str):
    """Some case raised an error whose class is called ``name`` (a TensorFlow
    error, matched by name: TensorFlow is not imported here)."""

    def detect(trial):
        return any(
            case.error is not None
            and type(case.error).__name__ == name
            and re.search(match, str(case.error)) is not None
            for case in trial.cases
        )

    return detect


def _grads_answer(
    X,
    y,
    *,
    mean=False,
    scale=1.0,
    numpy_data=False,
    b_constant=False,
    as_list=False,
    fixed_point=False,
):
    """A learner's linear_grads / mean_grads on the data X, y, with the
    mistakes switched on (float32 throughout, as the chapter's code is)."""
    tf = _tf()
    reduce = tf.reduce_mean if mean else tf.reduce_sum

    def grads(w1, w2, b):
        if fixed_point:
            w1, w2, b = 1.0, 2.0, 1.0
        X_t = X if numpy_data else tf.constant(X.tolist())
        y_t = y if numpy_data else tf.constant(y.tolist())
        w = tf.Variable([[w1], [w2]])
        b = (tf.constant if b_constant else tf.Variable)(b)
        with tf.GradientTape() as tape:
            L = scale * 0.5 * reduce(tf.square(tf.matmul(X_t, w) + b - y_t))
        if as_list:
            return tape.gradient(L, [w, b])
        return tape.gradient(L, {"w": w, "b": b})

    return grads


def _grads_mistakes(X, y, mean: bool, noun: str) -> list[Mistake]:
    """The mistakes exercises 1 and 2 share (``noun``: the deliverable)."""
    return [
        Mistake(
            id="list",
            detect=d.returns(list, tuple),
            name=T(
                f"{noun} returns a list, not a dict.",
                f"{noun} 返回的是列表，而不是字典。",
            ),
            advice=T(
                "tape.gradient returns the structure of its sources: give it the "
                'dict {"w": w, "b": b} and it returns a dict with those keys.',
                "tape.gradient 返回的结构与源相同：传入字典 "
                '{"w": w, "b": b}，它就返回键相同的字典。',
            ),
            section=None,
            example=lambda: _grads_answer(X, y, mean=mean, as_list=True),
        ),
        Mistake(
            id="dtype_mix",
            detect=_raises_named("InvalidArgumentError", r"double tensor|float tensor"),
            name=T(
                f"{noun} mixes float32 and float64: tf.matmul refuses to multiply "
                "them.",
                f"{noun} 混用了 float32 和 float64：tf.matmul 拒绝把它们相乘。",
            ),
            advice=T(
                "A NumPy array made from Python floats is float64, a tf.Variable "
                "made from them is float32. Make the data with tf.constant, as the "
                "chapter does, so that everything is float32.",
                "由 Python 浮点数创建的 NumPy 数组是 float64，而由它们创建的 "
                "tf.Variable 是 float32。请像原章节那样用 tf.constant 创建数据，"
                "让所有张量都是 float32。",
            ),
            section=SECTION_1,
            example=lambda: _grads_answer(X, y, mean=mean, numpy_data=True),
        ),
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                f"{noun} gives None for a gradient: the tape recorded no path from "
                "that source to L.",
                f"{noun} 的某个梯度是 None：梯度带没有记录从那个源到 L 的路径。",
            ),
            advice=T(
                "Make both w and b tf.Variables (the tape does not watch a "
                "tf.constant; notebook 02 shows tape.watch), use both in L (the "
                "bias is added to every row: tf.matmul(X, w) + b), and compute L "
                "inside the `with` block.",
                "把 w 和 b 都设为 tf.Variable（梯度带不监视 tf.constant；"
                "笔记本 02 介绍 tape.watch），在 L 中用到两者（偏置加到每一行上："
                "tf.matmul(X, w) + b），并在 with 块之内计算 L。",
            ),
            section=SECTION_1,
            example=lambda: _grads_answer(X, y, mean=mean, b_constant=True),
        ),
        Mistake(
            id="fixed_point",
            detect=d.ignores_arguments(),
            name=T(
                f"{noun} returns the same numbers whatever w1, w2 and b are: it "
                "differentiates at the chapter's point, not at its arguments.",
                f"无论 w1、w2 和 b 取什么值，{noun} 都返回同样的结果：它在原章节的"
                "点上求导，而不是在它的参数上。",
            ),
            advice=T(
                "Make the variables from the arguments, tf.Variable([[w1], [w2]]) "
                "and tf.Variable(b), not from the numbers [[1.0], [2.0]] and 1.0.",
                "用参数创建变量，tf.Variable([[w1], [w2]]) 和 tf.Variable(b)，"
                "而不是用数字 [[1.0], [2.0]] 和 1.0。",
            ),
            section=None,
            example=lambda: _grads_answer(X, y, mean=mean, fixed_point=True),
        ),
    ]


OUTPUT = WeightAndBias(dtype=None)
TOLERANCE = Tolerance(rtol=1e-5, atol=1e-4)  # float32, like the chapter's code


# ---- Exercise 1: linear_grads(w1, w2, b), ½ Σ r² on three rows ----------------------


LINEAR_GRADS = Exercise(
    key="05.1",
    deliverable=Function("linear_grads", ("w1", "w2", "b"), OUTPUT),
    cases=_point_cases,
    reference=lambda w1, w2, b: _flat_grads(X3, Y3, w1, w2, b),
    independent=lambda w1, w2, b: _flat_central(X3, Y3, w1, w2, b),
    tolerance=TOLERANCE,
    verified=T(
        "linear_grads checked on the three-row data at 4 points (w = (1, 2)ᵀ, "
        "b = 1 and 3 seeded random ones) against the hand-derived Xᵀr and Σ rᵢ "
        "in float64, within {tolerance}; ∂L/∂w keeps the shape (2, 1) of w",
        "已在三行数据上的 4 个点（w = (1, 2)ᵀ、b = 1 以及 3 个固定种子的随机点）"
        "将 linear_grads 与手算的 float64 结果 Xᵀr 和 Σ rᵢ 对照验证，误差在 "
        "{tolerance} 以内；∂L/∂w 保持 w 的形状 (2, 1)",
    ),
    mistakes=[
        *_grads_mistakes(X3, Y3, False, "linear_grads"),
        Mistake(
            id="two_rows",
            detect=d.computes(lambda w1, w2, b: _flat_grads(X2, Y2, w1, w2, b)),
            name=T(
                "linear_grads uses the chapter's two data rows, without the new "
                "row (5, 6) with target 3.",
                "linear_grads 用的是原章节的两行数据，没有新加的一行 (5, 6)"
                "（目标值为 3）。",
            ),
            advice=T(
                "Add the row to X, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], and its "
                "target to y, [[1.0], [2.0], [3.0]].",
                "把这一行加进 X，[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]，"
                "并把它的目标值加进 y，[[1.0], [2.0], [3.0]]。",
            ),
            section=None,
            example=lambda: _grads_answer(X2, Y2),
        ),
        Mistake(
            id="no_half",
            detect=d.scaled(2.0),
            name=T(
                "Every gradient is twice the expected one: the ½ of L is missing.",
                "每个梯度都是应有值的 2 倍：L 中的 ½ 丢了。",
            ),
            advice=T(
                "L = ½ Σᵢ rᵢ²: keep the factor 0.5 in front of tf.reduce_sum.",
                "L = ½ Σᵢ rᵢ²：在 tf.reduce_sum 前面保留系数 0.5。",
            ),
            section=SECTION_1,
            example=lambda: _grads_answer(X3, Y3, scale=2.0),
        ),
        Mistake(
            id="mean",
            detect=d.scaled(1 / 3),
            name=T(
                "Every gradient is a third of the expected one: L is a mean over "
                "the three rows, not a sum.",
                "每个梯度都是应有值的三分之一：L 用的是三行的均值，而不是求和。",
            ),
            advice=T(
                "This exercise keeps the chapter's loss, ½ Σᵢ rᵢ²: tf.reduce_sum, "
                "not tf.reduce_mean (exercise 2 is the mean).",
                "这道练习沿用原章节的损失 ½ Σᵢ rᵢ²：用 tf.reduce_sum，而不是 "
                "tf.reduce_mean（练习 2 才用均值）。",
            ),
            section=SECTION_1,
            example=lambda: _grads_answer(X3, Y3, mean=True),
        ),
    ],
    hints=[
        T(
            "Start from the chapter's code in section 1: the data get a third "
            "row, and w and b are made from the arguments.",
            "从第 1 节原章节的代码出发：数据多了第三行，w 和 b 则由参数创建。",
        ),
        T(
            "X becomes a 3 × 2 tf.constant and y a 3 × 1 one; w = "
            "tf.Variable([[w1], [w2]]) and b = tf.Variable(b) stay as they are, "
            "whatever the number of rows.",
            "X 变成 3 × 2 的 tf.constant，y 变成 3 × 1 的；w = "
            "tf.Variable([[w1], [w2]]) 和 b = tf.Variable(b) 不变，与行数无关。",
        ),
        T(
            'Ask the tape once, with the dict of sources {"w": w, "b": b}: it '
            "returns a dict with the same keys, each gradient shaped like its "
            "variable.",
            '只向梯度带要一次梯度，源用字典 {"w": w, "b": b}：它返回键相同的字典，'
            "每个梯度的形状与对应的变量相同。",
        ),
    ],
    solution=lambda: _grads_answer(X3, Y3),
    seed=51,
)


# ---- Exercise 2: mean_grads(w1, w2, b), ½ mean r² on the chapter's rows --------------------


MEAN_GRADS = Exercise(
    key="05.2",
    deliverable=Function("mean_grads", ("w1", "w2", "b"), OUTPUT),
    cases=_point_cases,
    reference=lambda w1, w2, b: _flat_grads(X2, Y2, w1, w2, b, mean=True),
    independent=lambda w1, w2, b: _flat_central(X2, Y2, w1, w2, b, mean=True),
    tolerance=TOLERANCE,
    verified=T(
        "mean_grads checked on the chapter's data at 4 points (w = (1, 2)ᵀ, b = 1 "
        "and 3 seeded random ones) against the hand-derived Xᵀr / n and Σ rᵢ / n "
        "in float64, within {tolerance}",
        "已在原章节数据上的 4 个点（w = (1, 2)ᵀ、b = 1 以及 3 个固定种子的随机点）"
        "将 mean_grads 与手算的 float64 结果 Xᵀr / n 和 Σ rᵢ / n 对照验证，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        *_grads_mistakes(X2, Y2, True, "mean_grads"),
        Mistake(
            id="twice",
            detect=d.scaled(2.0),
            name=T(
                "Every gradient is twice the expected one: the sum ½ Σᵢ rᵢ², or "
                "the mean of rᵢ² without the ½ (what Keras' MeanSquaredError "
                "computes); with n = 2 rows the two agree.",
                "每个梯度都是应有值的 2 倍：用的是求和 ½ Σᵢ rᵢ²，或者不带 ½ 的 "
                "rᵢ² 的均值（Keras 的 MeanSquaredError 计算的就是它）；"
                "n = 2 行时两者相等。",
            ),
            advice=T(
                "The exercise's L is ½ · meanᵢ rᵢ²: 0.5 * tf.reduce_mean(...), "
                "with the ½ and with the mean.",
                "练习中的 L 是 ½ · meanᵢ rᵢ²：0.5 * tf.reduce_mean(...)，"
                "既要有 ½，也要取均值。",
            ),
            section=SECTION_1,
            example=lambda: _grads_answer(X2, Y2),
        ),
    ],
    hints=[
        T(
            "The chapter's code of section 1 is almost the answer: one reduction "
            "changes.",
            "第 1 节原章节的代码几乎就是答案：只需换掉一个归约操作。",
        ),
        T(
            "tf.reduce_mean divides the sum by n, and so every derivative is "
            "divided by n; keep the factor 0.5 in front.",
            "tf.reduce_mean 把和除以 n，于是每个导数也都除以 n；前面的系数 0.5 要保留。",
        ),
    ],
    solution=lambda: _grads_answer(X2, Y2, mean=True),
    seed=52,
)


# ---- Exercise 3: x_grad(w1, w2, b), ∂L/∂X for a watched constant ---------------------------


def _x_grad_answer(*, watch=True, numpy_data=False, scale=1.0):
    tf = _tf()

    def x_grad(w1, w2, b):
        X = X2 if numpy_data else tf.constant(X2.tolist())
        y = tf.constant(Y2.tolist())
        w = tf.Variable([[w1], [w2]])
        b = tf.Variable(b)
        with tf.GradientTape() as tape:
            if watch:
                tape.watch(X)
            L = scale * 0.5 * tf.reduce_sum(tf.square(tf.matmul(X, w) + b - y))
        return tape.gradient(L, X)

    return x_grad


def _x_reference(w1, w2, b):
    """∂L/∂X = r wᵀ, the outer product worked out in the solution."""
    return _residuals(X2, Y2, w1, w2, b) @ _w(w1, w2).T


def _x_central(w1, w2, b):
    out = np.zeros_like(X2)
    for index in np.ndindex(X2.shape):

        def loss_at(v, index=index):
            X = X2.copy()
            X[index] = v
            return _loss(X, Y2, w1, w2, b)

        out[index] = _central(loss_at, X2[index])
    return out


X_GRAD = Exercise(
    key="05.3",
    deliverable=Function("x_grad", ("w1", "w2", "b"), Array(shape=lambda args: (2, 2))),
    cases=_point_cases,
    reference=_x_reference,
    independent=_x_central,
    tolerance=TOLERANCE,
    verified=T(
        "x_grad checked on the chapter's data at 4 points (w = (1, 2)ᵀ, b = 1 and "
        "3 seeded random ones) against the hand-derived outer product r wᵀ in "
        "float64, within {tolerance}",
        "已在原章节数据上的 4 个点（w = (1, 2)ᵀ、b = 1 以及 3 个固定种子的随机点）"
        "将 x_grad 与手算的 float64 外积 r wᵀ 对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="none",
            detect=d.is_none(),
            name=T(
                "x_grad returns None: the tape did not watch X.",
                "x_grad 返回 None：梯度带没有监视 X。",
            ),
            advice=T(
                "A tf.constant is not watched by itself: call tape.watch(X) first "
                "thing inside the `with` block (notebook 02).",
                "梯度带不会自动监视 tf.constant：在 with 块里一开始就调用 "
                "tape.watch(X)（笔记本 02）。",
            ),
            section=None,
            example=lambda: _x_grad_answer(watch=False),
        ),
        Mistake(
            id="watch_numpy",
            detect=d.raises(ValueError, r"of type 'ndarray', not tf.Tensor"),
            name=T(
                "tape.watch was given a NumPy array: it watches tensors only.",
                "传给 tape.watch 的是 NumPy 数组：它只监视张量。",
            ),
            advice=T(
                "Make X a tensor first, X = tf.constant([[1.0, 2.0], [3.0, 4.0]]) "
                "as in the chapter, then tape.watch(X) and use that same X in L.",
                "先把 X 变成张量，像原章节那样 X = tf.constant([[1.0, 2.0], [3.0, 4.0]])，"
                "再调用 tape.watch(X)，并在 L 中使用同一个 X。",
            ),
            section=SECTION_1,
            example=lambda: _x_grad_answer(numpy_data=True),
        ),
        Mistake(
            id="no_half",
            detect=d.scaled(2.0),
            name=T(
                "x_grad is twice the expected gradient: the ½ of L is missing.",
                "x_grad 是应有梯度的 2 倍：L 中的 ½ 丢了。",
            ),
            advice=T(
                "Keep the chapter's loss, L = ½ Σᵢ rᵢ², with its factor 0.5.",
                "沿用原章节的损失 L = ½ Σᵢ rᵢ²，保留系数 0.5。",
            ),
            section=SECTION_1,
            example=lambda: _x_grad_answer(scale=2.0),
        ),
        Mistake(
            id="transposed",
            detect=d.transposed(),
            name=T(
                "x_grad is the transpose of ∂L/∂X: w rᵀ instead of r wᵀ.",
                "x_grad 是 ∂L/∂X 的转置：算成了 w rᵀ，而不是 r wᵀ。",
            ),
            advice=T(
                "∂L/∂X_ij = r_i w_j: row i belongs to data row i. The tape gets "
                "this right by itself: ask tape.gradient(L, X).",
                "∂L/∂X_ij = r_i w_j：第 i 行对应第 i 个数据行。梯度带自己就能算对："
                "调用 tape.gradient(L, X)。",
            ),
            section=None,
            example=lambda: lambda w1, w2, b: _x_reference(w1, w2, b).T,
        ),
        Mistake(
            id="no_tape",
            detect=d.gradient_calls(fewer_than=1),
            name=T(
                "x_grad never calls tape.gradient.",
                "x_grad 没有调用 tape.gradient。",
            ),
            advice=T(
                "The exercise is to get ∂L/∂X from the tape: watch X, record L, "
                "ask tape.gradient. The outer product r wᵀ is for checking it.",
                "这道练习要由梯度带求出 ∂L/∂X：监视 X，记录 L，调用 tape.gradient。"
                "外积 r wᵀ 是用来验证的。",
            ),
            section=None,
            example=lambda: _x_reference,
        ),
    ],
    hints=[
        T(
            "X becomes a source like w and b: notebook 02 shows how the tape is "
            "told to watch a tensor that is not a variable.",
            "X 和 w、b 一样成为源：笔记本 02 介绍了如何让梯度带监视一个不是变量的张量。",
        ),
        T(
            "Inside the `with` block, first tape.watch(X), then compute L exactly "
            "as in section 1, and ask the tape for the gradient of L with "
            "respect to X.",
            "在 with 块之内，先调用 tape.watch(X)，再像第 1 节那样计算 L，"
            "然后让梯度带求 L 对 X 的梯度。",
        ),
        T(
            "By hand, ∂L/∂X_ij = r_i w_j: an outer product with the shape of X. "
            "Compare the tape's answer with it at w = (1, 2)ᵀ, b = 1.",
            "手算的结果是 ∂L/∂X_ij = r_i w_j：一个形状与 X 相同的外积。"
            "在 w = (1, 2)ᵀ、b = 1 处把梯度带的结果与它对照。",
        ),
    ],
    solution=lambda: _x_grad_answer(),
    seed=53,
)

EXERCISES = [LINEAR_GRADS, MEAN_GRADS, X_GRAD]
