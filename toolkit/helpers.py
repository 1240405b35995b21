"""``H``: everything a notebook needs from the toolkit, in one namespace."""

from toolkit.data import (
    DATA_FILE,
    TRUE_B,
    TRUE_W,
    load_linear_data,
    make_linear_data,
)
from toolkit.env import banner, env
from toolkit.exercises import check, hint
from toolkit.pitfalls import expect_error
from toolkit.plotting import (
    COLORS,
    plot_fit,
    plot_function,
    plot_loss_surface,
    plot_losses,
    plot_tangent,
)

__all__ = [
    "COLORS",
    "DATA_FILE",
    "TRUE_B",
    "TRUE_W",
    "banner",
    "check",
    "env",
    "expect_error",
    "hint",
    "load_linear_data",
    "make_linear_data",
    "plot_fit",
    "plot_function",
    "plot_loss_surface",
    "plot_losses",
    "plot_tangent",
]
