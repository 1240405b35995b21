"""Build the toolkit's wheel: ``python -m nbtools.wheel [OUT_DIR]``.

A notebook downloaded from the site runs outside a checkout once this wheel
is installed: it carries ``toolkit`` with its data set and font, and its
``notebooks`` extra pins what the notebooks import (the same pins as
requirements.txt). The site serves it next to the notebooks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nbtools.layout import ROOT

BUILD_TIMEOUT = 300  # seconds


class WheelError(Exception):
    """The wheel could not be built; the message says why."""


def build(out_dir: Path) -> Path:
    """Build the wheel into ``out_dir`` (created if needed); return its path."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    code = "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))"
    try:
        run = subprocess.run(
            [sys.executable, "-c", code, str(out_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise WheelError(
            f"building the wheel took longer than {BUILD_TIMEOUT} s"
        ) from None
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise WheelError(f"building the wheel failed: {last}")
    return out_dir / run.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m nbtools.wheel [OUT_DIR]", file=sys.stderr)
        return 2
    try:
        path = build(Path(args[0]) if args else ROOT / "dist")
    except WheelError as error:
        print(f"nbtools.wheel: error: {error}", file=sys.stderr)
        return 2
    print(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
