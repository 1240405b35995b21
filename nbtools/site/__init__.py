"""The HTML site of both editions (``make html``), built with Sphinx.

    python -m nbtools.site notebooks site

See :mod:`nbtools.site.builder`; docs/DESIGN.md explains the choices.
"""

from nbtools.site.builder import BuildError, build

__all__ = ["BuildError", "build"]
