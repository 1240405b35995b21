"""Every fixed text of the collection's tools in both languages, in one table.

``text(language, key)`` looks one up; a key missing in either language is an
error when this module is imported, so the two editions can never drift.
"""

from __future__ import annotations

from nbtools.layout import LANGUAGES

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        # The anatomy of a notebook (docs/DESIGN.md): headings it must have.
        "heading.summary": "## Summary",
        "heading.exercises": "## Exercises",
        "heading.exercise": "### Exercise",
        "heading.reading": "## Further reading",
        "heading.check": "Check it",
        # README tables and index pages (nbtools.catalog, nbtools.site.pages).
        "table.header": (
            "| # | Notebook | Source section | What it teaches |\n|---|---|---|---|"
        ),
        "table.extension": "extension: {section}",
        "index.glossary": "Terms in both languages: [Glossary · 术语表](glossary.md).",
        "index.other": (
            '中文版：<a href="zh/index.html" hreflang="zh-CN">求导（中文）</a>。'
        ),
        "index.caption": "Notebooks",
        "index.download": ".ipynb",
        "index.run": (
            "Every page shows the code with the outputs stored in the notebook. "
            "To run and edit a notebook on your own machine, download it (.ipynb) "
            'and the <a href="{wheel_href}" download>toolkit ({wheel})</a> that '
            "every notebook imports, with its data set and font, then install "
            "the toolkit and the pinned packages with one line: `pip install "
            '"{wheel}[notebooks]"`. In a checkout of the project, `make lab` '
            "does all of this."
        ),
        "page.run": (
            "*To run this notebook on your own machine:* download it (the "
            "download button above) and the "
            '<a href="{wheel_href}" download>toolkit ({wheel})</a>, then '
            '`pip install "{wheel}[notebooks]"` installs what it needs.'
        ),
        # The site (nbtools.site).
        "site.solution": "Solution",
        "site.hint": "Hint {number}",
        "site.sphinx_language": "en",
        "site.other_prefix": "zh/",
        "site.other_code": "zh-CN",
        "site.other_label": "中文",
        "site.other_title": "阅读中文版",
    },
    "zh": {
        "heading.summary": "## 小结",
        "heading.exercises": "## 练习",
        "heading.exercise": "### 练习",
        "heading.reading": "## 延伸阅读",
        "heading.check": "### 验证",
        "table.header": "| 编号 | 笔记本 | 原章节 | 内容 |\n|---|---|---|---|",
        "table.extension": "延伸：{section}",
        "index.glossary": "英汉术语对照：[术语表 · Glossary](glossary.md)。",
        "index.other": (
            'English edition: <a href="../index.html" hreflang="en">'
            "the English index</a>."
        ),
        "index.caption": "笔记本",
        "index.download": ".ipynb",
        "index.run": (
            "每一页都展示代码以及笔记本中保存的输出。想要在自己的电脑上运行和修改"
            "笔记本，请下载笔记本（.ipynb）以及每个笔记本都要导入的"
            '<a href="{wheel_href}" download>工具包（{wheel}）</a>'
            "（含数据集和字体），然后用一行命令安装工具包和固定版本的依赖："
            '`pip install "{wheel}[notebooks]"`。在项目的检出目录中，'
            "`make lab` 会完成这一切。"
        ),
        "page.run": (
            "*在自己的电脑上运行本笔记本：* 下载它（上方的下载按钮）和"
            '<a href="{wheel_href}" download>工具包（{wheel}）</a>，'
            '然后运行 `pip install "{wheel}[notebooks]"` 安装所需的一切。'
        ),
        "site.solution": "参考答案",
        "site.hint": "提示 {number}",
        "site.sphinx_language": "zh_CN",
        "site.other_prefix": "../",
        "site.other_code": "en",
        "site.other_label": "English",
        "site.other_title": "Read the English edition",
    },
}

if set(STRINGS) != set(LANGUAGES) or len({frozenset(t) for t in STRINGS.values()}) != 1:
    raise RuntimeError("nbtools.strings: every language needs the same keys")


def text(language: str, key: str) -> str:
    """The text ``key`` in ``language`` ("en" or "zh")."""
    if language not in STRINGS:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    try:
        return STRINGS[language][key]
    except KeyError:
        raise KeyError(f"no text {key!r}; known: {sorted(STRINGS[language])}") from None


def language_of_sphinx(code: str) -> str:
    """Our language for a Sphinx language code ("zh_CN" → "zh")."""
    for language, table in STRINGS.items():
        if table["site.sphinx_language"] == code:
            return language
    raise ValueError(f"no edition for Sphinx language {code!r}")
