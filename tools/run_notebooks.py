"""Re-execute chapters in place so that their stored outputs are what the
code produces.

Usage (from anywhere)::

    python tools/run_notebooks.py             # every chapter in _toc.yml
    python tools/run_notebooks.py chapters/preliminaries/tensor_basics.ipynb

Each notebook runs in a fresh kernel with its own folder as working
directory (as under nbval), without per-cell timing metadata, and is written
back atomically (tools/atomic.py), so an interrupted run never leaves a
half-written notebook. Outputs are cleared before and stream chunks merged
after the run by nbconvert's own preprocessors. Numbers that the prose
takes from the code (markers ``<!--glue:name:spec-->``, see
tools/prose_numbers.py) are rewritten from this run. The time each chapter
took is printed at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import (
    ClearOutputPreprocessor,
    CoalesceStreamsPreprocessor,
)

from tools import atomic
from tools.book_toc import ROOT, chapters
from tools.prose_numbers import refresh as refresh_prose_numbers

# outputs, execution counts and the timing metadata of a previous run;
# other cell metadata (tags, nbval's markers) stays
CLEAR = ClearOutputPreprocessor(remove_metadata_fields={"execution"})
# stdout/stderr arrive in chunks that a busy machine splits at random
# places: merged, they are the same on every run
COALESCE = CoalesceStreamsPreprocessor()


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in place and return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    notebook, _ = CLEAR.preprocess(notebook, {})
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    notebook, _ = COALESCE.preprocess(notebook, {})
    # numbers in the prose, from the values this run recorded
    refresh_prose_numbers(notebook)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata.get("language_info", {}).pop("version", None)
    with atomic.replacing(path) as temporary:
        nbformat.write(notebook, str(temporary))
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to run (default: every chapter in _toc.yml)",
    )
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or chapters()
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    timings = []
    for path in paths:
        elapsed = execute_notebook(path)
        label = (
            path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        )
        timings.append((label, elapsed))
        print(f"{elapsed:6.1f} s  {label}", flush=True)
    print(
        f"{sum(t for _, t in timings):6.1f} s  total ({len(timings)} "
        "notebooks)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
