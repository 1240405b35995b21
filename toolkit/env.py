"""The environment banner: what this notebook ran on, as data first."""

from __future__ import annotations

import datetime as _dt
import platform
import sys
from importlib import metadata

from toolkit import fonts

# Distribution names to try for each library, first match wins.
_PACKAGES: dict[str, tuple[str, ...]] = {
    "TensorFlow": ("tensorflow-cpu", "tensorflow"),
    "Keras": ("keras",),
    "NumPy": ("numpy",),
    "matplotlib": ("matplotlib",),
}


def package_version(*names: str) -> str:
    """Return the installed version of the first distribution in ``names``.

    Reads package metadata only, so TensorFlow is never imported for this.
    Returns ``"not installed"`` when none of the names is installed.
    """
    if not names:
        raise ValueError("package_version() needs at least one distribution name")
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def env() -> dict[str, str]:
    """Describe the machine and library versions as an ordered mapping.

    Mirrors the source chapter's header (OS and kernel release, Python and its
    compiler, build date, TensorFlow version) and adds Keras, NumPy,
    matplotlib and the font that figures use for Chinese text.
    """
    info = {
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_version()} @ {platform.python_compiler()}",
        "Build date": _dt.date.today().isoformat(),
    }
    for label, names in _PACKAGES.items():
        info[label] = package_version(*names)
    info["Chinese font"] = fonts.describe()
    return info


def banner(file=None) -> None:
    """Print :func:`env` as aligned ``key  value`` lines."""
    info = env()
    width = max(len(key) for key in info)
    for key, value in info.items():
        print(f"{key:<{width}}  {value}", file=file or sys.stdout)
