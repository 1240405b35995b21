import io
import platform
import subprocess
import sys

import pytest

from toolkit import H
from toolkit.env import package_version

FIELDS = ["OS", "Python", "Build date", "TensorFlow", "Keras", "NumPy", "matplotlib"]


def test_env_has_the_chapter_fields_in_order():
    info = H.env()
    assert list(info)[: len(FIELDS)] == FIELDS
    assert info["OS"] == f"{platform.system()} {platform.release()}"
    assert info["Python"].startswith(platform.python_version() + " @ ")
    assert info["NumPy"] == package_version("numpy")
    assert info["TensorFlow"] == package_version("tensorflow-cpu", "tensorflow")
    assert info["TensorFlow"].startswith("2.")


def test_banner_aligns_values():
    out = io.StringIO()
    H.banner(file=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(H.env())
    starts = {
        line.index(value) for line, value in zip(lines, H.env().values(), strict=True)
    }
    assert len(starts) == 1, "values must start in one column"


def test_package_version_unknown_and_empty():
    assert package_version("no-such-distribution-xyz") == "not installed"
    with pytest.raises(ValueError, match="at least one"):
        package_version()


def _fresh(code: str) -> str:
    env = {"PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.strip()


def test_import_is_light_and_quiets_tensorflow():
    out = _fresh(
        "import os, sys, toolkit;"
        "print('tensorflow' in sys.modules, os.environ['TF_CPP_MIN_LOG_LEVEL'],"
        " os.environ['TF_ENABLE_ONEDNN_OPTS'])"
    )
    assert out == "False 3 0"


def test_import_respects_user_settings():
    code = (
        "import os; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '1'; import toolkit;"
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    )
    assert _fresh(code) == "1"
