"""Sphinx extension: worked solutions behind a closed "Solution" toggle, and
each exercise's hints behind closed "Hint k" toggles.

The site's copy of a notebook marks solution cells (tag ``solution``): code
cells carry MyST-NB's ``tag_solution`` class, markdown cells are wrapped in a
container with class ``nb-solution`` (see :mod:`nbtools.site.builder`). Each run
of consecutive solution cells becomes one ``<details class="solution">``,
closed on screen and opened for printing (``static/site.js``). A hint is a
container with class ``nb-hint``; each becomes its own
``<details class="hint">``, numbered from 1 after each exercise.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from nbtools.strings import language_of_sphinx, text

SOLUTION_CLASSES = {"tag_solution", "nb-solution"}
HINT_CLASS = "nb-hint"


class solution(nodes.General, nodes.Element):
    """A worked solution: one or more notebook cells."""


def _is_solution(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and bool(
        SOLUTION_CLASSES & set(node.get("classes", []))
    )


def _is_hint(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and HINT_CLASS in node.get("classes", [])


def wrap_solutions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Group each run of solution cells into one :class:`solution` node, and
    put each hint in its own, numbered."""
    language = language_of_sphinx(app.config.language)
    label = text(language, "site.solution")
    for parent in list(doctree.findall(nodes.Element)):
        children = list(parent.children)
        if not any(_is_solution(c) or _is_hint(c) for c in children):
            continue
        grouped: list[nodes.Node] = []
        hints = 0
        for child in children:
            if _is_hint(child):
                hints += 1
                hint = text(language, "site.hint").format(number=hints)
                grouped.append(solution(label=hint, kind="hint"))
                grouped[-1] += child
                continue
            hints = 0
            if _is_solution(child):
                if not (
                    grouped
                    and isinstance(grouped[-1], solution)
                    and grouped[-1]["kind"] == "solution"
                ):
                    grouped.append(solution(label=label, kind="solution"))
                grouped[-1] += child
            else:
                grouped.append(child)
        parent.children = []
        parent.extend(grouped)


def visit_solution(self, node: solution) -> None:
    kind = node["kind"]  # "solution" or "hint"
    self.body.append(
        f'<details class="{kind}">'
        f'<summary class="{kind}__summary">{self.encode(node["label"])}</summary>'
        f'<div class="{kind}__body">'
    )


def depart_solution(self, node: solution) -> None:
    self.body.append("</div></details>")


def setup(app: Sphinx) -> dict:
    app.add_node(solution, html=(visit_solution, depart_solution))
    app.connect("doctree-resolved", wrap_solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
