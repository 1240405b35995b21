"""Test session set-up: every notebook kernel starts in the environment the
session started with, every notebook runs twice in one kernel, and a summary
of what nbval checked.

nbval compares text outputs; figures (PNG) are compared here, within a
tolerance (nbtools/figures.py).

A notebook kernel inherits this process's ``os.environ``. If collecting a
test module (or running a test) set TensorFlow's or BLAS's variables, a
notebook that forgot ``from toolkit import H`` would still pass. So the
environment is recorded before collection; collection must leave it as it
was (``tests/test_isolation.py`` checks), and after every test it is put back.

nbval executes a notebook's code cells in one kernel and compares their
outputs with the stored ones. After its last cell, the item added here runs
every code cell again in that same kernel, as a learner pressing Run All a
second time: no cell may fail the second time (pitfalls print their error
with ``H.expect_error``, which fails when the error does not come). Reusing
nbval's kernel saves a kernel start and a full run per notebook; the second
run does not render figures to PNG (the first run compared them). It skips
the cells tagged ``new-processes`` (notebook 12's workers): their work runs
in new processes, in a new folder and network namespace, so a second run
would repeat the first run's check at the cost of two TensorFlow start-ups
(tests/test_notebook_hygiene.py allows the tag on that cell only).

nbval executes the English edition only. A Chinese notebook's code is the
English code token for token and its outputs are the English outputs
(tests/test_translation.py fails on any difference, outputs and figures
included), so executing it would repeat the English run; the hygiene and
site tests still read every Chinese notebook.
"""

from __future__ import annotations

import os

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from nbtools.execute import CELL_TIMEOUT
from nbtools.figures import stale_figures
from nbtools.layout import Tag, edition_of, tags

RUN_AGAIN = "Run All again"
ENV_BEFORE = pytest.StashKey[dict]()
ENV_COLLECTED = pytest.StashKey[dict]()
# pytest itself sets and removes this one around every test.
PYTEST_OWN = "PYTEST_CURRENT_TEST"


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != PYTEST_OWN}


def pytest_configure(config):
    config.stash[ENV_BEFORE] = _environment()


def pytest_collection_finish(session):
    """Record what collection did to the environment, then undo it."""
    session.config.stash[ENV_COLLECTED] = _environment()
    _restore(session.config.stash[ENV_BEFORE])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Put the environment back after each test, so the next notebook's kernel
    starts as a learner's does."""
    yield
    _restore(item.config.stash[ENV_BEFORE])


def _restore(wanted: dict[str, str]) -> None:
    for name in set(_environment()) - set(wanted):
        del os.environ[name]
    for name, value in wanted.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


@pytest.fixture
def collection_environment_changes(request) -> list[str]:
    """``NAME: before -> after collection`` for each variable collection changed."""
    before = request.config.stash[ENV_BEFORE]
    after = request.config.stash[ENV_COLLECTED]
    names = sorted(set(before) | set(after))
    return [
        f"{n}: {before.get(n)!r} -> {after.get(n)!r}"
        for n in names
        if before.get(n) != after.get(n)
    ]


# The second run draws no figure: their pixels were compared in the first
# run, and rendering them again (about 0.35 s of CPU each) checks nothing
# more. Figures are still made, shown and closed; only their PNG is skipped.
NO_FIGURE_IMAGES = "%config InlineBackend.figure_formats = set()"


class RunAllAgain(pytest.Item):
    """Every code cell of the notebook once more, in nbval's kernel."""

    def runtest(self) -> None:
        kernel = self.parent.kernel
        if kernel is None or not kernel.is_alive():
            pytest.fail("the notebook's kernel is gone before the second run")
        msg_id = kernel.execute_cell_input(NO_FIGURE_IMAGES, allow_stdin=False)
        reply = _reply(kernel, msg_id)
        if reply["status"] == "error":
            pytest.fail(f"{NO_FIGURE_IMAGES}: {reply.get('evalue')}", pytrace=False)
        code = [c for c in self.parent.nb.cells if c.cell_type == "code"]
        for number, cell in enumerate(code):
            if Tag.NEW_PROCESSES in tags(cell):
                continue
            msg_id = kernel.execute_cell_input(cell.source, allow_stdin=False)
            reply = _reply(kernel, msg_id)
            if reply["status"] == "error":
                pytest.fail(
                    f"second run, code cell {number} raised "
                    f"{reply.get('ename')}: {reply.get('evalue')}\n{cell.source}",
                    pytrace=False,
                )

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{RUN_AGAIN}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After nbval compared a cell's text outputs, compare its figures
    (nbval skips PNGs): a figure that no longer matches what the cell draws
    now is stale (see nbtools/figures.py for the tolerance)."""
    result = yield
    if (
        isinstance(item, IPyNbCell)
        and item.test_outputs is not None
        and Tag.IGNORE_OUTPUT not in tags(item.cell)
    ):
        stale = stale_figures(item.cell.outputs, item.test_outputs)
        if stale:
            pytest.fail(
                "stored figure out of date (run `make execute`): " + "; ".join(stale),
                pytrace=False,
            )
    return result


def pytest_ignore_collect(collection_path, config):
    """nbval collects the English notebooks only (see the module docstring)."""
    if collection_path.suffix == ".ipynb" and edition_of(collection_path) == "zh":
        return True
    return None


def _reply(kernel, msg_id: str) -> dict:
    """The kernel's execute_reply to ``msg_id``."""
    while True:
        message = kernel.get_message(stream="shell", timeout=CELL_TIMEOUT)
        if message["parent_header"].get("msg_id") == msg_id:
            return message["content"]


# The order test files are handed to the two xdist workers (pytest-xdist,
# with --no-loadscope-reorder, hands them out in this order): first the site
# build on one worker while the longest notebook runs on the other (so no
# worker waits for the shared site), then the browser tests, then the rest
# from long to short (each file's time in a full run), so that both workers
# finish at about the same time: the files left for the end take seconds.
FIRST = (
    "test_site.py",
    "12_distributed_gradients.ipynb",
    "test_browser.py",
    "test_browser_zh.py",
    "test_wheel.py",
    "test_exercises.py",
    "08_performance.ipynb",
    "13_memory_precision.ipynb",
    "test_jupyterlab.py",
    "11_keras_training_loop.ipynb",
    "07_gradient_descent.ipynb",
    "10_jacobians_forward_reverse.ipynb",
    "test_figures.py",
    "test_env.py",
    "test_notebook_tools.py",
    "test_chapter.py",
    "test_benchmark.py",
)


def _schedule(item) -> tuple:
    """Sort key: the files of FIRST, then the other notebooks from last to
    first (the later ones run longer), then everything else in collection
    order."""
    name = item.path.name
    if name in FIRST:
        return (0, FIRST.index(name))
    if item.path.suffix == ".ipynb":
        return (1, -int(name[:2]))
    return (2,)


def pytest_collection_modifyitems(session, config, items):
    """Order the test files (see FIRST), then add a RunAllAgain item after the
    last cell of every English notebook."""
    items.sort(key=_schedule)  # stable: cells keep their order
    result = []
    for index, item in enumerate(items):
        result.append(item)
        parent = item.parent
        last = index + 1 == len(items) or items[index + 1].parent is not parent
        if isinstance(parent, IPyNbFile) and last:
            result.append(RunAllAgain.from_parent(parent, name=RUN_AGAIN))
    items[:] = result


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print how many notebook cells, and second runs, passed or failed."""
    cells: dict[str, int] = {}
    again: dict[str, int] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        reports = terminalreporter.stats.get(outcome, [])
        ids = {
            r.nodeid
            for r in reports
            if ".ipynb::" in getattr(r, "nodeid", "") and r.when in ("call", "setup")
        }
        again[outcome] = sum(i.endswith(RUN_AGAIN) for i in ids)
        cells[outcome] = len(ids) - again[outcome]
    if any(cells.values()):
        terminalreporter.write_line(
            "notebook cells (nbval): "
            + ", ".join(f"{n} {outcome}" for outcome, n in cells.items())
            + "; notebooks run again in the same kernel: "
            + ", ".join(f"{n} {outcome}" for outcome, n in again.items())
        )
