"""Rules every stored notebook follows, in both editions (docs/DESIGN.md,
"Anatomy of a notebook")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from notebook_files import CHINESE, ENGLISH, NOTEBOOK_IDS, NOTEBOOKS, notebook_id

from nbtools import catalog, strings
from nbtools.layout import FIRST_CELL_PRELUDE, Tag, edition_of
from nbtools.layout import tags as _tags
from nbtools.translation import code_tokens
from toolkit import exercises

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
    # The import block, token for token (a Chinese edition translates its comments).
    prelude = code_tokens(FIRST_CELL_PRELUDE)
    assert code_tokens(first_code.source)[: len(prelude)] == prelude, "first import"
    assert Tag.IGNORE_OUTPUT in _tags(first_code)
    assert "H.banner()" in first_code.source
    markdown = [c.source for c in cells if c.cell_type == "markdown"]
    assert any(s.startswith(words["summary"]) for s in markdown), words["summary"]
    assert any(words["check"] in s for s in markdown), words["check"]
    assert cells[-1].cell_type == "markdown"
    assert cells[-1].source.startswith(words["reading"]), "ends with Further reading"
    assert "](http" in cells[-1].source, "Further reading links its sources"


def _placeholders(source: str) -> list[str] | None:
    """The names a learner's cell defines as placeholders (``name = ...`` or
    ``def name(args): ...``, which a last line may call to try it), or None
    when it holds anything else."""
    names = []
    for statement in ast.parse(source).body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
            and statement.value.value is Ellipsis
        ):
            names.append(statement.targets[0].id)
        elif isinstance(statement, ast.FunctionDef) and all(
            isinstance(s, ast.Pass)
            or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            for s in statement.body
        ):
            names.append(statement.name)
        elif not (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id in names
        ):
            return None
    return names


def _text(cell) -> str:
    return "".join(t for o in cell.get("outputs", []) for t in _texts(o))


def test_placeholders_are_recognised():
    assert _placeholders("# Your code here") == []
    assert _placeholders("# answer\nslope = ...") == ["slope"]
    assert _placeholders("def f(xs):\n    ...  # your code") == ["f"]
    assert _placeholders("slope = 0.5") is None
    assert _placeholders("def f(xs):\n    return xs") is None
    assert _placeholders("def f(xs):\n    # code\n    ...\n\n\nf([0.0])") == ["f"]
    assert _placeholders("def f(xs):\n    ...\n\n\nprint(1)") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_exercises_come_before_their_collapsed_solutions(path):
    """Exercise k: its own markdown cell; the learner's code cell tagged
    ``exercise`` (comments, and at most the placeholder of the deliverable:
    ``name = ...`` or ``def name(...): ...``); a check cell tagged ``check``
    that is exactly ``H.check("NN.k")``, stored with the ``○`` line; then the
    worked solution in cells tagged ``solution``, whose last code cell ends
    with the same call and stores a ``✓``."""
    words = _words(path)
    cells = _load(path).cells
    number_of_notebook = path.name[:2]
    starts = [i for i, c in enumerate(cells) if c.source.startswith(words["exercises"])]
    assert len(starts) == 1, f"one '{words['exercises']}' cell"
    i, end, number = starts[0] + 1, len(cells) - 1, 0
    while i < end:
        number += 1
        key = f"{number_of_notebook}.{number}"
        statement = cells[i]
        assert statement.cell_type == "markdown" and statement.source.startswith(
            f"{words['exercise']} {number}"
        ), f"cell {i}: expected '{words['exercise']} {number}'"
        assert not _tags(statement), f"cell {i}: an exercise statement is not hidden"
        space = cells[i + 1]
        assert space.cell_type == "code" and _tags(space) == [Tag.EXERCISE], (
            f"cell {i + 1}: a code cell tagged 'exercise' follows exercise {number}"
        )
        assert not space.outputs, f"cell {i + 1}: the learner's cell has no output"
        placeholders = _placeholders(space.source)
        assert placeholders is not None, (
            f"cell {i + 1}: the learner's cell holds comments and at most a "
            "placeholder (name = ... or def name(...): ...)"
        )
        i += 2
        deliverable = exercises.get(key).deliverable.name
        assert placeholders in ([], [deliverable]), (
            f"cell {i - 1}: placeholders {placeholders}, the exercise asks "
            f"for {deliverable!r}"
        )
        call = f'H.check("{key}")'
        check = cells[i]
        assert check.cell_type == "code" and _tags(check) == [Tag.CHECK], (
            f"cell {i}: a check cell tagged 'check' follows the learner's cell"
        )
        assert check.source == call, f"cell {i}: exactly {call}"
        assert _text(check).startswith("○"), (
            f"cell {i}: stored output is not the 'not attempted' line"
        )
        i += 1
        solution = []
        while i < end and Tag.SOLUTION in _tags(cells[i]):
            solution.append(cells[i])
            i += 1
        code = [c for c in solution if c.cell_type == "code"]
        assert code, (
            f"exercise {number}: no executed solution (cells tagged 'solution')"
        )
        last = code[-1]
        assert last.source.rstrip().endswith(f"\n{call}"), (
            f"exercise {number}: the solution's last code cell ends with {call}"
        )
        assert any(ln.startswith("✓") for ln in _text(last).splitlines()), (
            f"exercise {number}: the stored solution does not pass its check"
        )
    assert number >= 1, "at least one exercise"
    assert number == len(exercises.exercises_of(number_of_notebook)), (
        f"toolkit/exercises/nb{number_of_notebook}.py has another number of exercises"
    )


def test_every_notebook_has_its_exercise_specs():
    assert sorted(exercises.notebooks()) == sorted(p.name[:2] for p in ENGLISH)


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


def test_only_the_workers_of_notebook_12_skip_the_second_run():
    """The tests' second run skips cells tagged new-processes (conftest.py).
    The tag belongs where a cell's work runs in new processes, in a new
    folder and network: notebook 12's workers. Anywhere else it would hide a
    cell from the second run, so it is refused (the Chinese edition has the
    same tags: tests/test_translation.py)."""
    tagged = [
        (path.name, "run_workers(" in cell.source)
        for path in ENGLISH
        for cell in _load(path).cells
        if Tag.NEW_PROCESSES in _tags(cell)
    ]
    assert tagged == [("12_distributed_gradients.ipynb", True)], tagged
