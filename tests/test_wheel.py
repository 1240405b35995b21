"""A notebook downloaded from the site runs outside a checkout, and every
notebook runs under papermill (which stops at any stored or raised error)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from notebook_files import ENGLISH, ROOT
from site_build import shared_site

from nbtools.site.pages import DOWNLOADS

# It loads the data set from the toolkit and draws Chinese text with its font.
DOWNLOADED = ["07_gradient_descent.ipynb"]
# Two of the quickest notebooks, both with pitfalls (errors shown on purpose).
PAPERMILL = ["01_gradient_tape.ipynb", "02_watch.ipynb"]
# `python -m pytest`, without the import that nbtools/lean_imports.py leaves
# out (about a second of CPU; that environment has no nbtools to import).
PYTEST_MAIN = (
    "import sys; sys.modules['rfc3987_syntax'] = None; import pytest; "
    "sys.exit(pytest.main(sys.argv[1:]))"
)


def _pins(lines) -> dict[str, str]:
    """``name; marker`` -> ``==version`` for the pinned lines."""
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line:
            name, rest = line.split("==", 1)
            version, _, marker = rest.partition(";")
            found[f"{name.strip()};{marker.strip()}"] = version.strip()
    return found


def test_the_notebooks_extra_pins_what_requirements_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = _pins(project["project"]["optional-dependencies"]["notebooks"])
    required = _pins((ROOT / "requirements.txt").read_text().splitlines())
    required = {k.replace('"', "'"): v for k, v in required.items()}
    assert extra and all(required.get(k) == v for k, v in extra.items()), (
        extra,
        required,
    )
    assert any(k.startswith("tensorflow") for k in extra), "TensorFlow is pinned"


@pytest.fixture(scope="module")
def site(tmp_path_factory, worker_id) -> Path:
    """The built site (once per session, tests/site_build.py), which serves
    the toolkit's wheel, built from this checkout, and every notebook."""
    return shared_site(tmp_path_factory, worker_id)[1]


@pytest.fixture(scope="module")
def wheel(site) -> Path:
    (found,) = (site / DOWNLOADS).glob("tf_autodiff_notebooks-*.whl")
    return found


def test_the_wheel_carries_the_toolkit_its_data_and_font_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "toolkit/assets/linear_regression.csv" in names
    assert "toolkit/assets/NotoSansSC-GB2312.ttf" in names
    assert "toolkit/pitfalls.py" in names
    assert not [n for n in names if n.startswith(("nbtools/", "tests/", "notebooks/"))]


def test_a_downloaded_notebook_runs_without_the_checkout(site, wheel, tmp_path):
    """An empty folder, a fresh virtual environment with the pinned packages
    but not this repository, the wheel from the built site installed with
    pip, a notebook as the site serves it: nbval finds its stored outputs
    again."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True)
    python = env / "bin" / "python"
    # The pinned packages: this environment's site-packages as a plain path
    # (its .pth files, the editable toolkit among them, are not read).
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "pinned.pth").write_text(sysconfig.get_path("purelib") + "\n")
    missing = subprocess.run(
        [python, "-c", "import toolkit"], capture_output=True, text=True, cwd=tmp_path
    )
    assert "No module named 'toolkit'" in missing.stderr, "the checkout leaks in"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
         "--no-deps", "--no-index", "--disable-pip-version-check", wheel],
        check=True, capture_output=True,
    )  # fmt: skip
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in DOWNLOADED:  # the page's download button links _sources/
        shutil.copyfile(site / "_sources" / name, folder / name)
    shutil.copyfile(ROOT / "tests" / "nbval_sanitize.cfg", folder / "sanitize.cfg")
    run = subprocess.run(
        [python, "-c", PYTEST_MAIN, "-p", "no:cacheprovider", "-q", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", "sanitize.cfg", *DOWNLOADED],
        cwd=folder, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "failed" not in run.stdout


def test_the_first_cell_says_what_to_install_when_the_toolkit_is_missing(tmp_path):
    first = next(c for c in _cells(ENGLISH[1]) if c["cell_type"] == "code")["source"]
    code = "".join(first).split("\n\n")[0]  # the import block only
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True
    )
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: this notebook needs its toolkit")
    assert "pip install" in last


def _cells(path: Path) -> list[dict]:
    import json

    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_papermill_runs_notebooks_to_the_end(tmp_path):
    """papermill executes every cell and fails if any raised: the pitfalls
    print their errors (H.expect_error), so Run All goes to the end. Called
    as its command line calls it (which exits 1 where this raises), in this
    process: importing papermill costs seconds per process."""
    import papermill

    for name in PAPERMILL:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / name),
            str(tmp_path / name),
            kernel_name="python3",
            cwd=str(ROOT / "notebooks"),
            progress_bar=False,
        )
        cells = _cells(tmp_path / name)
        assert all(
            o["output_type"] != "error" for c in cells for o in c.get("outputs", [])
        )
