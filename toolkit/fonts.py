"""Find a font that can draw Chinese text and make matplotlib use it.

The source chapter sets ``rcParams['font.family'] = "SIMHEI"``, which makes
matplotlib warn on every draw wherever SimHei is missing (Linux, macOS).
Instead we look for any installed CJK-capable font and add it to the
sans-serif *fallback* list: Latin text keeps DejaVu Sans, and glyphs that
DejaVu lacks (Chinese) come from the CJK font.
"""

from __future__ import annotations

import functools
import warnings

from matplotlib import font_manager

# Family names as matplotlib registers them, in order of preference.
# Debian's fonts-noto-cjk registers its Simplified Chinese face as
# "Noto Sans CJK JP" (the .ttc's first name), which covers Chinese too.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)

INSTALL_HINT = (
    "No CJK font found: Chinese text in figures will show as empty boxes. "
    "Install one, for example `sudo apt-get install fonts-noto-cjk` (Debian/Ubuntu) "
    "or `brew install --cask font-noto-sans-cjk` (macOS), then restart the kernel."
)


def cjk_font(installed: list[str] | None = None) -> str | None:
    """Return the preferred installed CJK font family, or ``None``.

    ``installed`` overrides the font names matplotlib knows (for tests).
    """
    if installed is None:
        installed = _installed_families()
    available = set(installed)
    for family in CJK_FAMILIES:
        if family in available:
            return family
    return None


@functools.cache
def _installed_families() -> list[str]:
    return sorted({entry.name for entry in font_manager.fontManager.ttflist})


LATIN_FONT = "DejaVu Sans"  # ships with matplotlib, so it is always there


def font_stack(cjk: str | None) -> list[str]:
    """Return the ``font.family`` list: Latin font, CJK fallback, generic."""
    return [LATIN_FONT, *([cjk] if cjk else []), "sans-serif"]


_warned = False


def warn_missing_once() -> None:
    """Warn, once per process, that no CJK font is installed."""
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(INSTALL_HINT, UserWarning, stacklevel=3)
