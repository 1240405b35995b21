"""Sphinx extension: Chinese full-text search that finds any phrase.

Sphinx's Chinese index holds the words jieba segments (with the glossary's
terms added as a user dictionary), so a query must be one of those words.
This language also indexes every pair of adjacent Chinese characters, and
its query splitter turns a run of Chinese characters into the same pairs:
a page matches when it contains all pairs of the query, so 持久化, 雅可比 or
自定义训练循环 find their pages whatever jieba made of the text.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.search.zh import SearchChinese

HAN_RUN = re.compile(r"[\u3400-\u9fff]+")

SPLIT_QUERY_JS = r"""
function splitQuery(query) {
  const terms = [];
  const parts = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu);
  for (const part of parts) {
    for (const piece of part.split(/([\u3400-\u9fff]+)/u)) {
      if (!piece) continue;
      if (/^[\u3400-\u9fff]+$/u.test(piece)) {
        if (piece.length === 1) terms.push(piece);
        for (let i = 0; i + 1 < piece.length; i++) terms.push(piece.slice(i, i + 2));
      } else {
        terms.push(piece);
      }
    }
  }
  return terms;
}
"""


def bigrams(text: str) -> list[str]:
    """Every pair of adjacent Chinese characters in ``text``."""
    return [
        run[i : i + 2] for run in HAN_RUN.findall(text) for i in range(len(run) - 1)
    ]


class SearchChineseBigrams(SearchChinese):
    """Chinese search: jieba's words plus character bigrams (see module)."""

    js_splitter_code = SPLIT_QUERY_JS
    # Latin words in Chinese pages are stemmed with the English stemmer, and
    # Sphinx 9.0 names the JavaScript stemmer class after language_name: the
    # default ("Chinese") points at a ChineseStemmer that does not exist, and
    # every search fails in the browser.
    language_name = "English"

    def split(self, input: str) -> list[str]:
        return super().split(input) + bigrams(input)


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchChineseBigrams)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
