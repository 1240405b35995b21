"""What every exercise spec computes its references with."""

from __future__ import annotations


def tensorflow():
    """TensorFlow, imported on first use: importing a spec never imports it
    (a notebook that runs a check has loaded it already)."""
    import tensorflow as tf

    return tf


def central_difference(f, x, h=1e-6):
    """Central finite difference in float64 (elementwise for arrays)."""
    return (f(x + h) - f(x - h)) / (2 * h)
