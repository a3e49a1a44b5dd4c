"""From-scratch building blocks that the chapters first write by hand.

Each function mirrors a PyTorch counterpart and is tested against it:
``linreg`` ~ ``nn.Linear``, ``squared_loss`` ~ ``nn.MSELoss`` (times 1/2),
``softmax`` ~ ``torch.softmax``, ``cross_entropy`` ~ ``nn.CrossEntropyLoss``,
``sgd`` ~ ``torch.optim.SGD``, ``dropout``/``Dropout`` ~ ``nn.Dropout``.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from utils._validation import check_labels, check_positive_float, check_tensor


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model ``X @ w + b``.

    With ``w`` of shape ``(d, 1)`` the output is a column ``(n, 1)``.
    """
    check_tensor("X", X, ndim=2, floating=True)
    check_tensor("w", w, ndim=(1, 2), floating=True)
    if X.shape[1] != w.shape[0]:
        raise ValueError(f"w must have {X.shape[1]} rows to match X's {X.shape[1]} features, got shape {tuple(w.shape)}")
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example squared loss ``(y_hat - y)**2 / 2``.

    ``y`` must have exactly the shape of ``y_hat``: a prediction of shape ``(n, 1)``
    against labels of shape ``(n,)`` would broadcast to an ``(n, n)`` matrix and
    silently train on the wrong loss, so that mismatch is an error here.
    """
    check_tensor("y_hat", y_hat, floating=True, finite=True)
    check_tensor("y", y, floating=True, finite=True)
    if y_hat.shape != y.shape:
        raise ValueError(
            f"y must have the shape of y_hat {tuple(y_hat.shape)}, got {tuple(y.shape)} "
            "(reshape it, e.g. y.reshape(y_hat.shape), to avoid broadcasting)"
        )
    return (y_hat - y) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float) -> None:
    """One step of minibatch stochastic gradient descent, in place: ``p -= lr * p.grad``.

    The loss is expected to be the *mean* over the minibatch, so ``p.grad`` already
    carries the factor ``1/|B|`` of the update rule. Gradients are reset to zero
    afterwards, ready for the next ``backward()``.
    """
    lr = check_positive_float("lr", lr)
    params = list(params)
    if not params:
        raise ValueError("params must contain at least one tensor")
    for index, param in enumerate(params):
        if not isinstance(param, torch.Tensor) or not param.requires_grad:
            raise ValueError(f"params[{index}] must be a tensor with requires_grad=True")
        if param.grad is None:
            raise ValueError(f"params[{index}] has no gradient: call backward() before sgd()")
    with torch.no_grad():
        for param in params:
            # the same arithmetic as torch.optim.SGD (p + (-lr) * grad in one fused op),
            # so a step of ours and a step of the optimizer agree bit for bit
            param.add_(param.grad, alpha=-lr)
            param.grad.zero_()


def softmax(O: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax, numerically stable: ``exp(o - max o) / sum exp(o - max o)``.

    Subtracting each row's maximum changes nothing mathematically but keeps
    ``exp`` from overflowing for large logits (``exp(1000.)`` is ``inf`` in float32).
    """
    check_tensor("O", O, ndim=2, floating=True, finite=True)
    shifted = O - O.max(dim=1, keepdim=True).values
    exp = torch.exp(shifted)
    return exp / exp.sum(dim=1, keepdim=True)


def log_softmax(O: torch.Tensor) -> torch.Tensor:
    """Row-wise ``log(softmax(O))`` computed as ``o - logsumexp(o)`` (no log of 0)."""
    check_tensor("O", O, ndim=2, floating=True, finite=True)
    shifted = O - O.max(dim=1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


def cross_entropy(O: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy of logits ``O`` (shape ``(n, q)``) and labels ``y`` (shape ``(n,)``).

    Equals ``-log softmax(O)[i, y_i]`` = ``logsumexp(O[i]) - O[i, y_i]``, computed from
    the logits so it stays finite for any finite logits.
    """
    check_tensor("O", O, ndim=2, floating=True, finite=True)
    check_tensor("y", y, ndim=1, floating=False)
    if O.shape[0] != y.shape[0]:
        raise ValueError(f"y must have one label per row of O ({O.shape[0]}), got {y.shape[0]}")
    check_labels("y", y, O.shape[1])
    return -log_softmax(O).gather(1, y.reshape(-1, 1)).reshape(-1)


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows of ``y_hat`` (scores, shape ``(n, q)``) whose argmax equals ``y``."""
    check_tensor("y_hat", y_hat, ndim=2)
    check_tensor("y", y, ndim=1, floating=False)
    if y_hat.shape[0] != y.shape[0]:
        raise ValueError(f"y must have one label per row of y_hat ({y_hat.shape[0]}), got {y.shape[0]}")
    return (y_hat.argmax(dim=1) == y).float().mean().item()


def _check_probability(p) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    return float(p)


def dropout(X: torch.Tensor, p: float, training: bool = True, generator: torch.Generator | None = None) -> torch.Tensor:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by ``1/(1-p)``.

    So ``E[dropout(X)] = X``. In evaluation (``training=False``) and for ``p = 0`` it
    returns ``X`` itself; for ``p = 1`` every element is dropped and the result is all
    zeros (no division by zero). The mask is drawn as ``rand >= p`` on ``X``'s device
    (in float32), which is about three times cheaper on a CPU than the
    Bernoulli sampling that ``nn.Dropout`` performs.
    """
    check_tensor("X", X, floating=True, allow_empty=True)
    p = _check_probability(p)
    if not training or p == 0.0:
        return X
    if p == 1.0:
        return torch.zeros_like(X)
    # float32 noise even for half/bfloat16 inputs: bfloat16 has too few distinct values
    # in [0, 1) for `noise >= p` to keep exactly 1 - p of the elements
    noise = torch.rand(X.shape, generator=generator, dtype=torch.float32, device=X.device)
    return X * ((noise >= p).to(X.dtype) * (1.0 / (1.0 - p)))


class Dropout(nn.Module):
    """The from-scratch :func:`dropout` as a layer: active in ``train()``, the identity in ``eval()``."""

    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = _check_probability(p)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return dropout(X, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
