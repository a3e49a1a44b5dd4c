"""The one jupyter-book command that builds the book: `make book`,
`make pdf`, tests/test_book.py and tests/test_pdf.py all take it from
here, so their flags cannot drift apart.

Both editions build with ``-W -n --keep-going``: any Sphinx warning
(a broken cross-reference included) fails the build, after reporting all
of them.

Usage: python -m tools.book_build html|pdf
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools.book_toc import ROOT

BUILDERS = {"html": "html", "pdf": "pdflatex"}
FLAGS = ["-W", "-n", "--keep-going"]


def build_command(edition: str, output: Path | None = None) -> list[str]:
    """The command that builds ``edition`` ("html" or "pdf") into
    ``output``/_build (by default the repository's _build).
    """
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book),
        "build",
        str(ROOT),
        "--builder",
        BUILDERS[edition],
        *FLAGS,
    ]
    if output is not None:
        command += ["--path-output", str(output)]
    return command


def build(edition: str, output: Path) -> subprocess.CompletedProcess:
    """Build ``edition`` into ``output``/_build, capturing its log."""
    return subprocess.run(
        build_command(edition, output),
        capture_output=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in BUILDERS:
        print(__doc__)
        sys.exit(2)
    sys.exit(
        subprocess.run(build_command(sys.argv[1]), cwd=ROOT).returncode
    )
