"""The Chinese edition: in step with the English one (nbtools.translation),
written in Chinese, with the glossary's terms."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from notebook_files import CHINESE, ENGLISH, notebook_id

from nbtools import glossary, translation
from nbtools.glossary import HAN
from nbtools.notebook_io import normalise, read, write_atomic

# Names that stay in English in Chinese prose.
NAMES = {
    "TensorFlow", "Keras", "NumPy", "Python", "Jupyter", "JupyterLab", "SciPy",
    "GradientTape", "AutoGraph", "XLA", "SGD", "Adam", "MLP", "MSE", "NaN",
    "CPU", "GPU", "TPU", "API", "JSON", "Dropout", "ReLU", "BLAS", "gRPC",
    "Run", "All", "TF_CONFIG", "PyTorch", "JAX", "Linux", "macOS", "Windows",
}  # fmt: skip
ENGLISH_RUN = re.compile(r"\b[A-Za-z][A-Za-z'’-]+(?:\s+[A-Za-z][A-Za-z'’-]+){2,}\b")
HALF_WIDTH_NEXT_TO_HAN = re.compile(r"[\u4e00-\u9fff][,;:!?]|[,;:!?][\u4e00-\u9fff]")


def prose(markdown: str) -> str:
    """The words a Chinese reader reads in our own voice: quotations of the
    chapter (block quotes, verbatim), code, math, URLs, HTML and the text of
    links to outside sources (citations keep their own titles) removed."""
    text = re.sub(r"^>.*$", " ", markdown, flags=re.M)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]+\$", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\[[^\]]*\]\(https?://[^)]*\)", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return text


def english_runs(text: str) -> list[str]:
    """Runs of three or more English words that are not just names."""
    runs = []
    for match in ENGLISH_RUN.finditer(text):
        words = re.findall(r"[A-Za-z][A-Za-z'’-]+", match[0])
        if sum(word not in NAMES for word in words) >= 3:
            runs.append(match[0])
    return runs


# ---- the repository's Chinese edition -----------------------------------------


def test_every_notebook_has_a_chinese_edition_in_step():
    reports = translation.run(write=False)
    assert len(reports) == len(ENGLISH) == len(CHINESE)
    problems = translation.problems(reports)  # the policy `check` applies
    assert problems == [], "run `make translations`:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CHINESE, ids=[notebook_id(p) for p in CHINESE])
def test_chinese_prose_is_chinese(path):
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "markdown":
            continue
        text = prose(cell.source)
        assert HAN.search(text), f"cell {index} has no Chinese: {cell.source[:80]!r}"
        runs = english_runs(text)
        assert runs == [], f"cell {index}: English left in the prose: {runs[:3]}"
        wrong = HALF_WIDTH_NEXT_TO_HAN.findall(text)
        assert wrong == [], f"cell {index}: half-width punctuation in Chinese {wrong}"


@pytest.mark.parametrize("path", CHINESE, ids=[notebook_id(p) for p in CHINESE])
def test_chinese_code_comments_are_chinese(path):
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        for comment in translation.comments(cell.source):
            runs = english_runs(re.sub(r"`[^`]*`", " ", comment))
            assert runs == [], f"cell {index}: untranslated comment {comment!r}"


@pytest.mark.parametrize("path", CHINESE, ids=[notebook_id(p) for p in CHINESE])
def test_chinese_uses_the_glossary_terms(path):
    avoid = glossary.avoided(glossary.read())
    assert "梯度磁带" in avoid, "the glossary lists words to avoid"
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "markdown":
            continue  # code, comments included, may quote the chapter (# 观察值)
        text = prose(cell.source)
        for word, term in avoid.items():
            assert word not in text, f"cell {index}: write {term}, not {word}"


@pytest.mark.parametrize("path", CHINESE, ids=[notebook_id(p) for p in CHINESE])
def test_chinese_notebooks_link_the_glossary(path):
    title = read(path).cells[0].source
    assert "](../glossary.md)" in title, "the title cell links the glossary"


def test_prose_check_catches_english_and_allows_code_math_and_names():
    assert (
        english_runs(prose("这是 `tape.gradient(y, x)` 和 $x^2$，用 TensorFlow 计算。"))
        == []
    )
    assert english_runs(prose("The tape records every operation.")) != []
    cited = "[Automatic differentiation in machine learning](https://jmlr.org/x)"
    assert english_runs(prose(f"参见 {cited}。")) == []
    assert HALF_WIDTH_NEXT_TO_HAN.findall(prose("梯度,导数")) == ["度,"]
    assert prose("> 原章节,照录。\n\n我们的话。").split() == ["我们的话。"]


# ---- the tool, on a small collection -------------------------------------------


def _english(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["lesson"] = {"summary": "One line."}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 01 · Tiny — 测试", id="c000"),
        nbformat.v4.new_code_cell("x = 1  # one\nprint(x)", id="c001"),
        nbformat.v4.new_markdown_cell("Some prose.", id="c002"),
        nbformat.v4.new_code_cell("print(2)", id="c003"),
    ]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "01_tiny.ipynb"
    write_atomic(normalise(nb), path)
    return path


def _edit(path: Path, index: int, source: str) -> None:
    nb = read(path)
    nb.cells[index].source = source
    write_atomic(normalise(nb), path)


def _translated(tmp_path: Path) -> tuple[Path, Path]:
    """An English notebook and its Chinese edition, fully translated."""
    en = _english(tmp_path / "notebooks")
    zh = translation.start(en)
    _edit(zh, 0, "# 01 · 小例子")
    _edit(zh, 1, "x = 1  # 一\nprint(x)")
    _edit(zh, 2, "一些文字。")
    translation.accept(zh, [], every=True)
    return en, zh


def _needs(tmp_path: Path) -> list[str]:
    reports = translation.run(write=False, notebooks=tmp_path / "notebooks")
    return [line for r in reports for line in r.problems]


def test_start_marks_prose_and_comments_untranslated(tmp_path):
    en = _english(tmp_path / "notebooks")
    zh = translation.start(en)
    assert zh == en.parent / "zh" / en.name
    needs = _needs(tmp_path)
    assert len(needs) == 3, needs  # two prose cells, one commented code cell
    with pytest.raises(ValueError, match="exists already"):
        translation.start(en)


def test_a_translated_notebook_is_in_step(tmp_path):
    _translated(tmp_path)
    assert _needs(tmp_path) == []


def test_changed_english_prose_makes_the_translation_stale(tmp_path):
    en, zh = _translated(tmp_path)
    _edit(en, 2, "Some better prose.")
    needs = _needs(tmp_path)
    assert len(needs) == 1 and "English text changed" in needs[0]
    translation.accept(zh, ["c002"])
    assert _needs(tmp_path) == []


def test_changed_english_code_is_brought_across(tmp_path):
    en, zh = _translated(tmp_path)
    _edit(en, 3, "print(3)")  # no comments: nothing to translate
    _edit(en, 1, "x = 2  # one\nprint(x)")  # code and comment
    translation.run(write=True, notebooks=tmp_path / "notebooks")
    cells = read(zh).cells
    assert cells[3].source == "print(3)"
    assert cells[1].source == "x = 2  # one\nprint(x)"
    needs = _needs(tmp_path)
    assert len(needs) == 1 and "English comments changed" in needs[0]


def test_code_differing_only_in_comments_keeps_the_chinese(tmp_path):
    en, zh = _translated(tmp_path)
    nb = read(en)
    nb.cells[1].outputs[0].text = "new output\n"
    write_atomic(normalise(nb), en)
    reports = translation.run(write=False, notebooks=tmp_path / "notebooks")
    assert reports[0].changes, "outputs differ: sync has work to do"
    translation.run(write=True, notebooks=tmp_path / "notebooks")
    cell = read(zh).cells[1]
    assert cell.source == "x = 1  # 一\nprint(x)"
    assert cell.outputs[0].text == "new output\n"
    assert _needs(tmp_path) == []


def test_edited_chinese_code_is_reported_and_replaced(tmp_path):
    _, zh = _translated(tmp_path)
    _edit(zh, 3, "print('changed in Chinese only')")
    reports = translation.run(write=False, notebooks=tmp_path / "notebooks")
    assert any("code taken from English" in line for line in reports[0].changes)
    translation.run(write=True, notebooks=tmp_path / "notebooks")
    assert read(zh).cells[3].source == "print(2)"


def test_new_removed_and_missing_notebooks_and_cells(tmp_path):
    en, zh = _translated(tmp_path)
    nb = read(en)
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("A new paragraph.", id="c009"))
    del nb.cells[2]
    write_atomic(normalise(nb), en)
    translation.run(write=True, notebooks=tmp_path / "notebooks")
    ids = [c.id for c in read(zh).cells]
    assert ids == ["c000", "c001", "c009", "c003"]
    assert any("not translated yet" in line for line in _needs(tmp_path))
    _english(tmp_path / "notebooks" / "more")  # not an edition folder: ignored
    other = en.parent / "02_other.ipynb"
    other.write_bytes(en.read_bytes())
    assert any("missing" in line for line in _needs(tmp_path))
    other.unlink()
    (zh.parent / "03_orphan.ipynb").write_bytes(zh.read_bytes())
    assert any("no English notebook" in line for line in _needs(tmp_path))


def test_check_fails_when_chinese_outputs_or_code_differ(tmp_path, monkeypatch):
    """A Chinese notebook whose outputs (or code) were edited is out of step:
    `check` exits 1, the same verdict the repository test gives."""
    _, zh = _translated(tmp_path)
    monkeypatch.setattr(translation, "NOTEBOOKS", tmp_path / "notebooks")
    assert translation.main(["check"]) == 0
    nb = read(zh)
    nb.cells[1].outputs[0].text = "tampered\n"
    write_atomic(normalise(nb), zh)
    assert translation.main(["check"]) == 1
    reports = translation.run(write=False, notebooks=tmp_path / "notebooks")
    assert translation.problems(reports)
    translation.run(write=True, notebooks=tmp_path / "notebooks")
    assert translation.main(["check"]) == 0
    _edit(zh, 3, "print('changed in Chinese only')")
    assert translation.main(["check"]) == 1


def test_a_code_edit_keeps_the_chinese_comments_that_still_match(tmp_path):
    en, zh = _translated(tmp_path)
    _edit(en, 1, "# set x\nx = 1  # one\ny = 2  # two\nprint(x + y)")
    _edit(zh, 1, "# 设定 x\nx = 1  # 一\nprint(x)")
    translation.accept(zh, ["c001"])
    _edit(en, 1, "# set x\nx = 5  # one\ny = 2  # two\nprint(x + y)")
    reports = translation.run(write=True, notebooks=tmp_path / "notebooks")
    # Line 1 still matches; line 2's code changed, line 3 is new.
    assert (
        read(zh).cells[1].source == "# 设定 x\nx = 5  # one\ny = 2  # two\nprint(x + y)"
    )
    said = [line for r in reports for line in r.problems]
    assert len(said) == 1
    assert "kept on lines [1]" in said[0] and "lost on lines [2, 3]" in said[0]
    needs = _needs(tmp_path)  # still stale until accepted
    assert len(needs) == 1 and "English comments changed" in needs[0]
    translation.accept(zh, ["c001"])
    assert _needs(tmp_path) == []


def test_carry_comments_matches_lines_by_their_code():
    zh = "a = 1  # 甲\nb = 2\nc = 3  # 丙\n# 说明\nd = 4"
    en = "a = 1  # A\nb = 20\nc = 3  # C\n# note\nd = 4\ne = 5  # E"
    source, kept, lost = translation.carry_comments(zh, en)
    assert source == "a = 1  # 甲\nb = 20\nc = 3  # 丙\n# 说明\nd = 4\ne = 5  # E"
    assert (kept, lost) == ([1, 3, 4], [6])


def test_command_line(tmp_path, capsys, monkeypatch):
    en, zh = _translated(tmp_path)
    monkeypatch.setattr(translation, "NOTEBOOKS", tmp_path / "notebooks")
    _edit(en, 2, "Changed.")
    assert translation.main(["check"]) == 1
    assert "needs a translator" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        translation.main(["accept", str(zh)])  # names no cell
    assert translation.main(["accept", str(zh), "nope"]) == 2
    assert "no cells with ids" in capsys.readouterr().err
    assert translation.main(["accept", str(zh), "c002"]) == 0
    assert translation.main(["check"]) == 0
