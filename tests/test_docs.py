"""The READMEs and design notes: generated tables up to date, both languages
linked, and nothing that points outside the repository."""

import re
import subprocess

from notebook_files import ROOT

from nbtools import catalog


def test_readme_tables_are_generated_from_the_notebooks():
    for language, path in catalog.READMES.items():
        text = path.read_text(encoding="utf-8")
        assert text == catalog.updated_readme(language), (
            f"{path.name}: notebook table out of date, run `make readme`"
        )
        linked = re.findall(r"\]\((notebooks/(?:zh/)?\d\d_\w+\.ipynb)\)", text)
        expected = [
            lesson.path.relative_to(ROOT).as_posix()
            for lesson in catalog.lessons(language)
        ]
        assert linked == expected and len(expected) >= 12


def test_each_readme_links_the_other_and_the_glossary():
    english = catalog.READMES["en"].read_text(encoding="utf-8")
    chinese = catalog.READMES["zh"].read_text(encoding="utf-8")
    assert "](README.zh-CN.md)" in english.split("\n## ")[0]
    assert "](README.md)" in chinese.split("\n## ")[0]
    for text in (english, chinese):
        assert "](notebooks/glossary.md)" in text


def test_set_up_needs_no_system_font():
    for path in catalog.READMES.values():
        text = path.read_text(encoding="utf-8")
        assert "fonts-noto-cjk" not in text and "apt-get" not in text


def test_design_notes_cover_what_a_newcomer_asks():
    text = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    for heading in (
        "## Layout",
        "## One home for each fact",
        "## Anatomy of a notebook",
        "## Deterministic outputs",
        "## The Chinese edition",
        "## The site",
        "## How to add a notebook",
    ):
        assert heading in text, heading


def test_nothing_refers_to_files_outside_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    outside = re.compile(r"\.\./shared|shared/(?:DESIGN|seed)|/work/")
    for name in tracked:
        if name == "tests/test_docs.py":
            continue  # this test names the patterns
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".toml", ".txt", ".cfg", ".ipynb", ""}:
            continue
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found = outside.search(text)
        assert not found, f"{name} refers to {found[0]!r} outside the repository"


def test_sections_beyond_the_chapter_are_marked_as_extensions():
    shown = {
        (lesson.language, lesson.number): lesson.shown_section
        for language in ("en", "zh")
        for lesson in catalog.lessons(language)
    }
    assert shown["en", "01"] == shown["zh", "01"] == "自动求导"
    assert shown["en", "08"] == "extension: 性能"
    assert shown["zh", "08"] == "延伸：性能"
