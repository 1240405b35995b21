"""The Chinese font every figure uses, shipped with the toolkit.

The source chapter sets ``rcParams['font.family'] = "SIMHEI"``, which only
works where SimHei is installed. Instead the toolkit ships a subset of Noto
Sans SC (``assets/``, made by ``python -m nbtools.make_font``) and registers
that file with matplotlib itself, so figures draw the same glyphs on every
machine whatever fonts are installed and whatever matplotlib has cached.
"""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "assets"
FONT_FILE = ASSETS / "NotoSansSC-GB2312.ttf"
LICENSE_FILE = ASSETS / "OFL.txt"
# The subset's own family name: an installed full "Noto Sans SC" can never
# take its place.
FONT_FAMILY = "Noto Sans SC GB2312"
LATIN_FAMILY = "DejaVu Sans"  # ships with matplotlib, so it is always there


def register_font() -> str:
    """Add the bundled font to matplotlib's font list (once); return its family."""
    from matplotlib import font_manager

    if not FONT_FILE.is_file():
        raise FileNotFoundError(
            f"the toolkit's Chinese font is missing: {FONT_FILE}; "
            "restore it from the repository or run `python -m nbtools.make_font`"
        )
    known = {Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    if FONT_FILE not in known:
        font_manager.fontManager.addfont(str(FONT_FILE))
    return FONT_FAMILY


def font_stack() -> list[str]:
    """``rcParams["font.family"]``: Latin text in DejaVu Sans, and every glyph
    it lacks (Chinese) from the bundled font. Glyph fallback works only across
    such an explicit list, not through the generic ``sans-serif`` alias."""
    return [LATIN_FAMILY, FONT_FAMILY]


def describe() -> str:
    """One line for the environment banner: which Chinese font, from where."""
    return f"{FONT_FAMILY} (bundled: toolkit/assets/{FONT_FILE.name})"
