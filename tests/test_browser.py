"""The site as a reader sees it: every page of both editions opened in
headless Chromium (Debian's ``chromium``, driven by Playwright), from disk.

Per page: no console error, failed request or request leaving the site;
every image loaded; every formula typeset; Chinese text drawn with the
site's own font; the language switch leads to an existing page; wide blocks
scroll instead of being cut off; nothing wider than a phone (390 px);
solutions closed, opening on a click and shown when printed. Also: search in
both languages (from disk and from a local server), and navigation by
clicking. Set SITE_SCREENSHOTS=1 to save a screenshot of every page at
desktop and phone width in screenshots/ (git-ignored).

Without Chromium the module is skipped with the reason, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from notebook_files import CHINESE, ENGLISH, NOTEBOOK_DIR, ROOT

from nbtools.site import build
from toolkit.fonts import FONT_FAMILY

SCREENSHOTS = ROOT / "screenshots"
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
HAN_RE = re.compile(r"[\u3400-\u9fff]")
GENERATED = ["index.html", "glossary.html", "search.html", "genindex.html"]
PAGES = (
    GENERATED
    + [f"{p.stem}.html" for p in ENGLISH]
    + [f"zh/{name}" for name in GENERATED]
    + [f"zh/{p.stem}.html" for p in CHINESE]
)


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(
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
            _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    snapshot = tmp_path_factory.mktemp("snapshot") / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, snapshot, ignore=shutil.ignore_patterns(".*"))
    out = tmp_path_factory.mktemp("browser") / "site"
    build(snapshot, out)
    if os.environ.get("SITE_SCREENSHOTS"):
        (SCREENSHOTS / "zh").mkdir(parents=True, exist_ok=True)
    return out


class Visit:
    """One page opened in a fresh browser context, recording console errors,
    failed requests and requests that leave the site (which are blocked)."""

    def __init__(self, browser, url: str, allowed_prefix: str, viewport=DESKTOP):
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
        self.page.wait_for_function(
            "() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)"
        )
        self.page.evaluate(
            "() => window.MathJax ? MathJax.startup.promise.then(() => true) : true"
        )
        self.page.evaluate("() => document.fonts.ready.then(() => true)")

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

    def close(self) -> None:
        self.context.close()


def visit(browser, site: Path, name: str, viewport=DESKTOP) -> Visit:
    return Visit(browser, (site / name).as_uri(), site.as_uri() + "/", viewport)


def platform_fonts(page, selector: str) -> dict[str, int]:
    """Fonts Chromium used for the text inside the element, with the number
    of glyphs drawn from each (DevTools protocol)."""
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
  const skip = "pre, code, script, style, mjx-container";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !el.closest(skip) && el.getClientRects().length) parts.push(walker.currentNode.data);
  }
  return parts.join(" ");
}"""

CLIPPED_JS = """() => {
  // Code, outputs, tables and displayed formulas whose right edge is cut off:
  // they must fit or scroll inside a box that is itself fully visible.
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const clips = (e) => ["hidden", "clip"].includes(getComputedStyle(e).overflowX);
  const bad = [];
  for (const el of document.querySelectorAll("main pre, main table, mjx-container[display=true]")) {
    let box = el;
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    if (!box || box === document.body) box = el;
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

FIRST_HAN_ELEMENT_JS = """() => {
  // Mark the first heading, paragraph or table cell of the page whose own
  // text (not its children's) is Chinese; return that text.
  const own = (e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join("");
  const all = [...document.querySelectorAll("main h1, main h2, main p, main td, main li")];
  const found = all.find((e) => /[\\u3400-\\u9fff]/.test(own(e)) && e.getClientRects().length);
  if (!found) return null;
  found.setAttribute("data-test-han", "1");
  return own(found);
}"""


def _file_exists(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "file" and Path(unquote(parts.path)).is_file()


@pytest.mark.parametrize("name", PAGES)
def test_page(browser, site, name):
    view = visit(browser, site, name)
    page = view.page
    try:
        assert view.foreign == [], f"{name} requested {view.foreign}"
        assert view.errors == [], f"{name}: {view.errors}"

        images = page.evaluate(
            "() => [...document.images].map(i => [i.complete, i.naturalWidth, i.src])"
        )
        assert all(done and width > 0 for done, width, _ in images), images
        if "_images/" in (site / name).read_text(encoding="utf-8"):
            assert any("_images/" in src for *_, src in images), f"{name}: figures"

        errors = page.locator('mjx-merror, [data-mjx-error], [data-mml-node="merror"]')
        assert errors.count() == 0, f"{name}: TeX errors in formulas"
        visible = page.evaluate(VISIBLE_TEXT_JS)
        raw = re.findall(r"\$[^$\s][^$]{0,300}\$|\\\(.{1,300}?\\\)", visible)
        assert raw == [], f"{name}: formulas not typeset: {raw[:3]}"
        if 'class="math' in (site / name).read_text(encoding="utf-8"):
            assert page.locator("mjx-container").count() > 0, f"{name}: no math"

        text = page.evaluate(FIRST_HAN_ELEMENT_JS)
        if name.startswith("zh/") or name not in GENERATED[2:]:
            assert text and HAN_RE.search(text), f"{name}: no Chinese text"
        if text:
            fonts = platform_fonts(page, "[data-test-han]")
            drawn = fonts.get(FONT_FAMILY, 0)
            assert drawn >= len(HAN_RE.findall(text)), (
                f"{name}: Chinese not drawn with the site's font ({fonts})"
            )

        switch = page.locator("a.lang-switch")
        assert switch.count() == 1, f"{name}: language switch"
        target = switch.evaluate("(a) => a.href")
        assert _file_exists(target), f"{name}: switch leads to {target}"
        other = name.removeprefix("zh/") if name.startswith("zh/") else f"zh/{name}"
        assert target.endswith("/" + other), (name, target)

        assert page.evaluate(CLIPPED_JS) == [], f"{name}: wide blocks cut off"
        if os.environ.get("SITE_SCREENSHOTS"):
            page.screenshot(
                path=SCREENSHOTS / f"{name[:-5]}-desktop.png", full_page=True
            )

        page.set_viewport_size(PHONE)
        width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width[0] <= width[1], f"{name}: wider than a phone {width}"
        assert page.evaluate(CLIPPED_JS) == [], f"{name}: cut off on a phone"
        if os.environ.get("SITE_SCREENSHOTS"):
            page.screenshot(path=SCREENSHOTS / f"{name[:-5]}-phone.png", full_page=True)
    finally:
        view.close()


SOLUTION_PAGES = ["01_gradient_tape.html", "zh/01_gradient_tape.html"]


@pytest.mark.parametrize("name", SOLUTION_PAGES)
def test_solutions_open_on_a_click_and_when_printed(browser, site, name):
    view = visit(browser, site, name)
    page = view.page
    try:
        solutions = page.locator("details.solution")
        assert solutions.count() >= 1
        first = solutions.first
        body = first.locator(".solution__body")
        assert not first.evaluate("(d) => d.open") and not body.is_visible()
        label = "参考答案" if name.startswith("zh/") else "Solution"
        assert first.locator("summary").inner_text().strip() == label
        first.locator("summary").click()
        assert first.evaluate("(d) => d.open") and body.is_visible()
        first.locator("summary").click()
        assert not body.is_visible()

        page.emulate_media(media="print")
        heights = page.evaluate(
            """() => [...document.querySelectorAll('details.solution .solution__body')]
                 .map(b => b.getBoundingClientRect().height)"""
        )
        assert heights and all(h > 0 for h in heights), "solutions hidden in print"
        assert not page.locator(".bd-sidebar-primary").is_visible(), (
            "navigation printed"
        )
    finally:
        view.close()


SEARCHES = [
    ("search.html", "persistent", "04_persistent_tape.html"),
    ("search.html", "Jacobian", "10_jacobians_forward_reverse.html"),
    ("zh/search.html", "持久化", "04_persistent_tape.html"),
    ("zh/search.html", "雅可比", "10_jacobians_forward_reverse.html"),
    ("zh/search.html", "梯度带", "01_gradient_tape.html"),
]


def _search(page, url: str) -> list[str]:
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.textContent.trim().length > 0; }",
        timeout=20_000,
    )
    return page.eval_on_selector_all(
        "#search-results ul.search li a", "(links) => links.map((a) => a.href)"
    )


@pytest.mark.parametrize(("where", "query", "expected"), SEARCHES)
def test_search_works_offline_in_both_languages(browser, site, where, query, expected):
    view = visit(browser, site, "index.html")
    try:
        results = _search(view.page, (site / where).as_uri() + "?q=" + quote(query))
        folder = (site / where).parent.as_uri() + "/"
        pages = [r.split("#")[0] for r in results]
        assert folder + expected in pages, f"{query!r} did not find {expected}: {pages}"
        assert all(p.startswith(folder) for p in pages), "results stay in the edition"
        assert view.errors == [] and view.foreign == []
    finally:
        view.close()


def test_navigation_by_clicking(browser, site):
    view = visit(browser, site, "index.html")
    page = view.page
    try:
        page.locator("article a[href='01_gradient_tape.html']").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/01_gradient_tape.html")
        page.locator("a.lang-switch").click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/zh/01_gradient_tape.html")
        assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
        page.locator("a.right-next").click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/zh/02_watch.html")
        assert view.errors == [] and view.foreign == []
    finally:
        view.close()


@pytest.fixture
def server(site):
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(site)
    )
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_site_works_from_a_web_server(browser, server):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    try:
        for path in ("index.html", "zh/index.html", "zh/04_persistent_tape.html"):
            response = page.goto(f"{server}/{path}", wait_until="load")
            assert response.status == 200, path
        results = _search(page, f"{server}/zh/search.html?q=" + quote("持久化"))
        assert any(r.endswith("/zh/04_persistent_tape.html") for r in results)
        page.wait_for_timeout(500)  # snippets are fetched from the server
        assert errors == []
    finally:
        context.close()
