"""Plotting helpers that work in notebooks, scripts and headless (Agg)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def _as_array(values) -> np.ndarray:
    """``values`` (a list, NumPy array or tensor) as a float array."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=float)


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
    """Draw one or more curves ``ys[i]`` against the shared ``x`` and return
    the figure.

    Axis labels and a title are required, because a figure without them is
    not readable on its own. Legends are drawn when ``labels`` are given.

    Args:
        x: the shared horizontal coordinates (1-D).
        ys: a list of 1-D curves, each of the same length as ``x``.
        labels: one legend entry per curve, or ``None`` for no legend.
        xlabel, ylabel, title: text of the axis labels and the title.
        yscale, xscale: ``"linear"`` or ``"log"``.
        styles: optional Matplotlib format strings, one per curve
            (e.g. ``"--"``).
        ax: an existing ``Axes`` to draw into; a new figure is made
            otherwise.
        figsize: size of a new figure in inches.

    Returns:
        The ``Figure`` that holds the plot (so scripts can save it).

    First used in 2.4 经验分布; the training curves of 3.2 on use it too.
    """
    x_array = _as_array(x)
    curves = [_as_array(y) for y in ys]
    # one curve passed as ys would plot points, not a line
    if any(curve.ndim != 1 for curve in curves):
        raise ValueError(
            "ys must be a list of curves, each a 1-D sequence as long as "
            "x: pass [y], not y"
        )
    # a legend would silently name the wrong curves
    if labels is not None and len(labels) != len(curves):
        raise ValueError(
            f"labels must have one entry per curve ({len(curves)}), got "
            f"{len(labels)}"
        )

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
    if "log" in (xscale, yscale):
        # minor log ticks make drawing several times slower and add little
        ax.minorticks_off()
    ax.grid(True, alpha=0.3)
    if labels is not None:
        ax.legend()
    figure.tight_layout()
    return figure


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where figures can be displayed and
    updated).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    try:
        from ipykernel.zmqshell import ZMQInteractiveShell
    except ImportError:  # pragma: no cover - ipykernel comes with jupyter
        return False
    # isinstance, not the class name: frontends subclass the shell (Colab)
    return isinstance(get_ipython(), ZMQInteractiveShell)


class TrainingPlot:
    """A live plot of training metrics, redrawn at most once per epoch.

    In a notebook the figure is shown once and then updated in place through
    an IPython display handle, so the output cell always holds exactly one,
    current figure (no ``clear_output`` flicker, nothing to go wrong if a
    cell is interrupted). In scripts and headless runs nothing is displayed;
    the figure is still drawn and available as ``self.figure`` to save or
    show. Drawn by ``train_classifier(..., plot=True)``, first in 3.2
    softmax 回归.
    """

    def __init__(
        self,
        num_epochs: int,
        title: str = "Training progress",
        live: bool | None = None,
        min_interval: float = 1.0,
    ):
        self.num_epochs = num_epochs
        self.min_interval = float(min_interval)
        self._last_shown = float("-inf")
        self.title = title
        self.live = _in_notebook() if live is None else bool(live)
        self.values: dict[str, list[float]] = {}
        self.epochs: list[int] = []
        self.figure, self.ax = plt.subplots(figsize=(5.0, 3.2))
        # Detach the figure from pyplot so the notebook does not draw it a
        # second time when the cell ends; the display handle shows it.
        plt.close(self.figure)
        self._handle = None

    def update(self, epoch: int, values: dict[str, float]) -> None:
        """Record the metrics of ``epoch`` (1-based) and redraw."""
        # curves would silently shift by an epoch
        if self.values and set(values) != set(self.values):
            raise ValueError(
                f"values must have the keys {sorted(self.values)}, got "
                f"{sorted(values)}"
            )
        self.epochs.append(epoch)
        for name, value in values.items():
            self.values.setdefault(name, []).append(float(value))
        self._redraw()

    def _redraw(self) -> None:
        ax = self.ax
        ax.clear()
        for name, series in self.values.items():
            ax.plot(
                self.epochs, series, marker="o", markersize=3, label=name
            )
        ax.set_xlim(0.5, self.num_epochs + 0.5)
        ax.set_xlabel("epoch")
        ax.set_ylabel("value")
        ax.set_title(self.title)
        ax.grid(True, alpha=0.3)
        ax.legend()
        # Laying out and rendering a PNG costs ~0.1 s: when epochs are
        # faster than that,
        # show the figure at most every `min_interval` seconds, and always
        # after the last epoch.
        now = time.monotonic()
        final = self.epochs[-1] == self.num_epochs
        show = self.live and (
            final or now - self._last_shown >= self.min_interval
        )
        if show or final:
            self.figure.tight_layout()
        if show:
            from IPython.display import display

            self._last_shown = now
            if self._handle is None:
                self._handle = display(self.figure, display_id=True)
            else:
                self._handle.update(self.figure)


def show_images(
    images,
    titles: Sequence[str] | None = None,
    *,
    num_rows: int,
    num_cols: int,
    image_shape: tuple[int, int] | None = None,
    scale: float = 1.4,
) -> Figure:
    """Show ``images`` in a grid (at most ``num_rows * num_cols``), with
    optional titles.

    ``images`` is a tensor of shape ``(n, h, w)``, or ``(n, h*w)`` together
    with ``image_shape=(h, w)``. Returns the figure. First used in 3.2
    softmax 回归.
    """
    images = images.detach().cpu()
    if images.dim() == 2:
        # (n, h*w) rows cannot be drawn as images without it
        if image_shape is None:
            raise ValueError(
                "image_shape=(h, w) is needed for flattened images of "
                f"shape {tuple(images.shape)}"
            )
        images = images.reshape(-1, *image_shape)
    count = min(len(images), num_rows * num_cols)
    figure, axes = plt.subplots(
        num_rows,
        num_cols,
        figsize=(num_cols * scale, num_rows * scale * 1.15),
    )
    for index, ax in enumerate(np.asarray(axes).reshape(-1)):
        ax.axis("off")
        if index < count:
            ax.imshow(images[index].numpy(), cmap="gray_r")
            if titles is not None:
                ax.set_title(titles[index], fontsize=8)
    figure.tight_layout()
    return figure
