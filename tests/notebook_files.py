"""Where the tests find the repository and its notebooks, in both editions."""

from pathlib import Path

from nbtools.catalog import NOTEBOOK_GLOB, ROOT, edition_dir
from nbtools.catalog import NOTEBOOKS as NOTEBOOK_DIR

__all__ = ["CHINESE", "ENGLISH", "NOTEBOOKS", "NOTEBOOK_DIR", "NOTEBOOK_IDS", "ROOT"]

ZH_DIR = edition_dir("zh")
ENGLISH = sorted(edition_dir("en").glob(NOTEBOOK_GLOB))
CHINESE = sorted(ZH_DIR.glob(NOTEBOOK_GLOB))
NOTEBOOKS = ENGLISH + CHINESE


def notebook_id(path: Path) -> str:
    """``01_gradient_tape.ipynb`` or ``zh/01_gradient_tape.ipynb``."""
    return path.relative_to(NOTEBOOK_DIR).as_posix()


NOTEBOOK_IDS = [notebook_id(p) for p in NOTEBOOKS]
