"""Compare a notebook's stored figures with the ones it draws now.

nbval compares text outputs only. A figure is a PNG; two renderings of the
same figure by the same matplotlib, with the same (bundled) font, are
identical pixel for pixel, but the numbers a figure plots may differ in their
last bits between machines (another CPU's vector instructions, another
summation order), which can move an anti-aliased edge by a fraction of a
pixel. So two figures match when they have the same size and at most
``MAX_CHANGED`` of their pixels differ by more than ``PIXEL_TOLERANCE`` in
any colour channel. Measured with the toolkit's style (tests/test_figures.py):
data changed by up to 3·10⁻⁴ relative move no pixel of a 500 × 300 figure,
while one letter more in a legend changes about a hundred pixels and data
changed by 10⁻³ about eighty; a stale label, title, colour or curve is
caught, float noise is not.
"""

from __future__ import annotations

import base64
import io

import numpy as np

PIXEL_TOLERANCE = 16 / 255  # a visible change of one pixel's colour
MAX_CHANGED = 16  # pixels


def _pixels(png: str | bytes) -> np.ndarray:
    from matplotlib import image

    raw = base64.b64decode(png) if isinstance(png, str) else png
    return image.imread(io.BytesIO(raw), format="png")


def difference(stored: str | bytes, fresh: str | bytes) -> str | None:
    """Why two PNGs (base64 text or bytes) differ, or ``None`` if they match."""
    if stored == fresh:  # the same file: nothing to decode
        return None
    a, b = _pixels(stored), _pixels(fresh)
    if a.shape != b.shape:
        return f"size {a.shape[1]}×{a.shape[0]} stored, {b.shape[1]}×{b.shape[0]} now"
    changed = np.any(np.abs(a - b) > PIXEL_TOLERANCE, axis=-1)
    if changed.sum() > MAX_CHANGED:
        rows, cols = np.nonzero(changed)
        return (
            f"{changed.sum()} pixels changed (at most {MAX_CHANGED} may), "
            f"in the box x {cols.min()}–{cols.max()}, y {rows.min()}–{rows.max()}"
        )
    return None


def figures(outputs) -> list[str]:
    """The base64 PNGs of a cell's outputs, in order."""
    return [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]


def stale_figures(stored_outputs, fresh_outputs) -> list[str]:
    """What differs between the stored and the fresh figures of one cell."""
    stored, fresh = figures(stored_outputs), figures(fresh_outputs)
    if len(stored) != len(fresh):
        return [f"{len(stored)} figure(s) stored, {len(fresh)} drawn now"]
    found = []
    for number, (old, new) in enumerate(zip(stored, fresh, strict=True), start=1):
        why = difference(old, new)
        if why:
            found.append(f"figure {number}: {why}")
    return found
