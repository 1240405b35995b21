"""Build the site of both editions from the stored notebooks.

The notebooks are copied into two Sphinx source folders in a staging folder
next to the output (English; Chinese), each with a generated index page and
the glossary. The copy Sphinx reads differs from the original only where the
site needs it (readers download the original, ``_sources/NN_topic.ipynb``):
an exercise's empty cell is removed (tag ``remove-cell``), a markdown
solution cell is wrapped in a container that :mod:`nbtools.site.solutions`
puts behind a toggle, and the Chinese notebooks' link ``../glossary.md``
points at the page next to them. Everything is staged first; then both
editions are built at once (two Sphinx processes, warnings are errors) into
``site/`` and ``site/zh/``. The output folder is replaced only when everything
succeeded; on any failure every Sphinx process is stopped and waited for
before the staging folder is removed, and the error is one
:class:`BuildError`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

import nbformat

from nbtools import catalog, glossary
from nbtools.layout import EDITION_SUBDIR, LANGUAGES, Tag, tags
from nbtools.layout import GLOSSARY_NAME as GLOSSARY
from nbtools.notebook_io import read
from nbtools.site.pages import DOWNLOADS, index_markdown, run_note
from toolkit import exercises
from toolkit.files import write_text_atomic
from toolkit.fonts import FONT_FILE, LICENSE_FILE

MARKER = ".built-by-nbtools.site"
SEARCH_WORDS = "search-words.txt"  # in the staging folder, next to the sources
SPHINX_TIMEOUT = 600  # seconds for one edition


class BuildError(Exception):
    """The site cannot be built from this input; the message says why."""


def _notebooks(notebooks: Path) -> dict[str, list[catalog.Lesson]]:
    if not notebooks.exists():
        raise BuildError(f"notebooks folder not found: {notebooks}")
    if not notebooks.is_dir():
        raise BuildError(f"not a folder: {notebooks} (expected the notebooks folder)")
    try:
        found = {lang: catalog.lessons(lang, notebooks) for lang in LANGUAGES}
    except ValueError as error:
        raise BuildError(str(error)) from None
    if not found["en"]:
        raise BuildError(f"no NN_topic.ipynb notebooks found in {notebooks}")
    english = [lesson.name for lesson in found["en"]]
    chinese = [lesson.name for lesson in found["zh"]]
    if english != chinese:
        raise BuildError(
            f"the editions differ: English {english}, Chinese {chinese} "
            "(run `make translations`)"
        )
    if not (notebooks / GLOSSARY).is_file():
        raise BuildError(f"{notebooks / GLOSSARY} is missing")
    return found


def check_output(out: Path, notebooks: Path) -> None:
    """Refuse an output folder whose replacement would destroy something else:
    the notebooks themselves, or a folder this tool did not make."""
    out_r, nb_r = out.resolve(), notebooks.resolve()
    if out_r == nb_r or out_r in nb_r.parents or nb_r in out_r.parents:
        raise BuildError(f"output folder {out} overlaps the notebooks in {notebooks}")
    if out.exists() and not out.is_dir():
        raise BuildError(f"output {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(
            f"refusing to replace {out}: it is not empty and was not made by "
            f"nbtools.site (no {MARKER}); choose another output folder"
        )


def site_copy(
    nb: nbformat.NotebookNode, language: str, wheel: str
) -> nbformat.NotebookNode:
    """The notebook as the site shows it (see the module docstring)."""
    note = nbformat.v4.new_markdown_cell(run_note(language, wheel), id="site-run")
    note.metadata["tags"] = ["site-run-note"]
    nb.cells.insert(1, note)
    nb.cells = [shown for cell in nb.cells for shown in _with_hints(cell, language)]
    for cell in nb.cells:
        cell_tags = tags(cell)
        if Tag.EXERCISE in cell_tags or Tag.CHECK in cell_tags:
            cell.metadata["tags"] = [*cell_tags, "remove-cell"]
        if cell.cell_type == "markdown":
            if EDITION_SUBDIR[language]:  # the glossary is one folder up
                cell.source = cell.source.replace(f"](../{GLOSSARY}", f"]({GLOSSARY}")
            if Tag.SOLUTION in cell_tags:
                cell.source = f"````{{container}} nb-solution\n{cell.source}\n````"
    return nb


def _collections(readmes: Mapping[str, Path]) -> dict[str, tuple[str, str]]:
    """Each edition's title and introduction, from its README."""
    found = {}
    for language in LANGUAGES:
        path = readmes.get(language)
        if path is None or not Path(path).is_file():
            raise BuildError(f"the {language} README is missing: {path}")
        try:
            found[language] = catalog.collection(path)
        except ValueError as error:
            raise BuildError(str(error)) from None
    return found


CHECK_CALL = re.compile(r'H\.check\("(\d\d\.\d+)"\)')


def _with_hints(cell, language: str) -> list:
    """A check cell followed by its exercise's hints, one cell each (the
    check cell itself is removed: a reader of the page cannot run it)."""
    found = CHECK_CALL.fullmatch(cell.source.strip())
    if cell.cell_type != "code" or Tag.CHECK not in tags(cell) or not found:
        return [cell]
    hints = [
        nbformat.v4.new_markdown_cell(
            f"````{{container}} nb-hint\n{hint[language]}\n````",
            id=f"site-hint-{found[1].replace('.', '-')}-{number}",
        )
        for number, hint in enumerate(exercises.get(found[1]).hints, start=1)
    ]
    return [cell, *hints]


def _stage(language, lessons, collection, notebooks, src, static, wheel: str):
    src.mkdir(parents=True)
    for lesson in lessons:
        nb = site_copy(read(lesson.path), language, wheel)
        nbformat.write(nb, src / lesson.name)
    title, intro = collection
    (src / "index.md").write_text(
        index_markdown(language, title, intro, lessons, wheel), encoding="utf-8"
    )
    shutil.copyfile(notebooks / GLOSSARY, src / GLOSSARY)
    words = src.parent / SEARCH_WORDS
    conf = (
        "from nbtools.site.config import quiet_jieba, settings\n\n"
        f"quiet_jieba({str(src.parent)!r})\n"
        f"globals().update(settings({language!r}, {title!r}, {str(static)!r}, "
        f"{str(words)!r}))\n"
    )
    (src / "conf.py").write_text(conf, encoding="utf-8")


def _static(static: Path) -> None:
    """The font and MathJax, copied where the pages find them (_static/)."""
    try:
        import mathjax  # the django-static-mathjax package
    except ImportError:
        raise BuildError(
            "MathJax is missing: install the pinned requirements "
            "(.venv/bin/pip install -r requirements.txt)"
        ) from None
    root = Path(mathjax.__file__).resolve().parent / "static" / "mathjax"
    (static / "mathjax").mkdir(parents=True)
    shutil.copyfile(
        root / "es5" / "tex-svg-full.js", static / "mathjax" / "tex-svg-full.js"
    )
    shutil.copyfile(root / "LICENSE", static / "mathjax" / "LICENSE")
    (static / "fonts").mkdir()
    shutil.copyfile(FONT_FILE, static / "fonts" / FONT_FILE.name)
    shutil.copyfile(LICENSE_FILE, static / "fonts" / LICENSE_FILE.name)


def _search_words(path: Path, notebooks: Path) -> None:
    """jieba's user dictionary: the glossary's Chinese terms, as whole words."""
    terms = glossary.read(notebooks / GLOSSARY)
    words = "".join(f"{word} 100000\n" for word in glossary.chinese_words(terms))
    path.write_text(words, encoding="utf-8")


def _sphinx(src: Path, out: Path, doctrees: Path) -> subprocess.Popen:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *sys.path])}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "-W",
            "--keep-going",
            "-d",
            str(doctrees),
            str(src),
            str(out),
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def build(
    notebooks: Path, out: Path, readmes: Mapping[str, Path], wheel: Path
) -> list[Path]:
    """Build the site into ``out`` (replaced only once the build succeeded).

    ``readmes`` maps each language to the README whose title and introduction
    head that edition's index page; ``wheel`` is the toolkit's wheel, served
    in ``downloads/`` for readers who run a downloaded notebook. Returns the
    HTML pages of the notebooks, both editions. Raises :class:`BuildError`
    for bad input or a failed build, leaving ``out`` as it was."""
    notebooks, out, wheel = Path(notebooks), Path(out), Path(wheel)
    found = _notebooks(notebooks)
    collections = _collections(readmes)
    if wheel.suffix != ".whl" or not wheel.is_file():
        raise BuildError(
            f"the toolkit's wheel is missing: {wheel} (expected a .whl file)"
        )
    check_output(out, notebooks)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Absolute: Sphinx resolves relative paths in conf.py from the source folder.
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent)).resolve()
    jobs: dict[str, subprocess.Popen] = {}
    try:
        static = staging / "static"
        _static(static)
        _search_words(staging / SEARCH_WORDS, notebooks)
        for language, lessons in found.items():
            src = staging / f"src-{language}"
            _stage(
                language, lessons, collections[language], notebooks, src, static,
                wheel.name,
            )  # fmt: skip
        for language in found:
            jobs[language] = _sphinx(
                staging / f"src-{language}",
                staging / f"html-{language}",
                staging / f"doctrees-{language}",
            )
        failures = []
        for language, job in jobs.items():
            try:
                _, err = job.communicate(timeout=SPHINX_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise BuildError(
                    f"Sphinx took longer than {SPHINX_TIMEOUT} s for the "
                    f"{language} edition; stopped"
                ) from None
            if job.returncode != 0:
                failures.append(f"{language} edition:\n{err.strip()}")
        if failures:
            raise BuildError("Sphinx failed\n" + "\n".join(failures))
        site = staging / "html-en"
        (staging / "html-zh").rename(site / "zh")
        for language, lessons in found.items():
            sources = site / EDITION_SUBDIR[language] / "_sources"
            for lesson in lessons:  # downloads: the notebooks as they are
                shutil.copyfile(lesson.path, sources / lesson.name)
        (site / DOWNLOADS).mkdir()
        shutil.copyfile(wheel, site / DOWNLOADS / wheel.name)
        site.chmod(0o755)
        write_text_atomic(site / MARKER, "This folder is replaced by `make html`.\n")
        _replace(site, out)
    except OSError as error:
        raise BuildError(f"could not write the site: {error}") from None
    finally:
        _stop(jobs.values())
        shutil.rmtree(staging, ignore_errors=True)
    pages = [out / f"{Path(lesson.name).stem}.html" for lesson in found["en"]]
    return pages + [
        out / "zh" / f"{Path(lesson.name).stem}.html" for lesson in found["zh"]
    ]


def _stop(jobs) -> None:
    """Kill every Sphinx process still running and wait for each."""
    for job in jobs:
        if job.poll() is None:
            job.kill()
        job.wait()
        for stream in (job.stdout, job.stderr):
            if stream is not None:
                stream.close()


def _replace(site: Path, out: Path) -> None:
    """Put ``site`` in the place of ``out`` with two renames."""
    if not out.exists():
        site.rename(out)
        return
    old = out.parent / f".site-old-{uuid.uuid4().hex}"
    out.rename(old)
    try:
        site.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
