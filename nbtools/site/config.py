"""The Sphinx configuration of one edition of the site.

Each staged source folder gets a two-line ``conf.py`` that calls
:func:`settings`, so both editions share this one configuration.
"""

from __future__ import annotations

from pathlib import Path

from nbtools.strings import text

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def settings(language: str, title: str, static: str, search_dict: str) -> dict:
    """Sphinx settings for ``language`` ("en" or "zh"); ``static`` is the
    staged folder with the font and MathJax, ``search_dict`` jieba's word list."""
    return {
        "project": title,
        "author": "",
        "language": text(language, "site.sphinx_language"),
        "root_doc": "index",
        "extensions": [
            "myst_nb",
            "nbtools.site.solutions",
            "nbtools.site.chinese_search",
        ],
        "exclude_patterns": ["_build"],
        # Stored outputs only: the site never executes a notebook.
        "nb_execution_mode": "off",
        "nb_execution_raise_on_error": True,
        "nb_merge_streams": True,
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_heading_anchors": 3,
        "templates_path": [str(TEMPLATES)],
        "html_theme": "sphinx_book_theme",
        "html_title": title,
        "html_favicon": str(STATIC / "favicon.svg"),
        # Text as the notebooks show it: no typographic quote substitution.
        "smartquotes": False,
        "html_static_path": [str(STATIC), static],
        "html_css_files": ["site.css"],
        "html_js_files": ["site.js"],
        "html_show_sourcelink": False,
        "html_use_index": False,  # no index entries: an empty genindex.html
        # Search results show a snippet of each page; site.js turns this off
        # when the site is opened from disk, where pages cannot be fetched.
        "html_show_search_summary": True,
        "html_copy_source": True,  # the theme's download button serves the .ipynb
        "html_last_updated_fmt": None,
        # default_mode: follow the reader's light/dark setting.
        "html_context": {
            "other_language_prefix": text(language, "site.other_prefix"),
            "other_language_code": text(language, "site.other_code"),
            "other_language_label": text(language, "site.other_label"),
            "other_language_title": text(language, "site.other_title"),
            "default_mode": "auto",
        },
        "html_theme_options": {
            "home_page_in_toc": True,
            "show_navbar_depth": 1,
            "use_download_button": True,
            "use_fullscreen_button": False,
            "article_header_end": ["lang-switch.html", "article-header-buttons.html"],
            "footer_content_items": [],
        },
        # MathJax 3 from the site itself (copied from django-static-mathjax):
        # SVG output needs no web fonts; an unknown macro is a visible error.
        # Text inside formulas (\text{…}) is drawn in the page's font, which
        # has the Chinese characters that MathJax's own fonts lack.
        "mathjax_path": "mathjax/tex-svg-full.js",
        "mathjax3_config": {
            "tex": {"tags": "ams", "packages": {"[-]": ["noundefined"]}},
            "svg": {"fontCache": "global", "mtextInheritFont": True},
        },
        "html_search_language": "zh" if language == "zh" else "en",
        "html_search_options": {"dict": search_dict} if language == "zh" else {},
    }


def quiet_jieba(cache_dir: str) -> None:
    """Keep jieba (Chinese word segmentation for the search index) from
    logging to stderr, and its dictionary cache inside the build folder."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = cache_dir
