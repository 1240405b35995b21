"""Write files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    The bytes go to a new temporary file in the same folder, which then
    replaces ``path`` in one step; on any error the old file is untouched and
    the temporary file removed. The new file keeps the old one's permissions;
    a new path gets the usual ones (0o666 less the umask, applied by the OS).
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; expected a file path")
    old_mode = path.stat().st_mode & 0o777 if path.exists() else None
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically (as
    :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"))
