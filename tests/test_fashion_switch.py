"""Every chapter that offers the Fashion-MNIST switch runs end to end with
it, offline.

A chapter offers the switch with a line ``DATASET = "digits"`` in a code
cell. Here that line becomes ``DATASET = "fashion_mnist"``, the four
Fashion-MNIST files are a stand-in written into a temporary cache
(tools/fashion_standin.py: the real format, learnable images, fewer of them
to stay fast), and the chapter must run with no error in any cell: every
assert written for digits must hold, or be per dataset. Nothing is written
into the repository. The benchmark times the same switch at full size.
"""

import nbformat
import pytest
from nbclient import NotebookClient

from tools import fashion_standin
from tools.book_toc import chapters
from utils.fashion_mnist import FILE_NAMES, read_idx

SWITCHABLE = [
    path
    for path in chapters()
    if fashion_standin.offers_switch(nbformat.read(path, as_version=4))
]
NUM_TRAIN, NUM_TEST = 10_000, 2_000


@pytest.fixture(
    scope="module", params=[False, True], ids=["plain", "bright"]
)
def standin_cache(request, tmp_path_factory):
    """A folder holding stand-in Fashion-MNIST files, and their MD5s.

    Two stand-ins: the plain one and a brighter one whose larger inputs (and
    logits) expose comparisons made with an absolute tolerance.
    """
    folder = tmp_path_factory.mktemp("fashion-mnist")
    checksums = fashion_standin.write_standin(
        folder, NUM_TRAIN, NUM_TEST, bright=request.param
    )
    return folder, checksums


def test_the_switch_is_offered_by_the_classification_chapters():
    assert {"softmax_regression", "mlp", "dropout"} <= {
        path.stem for path in SWITCHABLE
    }


def test_the_standin_is_in_fashion_mnists_format(standin_cache):
    folder, _ = standin_cache
    images, labels = (
        read_idx(folder / FILE_NAMES[0]),
        read_idx(folder / FILE_NAMES[1]),
    )
    assert (
        images.shape == (NUM_TRAIN, 28, 28) and images.dtype.name == "uint8"
    )
    assert labels.shape == (NUM_TRAIN,) and set(labels.tolist()) == set(
        range(10)
    )
    # mostly background, like the real images (0.29 on average)
    assert 0.1 < images.mean() / 255 < 0.4


@pytest.mark.parametrize(
    "path", SWITCHABLE, ids=[p.stem for p in SWITCHABLE]
)
def test_chapter_runs_on_fashion_mnist(path, standin_cache):
    folder, checksums = standin_cache
    notebook = fashion_standin.switch_to_fashion(
        nbformat.read(path, as_version=4), checksums
    )
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # raises CellExecutionError, naming the cell and its traceback, on any
    # error; the kernel's environment names the stand-in's folder
    client.execute(env=fashion_standin.environment(folder))
    loaded = [
        out.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code" and "load_image_dataset" in cell.source
        for out in cell.outputs
    ]
    # the loader's repr names the dataset it loaded
    assert any("'fashion_mnist'" in text for text in loaded), loaded
    assert not any("'digits'" in text for text in loaded), loaded
