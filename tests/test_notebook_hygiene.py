"""Rules every stored notebook follows (see DESIGN.md, "Anatomy")."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from notebook_files import NOTEBOOK_IDS as IDS
from notebook_files import NOTEBOOKS

LOG_NOISE = re.compile(
    r"(^[IWEF]\d{4} |tensorflow/core|oneDNN|cuda|absl::|WARNING: All log messages"
    r"|TF-TRT|XLA service|rebuild TensorFlow)",
    re.IGNORECASE | re.MULTILINE,
)
# Absolute paths of this machine; tracebacks keep library paths only as
# "<venv>/lib/...", which tools/notebook_io.py substitutes.
MACHINE_PATH = re.compile(r"((?<![\w>.~])/(work|home|root|tmp|usr|opt|var)/|\.venv/)")
# A cell may print a warning (to stderr, or TensorFlow's logger, which
# writes to stdout in Jupyter) only when it shows one on purpose.
WARNING_TAG = "warning-expected"
TF_WARNING = re.compile(r"^(WARNING|ERROR):tensorflow:", re.MULTILINE)
MEMORY_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


def _load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _texts(output) -> list[str]:
    if output.output_type == "stream":
        return [output.text]
    if output.output_type == "error":
        return [output.ename, output.evalue, *output.traceback]
    return [v for k, v in output.get("data", {}).items() if k.startswith("text/")]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"
    assert NOTEBOOKS[0].name == "01_gradient_tape.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_name_and_kernel(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)
    nb = _load(path)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.language_info.name == "python"
    assert "version" not in nb.metadata.language_info, "kernel-version churn"
    nbformat.validate(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_run_once_top_to_bottom(path):
    cells = [c for c in _load(path).cells if c.cell_type == "code"]
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_errors_only_where_tagged_and_tagged_cells_raise(path):
    for index, cell in enumerate(_load(path).cells):
        if cell.cell_type != "code":
            continue
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert bool(errors) == tagged, f"cell {index}: " + (
            "tagged raises-exception but raised nothing" if tagged else "error"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_log_noise_stderr_or_machine_paths(path):
    for index, cell in enumerate(_load(path).cells):
        warning_expected = WARNING_TAG in cell.metadata.get("tags", [])
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and not warning_expected:
                assert output.name != "stderr", (
                    f"cell {index} wrote to stderr: {output.text[:200]!r}"
                )
                assert not TF_WARNING.search(output.text), (
                    f"cell {index} logged a TensorFlow warning: {output.text[:200]!r}"
                )
            for text in _texts(output):
                found = MEMORY_ADDRESS.search(text)
                assert not found, f"cell {index}: memory address {found[0]} in output"
                assert not LOG_NOISE.search(text), f"cell {index}: log noise {text!r}"
                found = MACHINE_PATH.search(text)
                assert not found, f"cell {index}: machine path {found[0]!r} in {text!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_anatomy(path):
    cells = _load(path).cells
    assert cells[0].cell_type == "markdown"
    assert re.match(r"# \d\d · .+ — .+", cells[0].source), "title: NN · English — 中文"
    first_code = next(c for c in cells if c.cell_type == "code")
    assert first_code.source.startswith("from toolkit import H")
    assert "nbval-ignore-output" in first_code.metadata.get("tags", [])
    assert "H.banner()" in first_code.source
    headings = [c.source for c in cells if c.cell_type == "markdown"]
    assert any("## Summary" in s for s in headings)
    assert any("## Exercises" in s for s in headings)
    assert any("Check it" in s for s in headings)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_end_with_plt_show(path):
    for index, cell in enumerate(_load(path).cells):
        if cell.cell_type == "code" and any(
            "image/png" in o.get("data", {}) for o in cell.outputs
        ):
            assert cell.source.rstrip().endswith("plt.show()"), (
                f"cell {index}: end plotting cells with plt.show()"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_only_tags_in_cell_metadata(path):
    for index, cell in enumerate(_load(path).cells):
        assert set(cell.metadata) <= {"tags"}, f"cell {index}: {dict(cell.metadata)}"
