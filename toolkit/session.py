"""What a notebook session needs before its first cell does any work."""

from __future__ import annotations

import os

# TensorFlow reads these once, when it is imported; after that they do nothing.
TENSORFLOW_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ start-up logging and make its CPU kernels
    deterministic (no oneDNN reordering). Values the user set are kept.
    Must run before ``import tensorflow``."""
    for name, value in TENSORFLOW_QUIET.items():
        os.environ.setdefault(name, value)


def prepare() -> None:
    """Quiet TensorFlow and apply the figure style (with the bundled font)."""
    quiet_tensorflow()
    from toolkit.plotting import apply_style

    apply_style()
