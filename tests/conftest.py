"""Fixtures of the browser tests (tests/browser.py, tests/test_browser*.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREENSHOTS, unavailable
from site_build import shared_site


@pytest.fixture(scope="module")
def chromium():
    """A browser context of headless Chromium; visits reuse one tab of it."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(
            f"Chromium not found at {CHROMIUM} "
            "(install Debian's `chromium` package, or set CHROMIUM=/path/to/it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        except Exception as error:
            unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
        context = browser.new_context(viewport=DESKTOP)
        yield context
        context.close()
        browser.close()


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory, worker_id) -> Path:
    """The site, built once per session (shared with tests/test_site.py)."""
    _, out = shared_site(tmp_path_factory, worker_id)
    if os.environ.get("SITE_SCREENSHOTS"):
        (SCREENSHOTS / "zh").mkdir(parents=True, exist_ok=True)
    return out
