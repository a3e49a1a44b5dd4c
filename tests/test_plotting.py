"""Unit tests for utils.plotting.plot_curves (run headless with the Agg
backend).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import utils  # noqa: E402
from utils import plot_curves  # noqa: E402
from utils.plotting import TrainingPlot  # noqa: E402

LABELS = {"xlabel": "x", "ylabel": "y", "title": "t"}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_curves_draws_every_curve_with_labels():
    x = torch.linspace(0, 1, 5)
    figure = plot_curves(x, [x, x**2], ["linear", "square"], **LABELS)
    (ax,) = figure.axes
    assert [line.get_label() for line in ax.lines] == ["linear", "square"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), (x**2).numpy())
    assert (
        ax.get_xlabel() == "x"
        and ax.get_ylabel() == "y"
        and ax.get_title() == "t"
    )
    assert ax.get_legend() is not None


def test_plot_curves_without_labels_has_no_legend_and_accepts_lists():
    figure = plot_curves([0, 1, 2], [[1, 2, 3]], **LABELS)
    assert figure.axes[0].get_legend() is None


def test_plot_curves_draws_into_given_axes_with_log_scale():
    figure, (left, right) = plt.subplots(1, 2)
    returned = plot_curves(
        np.arange(1, 4),
        [np.array([1.0, 10, 100])],
        ax=right,
        yscale="log",
        **LABELS,
    )
    assert returned is figure
    assert right.get_yscale() == "log" and len(left.lines) == 0


def test_plot_curves_accepts_tensors_that_require_grad():
    x = torch.linspace(-1, 1, 4, requires_grad=True)
    figure = plot_curves(x, [torch.relu(x)], styles=["--"], **LABELS)
    assert figure.axes[0].lines[0].get_linestyle() == "--"


@pytest.mark.parametrize(
    ("x", "ys", "extra", "error", "pattern"),
    [  # mistakes that would draw a silently wrong figure
        (
            [0, 1],
            [1, 2],
            {},
            ValueError,
            r"ys must be a list of curves.*pass \[y\], not y",
        ),
        (
            [0, 1],
            [[1, 2]],
            {"labels": ["a", "b"]},
            ValueError,
            "labels must have one entry per curve",
        ),
    ],
)
def test_plot_curves_rejects_bad_input(x, ys, extra, error, pattern):
    with pytest.raises(error, match=pattern):
        plot_curves(x, ys, **extra, **LABELS)


def test_training_plot_redraws_each_epoch_headless():
    plot = TrainingPlot(3, title="demo", live=False)
    plot.update(1, {"loss": 2.0, "acc": 0.5})
    plot.update(2, {"loss": 1.0, "acc": 0.7})
    ax = plot.figure.axes[0]
    assert [line.get_label() for line in ax.lines] == ["loss", "acc"]
    assert list(ax.lines[0].get_ydata()) == [2.0, 1.0]
    assert ax.get_title() == "demo" and ax.get_xlabel() == "epoch"


def test_training_plot_refuses_metrics_that_change_between_epochs():
    plot = TrainingPlot(3, live=False)
    plot.update(1, {"a": 1.0})
    with pytest.raises(ValueError, match="values must have the keys"):
        plot.update(2, {"b": 1.0})


def test_show_images_draws_a_titled_grid_from_flat_rows():
    images = torch.rand(5, 12)
    figure = utils.show_images(
        images,
        ["a", "b", "c", "d", "e"],
        num_rows=2,
        num_cols=3,
        image_shape=(3, 4),
    )
    axes = figure.axes
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes[:5]] == ["a", "b", "c", "d", "e"]
    assert (
        axes[0].images[0].get_array().shape == (3, 4) and not axes[5].images
    )


@pytest.mark.parametrize(
    ("images", "kwargs", "error", "pattern"),
    [
        (
            torch.rand(4, 12),
            {},
            ValueError,
            r"image_shape=\(h, w\) is needed for flattened images",
        ),
    ],
)
def test_show_images_rejects_bad_input(images, kwargs, error, pattern):
    arguments = {"num_rows": 2, "num_cols": 2}
    arguments.update(kwargs)
    with pytest.raises(error, match=pattern):
        utils.show_images(images, **arguments)


def test_live_plot_shows_at_most_every_interval_and_the_last_epoch(
    monkeypatch,
):
    shown = []

    class Handle:
        def update(self, figure):
            shown.append("update")

    def fake_display(figure, display_id):
        shown.append("display")
        return Handle()

    import IPython.display

    monkeypatch.setattr(IPython.display, "display", fake_display)
    plot = TrainingPlot(4, live=True, min_interval=3600)
    for epoch in range(1, 5):
        plot.update(epoch, {"loss": 1.0 / epoch})
    assert shown == [
        "display",
        "update",
    ]  # the first epoch, then only the final one
    every = TrainingPlot(3, live=True, min_interval=0)
    for epoch in range(1, 4):
        every.update(epoch, {"loss": 1.0})
    assert shown[2:] == ["display", "update", "update"]


def test_a_subclassed_notebook_shell_counts_as_a_notebook(monkeypatch):
    """Frontends such as Colab run a subclass of ipykernel's shell under
    another class name; their live plots must still be shown.
    """
    import IPython
    from ipykernel.zmqshell import ZMQInteractiveShell

    from utils.plotting import _in_notebook

    class FrontendShell(ZMQInteractiveShell):
        pass

    shell = object.__new__(FrontendShell)  # no kernel needed for the check
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert _in_notebook()
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    assert not _in_notebook()
