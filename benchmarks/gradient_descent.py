"""Time one gradient-descent step of the chapter's linear regression, nine ways.

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
  pass over data viewed as [32, N / 32] (``xla_fused``, see :func:`fused_sums`),
  and its two changes one at a time: the formula on the flat data
  (``xla_formula``) and the tape's step on the [32, N / 32] view (``xla_layout``).

It reports the median time per step, its ratio to the chapter's NumPy code and
to a memory-bandwidth floor: the bytes a step must read (x and y once each, in
the dtype the method uses) divided by the fastest rate at which NumPy read an
array of exactly that many bytes in the same run (see :func:`read_rate`: the
best of one thread and of one thread per core, so the floor holds for code that
uses every core, and measured at the data's own size, so data that fit in a
cache are read at that cache's speed). A method below its floor is flagged.
Results go to a table on stdout and to ``benchmarks/results/gradient_descent.json``
(git-ignored).

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

import numpy as np

from toolkit.data import make_linear_data
from toolkit.files import write_text_atomic
from toolkit.session import quiet_tensorflow, single_threaded_blas


class _TensorFlow:
    """``tf``, imported (quietly) on first use. Importing this module changes
    nothing, so the tests can collect it without changing the environment
    that their notebook kernels inherit."""

    def __getattr__(self, name: str):
        quiet_tensorflow()  # before TensorFlow is imported
        import tensorflow

        globals()["tf"] = tensorflow
        return getattr(tensorflow, name)


tf = _TensorFlow()

LR = 0.02  # the chapter's learn_ratio / lr
STEPS = 100  # the chapter's max_iter: the compiled loops run this many steps per call
SIZES = tuple(10**k for k in range(2, 8))
RESULTS_DIR = Path(__file__).resolve().parent / "results"
READ_MIN_BYTES = 2**26  # bytes read per sample of read_rate (small arrays: re-read)
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


def make_xla_layout(x, y, steps):
    """The tape's XLA loop on x and y viewed as [rows, N / rows] (layout alone)."""
    variables, optimizer, X, Y = _tf_setup(x, y)
    n = len(y)
    rows = math.gcd(n, XLA_ROWS)
    X, Y = tf.reshape(X, [rows, -1]), tf.reshape(Y, [rows, -1])
    loop = compiled_loop(
        lambda: chapter_tf_step(variables, optimizer, X, Y, n), steps, jit_compile=True
    )
    return Runner(loop, _params(variables), steps)


def make_xla_formula(x, y, steps):
    """The written-out gradient on the flat data (formula alone): rows = 1."""
    return make_xla_fused(x, y, steps, max_rows=1)


def make_xla_fused(x, y, steps, max_rows=None):
    n = len(y)
    # rows must divide N: the view is a free reshape
    rows = math.gcd(n, XLA_ROWS if max_rows is None else max_rows)
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
    Method("xla_formula", "XLA loop, formula only", "float32", make_xla_formula),
    Method("xla_layout", "XLA loop, [32, N/32] only", "float32", make_xla_layout),
    Method("xla_fused", "XLA loop, fused gradient", "float32", make_xla_fused),
)
BASELINE = "numpy_chapter"
COMPILED = (
    "tf_function",
    "tf_loop",
    "tf_loop_xla",
    "xla_formula",
    "xla_layout",
    "xla_fused",
)
LOOPS = ("tf_loop", "tf_loop_xla", "xla_fused")


# --- Measuring -------------------------------------------------------------------
def read_rate(nbytes, threads=1, repeats=7, min_bytes=READ_MIN_BYTES):
    """Fastest bytes/s (best of ``repeats``) at which ``threads`` threads read
    a float32 array of ``nbytes`` bytes, each thread its own slice.

    Each thread takes ``numpy.max`` of its slice (a vectorised read that
    releases the GIL; ``numpy.sum`` is slower than memory, it cannot keep up
    with the caches). A small array is read ``reps`` times in one call, through
    a view whose first axis has stride 0, so the rate is not that of Python
    calls; the array stays in whatever cache holds it, as a step's data do
    when a step is repeated. The best sample is used: interference from other
    programs only ever makes a sample slower.
    """
    data = np.ones(max(1, nbytes // 4), dtype=np.float32)
    reps = max(1, math.ceil(min_bytes / data.nbytes))
    views = [
        np.lib.stride_tricks.as_strided(
            part, (reps, len(part)), (0, part.strides[0]), writeable=False
        )
        for part in np.array_split(data, threads)
        if len(part)
    ]

    def read(view):
        return view.max(axis=1)

    with ThreadPoolExecutor(len(views)) as pool:
        list(pool.map(read, views))  # warm-up: start the threads, fill the caches
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            list(pool.map(read, views))
            samples.append(reps * data.nbytes / (time.perf_counter() - start))
    return max(samples), samples


def cache_sizes():
    """{"L1d": bytes, "L2": …, "L3": …} of CPU 0, from Linux sysfs ({} elsewhere)."""
    sizes = {}
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            kind = (index / "type").read_text().strip()
            level = (index / "level").read_text().strip()
            text = (index / "size").read_text().strip()
        except OSError:
            continue
        if kind == "Instruction" or not text:
            continue
        size = int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)
        sizes[f"L{level}{'d' if kind == 'Data' else ''}"] = size
    return sizes


def fits_in(nbytes, caches):
    """The smallest cache that holds ``nbytes`` ("memory" if none does)."""
    for name, size in sorted(caches.items(), key=lambda item: item[1]):
        if nbytes <= size:
            return name
    return "memory"


def measure_floors(sizes, dtypes, cores, log=None):
    """{bytes: record} of the read rate for x and y of every size and dtype:
    the best of one thread and of ``cores`` threads."""
    caches = cache_sizes()
    floors = {}
    for n in sizes:
        for dtype in dtypes:
            nbytes = 2 * n * np.dtype(dtype).itemsize
            if nbytes in floors:
                continue
            one, one_samples = read_rate(nbytes, threads=1)
            every, every_samples = read_rate(nbytes, threads=cores)
            floors[nbytes] = {
                "bytes": nbytes,
                "fits_in": fits_in(nbytes, caches),
                "one_thread_bytes_per_s": one,
                "one_thread_samples": one_samples,
                "threads": cores,
                "all_threads_bytes_per_s": every,
                "all_threads_samples": every_samples,
                "bytes_per_s": max(one, every),
            }
    return floors


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


def bench_size(n, floors, budget, methods=METHODS):
    """Time every method at N = n; returns one result dict per method."""
    x, y = make_linear_data(n)
    rows = []
    for method in methods:
        runner = method.make(x, y, STEPS)
        samples = time_runner(runner, budget)
        median = statistics.median(samples)
        nbytes = 2 * n * np.dtype(method.dtype).itemsize
        floor = nbytes / floors[nbytes]["bytes_per_s"]
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
                "data_fits_in": floors[nbytes]["fits_in"],
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


def _bytes(nbytes):
    """800 -> "800 B", 8000000 -> "7.6 MiB"."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} B"


def _duration(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_table(report):
    """The report as text: one block per N, then the headline ratios."""
    machine = report["machine"]
    caches = ", ".join(f"{k} {_bytes(v)}" for k, v in report["caches"].items())
    lines = [
        f"{machine['cpu']}, {machine['cores']} cores ({caches or 'caches unknown'}); "
        f"Python {machine['python']}, NumPy {machine['numpy']}, "
        f"TensorFlow {machine['tensorflow']}; load average at the end "
        + " ".join(f"{x:.2f}" for x in machine["load_average"] or []),
        "times are medians per gradient-descent step; floor = bytes of x and y / "
        "the fastest rate NumPy read that many bytes (best of 1 and "
        f"{machine['cores']} threads)",
        "",
        f"  {'x and y':>9}  {'held in':>7}  {'1 thread':>10}  "
        f"{str(machine['cores']) + ' threads':>10}",
    ]
    for f in report["floors"]:
        lines.append(
            f"  {_bytes(f['bytes']):>9}  {f['fits_in']:>7}  "
            f"{f['one_thread_bytes_per_s'] / 1e9:>5.1f} GB/s  "
            f"{f['all_threads_bytes_per_s'] / 1e9:>5.1f} GB/s"
        )
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
                + ("  BELOW THE FLOOR" if r["vs_floor"] < 1 else "")
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
    cores = os.cpu_count() or 1
    log("read rates …", file=sys.stderr, flush=True)
    floors = measure_floors(sizes, sorted({m.dtype for m in methods}), cores)
    results = []
    for n in sizes:
        log(f"N = {_n(n)} …", file=sys.stderr, flush=True)
        results += bench_size(n, floors, budget, methods)
    return {
        "started": started,
        "wall_time_s": time.perf_counter() - clock,
        "machine": machine_info(),
        "settings": {"lr": LR, "steps_per_loop": STEPS, "budget_s": budget},
        "caches": cache_sizes(),
        "floors": [floors[k] for k in sorted(floors)],
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
    single_threaded_blas()  # NumPy's BLAS as in the notebooks
    report = run(args.sizes, args.budget)
    print(format_table(report))
    path = write_json(report, args.out)
    print(f"\nwrote {path} ({report['wall_time_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
