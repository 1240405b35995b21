"""`make` checks the Python interpreter before it installs anything.

Each test runs make in a temporary copy of the Makefile, requirements.txt and
pyproject.toml, with a PATH that holds only make, sed and fake interpreters:
shell scripts that log their arguments and answer the version query. No venv
is created and the repository's .venv is never touched.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from notebook_files import ROOT
from packaging.specifiers import SpecifierSet

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
SUPPORTED = re.search(r"^SUPPORTED := (.+)$", MAKEFILE, re.M)[1].split()
SUPPORTED_TEXT = f"Python {SUPPORTED[0]} to {SUPPORTED[-1]}"


class Project:
    """A copy of the files make reads, and a PATH of fakes beside it."""

    def __init__(self, root: Path):
        self.root = root
        for name in ("Makefile", "requirements.txt", "pyproject.toml"):
            shutil.copy(ROOT / name, root / name)
        self.bin = root / "bin"
        self.bin.mkdir()
        for tool in ("make", "sed"):
            if shutil.which(tool) is None:
                pytest.skip(f"{tool} not found")
            (self.bin / tool).symlink_to(shutil.which(tool))
        self.log = root / "calls.log"

    def interpreter(self, name: str, version: str) -> str:
        """A fake `name` on the PATH that says it is Python `version`."""
        script = self.bin / name
        script.write_text(
            "#!/bin/sh\n"
            f'echo "{name} $*" >> "{self.log}"\n'
            f'case "$1" in -c) echo {version} ;; *) exit 1 ;; esac\n'
        )
        script.chmod(0o755)
        return name

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def make(self, *args: str) -> subprocess.CompletedProcess:
        # A clean environment: no MAKEFLAGS of a make that runs these tests.
        return subprocess.run(
            [str(self.bin / "make"), *args],
            cwd=self.root,
            env={"PATH": str(self.bin)},
            capture_output=True,
            text=True,
            timeout=60,
        )


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)


def only_version_queries(calls: list[str]) -> bool:
    return all(" -c import platform" in call for call in calls)


def test_supported_versions_agree_with_pyproject():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    spec = SpecifierSet(re.search(r'^requires-python = "(.+)"$', pyproject, re.M)[1])
    allowed = [f"3.{minor}" for minor in range(30) if f"3.{minor}.0" in spec]
    assert allowed == SUPPORTED and len(SUPPORTED) >= 2


def test_readmes_state_the_supported_versions():
    *first, last = SUPPORTED
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    chinese = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert f"Needs Python {', '.join(first)} or {last} " in english
    assert f"需要 Python {'、'.join(first)} 或 {last}（" in chinese


@pytest.mark.parametrize("version", ["3.10.13", "3.14.0", "3.6.15"])
def test_an_unsupported_python_stops_before_anything_is_installed(project, version):
    fake = project.interpreter("python-fake", version)
    project.interpreter(f"python{SUPPORTED[-1]}", f"{SUPPORTED[-1]}.1")
    run = project.make("html", f"PYTHON={fake}")
    assert run.returncode != 0
    # The choice was explicit: no other interpreter is tried in its place.
    assert project.calls() == [
        "python-fake -c import platform; print(platform.python_version())"
    ]
    assert not (project.root / ".venv").exists()
    assert f"python-fake is Python {version}; " in run.stderr
    assert SUPPORTED_TEXT in run.stderr
    assert f"make PYTHON=python{SUPPORTED[-1]} html" in run.stderr
    assert run.stdout == "" and "pip" not in run.stderr  # nothing was started


def test_a_missing_python_is_named(project):
    run = project.make("test", "PYTHON=python-missing")
    assert run.returncode != 0 and not (project.root / ".venv").exists()
    assert "python-missing did not run" in run.stderr
    assert f"make PYTHON=python{SUPPORTED[-1]} test" in run.stderr


def test_unsupported_python3_with_no_alternative_stops(project):
    project.interpreter("python3", "3.10.13")
    run = project.make("html")
    assert run.returncode != 0 and not (project.root / ".venv").exists()
    assert run.stdout == "" and only_version_queries(project.calls())
    assert "python3 is Python 3.10.13; " in run.stderr
    assert SUPPORTED_TEXT in run.stderr


@pytest.mark.parametrize("minor", SUPPORTED)
def test_a_supported_python_passes_the_check(project, minor):
    fake = project.interpreter("python-fake", f"{minor}.4")
    run = project.make("-n", "html", f"PYTHON={fake}")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert f"|| {fake} -m venv .venv\n" in run.stdout
    assert f"(Python {minor}.4)" in run.stdout
    assert only_version_queries(project.calls())


def test_unsupported_python3_falls_back_to_a_supported_python3x(project):
    project.interpreter("python3", "3.14.0")
    project.interpreter("python3.12", "3.12.1")
    run = project.make("-n", "html")
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        "python3 is Python 3.14.0 (not supported); using python3.12 (Python 3.12.1)."
    ]
    assert "|| python3.12 -m venv .venv\n" in run.stdout
    assert only_version_queries(project.calls())


@pytest.mark.parametrize(
    ("built_with", "rebuilt"), [("3.11.7", True), ("3.12.0", False)]
)
def test_a_venv_of_another_minor_version_is_rebuilt(project, built_with, rebuilt):
    venv = project.root / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text(f"home = /x\nversion = {built_with}\n")
    (venv / ".installed").touch()  # newer than requirements.txt
    fake = project.interpreter("python-fake", "3.12.1")
    run = project.make("-n", "html", f"PYTHON={fake}")
    assert run.returncode == 0, run.stderr
    assert ("\nrm -rf .venv\n" in run.stdout) is rebuilt
    notice = f"built with Python {built_with}, python-fake is Python 3.12.1"
    assert (notice in run.stdout) is rebuilt


def test_clean_needs_no_python(project):
    run = project.make("-n", "clean")
    assert run.returncode == 0 and project.calls() == []


def test_matrix_runs_test_per_version_found_and_sums_up(project):
    # The fake answers the version query but cannot create a venv: that
    # version's `make test` fails, the others are not on the PATH.
    fake = project.interpreter(f"python{SUPPORTED[1]}", f"{SUPPORTED[1]}.1")
    run = project.make("matrix")
    assert run.returncode != 0
    assert f"{fake} -m venv .venv-{SUPPORTED[1]}" in project.calls()
    assert not list(project.root.glob(".venv*"))
    summary = run.stdout.split("make matrix:\n")[1].splitlines()
    assert len(summary) == len(SUPPORTED)
    for line, minor in zip(summary, SUPPORTED, strict=True):
        if minor == SUPPORTED[1]:
            assert line.split() == [
                "Python",
                f"{minor}.1",
                "FAIL",
                f"(.venv-{minor}/)",
            ]
        else:
            assert line.split()[:3] == ["Python", minor, "not"]
