"""What the browser tests share: Chromium, the pages of the site, a visit
that records what went wrong, and the checks every page must pass.

Per page (:func:`check_page`): no console error, failed request or request
leaving the site; every image loaded; every formula typeset; Chinese text
drawn with the site's own font; the language switch leads to the same page
in the other edition; wide blocks scroll instead of being cut off; nothing
wider than a phone (390 px). Set SITE_SCREENSHOTS=1 to save a screenshot of
every page at desktop and phone width in screenshots/ (git-ignored).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from notebook_files import CHINESE, ENGLISH, ROOT

from toolkit.fonts import FONT_FAMILY, FONT_FILE

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
GENERATED = ["index.html", "glossary.html", "search.html"]
ENGLISH_PAGES = GENERATED + [f"{p.stem}.html" for p in ENGLISH]
CHINESE_PAGES = [f"zh/{name}" for name in GENERATED] + [
    f"zh/{p.stem}.html" for p in CHINESE
]


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def _tab(context):
    """The context's tab that visits reuse (a new tab costs Chromium a
    renderer process and about a second of CPU)."""
    pages = [p for p in context.pages if not p.is_closed()]
    return pages[0] if pages else context.new_page()


class Visit:
    """One page opened in the context's reused tab, recording console
    errors, failed requests and requests that leave the site (which are
    blocked). ``close`` leaves the tab blank, with nothing of this visit
    attached.

    Only requests that leave the site are intercepted: the pattern is
    matched inside the browser, so the site's own files load without a
    round trip through this process."""

    def __init__(self, chromium, url: str, allowed_prefix: str, viewport=DESKTOP):
        self.page = _tab(chromium)
        self.page.set_viewport_size(viewport)
        self.page.emulate_media(media="screen")
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.allowed_prefix = allowed_prefix
        self._listeners = {
            "console": self._console,
            "pageerror": lambda e: self.errors.append(f"page error: {e}"),
            "requestfailed": lambda r: self.errors.append(
                f"failed: {r.url} ({r.failure})"
            ),
        }
        for event, listener in self._listeners.items():
            self.page.on(event, listener)
        self._leaving = re.compile(
            "^(?!" + "|".join(map(re.escape, ("data:", allowed_prefix))) + ")"
        )
        self.page.route(self._leaving, self._block)
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

    def _block(self, route) -> None:
        self.foreign.append(route.request.url)
        route.abort()

    def close(self) -> None:
        """Blank the tab (requests this page left pending end here, recorded
        by this visit), then detach this visit from it."""
        if self.page.is_closed():
            return
        self.page.goto("about:blank")
        self.page.unroute(self._leaving, self._block)
        for event, listener in self._listeners.items():
            self.page.remove_listener(event, listener)


def visit(chromium, site: Path, name: str, viewport=DESKTOP, query: str = "") -> Visit:
    """Open a page of the site (with an optional ``?query``) in the reused
    tab of ``chromium`` (a browser context)."""
    url = (site / name).as_uri() + query
    return Visit(chromium, url, site.as_uri() + "/", viewport)


HAN_ELEMENTS_JS = """() => {
  // Every rendered element, HTML or SVG (MathJax draws formulas as SVG),
  // whose own text has Chinese characters, grouped by what chooses its font:
  // font family, weight and style, and language. Returns one [text of the
  // group's first element, number of elements, all their Chinese text] per
  // group and marks that first element with its group's number.
  // Closed solutions are opened first: their text is checked too.
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const own = (e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join("");
  const groups = new Map();
  for (const e of document.querySelectorAll("body *")) {
    const text = own(e);
    if (!/[\\u3400-\\u9fff]/.test(text) || !e.getClientRects().length) continue;
    if (e.closest("mjx-assistive-mml")) continue;  // MathML for screen readers, not drawn
    const style = getComputedStyle(e);
    const lang = (e.closest("[lang]") || document.documentElement).lang;
    const key = [style.fontFamily, style.fontWeight, style.fontStyle, lang].join("|");
    if (!groups.has(key)) {
      e.setAttribute("data-test-han-i", String(groups.size));
      groups.set(key, [text, 0, ""]);
    }
    const group = groups.get(key);
    group[1] += 1;
    group[2] += text;
  }
  return [...groups.values()];
}"""


@functools.cache
def _font_characters() -> frozenset[int]:
    """The code points the site's font has glyphs for."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONT_FILE).getBestCmap())


def chinese_not_drawn_with_the_font(page) -> list[str]:
    """Chinese text on the page, formulas and code included, that Chromium
    would not draw with the site's font: ``text (fonts used)``.

    Which font draws a character depends on the element's font settings
    (family, weight, style, language) and on whether the font has the
    character. So the check is done per group of elements that share those
    settings: Chromium reports (DevTools protocol) the fonts it used for the
    group's first element, and every Chinese character of the group must be
    one the font has. A group is one element for a heading styled apart,
    hundreds for a page's paragraphs."""
    cdp = page.context.new_cdp_session(page)
    wrong = []
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        groups = page.evaluate(HAN_ELEMENTS_JS)
        # Text just shown (opened solutions) is laid out and its fonts loaded
        # by the next frames.
        page.evaluate(
            "() => new Promise((done) => requestAnimationFrame(() =>"
            " requestAnimationFrame(() => document.fonts.ready.then(done))))"
        )
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = cdp.send(
            "DOM.querySelectorAll", {"nodeId": root, "selector": "[data-test-han-i]"}
        )["nodeIds"]
        assert len(nodes) == len(groups), (len(nodes), len(groups))
        has = _font_characters()
        for node, (text, count, chinese) in zip(nodes, groups, strict=True):
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})
            used = {f["familyName"]: f["glyphCount"] for f in fonts["fonts"]}
            lacking = sorted({c for c in HAN_RE.findall(chinese) if ord(c) not in has})
            if used.get(FONT_FAMILY, 0) < len(HAN_RE.findall(text)) or lacking:
                more = f" and {count - 1} more alike" if count > 1 else ""
                gaps = f", not in the font: {''.join(lacking)}" if lacking else ""
                wrong.append(f"{text.strip()[:40]!r}{more} ({used}{gaps})")
    finally:
        cdp.detach()
    return wrong


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
  // The first heading, paragraph or table cell of the page whose own text
  // (not its children's) is Chinese: that text, or null.
  const own = (e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join("");
  const all = [...document.querySelectorAll("main h1, main h2, main p, main td, main li")];
  const found = all.find((e) => /[\\u3400-\\u9fff]/.test(own(e)) && e.getClientRects().length);
  return found ? own(found) : null;
}"""


def _file_exists(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "file" and Path(unquote(parts.path)).is_file()


def check_page(chromium, site: Path, name: str) -> None:
    """Everything a reader relies on, on one page (see the module docstring)."""
    view = visit(chromium, site, name)
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

        wrong = chinese_not_drawn_with_the_font(page)
        assert wrong == [], (
            f"{name}: Chinese drawn without the site's font: {wrong[:3]}"
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
