"""The HTML site (``make html``, nbtools/site/): both editions, their index
pages from the catalog, downloads, links, offline resources, solutions, and
bad input. The site is built once per module from a snapshot of the
notebooks; tests/test_browser.py opens such a site in Chromium."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from site_build import shared_site

from nbtools import catalog
from nbtools.layout import READMES
from nbtools.notebook_io import normalise
from nbtools.site import BuildError, build
from nbtools.site import builder as site_build_module
from nbtools.site.builder import MARKER
from toolkit import exercises
from toolkit.fonts import FONT_FILE

# Elements and attributes through which a page loads something by itself
# (an <a href> is only followed when the reader clicks it).
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
CSS_REMOTE_RE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"]?)\s*(?:https?:)?//""", re.IGNORECASE
)
EDITIONS = {"en": "", "zh": "zh/"}
GENERATED_PAGES = {"index.html", "glossary.html", "search.html"}


class Page(HTMLParser):
    """The parts of an HTML page these tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self.rows: list[list[str]] = []
        self._in_style = False
        self._row: list[str] | None = None
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
        return [
            attributes
            for name, attributes in self.elements
            if name == tag
            and all(
                value in attributes.get(key.rstrip("_"), "").split()
                for key, value in attrs.items()
            )
        ]


def is_remote(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip().startswith("//") or scheme not in ("", "data", "file")


def local_target(page: Path, href: str) -> Path | None:
    """The file a relative link points at, or None for in-page anchors."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


def plain(markdown: str) -> str:
    """Inline markdown as the page shows it: code spans without backticks."""
    return " ".join(markdown.replace("`", "").split())


@pytest.fixture(scope="module")
def built(tmp_path_factory, worker_id) -> tuple[Path, Path]:
    """A snapshot of the notebooks (others may rewrite them meanwhile) and the
    site built from it, shared with tests/test_browser.py."""
    return shared_site(tmp_path_factory, worker_id)


@pytest.fixture(scope="module")
def notebooks(built) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built[1]


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    """Every HTML page of both editions, by path relative to the site."""
    return {
        path.relative_to(site).as_posix(): Page(path.read_text(encoding="utf-8"))
        for path in sorted(site.glob("*.html")) + sorted(site.glob("zh/*.html"))
    }


def lessons(notebooks: Path, language: str) -> list[catalog.Lesson]:
    return catalog.lessons(language, notebooks)


# ---- structure ---------------------------------------------------------------


def test_every_notebook_has_a_page_in_both_editions(site, notebooks):
    for language, prefix in EDITIONS.items():
        folder = site / prefix
        names = {p.name for p in folder.glob("*.html")}
        expected = {
            f"{Path(les.name).stem}.html" for les in lessons(notebooks, language)
        }
        assert names == expected | GENERATED_PAGES, language
    assert len(lessons(notebooks, "en")) == len(lessons(notebooks, "zh")) >= 12


def test_downloads_are_the_notebooks_themselves(site, notebooks, pages):
    for language, prefix in EDITIONS.items():
        for lesson in lessons(notebooks, language):
            copy = site / prefix / "_sources" / lesson.name
            assert copy.read_bytes() == lesson.path.read_bytes(), copy
            index = pages[f"{prefix}index.html"]
            links = [a for a in index.find("a") if "download" in a]
            assert {"href": f"_sources/{lesson.name}", "download": lesson.name} in [
                {"href": a["href"], "download": a["download"]} for a in links
            ]


def test_every_page_offers_the_toolkit_wheel_to_run_the_notebook(site, pages):
    """A downloaded notebook needs the toolkit: the index and every notebook
    page link the wheel the site serves and show the one pip line."""
    wheels = sorted((site / "downloads").glob("tf_autodiff_notebooks-*.whl"))
    assert len(wheels) == 1 and zipfile.is_zipfile(wheels[0])
    wheel = wheels[0].name
    for name, page in pages.items():
        if name.endswith(("search.html", "genindex.html", "glossary.html")):
            continue
        up = "../" if name.startswith("zh/") else ""
        hrefs = [a["href"] for a in page.find("a")]
        assert f"{up}downloads/{wheel}" in hrefs, name
        text = re.sub(r"<[^>]+>", "", (site / name).read_text(encoding="utf-8"))
        assert f"pip install &quot;{wheel}[notebooks]&quot;" in text, name


def test_index_tables_come_from_the_catalog(pages, notebooks):
    for language, prefix in EDITIONS.items():
        index = pages[f"{prefix}index.html"]
        body = [row for row in index.rows if row and row[0] not in ("#", "编号")]
        expected = lessons(notebooks, language)
        assert len(body) == len(expected), language
        for row, lesson in zip(body, expected, strict=True):
            number, title, section, summary = row
            assert number == lesson.number
            assert title == plain(lesson.title)
            assert section == lesson.shown_section and re.search(
                r"[\u4e00-\u9fff]", section
            )
            assert summary.startswith(plain(lesson.summary)), (summary, lesson.summary)


def test_index_pages_show_the_readmes_title_and_introduction(site):
    for language, prefix in EDITIONS.items():
        title, intro = catalog.collection(READMES[language])
        text = (site / prefix / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title}" in text
        first_words = plain(intro).split("(")[0][:30]
        assert first_words in " ".join(re.sub(r"<[^>]+>", "", text).split())


def test_page_titles_come_from_the_title_cells(site, notebooks):
    for language, prefix in EDITIONS.items():
        for lesson in lessons(notebooks, language):
            text = (site / prefix / f"{Path(lesson.name).stem}.html").read_text("utf-8")
            heading = re.search(r"<h1>(.*?)<a class=\"headerlink\"", text, re.S)
            shown = " ".join(re.sub(r"<[^>]+>", "", heading[1]).split())
            assert shown.startswith(plain(lesson.full_title)), shown


def test_language_attribute_and_switch_to_the_same_page(site, pages):
    for name, page in pages.items():
        (html,) = page.find("html")
        zh = name.startswith("zh/")
        assert html["lang"] == ("zh-CN" if zh else "en"), name
        switch = page.find("a", class_="lang-switch")
        assert len(switch) == 1, name
        href = switch[0]["href"]
        other = name.removeprefix("zh/") if zh else f"zh/{name}"
        assert href == ("../" if zh else "zh/") + Path(name).name, name
        assert (site / other).is_file(), f"{name}: switch leads to missing {other}"
        assert switch[0]["hreflang"] == ("en" if zh else "zh-CN")


def test_glossary_is_linked_from_both_index_pages(pages):
    for prefix in EDITIONS.values():
        hrefs = {a.get("href", "") for a in pages[f"{prefix}index.html"].find("a")}
        assert "glossary.html" in hrefs


# ---- what a notebook page shows ----------------------------------------------


def _cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def test_every_stored_figure_is_on_its_page(site, notebooks):
    for language, prefix in EDITIONS.items():
        images = {
            hashlib.sha256(p.read_bytes()).hexdigest(): p.name
            for p in (site / prefix / "_images").glob("*.png")
        }
        for lesson in lessons(notebooks, language):
            page = (site / prefix / f"{Path(lesson.name).stem}.html").read_text("utf-8")
            shown = set(re.findall(r'<img[^>]+src="_images/([^"]+\.png)"', page))
            for cell in _cells(lesson.path):
                for output in cell.get("outputs", []):
                    data = output.get("data", {}).get("image/png")
                    if data:
                        digest = hashlib.sha256(base64.b64decode(data)).hexdigest()
                        assert images.get(digest) in shown, (
                            f"{prefix}{lesson.name}: a stored figure is not on its page"
                        )


def test_exercises_have_closed_solutions_and_no_empty_cells(site, notebooks):
    labels = {"en": "Solution", "zh": "参考答案"}
    for language, prefix in EDITIONS.items():
        for lesson in lessons(notebooks, language):
            page = (site / prefix / f"{Path(lesson.name).stem}.html").read_text("utf-8")
            cells = _cells(lesson.path)
            exercises = sum("exercise" in c.metadata.get("tags", []) for c in cells)
            details = re.findall(r"<details([^>]*)>\s*<summary[^>]*>([^<]*)<", page)
            solutions = [d for d in details if "solution" in d[0]]
            assert len(solutions) == exercises >= 1, f"{prefix}{lesson.name}"
            for attributes, label in solutions:
                assert "open" not in attributes and label == labels[language]
            assert "tag_exercise" not in page, "the learner's empty cells are not shown"


def test_each_exercise_shows_its_hints_closed_and_no_check_cell(site, notebooks):
    """The checks answer a learner who runs them; a reader of the page sees
    each exercise's hints instead, closed, in the page's language."""
    labels = {"en": "Hint {}", "zh": "提示 {}"}
    for language, prefix in EDITIONS.items():
        for lesson in lessons(notebooks, language):
            page = (site / prefix / f"{Path(lesson.name).stem}.html").read_text("utf-8")
            keys = [
                found
                for c in _cells(lesson.path)
                if "check" in c.metadata.get("tags", [])
                for found in re.findall(r'H\.check\("(\d\d\.\d+)"\)', c.source)
            ]
            hints = [h for key in keys for h in exercises.get(key).hints]
            details = re.findall(
                r'<details class="hint">\s*<summary[^>]*>([^<]*)<', page
            )
            expected = [
                labels[language].format(n)
                for key in keys
                for n in range(1, len(exercises.get(key).hints) + 1)
            ]
            assert details == expected, f"{prefix}{lesson.name}"
            shown = html.unescape(re.sub(r"<[^>]+>", "", page))
            for hint in hints:
                if not re.search(r"[`$*\\]", hint[language]):  # plain text
                    assert hint[language][:20] in shown, hint[language][:20]
            assert "tag_check" not in page, "check cells are not shown"


def test_math_and_font_are_served_from_the_site(site, pages):
    for prefix in EDITIONS.values():
        static = site / prefix / "_static"
        assert (static / "mathjax" / "tex-svg-full.js").is_file()
        assert (static / "mathjax" / "LICENSE").is_file()
        font = static / "fonts" / FONT_FILE.name
        assert font.read_bytes() == FONT_FILE.read_bytes()
        assert f"fonts/{FONT_FILE.name}" in (static / "site.css").read_text("utf-8")
    for name, page in pages.items():
        if not page.find("span", class_="math") and not page.find("div", class_="math"):
            continue
        scripts = [s["src"] for s in page.find("script") if s.get("src")]
        assert any("_static/mathjax/tex-svg-full.js" in s for s in scripts), name


# ---- offline and links ---------------------------------------------------------


def test_no_page_loads_anything_from_the_network(site, pages):
    for name, page in pages.items():
        for tag, attributes in page.elements:
            for attribute in LOADING_ATTRIBUTES.get(tag, ()):
                value = attributes.get(attribute, "")
                urls = (
                    [u.split()[0] for u in value.split(",") if u.strip()]
                    if attribute == "srcset"
                    else [value] * bool(value)
                )
                for url in urls:
                    assert not is_remote(url), f"{name}: <{tag} {attribute}={url!r}>"
        for css in page.styles:
            assert not CSS_REMOTE_RE.search(css), f"{name}: remote url() in CSS"
    for css in site.glob("**/*.css"):
        text = css.read_text(encoding="utf-8")
        assert not CSS_REMOTE_RE.search(text), f"{css} loads a remote resource"


def test_every_local_resource_and_link_exists(site, pages):
    root = site.resolve()
    for name, page in pages.items():
        for tag, attributes in page.elements:
            keys = LOADING_ATTRIBUTES.get(tag, ()) + (("href",) if tag == "a" else ())
            for attribute in keys:
                url = attributes.get(attribute, "")
                if not url or url.startswith("data:") or attribute == "srcset":
                    continue
                target = local_target(site / name, url)
                if target is None:  # in-page anchor or an outside web page
                    continue
                assert root in target.parents and target.is_file(), (
                    f"{name}: <{tag} {attribute}={url!r}> leads nowhere in the site"
                )


def test_links_between_notebooks_point_at_pages(site):
    for page in list(site.glob("*.html")) + list(site.glob("zh/*.html")):
        text = page.read_text(encoding="utf-8")
        stale = re.findall(r'href="(?:\./)?([^"/#:]+\.(?:ipynb|md))"', text)
        assert stale == [], f"{page.name} links to sources {stale}"


# ---- the build -------------------------------------------------------------


def tiny_collection(folder: Path, code: str = "print('stored')") -> Path:
    """A one-notebook collection, both editions and a glossary."""
    (folder / "zh").mkdir(parents=True)
    for language, title in (("en", "# 01 · Tiny — 测试"), ("zh", "# 01 · 小例子")):
        nb = nbformat.v4.new_notebook()
        nb.metadata["lesson"] = {"summary": "One line."}
        cell = nbformat.v4.new_code_cell(code)
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="stored\n")
        ]
        nb.cells = [nbformat.v4.new_markdown_cell(title), cell]
        path = folder / ("zh" if language == "zh" else "") / "01_tiny.ipynb"
        nbformat.write(normalise(nb), path)
    (folder / "glossary.md").write_text("# Glossary · 术语表\n", encoding="utf-8")
    for language, path in tiny_readmes(folder).items():
        title = "Tiny" if language == "en" else "小例子"
        path.write_text(
            f"# {title}\n\n<!-- intro:begin -->\nAbout it.\n<!-- intro:end -->\n",
            encoding="utf-8",
        )
    return folder


def tiny_readmes(folder: Path) -> dict:
    """The tiny collection's READMEs (next to its notebooks folder)."""
    return {
        "en": folder.parent / "README.md",
        "zh": folder.parent / "README.zh-CN.md",
    }


def tiny_build(notebooks: Path, out: Path) -> list[Path]:
    wheel = notebooks.parent / "tiny-0.1-py3-none-any.whl"
    wheel.write_bytes(b"a stand-in for the toolkit's wheel")
    return build(notebooks, out, tiny_readmes(notebooks), wheel)


def test_the_build_never_executes_and_replaces_the_old_site_in_one_step(
    tmp_path, monkeypatch
):
    """A cell that raises when run, and a cell with no stored output: any
    execution by the build would fail it (errors are fatal in the build).
    The build replaces an older site it made, stale pages included. Paths
    are relative, as `make html` passes them."""
    monkeypatch.chdir(tmp_path)
    tiny_collection(
        tmp_path / "notebooks", code="raise RuntimeError('this cell was executed')"
    )
    notebooks = Path("notebooks")
    for path in (notebooks / "01_tiny.ipynb", notebooks / "zh" / "01_tiny.ipynb"):
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("raise SystemExit('executed')"))
        nbformat.write(nb, path)
    out = Path("site")
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")
    (out / "stale.html").write_text("from an older build", encoding="utf-8")
    tiny_build(notebooks, out)
    page = (out / "01_tiny.html").read_text(encoding="utf-8")
    assert "stored" in page and "this cell was executed</span>" not in page
    assert not (out / "stale.html").exists()
    assert (out / MARKER).is_file() and (out / "zh" / "01_tiny.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "README.md",
        "README.zh-CN.md",
        "notebooks",
        "site",
        "tiny-0.1-py3-none-any.whl",
    ]
    assert (out / "downloads" / "tiny-0.1-py3-none-any.whl").is_file()
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)


@pytest.fixture
def existing_site(tmp_path) -> Path:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")
    (out / "index.html").write_text("the previous site", encoding="utf-8")
    return out


def assert_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "index.html"])
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert [p for p in out.parent.iterdir() if p.name.startswith(".site-")] == []


def test_missing_notebooks_folder(tmp_path, existing_site):
    with pytest.raises(BuildError, match="notebooks folder not found"):
        build(tmp_path / "no-such-folder", existing_site, READMES, tmp_path / "w.whl")
    assert_untouched(existing_site)


def test_folder_without_notebooks(tmp_path, existing_site):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match="no NN_topic.ipynb notebooks found"):
        build(tmp_path / "empty", existing_site, READMES, tmp_path / "w.whl")
    assert_untouched(existing_site)


def test_invalid_notebook_names_the_file(tmp_path, existing_site):
    notebooks = tiny_collection(tmp_path / "notebooks")
    (notebooks / "02_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(BuildError, match="02_broken.ipynb"):
        tiny_build(notebooks, existing_site)
    assert_untouched(existing_site)


def test_a_missing_translation_is_refused(tmp_path, existing_site):
    notebooks = tiny_collection(tmp_path / "notebooks")
    (notebooks / "zh" / "01_tiny.ipynb").unlink()
    with pytest.raises(BuildError, match="the editions differ"):
        tiny_build(notebooks, existing_site)
    assert_untouched(existing_site)


def test_a_sphinx_error_leaves_the_old_site(tmp_path, existing_site, monkeypatch):
    """Sphinx runs with warnings as errors; when it fails, its message is the
    error and the old site stays (a stand-in process plays the failing Sphinx)."""
    notebooks = tiny_collection(tmp_path / "notebooks")
    failing = (
        "import sys; sys.exit('99_nowhere.ipynb: cross-reference target not found')"
    )

    def sphinx(src, out, doctrees):
        return subprocess.Popen(
            [sys.executable, "-c", failing], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    monkeypatch.setattr(site_build_module, "_sphinx", sphinx)
    with pytest.raises(BuildError, match="99_nowhere.ipynb"):
        tiny_build(notebooks, existing_site)
    assert_untouched(existing_site)


def _recording_sphinx(monkeypatch, code: str) -> list[subprocess.Popen]:
    """Replace Sphinx by a stand-in process running ``code``; the list fills
    with the processes started."""
    started: list[subprocess.Popen] = []

    def sphinx(src, out, doctrees):
        started.append(
            subprocess.Popen(
                [sys.executable, "-c", code],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
        )
        return started[-1]

    monkeypatch.setattr(site_build_module, "_sphinx", sphinx)
    return started


def test_a_bad_readme_is_reported_before_anything_runs(
    tmp_path, existing_site, monkeypatch
):
    notebooks = tiny_collection(tmp_path / "notebooks")
    started = _recording_sphinx(monkeypatch, "pass")
    tiny_readmes(notebooks)["zh"].write_text("# 标题\n没有简介的标记。\n", "utf-8")
    with pytest.raises(BuildError, match=r"README.zh-CN.md: markers"):
        tiny_build(notebooks, existing_site)
    tiny_readmes(notebooks)["en"].unlink()
    with pytest.raises(BuildError, match="the en README is missing"):
        tiny_build(notebooks, existing_site)
    assert started == []
    assert_untouched(existing_site)


def test_a_staging_failure_starts_no_sphinx(tmp_path, existing_site, monkeypatch):
    """Everything is staged before the first Sphinx starts: a failure while
    staging the Chinese edition leaves no process behind."""
    notebooks = tiny_collection(tmp_path / "notebooks")
    started = _recording_sphinx(monkeypatch, "pass")
    real_stage = site_build_module._stage

    def stage(language, *args):
        if language == "zh":
            raise OSError(28, "No space left on device")
        return real_stage(language, *args)

    monkeypatch.setattr(site_build_module, "_stage", stage)
    with pytest.raises(BuildError, match="No space left on device"):
        tiny_build(notebooks, existing_site)
    assert started == []
    assert_untouched(existing_site)


def test_a_sphinx_that_hangs_is_stopped(tmp_path, existing_site, monkeypatch):
    """Past the time limit both processes are killed and waited for before
    the staging folder goes, and the error is the tool's own."""
    notebooks = tiny_collection(tmp_path / "notebooks")
    started = _recording_sphinx(monkeypatch, "import time; time.sleep(120)")
    monkeypatch.setattr(site_build_module, "SPHINX_TIMEOUT", 1)
    with pytest.raises(BuildError, match="longer than 1 s"):
        tiny_build(notebooks, existing_site)
    assert len(started) == 2
    assert all(job.returncode is not None for job in started), "still running"
    assert_untouched(existing_site)


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    notebooks = tiny_collection(tmp_path / "notebooks")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(BuildError, match="refusing to replace"):
        tiny_build(notebooks, precious)
    assert (precious / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    with pytest.raises(BuildError, match="overlaps the notebooks"):
        tiny_build(notebooks, notebooks / "site")


def test_command_line_reports_errors_without_a_traceback(tmp_path, capsys):
    from nbtools.site.__main__ import main

    assert main([str(tmp_path / "missing"), str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert "notebooks folder not found" in err and "Traceback" not in err
    notebooks = tiny_collection(tmp_path / "notebooks")
    readme = tmp_path / "other.md"
    readme.write_text("# No introduction\n", encoding="utf-8")
    args = [str(notebooks), str(tmp_path / "site"), "--readme-en", str(readme)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "other.md: markers" in err and "Traceback" not in err
