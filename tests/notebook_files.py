"""The repository's notebooks, both editions, as the tests parametrize them."""

from pathlib import Path

from nbtools.layout import NOTEBOOKS as NOTEBOOK_DIR
from nbtools.layout import ROOT, notebooks

__all__ = ["CHINESE", "ENGLISH", "NOTEBOOKS", "NOTEBOOK_DIR", "NOTEBOOK_IDS", "ROOT"]

ENGLISH = notebooks("en")
CHINESE = notebooks("zh")
NOTEBOOKS = ENGLISH + CHINESE


def notebook_id(path: Path) -> str:
    """``01_gradient_tape.ipynb`` or ``zh/01_gradient_tape.ipynb``."""
    return path.relative_to(NOTEBOOK_DIR).as_posix()


NOTEBOOK_IDS = [notebook_id(p) for p in NOTEBOOKS]
