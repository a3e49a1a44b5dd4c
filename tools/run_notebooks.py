"""Re-execute chapters in place so that their stored outputs are what the
code produces.

Usage (from anywhere): python tools/run_notebooks.py                 # every
chapter listed under chapters/ python tools/run_notebooks.py
chapters/preliminaries/tensor_basics.ipynb

Each notebook runs in a fresh kernel with its own folder as working
directory (as under nbval), without per-cell timing metadata, and is written
back atomically (a temporary file renamed over the original), so an
interrupted run never leaves a half-written notebook. Numbers that the prose
takes from the code (markers ``<!--glue:name:spec-->``, see
tools/prose_numbers.py) are rewritten from this run. The time each chapter
took is printed at the end.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools.prose_numbers import refresh as refresh_prose_numbers

ROOT = Path(__file__).resolve().parent.parent


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stdout/stderr chunks, which a busy machine splits
    at random places.
    """
    merged = []
    for output in outputs:
        if (
            output.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == output.get("name")
        ):
            merged[-1]["text"] = merged[-1]["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in place and return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
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
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    # numbers in the prose, from the values this run recorded
    refresh_prose_numbers(notebook)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata.get("language_info", {}).pop("version", None)
    handle, tmp_name = tempfile.mkstemp(
        dir=path.parent, prefix=".tmp-", suffix=".ipynb"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            nbformat.write(notebook, stream)
        os.chmod(
            tmp_name,
            stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644,
        )
        os.replace(tmp_name, path)
    except BaseException:
        os.unlink(tmp_name)
        raise
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
        help="notebooks to run (default: all chapters)",
    )
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("**/*.ipynb"))
    paths = [
        p.resolve() for p in paths if ".ipynb_checkpoints" not in p.parts
    ]
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
