"""Where everything of the collection lives, and what its cell tags mean.

The one home of: the repository's folders and files, the two editions (a
language, its folder, a notebook's counterpart in the other edition), the
notebooks' file-name pattern, and the cell tags (docs/DESIGN.md, "Cell
tags"). Tools and tests ask here instead of spelling paths or tags again.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
GLOSSARY_NAME = "glossary.md"
GLOSSARY = NOTEBOOKS / GLOSSARY_NAME
READMES = {"en": ROOT / "README.md", "zh": ROOT / "README.zh-CN.md"}

# The editions: a language and its folder inside a notebooks folder.
LANGUAGES = ("en", "zh")
EDITION_SUBDIR = {"en": "", "zh": "zh"}
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


# How every notebook's first code cell begins: the chapter's own import, and
# a clear message where the toolkit is missing (a notebook downloaded from the
# site, before its wheel is installed).
FIRST_CELL_PRELUDE = """try:
    from toolkit import H  # first: silences TensorFlow's C++ logs, sets the plot style
except ModuleNotFoundError as error:  # a downloaded notebook, toolkit not installed
    if error.name != "toolkit":
        raise
    raise ModuleNotFoundError(
        "this notebook needs its toolkit: download the wheel from the site's "
        'index page, then pip install "tf_autodiff_notebooks-*.whl[notebooks]"'
    ) from None
"""


class Tag:
    """The cell tags the collection uses; no other tag is allowed."""

    IGNORE_OUTPUT = "nbval-ignore-output"  # output varies: run, not compared
    WARNING = "warning-expected"  # shows a warning on purpose (stderr allowed)
    EXERCISE = "exercise"  # the learner's empty cell after an exercise
    SOLUTION = "solution"  # a worked solution, collapsed
    CHECK = "check"  # H.check("NN.k") after the learner's cell: answers back
    # Does its work in new processes, in a new folder and network: the tests'
    # second run in the same kernel skips it (it would repeat the first run).
    NEW_PROCESSES = "new-processes"
    ALL = frozenset({IGNORE_OUTPUT, WARNING, EXERCISE, SOLUTION, CHECK, NEW_PROCESSES})


def tags(cell: nbformat.NotebookNode) -> list[str]:
    """A cell's tags (an empty list when it has none)."""
    return list(cell.metadata.get("tags", []))


def edition_dir(language: str, notebooks: Path = NOTEBOOKS) -> Path:
    """The folder of one edition inside a notebooks folder."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    return Path(notebooks) / EDITION_SUBDIR[language]


def notebooks(language: str, notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks of one edition, in reading order."""
    return sorted(edition_dir(language, notebooks).glob(NOTEBOOK_GLOB))


def edition_of(path: Path) -> str:
    """The language of the edition a notebook belongs to (by its folder)."""
    return "zh" if Path(path).parent.name == EDITION_SUBDIR["zh"] else "en"


def counterpart(path: Path) -> Path:
    """The English notebook of a Chinese one, or the Chinese of an English one."""
    path = Path(path)
    if edition_of(path) == "zh":
        return path.parent.parent / path.name
    return path.parent / EDITION_SUBDIR["zh"] / path.name
