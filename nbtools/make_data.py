"""Regenerate the shipped data set: ``python -m nbtools.make_data``.

The file (``toolkit/assets/linear_regression.csv``) is made once from a fixed
seed; regenerating it must give the same bytes (``tests/test_data.py``
checks), so this reports whether anything changed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from toolkit.data import DATA_FILE, format_csv, make_linear_data
from toolkit.files import write_text_atomic


def write_linear_data(
    path: str | os.PathLike, *, replace_shipped: bool = False, **kwargs
) -> Path:
    """Generate the data set (``kwargs`` as for ``make_linear_data``) and write
    it to ``path`` atomically: the old file survives any failure. The shipped
    file is written only with ``replace_shipped=True``."""
    path = Path(path)
    if path.resolve() == DATA_FILE.resolve() and not replace_shipped:
        raise ValueError(
            f"{path} is the shipped data set; pass replace_shipped=True "
            "(python -m nbtools.make_data does) to regenerate it"
        )
    return write_text_atomic(path, format_csv(*make_linear_data(**kwargs)))


def main() -> int:
    before = DATA_FILE.read_bytes() if DATA_FILE.exists() else None
    write_linear_data(DATA_FILE, replace_shipped=True)
    same = DATA_FILE.read_bytes() == before
    print(f"{DATA_FILE}: {'unchanged' if same else 'rewritten'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
