"""A stand-in for Fashion-MNIST, for tests and benchmarks that have no
network.

It writes the four ``.gz`` IDX files in Fashion-MNIST's own format (28x28
uint8 images, uint8 labels 0..9) into a folder and returns their MD5
checksums, so that a chapter can run with ``DATASET = "fashion_mnist"``
exactly as it would after a real download.

The images are learnable on purpose, and in the same way as the real ones:
each class is a silhouette (a few smooth blobs, like a garment's outline)
drawn at a random shift, brightness and stroke noise. Four "top" classes
share one body and differ in sleeves and collar, as T-shirt, pullover, coat
and shirt do in Fashion-MNIST, so a linear model confuses them more often
than a network with a hidden layer does. The pixel statistics (mostly black
background, mean intensity about 0.3) match the real data's scale, so
learning rates behave alike. None of these files is ever written into the
repository.

A second variant, ``bright=True``, draws the same silhouettes brighter (mean
intensity 0.36 against 0.22, one pixel in six saturated): its inputs, and so
a trained model's logits, are larger. Checks that compare two computations
with an absolute tolerance pass on the first variant and fail on this one,
as they would on a reader's real data; the chapters must pass on both.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from utils.fashion_mnist import CACHE_DIR_VARIABLE, FILE_NAMES, write_idx

SIZE = 28


def _blob(cy: float, cx: float, sy: float, sx: float) -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    return np.exp(-(((y - cy) / sy) ** 2 + ((x - cx) / sx) ** 2))


def _prototypes() -> np.ndarray:
    """Ten 28x28 silhouettes in [0, 1]; classes 0, 2, 4, 6 share a body."""
    body = _blob(14, 14, 8, 5)
    sleeves_short = _blob(8, 7, 2.5, 2.5) + _blob(8, 21, 2.5, 2.5)
    sleeves_long = _blob(13, 6, 7, 1.6) + _blob(13, 22, 7, 1.6)
    collar = _blob(5, 14, 1.5, 3)
    shapes = [
        body + sleeves_short,  # 0 T-shirt/top
        _blob(14, 10, 11, 2.2)
        + _blob(14, 18, 11, 2.2)
        + _blob(4, 14, 2, 5),  # 1 trouser
        body + sleeves_long,  # 2 pullover
        _blob(15, 14, 11, 3.5) + _blob(22, 14, 4, 7),  # 3 dress
        body + sleeves_long + collar + _blob(22, 14, 3, 6),  # 4 coat
        _blob(20, 14, 2, 10) + _blob(16, 20, 3, 3),  # 5 sandal
        body + 0.6 * sleeves_long + collar,  # 6 shirt
        _blob(19, 14, 3, 10) + _blob(16, 19, 3, 5),  # 7 sneaker
        _blob(16, 14, 6, 9) + _blob(7, 14, 2, 4),  # 8 bag
        _blob(18, 13, 4, 9) + _blob(11, 18, 7, 3),  # 9 ankle boot
    ]
    return np.stack([np.clip(shape, 0, 1) for shape in shapes])


def make_arrays(
    num_train: int, num_test: int, seed: int = 0, bright: bool = False
) -> tuple[np.ndarray, ...]:
    """Images (uint8, N x 28 x 28) and labels (uint8): a training and a test
    part.
    """
    low, high = (1.4, 2.6) if bright else (0.6, 1.4)
    rng = np.random.default_rng(seed)
    prototypes = _prototypes()

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.integers(0, 10, size=n).astype(np.uint8)
        others = rng.integers(0, 10, size=n)
        blend = rng.uniform(0, 0.45, size=(n, 1, 1))
        images = (1 - blend) * prototypes[labels] + blend * prototypes[
            others
        ]
        shifts = rng.integers(-3, 4, size=(n, 2))
        for i, (dy, dx) in enumerate(shifts):
            images[i] = np.roll(images[i], (dy, dx), axis=(0, 1))
        brightness = rng.uniform(low, high, size=(n, 1, 1))
        noise = rng.normal(0, 0.25, size=images.shape)
        pixels = np.clip(images * brightness + noise * (images > 0.1), 0, 1)
        return (pixels * 255).round().astype(np.uint8), labels

    train_images, train_labels = draw(num_train)
    test_images, test_labels = draw(num_test)
    return train_images, train_labels, test_images, test_labels


def write_standin(
    folder: str | Path,
    num_train: int = 60_000,
    num_test: int = 10_000,
    seed: int = 0,
    bright: bool = False,
) -> dict[str, str]:
    """Write the four stand-in files into ``folder``; return their MD5s.

    A kernel finds them when ``D2L_NOTES_FASHION_MNIST_DIR`` names
    ``folder``: pass :func:`environment` to the kernel.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    checksums = {}
    for name, array in zip(
        FILE_NAMES, make_arrays(num_train, num_test, seed, bright)
    ):
        data = write_idx(array, folder / name)
        checksums[name] = hashlib.md5(
            data, usedforsecurity=False
        ).hexdigest()
    return checksums


def environment(folder: str | Path, base: dict | None = None) -> dict:
    """``base`` (default: this process's environment) with the variable
    that makes ``utils`` load Fashion-MNIST from ``folder``.
    """
    base = dict(os.environ if base is None else base)
    return {**base, CACHE_DIR_VARIABLE: str(folder)}


SWITCH_LINE = 'DATASET = "digits"'


def offers_switch(notebook) -> bool:
    """Whether a chapter (an nbformat notebook) offers the one-line
    Fashion-MNIST switch.
    """
    return any(
        cell.cell_type == "code" and SWITCH_LINE in cell.source
        for cell in notebook.cells
    )


def switch_to_fashion(notebook, checksums: dict[str, str]):
    """Turn a chapter into its Fashion-MNIST version that reads the stand-in
    files.

    Changes the chapter's one ``DATASET = "digits"`` line, and adds a cell
    after the first code cell that makes the loader accept the stand-in's
    own checksums. The kernel must run with the environment
    :func:`environment` returns for the folder given to
    :func:`write_standin`.
    """
    switched = 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and SWITCH_LINE in cell.source:
            cell.source = cell.source.replace(
                SWITCH_LINE, 'DATASET = "fashion_mnist"'
            )
            switched += 1
    if switched != 1:
        raise ValueError(
            f"expected exactly one {SWITCH_LINE!r} line, found {switched}"
        )
    import nbformat

    first = next(
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
    )
    notebook.cells.insert(
        first + 1,
        nbformat.v4.new_code_cell(
            "import "
            "utils.fashion_mnist\nutils.fashion_mnist.MD5_CHECKSUMS = "
            f"{dict(checksums)!r}"
        ),
    )
    return notebook
