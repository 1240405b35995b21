"""The HTML site of both editions (``make html``), built with Sphinx.

    python -m nbtools.site notebooks site

See :mod:`nbtools.site.builder`; docs/DESIGN.md explains the choices.
"""

# First: keeps the notebook readers below from a slow import, here and in
# each Sphinx process, whose conf.py imports this package before MyST-NB.
from nbtools.lean_imports import skip_iri_format_checks

skip_iri_format_checks()

from nbtools.site.builder import BuildError, build  # noqa: E402

__all__ = ["BuildError", "build"]
