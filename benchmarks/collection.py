"""How long the whole collection takes to run headless, against its floor.

    python -m benchmarks.collection [--jobs N] [--repeats R]

The floor is what no notebook runner can avoid: one fresh interpreter per
notebook that prepares the toolkit and imports TensorFlow, NumPy and matplotlib (measured
here, median of R runs, times the number of notebooks). The collection run
is ``nbtools.execute`` on copies of every English notebook (the repository's files are
not touched), in the same run, so the ratio compares like with like.
Results are printed and written to benchmarks/results/collection.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from toolkit.env import env
from toolkit.files import write_text_atomic

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = "from toolkit import H; import tensorflow, numpy, matplotlib.pyplot"


def import_time(repeats: int) -> list[float]:
    """Wall seconds of ``repeats`` fresh interpreters doing the floor imports."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORTS], check=True)
        times.append(time.perf_counter() - start)
    return times


def collection_time(jobs: int) -> tuple[float, int]:
    """Wall seconds to execute copies of every notebook with ``jobs`` kernels."""
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        copies = [Path(shutil.copy(nb, tmp)) for nb in notebooks]
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "nbtools.execute", "--jobs", str(jobs)]
            + [str(c) for c in copies],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - start, len(copies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.repeats < 1:
        parser.error("--jobs and --repeats must be at least 1")

    imports = import_time(args.repeats)
    one = statistics.median(imports)
    total, count = collection_time(args.jobs)
    floor = one * count
    result = {
        "notebooks": count,
        "jobs": args.jobs,
        "import_median_s": round(one, 3),
        "import_runs_s": [round(t, 3) for t in imports],
        "floor_s": round(floor, 2),
        "collection_s": round(total, 2),
        "ratio": round(total / floor, 3),
        "cores": os.cpu_count(),
        "machine": env(),  # OS, Python, library versions, as in the banner
    }
    rows = [
        (f"fresh interpreter: {IMPORTS} (median)", f"{one:.2f} s"),
        (f"floor: one such interpreter per notebook (x{count})", f"{floor:.1f} s"),
        (f"make execute equivalent, {args.jobs} job(s)", f"{total:.1f} s"),
        ("ratio collection / floor", f"{total / floor:.2f}"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>8}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "collection.json", json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
