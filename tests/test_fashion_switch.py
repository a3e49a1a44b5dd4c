"""Every chapter that offers the Fashion-MNIST switch runs end to end with it, offline.

A chapter offers the switch with a line ``DATASET = "digits"`` in a code cell. Here
that line becomes ``DATASET = "fashion_mnist"``, the four Fashion-MNIST files are a
stand-in written into a temporary cache (tools/fashion_standin.py: the real format,
learnable images, fewer of them to stay fast), and the chapter must run with no error
in any cell: every assert written for digits must hold, or be per dataset. Nothing is
written into the repository.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import fashion_standin

ROOT = Path(__file__).resolve().parent.parent
SWITCH = re.compile(r'^DATASET = "digits"', re.M)
SWITCHABLE = sorted(
    path
    for path in (ROOT / "chapters").glob("**/*.ipynb")
    if any(cell["cell_type"] == "code" and SWITCH.search("".join(cell["source"]))
           for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])
)
NUM_TRAIN, NUM_TEST = 10_000, 2_000


@pytest.fixture(scope="module")
def standin_cache(tmp_path_factory):
    """An XDG cache folder holding stand-in Fashion-MNIST files, and their checksums."""
    root = tmp_path_factory.mktemp("xdg-cache")
    folder = root / "d2l-notes-book" / "fashion-mnist"
    return root, fashion_standin.write_standin(folder, NUM_TRAIN, NUM_TEST)


def test_the_switch_is_offered_by_the_classification_chapters():
    names = {path.stem for path in SWITCHABLE}
    assert {"softmax_regression", "mlp", "dropout"} <= names


@pytest.mark.parametrize("path", SWITCHABLE, ids=[p.stem for p in SWITCHABLE])
def test_chapter_runs_on_fashion_mnist(path, standin_cache, monkeypatch):
    cache_root, checksums = standin_cache
    notebook = nbformat.read(path, as_version=4)
    switched = 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and SWITCH.search(cell.source):
            cell.source = SWITCH.sub('DATASET = "fashion_mnist"', cell.source)
            switched += 1
    assert switched == 1
    first = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    # The stand-in files have their own checksums, not the published ones.
    notebook.cells.insert(first + 1, nbformat.v4.new_code_cell(
        f"import utils.fashion_mnist\nutils.fashion_mnist.MD5_CHECKSUMS = {checksums!r}"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_root))  # the kernel inherits it
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    data_cells = [cell for cell in notebook.cells if cell.cell_type == "code" and "load_image_dataset" in cell.source]
    printed = "".join(out.get("text", "") for cell in data_cells for out in cell.outputs)
    if "print(data)" in "".join(cell.source for cell in data_cells):
        assert "fashion_mnist" in printed and "28x28" in printed
