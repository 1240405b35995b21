"""Re-execute notebooks in fresh kernels and store their outputs.

    python -m nbtools.execute notebooks/*.ipynb [--jobs N] [--timeout S]

Each notebook runs as nbval runs it (the kernel of this interpreter, the
notebook's folder as working folder, every cell with ``store_history=False``),
then is normalised and written back atomically. A notebook whose execution
fails is left untouched; the command names the notebook and cell and exits 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from nbtools.notebook_io import normalise, read, write_atomic

CELL_TIMEOUT = 600  # seconds one cell may run


class _CurrentEnvKernelManager(AsyncKernelManager):
    """Start the kernel of this interpreter, as ``--nbval-current-env`` does."""

    def __init__(self, **kwargs):
        kwargs.setdefault("kernel_spec_manager", NbvalKernelspecManager())
        super().__init__(**kwargs)


class _NbvalLikeClient(NotebookClient):
    """Run cells as nbval does: without storing them in the kernel's history.
    ``running`` is the index of the cell being executed (for error reports)."""

    running: int | None = None

    async def async_execute_cell(self, cell, cell_index, execution_count=None, **_):
        self.running = cell_index
        return await super().async_execute_cell(
            cell, cell_index, execution_count=execution_count, store_history=False
        )


class ExecutionFailed(RuntimeError):
    """A cell raised or timed out.

    ``cell_index`` is the 0-based index among all cells (``None`` if unknown),
    ``path`` the notebook's file when known, ``detail`` the kernel's report.
    """

    def __init__(
        self, cell_index: int | None, detail: str, path: Path | None = None
    ) -> None:
        self.cell_index, self.detail, self.path = cell_index, detail, path
        where = f"cell {cell_index}" if cell_index is not None else "a cell"
        prefix = f"{path}: " if path is not None else ""
        super().__init__(f"{prefix}{where} failed\n{detail}")


def run(nb: nbformat.NotebookNode, cwd: Path, timeout: int = CELL_TIMEOUT) -> None:
    """Execute ``nb`` in place in a fresh kernel whose working folder is ``cwd``.

    Raises :class:`ExecutionFailed` for the first cell that raised, timed out, or during which the kernel died or
    anything else went wrong.
    """
    client = _NbvalLikeClient(
        nb,
        timeout=timeout,
        kernel_name=CURRENT_ENV_KERNEL_NAME,
        kernel_manager_class=_CurrentEnvKernelManager,
        resources={"metadata": {"path": str(Path(cwd).resolve())}},
        record_timing=False,
        # Outputs are all in once the last cell reports idle; a graceful
        # shutdown would only wait for TensorFlow's exit handlers.
        shutdown_kernel="immediate",
    )
    try:
        # The kernel's own stderr (start-up chatter) goes nowhere, as in nbval;
        # what cells print to stderr is still captured as outputs.
        with open(os.devnull, "w") as devnull:
            client.execute(stderr=devnull)
    except (CellExecutionError, CellTimeoutError) as error:
        raise ExecutionFailed(_failed_cell(nb), str(error)) from None
    except Exception as error:  # a dead kernel, a broken message, …
        detail = f"{type(error).__name__}: {error}".strip()
        raise ExecutionFailed(client.running, detail) from None


def execute(path: Path, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` and return it normalised (not written)."""
    nb = read(path)
    try:
        run(nb, path.parent, timeout)
    except ExecutionFailed as error:
        raise ExecutionFailed(error.cell_index, error.detail, path) from None
    return normalise(nb)


def _failed_cell(nb: nbformat.NotebookNode) -> int | None:
    """Index (0-based, all cells counted) of the cell that stored an error."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            if any(out.output_type == "error" for out in cell.outputs):
                return index
    return None


def _run_one(path: Path, timeout: int) -> tuple[Path, float, str | None]:
    """Execute and store one notebook; any failure becomes a message naming
    the notebook (and the cell where one is to blame)."""
    start = time.perf_counter()
    try:
        write_atomic(execute(path, timeout), path)
    except ExecutionFailed as error:
        return path, time.perf_counter() - start, str(error)
    except Exception as error:  # unreadable, or invalid once executed
        message = f"{path}: {type(error).__name__}: {error}"
        return path, time.perf_counter() - start, message
    return path, time.perf_counter() - start, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="kernels at once"
    )
    parser.add_argument(
        "--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell"
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")

    start = time.perf_counter()
    failures = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(_run_one, p, args.timeout) for p in args.notebooks]
        for future in futures:
            path, seconds, error = future.result()
            if error is None:
                print(f"executed {path} in {seconds:.1f} s")
            else:
                failures += 1
                print(f"FAILED {error}\n(left {path} unchanged)", file=sys.stderr)
    total = time.perf_counter() - start
    print(
        f"{len(args.notebooks) - failures} of {len(args.notebooks)} notebooks "
        f"executed in {total:.1f} s with {args.jobs} job(s)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
