"""H.expect_error: a pitfall's error is printed, and its absence fails."""

import pytest

from toolkit.pitfalls import expect_error


def test_the_expected_error_is_printed_as_a_traceback_ends(capsys):
    with expect_error(ZeroDivisionError):
        1 / 0  # noqa: B018
    assert capsys.readouterr().out == "ZeroDivisionError: division by zero\n"


def test_one_of_several_types_and_a_message_pattern(capsys):
    with expect_error(KeyError, ValueError, match="not recognized"):
        raise ValueError("Argument(s) not recognized: {'lr': 0.02}")
    assert "ValueError: Argument(s) not recognized" in capsys.readouterr().out


def test_where_names_the_innermost_frame(capsys):
    def inner():
        raise RuntimeError("deep")

    with expect_error(RuntimeError, where=True):
        inner()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "RuntimeError: deep"
    assert out[1].startswith("  raised in inner (test_pitfalls.py, line ")
    assert out[2] == '    raise RuntimeError("deep")'


def test_no_error_fails_loudly():
    with pytest.raises(AssertionError, match="expected TypeError, but the code ran"):
        with expect_error(TypeError):
            pass


def test_another_error_is_not_swallowed():
    with pytest.raises(KeyError):
        with expect_error(TypeError):
            raise KeyError("x")


def test_a_message_that_does_not_match_fails():
    with pytest.raises(AssertionError, match="matching 'persistent'"):
        with expect_error(RuntimeError, match="persistent"):
            raise RuntimeError("something else")


def test_bad_arguments_are_a_clear_error():
    with pytest.raises(TypeError, match="one or more exception classes"):
        with expect_error("ValueError"):
            pass
    with pytest.raises(TypeError, match="one or more exception classes"):
        with expect_error():
            pass
