"""Time one gradient-descent step of the chapter's linear regression, seven ways.

The model is the chapter's: y = w·x + b, mean squared error, learning rate 0.02,
data from ``toolkit.data.make_linear_data`` (the chapter's recipe, seeded).
For N = 1e2 … 1e7 points this times:

* the chapter's NumPy code (``step_gradient`` then ``mse``, as in its loop);
* NumPy written for speed: float32, one pass over memory (cache-sized blocks);
* the chapter's TensorFlow loop body (tape + Keras SGD), eagerly;
* that step as a ``tf.function``, called from a Python loop;
* the whole 100-step loop inside one ``tf.function``;
* the same with XLA (``jit_compile=True``);
* the 100-step loop with XLA and an analytic gradient computed in one fused
  pass (``xla_fused``, see :func:`fused_sums`).

It reports the median time per step, its ratio to the chapter's NumPy code and
to the memory-bandwidth floor: the bytes a step must read (x and y once each,
in the dtype the method uses) divided by a read bandwidth measured in the same
run (``numpy.sum`` over a 256 MiB float32 array, one thread; the rate on two
threads is recorded too, since TensorFlow and XLA use both cores). Results go to a
table on stdout and to ``benchmarks/results/gradient_descent.json`` (git-ignored).

Run with ``make bench`` (``python -m benchmarks.gradient_descent``);
``--sizes 100 1000`` and ``--budget`` give quick runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from toolkit.session import quiet_tensorflow, single_threaded_blas

quiet_tensorflow()  # before TensorFlow is imported
single_threaded_blas()  # before NumPy is imported: as in the notebooks

# isort: split
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from toolkit.data import make_linear_data  # noqa: E402
from toolkit.files import write_text_atomic  # noqa: E402

LR = 0.02  # the chapter's learn_ratio / lr
STEPS = 100  # the chapter's max_iter: the compiled loops run this many steps per call
SIZES = tuple(10**k for k in range(2, 8))
RESULTS_DIR = Path(__file__).resolve().parent / "results"
BANDWIDTH_BYTES = 256 * 2**20  # the array summed to measure the read bandwidth
NUMPY_BLOCK = 2**16  # float32 elements per block: x, y and r blocks fit in L2
XLA_ROWS = 32  # the fused XLA step views the data as [rows, N / rows]; see fused_sums


# --- The chapter's NumPy code (section "NumPy 实现梯度下降"), unchanged ------------
# 定义mse损失函数
def mse(w, b, X, y):
    y_predict = w * X + b
    total_error = np.sum((y - y_predict) ** 2)
    mse = total_error / float(len(y))
    return mse


# 更新梯度
def step_gradient(w_current, b_current, X, y, learn_ratio):
    w_gradient = 0
    b_gradient = 0
    num = len(y)
    w_gradient += (2 / num) * np.sum(X * ((w_current * X + b_current) - y))
    b_gradient += (2 / num) * np.sum((w_current * X + b_current) - y)
    w_new = w_current - learn_ratio * w_gradient
    b_new = b_current - learn_ratio * b_gradient
    return w_new, b_new


# --- NumPy written for speed ---------------------------------------------------
def numpy_fast_step(w, b, x, y, scratch, lr=LR):
    """One step on float32 data reading x and y from memory once.

    The residual r = w·x + b - y of one block at a time lives in ``scratch``
    (cache-sized), and the three sums a step needs (Σ x·r, Σ r, Σ r²) are
    taken from it while it is still in cache. Returns (w, b, loss), the loss
    at the parameters the step started from.
    """
    n = len(x)
    sum_xr = sum_r = sum_rr = 0.0
    for start in range(0, n, NUMPY_BLOCK):
        xb, yb = x[start : start + NUMPY_BLOCK], y[start : start + NUMPY_BLOCK]
        r = scratch[: len(xb)]
        np.multiply(xb, w, out=r)
        r += b
        r -= yb
        sum_xr += float(np.dot(xb, r))
        sum_r += float(r.sum())
        sum_rr += float(np.dot(r, r))
    return w - lr * 2 / n * sum_xr, b - lr * 2 / n * sum_r, sum_rr / n


# --- TensorFlow ------------------------------------------------------------------
def chapter_tf_step(variables, optimizer, X, y, num):
    """The body of the chapter's ``gradient_descent_tf`` loop (without the print)."""
    w, b = variables
    with tf.GradientTape() as tape:
        y_pred = w * X + b
        loss = tf.reduce_sum(tf.square(y_pred - y)) / num

    # 计算梯度
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(grads_and_vars=zip(grads, variables, strict=True))
    return loss


def fused_sums(w, b, X, Y):
    """[Σ x·r, Σ r, Σ r²] for r = w·x + b - y, with X, Y of shape [rows, N / rows].

    For the tape's version of this step XLA:CPU writes three N-long arrays
    (the squares for the loss, the two gradients' products) and reads each
    back through a tree of partial sums. Here it writes the residual once and
    sums over the short first axis in vectorised loops (adjacent columns are
    independent sums), leaving N / rows partial sums for the final reduction.
    """
    r = w * X + b - Y
    columns = tf.stack(
        [tf.reduce_sum(X * r, 0), tf.reduce_sum(r, 0), tf.reduce_sum(r * r, 0)]
    )
    return tf.reduce_sum(columns, axis=1)


def compiled_loop(step, steps, *, jit_compile):
    """``steps`` calls of ``step()`` inside one tf.function; returns the losses."""

    def loop():
        losses = tf.TensorArray(tf.float32, size=steps)
        for i in tf.range(steps):
            losses = losses.write(i, step())
        return losses.stack()

    return tf.function(loop, jit_compile=jit_compile)


# --- Methods: each makes a runner from the float64 data --------------------------
@dataclass
class Runner:
    """``run()`` performs ``steps`` gradient-descent steps; ``params()`` is (w, b)."""

    run: Callable[[], object]
    params: Callable[[], tuple[float, float]]
    steps: int = 1


@dataclass(frozen=True)
class Method:
    key: str
    label: str
    dtype: str  # dtype of the data the method reads (sets its bandwidth floor)
    make: Callable[[np.ndarray, np.ndarray, int], Runner]


def make_numpy_chapter(x, y, steps):
    state = {"w": 0.0, "b": 0.0}

    def run():
        w, b = step_gradient(state["w"], state["b"], X=x, y=y, learn_ratio=LR)
        state.update(w=w, b=b)
        return mse(w, b, x, y)

    return Runner(run, lambda: (state["w"], state["b"]))


def make_numpy_fast(x, y, steps):
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    scratch = np.empty(min(len(x32), NUMPY_BLOCK), dtype=np.float32)
    state = {"w": 0.0, "b": 0.0}

    def run():
        w, b, loss = numpy_fast_step(state["w"], state["b"], x32, y32, scratch)
        state.update(w=w, b=b)
        return loss

    return Runner(run, lambda: (state["w"], state["b"]))


def _tf_setup(x, y):
    """float32 tensors (made once), fresh variables and their optimizer."""
    variables = [tf.Variable(0.0), tf.Variable(0.0)]
    optimizer = tf.keras.optimizers.SGD(learning_rate=LR)
    optimizer.build(variables)  # create its state now, not inside a traced function
    X, Y = tf.constant(x, tf.float32), tf.constant(y, tf.float32)
    return variables, optimizer, X, Y


def _params(variables):
    return lambda: tuple(float(v.numpy()) for v in variables)


def make_tf_eager(x, y, steps):
    variables, optimizer, X, Y = _tf_setup(x, y)
    num = len(y)
    return Runner(
        lambda: chapter_tf_step(variables, optimizer, X, Y, num), _params(variables)
    )


def make_tf_function(x, y, steps):
    variables, optimizer, X, Y = _tf_setup(x, y)
    num = len(y)
    step = tf.function(lambda: chapter_tf_step(variables, optimizer, X, Y, num))
    return Runner(step, _params(variables))


def _make_tf_loop(x, y, steps, jit_compile):
    variables, optimizer, X, Y = _tf_setup(x, y)
    num = len(y)
    loop = compiled_loop(
        lambda: chapter_tf_step(variables, optimizer, X, Y, num),
        steps,
        jit_compile=jit_compile,
    )
    return Runner(loop, _params(variables), steps)


def make_tf_loop(x, y, steps):
    return _make_tf_loop(x, y, steps, jit_compile=False)


def make_tf_loop_xla(x, y, steps):
    return _make_tf_loop(x, y, steps, jit_compile=True)


def make_xla_fused(x, y, steps):
    n = len(y)
    rows = math.gcd(n, XLA_ROWS)  # rows must divide N: the view is a free reshape
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    X = tf.reshape(tf.constant(x, tf.float32), [rows, -1])
    Y = tf.reshape(tf.constant(y, tf.float32), [rows, -1])

    def step():
        sum_xr, sum_r, sum_rr = tf.unstack(fused_sums(w, b, X, Y))
        w.assign_sub(LR * 2 / n * sum_xr)  # plain SGD: w ← w - lr·∂L/∂w
        b.assign_sub(LR * 2 / n * sum_r)
        return sum_rr / n

    return Runner(compiled_loop(step, steps, jit_compile=True), _params([w, b]), steps)


METHODS: tuple[Method, ...] = (
    Method("numpy_chapter", "NumPy, chapter's code", "float64", make_numpy_chapter),
    Method("numpy_fast", "NumPy, float32 one pass", "float32", make_numpy_fast),
    Method("tf_eager", "TF eager, tape + SGD", "float32", make_tf_eager),
    Method("tf_function", "TF tf.function step", "float32", make_tf_function),
    Method("tf_loop", "TF 100-step loop, graph", "float32", make_tf_loop),
    Method("tf_loop_xla", "TF 100-step loop, XLA", "float32", make_tf_loop_xla),
    Method("xla_fused", "XLA loop, fused gradient", "float32", make_xla_fused),
)
BASELINE = "numpy_chapter"
COMPILED = ("tf_function", "tf_loop", "tf_loop_xla", "xla_fused")
LOOPS = ("tf_loop", "tf_loop_xla", "xla_fused")


# --- Measuring -------------------------------------------------------------------
def read_bandwidth(threads=1, nbytes=BANDWIDTH_BYTES, repeats=7):
    """Median bytes/s of ``numpy.sum`` over a float32 array, split over threads."""
    data = np.ones(nbytes // 4, dtype=np.float32)
    parts = np.array_split(data, threads)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(np.sum, parts))  # warm-up: page in, start the threads
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            list(pool.map(np.sum, parts))
            samples.append(data.nbytes / (time.perf_counter() - start))
    return statistics.median(samples), samples


def time_runner(runner, budget, min_samples=3, max_samples=25, min_sample_time=2e-3):
    """Seconds per step, one value per sample, after a warm-up call.

    Fast runners are called several times per sample (at least
    ``min_sample_time`` each); the number of samples fits ``budget`` seconds,
    within [min_samples, max_samples].
    """
    runner.run()  # warm-up: traces and compiles
    start = time.perf_counter()
    runner.run()
    once = time.perf_counter() - start
    calls = max(1, math.ceil(min_sample_time / max(once, 1e-9)))
    samples = min(max_samples, max(min_samples, int(budget / (once * calls))))
    per_step = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(calls):
            runner.run()
        per_step.append((time.perf_counter() - start) / (calls * runner.steps))
    return per_step


def bench_size(n, bandwidth, budget, methods=METHODS):
    """Time every method at N = n; returns one result dict per method."""
    x, y = make_linear_data(n)
    rows = []
    for method in methods:
        runner = method.make(x, y, STEPS)
        samples = time_runner(runner, budget)
        median = statistics.median(samples)
        floor = 2 * n * np.dtype(method.dtype).itemsize / bandwidth
        rows.append(
            {
                "method": method.key,
                "label": method.label,
                "n": n,
                "dtype": method.dtype,
                "steps_per_call": runner.steps,
                "samples_s": samples,
                "median_s": median,
                "floor_s": floor,
                "vs_floor": median / floor,
            }
        )
        del runner
    base = next(r["median_s"] for r in rows if r["method"] == BASELINE)
    for row in rows:
        row["vs_numpy"] = row["median_s"] / base
    return rows


def headline_ratios(results):
    """The ratios the README quotes, read off one run's medians: the best
    compiled method against the floor and the chapter's NumPy for N >= 1e6,
    and each 100-step loop against NumPy per step at the chapter's N = 100."""
    ratios = []
    by = {(r["method"], r["n"]): r for r in results}
    for n in sorted({r["n"] for r in results if r["n"] >= 10**6}):
        best = min((by[m, n] for m in COMPILED if (m, n) in by), key=_median)
        for against, key in (
            ("floor", "vs_floor"),
            ("the chapter's NumPy", "vs_numpy"),
        ):
            ratios.append(
                {
                    "measure": f"fastest compiled method vs {against}, N = {_n(n)}",
                    "method": best["method"],
                    "ratio": best[key],
                }
            )
    for m in LOOPS:
        if (m, 100) in by:
            ratios.append(
                {
                    "measure": "100-step loop per step vs the chapter's NumPy, N = 1e2",
                    "method": m,
                    "ratio": by[m, 100]["vs_numpy"],
                }
            )
    return ratios


def _median(row):
    return row["median_s"]


# --- Reporting -------------------------------------------------------------------
def machine_info():
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def _n(n):
    """10000 -> "1e4", 12345 -> "12345"."""
    exponent = round(math.log10(n))
    return f"1e{exponent}" if n == 10**exponent else str(n)


def _ratio(value):
    return f"{value:,.0f}x" if value >= 100 else f"{value:.3g}x"


def _duration(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_table(report):
    """The report as text: one block per N, then the headline ratios."""
    bw = report["bandwidth"]
    lines = [
        f"{report['machine']['cpu']}, {report['machine']['cores']} cores; "
        f"Python {report['machine']['python']}, NumPy {report['machine']['numpy']}, "
        f"TensorFlow {report['machine']['tensorflow']}",
        f"read bandwidth (numpy.sum over 256 MiB float32, median of "
        f"{len(bw['samples_bytes_per_s'])}): {bw['bytes_per_s'] / 1e9:.1f} GB/s on one "
        f"thread (used for the floor), {bw['two_threads_bytes_per_s'] / 1e9:.1f} GB/s "
        "on two",
        "times are medians per gradient-descent step; "
        "floor = bytes of x and y / read bandwidth",
    ]
    width = max(len(m.label) for m in METHODS)
    for n in sorted({r["n"] for r in report["results"]}):
        rows = [r for r in report["results"] if r["n"] == n]
        lines += ["", f"N = {_n(n)}", ""]
        lines.append(
            f"  {'method':<{width}}  {'time/step':>10}  {'vs NumPy':>9}  "
            f"{'vs floor':>9}  samples"
        )
        for r in rows:
            lines.append(
                f"  {r['label']:<{width}}  {_duration(r['median_s']):>10}  "
                f"{_ratio(r['vs_numpy']):>9}  {_ratio(r['vs_floor']):>9}  "
                f"{len(r['samples_s'])}"
            )
    if report["headline"]:
        lines += ["", "Headline ratios (this run):"]
        for h in report["headline"]:
            lines.append(f"  {h['measure']}: {h['method']} {_ratio(h['ratio'])}")
    return "\n".join(lines)


def write_json(report, directory=RESULTS_DIR):
    """Write the report to ``directory/gradient_descent.json`` (atomically)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=1, ensure_ascii=False) + "\n"
    return write_text_atomic(directory / "gradient_descent.json", text)


def run(sizes=SIZES, budget=0.6, methods=METHODS, log=print):
    """Measure everything; returns the report (a JSON-ready dict)."""
    started = dt.datetime.now().isoformat(timespec="seconds")
    clock = time.perf_counter()
    bandwidth, samples = read_bandwidth()
    bandwidth_2, samples_2 = read_bandwidth(threads=2)  # for reference only
    results = []
    for n in sizes:
        log(f"N = {_n(n)} …", file=sys.stderr, flush=True)
        results += bench_size(n, bandwidth, budget, methods)
    return {
        "started": started,
        "wall_time_s": time.perf_counter() - clock,
        "machine": machine_info(),
        "settings": {"lr": LR, "steps_per_loop": STEPS, "budget_s": budget},
        "bandwidth": {
            "bytes_per_s": bandwidth,
            "samples_bytes_per_s": samples,
            "two_threads_bytes_per_s": bandwidth_2,
            "two_threads_samples_bytes_per_s": samples_2,
        },
        "methods": [
            {k: v for k, v in asdict(m).items() if k != "make"} for m in methods
        ],
        "results": results,
        "headline": headline_ratios(results),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--budget", type=float, default=0.6, help="s per measurement")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        parser.error("--sizes must be positive integers")
    report = run(args.sizes, args.budget)
    print(format_table(report))
    path = write_json(report, args.out)
    print(f"\nwrote {path} ({report['wall_time_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
