"""How an exercise is specified, run and answered.

A spec (:class:`Exercise`) names one *deliverable*, a value
(:class:`Value`) or a function the learner writes (:class:`Function`), and
says how to judge it: the cases to try (fixed points and seeded random ones),
a float64 reference for each, a tolerance, the known mistakes
(:class:`Mistake`, each recognised by what the answer computes) and the hints.
:func:`evaluate` finds the deliverable in the learner's namespace, runs it and
returns a :class:`Result`: ``○`` not attempted, ``✓`` correct, ``✗`` wrong,
with the text to print.

Nothing here imports TensorFlow: a check only looks for tensors when
TensorFlow is loaded already (a notebook has loaded it before any check).
"""

from __future__ import annotations

import contextlib
import copy
import dis
import functools
import inspect
import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# ---- languages ----------------------------------------------------------------

LANGUAGES = ("en", "zh")
LANG_VARIABLE = "AUTODIFF_NOTEBOOKS_LANG"  # "en" or "zh": overrides everything
SESSION_VARIABLE = "JPY_SESSION_NAME"  # the notebook's path, set by Jupyter
CHINESE_FOLDER = "zh"  # notebooks/zh/ holds the Chinese edition


def language() -> str:
    """The learner's edition, ``"en"`` or ``"zh"``, decided at every call:

    1. ``AUTODIFF_NOTEBOOKS_LANG`` (``en``/``zh``) when set to one of them;
    2. else the notebook's path in ``JPY_SESSION_NAME`` (Jupyter sets it for
       a notebook's kernel): a notebook in a folder named ``zh`` is Chinese;
    3. else the kernel's working folder: named ``zh`` means Chinese (nbval,
       ``make execute``, JupyterLab and VS Code start a notebook's kernel in
       the notebook's folder);
    4. else English.
    """
    chosen = os.environ.get(LANG_VARIABLE, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    session = os.environ.get(SESSION_VARIABLE, "")
    if session.endswith(".ipynb"):
        return "zh" if Path(session).parent.name == CHINESE_FOLDER else "en"
    try:
        folder = Path.cwd().name
    except OSError:  # the working folder was removed
        return "en"
    return "zh" if folder == CHINESE_FOLDER else "en"


def T(en: str, zh: str) -> dict[str, str]:
    """A text in both languages (every learner-facing text of a spec)."""
    return {"en": en, "zh": zh}


# The framework's own texts. Two of them are printed in both languages at once
# (NOT_ATTEMPTED, CORRECT): they are what a notebook stores, and both editions
# share their outputs.
NOT_ATTEMPTED = (
    "○ {label}: not attempted yet · 尚未作答 — define {name}, then run this cell "
    "again · 定义 {name} 后再运行本单元格"
)
CORRECT = "✓ {label}: correct · 正确"

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "exercise": "Exercise {number}",
        "wrong_at": "✗ {label}: wrong at {where}",
        "expected_got": "  expected {expected}, got {got}",
        "largest_error": "  largest error {error:.2g} (tolerance: {tolerance})",
        "sign": "  Every value has the opposite sign.",
        "factor": "  Every value is {factor:.4g} × the expected one: a constant factor.",
        "transposed": "  This is the transpose of the expected matrix.",
        "mistake": "✗ {label}: {name}",
        "at": "  at {where}: expected {expected}, got {got}",
        "raised_at": "  {call} raised {error}",
        "calls": "tape.gradient called {count}×",
        "details": " ({details})",
        "and": "; ",
        "see": "  → See {section}.",
        "ask_hint": '  Stuck? H.hint("{key}") gives a hint.',
        "raised": "✗ {label}: {call} raised {error}",
        "not_function": (
            "✗ {label}: {name} should be a function, def {name}({params}): …, "
            "but it is {what}."
        ),
        "arity": (
            "✗ {label}: {name} should take {count} argument(s), ({params}), "
            "but it is {name}{signature}."
        ),
        "not_tensor": (
            "✗ {label}: {name} should be a tensor (what tape.gradient returns), "
            "but it is {what}: keep the tensor itself."
        ),
        "none": "✗ {label}: {subject} is None, not a number.",
        "not_numbers": "✗ {label}: {subject} should be numbers, but it is {what}.",
        "shape": "✗ {label}: {subject} has shape {got}, expected {expected}.",
        "dtype": "✗ {label}: {subject} has dtype {got}, expected {expected}.",
        "not_dict": (
            "✗ {label}: {subject} should be a dict with the keys {keys}, "
            "but it is {what}."
        ),
        "keys": "✗ {label}: {subject} has the keys {got}, expected {keys}.",
        "item_none": "✗ {label}: {subject}[{key!r}] is None, not a number.",
        "unreadable": "✗ {label}: could not check this answer ({error}).",
        "result_of": "{name}({args})",
        "the_value": "{name}",
        "hint": "Hint {index}/{count} · {label}: {text}",
        "hint_end": (
            "No more hints for {label}: the worked solution is in the collapsed "
            "cells below its check cell (click ⋯ to open them)."
        ),
        "hint_unknown": "No exercise {key!r}; this notebook has {known}.",
        # describing what the learner gave
        "a_none": "None",
        "a_function": "a function",
        "a_float": "a Python float ({value})",
        "a_int": "a Python int ({value})",
        "a_bool": "a bool ({value})",
        "a_str": "a string ({value})",
        "a_numpy_scalar": "a NumPy {dtype} ({value})",
        "a_numpy_array": "a NumPy array of shape {shape} and dtype {dtype}",
        "a_tensor": "a tf.Tensor of shape {shape} and dtype {dtype}",
        "a_variable": "a tf.Variable of shape {shape} and dtype {dtype}",
        "a_list": "a list of {count} item(s)",
        "a_tuple": "a tuple of {count} item(s)",
        "a_dict": "a dict with the keys {keys}",
        "a_other": "a {type}",
    },
    "zh": {
        "exercise": "练习 {number}",
        "wrong_at": "✗ {label}：在 {where} 处不对",
        "expected_got": "  应为 {expected}，得到 {got}",
        "largest_error": "  最大误差 {error:.2g}（容差：{tolerance}）",
        "sign": "  每个值的符号都反了。",
        "factor": "  每个值都是应有值的 {factor:.4g} 倍：差一个常数因子。",
        "transposed": "  这是应有矩阵的转置。",
        "mistake": "✗ {label}：{name}",
        "at": "  在 {where} 处：应为 {expected}，得到 {got}",
        "raised_at": "  {call} 抛出了 {error}",
        "calls": "调用了 {count} 次 tape.gradient",
        "details": "（{details}）",
        "and": "；",
        "see": "  → 参见{section}。",
        "ask_hint": '  卡住了？运行 H.hint("{key}") 看提示。',
        "raised": "✗ {label}：{call} 抛出了 {error}",
        "not_function": (
            "✗ {label}：{name} 应当是一个函数 def {name}({params}): …，现在却是{what}。"
        ),
        "arity": (
            "✗ {label}：{name} 应当接受 {count} 个参数（{params}），"
            "现在却是 {name}{signature}。"
        ),
        "not_tensor": (
            "✗ {label}：{name} 应当是张量（tape.gradient 返回的对象），"
            "现在却是{what}：请保留张量本身。"
        ),
        "none": "✗ {label}：{subject} 是 None，不是数值。",
        "not_numbers": "✗ {label}：{subject} 应当是数值，现在却是{what}。",
        "shape": "✗ {label}：{subject} 的形状是 {got}，应为 {expected}。",
        "dtype": "✗ {label}：{subject} 的数据类型是 {got}，应为 {expected}。",
        "not_dict": ("✗ {label}：{subject} 应当是键为 {keys} 的字典，现在却是{what}。"),
        "keys": "✗ {label}：{subject} 的键是 {got}，应为 {keys}。",
        "item_none": "✗ {label}：{subject}[{key!r}] 是 None，不是数值。",
        "unreadable": "✗ {label}：无法检查这个答案（{error}）。",
        "result_of": "{name}({args})",
        "the_value": "{name}",
        "hint": "提示 {index}/{count} · {label}：{text}",
        "hint_end": (
            "{label} 没有更多提示了：参考答案在检查单元格下方折叠的单元格里"
            "（点击 ⋯ 展开）。"
        ),
        "hint_unknown": "没有练习 {key!r}；这个笔记本的练习是 {known}。",
        "a_none": "None",
        "a_function": "一个函数",
        "a_float": "Python 浮点数（{value}）",
        "a_int": "Python 整数（{value}）",
        "a_bool": "布尔值（{value}）",
        "a_str": "字符串（{value}）",
        "a_numpy_scalar": "NumPy {dtype} 标量（{value}）",
        "a_numpy_array": "形状为 {shape}、数据类型为 {dtype} 的 NumPy 数组",
        "a_tensor": "形状为 {shape}、数据类型为 {dtype} 的 tf.Tensor",
        "a_variable": "形状为 {shape}、数据类型为 {dtype} 的 tf.Variable",
        "a_list": "包含 {count} 个元素的列表",
        "a_tuple": "包含 {count} 个元素的元组",
        "a_dict": "键为 {keys} 的字典",
        "a_other": "{type} 对象",
    },
}

if set(TEXT) != set(LANGUAGES) or len({frozenset(t) for t in TEXT.values()}) != 1:
    raise RuntimeError("toolkit.exercises: every language needs the same texts")


def say(lang: str, key: str, /, **fields: Any) -> str:
    """The framework text ``key`` in ``lang``, filled in."""
    return TEXT[lang][key].format(**fields)


# ---- values: what a learner gave, read leniently -------------------------------


def tensorflow():
    """The TensorFlow module when the notebook has loaded it, else None (a
    check never imports it: that would take seconds and change nothing)."""
    return sys.modules.get("tensorflow")


def is_tensor(obj: Any) -> bool:
    """A ``tf.Tensor`` or ``tf.Variable`` (False when TensorFlow is not loaded)."""
    tf = tensorflow()
    return tf is not None and isinstance(obj, tf.Tensor | tf.Variable)


def _is_variable(obj: Any) -> bool:
    tf = tensorflow()
    return tf is not None and isinstance(obj, tf.Variable)


def dtype_name(obj: Any) -> str | None:
    """The dtype of a tensor or NumPy value as a name (``"float32"``), else None."""
    if is_tensor(obj):
        return obj.dtype.name
    if isinstance(obj, np.ndarray | np.generic):
        return obj.dtype.name
    return None


def numbers(obj: Any) -> np.ndarray | None:
    """``obj`` as a float64 array when it is numbers (a tensor, an array, a
    Python or NumPy number, a list of those), else None. Never raises."""
    if obj is None or isinstance(obj, str | bytes | Mapping) or callable(obj):
        if not is_tensor(obj):
            return None
    try:
        if is_tensor(obj):
            obj = obj.numpy()
        elif isinstance(obj, list | tuple):
            obj = [o.numpy() if is_tensor(o) else o for o in obj]
            if any(o is None for o in obj):
                return None
        array = np.asarray(obj)
        if array.dtype == object or array.dtype.kind not in "biuf":
            return None
        return array.astype(np.float64)
    except Exception:
        return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(obj: Any, lang: str) -> str:
    """What ``obj`` is, in a few words (for "… but it is a NumPy array");
    in Chinese a leading Latin word gets a space before it."""
    text = _describe(obj, lang)
    return " " + text if lang == "zh" and text[:1].isascii() else text


def _describe(obj: Any, lang: str) -> str:
    if obj is None:
        return say(lang, "a_none")
    if is_tensor(obj):
        key = "a_variable" if _is_variable(obj) else "a_tensor"
        return say(lang, key, shape=tuple(obj.shape), dtype=obj.dtype.name)
    if isinstance(obj, np.ndarray):
        return say(lang, "a_numpy_array", shape=obj.shape, dtype=obj.dtype.name)
    if isinstance(obj, np.generic):
        return say(lang, "a_numpy_scalar", dtype=obj.dtype.name, value=_short(str(obj)))
    if isinstance(obj, bool):
        return say(lang, "a_bool", value=obj)
    if isinstance(obj, float):
        return say(lang, "a_float", value=format_number(obj))
    if isinstance(obj, int):
        return say(lang, "a_int", value=obj)
    if isinstance(obj, str):
        return say(lang, "a_str", value=_short(repr(obj)))
    if isinstance(obj, list):
        return say(lang, "a_list", count=len(obj))
    if isinstance(obj, tuple):
        return say(lang, "a_tuple", count=len(obj))
    if isinstance(obj, Mapping):
        return say(lang, "a_dict", keys=format_keys(obj))
    if callable(obj):
        return say(lang, "a_function")
    return say(lang, "a_other", type=type(obj).__name__)


def dtypes_in(raw: Any) -> list[str]:
    """The dtypes of a value, or of the values inside a dict, list or tuple."""
    items = (
        list(raw.values())
        if isinstance(raw, Mapping)
        else list(raw)
        if isinstance(raw, list | tuple)
        else [raw]
    )
    return [name for name in map(dtype_name, items) if name]


def format_number(value: float) -> str:
    return f"{float(value):.6g}"


def format_keys(keys: Any) -> str:
    return ", ".join(repr(k) for k in keys)


def format_value(value: Any) -> str:
    """A value for a feedback line: numbers to 6 significant digits."""
    if isinstance(value, Mapping):
        items = ", ".join(f"{k!r}: {format_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    if value is None:
        return "None"
    array = np.asarray(value)
    if array.ndim == 0:
        return format_number(array)
    return np.array2string(
        array,
        separator=", ",
        max_line_width=200,
        formatter={"float_kind": format_number, "int_kind": str},
    )


# ---- the shape of an answer ----------------------------------------------------


class Output:
    """What a deliverable (a value, or what a function returns) must be.

    ``values(raw)`` reads it leniently (float64 arrays, a dict of them, or None
    when unreadable); ``problem(raw, args, lang, subject, label)`` is the one
    line that says what is wrong with its form (None when the form is right).
    """

    def values(self, raw: Any) -> Any:
        raise NotImplementedError

    def problem(self, raw, args, lang, subject, label) -> str | None:
        raise NotImplementedError


def _float_dtype(raw: Any, wanted: str | None, lang, subject, label) -> str | None:
    name = dtype_name(raw)
    if name is None:
        return None
    if wanted is not None and name != wanted:
        return say(
            lang, "dtype", label=label, subject=subject, got=name, expected=wanted
        )
    if wanted is None and not name.startswith(("float", "bfloat")):
        return say(
            lang,
            "dtype",
            label=label,
            subject=subject,
            got=name,
            expected="float32/float64",
        )
    return None


@dataclass(frozen=True)
class Tensor(Output):
    """A tensor (``tf.Tensor`` or ``tf.Variable``) of a given shape: what
    ``tape.gradient`` returns. A Python or NumPy number is refused, so the
    learner keeps the tape's result instead of typing a number.
    ``dtype=None`` accepts any floating dtype."""

    shape: tuple[int, ...] = ()
    dtype: str | None = None

    def values(self, raw):
        return numbers(raw) if is_tensor(raw) else None

    def problem(self, raw, args, lang, subject, label):
        if raw is None:
            return say(lang, "none", label=label, subject=subject)
        if not is_tensor(raw):
            return say(
                lang, "not_tensor", label=label, name=subject, what=describe(raw, lang)
            )
        if tuple(raw.shape) != tuple(self.shape):
            return say(
                lang,
                "shape",
                label=label,
                subject=subject,
                got=tuple(raw.shape),
                expected=tuple(self.shape),
            )
        return _float_dtype(raw, self.dtype, lang, subject, label)


@dataclass(frozen=True)
class Array(Output):
    """Numbers of a shape given by the arguments (``shape(args)``), as a
    tensor, a NumPy array or a list; ``dtype`` ("float64") when the exercise
    asks for one, else any floating dtype."""

    shape: Callable[[tuple], tuple[int, ...]]
    dtype: str | None = None

    def values(self, raw):
        return numbers(raw)

    def problem(self, raw, args, lang, subject, label):
        if raw is None:
            return say(lang, "none", label=label, subject=subject)
        value = numbers(raw)
        if value is None:
            return say(
                lang,
                "not_numbers",
                label=label,
                subject=subject,
                what=describe(raw, lang),
            )
        expected = tuple(self.shape(args))
        if value.shape != expected:
            return say(
                lang,
                "shape",
                label=label,
                subject=subject,
                got=value.shape,
                expected=expected,
            )
        return _float_dtype(raw, self.dtype, lang, subject, label)


@dataclass(frozen=True)
class Dict(Output):
    """A dict with exactly these keys, each a number (a scalar tensor, a
    Python or NumPy float): what ``tape.gradient`` returns for a dict of
    scalar sources."""

    keys: tuple[str, ...]

    def values(self, raw):
        if not isinstance(raw, Mapping):
            return None
        out = {}
        for key, item in raw.items():
            value = numbers(item)
            out[key] = None if value is None or value.size != 1 else value.reshape(())
        return out

    def problem(self, raw, args, lang, subject, label):
        keys = format_keys(self.keys)
        if raw is None:
            return say(lang, "none", label=label, subject=subject)
        if not isinstance(raw, Mapping):
            return say(
                lang,
                "not_dict",
                label=label,
                subject=subject,
                keys=keys,
                what=describe(raw, lang),
            )
        if set(raw) != set(self.keys):
            return say(
                lang,
                "keys",
                label=label,
                subject=subject,
                keys=keys,
                got=format_keys(raw) or "{}",
            )
        for key in self.keys:
            item = raw[key]
            item_subject = f"{subject}[{key!r}]"
            if item is None:
                return say(lang, "item_none", label=label, subject=subject, key=key)
            value = numbers(item)
            if value is None:
                return say(
                    lang,
                    "not_numbers",
                    label=label,
                    subject=item_subject,
                    what=describe(item, lang),
                )
            if value.size != 1:
                return say(
                    lang,
                    "shape",
                    label=label,
                    subject=item_subject,
                    got=value.shape,
                    expected="()",
                )
            found = _float_dtype(item, None, lang, item_subject, label)
            if found:
                return found
        return None


# ---- deliverables ---------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A named value the learner defines, e.g. ``slope``; ``at`` says where it
    is evaluated, for feedback ("x = π/3")."""

    name: str
    output: Output
    at: dict[str, str]


@dataclass(frozen=True)
class Function:
    """A function the learner writes, ``def name(*params)``, returning
    ``output``; the check calls it at every case."""

    name: str
    params: tuple[str, ...]
    output: Output


@dataclass(frozen=True)
class Tolerance:
    """``|got - expected| <= atol + rtol * |expected|`` elementwise."""

    rtol: float
    atol: float = 0.0

    def text(self, lang: str) -> str:
        """``rtol 1e-06, atol 1e-12`` (``、`` between them in Chinese)."""
        parts = [f"rtol {self.rtol:g}"] + ([f"atol {self.atol:g}"] if self.atol else [])
        return ("、" if lang == "zh" else ", ").join(parts)


LOOSE = Tolerance(rtol=1e-5, atol=1e-6)  # float32 arithmetic passes this


def close(got: Any, expected: Any, tolerance: Tolerance = LOOSE) -> bool:
    """Whether ``got`` matches ``expected`` (arrays, or dicts of arrays)."""
    if isinstance(expected, Mapping):
        return (
            isinstance(got, Mapping)
            and set(got) == set(expected)
            and all(close(got[k], expected[k], tolerance) for k in expected)
        )
    if got is None or isinstance(got, Mapping):
        return False
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(
        np.all(
            np.abs(got - expected) <= tolerance.atol + tolerance.rtol * np.abs(expected)
        )
    )


def largest_error(got: Any, expected: Any) -> float:
    """The largest absolute difference (over every key of a dict)."""
    if isinstance(expected, Mapping):
        return max(largest_error(got[k], expected[k]) for k in expected)
    return float(np.max(np.abs(np.asarray(got, float) - np.asarray(expected, float))))


# ---- mistakes and exercises ------------------------------------------------------


@dataclass
class Case:
    """One evaluation of the deliverable: its arguments (none for a value),
    the reference, and what the learner's answer gave."""

    args: tuple
    expected: Any
    raw: Any = None  # what the learner's answer returned (or is)
    values: Any = None  # raw read as float64 (Output.values), None if unreadable
    error: BaseException | None = None  # what it raised
    gradient_calls: int = 0  # tf.GradientTape.gradient calls during the call


@dataclass
class Trial:
    """Every case of one check; what a mistake's detector looks at."""

    exercise: Exercise
    cases: list[Case]


@dataclass(frozen=True)
class Mistake:
    """A mistake learners make, recognised by what the answer computes.

    ``detect(trial)`` says whether the answer shows it (see
    :mod:`toolkit.exercises.detectors`); ``name`` is the one-line diagnosis,
    ``advice`` what to do, ``section`` where the notebook covers it (or None);
    ``example()`` produces an answer with exactly this mistake (the tests
    check that it is recognised)."""

    id: str
    detect: Callable[[Trial], bool]
    name: dict[str, str]
    advice: dict[str, str]
    section: dict[str, str] | None
    example: Callable[[], Any]


@dataclass
class Exercise:
    """One exercise: its key (``"01.2"``: notebook 01, exercise 2), the
    deliverable, and how to judge it.

    ``cases(rng)`` returns the argument tuples to try (``[()]`` for a value),
    fixed points first, then random ones from the seeded ``rng``;
    ``reference(*args)`` the float64 expected answer (a closed form);
    ``independent(*args)``, another way to the same numbers (central finite
    differences in float64), which the tests compare with the reference;
    ``verified`` the sentence the ``✓`` line adds in both languages;
    ``solution()`` the deliverable as the notebook's solution computes it."""

    key: str
    deliverable: Value | Function
    cases: Callable[[np.random.Generator], list[tuple]]
    reference: Callable[..., Any]
    independent: Callable[..., Any]
    tolerance: Tolerance
    verified: dict[str, str]
    mistakes: list[Mistake]
    hints: list[dict[str, str]]
    solution: Callable[[], Any]
    seed: int = 0
    _expected: list[tuple[tuple, Any]] | None = field(default=None, repr=False)

    @property
    def number(self) -> int:
        return int(self.key.split(".")[1])

    def label(self, lang: str) -> str:
        return say(lang, "exercise", number=self.number)

    def both_labels(self) -> str:
        return f"{self.label('en')} · {self.label('zh')}"

    def expected(self) -> list[tuple[tuple, Any]]:
        """The cases and their references, computed once (lazily)."""
        if self._expected is None:
            rng = np.random.default_rng(self.seed)
            self._expected = [(tuple(a), self.reference(*a)) for a in self.cases(rng)]
        return self._expected


@dataclass(frozen=True)
class Result:
    """What a check found: ``status`` is ``"○"``, ``"✓"`` or ``"✗"``;
    ``mistake`` the id of the known mistake recognised (or None); ``text``
    what is printed."""

    status: str
    text: str
    mistake: str | None = None


# ---- running an answer -----------------------------------------------------------


def _stub_code() -> None: ...


_TRIVIAL = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST"}


def is_stub(fn: Any) -> bool:
    """A function whose body does nothing (``...``, ``pass``, a docstring):
    the learner cell's placeholder ``def name(x): ...``."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    for instruction in dis.get_instructions(code):
        if instruction.opname not in _TRIVIAL:
            return False
        if instruction.opname in ("LOAD_CONST", "RETURN_CONST") and (
            instruction.argval is not None
        ):
            return False
    return True


@contextlib.contextmanager
def counting_gradient_calls() -> Iterator[list[int]]:
    """Count the calls of ``tf.GradientTape.gradient`` inside the block (the
    class is restored afterwards, whatever happens)."""
    counter = [0]
    tf = tensorflow()
    if tf is None:
        yield counter
        return
    tape_class = tf.GradientTape
    original = tape_class.__dict__["gradient"]

    @functools.wraps(original)
    def gradient(self, *args, **kwargs):
        counter[0] += 1
        return original(self, *args, **kwargs)

    tape_class.gradient = gradient
    try:
        yield counter
    finally:
        tape_class.gradient = original


def error_line(error: BaseException) -> str:
    """``TypeError: message``, as the last line of a traceback begins."""
    message = str(error).strip().splitlines()
    first = message[0] if message else ""
    text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return _short(text, 200)


def _arguments(deliverable: Function, args: tuple) -> str:
    return ", ".join(
        f"{p} = {format_value(a)}"
        for p, a in zip(deliverable.params, args, strict=True)
    )


def where(exercise: Exercise, case: Case, lang: str) -> str:
    """Where a case evaluates: ``x = π/3`` or ``xs = [0, 1, 2]``."""
    deliverable = exercise.deliverable
    if isinstance(deliverable, Value):
        return deliverable.at[lang]
    return _arguments(deliverable, case.args)


def call_text(exercise: Exercise, case: Case) -> str:
    deliverable = exercise.deliverable
    if isinstance(deliverable, Value):
        return deliverable.name
    return f"{deliverable.name}({_arguments(deliverable, case.args)})"


def _run(exercise: Exercise, answer: Any) -> Trial:
    deliverable = exercise.deliverable
    cases = []
    for args, expected in exercise.expected():
        case = Case(args=args, expected=expected)
        if isinstance(deliverable, Value):
            case.raw = answer
        else:
            sink = io.StringIO()  # the learner's prints must not come first
            try:
                with (
                    contextlib.redirect_stdout(sink),
                    contextlib.redirect_stderr(sink),
                    counting_gradient_calls() as calls,
                ):
                    case.raw = answer(*copy.deepcopy(args))
            except Exception as error:  # the learner's code: any error is feedback
                case.error = error
            case.gradient_calls = calls[0]
        case.values = (
            deliverable.output.values(case.raw) if case.error is None else None
        )
        cases.append(case)
    return Trial(exercise=exercise, cases=cases)


def _signature_problem(exercise: Exercise, fn: Any, lang: str) -> str | None:
    deliverable = exercise.deliverable
    label = exercise.label(lang)
    params = ", ".join(deliverable.params)
    if not callable(fn) or isinstance(fn, type):
        return say(
            lang,
            "not_function",
            label=label,
            name=deliverable.name,
            params=params,
            what=describe(fn, lang),
        )
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None  # a builtin without a signature: just call it
    try:
        signature.bind(*deliverable.params)
    except TypeError:
        return say(
            lang,
            "arity",
            label=label,
            name=deliverable.name,
            params=params,
            count=len(deliverable.params),
            signature=signature,
        )
    return None


def _diagnosis(case: Case, lang: str) -> list[str]:
    """Generic remarks on a wrong value: opposite sign, a constant factor, a
    transposed matrix."""
    got, expected = case.values, case.expected
    if got is None:
        return []
    if isinstance(expected, Mapping):  # a dict: its values in the same order
        if not isinstance(got, Mapping) or set(got) != set(expected):
            return []
        if any(got[k] is None for k in expected):
            return []
        got = np.array([np.asarray(got[k], float) for k in expected])
        expected = np.array([np.asarray(expected[k], float) for k in expected])
    got, expected = np.asarray(got, float), np.asarray(expected, float)
    if got.ndim == 2 and got.shape == expected.T.shape and close(got, expected.T):
        return [say(lang, "transposed")]
    if got.shape != expected.shape:
        return []
    mask = np.abs(expected) > 1e-8
    if not mask.any():
        return []
    ratios = got[mask] / expected[mask]
    factor = float(np.median(ratios))
    if abs(factor) < 1e-12 or not close(got, factor * expected):
        return []
    if abs(factor + 1) < 1e-6:
        return [say(lang, "sign")]
    if abs(factor - 1) > 1e-6:
        return [say(lang, "factor", factor=factor)]
    return []


def _mistake_text(exercise: Exercise, trial: Trial, mistake: Mistake, lang: str) -> str:
    label = exercise.label(lang)
    lines = [say(lang, "mistake", label=label, name=mistake.name[lang])]
    case = next(
        (
            c
            for c in trial.cases
            if c.error is not None
            or not close(c.values, c.expected, exercise.tolerance)
        ),
        trial.cases[0],
    )
    if case.error is not None:
        lines.append(
            say(
                lang,
                "raised_at",
                call=call_text(exercise, case),
                error=error_line(case.error),
            )
        )
    else:
        got = case.values if case.values is not None else case.raw
        shown = format_value(got) if got is None or case.values is not None else None
        details = []
        dtypes = sorted(set(dtypes_in(case.raw)))
        if dtypes:
            details.append("/".join(dtypes))
        if isinstance(exercise.deliverable, Function) and tensorflow() is not None:
            details.append(say(lang, "calls", count=case.gradient_calls))
        lines.append(
            say(
                lang,
                "at",
                where=where(exercise, case, lang),
                expected=format_value(case.expected),
                got=shown if shown is not None else describe(case.raw, lang),
            )
            + (
                say(lang, "details", details=say(lang, "and").join(details))
                if details
                else ""
            )
        )
    lines.append("  " + mistake.advice[lang])
    if mistake.section:
        lines.append(say(lang, "see", section=mistake.section[lang]))
    return "\n".join(lines)


@contextlib.contextmanager
def _tensorflow_log_quiet() -> Iterator[None]:
    """TensorFlow's Python log shows errors only, where TensorFlow is loaded
    (a check never loads it); the level the notebook had comes back after."""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        yield
        return
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


def evaluate(exercise: Exercise, namespace: Mapping[str, Any]) -> Result:
    """Judge the learner's deliverable, found by name in ``namespace``.
    TensorFlow's warnings are held back meanwhile: a check calls the answer
    several times, and advice such as "5 out of the last 5 calls triggered
    tf.function retracing" would be about those calls, not the learner's."""
    with _tensorflow_log_quiet():
        return _judge(exercise, namespace)


def _judge(exercise: Exercise, namespace: Mapping[str, Any]) -> Result:
    lang = language()
    deliverable = exercise.deliverable
    name = deliverable.name
    answer = namespace.get(name, Ellipsis)
    if answer is Ellipsis or (isinstance(deliverable, Function) and is_stub(answer)):
        return Result(
            "○", NOT_ATTEMPTED.format(label=exercise.both_labels(), name=name)
        )
    label = exercise.label(lang)
    if isinstance(deliverable, Function):
        problem = _signature_problem(exercise, answer, lang)
        if problem:
            return Result("✗", problem)
    try:
        trial = _run(exercise, answer)
        for mistake in exercise.mistakes:
            try:
                found = bool(mistake.detect(trial))
            except Exception:  # a detector meeting an odd answer: not this mistake
                found = False
            if found:
                return Result(
                    "✗", _mistake_text(exercise, trial, mistake, lang), mistake.id
                )
        for case in trial.cases:
            if case.error is not None:
                text = say(
                    lang,
                    "raised",
                    label=label,
                    call=call_text(exercise, case),
                    error=error_line(case.error),
                )
                return Result("✗", text)
        for case in trial.cases:
            subject = (
                name
                if isinstance(deliverable, Value)
                else say(
                    lang,
                    "result_of",
                    name=name,
                    args=_arguments(deliverable, case.args),
                )
            )
            problem = deliverable.output.problem(
                case.raw, case.args, lang, subject, label
            )
            if problem:
                return Result("✗", problem)
        for case in trial.cases:
            if not close(case.values, case.expected, exercise.tolerance):
                lines = [
                    say(
                        lang, "wrong_at", label=label, where=where(exercise, case, lang)
                    ),
                    say(
                        lang,
                        "expected_got",
                        expected=format_value(case.expected),
                        got=format_value(case.values),
                    ),
                    say(
                        lang,
                        "largest_error",
                        error=largest_error(case.values, case.expected),
                        tolerance=exercise.tolerance.text(lang),
                    ),
                    *_diagnosis(case, lang),
                    say(lang, "ask_hint", key=exercise.key),
                ]
                return Result("✗", "\n".join(lines))
    except Exception as error:  # never a traceback from the checker itself
        return Result(
            "✗", say(lang, "unreadable", label=label, error=error_line(error))
        )
    text = "\n".join(
        [
            CORRECT.format(label=exercise.both_labels()),
            "  "
            + exercise.verified["en"].format(tolerance=exercise.tolerance.text("en")),
            "  "
            + exercise.verified["zh"].format(tolerance=exercise.tolerance.text("zh")),
        ]
    )
    return Result("✓", text)


def validate(exercise: Exercise) -> list[str]:
    """What is wrong with a spec (empty when it is complete): every text in
    both languages, at least two mistakes and two hints."""
    found = []

    def both(text: Any, what: str) -> None:
        if not isinstance(text, Mapping) or set(text) != set(LANGUAGES):
            found.append(f"{exercise.key}: {what} needs exactly {LANGUAGES}")
        elif not all(isinstance(t, str) and t.strip() for t in text.values()):
            found.append(f"{exercise.key}: {what} has an empty text")

    both(exercise.verified, "verified")
    if isinstance(exercise.deliverable, Value):
        both(exercise.deliverable.at, "at")
    if len(exercise.mistakes) < 2:
        found.append(f"{exercise.key}: fewer than two mistakes")
    if len(exercise.hints) < 2:
        found.append(f"{exercise.key}: fewer than two hints")
    ids = [m.id for m in exercise.mistakes]
    if len(set(ids)) != len(ids):
        found.append(f"{exercise.key}: mistake ids repeat: {ids}")
    for mistake in exercise.mistakes:
        both(mistake.name, f"mistake {mistake.id} name")
        both(mistake.advice, f"mistake {mistake.id} advice")
        if mistake.section is not None:
            both(mistake.section, f"mistake {mistake.id} section")
    for index, text in enumerate(exercise.hints, 1):
        both(text, f"hint {index}")
    return found


__all__ = [
    "Array",
    "CORRECT",
    "Case",
    "Dict",
    "Exercise",
    "Function",
    "LANG_VARIABLE",
    "LOOSE",
    "Mistake",
    "NOT_ATTEMPTED",
    "Result",
    "T",
    "Tensor",
    "Tolerance",
    "Trial",
    "Value",
    "close",
    "evaluate",
    "language",
    "validate",
]
