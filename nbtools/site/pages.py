"""The site's generated pages: the index of each edition and jieba's words."""

from __future__ import annotations

from pathlib import Path

from nbtools.catalog import Lesson
from nbtools.strings import text as words

INDEX_KEYS = ("glossary", "other", "caption", "download", "run")


def index_markdown(language: str, title: str, intro: str, lessons: list[Lesson]) -> str:
    """The index page (MyST markdown) of one edition: title, introduction,
    the table of notebooks, and the (hidden) table of contents."""
    text = {k: words(language, f"index.{k}") for k in INDEX_KEYS}
    rows = [words(language, "table.header")]
    for lesson in lessons:
        name = lesson.name
        download = (
            f'<a class="site-download" href="_sources/{name}" download="{name}">'
            f"{text['download']}</a>"
        )
        rows.append(
            f"| {lesson.number} | [{lesson.title}]({name}) | {lesson.section} "
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
