"""Notebook kernels start in the environment the test session started with."""

import os

PROBE = "AUTODIFF_NOTEBOOKS_ISOLATION_PROBE"


def test_collecting_the_tests_changes_no_environment_variable(
    collection_environment_changes,
):
    # Test modules and what they import (toolkit, benchmarks) are collected
    # in this process, which then starts the notebook kernels.
    assert collection_environment_changes == []


def test_a_test_may_change_the_environment():
    os.environ[PROBE] = "set by a test"


def test_the_next_test_finds_it_as_the_session_started():
    # Runs after the test above (one file runs in one worker, in order).
    assert PROBE not in os.environ
