"""From-scratch building blocks, each first written by hand in a chapter and
tested against PyTorch.

``linreg`` ~ ``nn.Linear``, ``squared_loss`` ~ ``nn.MSELoss`` (times 1/2),
``sgd`` ~ ``torch.optim.SGD``, ``softmax`` ~ ``torch.softmax``,
``cross_entropy`` ~ ``nn.CrossEntropyLoss``, ``dropout``/``Dropout`` ~
``nn.Dropout``.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn


def linreg(
    X: torch.Tensor, w: torch.Tensor, b: torch.Tensor
) -> torch.Tensor:
    """The linear regression model ``X @ w + b``; with ``w`` of shape
    ``(d, 1)`` the output is ``(n, 1)``.

    Derived in 3.1 线性回归
    (chapters/linear_networks/linear_regression.ipynb).
    """
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example squared loss ``(y_hat - y)**2 / 2``.

    ``y`` must have exactly the shape of ``y_hat``: predictions ``(n, 1)``
    against labels ``(n,)`` would broadcast to an ``(n, n)`` matrix and
    silently train on the wrong loss. Derived in 3.1 线性回归
    (chapters/linear_networks/linear_regression.ipynb).
    """
    if y_hat.shape != y.shape:
        raise ValueError(
            f"y must have the shape of y_hat {tuple(y_hat.shape)}, got "
            f"{tuple(y.shape)} "
            "(reshape it, e.g. y.reshape(y_hat.shape), to avoid "
            "broadcasting)"
        )
    return (y_hat - y) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float) -> None:
    """One minibatch SGD step in place, ``p -= lr * p.grad``, then zero the
    gradients.

    The loss is expected to be the *mean* over the minibatch, so ``p.grad``
    already carries the factor ``1/|B|`` of the update rule. The step is
    the same single ``add_`` call as torch.optim.SGD's, so the two agree
    bit for bit. (Whether that call rounds once, with a fused multiply-add,
    or twice depends on the CPU's kernel; ``p - lr * p.grad`` written as
    two operations may differ from it in the last bit.)
    Derived in 3.1 线性回归
    (chapters/linear_networks/linear_regression.ipynb).
    """
    if not lr > 0:
        raise ValueError(
            f"lr must be > 0 (a step against the gradient), got {lr!r}"
        )
    params = list(params)
    for index, param in enumerate(params):
        if param.grad is None:
            raise ValueError(
                f"params[{index}] has no gradient: call backward() on the "
                "loss before sgd()"
            )
    with torch.no_grad():
        for param in params:
            param.add_(param.grad, alpha=-lr)
            param.grad.zero_()


def softmax(O: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax of logits ``O`` (``(n, q)``), stable:
    ``exp(o - max o) / sum exp(o - max o)``.

    Derived in 3.2 softmax 回归
    (chapters/linear_networks/softmax_regression.ipynb).
    """
    exp = torch.exp(O - O.max(dim=1, keepdim=True).values)
    return exp / exp.sum(dim=1, keepdim=True)


def cross_entropy(O: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy of logits ``O`` (``(n, q)``) and class
    indices ``y`` (``(n,)``).

    ``logsumexp(o) - o_y``, computed from the logits (shifted by their
    maximum), so it is finite for any finite logits. Derived in 3.2 softmax
    回归 (chapters/linear_networks/softmax_regression.ipynb).
    """
    if y.shape != O.shape[:1]:
        raise ValueError(
            "y must hold one class index per row of O, shape "
            f"({O.shape[0]},), got {tuple(y.shape)}"
        )
    shifted = O - O.max(dim=1, keepdim=True).values
    log_probabilities = shifted - torch.log(
        torch.exp(shifted).sum(dim=1, keepdim=True)
    )
    return -log_probabilities.gather(1, y.reshape(-1, 1)).reshape(-1)


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """A fraction, unlike D2L's ``accuracy`` (a count): the share of rows of
    the scores ``y_hat`` (``(n, q)``) whose argmax equals the label in
    ``y`` (``(n,)``).

    Derived in 3.2 softmax 回归
    (chapters/linear_networks/softmax_regression.ipynb).
    """
    # (n, 1) labels would broadcast against (n,) predictions
    if y.shape != y_hat.shape[:1]:
        raise ValueError(
            "y must hold one label per row of y_hat, shape "
            f"({y_hat.shape[0]},), got {tuple(y.shape)}"
        )
    return (y_hat.argmax(dim=1) == y).float().mean().item()


def dropout(
    X: torch.Tensor,
    p: float,
    training: bool = True,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Inverted dropout: zero each element with probability ``p`` and scale
    the rest by ``1/(1-p)``.

    So ``E[dropout(X)] = X``. In evaluation (``training=False``) and for
    ``p = 0`` it returns ``X`` itself; for ``p = 1`` the result is all zeros
    (no division by zero). The mask is ``rand >= p`` drawn in float32 on
    ``X``'s device (bfloat16 has too few distinct values in [0, 1) to keep
    exactly ``1 - p``); about three times cheaper on a CPU than
    ``nn.Dropout``'s Bernoulli sampling. Derived in 4.4 dropout
    (chapters/multilayer_perceptrons/dropout.ipynb).
    """
    if not 0 <= p <= 1:  # also rejects NaN
        raise ValueError(f"p must be a probability in [0, 1], got {p!r}")
    if not training or p == 0:
        return X
    if p == 1:
        return torch.zeros_like(X)
    noise = torch.rand(
        X.shape, generator=generator, dtype=torch.float32, device=X.device
    )
    return X * ((noise >= p).to(X.dtype) * (1.0 / (1.0 - p)))


class Dropout(nn.Module):
    """:func:`dropout` as a layer: active in ``train()`` mode, the identity
    in ``eval()`` mode.

    Derived in 4.4 dropout (chapters/multilayer_perceptrons/dropout.ipynb).
    """

    def __init__(self, p: float = 0.5):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(
                f"p must be a probability in [0, 1], got {p!r}"
            )
        self.p = p

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return dropout(X, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
