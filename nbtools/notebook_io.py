"""Read, normalise and atomically write notebooks.

Stored notebooks are clean, stable JSON so that diffs show content, not
noise: no timestamps, no kernel version, execution counts 1..n in order, and
only the metadata the collection uses (:data:`NOTEBOOK_METADATA`,
:data:`CELL_METADATA`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat

from toolkit.files import write_text_atomic

KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}
# What the collection keeps: the notebook's one-line summary ("lesson"); per
# cell its tags, JupyterLab's collapsed state (solutions) and, in the Chinese
# edition, which English cell it translates ("translation").
NOTEBOOK_METADATA = ("lesson",)
CELL_METADATA = ("tags", "jupyter", "translation")
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


def read(path: str | os.PathLike) -> nbformat.NotebookNode:
    """Read a notebook as nbformat v4, with a clear error when it is not one."""
    path = Path(path)
    if path.suffix != ".ipynb":
        raise ValueError(f"{path}: expected a .ipynb notebook")
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise ValueError(f"{path}: notebook not found") from None
    except Exception as error:  # nbformat raises several kinds for bad JSON
        raise ValueError(f"{path}: not a valid notebook ({error})") from None


REPO_ROOT = Path(__file__).resolve().parent.parent


def strip_machine_paths(text: str) -> str:
    """Replace this machine's absolute paths (the virtualenv, the checkout)
    in a traceback line with placeholders, so stored outputs are portable."""
    for prefix, placeholder in (
        (sys.prefix, "<venv>"),
        (str(REPO_ROOT), "<repo>"),
        (os.path.expanduser("~"), "~"),
    ):
        if prefix and prefix != "/":
            text = text.replace(prefix.rstrip("/") + "/", placeholder + "/")
    return text


def merge_streams(outputs: list) -> list:
    """Join consecutive outputs of the same stream into one.

    ipykernel flushes stdout on a timer, so one ``print`` can arrive as two
    pieces, split at a point that varies from run to run; nbval joins them
    before comparing, and so do we before storing.
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile metadata, renumber code cells 1..n and remove machine
    paths from tracebacks, in place."""
    kept = {k: nb.metadata[k] for k in NOTEBOOK_METADATA if nb.metadata.get(k)}
    nb.metadata = nbformat.from_dict(
        {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO), **kept}
    )
    nb.nbformat, nb.nbformat_minor = 4, 5
    count = 0
    for index, cell in enumerate(nb.cells):
        cell.metadata = nbformat.from_dict(
            {k: cell.metadata[k] for k in CELL_METADATA if cell.metadata.get(k)}
        )
        cell.setdefault("id", f"cell-{index:03d}")
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            cell.outputs = merge_streams(cell.outputs)
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
                if output.output_type == "error":
                    output.traceback = [
                        strip_machine_paths(t) for t in output.traceback
                    ]
        elif "attachments" in cell and not cell.attachments:
            del cell["attachments"]
    return nb


def write_atomic(nb: nbformat.NotebookNode, path: str | os.PathLike) -> None:
    """Validate and write ``nb`` to ``path`` via a temporary file, so a failure
    never leaves a half-written notebook behind."""
    nbformat.validate(nb)
    write_text_atomic(path, nbformat.writes(nb) + "\n")
