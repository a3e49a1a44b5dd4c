"""Argument checks shared by the public helpers: each error names the argument."""

from __future__ import annotations

import numbers

import torch


def check_positive_int(name: str, value) -> int:
    """Return ``value`` if it is an int >= 1 (bools rejected), else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int (>= 1), got {value}")
    return int(value)


def check_positive_float(name: str, value) -> float:
    """Return ``value`` as float if it is a finite real number > 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__} {value!r}")
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)


def check_tensor(
    name: str,
    value,
    *,
    ndim: int | tuple[int, ...] | None = None,
    floating: bool | None = None,
    allow_empty: bool = False,
    finite: bool = False,
) -> torch.Tensor:
    """Check that ``value`` is a tensor with the expected rank and kind of dtype.

    Args:
        name: the argument's name, used in the error message.
        ndim: required number of dimensions (or a tuple of allowed ones).
        floating: True requires a floating dtype, False an integer dtype, None either.
        allow_empty: whether a tensor with no elements is acceptable.
        finite: whether to reject NaN and infinite values (floating tensors only).
    """
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and value.dim() not in allowed:
        expected = " or ".join(str(n) for n in allowed)
        raise ValueError(f"{name} must have {expected} dimension(s), got shape {tuple(value.shape)}")
    if floating is True and not value.is_floating_point():
        raise TypeError(f"{name} must have a floating dtype (e.g. torch.float32), got {value.dtype}")
    if floating is False and (value.is_floating_point() or value.is_complex() or value.dtype == torch.bool):
        raise TypeError(f"{name} must have an integer dtype (e.g. torch.int64), got {value.dtype}")
    if not allow_empty and value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if finite and value.is_floating_point() and not torch.isfinite(value).all():
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return value


def check_same_length(name_a: str, a: torch.Tensor, name_b: str, b: torch.Tensor) -> None:
    """Raise if the first dimensions of ``a`` and ``b`` differ."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of examples, got {a.shape[0]} and {b.shape[0]}"
        )


def check_labels(name: str, labels: torch.Tensor, num_classes: int) -> None:
    """Raise if integer class labels fall outside ``[0, num_classes)``."""
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"{name} must hold class indices in [0, {num_classes - 1}], "
            f"got values in [{int(labels.min())}, {int(labels.max())}]"
        )
