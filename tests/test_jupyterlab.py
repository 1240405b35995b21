"""An exercise done end to end in real JupyterLab, as a learner does it: type
a wrong answer, run the check, read the named mistake; fix it, read ✓."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from browser import CHROMIUM, unavailable
from notebook_files import ROOT

from nbtools.notebook_io import read, write_atomic

NOTEBOOK = "01_gradient_tape.ipynb"
TOKEN = "autodiff-notebooks-test"
WRONG = """x = tf.Variable(60.0)  # degrees: the mistake
with tf.GradientTape() as tape:
    y = tf.sin(x)
slope = tape.gradient(y, x)"""
# `python -m jupyterlab`, without the import nbtools/lean_imports.py leaves out.
LAB_MAIN = (
    "import sys, nbtools.lean_imports; from jupyterlab.labapp import main; "
    "sys.exit(main())"
)
RIGHT = WRONG.replace("60.0)  # degrees: the mistake", "np.pi / 3)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _exercise_cells(nb):
    """The notebook with only what the learner runs here: its first code cell
    (the imports), the exercise cell and the check cell after it. Rendering
    the other cells would cost the browser seconds and check nothing here."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    learner = next(i for i, c in enumerate(code) if "slope = ..." in c.source)
    nb.cells = [code[0], *code[learner : learner + 2]]
    return nb


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on loopback, on a copy of notebook 01's exercise cells
    (:func:`_exercise_cells`), with its own config."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"Chromium not found at {CHROMIUM}")
    home = tmp_path_factory.mktemp("lab")
    write_atomic(_exercise_cells(read(ROOT / "notebooks" / NOTEBOOK)), home / NOTEBOOK)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / ".config"),
        "JUPYTER_DATA_DIR": str(home / ".data"),
        "JUPYTER_RUNTIME_DIR": str(home / ".runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / ".settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / ".workspaces"),
    }
    # Render every cell (JupyterLab renders only the visible ones by default).
    settings = home / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", LAB_MAIN, "--no-browser", "--allow-root",
         f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={home}",
         "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={TOKEN}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_wrong_answer_is_named_and_the_fixed_one_passes(chromium, lab):
    page = chromium.new_page()
    try:
        page.goto(lab)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        cells = page.locator(".jp-Notebook .jp-Cell")

        def run(index: int) -> str:
            """Run cell ``index``; its output text once it has run."""
            cells.nth(index).locator(".cm-content").click()
            page.keyboard.press("Shift+Enter")
            page.wait_for_function(
                "(i) => /\\[\\d+\\]/.test(document.querySelectorAll("
                "'.jp-Notebook .jp-Cell')[i].querySelector('.jp-InputPrompt')"
                ".textContent)",
                arg=index,
                timeout=90_000,
            )
            return cells.nth(index).locator(".jp-OutputArea").inner_text()

        def answer(index: int, code: str) -> str:
            """Put ``code`` in the learner's cell, run it and the check after it."""
            editor = cells.nth(index).locator(".cm-content")
            editor.click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(code)
            run(index)
            return run(index + 1)

        texts = [cells.nth(i).inner_text() for i in range(cells.count())]
        first = next(i for i, t in enumerate(texts) if "from toolkit import H" in t)
        learner = next(i for i, t in enumerate(texts) if "slope = ..." in t)
        assert 'H.check("01.1")' in texts[learner + 1]
        run(first)  # the imports, as a learner starts
        wrong = answer(learner, WRONG)
        assert wrong.startswith("✗"), wrong
        assert "degrees" in wrong, wrong  # the known mistake, by its name
        right = answer(learner, RIGHT)
        assert right.startswith("✓"), right
    finally:
        page.close()
