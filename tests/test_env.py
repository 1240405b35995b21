import io
import os
import platform
import subprocess
import sys
from importlib import metadata

import pytest

from toolkit import env
from toolkit.env import package_version

FIELDS = ["OS", "Python", "Build date", "TensorFlow", "Keras", "NumPy", "matplotlib"]


def test_env_has_the_chapter_fields_in_order():
    info = env.env()
    assert list(info)[: len(FIELDS)] == FIELDS
    assert info["OS"] == f"{platform.system()} {platform.release()}"
    assert info["Python"].startswith(platform.python_version() + " @ ")
    # Read independently of env(): the installed distributions' own metadata.
    assert info["NumPy"] == metadata.version("numpy")
    assert info["matplotlib"] == metadata.version("matplotlib")
    tensorflow = [d for d in ("tensorflow-cpu", "tensorflow") if _installed(d)]
    assert info["TensorFlow"] == metadata.version(tensorflow[0])
    assert info["TensorFlow"].startswith("2.")


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def test_banner_aligns_values():
    out = io.StringIO()
    env.banner(file=out)
    lines = out.getvalue().splitlines()
    info = env.env()
    assert len(lines) == len(info)
    starts = {
        line.index(value) for line, value in zip(lines, info.values(), strict=True)
    }
    assert len(starts) == 1, "values must start in one column"


def test_package_version_unknown_and_empty():
    assert package_version("no-such-distribution-xyz") == "not installed"
    with pytest.raises(ValueError, match="at least one"):
        package_version()


def _fresh(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    ).stdout.strip()


def test_importing_toolkit_modules_has_no_side_effects():
    out = _fresh(
        "import os, sys, toolkit, toolkit.files, toolkit.data, toolkit.env;"
        "print('matplotlib' in sys.modules, 'tensorflow' in sys.modules,"
        " 'TF_CPP_MIN_LOG_LEVEL' in os.environ)"
    )
    assert out == "False False False"


def test_asking_for_H_quiets_tensorflow_and_styles_figures():
    out = _fresh(
        "import os, sys; from toolkit import H; import matplotlib as mpl;"
        "print('tensorflow' in sys.modules, os.environ['TF_CPP_MIN_LOG_LEVEL'],"
        " os.environ['TF_ENABLE_ONEDNN_OPTS'], mpl.rcParams['font.family'][1])"
    )
    assert out == "False 3 0 Noto Sans SC GB2312"


def test_in_a_notebook_the_first_cell_runs_without_garbage_collection():
    """Paused from asking for H to the end of that cell, on again after,
    with that cell's objects frozen (later collections skip them); a second
    request in a later cell pauses nothing more."""
    cells = [
        "import gc; frozen = gc.get_freeze_count();"
        "import numpy; from toolkit import H; print(gc.isenabled())",
        "print(gc.isenabled(), gc.get_freeze_count() - frozen > 10_000)",
        "from toolkit import H; print(gc.isenabled())",
    ]
    code = (
        "from IPython.core.interactiveshell import InteractiveShell;"
        "shell = InteractiveShell.instance();"
        + "".join(f"shell.run_cell({cell!r});" for cell in cells)
    )
    assert _fresh(code).split() == ["False", "True", "True", "True"]


def test_outside_a_notebook_garbage_collection_stays_on():
    assert _fresh("import gc; from toolkit import H; print(gc.isenabled())") == "True"


BLAS_THREADS = (
    "from threadpoolctl import threadpool_info;"
    "print(sorted({p['num_threads'] for p in threadpool_info()"
    " if p['user_api'] == 'blas'}))"
)


@pytest.mark.parametrize(
    "first",
    ["from toolkit import H; import numpy", "import numpy; from toolkit import H"],
    ids=["H-first", "numpy-first"],
)
def test_asking_for_H_runs_blas_on_one_thread(first):
    # What BLAS really uses (threadpoolctl reads it from the loaded library),
    # whether NumPy was imported before H or by it.
    assert _fresh(f"{first}; {BLAS_THREADS}") == "[1]"


def test_blas_uses_every_core_without_H():
    # The check above can fail: without H this machine's BLAS runs on more
    # than one thread (where it has more than one core).
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: BLAS runs one thread anyway")
    assert _fresh(f"import numpy; {BLAS_THREADS}") != "[1]"


def test_a_blas_thread_count_the_user_chose_is_kept():
    code = "import os; os.environ['OPENBLAS_NUM_THREADS'] = '2';"
    code += f"import numpy; from toolkit import H; {BLAS_THREADS}"
    assert _fresh(code) == "[2]"


def test_asking_for_H_respects_user_settings():
    code = (
        "import os; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '1'; from toolkit import H;"
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    )
    assert _fresh(code) == "1"


def test_unknown_attribute_is_a_clear_error():
    import toolkit

    with pytest.raises(AttributeError, match="no attribute 'G'"):
        toolkit.G  # noqa: B018
