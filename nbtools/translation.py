"""Keep the Chinese edition (``notebooks/zh/``) in step with the English one.

Code and outputs have one source, the English notebook; prose is translated.
Every Chinese cell records the English cell it comes from and a hash of that
cell's source (cell metadata ``translation = {"source_id", "source_sha256"}``),
so an English edit shows up as a stale translation.

    python -m nbtools.translation sync    # bring code and outputs across, report
    python -m nbtools.translation check   # report only, write nothing
                                          # (both take notebook names to
                                          # limit them to those)
    python -m nbtools.translation start notebooks/NN_topic.ipynb
                                          # a new Chinese notebook to translate
    python -m nbtools.translation accept notebooks/zh/NN_topic.ipynb CELL_ID...
                                          # mark cells as translated from the
                                          # current English text ("--all": all)

``sync`` rebuilds each Chinese notebook in the English cell order, taking
the English tags, collapsed state, outputs and execution counts. What it
does with each cell's text, and what it reports, by the cell's state:

=========================  ==============================  =====================
English cell / Chinese     sync writes                     reported
=========================  ==============================  =====================
prose / none yet           the English text, untranslated  not translated yet
prose / hash current       the Chinese text                —
prose / hash stale         the Chinese text                English text changed
code, no comments / any    the English code                code taken (if other)
code / same code, current  the Chinese source              —
code / same code, stale    the Chinese source              comments changed
code / code changed        English code; Chinese comments  which lines kept and
                           carried to lines whose code     which lost their
                           still matches                   translation
code / none yet            the English code                comments to translate
none / a Chinese cell      dropped                         dropped
=========================  ==============================  =====================

"Same code" compares the code without comments, token for token. A cell that
is reported needs a translator (translate, then ``accept``). ``check``
writes nothing and exits 1 when any cell needs a translator *or* when sync
would change the Chinese notebook (code, outputs, tags, order): the one
policy the tests apply too (:func:`problems`).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import io
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from nbtools.layout import NOTEBOOKS, ROOT, counterpart
from nbtools.layout import notebooks as edition_notebooks
from nbtools.notebook_io import normalise, read, write_atomic

RECORD = "translation"


def source_hash(source: str) -> str:
    """The hash a Chinese cell records of its English cell's source."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def code_tokens(source: str) -> list[tuple[int, str]]:
    """The code's tokens without comments and blank lines: two cells whose
    code differs only in comments (or their line breaks) compare equal."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
        return [(t.type, t.string) for t in tokens if t.type not in skip]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        lines = [ln.split("#", 1)[0].rstrip() for ln in source.splitlines()]
        return [(0, ln) for ln in lines if ln]


def _comment_columns(source: str) -> dict[int, int]:
    """Line index -> column where that line's comment starts."""
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
        return {
            t.start[0] - 1: t.start[1] for t in tokens if t.type == tokenize.COMMENT
        }
    except (tokenize.TokenError, IndentationError, SyntaxError):
        lines = source.splitlines()
        return {i: ln.index("#") for i, ln in enumerate(lines) if "#" in ln}


def carry_comments(chinese: str, english: str) -> tuple[str, list[int], list[int]]:
    """The English code with the Chinese comments carried over.

    Lines are matched by their code (comment and spacing removed); where a
    commented English line matches a commented Chinese line, the Chinese
    comment replaces the English one. Returns the new source, the 1-based
    English lines that kept a Chinese comment, and those whose comment is
    still English (its translation lost)."""
    zh_lines, en_lines = chinese.splitlines(), english.splitlines()
    zh_cols, en_cols = _comment_columns(chinese), _comment_columns(english)

    def code(lines, cols, i):
        return lines[i][: cols.get(i, len(lines[i]))].strip()

    zh_keys = [code(zh_lines, zh_cols, i) for i in range(len(zh_lines))]
    en_keys = [code(en_lines, en_cols, i) for i in range(len(en_lines))]
    matched: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(a=en_keys, b=zh_keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            matched[block.a + k] = block.b + k
    out, kept, lost = list(en_lines), [], []
    for i, column in sorted(en_cols.items()):
        j = matched.get(i)
        if j is not None and j in zh_cols:
            out[i] = en_lines[i][:column] + zh_lines[j][zh_cols[j] :]
            kept.append(i + 1)
        else:
            lost.append(i + 1)
    return "\n".join(out), kept, lost


def comments(source: str) -> list[str]:
    """The comments of a code cell (nothing to translate when empty)."""
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
        return [t.string for t in tokens if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [ln for ln in source.splitlines() if "#" in ln]


@dataclass
class Report:
    """What one Chinese notebook needs, as readable lines."""

    path: Path
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def need(self, message: str) -> None:
        self.problems.append(message)

    def change(self, message: str) -> None:
        self.changes.append(message)


def record(cell: nbformat.NotebookNode) -> dict:
    return dict(cell.metadata.get(RECORD, {}))


def _mark(cell: nbformat.NotebookNode, english: nbformat.NotebookNode) -> None:
    cell.metadata[RECORD] = {
        "source_id": english.id,
        "source_sha256": source_hash(english.source),
    }


def _label(cell: nbformat.NotebookNode, index: int) -> str:
    first = cell.source.strip().splitlines()[0][:50] if cell.source.strip() else ""
    return f"cell {index} ({cell.cell_type}, id {cell.id}, {first!r})"


def synchronise(
    english: nbformat.NotebookNode, chinese: nbformat.NotebookNode, report: Report
) -> nbformat.NotebookNode:
    """The Chinese notebook rebuilt on the English one (a new object)."""
    by_source: dict[str, nbformat.NotebookNode] = {}
    for index, cell in enumerate(chinese.cells):
        source_id = record(cell).get("source_id")
        if source_id is None:
            report.need(f"{_label(cell, index)} records no English cell")
        elif source_id in by_source:
            report.need(f"{_label(cell, index)}: a second cell for {source_id}")
        else:
            by_source[source_id] = cell
    english_ids = {cell.id for cell in english.cells}
    for source_id, cell in by_source.items():
        if source_id not in english_ids:
            report.change(f"dropped cell {cell.id}: its English cell is gone")

    result = copy.deepcopy(chinese)
    result.cells = []
    for index, en in enumerate(english.cells):
        zh = by_source.get(en.id)
        cell = copy.deepcopy(en)
        cell.metadata.pop(RECORD, None)
        wanted = source_hash(en.source)
        if en.cell_type == "code":
            if zh is not None and code_tokens(zh.source) == code_tokens(en.source):
                cell.source = zh.source  # the Chinese comments
                if record(zh).get("source_sha256") == wanted or not comments(en.source):
                    _mark(cell, en)
                else:
                    cell.metadata[RECORD] = record(zh)
                    why = (
                        "English comments changed"
                        if record(zh).get("source_sha256")
                        else "comments to translate"
                    )
                    report.need(f"{_label(en, index)}: {why}; translate, then accept")
            else:
                if zh is not None:
                    report.change(f"{_label(en, index)}: code taken from English")
                if not comments(en.source):
                    _mark(cell, en)
                elif zh is None or not comments(zh.source):
                    cell.metadata[RECORD] = {"source_id": en.id, "source_sha256": ""}
                    report.need(
                        f"{_label(en, index)}: comments to translate; "
                        "translate, then accept"
                    )
                else:
                    cell.source, kept, lost = carry_comments(zh.source, en.source)
                    cell.metadata[RECORD] = record(zh)  # stale: needs a look
                    report.need(
                        f"{_label(en, index)}: code changed; Chinese comments "
                        f"kept on lines {kept or 'none'} (check them), "
                        f"translation lost on lines {lost or 'none'}; "
                        "translate, then accept"
                    )
        else:
            if zh is None or zh.cell_type != en.cell_type:
                cell.metadata[RECORD] = {"source_id": en.id, "source_sha256": ""}
                report.need(f"{_label(en, index)}: not translated yet")
            else:
                cell.source = zh.source
                cell.metadata[RECORD] = record(zh)
                if not record(zh).get("source_sha256"):
                    report.need(f"{_label(en, index)}: not translated yet")
                elif record(zh).get("source_sha256") != wanted:
                    report.need(
                        f"{_label(en, index)}: the English text changed since "
                        "it was translated"
                    )
        result.cells.append(cell)
    return result


def run(
    write: bool, notebooks: Path | None = None, only: list[str] | None = None
) -> list[Report]:
    """Check (and with ``write`` update) every Chinese notebook, or only those
    whose file names are in ``only``."""
    notebooks = NOTEBOOKS if notebooks is None else notebooks
    reports = []
    english = edition_notebooks("en", notebooks)
    chinese = edition_notebooks("zh", notebooks)
    if only is not None:
        unknown = set(only) - {p.name for p in english}
        if unknown:
            raise ValueError(f"no English notebooks named {sorted(unknown)}")
        english = [p for p in english if p.name in only]
        chinese = [p for p in chinese if p.name in only]
    for path in chinese:
        if not counterpart(path).exists():
            report = Report(path)
            report.need("no English notebook of this name")
            reports.append(report)
    for en_path in english:
        zh_path = counterpart(en_path)
        report = Report(zh_path)
        reports.append(report)
        if not zh_path.exists():
            report.need(
                f"missing: start it with "
                f"`python -m nbtools.translation start {_shown(en_path)}`"
            )
            continue
        zh = read(zh_path)
        synced = normalise(synchronise(read(en_path), zh, report))
        if nbformat.writes(synced) != nbformat.writes(normalise(copy.deepcopy(zh))):
            report.change("code, outputs or cell order brought across from English")
            if write:
                write_atomic(synced, zh_path)
    return reports


def start(en_path: Path) -> Path:
    """Create the Chinese notebook for ``en_path``: code and outputs as in
    English, prose still English and marked as not translated."""
    en_path = Path(en_path)
    zh_path = counterpart(en_path)
    if zh_path.exists():
        raise ValueError(f"{zh_path} exists already; use `sync`")
    english = read(en_path)
    skeleton = copy.deepcopy(english)
    skeleton.cells = []
    zh_path.parent.mkdir(exist_ok=True)
    report = Report(zh_path)
    chinese = synchronise(english, skeleton, report)
    write_atomic(normalise(chinese), zh_path)
    return zh_path


def accept(zh_path: Path, cell_ids: list[str], every: bool = False) -> list[str]:
    """Record that the given Chinese cells translate the current English text."""
    zh_path = Path(zh_path)
    english = {c.id: c for c in read(counterpart(zh_path)).cells}
    chinese = read(zh_path)
    accepted = []
    unknown = set(cell_ids) - {c.id for c in chinese.cells}
    if unknown:
        raise ValueError(f"{zh_path}: no cells with ids {sorted(unknown)}")
    for cell in chinese.cells:
        source_id = record(cell).get("source_id")
        if (every or cell.id in cell_ids) and source_id in english:
            _mark(cell, english[source_id])
            accepted.append(cell.id)
    write_atomic(normalise(chinese), zh_path)
    return accepted


def _shown(path: Path) -> Path:
    """``path`` relative to the repository when it is inside it."""
    try:
        return Path(path).resolve().relative_to(ROOT)
    except ValueError:
        return Path(path)


def problems(reports: list[Report]) -> list[str]:
    """What keeps the Chinese edition from being in step: every cell that
    needs a translator, and every change sync would make. Empty means in
    step; ``check`` and the tests apply exactly this."""
    return [
        f"{_shown(r.path)}: {line}"
        for r in reports
        for line in [*r.changes, *(f"needs a translator: {p}" for p in r.problems)]
    ]


def _print(reports: list[Report], strict: bool) -> int:
    for line in problems(reports):
        print(line)
    needing = sum(bool(r.problems) for r in reports)
    differing = sum(bool(r.changes) for r in reports)
    print(f"{len(reports)} Chinese notebook(s), {needing} need a translator")
    if not strict:
        if needing:
            print("(the tests fail until they are translated and accepted)")
        return 0
    if differing:
        print(
            f"{differing} differ from their English notebook in code, outputs "
            "or cell order: run `make translations`"
        )
    return 1 if problems(reports) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("sync", "bring code and outputs across; report"),
        ("check", "report only"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument(
            "notebooks", nargs="*", type=Path, help="only these (default: all)"
        )
    begin = commands.add_parser("start", help="create a Chinese notebook")
    begin.add_argument("notebook", type=Path)
    done = commands.add_parser("accept", help="mark cells as translated")
    done.add_argument("notebook", type=Path)
    done.add_argument("cells", nargs="*")
    done.add_argument("--all", action="store_true", help="every cell")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(f"wrote {start(args.notebook)}: translate its prose, then accept")
            return 0
        if args.command == "accept":
            if not args.cells and not args.all:
                parser.error("name the cell ids to accept, or pass --all")
            ids = accept(args.notebook, args.cells, every=args.all)
            print(f"{args.notebook}: {len(ids)} cell(s) accepted")
            return 0
        write = args.command == "sync"
        only = [p.name for p in args.notebooks] or None
        return _print(run(write=write, only=only), strict=not write)
    except ValueError as error:
        print(f"translation: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
