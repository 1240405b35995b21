"""The README's notebook table lists exactly the notebooks that exist."""

import re

from notebook_files import NOTEBOOKS, ROOT


def test_readme_table_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\((notebooks/\d\d_\w+\.ipynb)\)", readme)
    existing = [f"notebooks/{p.name}" for p in NOTEBOOKS]
    assert sorted(linked) == existing
    assert readme.index("make html") < readme.index("make lab")
