"""One figure style for the whole collection, and the figures notebooks need.

Every helper draws on ``ax`` when given one (so figures can be combined with
``plt.subplots``), otherwise on a new figure, and returns ``(fig, ax)``.
Bad input (empty data, mismatched lengths) raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.colors
import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from toolkit.fonts import font_stack, register_font

# Colour-blind-safe cycle (Okabe-Ito), so runs stay distinguishable in print.
COLORS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
)

STYLE: dict[str, object] = {
    "figure.figsize": (6.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": "--",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.framealpha": 0.85,
    "lines.linewidth": 2.0,
    "lines.markersize": 5.0,
    "axes.unicode_minus": False,
    "image.cmap": "viridis",
}

ArrayLike = Sequence[float] | np.ndarray

# Reference ("exact") curves are black; distinct dashes tell several apart.
EXACT_DASHES: tuple = ((0, (4, 3)), (0, (1, 2)), (0, (6, 2, 1, 2)))


def apply_style() -> str:
    """Apply the collection's figure style; return the Chinese font's family.

    Safe to call again: it registers the bundled font once and resets the
    style's rcParams.
    """
    family = register_font()
    mpl.rcParams.update(STYLE)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=list(COLORS))
    mpl.rcParams["font.family"] = font_stack()
    return family


def _vector(name: str, values: object) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty; expected at least one value")
    return array


def _same_length(name: str, values: object, x: np.ndarray) -> np.ndarray:
    array = _vector(name, values)
    if array.shape != x.shape:
        raise ValueError(
            f"{name} has {array.size} values but x has {x.size}; "
            "they must have the same length"
        )
    return array


def _styles(styles: Mapping[str, Mapping] | None, curves: Mapping) -> Mapping:
    """Check that ``styles`` only names curves that exist."""
    styles = styles or {}
    unknown = sorted(set(styles) - set(curves))
    if unknown:
        raise ValueError(
            f"styles names unknown curve(s) {unknown}; expected some of {list(curves)}"
        )
    return styles


def _axes(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        return fig, ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax.figure, ax


def _finish(ax: Axes, title: str | None, xlabel: str | None, ylabel: str | None):
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)


def plot_function(
    x: ArrayLike,
    y: ArrayLike,
    *,
    label: str = "f(x)",
    derivatives: Mapping[str, ArrayLike] | None = None,
    exact: Mapping[str, ArrayLike] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str | None = None,
) -> tuple[Figure, Axes]:
    """Plot a function and, optionally, its derivatives over ``x``.

    ``derivatives`` maps a legend label to values (drawn as solid lines);
    ``exact`` maps a label to reference values drawn dashed on top, so an
    autodiff result and the derivative worked out by hand can be compared.
    """
    xs = _vector("x", x)
    fig, ax = _axes(ax)
    ax.plot(xs, _same_length("y", y, xs), label=label)
    for name, values in (derivatives or {}).items():
        ax.plot(xs, _same_length(f"derivative {name!r}", values, xs), label=name)
    for i, (name, values) in enumerate((exact or {}).items()):
        ax.plot(
            xs,
            _same_length(f"exact {name!r}", values, xs),
            linestyle=EXACT_DASHES[i % len(EXACT_DASHES)],
            color="black",
            linewidth=1.2,
            label=name,
        )
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.legend()
    _finish(ax, title, xlabel, ylabel)
    return fig, ax


def plot_tangent(
    x: ArrayLike,
    y: ArrayLike,
    x0: float,
    slope: float,
    *,
    y0: float | None = None,
    label: str = "f(x)",
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str | None = None,
) -> tuple[Figure, Axes]:
    """Plot a curve with its tangent line at ``x0`` of the given ``slope``.

    ``y0`` is the curve's value at ``x0``; when omitted it is interpolated
    from ``(x, y)``, which needs ``x0`` inside the plotted range.
    """
    xs = _vector("x", x)
    ys = _same_length("y", y, xs)
    x0, slope = float(x0), float(slope)
    if not np.isfinite(slope):
        raise ValueError(f"slope must be a finite number, got {slope}")
    if y0 is None:
        if not xs.min() <= x0 <= xs.max():
            raise ValueError(
                f"x0={x0} lies outside x's range [{xs.min()}, {xs.max()}]; "
                "pass y0 or widen x"
            )
        order = np.argsort(xs)
        y0 = float(np.interp(x0, xs[order], ys[order]))
    fig, ax = _axes(ax)
    ax.plot(xs, ys, label=label)
    ax.plot(
        xs,
        y0 + slope * (xs - x0),
        linestyle="--",
        label=f"切线 (tangent) x = {x0:g}, 斜率 (slope) {slope:g}",
    )
    ax.plot([x0], [y0], "o", color="black", zorder=3)
    ax.legend()
    _finish(ax, title, xlabel, ylabel)
    return fig, ax


def plot_losses(
    losses: Mapping[str, ArrayLike],
    *,
    log: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "迭代 (iteration)",
    ylabel: str = "损失 (loss)",
    styles: Mapping[str, Mapping] | None = None,
) -> tuple[Figure, Axes]:
    """Plot one loss curve per run; ``losses`` maps a run's label to its losses.

    ``styles`` maps a label to extra line properties, for example
    ``{"TensorFlow": {"linestyle": "--"}}`` for a curve lying on another.
    """
    if not losses:
        raise ValueError("losses is empty; expected a mapping of label -> values")
    styles = _styles(styles, losses)
    fig, ax = _axes(ax)
    for name, values in losses.items():
        curve = _vector(f"losses[{name!r}]", values)
        if log and np.any(curve[np.isfinite(curve)] <= 0):
            raise ValueError(f"losses[{name!r}] has values <= 0; log scale needs > 0")
        ax.plot(np.arange(curve.size), curve, label=name, **styles.get(name, {}))
    if log:
        ax.set_yscale("log")
    ax.legend()
    _finish(ax, title, xlabel, ylabel)
    return fig, ax


def plot_fit(
    x: ArrayLike,
    y: ArrayLike,
    lines: Mapping[str, tuple[float, float]],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    data_label: str = "数据 (data)",
    styles: Mapping[str, Mapping] | None = None,
) -> tuple[Figure, Axes]:
    """Scatter the data and draw each line ``label -> (w, b)`` as y = w·x + b.

    ``styles`` maps a line's label to extra line properties.
    """
    styles = _styles(styles, lines)
    xs = _vector("x", x)
    ys = _same_length("y", y, xs)
    fig, ax = _axes(ax)
    ax.scatter(xs, ys, s=14, alpha=0.6, color="grey", label=data_label)
    grid = np.linspace(xs.min(), xs.max(), 2)
    dashes = ["-", "--", "-.", ":"]
    for i, (name, params) in enumerate(lines.items()):
        if len(params) != 2:
            raise ValueError(f"lines[{name!r}] must be (w, b), got {params!r}")
        w, b = (float(p) for p in params)
        style = {"linestyle": dashes[i % len(dashes)], **styles.get(name, {})}
        ax.plot(grid, w * grid + b, label=name, **style)
    ax.legend()
    _finish(ax, title, xlabel, ylabel)
    return fig, ax


def _distinct(values: np.ndarray) -> str:
    """The shortest ``%.Ng`` format (3 digits at least) that tells all apart."""
    for digits in range(3, 12):
        labels = {f"{v:.{digits}g}" for v in values}
        if len(labels) == len(values):
            return f"%.{digits}g"
    return "%.12g"


def plot_loss_surface(
    xs: ArrayLike,
    ys: ArrayLike,
    z: np.ndarray,
    *,
    paths: Mapping[str, np.ndarray] | None = None,
    levels: int = 20,
    log: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "w",
    ylabel: str = "b",
    styles: Mapping[str, Mapping] | None = None,
) -> tuple[Figure, Axes]:
    """Contour a loss ``z[i, j] = L(xs[j], ys[i])`` with optimisation paths.

    ``paths`` maps a label to an array of shape ``(steps, 2)`` of visited
    ``(x, y)`` points; each is drawn with its start and end marked.
    ``log`` spaces the contour levels geometrically, which shows the valley.
    ``styles`` maps a path's label to extra line properties.
    """
    styles = _styles(styles, paths or {})
    gx = _vector("xs", xs)
    gy = _vector("ys", ys)
    grid = np.asarray(z, dtype=float)
    if grid.shape != (gy.size, gx.size):
        raise ValueError(
            f"z must have shape (len(ys), len(xs)) = ({gy.size}, {gx.size}), "
            f"got {grid.shape}"
        )
    if levels < 2:
        raise ValueError(f"levels must be at least 2, got {levels}")
    if not np.all(np.isfinite(grid)):
        raise ValueError("z has NaN or infinite values; expected finite losses")
    if grid.min() == grid.max():
        raise ValueError("z is constant; a contour plot needs varying values")
    fig, ax = _axes(ax)
    if log:
        if np.any(grid <= 0):
            raise ValueError("log contour levels need z > 0 everywhere")
        steps = np.geomspace(grid.min(), grid.max(), levels)
        norm = mpl.colors.LogNorm(grid.min(), grid.max())  # colours follow levels
    else:
        steps = np.linspace(grid.min(), grid.max(), levels)
        norm = None
    contour = ax.contour(gx, gy, grid, levels=steps, norm=norm, linewidths=1.0)
    bar = fig.colorbar(contour, ax=ax, label="损失 (loss)")
    bar.ax.yaxis.set_major_formatter(mpl.ticker.FormatStrFormatter(_distinct(steps)))
    for name, points in (paths or {}).items():
        path = np.asarray(points, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
            raise ValueError(
                f"paths[{name!r}] must have shape (steps, 2), got {path.shape}"
            )
        style = {"marker": ".", **styles.get(name, {})}
        (line,) = ax.plot(path[:, 0], path[:, 1], label=name, **style)
        ax.plot(*path[0], "o", color=line.get_color(), markersize=7)
        ax.plot(*path[-1], "*", color=line.get_color(), markersize=12)
    if paths:
        ax.legend()
    _finish(ax, title, xlabel, ylabel)
    return fig, ax
