"""Unit tests for utils.environment.set_up."""

import random
import subprocess
import sys

import numpy as np
import pytest
import torch

import utils


@pytest.fixture
def restore_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def draw_all():
    return random.random(), float(np.random.rand()), torch.rand(3).tolist()


def test_set_up_makes_every_generator_repeat(restore_threads):
    utils.set_up(seed=123)
    first = draw_all()
    utils.set_up(seed=123)
    assert draw_all() == first
    utils.set_up(seed=124)
    assert draw_all() != first


def test_set_up_sets_thread_count(restore_threads):
    utils.set_up(seed=0, num_threads=1)
    assert torch.get_num_threads() == 1
    utils.set_up(seed=0, num_threads=2)
    assert torch.get_num_threads() == 2


def test_set_up_returns_the_global_generator_seeded(restore_threads):
    generator = utils.set_up(seed=7)
    assert generator is torch.default_generator
    expected = torch.rand(3, generator=torch.Generator().manual_seed(7))
    assert torch.equal(torch.rand(3), expected)


def test_set_up_sets_the_inline_figure_format_in_ipython(
    monkeypatch, restore_threads
):
    """The IPython branch: a (fake) running shell gets the format."""
    import IPython
    import matplotlib_inline.backend_inline as inline

    chosen = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(inline, "set_matplotlib_formats", chosen.append)
    utils.set_up(seed=0, figure_format="retina")
    assert chosen == ["retina"]


def test_set_up_outside_ipython_skips_figure_format(restore_threads):
    from utils.environment import _set_inline_figure_format

    assert _set_inline_figure_format("png") is False


@pytest.mark.parametrize(
    ("kwargs", "argument", "expected"),
    [
        ({"figure_format": "svg"}, "figure_format", "png"),
    ],
)
def test_set_up_rejects_bad_arguments(
    kwargs, argument, expected, restore_threads
):
    with pytest.raises(ValueError, match=argument) as info:
        utils.set_up(**kwargs)
    assert expected in str(info.value)


def test_import_has_no_side_effects():
    """Importing utils must not seed, change threads, or touch matplotlib
    settings.
    """
    code = (
        "import torch, matplotlib\n"
        "torch.set_num_threads(2)\n"
        "state = torch.get_rng_state().clone()\n"
        "backend = matplotlib.get_backend()\n"
        "import utils\n"
        "assert torch.get_num_threads() == 2\n"
        "assert torch.equal(torch.get_rng_state(), state)\n"
        "assert matplotlib.get_backend() == backend\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_set_up_limits_blas_threads(restore_threads):
    from threadpoolctl import threadpool_info, threadpool_limits

    before = threadpool_info()
    # at least torch's OpenMP and NumPy's BLAS; all() over none proves
    # nothing
    assert len(before) >= 2, before
    try:
        # start from two threads, so that the check below is not true
        # already
        threadpool_limits(limits=2)
        assert all(pool["num_threads"] == 2 for pool in threadpool_info())
        utils.set_up(seed=0, num_threads=1)
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
        # a second call replaces the first call's limits
        utils.set_up(seed=0, num_threads=2)
        assert all(pool["num_threads"] == 2 for pool in threadpool_info())
    finally:
        for pool in before:
            threadpool_limits(
                limits=pool["num_threads"], user_api=pool["user_api"]
            )


def test_glue_writes_exactly_what_myst_nb_glue_writes():
    """utils.glue(a=1, b=2) writes what MyST-NB's glue(name, value,
    display=False) writes, per name.
    """
    from unittest import mock

    import myst_nb

    import utils

    values = {"n": 7, "gap": 0.015555, "share": 58.0}
    with mock.patch("IPython.display.display") as ours:
        utils.glue(**values)
    with mock.patch("myst_nb.ext.glue.ipy_display") as theirs:
        for name, value in values.items():
            myst_nb.glue(name, value, display=False)
    assert ours.call_args_list == theirs.call_args_list
    assert len(ours.call_args_list) == 3


def test_glue_rejects_tensors():
    """A tensor's repr (tensor(0.5000)) would not parse back as the number
    the prose states.
    """
    import numpy as np
    import pytest
    import torch

    import utils

    for bad in (torch.tensor(0.5), np.float64(0.5), True, "58%"):
        with pytest.raises(TypeError, match="value of 'acc' must be"):
            utils.glue(n=3, acc=bad)
    with pytest.raises(TypeError, match="at least one name=value pair"):
        utils.glue()
