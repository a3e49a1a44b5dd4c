"""Datasets and minibatches: everything in memory, nothing downloaded by
default.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DATASETS = ("digits", "fashion_mnist")


@dataclass(frozen=True)
class ImageDataset:
    """An image classification dataset split into training and test tensors.

    Images are flattened to rows of ``X_*`` (float32, pixel values scaled to
    [0, 1]); ``y_*`` holds int64 class indices. ``image_shape`` restores an
    image for display: ``X_test[i].reshape(image_shape)``.
    """

    name: str
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    image_shape: tuple[int, int]
    class_names: tuple[str, ...]

    @property
    def num_inputs(self) -> int:
        """Pixels per image (the length of a row of ``X_train``)."""
        return self.X_train.shape[1]

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.class_names)

    def __repr__(self) -> str:
        return (
            f"ImageDataset({self.name!r}: {len(self.y_train)} train / "
            f"{len(self.y_test)} test images "
            f"of {self.image_shape[0]}x{self.image_shape[1]} pixels, "
            f"{self.num_classes} classes)"
        )


def synthetic_regression_data(
    w: torch.Tensor,
    b: float,
    num_examples: int,
    noise_std: float = 0.01,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``y = X w + b + noise`` with standard normal features ``X``.

    Args:
        w: true weights, a 1-D float tensor of length ``d``.
        b: true bias.
        num_examples: number of rows ``n``.
        noise_std: standard deviation of the Gaussian noise added to ``y``
            (>= 0).
        generator: optional ``torch.Generator`` for reproducible draws.

    Returns:
        ``X`` of shape ``(n, d)`` and ``y`` of shape ``(n, 1)`` (a column,
        like the output of ``nn.Linear(d, 1)``, so the two never broadcast
        by accident).

    Derived in 3.1 线性回归
    (chapters/linear_networks/linear_regression.ipynb).
    """
    if w.dim() != 1:
        raise ValueError(
            "w must be a 1-D tensor of d weights, got shape "
            f"{tuple(w.shape)}"
        )
    X = torch.randn(
        num_examples, len(w), generator=generator, dtype=w.dtype
    )
    y = X @ w + b
    y = y + noise_std * torch.randn(
        y.shape, generator=generator, dtype=w.dtype
    )
    return X, y.reshape(-1, 1)


def iterate_minibatches(
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield ``(X_batch, y_batch)`` pairs that cover every example once.

    The examples are visited in the order of one ``torch.randperm`` (or in
    order when ``shuffle=False``), and each batch is gathered with one
    ``index_select``. A ``DataLoader`` over a ``TensorDataset`` calls
    ``__getitem__`` once per example (``TensorDataset`` has no batched
    ``__getitems__``) and stacks the rows in its collate function: several
    times slower on small in-memory data, even with ``num_workers=0``. The
    last batch is smaller when ``batch_size`` does not divide the number of
    examples. Derived in 3.1 线性回归
    (chapters/linear_networks/linear_regression.ipynb), which also measures
    it against ``DataLoader``.
    """
    if len(X) != len(y):  # extra labels would be silently ignored
        raise ValueError(
            f"X and y must have the same number of examples, got {len(X)} "
            f"and {len(y)}"
        )
    if not batch_size >= 1:  # a negative size would silently yield nothing
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    num_examples = X.shape[0]
    if shuffle:
        order = torch.randperm(
            num_examples, generator=generator, device="cpu"
        ).to(X.device)
    else:
        order = torch.arange(num_examples, device=X.device)
    for start in range(0, num_examples, batch_size):
        indices = order[start : start + batch_size]
        yield (
            X.index_select(0, indices),
            y.index_select(0, indices.to(y.device)),
        )


def _stratified_split(
    labels: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split indices so that every class keeps its share in both parts
    (deterministic).
    """
    rng = np.random.RandomState(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        rng.shuffle(members)
        num_test = int(round(test_fraction * len(members)))
        test.append(members[:num_test])
        train.append(members[num_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def _digits_file() -> Path:
    """The digits table that scikit-learn ships (1,797 rows: 64 pixels, then
    the label).

    Read directly with NumPy: importing ``sklearn.datasets`` to parse it
    takes more than a second, the file itself a hundredth of that. Located
    without importing scikit-learn.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "load_digits needs scikit-learn installed: pip install -r "
            "requirements.txt"
        )
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(
            f"scikit-learn's digits data is missing at {path}; reinstall "
            "scikit-learn"
        )
    return path


def load_digits(test_fraction: float = 0.25, seed: int = 0) -> ImageDataset:
    """Scikit-learn's handwritten digits, unlike its ``load_digits`` already
    split and scaled: an :class:`ImageDataset` with pixels in [0, 1].

    1,797 images of 8x8 pixels, 10 classes. The data ships inside
    scikit-learn, so no network is needed. Pixel values (integers 0..16)
    are divided by 16, giving floats in [0, 1]. The train/test split is
    stratified (each digit keeps its share in both parts) and depends only
    on ``seed``. First used in 1 前言
    (chapters/introduction/introduction.ipynb).
    """
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"test_fraction must be in (0, 1), got {test_fraction!r}"
        )
    table = np.loadtxt(_digits_file(), delimiter=",")
    pixels, targets = table[:, :-1], table[:, -1].astype(np.int64)
    images = torch.tensor(pixels / 16.0, dtype=torch.float32)
    labels = torch.tensor(targets, dtype=torch.int64)
    train, test = _stratified_split(targets, test_fraction, seed)
    return ImageDataset(
        name="digits",
        X_train=images[train],
        y_train=labels[train],
        X_test=images[test],
        y_test=labels[test],
        image_shape=(8, 8),
        class_names=tuple(str(d) for d in range(10)),
    )


def load_fashion_mnist(
    cache_dir: str | Path | None = None, download: bool = True
) -> ImageDataset:
    """Fashion-MNIST (70,000 images of 28x28 pixels, 10 classes) for readers
    who are online.

    Files are downloaded once from the dataset's official location, verified
    against the published MD5 checksums and cached in ``cache_dir``: by
    default the folder named by the environment variable
    ``D2L_NOTES_FASHION_MNIST_DIR`` if it is set, else the user's cache
    folder (see :func:`utils.fashion_mnist.default_cache_dir`). Pixel
    values are divided by 255. Offline and without cached files this
    raises an error that names the files and the folder where they can be
    placed by hand. Reached through ``load_image_dataset("fashion_mnist")``.
    """
    from utils.fashion_mnist import CLASS_NAMES, load_fashion_mnist_arrays

    train_images, train_labels, test_images, test_labels = (
        load_fashion_mnist_arrays(cache_dir=cache_dir, download=download)
    )

    def to_rows(images: np.ndarray) -> torch.Tensor:
        return (
            torch.tensor(
                images.reshape(len(images), -1), dtype=torch.float32
            )
            / 255.0
        )

    return ImageDataset(
        name="fashion_mnist",
        X_train=to_rows(train_images),
        y_train=torch.tensor(train_labels, dtype=torch.int64),
        X_test=to_rows(test_images),
        y_test=torch.tensor(test_labels, dtype=torch.int64),
        image_shape=(28, 28),
        class_names=tuple(CLASS_NAMES),
    )


def load_image_dataset(name: str = "digits", **kwargs) -> ImageDataset:
    """Load a classification dataset by name: ``"digits"`` (offline, the
    default) or ``"fashion_mnist"``.

    The chapters call ``load_image_dataset(DATASET)`` so that a reader can
    switch the whole chapter to Fashion-MNIST by changing one argument.
    Keyword arguments go to :func:`load_digits` or
    :func:`load_fashion_mnist`. Used from 3.2 softmax 回归 on.
    """
    if name == "digits":
        return load_digits(**kwargs)
    if name == "fashion_mnist":
        return load_fashion_mnist(**kwargs)
    raise ValueError(f"name must be one of {DATASETS}, got {name!r}")


def class_labels(
    dataset: ImageDataset, indices: torch.Tensor | Sequence[int]
) -> list[str]:
    """Turn class indices into the dataset's class names (used from 3.2
    softmax 回归 on)."""
    indices = (
        indices.reshape(-1).tolist()
        if isinstance(indices, torch.Tensor)
        else list(indices)
    )
    for i in indices:  # a negative index would silently count from the end
        if not 0 <= i < dataset.num_classes:
            raise ValueError(
                "indices must be class indices in [0, "
                f"{dataset.num_classes - 1}], got {i!r}"
            )
    return [dataset.class_names[int(i)] for i in indices]
