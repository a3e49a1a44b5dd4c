"""Where the book is and which pages it has: one answer for the tests,
the benchmark and the tools.

The table of contents (_toc.yml) is the only source of truth for the
chapters; sphinx-external-toc (the parser Jupyter Book itself uses) reads
it.
"""

from __future__ import annotations

from pathlib import Path

from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parent.parent


def toc_pages(toc_file: Path = ROOT / "_toc.yml") -> list[str]:
    """Every page of the table of contents (root first), as paths without
    suffix, relative to the book's root.
    """
    return list(parse_toc_yaml(toc_file).keys())


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapters' notebooks (absolute paths), in book order."""
    pages = toc_pages(root / "_toc.yml")
    return [
        root / f"{page}.ipynb"
        for page in pages
        if (root / f"{page}.ipynb").exists()
    ]
