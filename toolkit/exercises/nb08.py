"""Exercises of notebook 08 · Performance: eager, graph and NumPy (性能).

1. ``fit_by_statistics(x, y)``: the chapter's 100 gradient-descent steps
   (learning rate 0.02, from (0, 0)) from five sums of the data, O(1) work
   per step; returns ``[w, b]`` in float64.
2. ``fit_signed(lr)``: the notebook's ``fit`` as a ``tf.function`` with an
   ``input_signature``, so that Python floats do not retrace it; returns
   ``(w, b)``.
3. ``fast_step_64(w, b, x, y)``: one step of ``numpy_fast_step`` on float64
   data (float64 buffer); returns ``[w, b]`` in float64.

The references are float64 closed forms: plain gradient descent on the mean
squared error is a linear recurrence in (w, b), z_k = z* − (I − aM)^k z*
from (0, 0), with M the 2 × 2 matrix of sums, a = 2·lr/N and z* = M⁻¹c, the
least-squares line. TensorFlow is imported inside the functions only (a
notebook has loaded it).
"""

from __future__ import annotations

import itertools

import numpy as np

from toolkit import data
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

STEPS, LR = 100, 0.02


def _closed_form(x, y, lr=LR, steps=STEPS):
    """(w, b) after `steps` gradient-descent steps from (0, 0), in closed form."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    n = len(x)
    m = np.array([[x @ x, x.sum()], [x.sum(), n]])
    c = np.array([x @ y, y.sum()])
    optimum = np.linalg.solve(m, c)
    a = 2 * lr / n
    return optimum - np.linalg.matrix_power(np.eye(2) - a * m, steps) @ optimum


def _chapter_loop(x, y, lr=LR, steps=STEPS):
    """The chapter's step_gradient, `steps` times, in float64 over the data."""
    w, b = 0.0, 0.0
    n = len(y)
    for _ in range(steps):
        w_gradient = (2 / n) * np.sum(x * ((w * x + b) - y))
        b_gradient = (2 / n) * np.sum((w * x + b) - y)
        w, b = w - lr * w_gradient, b - lr * b_gradient
    return np.array([w, b])


# Where the notebook covers each mistake.
SECTION_1 = T(
    "section 1 · The chapter's step, and what it costs",
    "“1 · 原章节的一步及其开销”一节",
)
SECTION_RETRACING = T("section 3 · Pitfall: retracing", "“3 · 陷阱：重新追踪”一节")
SECTION_2 = T(
    "section 2 · Compile it: tf.function and XLA",
    "“2 · 编译：tf.function 与 XLA”一节",
)
SECTION_PASSES = T(
    "“Fewer passes over memory” in section 4",
    "第 4 节的“减少遍历内存的次数”",
)


# ---- Exercise 1: fit_by_statistics(x, y), no passes at all ----------------------


def _statistics_fit(x, y, factor=2.0, sequential=False, dtype=np.float64):
    x, y = np.asarray(x, dtype), np.asarray(y, dtype)
    n = dtype(len(y))
    sx, sy, sxx, sxy = x.sum(), y.sum(), (x * x).sum(), (x * y).sum()
    w, b = dtype(0.0), dtype(0.0)
    for _ in range(STEPS):
        sum_xr = w * sxx + b * sx - sxy
        w_new = w - dtype(LR * factor) / n * sum_xr
        if sequential:  # b's step already sees the new w
            w = w_new
        sum_r = w * sx + b * n - sy
        w, b = w_new, b - dtype(LR * factor) / n * sum_r
    return np.array([w, b])


def _fit_by_statistics_solution():
    def fit_by_statistics(x, y):
        n = len(y)
        sx, sy, sxx, sxy = x.sum(), y.sum(), (x * x).sum(), (x * y).sum()
        w, b = 0.0, 0.0
        for _ in range(100):
            sum_xr = w * sxx + b * sx - sxy
            sum_r = w * sx + b * n - sy
            w, b = w - 0.02 * 2 / n * sum_xr, b - 0.02 * 2 / n * sum_r
        return np.array([w, b])

    return fit_by_statistics


def _linear_data_cases(rng):
    # More than 1000 points each, so that feedback prints x and y abridged
    # ([a, b, c, ..., x, y, z]) on one line.
    return [
        data.make_linear_data(2000),  # the chapter's recipe
        *[
            data.make_linear_data(int(n), seed=int(seed))
            for n, seed in zip(
                rng.integers(1001, 5000, 2), rng.integers(0, 2**31, 2), strict=True
            )
        ],
    ]


FIT_BY_STATISTICS = Exercise(
    key="08.1",
    deliverable=Function(
        "fit_by_statistics", ("x", "y"), Array(shape=lambda args: (2,), dtype="float64")
    ),
    cases=_linear_data_cases,
    reference=lambda x, y: _closed_form(x, y),
    independent=lambda x, y: _chapter_loop(x, y),
    tolerance=Tolerance(rtol=1e-10, atol=1e-12),
    verified=T(
        "fit_by_statistics checked on 3 data sets of the chapter's recipe (2000 "
        "points and 2 seeded random sizes and seeds) against the closed form of "
        "100 gradient-descent steps in float64, within {tolerance}",
        "已在 3 组按原章节方法生成的数据（2000 个点，以及 2 组固定种子的随机规模和种子）上将 "
        "fit_by_statistics 与 100 步梯度下降的 float64 闭式解对照验证，"
        "误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="sequential",
            detect=d.computes(lambda x, y: _statistics_fit(x, y, sequential=True)),
            name=T(
                "b's step uses the w of the same step: the two updates are "
                "sequential, not simultaneous.",
                "b 的更新用了同一步中已经更新过的 w：两个更新是先后进行的，而不是同时进行的。",
            ),
            advice=T(
                "Compute both sums from the old (w, b), then update both at once, "
                "as step_gradient does: w, b = w - …, b - … on one line.",
                "像 step_gradient 那样，先用旧的 (w, b) 算出两个和，再同时更新两者："
                "在同一行里写 w, b = w - …, b - …。",
            ),
            section=SECTION_1,
            example=lambda: lambda x, y: _statistics_fit(x, y, sequential=True),
        ),
        Mistake(
            id="factor_two",
            detect=d.computes(lambda x, y: _statistics_fit(x, y, factor=1.0)),
            name=T(
                "The gradient lacks the factor 2 of the square: every step is half "
                "as long as the chapter's.",
                "梯度少了平方带来的因子 2：每一步都只有原章节的一半长。",
            ),
            advice=T(
                "∂L/∂w = (2/N)·Σ x·r and ∂L/∂b = (2/N)·Σ r: the step is "
                "lr · 2 / N times the sum.",
                "∂L/∂w = (2/N)·Σ x·r，∂L/∂b = (2/N)·Σ r：每一步是和乘以 lr · 2 / N。",
            ),
            section=SECTION_1,
            example=lambda: lambda x, y: _statistics_fit(x, y, factor=1.0),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "fit_by_statistics computes in float32, not in float64.",
                "fit_by_statistics 用 float32 计算，而不是 float64。",
            ),
            advice=T(
                "Take the sums of x and y themselves (float64 NumPy arrays), not "
                "of float32 copies such as X32: the exercise asks for the chapter's "
                "numbers to 1e-12.",
                "直接对 x 和 y 本身（float64 的 NumPy 数组）求和，不要用 X32 这样的 "
                "float32 拷贝：练习要求与原章节的结果相差不超过 1e-12。",
            ),
            section=None,
            example=lambda: lambda x, y: _statistics_fit(x, y, dtype=np.float32),
        ),
    ],
    hints=[
        T(
            "Write the two sums a step needs, Σ x·r and Σ r with r = w·x + b − y, "
            "as w·(…) + b·(…) − (…): what is left in the brackets no longer "
            "depends on w or b.",
            "把一步需要的两个和 Σ x·r 与 Σ r（r = w·x + b − y）写成 "
            "w·(…) + b·(…) − (…) 的形式：括号里剩下的部分不再依赖于 w 或 b。",
        ),
        T(
            "Σ x·r = w·Σx² + b·Σx − Σxy and Σ r = w·Σx + b·N − Σy: compute N, Σx, "
            "Σy, Σx², Σxy once before the loop, then update w and b together, "
            "each by 0.02 · 2 / N times its sum.",
            "Σ x·r = w·Σx² + b·Σx − Σxy，Σ r = w·Σx + b·N − Σy：在循环之前算好 "
            "N、Σx、Σy、Σx²、Σxy，然后同时更新 w 和 b，各自减去 0.02 · 2 / N 乘以对应的和。",
        ),
    ],
    solution=_fit_by_statistics_solution,
    seed=81,
)


# ---- Exercise 2: fit_signed(lr), one trace for every Python float -----------------


def _make_fit(lr_dtype="float32"):
    """The notebook's fit on the chapter's data (float32 tensors)."""
    tf = _tf()
    x_data, y_data = data.load_linear_data()
    x32, y32 = tf.constant(x_data, tf.float32), tf.constant(y_data, tf.float32)
    n = len(y_data)

    def fit(lr):
        w, b = tf.constant(0.0), tf.constant(0.0)
        for _ in tf.range(100):
            with tf.GradientTape() as tape:
                tape.watch([w, b])
                loss = tf.reduce_sum(tf.square(w * x32 + b - y32)) / n
            dw, db = tape.gradient(loss, [w, b])
            w, b = w - lr * dw, b - lr * db
        return tf.stack([w, b])

    return fit


def _fit_signed(signature_dtype=None, compiled=True):
    tf = _tf()
    fit = _make_fit()
    if not compiled:
        return fit
    if signature_dtype is None:
        return tf.function(fit)
    return tf.function(
        fit, input_signature=[tf.TensorSpec([], getattr(tf, signature_dtype))]
    )


def _traced_cases(trial):
    """How many cases traced (called tape.gradient in Python), and the most
    calls any case made."""
    counts = [c.gradient_calls for c in trial.cases if c.error is None]
    return sum(n > 0 for n in counts), max(counts, default=0)


def _retraces(trial):
    traced, most = _traced_cases(trial)
    return d.gradient_calls(more_than=0)(trial) and traced >= 2 and most < STEPS


def _runs_eagerly(trial):
    return d.gradient_calls(more_than=STEPS - 1)(trial)


_NUDGES = itertools.count(1)


class _NewFloat(float):
    """A learning rate that the check hands over as a *new* Python float at
    every call: each copy differs from the last in its 14th digit (float32
    cannot tell them apart), as a learner's new values would. A tf.function
    whose signature is the value then traces at every call, even when the
    check runs again on the same function; one with an input_signature never
    does."""

    def __deepcopy__(self, memo):
        return float(self) * (1 + (next(_NUDGES) % 2**16) * 2.0**-45)


def _learning_rates(rng):
    return [
        (_NewFloat(0.02),),
        (_NewFloat(0.01),),
        (_NewFloat(0.005),),
        *[(_NewFloat(lr),) for lr in rng.uniform(0.003, 0.03, 2).round(4)],
    ]


FIT_SIGNED = Exercise(
    key="08.2",
    deliverable=Function("fit_signed", ("lr",), Array(shape=lambda args: (2,))),
    cases=_learning_rates,
    reference=lambda lr: _closed_form(*data.load_linear_data(), lr=lr),
    independent=lambda lr: _chapter_loop(*data.load_linear_data(), lr=lr),
    tolerance=Tolerance(rtol=1e-4, atol=2e-5),
    verified=T(
        "fit_signed checked at 5 learning rates given as Python floats (0.02, "
        "0.01, 0.005 and 2 seeded random ones) against the closed form of 100 "
        "gradient-descent steps in float64, within {tolerance} (float32 "
        "arithmetic), with no retrace seen for a new value",
        "已在 5 个以 Python 浮点数给出的学习率（0.02、0.01、0.005 以及 2 个固定种子的"
        "随机值）上将 fit_signed 与 100 步梯度下降的 float64 闭式解对照验证，"
        "误差在 {tolerance} 以内（float32 运算），未发现因新值而重新追踪",
    ),
    mistakes=[
        Mistake(
            id="eager",
            detect=_runs_eagerly,
            name=T(
                "fit_signed runs eagerly: 100 tape.gradient calls from Python at "
                "every call, no graph.",
                "fit_signed 以即时模式运行：每次调用都从 Python 调用 100 次 "
                "tape.gradient，没有计算图。",
            ),
            advice=T(
                "Wrap fit in tf.function(…, input_signature=[tf.TensorSpec([], "
                "tf.float32)]) and call what it returns.",
                "用 tf.function(…, input_signature=[tf.TensorSpec([], tf.float32)]) "
                "包装 fit，并调用它返回的函数。",
            ),
            section=SECTION_2,
            example=lambda: _fit_signed(compiled=False),
        ),
        Mistake(
            id="retraces",
            detect=_retraces,
            name=T(
                "fit_signed traces again for every new Python float: its "
                "signature is still the value.",
                "每遇到一个新的 Python 浮点数，fit_signed 就重新追踪一次："
                "它的签名仍然是参数的值。",
            ),
            advice=T(
                "Give tf.function an input_signature, [tf.TensorSpec([], "
                "tf.float32)]: then every float becomes a float32 scalar tensor "
                "before the signature is looked up, and one graph serves them all.",
                "给 tf.function 加上 input_signature，[tf.TensorSpec([], tf.float32)]："
                "这样每个浮点数在查找签名之前就先转换成 float32 标量张量，"
                "一个计算图就能处理所有的值。",
            ),
            section=SECTION_RETRACING,
            example=lambda: _fit_signed(),
        ),
        Mistake(
            id="float64_signature",
            detect=d.raises(TypeError, "float32 that does not match type float64"),
            name=T(
                "The signature declares float64, but fit computes in float32.",
                "签名声明的是 float64，但 fit 用 float32 计算。",
            ),
            advice=T(
                "fit's w, b and data are float32, and TensorFlow does not mix "
                "dtypes: declare tf.TensorSpec([], tf.float32).",
                "fit 中的 w、b 和数据都是 float32，而 TensorFlow 不会混用数据类型："
                "请声明 tf.TensorSpec([], tf.float32)。",
            ),
            section=SECTION_RETRACING,
            example=lambda: _fit_signed("float64"),
        ),
    ],
    hints=[
        T(
            "Section 3 ends with the fix: tf.function accepts input_signature, a "
            "list with one tf.TensorSpec per argument.",
            "第 3 节的结尾给出了解决办法：tf.function 接受 input_signature，"
            "即每个参数对应一个 tf.TensorSpec 的列表。",
        ),
        T(
            "lr is a scalar, and fit computes in float32: its TensorSpec has "
            "shape [] and dtype tf.float32. Wrap the notebook's fit, "
            "tf.function(fit, input_signature=[…]), and return its (w, b).",
            "lr 是标量，而 fit 用 float32 计算：它的 TensorSpec 形状为 []，"
            "数据类型为 tf.float32。用 tf.function(fit, input_signature=[…]) "
            "包装笔记本中的 fit，并返回它的 (w, b)。",
        ),
    ],
    solution=lambda: _fit_signed("float32"),
    seed=82,
)


# ---- Exercise 3: fast_step_64(w, b, x, y), numpy_fast_step in float64 ---------------


def _numpy_fast_step(w, b, x, y, buffer, lr=LR):
    """The notebook's numpy_fast_step."""
    n, block = len(x), len(buffer)
    sum_xr = sum_r = sum_rr = 0.0
    for start in range(0, n, block):
        xb, yb = x[start : start + block], y[start : start + block]
        r = buffer[: len(xb)]
        np.multiply(xb, w, out=r)
        r += b
        r -= yb
        sum_xr += float(np.dot(xb, r))
        sum_r += float(r.sum())
        sum_rr += float(np.dot(r, r))
    return w - lr * 2 / n * sum_xr, b - lr * 2 / n * sum_r, sum_rr / n


def _fast_step_64(buffer_dtype=np.float64, data_dtype=np.float64, with_loss=False):
    def fast_step_64(w, b, x, y):
        buffer = np.empty(2**16, buffer_dtype)
        x, y = x.astype(data_dtype), y.astype(data_dtype)
        w_new, b_new, loss = _numpy_fast_step(w, b, x, y, buffer)
        return np.array([w_new, b_new, loss] if with_loss else [w_new, b_new])

    return fast_step_64


def _one_step(w, b, x, y, lr=LR):
    """One gradient-descent step in float64, the chapter's formula."""
    n = len(y)
    r = w * x + b - y
    return np.array([w - lr * 2 / n * np.sum(x * r), b - lr * 2 / n * np.sum(r)])


def _one_step_by_sums(w, b, x, y, lr=LR):
    """The same step from the sums of the data (exercise 1's expansion)."""
    n = len(y)
    sum_xr = w * (x @ x) + b * x.sum() - x @ y
    sum_r = w * x.sum() + b * n - y.sum()
    return np.array([w - lr * 2 / n * sum_xr, b - lr * 2 / n * sum_r])


def _step_cases(rng):
    # More than 1000 points each: feedback prints x and y abridged, on one line.
    cases = [(0.0, 0.0, *data.make_linear_data(2000))]
    for n in (3000, 70_000):  # 70 000 points: two blocks of 2**16, the last partial
        x, y = data.make_linear_data(n, seed=int(rng.integers(0, 2**31)))
        w, b = (float(v) for v in rng.uniform(-2.0, 2.0, 2).round(3))
        cases.append((w, b, x, y))
    return cases


def _with_loss(trial):
    """Three numbers, the first two right: (w, b, loss) returned as it comes."""
    for case in trial.cases:
        if case.error is not None or case.values is None:
            return False
        values = np.asarray(case.values)
        if values.shape != (3,) or not np.allclose(
            values[:2], case.expected, rtol=1e-5
        ):
            return False
    return bool(trial.cases)


FAST_STEP_64 = Exercise(
    key="08.3",
    deliverable=Function(
        "fast_step_64",
        ("w", "b", "x", "y"),
        Array(shape=lambda args: (2,), dtype="float64"),
    ),
    cases=_step_cases,
    reference=_one_step,
    independent=_one_step_by_sums,
    tolerance=Tolerance(rtol=1e-11, atol=1e-12),
    verified=T(
        "fast_step_64 checked on 3 data sets of the chapter's recipe (2000 points "
        "from (0, 0), then 3000 and 70 000 seeded random points from seeded random "
        "(w, b)) against the chapter's step in float64, within {tolerance}",
        "已在 3 组按原章节方法生成的数据（2000 个点，从 (0, 0) 出发；以及 3000 和 70 000 个"
        "固定种子的随机点，从固定种子的随机 (w, b) 出发）上将 fast_step_64 与原章节"
        "的 float64 单步更新对照验证，误差在 {tolerance} 以内",
    ),
    mistakes=[
        Mistake(
            id="with_loss",
            detect=_with_loss,
            name=T(
                "fast_step_64 returns three numbers: numpy_fast_step's loss came along.",
                "fast_step_64 返回了三个数：numpy_fast_step 返回的损失也跟着带了出来。",
            ),
            advice=T(
                "numpy_fast_step returns (w, b, loss before the step): keep the "
                "first two, w_new, b_new, _ = numpy_fast_step(…).",
                "numpy_fast_step 返回 (w, b, 更新前的损失)：只保留前两个，"
                "w_new, b_new, _ = numpy_fast_step(…)。",
            ),
            section=SECTION_PASSES,
            example=lambda: _fast_step_64(with_loss=True),
        ),
        Mistake(
            id="float32",
            detect=d.float32_accuracy(),
            name=T(
                "fast_step_64 computes in float32: the data or the residual "
                "buffer is float32.",
                "fast_step_64 用 float32 计算：数据或残差缓冲区是 float32。",
            ),
            advice=T(
                "Keep x and y float64 and give numpy_fast_step a float64 buffer, "
                "np.empty(2**16): a float32 buffer rounds every residual to float32.",
                "保持 x 和 y 为 float64，并给 numpy_fast_step 一个 float64 的缓冲区 "
                "np.empty(2**16)：float32 的缓冲区会把每个残差都舍入成 float32。",
            ),
            section=SECTION_PASSES,
            example=lambda: _fast_step_64(buffer_dtype=np.float32),
        ),
    ],
    hints=[
        T(
            "numpy_fast_step works in whatever dtype its arrays have: the "
            "residual is written into the buffer you pass.",
            "numpy_fast_step 用它拿到的数组的数据类型计算：残差写进你传入的缓冲区。",
        ),
        T(
            "Pass x and y as they are (float64) with buffer = np.empty(2**16) "
            "(float64), and return the first two of the three numbers it returns, "
            "as one float64 array.",
            "直接传入 x 和 y（float64），缓冲区用 np.empty(2**16)（float64），"
            "再把它返回的三个数中的前两个作为一个 float64 数组返回。",
        ),
    ],
    solution=_fast_step_64,
    seed=83,
)

EXERCISES = [FIT_BY_STATISTICS, FIT_SIGNED, FAST_STEP_64]
