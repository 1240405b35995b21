"""The site's generated pages: the index of each edition and jieba's words."""

from __future__ import annotations

from pathlib import Path

from nbtools.catalog import Lesson
from nbtools.layout import EDITION_SUBDIR
from nbtools.strings import text as words

INDEX_KEYS = ("glossary", "other", "caption", "download", "run")
DOWNLOADS = "downloads"  # the site's folder for the toolkit's wheel


def wheel_href(language: str, wheel: str) -> str:
    """The wheel's address from a page of one edition."""
    up = "../" if EDITION_SUBDIR[language] else ""
    return f"{up}{DOWNLOADS}/{wheel}"


def run_note(language: str, wheel: str) -> str:
    """The note at the top of every notebook page: how to run it elsewhere."""
    note = words(language, "page.run")
    return note.format(wheel=wheel, wheel_href=wheel_href(language, wheel))


def index_markdown(
    language: str, title: str, intro: str, lessons: list[Lesson], wheel: str
) -> str:
    """The index page (MyST markdown) of one edition: title, introduction,
    the table of notebooks, how to run one (``wheel``: the toolkit's wheel
    file, served from ``downloads/``), and the (hidden) table of contents."""
    text = {k: words(language, f"index.{k}") for k in INDEX_KEYS}
    text["run"] = text["run"].format(
        wheel=wheel, wheel_href=wheel_href(language, wheel)
    )
    rows = [words(language, "table.header")]
    for lesson in lessons:
        name = lesson.name
        download = (
            f'<a class="site-download" href="_sources/{name}" download="{name}">'
            f"{text['download']}</a>"
        )
        rows.append(
            f"| {lesson.number} | [{lesson.title}]({name}) | {lesson.shown_section} "
            f"| {lesson.summary} {download} |"
        )
    toctree = "\n".join(Path(lesson.name).stem for lesson in lessons)
    return (
        f"# {title}\n\n{intro}\n\n"
        + "\n".join(rows)
        + f"\n\n{text['run']}\n\n{text['glossary']}\n\n{text['other']}\n\n"
        + f"```{{toctree}}\n:hidden:\n:caption: {text['caption']}\n\n{toctree}\n```\n\n"
        + "```{toctree}\n:hidden:\n\nglossary\n```\n"
    )
