"""How long one ``H.check`` takes for each exercise, on its worked solution.

    python -m benchmarks.exercise_checks [--repeats R] [--out DIR] [KEY ...]

A learner waits for every check: each should answer within a fraction of a
second. Each check runs once first (its reference values are computed then,
once per session), then R times; the median is printed per exercise.
Results are written to exercise_checks.json in DIR (benchmarks/results/).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from toolkit.env import env
from toolkit.files import write_text_atomic

ROOT = Path(__file__).resolve().parent.parent


def check_times(exercise, repeats: int) -> list[float]:
    """Wall seconds of ``repeats`` checks of the exercise's worked solution,
    after one that is not timed."""
    from toolkit.exercises import core

    namespace = {exercise.deliverable.name: exercise.solution()}
    core.evaluate(exercise, namespace)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = core.evaluate(exercise, namespace)
        times.append(time.perf_counter() - start)
        if result.status != "✓":
            raise RuntimeError(f"{exercise.key}: the solution fails\n{result.text}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("keys", nargs="*", help="exercises such as 01.1 (all if none)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    from toolkit import exercises, session

    session.quiet_tensorflow()  # before TensorFlow is imported, as in a notebook

    chosen = [
        e for e in exercises.all_exercises() if not args.keys or e.key in args.keys
    ]
    unknown = set(args.keys) - {e.key for e in chosen}
    if unknown:
        parser.error(f"no such exercise: {', '.join(sorted(unknown))}")
    import tensorflow as tf

    # Repeating a check retraces TensorFlow's pfor and tf.functions on purpose;
    # its advice against retracing would fill the table.
    level = tf.get_logger().level
    tf.get_logger().setLevel("ERROR")
    medians = {}
    try:
        for exercise in chosen:
            median = statistics.median(check_times(exercise, args.repeats))
            medians[exercise.key] = median
            print(f"{exercise.key}  {median * 1000:7.1f} ms per check")
    finally:
        tf.get_logger().setLevel(level)
    result = {
        "repeats": args.repeats,
        "median_s": {k: round(v, 4) for k, v in medians.items()},
        "machine": env(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(
        args.out / "exercise_checks.json", json.dumps(result, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
