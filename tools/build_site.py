"""Export the stored notebooks (no re-execution) to a static, offline site.

    python -m tools.build_site notebooks site

Writes into ``site/``:

* ``index.html``: the collection's title, a short introduction and a table
  of every notebook (number, title, the source section's Chinese heading,
  one line of what it teaches), all read from each notebook's first markdown
  cell, ``# NN · English title — 中文 heading``, followed by a
  ``*Source: ...*`` line and an intro paragraph whose first sentence is the
  one-liner. A new notebook needs no change here.
* ``NN_topic.html`` per notebook: nbconvert's JupyterLab rendering of the
  stored outputs (figures embedded as data URIs), with previous / index /
  next navigation and a download link to
* ``notebooks/NN_topic.ipynb``: a byte-for-byte copy of the notebook.
* ``_static/``: ``jupyterlab.css`` (nbconvert's JupyterLab CSS, linked
  instead of inlined into every page), ``site.css`` and MathJax.

Nothing is loaded from the network: nbconvert's template blocks that point at
CDNs (require.js, the widgets manager, mermaid.js, MathJax) are replaced in
``tools/templates/page.html.j2``, and the site opens from disk (``file://``)
as well as from any static server.

How formulas are served
-----------------------
MathJax 3 comes from the PyPI package ``django-static-mathjax`` (pinned in
requirements.txt; it is the official MathJax 3.2.2 ``es5`` build and pulls in
nothing else, Django is not needed). The build copies its single-file
``tex-svg-full.js`` component (all TeX extensions included, so nothing is
fetched later) with MathJax's LICENSE into ``site/_static/mathjax/``, and
pages typeset ``$...$`` / ``$$...$$`` in the reader's browser, configured as
in JupyterLab. SVG output was chosen over CHTML because it needs no web-font
files, which browsers may refuse to load from ``file://``. Rendering at
build time to MathML (``latex2mathml``) was considered and rejected:
browsers draw MathML with whatever math font the system has (matrix brackets
do not stretch without one), and it would not cover math in outputs, whereas
MathJax looks the same everywhere and matches what JupyterLab shows.

The build is atomic: the site is written to a temporary folder next to the
output folder, which replaces the output folder only once everything
succeeded. Bad input (no notebooks folder, no notebooks in it, an invalid
notebook) fails with a clear message and leaves the output folder untouched.
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import re
import shutil
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.filters.markdown import markdown2html

from tools.notebook_io import read

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = "_static"
DOWNLOADS = "notebooks"
# Marks a folder as made by this tool, so it may be replaced on the next build.
MARKER = ".built-by-tools.build_site"

COLLECTION_TITLE_EN = "Automatic differentiation with TensorFlow"
COLLECTION_TITLE_ZH = "求导"
COLLECTION_TITLE = f"{COLLECTION_TITLE_EN} — {COLLECTION_TITLE_ZH}"
INTRO_MARKDOWN = (
    "A series of Jupyter notebooks that teaches automatic differentiation with "
    "`tf.GradientTape`, rebuilt section by section from the Chinese course "
    "chapter “12.4 求导” (written for TensorFlow 2.5) for today's TensorFlow "
    "and Keras 3. Every gradient is checked independently (by hand, with "
    "finite differences or a closed form), and the pitfalls people actually "
    "hit are shown as cells that fail on purpose."
)

# "# 01 · Gradient tape basics — 自动求导": number, English title, heading.
TITLE_RE = re.compile(
    r"^#\s+(?:(?P<number>\d+)\s*[·.:-]\s*)?(?P<title>.+?)"
    r"(?:\s+[—–]\s+(?P<zh>.+?))?\s*$"
)
SOURCE_RE = re.compile(r"^\s*[*_]+\s*Source\b", re.IGNORECASE)
# The end of the first sentence: . ! ? (or their CJK forms) then a space or
# the end, but not after common abbreviations such as "e.g.".
SENTENCE_END_RE = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)[.!?][)\]\"”’]*(?=\s|$)|[。！？]"
)
HAN_RE = re.compile(r"[\u3400-\u9fff]")


# href="02_watch.ipynb" or href="./02_watch.ipynb#Section" in rendered markdown.
NOTEBOOK_LINK_RE = re.compile(
    r'href="(?:\./)?(?P<name>[^"/#?:]+\.ipynb)(?P<anchor>#[^"]*)?"'
)


class BuildError(Exception):
    """The site cannot be built from this input; the message says why."""


@dataclass(frozen=True)
class NotebookInfo:
    """What the site shows about one notebook, read from its title cell."""

    path: Path
    number: str
    title: str
    heading_zh: str
    summary: str

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def page(self) -> str:
        return f"{self.path.stem}.html"

    @property
    def download(self) -> str:
        return f"{DOWNLOADS}/{self.path.name}"

    @property
    def title_html(self):
        """The title as inline HTML (titles may hold `code` spans)."""
        return markup(inline_markdown(self.title))

    @property
    def heading_zh_text(self) -> str:
        return plain_text(self.heading_zh)

    @property
    def full_title(self) -> str:
        """Number, title and Chinese heading as plain text, for <title>."""
        title = plain_text(self.title)
        title = f"{self.number} · {title}" if self.number else title
        zh = self.heading_zh_text
        return f"{title} — {zh}" if zh else title


def _paragraphs(markdown: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]


def sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, each joined onto one line."""
    text = " ".join(paragraph.split())
    found, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        found.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


def first_sentence(paragraph: str) -> str:
    """The paragraph's first English sentence: a sentence quoted from the
    Chinese chapter is skipped, and a translation in parentheses unwrapped."""
    found = sentences(paragraph)
    for sentence in found:
        letters = [c for c in sentence if c.isalpha()]
        if letters and len(HAN_RE.findall(sentence)) > 0.3 * len(letters):
            continue
        if sentence.startswith("(") and sentence.endswith(")"):
            sentence = sentence[1:-1].strip()
        return sentence
    return found[0] if found else ""


def describe(path: Path, nb) -> NotebookInfo:
    """Read number, title, Chinese heading and one-liner from the notebook's
    first markdown cell (falling back to the file name where it has none)."""
    number_from_name = re.match(r"(\d+)", path.stem)
    number = number_from_name.group(1) if number_from_name else ""
    title, heading_zh, summary = path.stem.replace("_", " "), "", ""
    first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first_md is not None:
        paragraphs = _paragraphs(first_md.source)
        rest = paragraphs
        if paragraphs and paragraphs[0].startswith("# "):
            head, _, after = paragraphs[0].partition("\n")
            match = TITLE_RE.match(head)
            if match:
                number = match.group("number") or number
                title = match.group("title").strip()
                heading_zh = (match.group("zh") or "").strip()
            rest = ([after.strip()] if after.strip() else []) + paragraphs[1:]
        for paragraph in rest:
            if SOURCE_RE.match(paragraph) or paragraph.startswith(
                ("#", "*", "-", "1.", "|", ">", "```", "<")
            ):
                continue
            summary = first_sentence(paragraph)
            break
    return NotebookInfo(path, number, title, heading_zh, summary)


def inline_markdown(text: str) -> str:
    """Markdown for one line (code spans, emphasis, math) as inline HTML."""
    rendered = markdown2html(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>"):
        rendered = rendered[3:-4]
    return rendered


def plain_text(markdown: str) -> str:
    """One line of markdown as plain text (`code` -> code)."""
    return html.unescape(re.sub(r"<[^>]+>", "", inline_markdown(markdown)))


def markup(text: str) -> Markup:
    """Mark HTML that this module made as safe for the Jinja templates."""
    return Markup(text)


def mathjax_files() -> list[tuple[Path, str]]:
    """The MathJax files the site needs, as (source, name in _static/mathjax)."""
    try:
        import mathjax  # the django-static-mathjax package
    except ImportError:
        raise BuildError(
            "MathJax is missing: install the pinned requirements "
            "(.venv/bin/pip install -r requirements.txt)"
        ) from None
    root = Path(mathjax.__file__).resolve().parent / "static" / "mathjax"
    files = [(root / "es5" / "tex-svg-full.js", "tex-svg-full.js")]
    files.append((root / "LICENSE", "LICENSE"))
    for source, _ in files:
        if not source.is_file():
            raise BuildError(f"MathJax file not found: {source}")
    return files


def find_notebooks(notebooks: Path) -> list[Path]:
    if not notebooks.exists():
        raise BuildError(f"notebooks folder not found: {notebooks}")
    if not notebooks.is_dir():
        raise BuildError(f"not a folder: {notebooks} (expected the notebooks folder)")
    paths = sorted(notebooks.glob("*.ipynb"))
    if not paths:
        raise BuildError(f"no .ipynb notebooks found in {notebooks}")
    return paths


def check_output(out: Path, notebooks: Path) -> None:
    """Refuse an output folder whose replacement would destroy something else:
    the notebooks themselves, or a folder this tool did not make."""
    out_r, nb_r = out.resolve(), notebooks.resolve()
    if out_r == nb_r or out_r in nb_r.parents:
        raise BuildError(
            f"output folder {out} would replace the notebooks in {notebooks}"
        )
    if out.exists() and not out.is_dir():
        raise BuildError(f"output {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not ((out / MARKER).exists() or (out / "index.html").exists()):
            raise BuildError(
                f"refusing to replace {out}: it is not empty and was not made by "
                "tools.build_site (no index.html); choose another output folder"
            )


class SiteBuilder:
    """Renders pages with nbconvert's JupyterLab template plus the site's."""

    def __init__(self) -> None:
        self.exporter = HTMLExporter(
            template_name="lab",
            template_file="page.html.j2",
            extra_template_paths=[str(TEMPLATES)],
            embed_images=True,
        )
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=jinja2.select_autoescape(["html", "j2"]),
            keep_trailing_newline=True,
        )

    def jupyterlab_css(self) -> str:
        """nbconvert's JupyterLab CSS (light theme), as its template inlines it."""
        for folder in self.exporter.template_paths:
            index = Path(folder) / "static" / "index.css"
            theme = Path(folder) / "static" / "theme-light.css"
            if index.is_file() and theme.is_file():
                return (
                    index.read_text(encoding="utf-8")
                    + "\n"
                    + theme.read_text(encoding="utf-8")
                )
        raise BuildError("nbconvert's JupyterLab template CSS was not found")

    def page(self, nb, info: NotebookInfo, prev, nxt) -> str:
        nb = copy.deepcopy(nb)
        nb.metadata["title"] = f"{info.full_title} | {COLLECTION_TITLE_EN}"
        site = {
            "static": STATIC,
            "collection_title": COLLECTION_TITLE,
            "current": info,
            "prev": prev,
            "next": nxt,
        }
        resources = {
            "metadata": {"name": info.path.stem, "path": str(info.path.parent)},
            "site": site,
        }
        try:
            body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        except Exception as error:
            raise BuildError(f"{info.path}: cannot export ({error})") from error
        return body

    @staticmethod
    def link_pages(body: str, info: NotebookInfo, known: set[str]) -> str:
        """Point links between notebooks (``02_watch.ipynb``) at their pages;
        warn about links to notebooks that are not in the site."""

        def replace(match: re.Match) -> str:
            name, anchor = match.group("name"), match.group("anchor") or ""
            if name in known:
                return f'href="{Path(name).stem}.html{anchor}"'
            print(
                f"build_site: warning: {info.filename} links to {name}, "
                "which is not in the notebooks folder",
                file=sys.stderr,
            )
            return match.group(0)

        return NOTEBOOK_LINK_RE.sub(replace, body)

    def index(self, infos: list[NotebookInfo]) -> str:
        rows = [
            {
                "number": i.number,
                "title_html": i.title_html,
                "heading_zh": i.heading_zh_text,
                "summary_html": markup(inline_markdown(i.summary)),
                "page": i.page,
                "download": i.download,
                "filename": i.filename,
            }
            for i in infos
        ]
        site = {
            "static": STATIC,
            "collection_title": COLLECTION_TITLE,
            "title_en": COLLECTION_TITLE_EN,
            "title_zh": COLLECTION_TITLE_ZH,
            "intro_html": markup(
                '<p class="site-index__intro">'
                + inline_markdown(INTRO_MARKDOWN)
                + "</p>"
            ),
            "notebooks": rows,
        }
        return self.env.get_template("index.html.j2").render(site=site)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def build(notebooks: Path, out: Path) -> list[Path]:
    """Build the site into ``out`` (replaced only once the build succeeded).

    Returns the notebook pages written. Raises :class:`BuildError` for bad
    input, leaving ``out`` as it was."""
    notebooks, out = Path(notebooks), Path(out)
    paths = find_notebooks(notebooks)
    check_output(out, notebooks)
    try:
        loaded = [(path, read(path)) for path in paths]
    except ValueError as error:
        raise BuildError(str(error)) from None
    infos = [describe(path, nb) for path, nb in loaded]
    builder = SiteBuilder()
    mathjax = mathjax_files()

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        static = staging / STATIC
        (static / "mathjax").mkdir(parents=True)
        for source, name in mathjax:
            shutil.copyfile(source, static / "mathjax" / name)
        _write(static / "jupyterlab.css", builder.jupyterlab_css())
        shutil.copyfile(TEMPLATES / "site.css", static / "site.css")
        (staging / DOWNLOADS).mkdir()
        known = {info.filename for info in infos}
        for index, ((path, nb), info) in enumerate(zip(loaded, infos, strict=True)):
            prev = infos[index - 1] if index > 0 else None
            nxt = infos[index + 1] if index + 1 < len(infos) else None
            body = builder.page(nb, info, prev, nxt)
            _write(staging / info.page, builder.link_pages(body, info, known))
            shutil.copyfile(path, staging / info.download)
        _write(staging / "index.html", builder.index(infos))
        _write(staging / MARKER, "This folder is replaced by `make html`.\n")
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / info.page for info in infos]


def _replace(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out`` with two renames."""
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".site-old-{uuid.uuid4().hex}"
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path, help="folder of .ipynb notebooks")
    parser.add_argument("out", type=Path, help="output folder (replaced)")
    args = parser.parse_args(argv)
    try:
        pages = build(args.notebooks, args.out)
    except BuildError as error:
        print(f"build_site: error: {error}", file=sys.stderr)
        return 2
    print(f"built {len(pages)} notebook page(s) and index.html in {args.out}{os.sep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
