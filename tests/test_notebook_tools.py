"""The notebook tools: normalisation is stable, writes are atomic, failures
leave the notebook untouched and say where."""

from __future__ import annotations

import nbformat
import pytest

from nbtools import execute
from nbtools.notebook_io import normalise, read, strip_machine_paths, write_atomic


def _notebook(*sources: str, tags=None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Test — 测试")]
    for i, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if tags and i in tags:
            cell.metadata["tags"] = tags[i]
        nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    return nb


def test_normalise_is_idempotent_and_strips_volatile_metadata():
    nb = _notebook("1 + 1", "2")
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nb.metadata["widgets"] = {}
    nb.cells[1].metadata.update({"execution": {"iopub.status.busy": "now"}})
    nb.cells[1].execution_count = 7
    once = nbformat.writes(normalise(nb))
    assert nbformat.writes(normalise(nbformat.reads(once, as_version=4))) == once
    assert "3.11.7" not in once and "iopub" not in once and "widgets" not in once
    assert [c.execution_count for c in nb.cells[1:]] == [1, 2]


def test_consecutive_stream_pieces_are_merged():
    nb = _notebook("print(1)")
    nb.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="w\n"),
        nbformat.v4.new_output("stream", name="stdout", text="c\n"),
    ]
    outputs = normalise(nb).cells[1].outputs
    assert [(o.name, o.text) for o in outputs] == [
        ("stdout", "ab\n"),
        ("stderr", "w\n"),
        ("stdout", "c\n"),
    ]


def test_strip_machine_paths_in_tracebacks():
    import sys

    line = f"File {sys.prefix}/lib/python3.11/site-packages/x.py:3"
    assert (
        strip_machine_paths(line) == "File <venv>/lib/python3.11/site-packages/x.py:3"
    )


def test_write_atomic_refuses_invalid_notebooks_and_keeps_the_file(tmp_path):
    path = tmp_path / "a.ipynb"
    write_atomic(_notebook("1"), path)
    before = path.read_bytes()
    broken = _notebook("1")
    broken.cells[1]["outputs"] = "not a list"
    with pytest.raises(nbformat.ValidationError):
        write_atomic(broken, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]


def test_read_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="expected a .ipynb"):
        read(tmp_path / "a.txt")
    with pytest.raises(ValueError, match="not found"):
        read(tmp_path / "missing.ipynb")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a valid notebook"):
        read(bad)


def test_execute_runs_like_nbval_and_failures_leave_file_untouched(tmp_path, capsys):
    good = tmp_path / "01_good.ipynb"
    write_atomic(
        _notebook("print('hi')", "print(1 + 1)", "x = 1;\nx"),
        good,
    )
    bad = tmp_path / "02_bad.ipynb"
    write_atomic(_notebook("print('ok')", "raise ValueError('boom')"), bad)
    bad_before = bad.read_bytes()

    assert execute.main([str(good), str(bad), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert "02_bad.ipynb: cell 2 failed" in err and "boom" in err
    assert bad.read_bytes() == bad_before

    nb = read(good)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].outputs[0].text == "hi\n"
    assert code[1].outputs[0].text == "2\n"
    # store_history=False, as in nbval: a trailing ';' does not hide the value
    assert [c.execution_count for c in code] == [1, 2, 3]
    first = good.read_bytes()
    assert execute.main([str(good)]) == 0
    assert good.read_bytes() == first, "a second run changes nothing"


def test_a_dead_kernel_names_notebook_and_cell_and_the_run_goes_on(tmp_path, capsys):
    dead = tmp_path / "01_dead.ipynb"
    write_atomic(_notebook("print('ok')", "import os; os._exit(1)", "print(2)"), dead)
    before = dead.read_bytes()
    fine = tmp_path / "02_fine.ipynb"
    write_atomic(_notebook("print('fine')"), fine)
    assert execute.main([str(dead), str(fine), "--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    assert "01_dead.ipynb: cell 2 failed" in err and "DeadKernelError" in err
    assert dead.read_bytes() == before
    assert "1 of 2 notebooks executed" in out
    assert read(fine).cells[1].outputs[0].text == "fine\n"


def test_an_output_that_cannot_be_stored_names_the_notebook(
    tmp_path, capsys, monkeypatch
):
    path = tmp_path / "01_x.ipynb"
    write_atomic(_notebook("print(1)"), path)
    before = path.read_bytes()

    def invalid(nb):
        nb.cells[1]["outputs"] = "not a list"
        return nb

    monkeypatch.setattr(execute, "normalise", invalid)
    assert execute.main([str(path)]) == 1
    err = capsys.readouterr().err
    assert "01_x.ipynb: NotebookValidationError" in err
    assert path.read_bytes() == before
