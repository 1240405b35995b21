"""The chapter's linear-regression data: made once from a fixed seed, shipped
with the toolkit (``toolkit/assets/linear_regression.csv``, also inside its
wheel) so every run and every reader sees the same numbers, and loaded from
any working directory.

The maintainers regenerate the file with ``python -m nbtools.make_data``.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

SEED = 20210621  # the source chapter's build date, 2021.06.21
TRUE_W = 1.477
TRUE_B = 0.089
NOISE_STD = 1.5
N_POINTS = 100
DATA_FILE = Path(__file__).resolve().parent / "assets" / "linear_regression.csv"


def make_linear_data(
    n: int = N_POINTS,
    *,
    w: float = TRUE_W,
    b: float = TRUE_B,
    noise: float = NOISE_STD,
    seed: int = SEED,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample the chapter's data: x ~ U(-10, 10), y = w·x + b + N(0, noise²).

    Uses ``numpy.random.default_rng(seed)``, drawing all x first, then all
    noise, exactly as the chapter does with the legacy global generator.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0 (a standard deviation), got {noise}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(low=-10.0, high=10.0, size=n)
    eps = rng.normal(loc=0.0, scale=noise, size=n)
    return x, w * x + b + eps


def format_csv(x: np.ndarray, y: np.ndarray) -> str:
    """Render ``x, y`` as CSV text with a header; floats round-trip exactly."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(
            f"x and y must be 1-D and the same length, got {x.shape} and {y.shape}"
        )
    rows = [f"{float(a)!r},{float(b)!r}" for a, b in zip(x, y, strict=True)]
    return "x,y\n" + "\n".join(rows) + "\n"


def load_linear_data(
    path: str | os.PathLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load ``(x, y)`` as float64 arrays from the shipped CSV or from ``path``.

    The file needs a header with columns ``x`` and ``y`` (others are ignored)
    and at least one data row. Problems raise ``ValueError`` naming the file
    and, for a bad value, its line number.
    """
    path = Path(DATA_FILE if path is None else path)
    if not path.is_file():
        raise ValueError(f"{path}: data file not found")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: file is empty; expected a header 'x,y'")
        header = [name.strip() for name in header]
        missing = [name for name in ("x", "y") if name not in header]
        if missing:
            raise ValueError(
                f"{path}, line 1: missing column(s) {', '.join(missing)}; "
                f"expected a header with x and y, got {','.join(header)}"
            )
        columns = {name: header.index(name) for name in ("x", "y")}
        values: dict[str, list[float]] = {"x": [], "y": []}
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ValueError(
                    f"{path}, line {line}: expected {len(header)} fields, "
                    f"got {len(row)}"
                )
            for name, index in columns.items():
                values[name].append(_number(row[index], path, line, name))
    if not values["x"]:
        raise ValueError(f"{path}: no data rows after the header")
    return np.array(values["x"]), np.array(values["y"])


def _number(text: str, path: Path, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{path}, line {line}: column {column!r} has {text!r}, expected a number"
        ) from None
    if not np.isfinite(value):
        raise ValueError(
            f"{path}, line {line}: column {column!r} has {text!r}, "
            "expected a finite number"
        )
    return value
