"""The glossary (``notebooks/glossary.md``), read once for every use.

Each row of its table is a term: the English words, the Chinese term to use,
the Chinese words to avoid (the tests reject them in Chinese prose) and a
note. The site adds the Chinese terms to its search dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nbtools.layout import GLOSSARY

HAN = re.compile(r"[\u3400-\u9fff]")
HAN_WORD = re.compile(r"[\u3400-\u9fff]{2,}")


@dataclass(frozen=True)
class Term:
    english: str
    chinese: str
    avoid: tuple[str, ...]
    note: str


def terms(text: str) -> list[Term]:
    """The rows of the glossary's table whose Chinese column is Chinese."""
    found = []
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not HAN.search(cells[1]) or cells[1] == "中文":
            continue
        avoid = []
        for word in re.split(r"[、，,]", cells[2] if len(cells) > 2 else ""):
            word = re.sub(r"（.*?）|\(.*?\)", "", word).strip()
            if word and HAN.search(word):
                avoid.append(word)
        note = cells[3] if len(cells) > 3 else ""
        found.append(Term(cells[0], cells[1], tuple(avoid), note))
    return found


def read(path: Path = GLOSSARY) -> list[Term]:
    """The terms of a glossary file."""
    return terms(Path(path).read_text(encoding="utf-8"))


def avoided(found: list[Term]) -> dict[str, str]:
    """Each word to avoid, mapped to the term to write instead."""
    return {word: term.chinese for term in found for word in term.avoid}


def chinese_words(found: list[Term]) -> list[str]:
    """The Chinese words of the terms (runs of two or more characters)."""
    return sorted({w for term in found for w in HAN_WORD.findall(term.chinese)})
