"""The source chapter's own code, unchanged, runs in this environment from
any folder and prints what the chapter printed, with nothing on stderr."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

CHAPTER = Path(__file__).parent / "chapter" / "chapter_12_4.py"

# What the chapter shows as the output of its deterministic cells.
PRINTED = """\
x trainable: True
tf.Tensor(6.0, shape=(), dtype=float32)
tf.Tensor(6.0, shape=(), dtype=float32)
L: 62.5
w_grad: [[35.]
 [50.]]
b_grad: 15.0
"""
ITER_LINE = re.compile(r"iter (\d+)  loss: (\d+\.\d+(e[-+]\d+)?)")


def test_chapter_code_runs_unchanged_and_prints_the_same(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    run = subprocess.run(
        [sys.executable, str(CHAPTER)],
        cwd=tmp_path,  # any folder: toolkit is installed, not found by path
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", "nothing on stderr"
    assert run.stdout.startswith(PRINTED)
    rest = run.stdout[len(PRINTED) :].splitlines()
    # Two gradient-descent runs (NumPy, then TensorFlow) of 100 iterations on
    # freshly sampled data: the losses vary, their format and trend do not.
    matches = [ITER_LINE.fullmatch(line) for line in rest]
    assert all(matches) and len(matches) == 200
    assert [int(m[1]) for m in matches] == list(range(100)) * 2
    numpy_losses = [float(m[2]) for m in matches[:100]]
    tf_losses = [float(m[2]) for m in matches[100:]]
    assert numpy_losses[-1] < numpy_losses[0] and tf_losses[-1] < tf_losses[0]
    # Same data, same algorithm: TensorFlow (float32) ends where NumPy does.
    assert abs(tf_losses[-1] - numpy_losses[-1]) < 1e-4 * numpy_losses[-1]
