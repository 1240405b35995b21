"""Generic detectors of known mistakes, shared by every notebook's specs.

Each function here returns a *detector*: a function of a
:class:`~toolkit.exercises.core.Trial` (every case the check ran) that says
whether the answer shows the mistake. Detectors look at what the answer
computes (its values, dtype, errors, how often it called
``tape.gradient``), never at its source text. A detector that matches
values only fires when the mistaken values really differ from the
reference somewhere, so a correct answer is never taken for a mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from toolkit.exercises.core import (
    LOOSE,
    Tolerance,
    Trial,
    close,
    dtypes_in,
    tensorflow,
)

Detector = Callable[[Trial], bool]


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, Mapping):
        return {k: factor * np.asarray(v, float) for k, v in value.items()}
    return factor * np.asarray(value, float)


def computes(alternative: Callable[..., Any], tolerance: Tolerance = LOOSE) -> Detector:
    """The answer equals ``alternative(*args)`` at every case (within
    ``tolerance``), and that differs from the reference at some case."""

    def detect(trial: Trial) -> bool:
        differs = False
        for case in trial.cases:
            if case.error is not None or case.values is None:
                return False
            wrong = alternative(*case.args)
            if not close(case.values, wrong, tolerance):
                return False
            differs = differs or not close(wrong, case.expected, tolerance)
        return differs

    return detect


def _reference_based(
    make_wrong: Callable[[Any, tuple], Any], tolerance: Tolerance
) -> Detector:
    """Like :func:`computes`, with the wrong answer made from the reference."""

    def detect(trial: Trial) -> bool:
        differs = False
        for case in trial.cases:
            if case.error is not None or case.values is None:
                return False
            wrong = make_wrong(case.expected, case.args)
            if wrong is None or not close(case.values, wrong, tolerance):
                return False
            differs = differs or not close(wrong, case.expected, tolerance)
        return differs

    return detect


def scaled(
    factor: float | Callable[[tuple], float], tolerance: Tolerance = LOOSE
) -> Detector:
    """The answer is ``factor`` × the reference (``factor`` may depend on the
    arguments: ``scaled(lambda args: 1 / args[0].size)`` is the gradient of a
    mean where the sum was asked for)."""
    return _reference_based(
        lambda expected, args: _scaled(
            expected, factor(args) if callable(factor) else factor
        ),
        tolerance,
    )


def sign_flipped(tolerance: Tolerance = LOOSE) -> Detector:
    """Every value has the opposite sign."""
    return scaled(-1.0, tolerance)


def transposed(tolerance: Tolerance = LOOSE) -> Detector:
    """A matrix answer is the transpose of the reference (a Jacobian laid out
    the other way round)."""

    def wrong(expected: Any, args: tuple) -> Any:
        expected = np.asarray(expected, float)
        return expected.T if expected.ndim == 2 else None

    return _reference_based(wrong, tolerance)


def swapped(first: str, second: str, tolerance: Tolerance = LOOSE) -> Detector:
    """A dict answer has the values of two keys exchanged."""

    def wrong(expected: Any, args: tuple) -> Any:
        if not isinstance(expected, Mapping):
            return None
        out = dict(expected)
        out[first], out[second] = expected[second], expected[first]
        return out

    return _reference_based(wrong, tolerance)


def is_none(key: str | None = None) -> Detector:
    """The answer (or, for a dict answer, its ``key``, or any of its values
    when ``key`` is None) is ``None``: ``tape.gradient``'s answer when the
    tape recorded no path from the source to the target."""

    def detect(trial: Trial) -> bool:
        for case in trial.cases:
            raw = case.raw
            if case.error is not None:
                continue
            if raw is None:
                return True
            if isinstance(raw, Mapping):
                items = [raw.get(key)] if key is not None else list(raw.values())
                if (key is None or key in raw) and any(item is None for item in items):
                    return True
        return False

    return detect


def has_dtype(name: str) -> Detector:
    """The answer (or a value inside it) has dtype ``name`` (``"float32"``)."""

    def detect(trial: Trial) -> bool:
        return any(
            name in dtypes_in(case.raw) for case in trial.cases if case.error is None
        )

    return detect


def near_reference(tolerance: Tolerance = LOOSE) -> Detector:
    """Every case is within ``tolerance`` of the reference (use it with a
    tolerance looser than the exercise's: right up to float32 rounding)."""

    def detect(trial: Trial) -> bool:
        return all(
            case.error is None and close(case.values, case.expected, tolerance)
            for case in trial.cases
        )

    return detect


def raises(error: type[BaseException], match: str | None = None) -> Detector:
    """Some case raised ``error`` (with a message matching ``match``)."""

    def detect(trial: Trial) -> bool:
        return any(
            isinstance(case.error, error)
            and (match is None or re.search(match, str(case.error)) is not None)
            for case in trial.cases
        )

    return detect


def gradient_calls(
    more_than: int | None = None, fewer_than: int | None = None
) -> Detector:
    """Some case called ``tape.gradient`` more than ``more_than`` times (a
    loop of tapes where one call on a vector was asked for), or fewer than
    ``fewer_than`` times (``fewer_than=1``: the tape was not used at all).
    Cases that raised are not counted; never fires without TensorFlow loaded
    (then nothing could be counted). Python-level calls are counted: inside a
    ``tf.function`` only while it traces, so do not use this detector where
    the exercise invites a ``tf.function``."""

    def detect(trial: Trial) -> bool:
        if tensorflow() is None:
            return False
        counts = [c.gradient_calls for c in trial.cases if c.error is None]
        return any(
            (more_than is not None and n > more_than)
            or (fewer_than is not None and n < fewer_than)
            for n in counts
        )

    return detect


def float32_accuracy(tolerance: Tolerance = LOOSE) -> Detector:
    """Right to float32 accuracy (within ``tolerance`` everywhere) but not
    within the exercise's float64 tolerance somewhere, or of dtype float32:
    computed in float32 where float64 was asked for."""

    def detect(trial: Trial) -> bool:
        if not near_reference(tolerance)(trial):
            return False
        return has_dtype("float32")(trial) or not near_reference(
            trial.exercise.tolerance
        )(trial)

    return detect


def ignores_arguments(tolerance: Tolerance = LOOSE) -> Detector:
    """A function answer returns the same numbers (same shape, same values)
    whatever its arguments, where the references differ: it computes at
    fixed points instead of at its arguments."""

    def detect(trial: Trial) -> bool:
        cases = trial.cases
        if len(cases) < 2 or any(
            c.error is not None or c.values is None for c in cases
        ):
            return False
        first = cases[0]
        same = all(_same(c.values, first.values, tolerance) for c in cases[1:])
        return same and any(
            not _same(c.expected, first.expected, tolerance) for c in cases[1:]
        )

    return detect


def _same(one: Any, other: Any, tolerance: Tolerance) -> bool:
    """Equal structure and shape, and close values."""
    if isinstance(one, Mapping) or isinstance(other, Mapping):
        return close(one, other, tolerance)
    one, other = np.asarray(one, float), np.asarray(other, float)
    return one.shape == other.shape and close(one, other, tolerance)


def returns(*types: type) -> Detector:
    """Some case returned an instance of ``types`` (a list where a dict was
    asked for)."""

    def detect(trial: Trial) -> bool:
        return any(isinstance(c.raw, types) for c in trial.cases if c.error is None)

    return detect


def all_of(*detectors: Detector) -> Detector:
    """Every detector fires."""
    return lambda trial: all(d(trial) for d in detectors)


def any_of(*detectors: Detector) -> Detector:
    """At least one detector fires."""
    return lambda trial: any(d(trial) for d in detectors)


__all__ = [
    "Detector",
    "all_of",
    "any_of",
    "computes",
    "float32_accuracy",
    "gradient_calls",
    "has_dtype",
    "ignores_arguments",
    "is_none",
    "near_reference",
    "raises",
    "returns",
    "scaled",
    "sign_flipped",
    "swapped",
    "transposed",
]
