"""The site in headless Chromium: every page of the English edition (the
checks of tests/browser.py; the Chinese pages are in tests/test_browser_zh.py),
then the site's features: solutions that open on a click and in print,
search in both languages (from disk and from a web server), navigation by
clicking; the font check and the blocking of requests that leave the site
can fail. One module, so one Chromium start (about 2.5 s of CPU, with its
first page) serves them all. Without Chromium these tests are skipped with
the reason, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import quote

import pytest
from browser import ENGLISH_PAGES, check_page, chinese_not_drawn_with_the_font, visit


@pytest.mark.parametrize("name", ENGLISH_PAGES)
def test_page(chromium, browser_site, name):
    check_page(chromium, browser_site, name)


SOLUTION_PAGES = ["01_gradient_tape.html", "zh/01_gradient_tape.html"]


@pytest.mark.parametrize("name", SOLUTION_PAGES)
def test_solutions_open_on_a_click_and_when_printed(chromium, browser_site, name):
    view = visit(chromium, browser_site, name)
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


def _results(page) -> list[str]:
    """The links of the search results, once the search has finished."""
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.textContent.trim().length > 0; }",
        timeout=20_000,
    )
    return page.eval_on_selector_all(
        "#search-results ul.search li a", "(links) => links.map((a) => a.href)"
    )


@pytest.mark.parametrize(("where", "query", "expected"), SEARCHES)
def test_search_works_offline_in_both_languages(
    chromium, browser_site, where, query, expected
):
    view = visit(chromium, browser_site, where, query="?q=" + quote(query))
    try:
        results = _results(view.page)
        folder = (browser_site / where).parent.as_uri() + "/"
        pages = [r.split("#")[0] for r in results]
        assert folder + expected in pages, f"{query!r} did not find {expected}: {pages}"
        assert all(p.startswith(folder) for p in pages), "results stay in the edition"
        assert view.errors == [] and view.foreign == []
    finally:
        view.close()


def test_navigation_by_clicking(chromium, browser_site):
    view = visit(chromium, browser_site, "index.html")
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


def test_the_font_check_finds_chinese_drawn_with_another_font(chromium, browser_site):
    """The check every page passes (tests/browser.py) reports text whose
    style names another font, and only that text; and a character the font
    lacks, in text styled like the rest."""
    view = visit(chromium, browser_site, "zh/index.html")
    try:
        assert chinese_not_drawn_with_the_font(view.page) == []
        view.page.add_style_tag(content="h1 { font-family: monospace !important; }")
        wrong = chinese_not_drawn_with_the_font(view.page)
        heading = view.page.locator("h1").first.inner_text()
        assert len(wrong) == 1 and heading.strip()[:10] in wrong[0], (heading, wrong)
        # 䶮 (U+4DAE) is not in GB2312, so not in the site's font.
        view.page.evaluate("() => document.querySelector('main p').append(' 䶮')")
        wrong = chinese_not_drawn_with_the_font(view.page)
        lacking = [w for w in wrong if w.endswith(", not in the font: 䶮)")]
        assert len(wrong) == 2 and len(lacking) == 1, wrong
    finally:
        view.close()


def test_a_request_leaving_the_site_is_blocked_and_recorded(chromium, browser_site):
    """What every page is checked for (tests/browser.py): a request to the
    network or to a file outside the site is recorded, and never reaches it."""
    view = visit(chromium, browser_site, "index.html")
    try:
        assert view.foreign == [] and view.errors == []
        outside = ["https://example.com/x.js", "file:///etc/hostname"]
        reached = view.page.evaluate(
            "(urls) => Promise.all(urls.map((u) => fetch(u).then(() => u, () => null)))",
            outside,
        )
        assert reached == [None, None]
        assert sorted(view.foreign) == sorted(outside)  # fetched side by side
    finally:
        view.close()


@pytest.fixture
def server(browser_site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        requests: list[str] = []

        def log_message(self, format, *args):  # noqa: A002 (the base's name)
            Quiet.requests.append(self.path)  # recorded, not printed

    handler = functools.partial(Quiet, directory=str(browser_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_site_works_from_a_web_server(chromium, server):
    page = chromium.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on(
        "requestfailed",
        # ERR_ABORTED: a request cut short by the next navigation (the favicon)
        lambda r: r.failure != "net::ERR_ABORTED" and errors.append(f"failed: {r.url}"),
    )
    page.on(
        "response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}")
    )
    try:
        for path in ("index.html", "zh/index.html", "zh/04_persistent_tape.html"):
            response = page.goto(f"{server}/{path}", wait_until="load")
            assert response.status == 200, path
        page.goto(f"{server}/zh/search.html?q=" + quote("持久化"), wait_until="load")
        results = _results(page)
        assert any(r.endswith("/zh/04_persistent_tape.html") for r in results)
        # Each result's snippet is fetched from the server: wait until every
        # result shows one, then until no request is left.
        page.wait_for_function(
            "() => [...document.querySelectorAll('#search-results ul.search li')]"
            ".every((li) => li.querySelector('p.context'))",
            timeout=20_000,
        )
        page.wait_for_load_state("networkidle")
        assert errors == []
    finally:
        page.close()
