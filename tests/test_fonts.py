"""The bundled Chinese font: what it covers, and that figures use it on any
machine, whatever fonts are installed or cached."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fontTools.ttLib import TTFont

from nbtools import make_font
from toolkit import fonts

FRESH_MACHINE_FIGURE = textwrap.dedent(
    """
    import sys, warnings
    from pathlib import Path
    import matplotlib
    from matplotlib import font_manager

    # Forget every font matplotlib did not ship itself: system CJK fonts are gone.
    shipped = Path(matplotlib.get_data_path()).resolve()
    manager = font_manager.fontManager
    manager.ttflist = [f for f in manager.ttflist if shipped in Path(f.fname).resolve().parents]
    assert not any("CJK" in f.name or "Hei" in f.name for f in manager.ttflist)

    warnings.simplefilter("error")  # a missing glyph would raise
    from toolkit import H
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("函数与导数 (function and derivative)：梯度带")
    fig.canvas.draw()
    used = font_manager.fontManager._find_fonts_by_props(
        font_manager.FontProperties(family=matplotlib.rcParams["font.family"])
    )
    print("\\n".join(str(Path(p).resolve()) for p in used))
    """
)


def test_font_covers_gb2312_and_chinese_punctuation():
    cmap = TTFont(fonts.FONT_FILE).getBestCmap()
    hanzi = make_font.gb2312_hanzi()
    assert len(hanzi) == 6763
    missing = [c for c in make_font.charset() if ord(c) not in cmap]
    assert missing == [], f"{len(missing)} characters missing: {''.join(missing[:20])}"
    for text in (
        "，。：；！？（）“”《》、",
        "求导梯度带持久化雅可比矩阵",
        "ＡＢＣ１２３",
    ):
        assert all(ord(c) in cmap for c in text), text


def test_font_is_small_named_and_licensed():
    assert fonts.FONT_FILE.stat().st_size <= 5 * 2**20
    names = TTFont(fonts.FONT_FILE)["name"]
    assert names.getDebugName(1) == fonts.FONT_FAMILY
    licence = fonts.LICENSE_FILE.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_figures_use_the_bundled_font_on_a_bare_machine(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPL")}
    env["MPLCONFIGDIR"] = str(tmp_path / "fresh-mplconfig")  # no font cache yet
    run = subprocess.run(
        [sys.executable, "-c", FRESH_MACHINE_FIGURE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", "no warning, nothing on stderr"
    used = run.stdout.split()
    assert str(fonts.FONT_FILE.resolve()) in used, used
    assert not any("CJK" in path for path in used)


def test_style_registers_the_font_once():
    from matplotlib import font_manager

    from toolkit import plotting

    for _ in range(3):
        assert plotting.apply_style() == fonts.FONT_FAMILY
    entries = [
        f for f in font_manager.fontManager.ttflist if f.name == fonts.FONT_FAMILY
    ]
    assert len(entries) == 1
    assert fonts.font_stack() == ["DejaVu Sans", fonts.FONT_FAMILY]


def test_banner_names_the_bundled_font():
    from toolkit import env

    # What the banner says, spelled out here (not read back from the toolkit),
    # and checked against the font file itself.
    line = env.env()["Chinese font"]
    assert line == "Noto Sans SC GB2312 (bundled: toolkit/assets/NotoSansSC-GB2312.ttf)"
    path = Path(fonts.__file__).parent / "assets" / "NotoSansSC-GB2312.ttf"
    names = TTFont(path)["name"]
    assert names.getDebugName(1) == "Noto Sans SC GB2312"  # the family it names
