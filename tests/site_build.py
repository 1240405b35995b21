"""One build of the whole site per test session, shared by the test files
that read it (test_site.py, test_browser.py), also across xdist workers."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

from notebook_files import NOTEBOOK_DIR

from nbtools.layout import READMES
from nbtools.site import build
from nbtools.site.builder import MARKER
from nbtools.wheel import build as build_wheel


def shared_site(tmp_path_factory, worker_id: str) -> tuple[Path, Path]:
    """(snapshot of notebooks/, the site built from it), built once.

    Under xdist every worker's base temp folder has the session's folder as
    parent; the first worker to get there builds, the others wait and reuse.
    """
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base
    folder = root / "shared-site"
    folder.mkdir(exist_ok=True)
    with open(root / "shared-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            snapshot, site = folder / "notebooks", folder / "site"
            if not (site / MARKER).exists():
                shutil.rmtree(snapshot, ignore_errors=True)
                shutil.copytree(
                    NOTEBOOK_DIR, snapshot, ignore=shutil.ignore_patterns(".*")
                )
                wheel = build_wheel(folder / "dist")
                build(snapshot, site, READMES, wheel)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return snapshot, site
