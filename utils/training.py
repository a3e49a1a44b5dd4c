"""One training loop for classifiers, and accuracy evaluation."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from utils.data import iterate_minibatches


@dataclass
class History:
    """Per-epoch metrics returned by :func:`train_classifier` (plain floats,
    one per epoch).
    """

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    examples_per_sec: list[float] = field(default_factory=list)
    figure: object | None = None

    def __len__(self) -> int:
        return len(self.train_loss)


def _device_of(net: Callable, fallback: torch.device) -> torch.device:
    if isinstance(net, nn.Module):
        for tensor in list(net.parameters()) + list(net.buffers()):
            return tensor.device
    return fallback


def _check_labels(
    outputs: torch.Tensor, y: torch.Tensor, y_name: str
) -> None:
    """Once per call: the net's scores for one batch have one row per
    example, and cover every label in ``y``.

    Checked here because the mistakes are silent or surface deep inside
    PyTorch: a net with too few outputs for the labels, labels out of range,
    or (n, 1) labels.
    """
    if y.dim() != 1 or outputs.dim() != 2:
        raise ValueError(
            f"{y_name} must be a 1-D tensor of class indices and net must "
            "return (batch, num_classes) "
            f"scores, got {y_name} of shape {tuple(y.shape)} and scores "
            f"of shape {tuple(outputs.shape)}"
        )
    if int(y.min()) < 0 or int(y.max()) >= outputs.shape[1]:
        raise ValueError(
            f"{y_name} must hold class indices in [0, "
            f"{outputs.shape[1] - 1}] for a net with "
            f"{outputs.shape[1]} outputs, got values in [{int(y.min())}, "
            f"{int(y.max())}]"
        )


def _check_gradients_zeroed(net: Callable) -> None:
    """Once per call: a from-scratch updater left no gradient behind.

    ``backward()`` adds to ``.grad``; an updater that does not zero it
    (``lambda: optimizer.step()``) would silently step along the sum of
    all earlier gradients. Only ``nn.Module`` nets expose their parameters.
    """
    if not isinstance(net, nn.Module):
        return
    for name, param in net.named_parameters():
        if param.grad is not None and bool(param.grad.any()):
            raise ValueError(
                "updater must zero the gradients after updating, but "
                f"{name}.grad is not zero: pass the optimizer itself, "
                "or call optimizer.zero_grad() in the updater"
            )


def evaluate_accuracy(
    net: Callable, X: torch.Tensor, y: torch.Tensor, batch_size: int = 4096
) -> float:
    """Accuracy of ``net`` on ``(X, y)``, computed in ``eval()`` mode
    without gradients.

    ``nn.Module`` networks are switched to evaluation mode (dropout off) for
    the measurement and switched back to the mode they were in afterwards.
    Derived in 3.2 softmax 回归
    (chapters/linear_networks/softmax_regression.ipynb).
    """
    device = _device_of(net, X.device)
    X, y = X.to(device), y.to(device)
    was_training = net.training if isinstance(net, nn.Module) else None
    if was_training is not None:
        net.eval()
    try:
        correct = torch.zeros((), dtype=torch.int64, device=device)
        with torch.no_grad():
            for start in range(0, len(y), batch_size):
                outputs = net(X[start : start + batch_size])
                labels = y[start : start + batch_size]
                if start == 0:
                    _check_labels(outputs, y, "y")
                correct += (outputs.argmax(dim=1) == labels).sum()
    finally:
        if was_training is not None:
            net.train(was_training)
    return correct.item() / len(y)


def train_classifier(
    net: Callable,
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    updater: torch.optim.Optimizer | Callable[[], None],
    data,
    num_epochs: int,
    batch_size: int,
    generator: torch.Generator | None = None,
    plot: bool = True,
) -> History:
    """Train a classifier with minibatch updates and return its per-epoch
    history.

    Args:
        net: a ``nn.Module`` or any callable mapping a batch ``(b, d)`` to
            scores ``(b, q)``.
        loss: ``loss(scores, labels)``, returning one loss per example or
            their mean (a scalar is taken to be the mean; a loss module
            with ``reduction="sum"`` is refused, since its loss would be
            reported batch-size times too large); the mean over the
            minibatch is what gets differentiated.
        updater: a ``torch.optim.Optimizer``, or a from-scratch function
            called with no arguments after ``backward()`` that updates the
            parameters and zeroes their gradients
            (``lambda: utils.sgd(params, lr)``). A bound ``optimizer.step``
            is taken as its optimizer, whose gradients are then zeroed too;
            for an ``nn.Module`` net, a function that leaves gradients
            behind raises after its first call.
        data: an object with ``X_train``, ``y_train``, ``X_test``,
            ``y_test`` tensors, such as the
            :class:`~utils.data.ImageDataset` from ``load_image_dataset``.
        num_epochs: number of passes over the training data.
        batch_size: minibatch size.
        generator: optional ``torch.Generator`` that orders the minibatches.
        plot: draw a live plot of the metrics, redrawn once per epoch.

    Metrics are accumulated as tensors and turned into Python floats once
    per epoch. The test accuracy is measured with :func:`evaluate_accuracy`
    (``eval()`` mode, no gradients). Everything runs on the device of
    ``net``'s parameters (or of the data). The labels are checked once,
    against the first batch's scores; a loss that stops being finite ends
    training with an error at the end of its epoch. Derived in 3.2 softmax
    回归 (chapters/linear_networks/softmax_regression.ipynb), whose
    ``train_epoch`` is this loop's body.
    """
    if not num_epochs >= 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs!r}")
    if getattr(loss, "reduction", None) == "sum":
        raise ValueError(
            "loss must return per-example losses or their mean, got a "
            "loss with reduction='sum'; use reduction='none' or 'mean'"
        )
    bound_to = getattr(updater, "__self__", None)
    is_step = getattr(updater, "__name__", None) == "step"
    if is_step and isinstance(bound_to, torch.optim.Optimizer):
        # optimizer.step alone would let backward() accumulate gradients
        updater = bound_to
    is_optimizer = isinstance(updater, torch.optim.Optimizer)

    device = _device_of(net, data.X_train.device)
    X_train, y_train = data.X_train.to(device), data.y_train.to(device)
    history = History()
    plotter = None
    if plot:
        from utils.plotting import TrainingPlot

        plotter = TrainingPlot(num_epochs)
        history.figure = plotter.figure

    checked = zeroing_checked = False
    for epoch in range(1, num_epochs + 1):
        if isinstance(net, nn.Module):
            net.train()
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), dtype=torch.int64, device=device)
        start = time.perf_counter()
        for X, y in iterate_minibatches(
            X_train, y_train, batch_size, generator=generator
        ):
            outputs = net(X)
            if not checked:
                _check_labels(outputs, y_train, "data.y_train")
                checked = True
            batch_loss = loss(outputs, y)
            mean_loss = (
                batch_loss.mean() if batch_loss.dim() else batch_loss
            )
            if is_optimizer:
                updater.zero_grad(set_to_none=True)
                mean_loss.backward()
                updater.step()
            else:
                mean_loss.backward()
                updater()
                if not zeroing_checked:
                    _check_gradients_zeroed(net)
                    zeroing_checked = True
            loss_sum += mean_loss.detach() * len(y)
            correct += (outputs.detach().argmax(dim=1) == y).sum()
        elapsed = time.perf_counter() - start
        num_examples = len(y_train)
        history.train_loss.append(loss_sum.item() / num_examples)
        history.train_acc.append(correct.item() / num_examples)
        history.test_acc.append(
            evaluate_accuracy(net, data.X_test, data.y_test)
        )
        history.examples_per_sec.append(num_examples / max(elapsed, 1e-9))
        if not torch.isfinite(loss_sum):
            raise FloatingPointError(
                f"training loss became {loss_sum.item()} in epoch "
                f"{epoch}: lower the learning rate"
            )
        if plotter is not None:
            plotter.update(
                epoch,
                {
                    "train loss": history.train_loss[-1],
                    "train acc": history.train_acc[-1],
                    "test acc": history.test_acc[-1],
                },
            )
    return history
