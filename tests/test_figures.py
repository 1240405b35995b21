"""Stored figures are compared with what the notebook draws now."""

from __future__ import annotations

import base64
import io
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from notebook_files import ROOT  # noqa: E402

from nbtools import execute  # noqa: E402
from nbtools.figures import difference, stale_figures  # noqa: E402
from nbtools.layout import Tag  # noqa: E402
from nbtools.notebook_io import normalise, read, write_atomic  # noqa: E402
from toolkit.plotting import apply_style  # noqa: E402


def _png(label="tape", scale=1.0, size=(5, 3)) -> bytes:
    apply_style()
    x = np.linspace(-2, 2, 81)
    fig, ax = plt.subplots(figsize=size)
    ax.plot(x, scale * x**2, label=label)
    ax.set_title("函数 (function)")
    ax.legend()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def test_the_same_figure_matches_itself():
    assert difference(_png(), _png()) is None


def test_noise_in_the_data_is_tolerated():
    for noise in (1e-12, 1e-6, 1e-4):
        assert difference(_png(), _png(scale=1 + noise)) is None


def test_a_changed_legend_word_is_caught():
    why = difference(_png("tape"), _png("tapes"))
    assert why is not None and "pixels changed" in why


def test_a_changed_curve_or_size_is_caught():
    assert difference(_png(), _png(scale=1.001)) is not None
    assert "size" in difference(_png(), _png(size=(5, 4)))


def test_base64_text_as_notebooks_store_it():
    text = base64.b64encode(_png()).decode()
    stored = [{"output_type": "display_data", "data": {"image/png": text}}]
    assert stale_figures(stored, stored) == []
    assert stale_figures(stored, []) == ["1 figure(s) stored, 0 drawn now"]


def test_nbval_fails_a_stale_figure_and_a_cell_that_fails_when_run_again(tmp_path):
    """The repository's conftest compares figures and runs every cell again:
    a notebook executed with one legend, then edited to draw another, fails
    under nbval; so does a cell that passes once and raises the second time
    (the second run makes its figures without drawing them). A cell tagged
    new-processes is not run again: the same assertion, so tagged, passes."""
    code = (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(4, 3))\n"
        "ax.plot([0, 1, 2], [0, 1, 4], label='LABEL')\n"
        "ax.legend()\n"
        "plt.show()"
    )
    once = "assert 'ran' not in globals(), 'ran before'\nran = True"
    skipped = nbformat.v4.new_code_cell(once.replace("ran", "started"), id="c1")
    skipped.metadata["tags"] = [Tag.NEW_PROCESSES]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(code.replace("LABEL", "old"), id="c0"),
        skipped,
        nbformat.v4.new_code_cell(once, id="c2"),
    ]
    path = tmp_path / "01_figure.ipynb"
    write_atomic(normalise(nb), path)
    write_atomic(execute.execute(path), path)
    nb = read(path)
    assert "image/png" in nb.cells[0].outputs[0]["data"]
    nb.cells[0].source = code.replace("LABEL", "a new legend")
    write_atomic(nb, path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-n", "0", "-q", "-rf",
         "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"), str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout[-2000:]
    assert "stored figure out of date" in run.stdout
    assert "second run, code cell 2 raised AssertionError: ran before" in run.stdout
    assert "2 failed, 2 passed" in run.stdout, run.stdout[-2000:]
