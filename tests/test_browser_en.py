"""Every page of the English edition in headless Chromium (tests/browser.py)."""

import pytest
from browser import ENGLISH_PAGES, check_page


@pytest.mark.parametrize("name", ENGLISH_PAGES)
def test_page(chromium, browser_site, name):
    check_page(chromium, browser_site, name)
