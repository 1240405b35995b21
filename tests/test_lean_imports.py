"""nbtools/lean_imports.py: jsonschema's slow optional import is left out
where the project starts Python, and notebooks are still validated."""

from __future__ import annotations

import subprocess
import sys

import nbformat

from nbtools.lean_imports import SKIPPED, skip_iri_format_checks


def test_pytest_loads_it_before_anything_imports_jsonschema():
    assert "jsonschema" in sys.modules  # nbval and nbformat are loaded
    assert SKIPPED in sys.modules and sys.modules[SKIPPED] is None


def test_notebooks_are_still_validated():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1")]
    nbformat.validate(nb)
    nb.cells[0]["outputs"] = [{"output_type": "no such type"}]
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError:
        return
    raise AssertionError("an invalid output passed validation")


def test_too_late_it_changes_nothing(monkeypatch):
    monkeypatch.delitem(sys.modules, SKIPPED)  # jsonschema is imported already
    assert skip_iri_format_checks() is False
    assert SKIPPED not in sys.modules


def test_the_sites_sphinx_configuration_leaves_it_out():
    """Each Sphinx process of the site imports nbtools.site.config in its
    conf.py, before MyST-NB imports nbformat; `make html` imports nbtools.site."""
    code = (
        "import sys, nbtools.site.config, nbformat; "
        f"print(sys.modules[{SKIPPED!r}] is None)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "True", run.stdout + run.stderr
