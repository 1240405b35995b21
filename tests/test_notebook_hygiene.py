"""Rules every stored notebook follows, in both editions (docs/DESIGN.md,
"Anatomy of a notebook")."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from notebook_files import CHINESE, NOTEBOOK_IDS, NOTEBOOKS, notebook_id

from nbtools import catalog, strings
from nbtools.layout import Tag, edition_of
from nbtools.layout import tags as _tags

LOG_NOISE = re.compile(
    r"(^[IWEF]\d{4} |tensorflow/core|oneDNN|cuda|absl::|WARNING: All log messages"
    r"|TF-TRT|XLA service|rebuild TensorFlow)",
    re.IGNORECASE | re.MULTILINE,
)
# Absolute paths of this machine; tracebacks keep library paths only as
# "<venv>/lib/...", which nbtools/notebook_io.py substitutes.
MACHINE_PATH = re.compile(r"((?<![\w>.~])/(work|home|root|tmp|usr|opt|var)/|\.venv/)")
TF_WARNING = re.compile(r"^(INFO|WARNING|ERROR):tensorflow:", re.MULTILINE)
MEMORY_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
# The headings of the anatomy, per edition.
ANATOMY = ("summary", "exercises", "exercise", "reading", "check")


def _words(path: Path) -> dict[str, str]:
    return {k: strings.text(edition_of(path), f"heading.{k}") for k in ANATOMY}


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_name_and_kernel(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)
    nb = _load(path)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.language_info.name == "python"
    assert "version" not in nb.metadata.language_info, "kernel-version churn"
    nbformat.validate(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_run_once_top_to_bottom(path):
    cells = [c for c in _load(path).cells if c.cell_type == "code"]
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_no_stored_errors(path):
    """A pitfall prints its error (``with H.expect_error(...)``), so that every
    client's Run All goes past it (papermill and Colab stop at an error)."""
    for index, cell in enumerate(_load(path).cells):
        if cell.cell_type != "code":
            continue
        errors = [o.ename for o in cell.outputs if o.output_type == "error"]
        assert errors == [], f"cell {index} stores {errors}: use H.expect_error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_no_log_noise_stderr_or_machine_paths(path):
    for index, cell in enumerate(_load(path).cells):
        warning_expected = Tag.WARNING in _tags(cell)
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_anatomy(path):
    language = edition_of(path)
    words = _words(path)
    nb = _load(path)
    cells = nb.cells
    catalog.title_parts(path, language)  # title line and lesson.summary
    first_code = next(c for c in cells if c.cell_type == "code")
    assert first_code.source.startswith("from toolkit import H")
    assert Tag.IGNORE_OUTPUT in _tags(first_code)
    assert "H.banner()" in first_code.source
    markdown = [c.source for c in cells if c.cell_type == "markdown"]
    assert any(s.startswith(words["summary"]) for s in markdown), words["summary"]
    assert any(words["check"] in s for s in markdown), words["check"]
    assert cells[-1].cell_type == "markdown"
    assert cells[-1].source.startswith(words["reading"]), "ends with Further reading"
    assert "](http" in cells[-1].source, "Further reading links its sources"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_exercises_come_before_their_collapsed_solutions(path):
    """Exercise k: its own markdown cell, an empty code cell tagged
    ``exercise``, then the worked solution in cells tagged ``solution``."""
    words = _words(path)
    cells = _load(path).cells
    starts = [i for i, c in enumerate(cells) if c.source.startswith(words["exercises"])]
    assert len(starts) == 1, f"one '{words['exercises']}' cell"
    i, end, number = starts[0] + 1, len(cells) - 1, 0
    while i < end:
        number += 1
        statement = cells[i]
        assert statement.cell_type == "markdown" and statement.source.startswith(
            f"{words['exercise']} {number}"
        ), f"cell {i}: expected '{words['exercise']} {number}'"
        assert not _tags(statement), f"cell {i}: an exercise statement is not hidden"
        space = cells[i + 1]
        assert space.cell_type == "code" and _tags(space) == [Tag.EXERCISE], (
            f"cell {i + 1}: an empty code cell tagged 'exercise' follows exercise {number}"
        )
        code = [
            ln for ln in space.source.splitlines() if not ln.strip().startswith("#")
        ]
        assert not "".join(code).strip() and not space.outputs, f"cell {i + 1}"
        i += 2
        solution = []
        while i < end and Tag.SOLUTION in _tags(cells[i]):
            solution.append(cells[i])
            i += 1
        assert any(c.cell_type == "code" for c in solution), (
            f"exercise {number}: no executed solution (cells tagged 'solution')"
        )
    assert number >= 1, "at least one exercise"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_solutions_open_collapsed_in_jupyterlab(path):
    for index, cell in enumerate(_load(path).cells):
        hidden = cell.metadata.get("jupyter", {})
        if Tag.SOLUTION in _tags(cell):
            assert hidden.get("source_hidden") is True, f"cell {index}"
            if cell.cell_type == "code":
                assert hidden.get("outputs_hidden") is True, f"cell {index}"
            else:
                assert not re.search(r"^#", cell.source, re.M), (
                    f"cell {index}: no headings inside a solution"
                )
        else:
            assert not hidden, f"cell {index}: collapsed but not a solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_figures_end_with_plt_show(path):
    for index, cell in enumerate(_load(path).cells):
        if cell.cell_type == "code" and any(
            "image/png" in o.get("data", {}) for o in cell.outputs
        ):
            assert cell.source.rstrip().endswith("plt.show()"), (
                f"cell {index}: end plotting cells with plt.show()"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_only_known_metadata(path):
    nb = _load(path)
    assert set(nb.metadata) <= {"kernelspec", "language_info", "lesson"}
    allowed = {"tags", "jupyter"} | ({"translation"} if path in CHINESE else set())
    for index, cell in enumerate(nb.cells):
        assert set(cell.metadata) <= allowed, f"cell {index}: {dict(cell.metadata)}"
        unknown = set(_tags(cell)) - Tag.ALL
        assert not unknown, (
            f"cell {index}: unknown tags {unknown} ({notebook_id(path)})"
        )
