"""Exercises that answer back (toolkit/exercises): every registered exercise
passes its own solution, rejects every recorded mistake with that mistake's
message and a plainly wrong answer with ✗, says ○ before an attempt, and
answers bad input in one line; the language is chosen as documented; hints
come one at a time; the specs are complete in both languages.

Parametrized over every spec module, so a notebook's exercises are tested as
soon as toolkit/exercises/nbNN.py exists.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import subprocess
import sys
from collections.abc import Mapping

import numpy as np
import pytest

from toolkit import exercises
from toolkit.exercises import core
from toolkit.exercises.core import Array, Dict, Function, Tensor, Value

ALL = exercises.all_exercises()
IDS = [e.key for e in ALL]
MISTAKES = [(e, m) for e in ALL for m in e.mistakes]
MISTAKE_IDS = [f"{e.key}-{m.id}" for e, m in MISTAKES]
LANG = core.LANG_VARIABLE


@pytest.fixture(autouse=True)
def _tensorflow_and_a_language(monkeypatch):
    """Checks run where a notebook has loaded TensorFlow; English unless a
    test says otherwise (the conftest restores the environment after)."""
    from toolkit import session

    session.quiet_tensorflow()
    import tensorflow  # noqa: F401

    monkeypatch.setenv(LANG, "en")
    exercises.reset_hints()


def _run(exercise, answer):
    """The result of checking ``answer`` as the exercise's deliverable."""
    return core.evaluate(exercise, {exercise.deliverable.name: answer})


def _scaled(value, factor):
    """The same answer times ``factor`` (a tensor, an array, a dict of them)."""
    if isinstance(value, Mapping):
        return {k: _scaled(v, factor) for k, v in value.items()}
    return value * factor


def _wrapped(exercise, change):
    """The solution with ``change`` applied to what it gives. Checking it
    reuses the solution's one run (:func:`_reuse_the_solutions_run`)."""
    solution = exercise.solution()
    if isinstance(exercise.deliverable, Function):

        def answer(*args):
            return change(solution(*args))

        answer.change = change
        return answer
    return change(solution)


RUN = core._run  # the check's own run of an answer, before any test replaces it


@functools.cache
def _solution_trial(key: str) -> core.Trial:
    """The solution's run over the exercise's cases, once per session."""
    exercise = exercises.get(key)
    return RUN(exercise, exercise.solution())


@pytest.fixture(autouse=True)
def _reuse_the_solutions_run(monkeypatch):
    """A check of :func:`_wrapped` gets what running it would give: the
    solution's run (its arguments, gradient calls and errors: none) with
    ``change`` applied to each result. Running the solution again for every
    such answer took seconds of TensorFlow and checked nothing more."""

    def run(exercise, answer):
        change = getattr(answer, "change", None)
        if change is None:
            return RUN(exercise, answer)
        cases = []
        for case in _solution_trial(exercise.key).cases:
            assert case.error is None, case.error
            raw = change(case.raw)
            values = exercise.deliverable.output.values(raw)
            cases.append(dataclasses.replace(case, raw=raw, values=values))
        return core.Trial(exercise=exercise, cases=cases)

    monkeypatch.setattr(core, "_run", run)


def _first_line_only(result):
    assert result.status == "✗", result.text
    assert "\n" not in result.text, f"one line expected:\n{result.text}"
    assert "Traceback" not in result.text


# ---- the specs ---------------------------------------------------------------------


def test_exercises_are_registered():
    assert "01" in exercises.notebooks()
    assert IDS[:3] == ["01.1", "01.2", "01.3"]


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_spec_is_complete_in_both_languages(exercise):
    assert core.validate(exercise) == []
    assert len(exercise.mistakes) >= 2 and len(exercise.hints) >= 2


def test_validate_finds_an_incomplete_spec():
    exercise = exercises.get("01.1")
    broken = core.Exercise(
        **{
            **{k: getattr(exercise, k) for k in exercise.__dataclass_fields__},
            "mistakes": exercise.mistakes[:1],
            "hints": [{"en": "only English"}],
            "_expected": None,
        }
    )
    problems = core.validate(broken)
    assert any("fewer than two mistakes" in p for p in problems)
    assert any("fewer than two hints" in p for p in problems)
    assert any("hint 1 needs exactly" in p for p in problems)


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_reference_agrees_with_an_independent_computation(exercise):
    """The closed-form reference against central differences in float64."""
    for args, expected in exercise.expected():
        other = exercise.independent(*args)
        if isinstance(expected, Mapping):
            assert set(other) == set(expected)
            for key in expected:
                np.testing.assert_allclose(
                    other[key], expected[key], rtol=1e-7, atol=1e-8
                )
        else:
            np.testing.assert_allclose(other, expected, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_cases_include_random_points_for_functions(exercise):
    cases = exercise.expected()
    if isinstance(exercise.deliverable, Function):
        assert len(cases) >= 2, "fixed points and seeded random ones"
        again = exercise.cases(np.random.default_rng(exercise.seed))
        assert [repr(a) for a in again] == [repr(a) for a, _ in cases], "seeded"
    else:
        assert cases == [((), cases[0][1])]


# ---- what a learner sees ------------------------------------------------------------


def _run_once(monkeypatch, answer) -> None:
    """From here on, checks of ``answer`` reuse its first run: a test judges
    one run in both languages (the language changes the words of a check,
    not what it runs)."""
    run = core._run
    trials = {}

    def run_once(checked, given):
        if given is not answer:
            return run(checked, given)
        if "first" not in trials:
            trials["first"] = run(checked, given)
        return trials["first"]

    monkeypatch.setattr(core, "_run", run_once)


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
def test_the_solution_passes_with_the_same_lines_in_both_languages(
    exercise, monkeypatch
):
    """○ and ✓ are what notebooks store; both editions share the outputs.
    No detector of a known mistake fires on the solution."""
    answer = _wrapped(exercise, lambda value: value)
    trial = core._run(exercise, answer)
    fired = [m.id for m in exercise.mistakes if m.detect(trial)]
    assert fired == [], f"{exercise.key}: {fired}"
    stored = {}
    for lang in ("en", "zh"):
        monkeypatch.setenv(LANG, lang)
        result = _run(exercise, answer)
        assert result.status == "✓", result.text
        stored[lang] = [core.evaluate(exercise, {}).text, result.text]
    assert stored["zh"] == stored["en"]
    lines = stored["en"][1].splitlines()
    assert (
        lines[0]
        == f"✓ Exercise {exercise.number} · 练习 {exercise.number}: correct · 正确"
    )
    assert lines[1] == "  " + exercise.verified["en"].format(
        tolerance=exercise.tolerance.text("en")
    )
    assert lines[2] == "  " + exercise.verified["zh"].format(
        tolerance=exercise.tolerance.text("zh")
    )


@pytest.mark.parametrize(("exercise", "mistake"), MISTAKES, ids=MISTAKE_IDS)
def test_each_mistake_gets_its_own_message(exercise, mistake, monkeypatch):
    """In each language, from one run of the answer (:func:`_run_once`)."""
    answer = mistake.example()
    _run_once(monkeypatch, answer)
    for lang, other in (("en", "zh"), ("zh", "en")):
        monkeypatch.setenv(LANG, lang)
        result = _run(exercise, answer)
        assert result.status == "✗", result.text
        assert result.mistake == mistake.id, result.text
        first = result.text.splitlines()[0]
        colon = "：" if lang == "zh" else ": "
        assert first == f"✗ {exercise.label(lang)}{colon}{mistake.name[lang]}"
        assert "  " + mistake.advice[lang] in result.text.splitlines()
        if mistake.section:
            assert mistake.section[lang] in result.text
        assert mistake.name[other] not in result.text


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
@pytest.mark.parametrize("factor", [1.37, -1.0, 0.5])
def test_a_plainly_wrong_answer_is_rejected(exercise, factor):
    result = _run(exercise, _wrapped(exercise, lambda v: _scaled(v, factor)))
    assert result.status == "✗", result.text
    lines = result.text.splitlines()
    assert lines[0].startswith(f"✗ Exercise {exercise.number}")
    if result.mistake is None:
        assert "wrong at" in lines[0] and "expected" in lines[1]
        assert f'H.hint("{exercise.key}")' in lines[-1]
        remark = "opposite sign" if factor == -1 else f"{factor:.4g} × the expected"
        assert any(remark in ln for ln in lines), result.text


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_not_attempted_is_one_bilingual_line(exercise, lang, monkeypatch):
    monkeypatch.setenv(LANG, lang)
    name = exercise.deliverable.name
    n = exercise.number
    expected = (
        f"○ Exercise {n} · 练习 {n}: not attempted yet · 尚未作答 — define {name}, "
        f"then run this cell again · 定义 {name} 后再运行本单元格"
    )
    assert core.evaluate(exercise, {}).text == expected  # undefined
    assert core.evaluate(exercise, {name: ...}).text == expected  # `name = ...`
    if isinstance(exercise.deliverable, Function):
        params = ", ".join(exercise.deliverable.params)
        namespace = {}
        exec(f"def {name}({params}):\n    ...  # your code\n", namespace)
        assert core.evaluate(exercise, namespace).text == expected  # the stub


def _bad_inputs(exercise):
    """Each kind of bad input that applies: its name, a function making the
    answer (called in the test: TensorFlow is not imported at collection) and
    a phrase its line must hold."""
    deliverable = exercise.deliverable
    output = deliverable.output
    found = []
    if isinstance(deliverable, Function):
        params = ", ".join(deliverable.params)

        def wrong_arity():
            namespace = {}
            exec(f"def wrong({params}, extra):\n    return 0\n", namespace)
            return namespace["wrong"]

        def raising(*args):
            raise ValueError("learner's bug\nsecond line")

        found += [
            ("an array, not a function", lambda: np.zeros(3), "should be a function"),
            ("wrong arity", wrong_arity, "argument(s)"),
            ("raises", lambda: raising, "raised ValueError: learner's bug"),
        ]
    if isinstance(output, Tensor):

        def tensor(make):
            import tensorflow as tf

            return make(tf)

        found += [
            ("a Python float", lambda: 0.5, "a Python float (0.5)"),
            ("a NumPy float", lambda: np.float32(0.5), "a NumPy float32"),
            (
                "wrong shape",
                lambda: tensor(lambda tf: tf.zeros((2, 3))),
                "has shape (2, 3), expected ()",
            ),
            ("wrong dtype", lambda: tensor(lambda tf: tf.constant(1)), "dtype int32"),
        ]
    if isinstance(output, Array):
        found += [
            (
                "wrong shape",
                lambda: _wrapped(exercise, lambda v: np.stack([np.asarray(v)] * 2)),
                "has shape (2, ",
            ),
            (
                "a string",
                lambda: _wrapped(exercise, lambda v: "text"),
                "should be numbers",
            ),
        ]
        if output.dtype:
            found.append(
                (
                    "wrong dtype",
                    lambda: _wrapped(
                        exercise, lambda v: np.asarray(v).astype(np.int64)
                    ),
                    f"expected {output.dtype}",
                )
            )
    if isinstance(output, Dict):
        first = output.keys[0]
        found += [
            (
                "a string",
                lambda: _wrapped(exercise, lambda v: "text"),
                "should be a dict",
            ),
            (
                "wrong keys",
                lambda: _wrapped(
                    exercise,
                    lambda v: {("zz" if k == first else k): x for k, x in v.items()},
                ),
                "has the keys",
            ),
            (
                "an array item",
                lambda: _wrapped(exercise, lambda v: {**v, first: np.zeros(3)}),
                "has shape (3,)",
            ),
        ]
    return found


BAD = [(e, *case) for e in ALL for case in _bad_inputs(e)]


@pytest.mark.parametrize(
    ("exercise", "kind", "make", "phrase"),
    BAD,
    ids=[f"{e.key}-{k}" for e, k, _, _ in BAD],
)
def test_bad_input_gets_one_clear_line(exercise, kind, make, phrase):
    result = _run(exercise, make())
    _first_line_only(result)
    assert phrase in result.text, result.text
    if kind == "raises":
        assert "second line" not in result.text
        assert exercise.deliverable.params[0] + " = " in result.text  # the input


def test_a_learners_prints_do_not_come_first(capsys):
    exercise = exercises.get("01.2")
    solution = exercise.solution()

    def noisy(xs):
        print("debugging")
        return solution(xs)

    exercises.check("01.2", {"f_slopes": noisy})
    assert capsys.readouterr().out.startswith("✓ Exercise 2")


def test_check_finds_the_answer_in_the_callers_globals(capsys):
    exercise = exercises.get("01.1")
    globals()["slope"] = exercise.solution()
    try:
        exercises.check("01.1")
    finally:
        del globals()["slope"]
    assert capsys.readouterr().out.startswith("✓ Exercise 1")
    exercises.check("01.1")
    assert capsys.readouterr().out.startswith("○ Exercise 1")


def test_an_unknown_key_is_an_authoring_error():
    with pytest.raises(KeyError, match="no exercise '01.9'"):
        exercises.check("01.9", {})
    with pytest.raises(KeyError, match="looks like '01.2'"):
        exercises.check("1.1", {})
    with pytest.raises(KeyError, match="no exercises for notebook '99'"):
        exercises.check("99.1", {})


def test_the_tape_class_is_restored_after_a_check():
    import tensorflow as tf

    before = tf.GradientTape.__dict__["gradient"]
    exercise = exercises.get("01.2")
    _run(exercise, exercise.solution())
    _run(exercise, lambda xs: 1 / 0)
    assert tf.GradientTape.__dict__["gradient"] is before


# ---- language -------------------------------------------------------------------------


def test_language_variable_comes_first(monkeypatch, tmp_path):
    (tmp_path / "zh").mkdir()
    monkeypatch.chdir(tmp_path / "zh")
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/zh/01_gradient_tape.ipynb")
    monkeypatch.setenv(LANG, "en")
    assert core.language() == "en"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/01_gradient_tape.ipynb")
    monkeypatch.setenv(LANG, "zh")
    assert core.language() == "zh"


def test_language_from_the_notebooks_path(monkeypatch, tmp_path):
    monkeypatch.delenv(LANG)
    (tmp_path / "zh").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(
        "JPY_SESSION_NAME", "/home/me/notebooks/zh/01_gradient_tape.ipynb"
    )
    assert core.language() == "zh"
    monkeypatch.chdir(tmp_path / "zh")  # the path wins over the folder
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/01_gradient_tape.ipynb")
    assert core.language() == "en"


def test_language_from_the_working_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(LANG)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    (tmp_path / "zh").mkdir()
    monkeypatch.chdir(tmp_path / "zh")
    assert core.language() == "zh"
    monkeypatch.setenv("JPY_SESSION_NAME", "console-1")  # not a notebook: ignored
    assert core.language() == "zh"
    monkeypatch.chdir(tmp_path)
    assert core.language() == "en"


def test_language_otherwise_english(monkeypatch, tmp_path):
    monkeypatch.setenv(LANG, "fr")  # not an edition: ignored
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert core.language() == "en"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_feedback_is_in_the_learners_language(lang, monkeypatch):
    monkeypatch.setenv(LANG, lang)
    exercise = exercises.get("01.3")
    result = _run(exercise, _wrapped(exercise, lambda v: _scaled(v, 1.37)))
    first = result.text.splitlines()[0]
    assert first.startswith("✗ 练习 3：" if lang == "zh" else "✗ Exercise 3: ")
    assert ("卡住了" in result.text) == (lang == "zh")


# ---- hints ------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", ALL, ids=IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hints_come_one_at_a_time_then_end(exercise, lang, monkeypatch, capsys):
    monkeypatch.setenv(LANG, lang)
    count = len(exercise.hints)
    for index, text in enumerate(exercise.hints, 1):
        exercises.hint(exercise.key)
        out = capsys.readouterr().out
        assert out.count("\n") == 1 and text[lang] in out
        assert f"{index}/{count}" in out
    for _ in range(2):  # and stays at the end
        exercises.hint(exercise.key)
        out = capsys.readouterr().out
        assert ("没有更多提示" if lang == "zh" else "No more hints") in out
        assert ("参考答案" if lang == "zh" else "worked solution") in out
    exercises.hint(exercise.key, 1)  # one again, on request
    assert exercise.hints[0][lang] in capsys.readouterr().out


def test_a_hint_never_prints_the_solution_line():
    """No hint gives the solution cell's `return` line or the whole formula."""
    for exercise in ALL:
        for text in exercise.hints:
            for lang in ("en", "zh"):
                assert "return tape.gradient" not in text[lang], exercise.key


def test_hint_for_an_unknown_exercise_says_which_exist(capsys):
    exercises.hint("01.7")
    out = capsys.readouterr().out
    assert "01.7" in out and "01.1, 01.2, 01.3" in out and "Traceback" not in out


# ---- import ---------------------------------------------------------------------------


def test_importing_the_exercises_imports_no_tensorflow():
    code = (
        "import sys, toolkit.exercises as x; x.all_exercises(); "
        "print('tensorflow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        check=True,
    ).stdout.strip()
    assert out == "False"


def test_a_check_holds_back_tensorflows_warnings():
    """A check calls the answer several times; advice TensorFlow logs about
    those calls (such as 06.2's tape.jacobian retracing after 5 calls) is
    not the learner's to read. Errors still show; the level comes back."""
    import logging

    import tensorflow as tf

    exercise = next(e for e in ALL if isinstance(e.deliverable, Function))
    solution = exercise.solution()
    logger = tf.get_logger()

    def answer(*args):
        logger.warning("advice about this call")
        logger.error("an error in this call")
        return solution(*args)

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    level = logger.level
    try:
        assert _run(exercise, answer).status == "✓"
        assert logger.level == level
        checked = {r.levelname for r in records}
        answer(*exercise.expected()[0][0])  # outside a check
    finally:
        logger.removeHandler(handler)
    assert checked == {"ERROR"}
    assert {r.levelname for r in records} == {"ERROR", "WARNING"}


def test_deliverable_kinds():
    kinds = {type(e.deliverable) for e in ALL}
    assert kinds == {Value, Function}, "the pilot shows both kinds"
