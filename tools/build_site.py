"""Export the stored notebooks (no re-execution) to a static site.

    python -m tools.build_site notebooks site

Writes one HTML page per notebook and an ``index.html`` linking them.
"""

from __future__ import annotations

import argparse
import html
import shutil
import sys
import tempfile
from pathlib import Path

from nbconvert import HTMLExporter

from tools.notebook_io import read


def title_of(nb) -> str:
    """The notebook's title: the first markdown heading, without the '#'."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Untitled"


def build(notebooks: Path, out: Path) -> list[Path]:
    """Build the site into ``out`` (replaced only once the build succeeded)."""
    paths = sorted(notebooks.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"{notebooks}: no .ipynb notebooks found")
    exporter = HTMLExporter(template_name="lab")
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        rows = []
        for path in paths:
            nb = read(path)
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {}})
            page = staging / f"{path.stem}.html"
            page.write_text(body, encoding="utf-8")
            rows.append(
                f'<li><a href="{page.name}">{html.escape(title_of(nb))}</a></li>'
            )
        (staging / "index.html").write_text(
            "<!doctype html><meta charset='utf-8'><title>Autodiff notebooks</title>"
            "<h1>Automatic differentiation with TensorFlow</h1><ul>"
            + "\n".join(rows)
            + "</ul>\n",
            encoding="utf-8",
        )
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / f"{p.stem}.html" for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    pages = build(args.notebooks, args.out.resolve())
    print(f"built {len(pages)} page(s) and index.html in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
