import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from toolkit import fonts, plotting


def test_prefers_a_chinese_face_and_knows_debians_name():
    assert fonts.cjk_font(["DejaVu Sans", "Noto Sans CJK JP"]) == "Noto Sans CJK JP"
    assert (
        fonts.cjk_font(["Noto Sans CJK JP", "Noto Sans CJK SC"]) == "Noto Sans CJK SC"
    )
    assert fonts.cjk_font(["SimHei", "WenQuanYi Zen Hei"]) == "WenQuanYi Zen Hei"
    assert fonts.cjk_font(["DejaVu Sans", "Liberation Sans"]) is None


def test_font_stack_puts_cjk_after_latin():
    assert fonts.font_stack("Noto Sans CJK JP") == [
        "DejaVu Sans",
        "Noto Sans CJK JP",
        "sans-serif",
    ]
    assert fonts.font_stack(None) == ["DejaVu Sans", "sans-serif"]


def _draw(title: str) -> list[warnings.WarningMessage]:
    fig, ax = plt.subplots()
    ax.set_title(title)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    return caught


def test_chinese_renders_with_the_installed_cjk_font():
    font = fonts.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (CI installs fonts-noto-cjk)")
    plotting.apply_style()
    assert mpl.rcParams["font.family"][:2] == ["DejaVu Sans", font]
    assert [str(w.message) for w in _draw("函数与导数 gradient")] == []


def test_without_cjk_font_english_is_silent_and_chinese_warns_once(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda installed=None: None)
    monkeypatch.setattr(plotting, "cjk_font", lambda installed=None: None)
    monkeypatch.setattr(fonts, "_warned", False)
    with mpl.rc_context():
        assert plotting.apply_style() is None
        assert mpl.rcParams["font.family"] == ["DejaVu Sans", "sans-serif"]
        assert _draw("loss against iterations") == []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                fig, _ax = plotting.plot_losses({"损失": [3, 2, 1]}, title="损失")
                plt.close(fig)
        hints = [w for w in caught if "No CJK font" in str(w.message)]
        assert len(hints) == 1
        assert "fonts-noto-cjk" in str(hints[0].message)
    plotting.apply_style()
