"""Where the tests find the repository and its notebooks, in both editions."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
ZH_DIR = NOTEBOOK_DIR / "zh"
ENGLISH = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
CHINESE = sorted(ZH_DIR.glob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = ENGLISH + CHINESE


def notebook_id(path: Path) -> str:
    """``01_gradient_tape.ipynb`` or ``zh/01_gradient_tape.ipynb``."""
    return path.relative_to(NOTEBOOK_DIR).as_posix()


NOTEBOOK_IDS = [notebook_id(p) for p in NOTEBOOKS]
