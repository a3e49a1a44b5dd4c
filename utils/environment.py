"""Reproducible set-up that every chapter calls in its first code cell."""

from __future__ import annotations

import random

import numpy as np
import torch
from threadpoolctl import threadpool_limits

FIGURE_FORMATS = ("png", "retina")


def set_up(
    seed: int = 0, num_threads: int = 1, figure_format: str = "png"
) -> torch.Generator:
    """Seed every random generator, pin the thread count and fix the figure
    format.

    Call this once at the top of a notebook (every chapter's first code cell
    does, from 1 前言 on). It does three things, all explicit:

    * seeds Python's ``random``, NumPy's global generator and PyTorch's
      default generator with ``seed``, so that re-running the notebook
      prints the same numbers;
    * sets ``torch.set_num_threads(num_threads)`` and limits the
      BLAS/OpenMP pools that NumPy, SciPy and scikit-learn use to the same
      count: one thread is the book's default, because on a busy two-core
      laptop two threads can make training far slower and the thread count
      changes the last digits of floating point sums;
    * when running inside IPython/Jupyter, makes inline figures PNG (stable
      bytes, small files); in plain scripts this step is skipped.

    Args:
        seed: a non-negative integer seed.
        num_threads: number of intra-op threads for PyTorch, at least 1.
        figure_format: ``"png"`` or ``"retina"`` (PNG at double resolution).

    The thread limits hold for the rest of the session; a later call sets
    them anew (``set_up(num_threads=2)`` gives two threads back).

    Returns:
        PyTorch's global generator, ``torch.default_generator``, now
        seeded: the stream that ``torch.rand`` and friends draw from when
        given no ``generator``.
    """
    if figure_format not in FIGURE_FORMATS:
        raise ValueError(
            f"figure_format must be one of {FIGURE_FORMATS}, got "
            f"{figure_format!r}"
        )

    random.seed(seed)
    np.random.seed(seed)
    generator = torch.manual_seed(seed)
    torch.set_num_threads(num_threads)
    threadpool_limits(limits=num_threads)
    _set_inline_figure_format(figure_format)
    return generator


def _set_inline_figure_format(figure_format: str) -> bool:
    """Make inline figures use ``figure_format`` if an IPython kernel is
    running.
    """
    try:
        from IPython import get_ipython
    # pragma: no cover - IPython is a dependency of jupyter
    except ImportError:
        return False
    if get_ipython() is None:
        return False
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats(figure_format)
    return True


GLUE_MIME = "application/papermill.record/text/plain"


def glue(**values) -> None:
    """Record computed values for the prose:
    ``glue(test_acc=acc, n_wrong=k)``.

    The chapters state computed results in their text through invisible
    markers (``<!--glue:test_acc:.4f-->0.9556``, see
    ``tools/prose_numbers.py``), which are checked against and rewritten
    from these records. One call records several names, in the order given;
    each record is exactly what MyST-NB's
    ``myst_nb.glue(name, value, display=False)`` writes: a display of the
    value's ``repr`` under a MIME type that neither the web edition nor
    JupyterLab shows. Unlike MyST-NB's, it imports nothing, so a chapter
    does not pay about a second to import nbformat's schema validators.

    First used in 1 前言 (chapters/introduction/introduction.ipynb); every
    chapter that states a computed result in its text uses it.

    Args:
        **values: name=value pairs; each name unique in the notebook, each
            value a plain Python ``int`` or ``float``: not a tensor or a
            NumPy scalar, whose repr (``np.float64(0.5)``) would not read
            back as the number the prose states, and not a bool.
    """
    if not values:
        raise TypeError(
            "glue needs at least one name=value pair, e.g. glue(acc=0.95)"
        )
    for name, value in values.items():
        # exact types: a tensor's or NumPy's repr would not parse back
        if type(value) not in (int, float):
            raise TypeError(
                f"value of {name!r} must be a Python int or float "
                f"(use float(x) or int(x)), got {type(value).__name__}"
            )
    from IPython.display import display

    for name, value in values.items():
        metadata = {
            "scrapbook": {
                "name": name,
                "mime_prefix": "application/papermill.record/",
            }
        }
        display({GLUE_MIME: repr(value)}, raw=True, metadata=metadata)
