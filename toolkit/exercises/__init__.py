"""Exercises that answer back: ``H.check("01.2")`` and ``H.hint("01.2")``.

Each notebook's exercises are specified in one module of this package,
``nbNN.py`` (``EXERCISES``, a list of :class:`~toolkit.exercises.core.Exercise`);
a module with that name is registered by being there. The framework is
:mod:`toolkit.exercises.core` (specs, running an answer, feedback texts in
both languages) and :mod:`toolkit.exercises.detectors` (generic detectors of
known mistakes). docs/DESIGN.md, "Exercises that answer back", explains it.

Importing this package imports neither TensorFlow nor a spec module: specs
are loaded on first use, and a check uses TensorFlow only when the notebook
has loaded it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Mapping
from typing import Any

from toolkit.exercises.core import (
    Exercise,
    Result,
    evaluate,
    language,
    say,
    validate,
)

KEY = re.compile(r"(\d\d)\.([1-9]\d*)")
SPEC_MODULE = re.compile(r"nb(\d\d)")

_hints_shown: dict[str, int] = {}


def notebooks() -> list[str]:
    """The notebooks (``"01"``, ...) that have a spec module here."""
    found = [SPEC_MODULE.fullmatch(m.name) for m in pkgutil.iter_modules(__path__)]
    return sorted(m[1] for m in found if m)


def exercises_of(notebook: str) -> list[Exercise]:
    """The exercises of notebook ``"NN"``, in order (their spec module is
    imported on first use and checked: keys ``NN.1``, ``NN.2``, ...)."""
    if notebook not in notebooks():
        raise KeyError(
            f"no exercises for notebook {notebook!r} (no toolkit/exercises/nb{notebook}.py)"
        )
    module = importlib.import_module(f"{__name__}.nb{notebook}")
    found = list(module.EXERCISES)
    keys = [e.key for e in found]
    wanted = [f"{notebook}.{n}" for n in range(1, len(found) + 1)]
    if keys != wanted:
        raise ValueError(f"{module.__name__}: exercise keys {keys}, expected {wanted}")
    return found


def all_exercises() -> list[Exercise]:
    """Every registered exercise of every notebook."""
    return [e for nb in notebooks() for e in exercises_of(nb)]


def get(key: str) -> Exercise:
    """The exercise ``"NN.k"``."""
    match = KEY.fullmatch(str(key))
    if not match:
        raise KeyError(
            f"an exercise key looks like '01.2' (notebook 01, exercise 2), got {key!r}"
        )
    for exercise in exercises_of(match[1]):
        if exercise.key == key:
            return exercise
    known = ", ".join(e.key for e in exercises_of(match[1]))
    raise KeyError(f"no exercise {key!r}; notebook {match[1]} has {known}")


def _caller_namespace(namespace: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if namespace is not None:
        return namespace
    return sys._getframe(2).f_globals  # the notebook cell's (learner's) globals


def evaluate_key(key: str, namespace: Mapping[str, Any]) -> Result:
    """The result of checking exercise ``key`` against ``namespace``."""
    return evaluate(get(key), namespace)


def check(key: str, namespace: Mapping[str, Any] | None = None) -> None:
    """Check the learner's answer to exercise ``key`` (``"01.2"``) and print
    one of: ``○`` not attempted yet, ``✓`` correct (what was verified), ``✗``
    wrong (where, and the known mistake it matches).

    The answer is looked up by the exercise's deliverable name in the
    caller's globals (the notebook's namespace), or in ``namespace``."""
    exercise = get(key)  # an unknown key is an authoring error: raise
    print(evaluate(exercise, _caller_namespace(namespace)).text)


def hint(key: str, number: int | None = None) -> None:
    """Print the next hint of exercise ``key``, one per call; after the last,
    say there are no more and where the solution is. ``number`` shows that
    hint again (1 is the first)."""
    lang = language()
    try:
        exercise = get(key)
    except KeyError:
        match = KEY.fullmatch(str(key))
        if match and match[1] in notebooks():
            known = [e.key for e in exercises_of(match[1])]
        else:
            known = [e.key for e in all_exercises()]
        print(say(lang, "hint_unknown", key=key, known=", ".join(known)))
        return
    hints = exercise.hints
    if number is None:
        index = _hints_shown.get(key, 0)
        _hints_shown[key] = min(index + 1, len(hints))
    else:
        index = int(number) - 1
    label = exercise.label(lang)
    if 0 <= index < len(hints):
        print(
            say(
                lang,
                "hint",
                index=index + 1,
                count=len(hints),
                label=label,
                text=hints[index][lang],
            )
        )
    else:
        print(say(lang, "hint_end", label=label))


def reset_hints() -> None:
    """Start every exercise's hints from the first again."""
    _hints_shown.clear()


__all__ = [
    "all_exercises",
    "check",
    "evaluate_key",
    "exercises_of",
    "get",
    "hint",
    "language",
    "notebooks",
    "reset_hints",
    "validate",
]
