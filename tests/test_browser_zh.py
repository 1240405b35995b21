"""Every page of the Chinese edition in headless Chromium (tests/browser.py;
the English pages and the site's features: tests/test_browser.py)."""

import pytest
from browser import CHINESE_PAGES, check_page


@pytest.mark.parametrize("name", CHINESE_PAGES)
def test_page(chromium, browser_site, name):
    check_page(chromium, browser_site, name)
