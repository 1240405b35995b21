"""The gradient-descent benchmark measures correct code, and reports it.

Every timed method must take the same steps as the chapter's NumPy code;
a fast method that computes something else would make the table meaningless.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks import exercise_checks
from benchmarks import gradient_descent as bench
from toolkit.data import make_linear_data

STEPS = 4


def chapter_params(x, y, steps):
    w, b = 0.0, 0.0
    for _ in range(steps):
        w, b = bench.step_gradient(w, b, x, y, bench.LR)
    return w, b


# N = 100 is the chapter's size; 101 is prime, so the fused XLA method cannot
# fold the data into rows and must still be right.
@pytest.mark.parametrize("n", [100, 101])
@pytest.mark.parametrize("method", bench.METHODS, ids=[m.key for m in bench.METHODS])
def test_every_method_takes_the_chapters_steps(method, n, monkeypatch):
    monkeypatch.setattr(bench, "NUMPY_BLOCK", 16)  # several blocks, a partial last one
    x, y = make_linear_data(n)
    runner = method.make(x, y, STEPS)
    assert STEPS % runner.steps == 0
    for _ in range(STEPS // runner.steps):
        runner.run()
    expected = chapter_params(x, y, STEPS)
    assert abs(expected[1]) > 1e-3  # b has moved: the check is not trivially 0 == 0
    np.testing.assert_allclose(runner.params(), expected, rtol=2e-6, atol=1e-7)


def test_main_prints_the_table_and_writes_json(tmp_path, capsys):
    argv = ["--sizes", "100", "--budget", "0.01", "--out", str(tmp_path)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    for method in bench.METHODS:
        assert method.label in out
    assert "N = 1e2" in out and "Headline ratios (this run):" in out

    report = json.loads((tmp_path / "gradient_descent.json").read_text())
    assert {"machine", "caches", "floors", "results", "headline"} <= set(report)
    assert report["machine"]["cores"] >= 1 and report["machine"]["tensorflow"]
    # one floor per data size: x and y of N = 100 in float32 and in float64
    assert [f["bytes"] for f in report["floors"]] == [800, 1600]
    for f in report["floors"]:
        assert f["bytes_per_s"] == max(
            f["one_thread_bytes_per_s"], f["all_threads_bytes_per_s"]
        )
        assert f["bytes_per_s"] > 0
    rows = {r["method"]: r for r in report["results"]}
    assert set(rows) == {m.key for m in bench.METHODS}
    assert rows["numpy_chapter"]["vs_numpy"] == 1.0
    for row in rows.values():
        assert row["n"] == 100 and len(row["samples_s"]) >= 3
        assert row["median_s"] > 0 and row["vs_floor"] > 0
        nbytes = 2 * 100 * np.dtype(row["dtype"]).itemsize
        rate = next(f["bytes_per_s"] for f in report["floors"] if f["bytes"] == nbytes)
        assert row["floor_s"] == pytest.approx(nbytes / rate)
    assert [h["method"] for h in report["headline"]] == list(bench.LOOPS)


def test_headline_ratios_use_the_fastest_compiled_method():
    def row(method, n, median, floor):
        return dict(method=method, n=n, median_s=median, vs_floor=median / floor)

    results = [
        row("numpy_chapter", 10**6, 8e-3, 1e-3),
        row("tf_function", 10**6, 3e-3, 0.5e-3),
        row("xla_fused", 10**6, 0.7e-3, 0.5e-3),
    ]
    for r in results:
        r["vs_numpy"] = r["median_s"] / 8e-3
    vs_floor, vs_numpy = bench.headline_ratios(results)
    assert vs_floor["method"] == vs_numpy["method"] == "xla_fused"
    assert vs_floor["ratio"] == pytest.approx(1.4)
    assert vs_numpy["ratio"] == pytest.approx(0.7e-3 / 8e-3)
    assert set(vs_floor) == set(vs_numpy) == {"measure", "method", "ratio"}
    assert "N = 1e6" in vs_floor["measure"] and "floor" in vs_floor["measure"]


def test_read_rate_reads_every_slice_and_small_arrays_repeatedly():
    # 10 floats on 3 threads: slices of 4, 3 and 3; re-read until 4 KiB were read
    best, samples = bench.read_rate(40, threads=3, repeats=2, min_bytes=4096)
    assert len(samples) == 2 and best == max(samples) > 0


def test_cache_sizes_and_where_data_fit():
    caches = {"L1d": 32 * 2**10, "L2": 2**20, "L3": 32 * 2**20}
    assert bench.fits_in(800, caches) == "L1d"
    assert bench.fits_in(8 * 10**6, caches) == "L3"
    assert bench.fits_in(8 * 10**7, caches) == "memory"
    assert bench.fits_in(1, {}) == "memory"
    for name, value in bench.cache_sizes().items():  # this machine's, if Linux
        assert name in {"L1d", "L2", "L3", "L4"} and value > 0


def test_exercise_checks_prints_and_writes_medians(tmp_path, capsys):
    argv = ["--repeats", "2", "--out", str(tmp_path), "01.1", "02.1"]
    assert exercise_checks.main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == ["01.1", "02.1"]
    assert all(line.endswith("ms per check") for line in out)
    report = json.loads((tmp_path / "exercise_checks.json").read_text())
    assert set(report["median_s"]) == {"01.1", "02.1"} and report["repeats"] == 2
    assert all(t > 0 for t in report["median_s"].values())


def test_exercise_checks_names_an_unknown_exercise(tmp_path, capsys):
    with pytest.raises(SystemExit):
        exercise_checks.main(["--out", str(tmp_path), "01.1", "99.9"])
    assert "no such exercise: 99.9" in capsys.readouterr().err
    assert not (tmp_path / "exercise_checks.json").exists()
