"""Unit tests for utils.data: synthetic data, minibatches, digits."""

import pytest
import torch

import utils
from utils.data import _stratified_split


def test_synthetic_regression_data_follows_the_model():
    generator = torch.Generator().manual_seed(0)
    w = torch.tensor([2.0, -3.4])
    X, y = utils.synthetic_regression_data(
        w, 4.2, 2000, noise_std=0.01, generator=generator
    )
    assert X.shape == (2000, 2) and y.shape == (2000, 1)
    residual = y.reshape(-1) - (X @ w + 4.2)
    assert abs(residual.std().item() - 0.01) < 0.001
    assert abs(residual.mean().item()) < 0.001


def test_synthetic_regression_data_repeats_and_can_be_noise_free():
    w = torch.tensor([1.0, 2.0, 3.0])
    first = utils.synthetic_regression_data(
        w, 0.5, 10, generator=torch.Generator().manual_seed(3)
    )
    second = utils.synthetic_regression_data(
        w, 0.5, 10, generator=torch.Generator().manual_seed(3)
    )
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    X, y = utils.synthetic_regression_data(w, 0.5, 10, noise_std=0.0)
    assert torch.allclose(y, (X @ w + 0.5).reshape(-1, 1))


@pytest.mark.parametrize(
    ("args", "error", "pattern"),
    [
        (
            (torch.tensor([[1.0], [2.0]]), 0.0, 5),
            ValueError,
            r"w must be a 1-D tensor of d weights, got shape \(2, 1\)",
        )
    ],
)
def test_synthetic_regression_data_rejects_bad_input(args, error, pattern):
    with pytest.raises(error, match=pattern):
        utils.synthetic_regression_data(*args)


def test_iterate_minibatches_covers_each_example_once_in_shuffled_order():
    X = torch.arange(10.0).reshape(10, 1)
    y = torch.arange(10)
    batches = list(
        utils.iterate_minibatches(
            X, y, 4, generator=torch.Generator().manual_seed(0)
        )
    )
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    seen = torch.cat([b[1] for b in batches])
    assert sorted(seen.tolist()) == list(
        range(10)
    ) and seen.tolist() != list(range(10))
    for X_batch, y_batch in batches:
        # rows stay paired with labels
        assert torch.equal(X_batch.reshape(-1), y_batch.float())


def test_iterate_minibatches_without_shuffle_keeps_order():
    X, y = torch.arange(5.0).reshape(5, 1), torch.arange(5)
    batches = list(utils.iterate_minibatches(X, y, 2, shuffle=False))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]


@pytest.mark.parametrize(
    ("X", "y", "batch_size", "error", "pattern"),
    [
        (
            torch.ones(3, 2),
            torch.ones(4),
            2,
            ValueError,
            "X and y must have the same number of examples, got 3 and 4",
        ),
        (
            torch.ones(3, 2),
            torch.ones(3),
            0,
            ValueError,
            "batch_size must be >= 1",
        ),
        (
            torch.ones(3, 2),
            torch.ones(3),
            -1,
            ValueError,
            "batch_size must be >= 1",
        ),
    ],
)
def test_iterate_minibatches_rejects_bad_input(
    X, y, batch_size, error, pattern
):
    with pytest.raises(error, match=pattern):
        list(utils.iterate_minibatches(X, y, batch_size))


def test_load_digits_is_a_scaled_stratified_deterministic_split():
    data = utils.load_digits()
    assert type(data).__name__ == "ImageDataset"
    assert len(data.y_train) + len(data.y_test) == 1797
    assert (
        data.X_train.shape == (len(data.y_train), 64)
        and data.num_inputs == 64
        and data.num_classes == 10
    )
    assert (
        data.X_train.dtype == torch.float32
        and data.y_train.dtype == torch.int64
    )
    assert data.X_train.min() >= 0 and data.X_train.max() == 1.0
    train_share = torch.bincount(data.y_train) / len(data.y_train)
    test_share = torch.bincount(data.y_test) / len(data.y_test)
    assert (train_share - test_share).abs().max() < 0.01  # stratified
    again = utils.load_digits()
    assert torch.equal(again.X_test, data.X_test) and torch.equal(
        again.y_train, data.y_train
    )
    other = utils.load_digits(seed=1)
    assert not torch.equal(other.y_test, data.y_test)
    assert "1347 train / 450 test" in repr(data)


def test_stratified_split_is_disjoint_and_complete():
    labels = torch.tensor([0] * 8 + [1] * 4).numpy()
    train, test = _stratified_split(labels, 0.25, seed=0)
    assert sorted(list(train) + list(test)) == list(range(12))
    assert sorted(labels[test].tolist()) == [0, 0, 1]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"test_fraction": 0.0}, "test_fraction"),
        ({"test_fraction": 1}, "test_fraction"),
    ],
)
def test_load_digits_rejects_bad_input(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        utils.load_digits(**kwargs)


def test_load_image_dataset_selects_by_name():
    assert utils.load_image_dataset("digits").name == "digits"
    with pytest.raises(ValueError, match="name must be one of"):
        utils.load_image_dataset("mnist")


def test_load_fashion_mnist_offline_without_cache_names_the_folder(
    tmp_path,
):
    with pytest.raises(FileNotFoundError) as info:
        utils.load_image_dataset(
            "fashion_mnist", cache_dir=tmp_path, download=False
        )
    assert str(tmp_path) in str(info.value)


def test_class_labels_maps_indices_to_names():
    data = utils.load_digits()
    assert utils.class_labels(data, torch.tensor([3, 0])) == ["3", "0"]


@pytest.mark.parametrize(
    ("indices", "error", "pattern"),
    [
        (
            torch.tensor([10]),
            ValueError,
            r"indices must be class indices in \[0, 9\]",
        ),
        # would silently count from the end
        (
            [-1],
            ValueError,
            "indices must be class indices",
        ),
    ],
)
def test_class_labels_rejects_bad_indices(indices, error, pattern):
    with pytest.raises(error, match=pattern):
        utils.class_labels(utils.load_digits(), indices)


def test_load_digits_matches_scikit_learn_exactly():
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    data = utils.load_digits()
    images = torch.cat([data.X_train, data.X_test])
    labels = torch.cat([data.y_train, data.y_test])
    order = torch.argsort(
        torch.cat(
            [
                torch.tensor(i)
                for i in utils.data._stratified_split(bunch.target, 0.25, 0)
            ]
        )
    )
    assert torch.equal(
        images[order], torch.tensor(bunch.data / 16.0, dtype=torch.float32)
    )
    assert torch.equal(labels[order], torch.tensor(bunch.target))
