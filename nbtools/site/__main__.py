"""``python -m nbtools.site NOTEBOOKS OUT``: build the site, report, exit."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from nbtools.layout import LANGUAGES, READMES
from nbtools.site.builder import BuildError, build
from nbtools.wheel import WheelError
from nbtools.wheel import build as build_wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nbtools.site",
        description="Build the offline HTML site of both editions.",
    )
    parser.add_argument("notebooks", type=Path, help="the notebooks folder (with zh/)")
    parser.add_argument("out", type=Path, help="output folder (replaced)")
    for language in LANGUAGES:
        parser.add_argument(
            f"--readme-{language}",
            type=Path,
            default=READMES[language],
            help=f"the README that heads the {language} index "
            f"(default: {READMES[language].name} of this repository)",
        )
    parser.add_argument(
        "--wheel",
        type=Path,
        help="the toolkit's wheel to serve (default: build it from this repository)",
    )
    args = parser.parse_args(argv)
    readmes = {lang: getattr(args, f"readme_{lang}") for lang in LANGUAGES}
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="wheel-") as folder:
            wheel = args.wheel or build_wheel(Path(folder))
            pages = build(args.notebooks, args.out, readmes, wheel)
    except WheelError as error:
        print(f"nbtools.site: error: {error}", file=sys.stderr)
        return 2
    except BuildError as error:
        print(f"nbtools.site: error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    print(
        f"built {len(pages)} pages (English and 中文) in {args.out}{os.sep} "
        f"in {seconds:.1f} s; open {args.out / 'index.html'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
