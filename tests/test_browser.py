"""The exported site as a reader sees it: every page opened in headless
Chromium (Debian's `chromium`, driven by Playwright) from file://.

Checks per page: no console errors, no failed request and no request to
anything but the site's own files; every image loaded; every formula
typeset by MathJax (no raw `$...$` left, no TeX error boxes); the Chinese
heading drawn with a CJK font; wide code, outputs and formulas scroll instead
of being cut off; no horizontal page overflow at phone width (390 px);
navigation hidden when printed. Also: the navigation works by clicking, and
the same site works from a static HTTP server on 127.0.0.1. A full-page
screenshot of each page at desktop and phone width goes to screenshots/
(git-ignored).

Without Chromium the module is skipped with the reason, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest
from notebook_files import NOTEBOOK_DIR, NOTEBOOKS, ROOT

from tools import build_site

SCREENSHOTS = ROOT / "screenshots"
PAGES = ["index.html"] + [f"{p.stem}.html" for p in NOTEBOOKS]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Font families that carry Chinese glyphs (named as Chromium reports them).
CJK_FONT_RE = re.compile(
    r"CJK|Han\b|Hei|PingFang|YaHei|Song|Ming|Kai|WenQuanYi|Noto Sans SC|"
    r"Noto Serif SC|Droid Sans Fallback|Gothic|SimSun",
    re.IGNORECASE,
)
HAN_RE = re.compile(r"[\u3400-\u9fff]")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def require_chromium(path: str) -> None:
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _unavailable(
            f"Chromium not found at {path} "
            "(install Debian's `chromium` package, or set CHROMIUM=/path/to/it)"
        )


@pytest.fixture(scope="module")
def browser():
    require_chromium(CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"the playwright package is missing ({error})")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        except Exception as error:
            _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if len(PAGES) == 1:
        pytest.skip("no notebooks yet")
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site.build(NOTEBOOK_DIR, out)
    SCREENSHOTS.mkdir(exist_ok=True)
    return out


class Visit:
    """One page opened in a fresh browser context, recording every request,
    failure and console error. Requests that leave the site are blocked."""

    def __init__(self, browser, url: str, viewport: dict, allowed_prefix: str):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.allowed_prefix = allowed_prefix
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on(
            "requestfailed",
            lambda r: self.errors.append(f"failed: {r.url} ({r.failure})"),
        )
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")
        self.wait_for_math()

    def _console(self, message) -> None:
        if message.type in ("error", "assert"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", self.allowed_prefix)):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def wait_for_math(self) -> None:
        self.page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=30_000,
        )
        self.page.evaluate("() => MathJax.startup.promise.then(() => true)")

    def close(self) -> None:
        self.context.close()


def notebook_text(site: Path, page_name: str) -> str:
    """The JSON of the notebook behind a page ("" for the index), from the
    site's own copy (others may rewrite notebooks/ while the tests run)."""
    if page_name == "index.html":
        return ""
    path = site / "notebooks" / page_name.replace(".html", ".ipynb")
    return path.read_text(encoding="utf-8")


def visit(browser, site: Path, name: str, viewport=DESKTOP) -> Visit:
    return Visit(browser, (site / name).as_uri(), viewport, site.as_uri() + "/")


def platform_fonts(page, selector: str) -> dict[str, int]:
    """Fonts Chromium used for the text directly inside the element, with the
    number of glyphs drawn from each (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    finally:
        cdp.detach()
    return {f["familyName"]: f["glyphCount"] for f in fonts["fonts"]}


VISIBLE_TEXT_JS = """() => {
  // Text a reader sees outside code, preformatted output and typeset math.
  const skip = "pre, code, script, style, mjx-container, .jp-InputArea-editor";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !el.closest(skip) && el.getClientRects().length) parts.push(walker.currentNode.data);
  }
  return parts.join(" ");
}"""


CLIPPED_JS = """() => {
  // Code, outputs and displayed formulas whose right edge is cut off: they
  // must either fit or scroll inside a box that is itself fully visible.
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const clips = (e) => ["hidden", "clip"].includes(getComputedStyle(e).overflowX);
  const bad = [];
  for (const el of document.querySelectorAll("main pre, main .highlight, mjx-container[display=true]")) {
    let box = el;
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    if (!box || box === document.body) {
      box = el;
      if (clips(el) && el.scrollWidth > el.clientWidth + 1) {
        bad.push(el.tagName + ": " + el.textContent.slice(0, 50));
        continue;
      }
    }
    const right = box.getBoundingClientRect().right;
    for (let p = box.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      if ((clips(p) || p === document.body) && right > Math.min(p.getBoundingClientRect().right, innerWidth) + 1) {
        bad.push(el.tagName + ": " + el.textContent.slice(0, 50));
        break;
      }
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_page_in_chromium(browser, site, name):
    view = visit(browser, site, name)
    try:
        page = view.page
        assert view.foreign == [], f"{name} requested non-file URLs"
        assert view.errors == [], f"{name}: console errors or failed requests"

        source = notebook_text(site, name)
        images = page.evaluate(
            "() => [...document.images].map(i => [i.complete, i.naturalWidth])"
        )
        assert all(done and width > 0 for done, width in images), images
        assert images or '"image/png"' not in source, f"{name}: figures missing"

        # Every formula typeset: math elements exist, no TeX error, no raw $…$.
        if "$" in source:
            assert page.locator("mjx-container").count() > 0, f"{name}: no math"
        errors = page.locator('mjx-merror, [data-mjx-error], [data-mml-node="merror"]')
        assert errors.count() == 0, f"{name}: TeX errors in formulas"
        visible = page.evaluate(VISIBLE_TEXT_JS)
        raw = re.findall(r"\$[^$]{1,300}\$", visible)
        assert raw == [], f"{name}: untypeset math {raw[:3]}"

        # The Chinese heading is present and drawn with a CJK font.
        selector = "h1 [lang|=zh]" if name == "index.html" else "main h1"
        heading = page.locator(selector).first.inner_text()
        han = HAN_RE.findall(heading)
        assert han, f"{name}: no Chinese heading in {heading!r}"
        fonts = platform_fonts(page, selector)
        cjk_glyphs = sum(n for family, n in fonts.items() if CJK_FONT_RE.search(family))
        assert cjk_glyphs >= len(han), (
            f"{name}: the Chinese heading is not drawn with a CJK font (fonts used: "
            f"{fonts}); install one, e.g. Debian's fonts-noto-cjk (apt.txt)"
        )
        width = page.evaluate(
            """(sel) => { const r = document.createRange();
                 r.selectNodeContents(document.querySelector(sel));
                 return r.getBoundingClientRect().width; }""",
            selector,
        )
        assert width > 0

        clipped = page.evaluate(CLIPPED_JS)
        assert clipped == [], f"{name}: wide blocks cut off, not scrollable"

        page.screenshot(
            path=SCREENSHOTS / f"{Path(name).stem}-desktop.png", full_page=True
        )

        # Printed: navigation hidden.
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => [...document.querySelectorAll('.site-header, .site-nav, .site-footer')]
                 .every(e => getComputedStyle(e).display === 'none')"""
        )
        assert hidden, f"{name}: navigation is printed"
    finally:
        view.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone(browser, site, name):
    view = visit(browser, site, name, viewport=PHONE)
    try:
        page = view.page
        assert view.foreign == [] and view.errors == []
        overflow = page.evaluate(
            """() => ({scroll: document.documentElement.scrollWidth,
                       body: document.body.scrollWidth, width: window.innerWidth})"""
        )
        assert overflow["scroll"] <= overflow["width"], f"{name}: {overflow}"
        assert overflow["body"] <= overflow["width"], f"{name}: {overflow}"
        clipped = page.evaluate(CLIPPED_JS)
        assert clipped == [], f"{name}: wide blocks cut off, not scrollable"
        page.screenshot(
            path=SCREENSHOTS / f"{Path(name).stem}-phone.png", full_page=True
        )
    finally:
        view.close()


def test_navigation_works_by_clicking(browser, site):
    view = visit(browser, site, "index.html")
    try:
        page = view.page
        page.locator(".site-toc__title a").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(PAGES[1])
        if len(PAGES) > 2:
            page.locator(".site-nav--top a[rel=next]").click()
            page.wait_for_load_state("load")
            assert page.url.endswith(PAGES[2])
            page.locator(".site-nav--top a[rel=prev]").click()
            page.wait_for_load_state("load")
            assert page.url.endswith(PAGES[1])
        page.locator(".site-nav--top .site-nav__index").click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/index.html")
        assert view.foreign == [] and view.errors == []
    finally:
        view.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_site_works_from_a_static_server(browser, site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        for name in ("index.html", PAGES[1]):
            view = Visit(browser, base + name, DESKTOP, base)
            try:
                assert view.foreign == [] and view.errors == []
                if "$" in notebook_text(site, name):
                    assert view.page.locator("mjx-container").count() > 0
                download = f"notebooks/{Path(PAGES[1]).stem}.ipynb"
                assert view.page.request.get(base + download).ok
            finally:
                view.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_missing_browser_skips_or_fails_under_ci(monkeypatch, tmp_path):
    """Without Chromium: a skip that says why, but under CI=true a failure."""
    missing = str(tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Chromium not found"):
        require_chromium(missing)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="Chromium not found"):
        require_chromium(missing)
