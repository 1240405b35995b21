"""What a notebook session needs before its first cell does any work."""

from __future__ import annotations

import os
import sys

# TensorFlow reads these once, when it is imported; after that they do nothing.
TENSORFLOW_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
# NumPy's BLAS reads these once, when NumPy is imported.
SINGLE_THREADED_BLAS = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ start-up logging and make its CPU kernels
    deterministic (no oneDNN reordering). Values the user set are kept.
    Must run before ``import tensorflow``."""
    for name, value in TENSORFLOW_QUIET.items():
        os.environ.setdefault(name, value)


def single_threaded_blas() -> None:
    """Run NumPy's BLAS (``np.dot``, ``@``) on one thread. The notebooks' arrays
    are small, and BLAS threads that wait for cores held by other programs
    (or by TensorFlow) make a dot product of 10⁵ numbers take milliseconds
    instead of microseconds.

    Before NumPy is imported, the BLAS variables do it; when NumPy is loaded
    already, its BLAS is limited in place (threadpoolctl). A thread count the
    user chose (``OPENBLAS_NUM_THREADS``) is kept either way."""
    chosen = any(name in os.environ for name in SINGLE_THREADED_BLAS)
    for name, value in SINGLE_THREADED_BLAS.items():
        os.environ.setdefault(name, value)
    if "numpy" in sys.modules and not chosen:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")


def pause_garbage_collection_for_this_cell() -> None:
    """In IPython (a notebook), pause Python's cyclic garbage collector until
    the running cell ends. A notebook's first cell imports TensorFlow, NumPy
    and matplotlib: about half a million new objects (modules, classes,
    functions) that the collector would scan again and again and never free.
    Paused, that cell takes about a fifth less CPU time (0.8 of 3.6 s, median
    of 5 kernels here).

    When the cell ends, its objects are frozen (``gc.freeze``) before the
    collector resumes, so that no later collection scans them either: not
    frozen, they would be scanned about 0.6 s of CPU time later in the
    notebook. The few that were already garbage (under 1 %: 3,793 of 519,645
    after notebook 01's first cell) then stay allocated until the kernel
    ends. Outside IPython, or with the collector already off, this does
    nothing."""
    import gc

    ipython = sys.modules.get("IPython")  # not loaded: not in IPython
    shell = ipython.get_ipython() if ipython else None
    if shell is None or not gc.isenabled():
        return

    def resume(*_) -> None:
        shell.events.unregister("post_run_cell", resume)
        gc.freeze()
        gc.enable()

    gc.disable()
    shell.events.register("post_run_cell", resume)


def prepare() -> None:
    """Set up TensorFlow and NumPy's environment, then apply the figure style
    (with the bundled font). Runs before any toolkit module imports NumPy.
    In a notebook, the rest of the cell (its imports) runs without garbage
    collection (:func:`pause_garbage_collection_for_this_cell`)."""
    quiet_tensorflow()
    single_threaded_blas()
    from toolkit.plotting import apply_style

    apply_style()
    pause_garbage_collection_for_this_cell()
