"""Helpers for the autodiff notebooks.

Importing ``toolkit`` or any of its modules changes nothing. Notebooks start
with ``from toolkit import H``: asking for ``H`` runs :func:`toolkit.session.prepare`
once (quiet TensorFlow's C++ logging, which only works before
``import tensorflow``, and apply the figure style), then returns the helper
namespace :mod:`toolkit.helpers`.
"""

from __future__ import annotations

from types import ModuleType

__all__ = ["H"]


def __getattr__(name: str) -> ModuleType:
    if name == "H":
        from toolkit import session

        session.prepare()  # before helpers: they import NumPy
        from toolkit import helpers

        globals()["H"] = helpers  # later lookups skip this function
        return helpers
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
