"""The collection's table of contents, read from the notebooks themselves.

Each fact has one home:

* a notebook's number, title and source section: its title cell,
  ``# NN · English title — 章节`` (Chinese edition: ``# NN · 中文标题``; the
  section comes from the English edition); a notebook that goes beyond the
  chapter names its topic as ``— 延伸：主题`` (an extension, not a section);
* its one-line summary: the notebook metadata ``lesson.summary``;
* the collection's title and introduction: the first heading and the
  ``<!-- intro -->`` paragraph of ``README.md`` (``README.zh-CN.md``).

The README tables and the site's index pages are generated from these:

    python -m nbtools.catalog          # rewrite the tables in both READMEs
    python -m nbtools.catalog --check  # exit 1 if a table is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from nbtools.layout import NOTEBOOKS, READMES, ROOT, edition_dir
from nbtools.layout import notebooks as edition_notebooks
from nbtools.notebook_io import read
from nbtools.strings import text as words
from toolkit.files import write_text_atomic

TITLE_RE = {
    "en": re.compile(r"# (?P<number>\d\d) · (?P<title>.+?) — (?P<section>.+)"),
    "zh": re.compile(r"# (?P<number>\d\d) · (?P<title>.+)"),
}
EXTENSION = "延伸："  # a title's section that is no section of the chapter
TABLE_BEGIN, TABLE_END = "<!-- notebooks:begin -->", "<!-- notebooks:end -->"
INTRO_BEGIN, INTRO_END = "<!-- intro:begin -->", "<!-- intro:end -->"


@dataclass(frozen=True)
class Lesson:
    """What the index pages and READMEs show of one notebook in one edition."""

    path: Path
    language: str
    number: str
    title: str
    section: str
    summary: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def extension(self) -> bool:
        """Whether the notebook goes beyond the chapter (no section of its own)."""
        return self.section.startswith(EXTENSION)

    @property
    def shown_section(self) -> str:
        """The section as the tables show it, extensions marked as such."""
        if not self.extension:
            return self.section
        topic = self.section[len(EXTENSION) :]
        return words(self.language, "table.extension").format(section=topic)

    @property
    def full_title(self) -> str:
        """``NN · title`` as plain text (code spans unwrapped)."""
        return f"{self.number} · {self.title.replace('`', '')}"


def title_parts(path: Path, language: str) -> dict[str, str]:
    """Number, title (and, in English, section) from the title cell."""
    nb = read(path)
    first = nb.cells[0] if nb.cells else None
    line = first.source.splitlines()[0] if first and first.source else ""
    match = TITLE_RE[language].fullmatch(line.strip())
    if first is None or first.cell_type != "markdown" or not match:
        expected = (
            "# NN · English title — 章节" if language == "en" else "# NN · 中文标题"
        )
        raise ValueError(
            f"{path}: the first cell must be a markdown title line "
            f"'{expected}', got {line[:80]!r}"
        )
    if match["number"] != path.name[:2]:
        raise ValueError(
            f"{path}: title number {match['number']} differs from the file name"
        )
    summary = nb.metadata.get("lesson", {}).get("summary", "")
    if not summary.strip():
        raise ValueError(f"{path}: notebook metadata lesson.summary is missing")
    return {**match.groupdict(), "summary": summary.strip()}


def lessons(language: str = "en", notebooks: Path = NOTEBOOKS) -> list[Lesson]:
    """Every notebook of one edition, in reading order.

    A Chinese notebook takes its source section from its English original.
    """
    found = []
    for path in edition_notebooks(language, notebooks):
        parts = title_parts(path, language)
        if language == "zh":
            english = edition_dir("en", notebooks) / path.name
            parts["section"] = title_parts(english, "en")["section"]
        found.append(Lesson(path=path, language=language, **parts))
    return found


def _between(text: str, begin: str, end: str, where: Path) -> tuple[int, int]:
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise ValueError(f"{where}: markers {begin} … {end} not found")
    return start + len(begin), stop


def collection(readme: Path) -> tuple[str, str]:
    """The collection's title and introduction (markdown) from a README."""
    path = Path(readme)
    text = path.read_text(encoding="utf-8")
    title = next(
        (ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), ""
    )
    start, stop = _between(text, INTRO_BEGIN, INTRO_END, path)
    return title, text[start:stop].strip()


def readme_table(language: str) -> str:
    """The markdown table of notebooks for one README."""
    prefix = "notebooks/" if language == "en" else "notebooks/zh/"
    rows = [words(language, "table.header")]
    for lesson in lessons(language):
        link = f"[{lesson.title}]({prefix}{lesson.name})"
        rows.append(
            f"| {lesson.number} | {link} | {lesson.shown_section} | {lesson.summary} |"
        )
    return "\n".join(rows)


def updated_readme(language: str) -> str:
    """The README's text with its notebook table regenerated."""
    path = READMES[language]
    text = path.read_text(encoding="utf-8")
    start, stop = _between(text, TABLE_BEGIN, TABLE_END, path)
    return text[:start] + "\n" + readme_table(language) + "\n" + text[stop:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the README tables.")
    parser.add_argument("--check", action="store_true", help="only report")
    args = parser.parse_args(argv)
    stale = []
    for language, path in READMES.items():
        try:
            text = updated_readme(language)
        except ValueError as error:
            print(f"catalog: error: {error}", file=sys.stderr)
            return 2
        if text != path.read_text(encoding="utf-8"):
            stale.append(path)
            if not args.check:
                write_text_atomic(path, text)
    verb = "out of date" if args.check else "rewritten"
    for path in stale:
        print(f"{path.relative_to(ROOT)}: notebook table {verb}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
