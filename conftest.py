"""Shared test set-up: report how many notebook cells nbval checked.

Note: ``make test`` runs pytest-xdist with ``--dist loadfile``. nbval needs
all cells of a notebook in one kernel, in order, and only ``loadfile`` keeps
them together (``loadgroup`` hands a worker partial chunks, and pytest tears
the kernel down between chunks).
"""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print how many notebook cells passed, failed or were skipped."""
    counts = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        reports = terminalreporter.stats.get(outcome, [])
        cells = {
            r.nodeid
            for r in reports
            if ".ipynb::" in getattr(r, "nodeid", "") and r.when in ("call", "setup")
        }
        counts[outcome] = len(cells)
    if any(counts.values()):
        terminalreporter.write_line(
            "notebook cells (nbval): "
            + ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
        )
