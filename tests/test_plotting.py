import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from toolkit import helpers as H  # the namespace, without the session set-up
from toolkit.plotting import apply_style

apply_style()  # the notebooks' figure style (changes rcParams, not the environment)

X = np.linspace(-2, 2, 21)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_function_draws_curve_derivatives_and_exact():
    fig, ax = H.plot_function(
        X, X**3, label="x³", derivatives={"3x²": 3 * X**2}, exact={"ref": 3 * X**2}
    )
    assert isinstance(fig, Figure) and isinstance(ax, Axes)
    assert _labels(ax) == ["x³", "3x²", "ref"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), 3 * X**2)
    assert ax.get_lines()[2].get_linestyle() == "--"


def test_plot_tangent_line_has_the_slope_and_touches_the_curve():
    _, ax = H.plot_tangent(X, X**2, x0=1.0, slope=2.0)
    tangent = ax.get_lines()[1]
    x, y = tangent.get_xdata(), tangent.get_ydata()
    np.testing.assert_allclose(np.diff(y) / np.diff(x), 2.0)
    point = ax.get_lines()[2]
    np.testing.assert_allclose(point.get_ydata(), [1.0])
    assert "(slope) 2" in _labels(ax)[1]


def test_plot_losses_one_line_per_run_and_log_scale():
    _, ax = H.plot_losses({"a": [4, 2, 1], "b": [3, 1, 0.5, 0.25]}, log=True)
    assert _labels(ax) == ["a", "b"]
    assert ax.get_yscale() == "log"
    assert len(ax.get_lines()[1].get_xdata()) == 4


def test_plot_fit_scatters_data_and_draws_lines():
    _, ax = H.plot_fit(X, 2 * X + 1, {"fit": (2.0, 1.0), "true": (1.9, 1.1)})
    assert len(ax.collections) == 1
    assert _labels(ax) == ["数据 (data)", "fit", "true"]
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), 2 * line.get_xdata() + 1)


def test_plot_loss_surface_contours_and_paths():
    w, b = np.linspace(-1, 1, 5), np.linspace(-2, 2, 7)
    z = np.add.outer(b**2, w**2) + 1
    path = np.array([[1.0, 2.0], [0.5, 1.0], [0.0, 0.0]])
    fig, ax = H.plot_loss_surface(w, b, z, paths={"GD": path}, title="surface")
    assert ax.collections, "contour lines drawn"
    np.testing.assert_array_equal(ax.get_lines()[0].get_xydata(), path)
    assert _labels(ax) == ["GD"] and ax.get_title() == "surface"
    assert len(fig.axes) == 2, "a colour bar"
    assert type(ax.collections[0].norm).__name__ == "LogNorm", (
        "colours follow log levels"
    )


def test_colour_bar_labels_are_distinct_on_a_narrow_range():
    w = np.linspace(0, 1, 5)
    z = 2.1670 + 1e-4 * np.add.outer(w, w)
    fig, _ = H.plot_loss_surface(w, w, z, levels=8)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[-1].get_yticklabels() if t.get_text()]
    assert len(labels) == len(set(labels)) > 3


def test_styles_apply_per_curve_and_unknown_names_are_rejected():
    _, ax = H.plot_losses({"a": [2, 1], "b": [2, 1]}, styles={"b": {"linestyle": "--"}})
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "--"]
    _, ax = H.plot_fit(X, X, {"fit": (1.0, 0.0)}, styles={"fit": {"color": "red"}})
    assert ax.get_lines()[0].get_color() == "red"
    path = np.array([[0.0, 0.0], [1.0, 1.0]])
    z = np.add.outer(X**2, X**2) + 1
    _, ax = H.plot_loss_surface(
        X, X, z, paths={"p": path}, styles={"p": {"marker": "", "linewidth": 3}}
    )
    assert ax.get_lines()[0].get_marker() in ("", "None")
    assert ax.get_lines()[0].get_linewidth() == 3
    with pytest.raises(ValueError, match="unknown curve"):
        H.plot_losses({"a": [1, 2]}, styles={"typo": {}})


def test_several_exact_curves_have_distinct_dashes():
    _, ax = H.plot_function(X, X, exact={"a": X, "b": 2 * X, "c": 3 * X})
    styles = {str(line._dash_pattern) for line in ax.get_lines()[1:4]}
    assert len(styles) == 3


def test_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    assert H.plot_losses({"a": [1, 2]}, ax=ax) == (fig, ax)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: H.plot_function([], []), "x is empty"),
        (lambda: H.plot_function(X, X[:-1]), "y has 20 values but x has 21"),
        (lambda: H.plot_function(X, X, derivatives={"d": X[:3]}), "derivative 'd'"),
        (lambda: H.plot_tangent(X, X, x0=5.0, slope=1.0), "outside x's range"),
        (lambda: H.plot_tangent(X, X, x0=0.0, slope=float("nan")), "finite"),
        (lambda: H.plot_losses({}), "losses is empty"),
        (lambda: H.plot_losses({"a": []}), "losses\\['a'\\] is empty"),
        (lambda: H.plot_losses({"a": [1, 0]}, log=True), "log scale"),
        (lambda: H.plot_fit(X, X, {"bad": (1.0,)}), "must be \\(w, b\\)"),
        (lambda: H.plot_loss_surface(X, X, np.ones((3, 3))), "z must have shape"),
        (
            lambda: H.plot_loss_surface(
                X[:2], X[:2], np.eye(2) + 1, paths={"p": np.ones(3)}
            ),
            "shape \\(steps, 2\\)",
        ),
        (lambda: H.plot_loss_surface(X[:2], X[:2], np.ones((2, 2))), "constant"),
        (lambda: H.plot_function(np.ones((2, 2)), X), "one-dimensional"),
    ],
)
def test_bad_input_is_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_ax_must_be_axes():
    with pytest.raises(TypeError, match="matplotlib Axes"):
        H.plot_losses({"a": [1]}, ax="not axes")
