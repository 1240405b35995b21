"""Leave out an optional import that costs every Jupyter tool a second.

``jsonschema`` (imported by nbformat, nbval, papermill, MyST-NB and Jupyter's
server) imports ``rfc3987_syntax`` when it is installed, and pip installs it
for Jupyter (``jsonschema[format-nongpl]``). At import it builds about 35
Earley parsers: about 1.1 s of CPU in every process that reads a notebook.
It serves only the ``iri`` and ``iri-reference`` formats, which no notebook,
Sphinx or Jupyter schema uses.

:func:`skip_iri_format_checks` makes that import fail as if the package were
not installed, so jsonschema leaves those two formats unchecked. It works
only before jsonschema is imported; afterwards it does nothing. It runs:
as a pytest plugin (``-p nbtools.lean_imports`` in pyproject.toml's addopts,
loaded before nbval), and in every process that imports ``nbtools.site``
(``make html`` and its Sphinx processes, whose ``conf.py`` imports it before
MyST-NB is loaded).
"""

from __future__ import annotations

import sys

SKIPPED = "rfc3987_syntax"


def skip_iri_format_checks() -> bool:
    """Keep jsonschema from importing ``rfc3987_syntax``; False when it was
    too late (jsonschema is imported already)."""
    if "jsonschema" in sys.modules:
        return False
    sys.modules.setdefault(SKIPPED, None)  # None: "import" raises ImportError
    return True


skip_iri_format_checks()  # as a pytest plugin, on import
