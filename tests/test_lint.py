"""The project's Python and every chapter's code pass ruff (format and
lint).

The line length (pyproject.toml, 76) is what the web edition's code column
shows at 1280 px; tests/test_book.py checks the rendered pages themselves.
"""

import subprocess
import sys

from tools.book_toc import ROOT, chapters

RUFF = [sys.executable, "-m", "ruff"]


def run_ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*RUFF, *args], cwd=ROOT, capture_output=True, text=True
    )


def test_code_is_formatted():
    result = run_ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_passes_the_linter():
    result = run_ruff("check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_sees_the_chapters():
    """A lint that skipped the notebooks would pass for the wrong reason."""
    result = run_ruff("check", "--show-files", ".")
    notebooks = chapters()
    assert notebooks
    for chapter in notebooks:
        assert str(chapter) in result.stdout, chapter
