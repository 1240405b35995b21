"""Learners run cells again: every notebook must survive "Run All" twice in
the same kernel (no state that a later cell breaks for an earlier one)."""

from __future__ import annotations

import copy

import nbformat
import pytest
from notebook_files import NOTEBOOK_IDS, NOTEBOOKS

from tools.execute import ExecutionFailed, run
from tools.notebook_io import read


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_run_all_twice_in_one_kernel(path):
    code = [c for c in read(path).cells if c.cell_type == "code"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [copy.deepcopy(c) for c in code + code]
    try:
        run(nb, path.parent)
    except ExecutionFailed as error:
        index = int(str(error).split()[1]) if str(error).startswith("cell ") else -1
        lap = "second" if index >= len(code) else "first"
        pytest.fail(f"{path.name}, {lap} run: {error}")
