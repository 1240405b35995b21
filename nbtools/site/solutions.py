"""Sphinx extension: worked solutions behind a closed "Solution" toggle.

The site's copy of a notebook marks solution cells (tag ``solution``): code
cells carry MyST-NB's ``tag_solution`` class, markdown cells are wrapped in a
container with class ``nb-solution`` (see :mod:`nbtools.site.builder`). Each run
of consecutive solution cells becomes one ``<details class="solution">``,
closed on screen and opened for printing (``static/site.js``).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from nbtools.strings import language_of_sphinx, text

SOLUTION_CLASSES = {"tag_solution", "nb-solution"}


class solution(nodes.General, nodes.Element):
    """A worked solution: one or more notebook cells."""


def _is_solution(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and bool(
        SOLUTION_CLASSES & set(node.get("classes", []))
    )


def wrap_solutions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Group each run of solution cells into one :class:`solution` node."""
    label = text(language_of_sphinx(app.config.language), "site.solution")
    for parent in list(doctree.findall(nodes.Element)):
        children = list(parent.children)
        if not any(_is_solution(c) for c in children):
            continue
        grouped: list[nodes.Node] = []
        for child in children:
            if _is_solution(child):
                if not (grouped and isinstance(grouped[-1], solution)):
                    grouped.append(solution(label=label))
                grouped[-1] += child
            else:
                grouped.append(child)
        parent.children = []
        parent.extend(grouped)


def visit_solution(self, node: solution) -> None:
    self.body.append(
        '<details class="solution">'
        f'<summary class="solution__summary">{self.encode(node["label"])}</summary>'
        '<div class="solution__body">'
    )


def depart_solution(self, node: solution) -> None:
    self.body.append("</div></details>")


def setup(app: Sphinx) -> dict:
    app.add_node(solution, html=(visit_solution, depart_solution))
    app.connect("doctree-resolved", wrap_solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
