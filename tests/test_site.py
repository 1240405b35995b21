"""The HTML export (tools/build_site.py, `make html`): structure, links,
embedded figures, no network resources, bad input.

The site is built once per module from a snapshot of the notebooks into a
temporary folder; tests/test_browser.py checks such a site in Chromium.
"""

from __future__ import annotations

import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from notebook_files import NOTEBOOKS

from tools import build_site

# Elements and attributes through which a page loads something by itself
# (an <a href> is only followed when the reader clicks it).
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "track": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
CSS_REMOTE_RE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"]?)\s*(?:https?:)?//""", re.IGNORECASE
)


class Page(HTMLParser):
    """The parts of an HTML page these tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False
        self._row: list[str] | None = None
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if "style" in attributes:
            self.styles.append(attributes["style"])
        if tag == "style":
            self._in_style = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Elements with this tag whose attributes contain the given words."""
        found = []
        for name, attributes in self.elements:
            if name != tag:
                continue
            if all(
                value in attributes.get(key.rstrip("_"), "").split()
                for key, value in attrs.items()
            ):
                found.append(attributes)
        return found


def is_remote(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip().startswith("//") or scheme not in ("", "data", "file")


def local_target(site: Path, page: Path, href: str) -> Path | None:
    """The file a relative link points at, or None for in-page anchors."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    """A snapshot of the notebooks (others may rewrite them meanwhile)."""
    folder = tmp_path_factory.mktemp("snapshot") / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS:
        shutil.copy2(path, folder / path.name)
    if not any(folder.iterdir()):
        pytest.skip("no notebooks yet")
    return folder


@pytest.fixture(scope="module")
def notebook_paths(notebooks) -> list[Path]:
    return sorted(notebooks.glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, notebooks) -> Path:
    out = tmp_path_factory.mktemp("export") / "site"
    build_site.build(notebooks, out)
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    return {
        path.name: Page(path.read_text(encoding="utf-8"))
        for path in sorted(site.glob("*.html"))
    }


def make_notebook(folder: Path, name: str, title: str | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    if title is not None:
        nb.cells.append(
            nbformat.v4.new_markdown_cell(
                f"{title}\n\n*Source: chapter 12.4, section **测试**.*\n\n"
                "This notebook teaches `one thing`, e.g. a test. Then more."
            )
        )
    nb.cells.append(nbformat.v4.new_code_cell("1 + 1"))
    path = folder / name
    nbformat.write(nb, path)
    return path


# ---- structure -------------------------------------------------------------


def test_one_page_per_notebook_and_an_index(site, notebook_paths):
    pages = {p.name for p in site.glob("*.html")}
    expected = {f"{p.stem}.html" for p in notebook_paths} | {"index.html"}
    assert pages == expected


def test_notebooks_are_copied_for_download(site, notebook_paths):
    for path in notebook_paths:
        copy = site / "notebooks" / path.name
        assert copy.read_bytes() == path.read_bytes()


def test_every_stored_figure_is_embedded_in_its_page(site, notebook_paths):
    checked = 0
    for path in notebook_paths:
        page = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                for mime in ("image/png", "image/jpeg"):
                    data = output.get("data", {}).get(mime)
                    if data:
                        encoded = "".join(data.split())
                        assert f"data:{mime};base64,{encoded}" in page, (
                            f"{path.name}: a stored {mime} figure is missing"
                        )
                        checked += 1
    if not checked:
        pytest.skip("no stored figures in the notebooks yet")


def test_index_table_lists_every_notebook(site, pages, notebook_paths):
    index = pages["index.html"]
    body_rows = [row for row in index.rows if row and row[0] != "#"]
    links = [a["href"] for a in index.find("a") if a["href"].endswith(".html")]
    assert links == [f"{p.stem}.html" for p in notebook_paths]
    assert len(body_rows) == len(notebook_paths)
    for row, path in zip(body_rows, notebook_paths, strict=True):
        info = build_site.describe(path, nbformat.read(path, as_version=4))
        number, title, heading_zh, summary = row
        assert number == path.name[:2] == info.number
        assert title and title == build_site.plain_text(info.title)
        assert re.search(r"[\u4e00-\u9fff]", heading_zh), f"{path.name}: {row}"
        assert len(summary) > 20, f"{path.name}: no one-line summary: {row}"
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "Automatic differentiation with TensorFlow — 求导" in text


def test_page_titles_come_from_the_notebooks(site, notebook_paths):
    for path in notebook_paths:
        info = build_site.describe(path, nbformat.read(path, as_version=4))
        text = (site / info.page).read_text(encoding="utf-8")
        assert f"<title>{info.full_title} |" in text


# ---- offline -------------------------------------------------------------


def test_no_page_loads_anything_from_the_network(site, pages):
    for name, page in pages.items():
        for tag, attributes in page.elements:
            for attribute in LOADING_ATTRIBUTES.get(tag, ()):
                value = attributes.get(attribute, "")
                urls = [u.split()[0] for u in value.split(",") if u.strip()]
                if attribute != "srcset":
                    urls = [value] if value else []
                for url in urls:
                    assert not is_remote(url), f"{name}: <{tag} {attribute}={url!r}>"
        for css in page.styles:
            assert not CSS_REMOTE_RE.search(css), f"{name}: remote url() in CSS"
    for css in site.glob("**/*.css"):
        text = css.read_text(encoding="utf-8")
        assert not CSS_REMOTE_RE.search(text), f"{css.name} loads a remote resource"


def test_every_local_resource_exists(site, pages):
    for name, page in pages.items():
        for tag, attributes in page.elements:
            for attribute in LOADING_ATTRIBUTES.get(tag, ()):
                url = attributes.get(attribute, "")
                if not url or url.startswith("data:") or attribute == "srcset":
                    continue
                target = local_target(site, site / name, url)
                assert target is None or target.is_file(), f"{name}: {url} missing"


def test_math_is_served_from_the_site(site, pages):
    for name, page in pages.items():
        scripts = [s["src"] for s in page.find("script") if s.get("src")]
        assert "_static/mathjax/tex-svg-full.js" in scripts, name
    assert (site / "_static" / "mathjax" / "LICENSE").is_file()


# ---- navigation ------------------------------------------------------------


def test_navigation_and_download_links_resolve(site, pages, notebook_paths):
    order = [f"{p.stem}.html" for p in notebook_paths]
    for position, name in enumerate(order):
        page = pages[name]
        prev = {a["href"] for a in page.find("a", rel="prev")}
        nxt = {a["href"] for a in page.find("a", rel="next")}
        assert prev == ({order[position - 1]} if position else set()), name
        assert nxt == ({order[position + 1]} if position + 1 < len(order) else set())
        assert {a["href"] for a in page.find("a", class_="site-nav__index")} == {
            "index.html"
        }
        downloads = {a["href"] for a in page.find("a") if "download" in a}
        assert downloads == {f"notebooks/{Path(name).stem}.ipynb"}, name
    for name, page in pages.items():
        for attributes in page.find("a"):
            href = attributes.get("href", "")
            in_nav = any(
                c in attributes.get("class", "")
                for c in ("site-nav", "site-header", "site-toc")
            )
            if in_nav or "download" in attributes or name == "index.html":
                target = local_target(site, site / name, href)
                assert target is not None and target.is_file(), f"{name}: {href}"


def test_every_link_in_the_text_leads_to_a_file_in_the_site(site, pages):
    root = site.resolve()
    for name, page in pages.items():
        for attributes in page.find("a"):
            target = local_target(site, site / name, attributes.get("href", ""))
            if target is None:  # in-page anchor or an outside web page
                continue
            assert root in target.parents and target.is_file(), (
                f"{name}: link {attributes['href']!r} leads nowhere in the site"
            )


def test_links_between_notebooks_point_at_their_pages(site, notebook_paths):
    names = {p.name for p in notebook_paths}
    for path in notebook_paths:
        text = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        for target in re.findall(r'href="(?:\./)?([^"/#]+\.ipynb)', text):
            assert target not in names, f"{path.name} still links to {target}"


# ---- the build -------------------------------------------------------------


def test_build_takes_seconds_and_replaces_the_old_site(notebooks, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old site", encoding="utf-8")
    (out / "stale.html").write_text("from an older build", encoding="utf-8")
    start = time.perf_counter()
    build_site.build(notebooks, out)
    assert time.perf_counter() - start < 60, "the export must not execute notebooks"
    assert not (out / "stale.html").exists()
    assert (out / "index.html").read_text(encoding="utf-8") != "old site"
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "temporary folder left"
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)


def test_reads_title_cell(tmp_path):
    path = make_notebook(
        tmp_path, "03_x.ipynb", "# 03 · Watching `tape.watch` — 控制流"
    )
    info = build_site.describe(path, nbformat.read(path, as_version=4))
    assert (info.number, info.title, info.heading_zh) == (
        "03",
        "Watching `tape.watch`",
        "控制流",
    )
    assert info.summary == "This notebook teaches `one thing`, e.g. a test."
    assert info.full_title == "03 · Watching tape.watch — 控制流"


def test_one_liner_skips_a_quote_from_the_chinese_chapter():
    paragraph = (
        "GradientTape 会记录所有执行的操作,即使是 Python 控制流也会被记录。\n"
        "(The tape records every operation, even inside Python `if` blocks.)\n"
        "The tape never sees an `if`."
    )
    assert build_site.first_sentence(paragraph) == (
        "The tape records every operation, even inside Python `if` blocks."
    )
    assert build_site.first_sentence("Use it, e.g. twice. Then stop.") == (
        "Use it, e.g. twice."
    )


def test_notebook_without_title_cell_still_builds(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    make_notebook(notebooks, "09_plain.ipynb")
    pages = build_site.build(notebooks, tmp_path / "site")
    assert [p.name for p in pages] == ["09_plain.html"]
    assert "09 plain" in (tmp_path / "site" / "index.html").read_text("utf-8")


# ---- bad input ---------------------------------------------------------------


@pytest.fixture
def existing_site(tmp_path) -> Path:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous site", encoding="utf-8")
    return out


def assert_untouched(out: Path) -> None:
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".site-")] == []


def test_missing_notebooks_folder_is_a_clear_error(tmp_path, existing_site, capsys):
    missing = tmp_path / "no-such-folder"
    assert build_site.main([str(missing), str(existing_site)]) == 2
    err = capsys.readouterr().err
    assert "notebooks folder not found" in err and str(missing) in err
    assert "Traceback" not in err
    assert_untouched(existing_site)


def test_folder_without_notebooks_is_a_clear_error(tmp_path, existing_site, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a notebook", encoding="utf-8")
    assert build_site.main([str(empty), str(existing_site)]) == 2
    assert "no .ipynb notebooks found in" in capsys.readouterr().err
    assert_untouched(existing_site)


def test_invalid_notebook_is_a_clear_error(tmp_path, existing_site, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    make_notebook(notebooks, "01_ok.ipynb", "# 01 · Fine — 好")
    (notebooks / "02_broken.ipynb").write_text("{not json", encoding="utf-8")
    assert build_site.main([str(notebooks), str(existing_site)]) == 2
    assert "02_broken.ipynb" in capsys.readouterr().err
    assert_untouched(existing_site)


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    make_notebook(notebooks, "01_ok.ipynb", "# 01 · Fine — 好")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", encoding="utf-8")
    assert build_site.main([str(notebooks), str(precious)]) == 2
    assert "refusing to replace" in capsys.readouterr().err
    assert (precious / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    assert build_site.main([str(notebooks), str(notebooks)]) == 2
    assert (notebooks / "01_ok.ipynb").exists()
