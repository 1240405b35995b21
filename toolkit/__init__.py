"""Helpers for the autodiff notebooks.

Notebooks start with ``from toolkit import H``: importing the package quiets
TensorFlow's C++ logging (it must happen *before* ``import tensorflow``) and
applies the collection's plot style. ``H`` is the one helper namespace.
"""

from __future__ import annotations

import os

# TensorFlow reads these once, when it is imported; after that they do nothing.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from toolkit import helpers as H  # noqa: E402
from toolkit.plotting import apply_style  # noqa: E402

apply_style()

__all__ = ["H"]
