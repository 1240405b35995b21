"""The site's generated pages: the index of each edition and jieba's words."""

from __future__ import annotations

import re
from pathlib import Path

from nbtools.catalog import TABLE_HEADER, Lesson

INDEX_TEXT = {
    "en": {
        "glossary": "Terms in both languages: [Glossary · 术语表](glossary.md).",
        "other": '中文版：<a href="zh/index.html" hreflang="zh-CN">求导（中文）</a>。',
        "caption": "Notebooks",
        "download": ".ipynb",
        "run": (
            "Every page shows the code with the outputs stored in the notebook. "
            "To run and edit the code, download a notebook (.ipynb) and open it "
            "in Jupyter inside a checkout of the project."
        ),
    },
    "zh": {
        "glossary": "英汉术语对照：[术语表 · Glossary](glossary.md)。",
        "other": 'English edition: <a href="../index.html" hreflang="en">the English index</a>.',
        "caption": "笔记本",
        "download": ".ipynb",
        "run": (
            "每一页都展示代码以及笔记本中保存的输出。想要运行和修改代码，"
            "请下载笔记本（.ipynb），在项目的检出目录中用 Jupyter 打开。"
        ),
    },
}


def index_markdown(language: str, title: str, intro: str, lessons: list[Lesson]) -> str:
    """The index page (MyST markdown) of one edition: title, introduction,
    the table of notebooks, and the (hidden) table of contents."""
    text = INDEX_TEXT[language]
    rows = [TABLE_HEADER[language]]
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


HAN_WORD = re.compile(r"[\u3400-\u9fff]{2,}")


def search_words(glossary: str) -> list[str]:
    """The Chinese terms of the glossary, for jieba's user dictionary: the
    search index then holds them as words (besides character pairs)."""
    words: set[str] = set()
    for line in glossary.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not HAN_WORD.search(cells[1]):
            continue
        words.update(HAN_WORD.findall(cells[1]))
    return sorted(words)
