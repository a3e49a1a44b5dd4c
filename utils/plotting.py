"""Plotting helpers that work in notebooks, in scripts and headless (Agg)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

SCALES = ("linear", "log")


def _as_1d_array(values, name: str) -> np.ndarray:
    """Return ``values`` (list, NumPy array or tensor) as a 1-D float array."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    return array


def plot_curves(
    x,
    ys: Sequence,
    labels: Sequence[str] | None = None,
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    yscale: str = "linear",
    xscale: str = "linear",
    styles: Sequence[str] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (5.0, 3.2),
) -> Figure:
    """Draw one or more curves ``ys[i]`` against the shared ``x`` and return the figure.

    Axis labels and a title are required, because a figure without them is not
    readable on its own. Legends are drawn when ``labels`` are given.

    Args:
        x: the shared horizontal coordinates (1-D).
        ys: a list of 1-D curves, each of the same length as ``x``.
        labels: one legend entry per curve, or ``None`` for no legend.
        xlabel, ylabel, title: text of the axis labels and the title.
        yscale, xscale: ``"linear"`` or ``"log"``.
        styles: optional Matplotlib format strings, one per curve (e.g. ``"--"``).
        ax: an existing ``Axes`` to draw into; a new figure is made otherwise.
        figsize: size of a new figure in inches.

    Returns:
        The ``Figure`` that holds the plot (so scripts can save it).
    """
    x_array = _as_1d_array(x, "x")
    if isinstance(ys, (torch.Tensor, np.ndarray)) or not isinstance(ys, Sequence) or len(ys) == 0:
        raise TypeError("ys must be a non-empty list of 1-D curves")
    curves = [_as_1d_array(y, f"ys[{i}]") for i, y in enumerate(ys)]
    for i, curve in enumerate(curves):
        if curve.shape != x_array.shape:
            raise ValueError(f"ys[{i}] has length {curve.size}, but x has length {x_array.size}")
    if labels is not None and len(labels) != len(curves):
        raise ValueError(f"labels must have one entry per curve ({len(curves)}), got {len(labels)}")
    if styles is not None and len(styles) != len(curves):
        raise ValueError(f"styles must have one entry per curve ({len(curves)}), got {len(styles)}")
    for name, scale in (("yscale", yscale), ("xscale", xscale)):
        if scale not in SCALES:
            raise ValueError(f"{name} must be one of {SCALES}, got {scale!r}")

    if ax is None:
        figure, ax = plt.subplots(figsize=figsize)
    else:
        figure = ax.figure
    for i, curve in enumerate(curves):
        style = styles[i] if styles is not None else "-"
        label = labels[i] if labels is not None else None
        ax.plot(x_array, curve, style, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.set_xscale(xscale)
    ax.set_yscale(yscale)
    ax.grid(True, alpha=0.3)
    if labels is not None:
        ax.legend()
    figure.tight_layout()
    return figure
