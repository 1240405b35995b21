"""Pitfalls shown on purpose: the error a learner must learn to read, printed,
so that the cell itself succeeds and every client runs past it."""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def expect_error(
    *types: type[BaseException], match: str | None = None, where: bool = False
) -> Iterator[None]:
    """Run the block, which must raise one of ``types``; print the error as
    the last line of its traceback reads (``TypeError: …``).

    ``match`` is a regular expression the message must contain; ``where``
    also prints the innermost frame the error came from, with its line. If the block raises
    nothing, or an error of another type, or one whose message does not
    match, that is a failure of the lesson: it raises, so the check fails.
    """
    if not types or not all(
        isinstance(t, type) and issubclass(t, BaseException) for t in types
    ):
        raise TypeError(
            f"expect_error needs one or more exception classes, got {types!r}"
        )
    names = " or ".join(t.__name__ for t in types)
    try:
        yield
    except types as error:
        message = str(error)
        if match is not None and not re.search(match, message):
            raise AssertionError(
                f"expected {names} matching {match!r}, got: {message}"
            ) from error
        line = f"{type(error).__name__}: {message}" if message else type(error).__name__
        print(line)
        if where:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            print(
                f"  raised in {frame.name} "
                f"({_short(frame.filename)}, line {frame.lineno}):"
            )
            if frame.line:
                print(f"    {frame.line}")
    else:
        raise AssertionError(f"expected {names}, but the code ran without error")


def _short(filename: str) -> str:
    """A library file as ``package/module.py`` from its site-packages folder."""
    parts = Path(filename).parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return Path(filename).name
