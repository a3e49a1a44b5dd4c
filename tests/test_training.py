"""Unit tests for utils.training: the classifier loop and accuracy."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import utils  # noqa: E402


def blobs(n=200, seed=0):
    """Two well separated Gaussian blobs in 2-D: any linear classifier
    reaches ~100%."""
    generator = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    X = torch.randn(n, 2, generator=generator) * 0.5 + (
        y.float() * 4 - 2
    ).reshape(-1, 1)
    return X, y


@pytest.fixture
def data():
    X_train, y_train = blobs(200, 0)
    X_test, y_test = blobs(100, 1)
    return SimpleNamespace(
        X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test
    )


def test_train_classifier_with_an_optimizer_learns_and_reports_history(
    data,
):
    torch.manual_seed(0)
    net = nn.Linear(2, 2)
    history = utils.train_classifier(
        net,
        nn.CrossEntropyLoss(),
        torch.optim.SGD(net.parameters(), lr=0.1),
        data,
        5,
        16,
        plot=False,
    )
    assert (
        len(history) == 5
        and len(history.test_acc) == 5
        and len(history.examples_per_sec) == 5
    )
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.test_acc[-1] > 0.95 and history.train_acc[-1] > 0.95
    assert all(
        isinstance(v, float) for v in history.train_loss + history.test_acc
    )
    assert net.training  # left in training mode


def test_train_classifier_with_a_from_scratch_updater_matches_the_optimizer(
    data,
):
    torch.manual_seed(0)
    W = torch.zeros(2, 2, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)
    scratch = utils.train_classifier(
        lambda X: X @ W + b,
        utils.cross_entropy,
        lambda: utils.sgd([W, b], 0.1),
        data,
        3,
        16,
        generator=torch.Generator().manual_seed(1),
        plot=False,
    )
    net = nn.Linear(2, 2)
    with torch.no_grad():
        net.weight.zero_()
        net.bias.zero_()
    concise = utils.train_classifier(
        net,
        nn.CrossEntropyLoss(),
        torch.optim.SGD(net.parameters(), lr=0.1),
        data,
        3,
        16,
        generator=torch.Generator().manual_seed(1),
        plot=False,
    )
    assert torch.allclose(W.detach(), net.weight.detach().T, atol=1e-6)
    assert scratch.train_loss == pytest.approx(concise.train_loss, abs=1e-6)


def trained_with(data, make_updater):
    """Weights after 3 epochs from zeros, with the updater built for net."""
    net = nn.Linear(2, 2)
    with torch.no_grad():
        net.weight.zero_()
        net.bias.zero_()
    utils.train_classifier(
        net,
        nn.CrossEntropyLoss(),
        make_updater(torch.optim.SGD(net.parameters(), lr=0.1)),
        data,
        3,
        16,
        generator=torch.Generator().manual_seed(1),
        plot=False,
    )
    return net.weight.detach()


def test_a_bound_optimizer_step_is_taken_as_its_optimizer(data):
    """optimizer.step alone never zeroes: gradients would pile up."""
    expected = trained_with(data, lambda optimizer: optimizer)
    got = trained_with(data, lambda optimizer: optimizer.step)
    assert torch.equal(got, expected)


def test_an_updater_that_leaves_gradients_behind_is_reported(data):
    with pytest.raises(ValueError, match="updater must zero the gradients"):
        trained_with(data, lambda optimizer: lambda: optimizer.step())

    # zeroing inside the updater is fine, and equals the optimizer
    def step_and_zero(optimizer):
        return lambda: (optimizer.step(), optimizer.zero_grad())

    expected = trained_with(data, lambda optimizer: optimizer)
    assert torch.equal(trained_with(data, step_and_zero), expected)


def test_train_classifier_evaluates_in_eval_mode(data):
    """Dropout is random in training mode: the reported accuracy must be the
    eval-mode one.
    """
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    history = utils.train_classifier(
        net,
        nn.CrossEntropyLoss(),
        torch.optim.SGD(net.parameters(), lr=0.1),
        data,
        5,
        16,
        plot=False,
    )
    net.eval()
    with torch.no_grad():
        expected = (
            (net(data.X_test).argmax(1) == data.y_test)
            .float()
            .mean()
            .item()
        )
    assert history.test_acc[-1] == pytest.approx(expected)


def test_train_classifier_draws_a_plot_with_one_point_per_epoch(data):
    net = nn.Linear(2, 2)
    history = utils.train_classifier(
        net,
        nn.CrossEntropyLoss(),
        torch.optim.SGD(net.parameters(), lr=0.1),
        data,
        3,
        32,
        plot=True,
    )
    lines = history.figure.axes[0].lines
    assert [line.get_label() for line in lines] == [
        "train loss",
        "train acc",
        "test acc",
    ]
    assert list(lines[2].get_ydata()) == pytest.approx(history.test_acc)


def test_train_classifier_stops_on_a_diverging_loss(data):
    net = nn.Linear(2, 2)
    with torch.no_grad():
        net.weight.fill_(float("nan"))
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        utils.train_classifier(
            net,
            nn.CrossEntropyLoss(),
            torch.optim.SGD(net.parameters(), lr=0.1),
            data,
            2,
            32,
            plot=False,
        )


class GradModeProbe(nn.Module):
    """A linear net that records whether autograd was on in each forward."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)
        self.grad_enabled = []

    def forward(self, X):
        self.grad_enabled.append(torch.is_grad_enabled())
        return self.linear(X)


def test_evaluate_accuracy_restores_training_mode_and_uses_no_grad():
    X, y = blobs(50)
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    net.train()
    utils.evaluate_accuracy(net, X, y, batch_size=7)
    assert net.training
    net.eval()
    utils.evaluate_accuracy(net, X, y)
    assert not net.training
    probe = GradModeProbe()
    accuracy = utils.evaluate_accuracy(probe, X, y, batch_size=7)
    assert probe.grad_enabled and not any(probe.grad_enabled)
    with torch.no_grad():
        expected = (probe.linear(X).argmax(1) == y).float().mean().item()
    assert accuracy == expected


def test_evaluate_accuracy_batches_agree_with_one_pass():
    X, y = blobs(103)
    torch.manual_seed(1)
    net = nn.Linear(2, 2)
    assert utils.evaluate_accuracy(
        net, X, y, batch_size=10
    ) == utils.evaluate_accuracy(net, X, y, batch_size=1000)


def make(**changes):
    X, y = blobs(20)
    fields = dict(X_train=X, y_train=y, X_test=X, y_test=y)
    fields.update(changes)
    return SimpleNamespace(**fields)


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "pattern"),
    [  # the mistakes that would be silent, or fail deep inside PyTorch
        (
            make(y_train=torch.zeros(19, dtype=torch.int64)),
            {},
            ValueError,
            "X and y must have the same number",
        ),
        (
            make(y_train=torch.full((20,), 5)),
            {},
            ValueError,
            r"data.y_train must hold class indices in \[0, 1\]",
        ),
        (
            make(y_test=torch.full((20,), -1)),
            {},
            ValueError,
            r"y must hold class indices in \[0, 1\]",
        ),
        (
            make(y_train=torch.zeros(20, 1, dtype=torch.int64)),
            {},
            ValueError,
            "data.y_train must be a 1-D tensor",
        ),
        (make(), {"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        (make(), {"num_epochs": 0}, ValueError, "num_epochs must be >= 1"),
        (  # its train_loss would be batch-size times too large
            make(),
            {"loss": nn.CrossEntropyLoss(reduction="sum")},
            ValueError,
            "reduction='sum'",
        ),
    ],
)
def test_train_classifier_rejects_bad_input(data, kwargs, error, pattern):
    net = nn.Linear(2, 2)
    arguments = dict(
        net=net,
        loss=nn.CrossEntropyLoss(),
        updater=torch.optim.SGD(net.parameters(), lr=0.1),
        data=data,
        num_epochs=1,
        batch_size=4,
        plot=False,
    )
    arguments.update(kwargs)
    with pytest.raises(error, match=pattern):
        utils.train_classifier(**arguments)


def test_a_net_with_too_few_outputs_for_the_labels_is_reported():
    X, y = blobs(20)
    with pytest.raises(
        ValueError,
        match=r"y must hold class indices in \[0, 0\] for a net with 1 "
        "outputs",
    ):
        utils.evaluate_accuracy(nn.Linear(2, 1), X, y)
    with pytest.raises(
        ValueError, match="net must return \\(batch, num_classes\\) scores"
    ):
        utils.evaluate_accuracy(lambda X: X[:, 0], X, y)
