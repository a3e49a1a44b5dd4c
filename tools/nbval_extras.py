"""What nbval leaves unchecked, checked in the same pass: figures and the
numbers the prose states from cells whose printed output is not compared.

nbval compares a fresh run's outputs with the stored ones, but never
images (PNG is in its ``skip_compare``), and nothing at all in a cell
tagged ``nbval-ignore-output``. So a changed plotting cell with a stale
stored figure, or a prose number recorded in an ignored cell, would pass.
``conftest.py`` calls :func:`compare_cell` after nbval has run and compared
each cell:

* every stored figure must come back, in the same place, and match the
  fresh one within ``FIGURE_TOLERANCE`` (matplotlib's own image
  comparison: root mean square difference of the 0-255 RGB values);
  in a cell tagged ``nbval-ignore-output`` (a figure of results that
  differ on other CPUs, such as the curves of a chaotic training run)
  only its size must match;
* every ``utils.glue`` record must come back, and the fresh value must
  lie within one unit of the last digit of the number the prose shows
  (prose "95.9%": the fresh value must be in [95.8%, 96.0%]): other CPUs
  change the last bits of long computations, which is why those cells
  are ignored, but the prose may not become wrong by more than that.

A cell that draws a live ``TrainingPlot`` (``train_classifier`` without
``plot=False``) updates its figure through display updates, which nbval
does not collect: such cells are tagged nbval-ignore-output (the policy
test checks it), so only the figure's size is compared.
"""

from __future__ import annotations

import base64
import math
import re
import tempfile
from pathlib import Path

from tools import prose_numbers

# RMS over the 0-255 RGB values. Measured: redrawn on the same machine
# every figure is identical (0.0); drawn on another CPU (pytest
# --other-cpu) they differ by at most 0.05 outside ignored cells (a
# training curve 1.1, a chaotic one 14.5: those cells are ignored). A
# one-character legend change ("1/6" -> "1/5") gives 1.5, a changed title,
# line width, colour or a missing curve 5.6 to 17, a mirrored figure 46.
# Smaller edits (a tick label in a large figure) can stay below it.
FIGURE_TOLERANCE = 0.3
PNG = "image/png"
# Records that time this run on this machine: their prose says so (这次运行
# 中 ...) and an assert checks only a floor, so no other run can reproduce
# them; tests/test_nbval_extras.py checks they are timings.
MEASURED = {"linreg_loader_ratio", "linreg_vectorize_ratio"}
SPEC = re.compile(r",?(?:\.(?P<digits>\d+))?(?P<kind>[dfeg%])")


def stated_unit(value: float, spec: str) -> float:
    """One unit of the last digit that ``format(value, spec)`` shows."""
    match = SPEC.fullmatch(spec)
    if match is None:
        raise ValueError(
            f"spec must be one of the forms d, ,d, .Nf, .N%, .Ne, .Ng, "
            f"got {spec!r}"
        )
    kind = match["kind"]
    digits = match["digits"]
    if kind == "d":
        return 1.0
    if kind in "f%":
        unit = 10.0 ** -int(digits or 6)
        return unit / 100 if kind == "%" else unit
    exponent = math.floor(math.log10(abs(value))) if value else 0
    if kind == "e":
        return 10.0 ** (exponent - int(digits or 6))
    significant = max(int(digits or 6), 1)  # "g"
    return 10.0 ** (exponent - significant + 1)


def stated_value(value: float, spec: str) -> float:
    """The number the prose shows, ``format(value, spec)``, read back."""
    text = format(value, spec).replace(",", "")
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def prose_specs(notebook: dict) -> dict[str, set[str]]:
    """``{record: format specs}`` of the markers that state each record."""
    specs: dict[str, set[str]] = {}
    for _, match, _ in prose_numbers.markers(notebook):
        if match["spec"]:
            specs.setdefault(match["name"], set()).add(match["spec"])
    return specs


def record_problem(name: str, old, new, specs: set[str]) -> str | None:
    """Why the fresh value ``new`` of a record no longer backs the prose
    (None if it does): for every marker, ``new`` must lie within one unit
    of the last stated digit of the number the prose shows.
    """
    if not specs:
        if math.isclose(new, old, rel_tol=1e-9):
            return None
        return f"glue record {name!r}: stored {old!r}, fresh run {new!r}"
    for spec in sorted(specs):
        shown = stated_value(old, spec)
        unit = stated_unit(old, spec)
        # a little slack for the subtraction's own rounding
        if not abs(new - shown) <= unit * (1 + 1e-9):
            return (
                f"glue record {name!r}: the prose shows "
                f"{format(old, spec)}, the fresh run gives {new!r} "
                f"({format(new, spec)}), more than one unit ({unit:g}) "
                "of its last digit away"
            )
    return None


def _records(outputs: list) -> dict[str, object]:
    """``{name: value}`` of the glue records among a cell's outputs."""
    cell = {"cell_type": "code", "outputs": outputs}
    return prose_numbers.recorded_values({"cells": [cell]})


def _figures(outputs: list) -> list[str]:
    return [
        "".join(data) if isinstance(data, list) else data
        for output in outputs
        if (data := output.get("data", {}).get(PNG)) is not None
    ]


def figure_difference(stored: str, fresh: str) -> float:
    """RMS difference (0-255 scale) of two base64 PNGs, by matplotlib's
    ``compare_images``; ``inf`` if their sizes differ.
    """
    from matplotlib.testing.compare import compare_images
    from matplotlib.testing.exceptions import ImageComparisonFailure

    with tempfile.TemporaryDirectory() as folder:
        expected = Path(folder, "stored.png")
        actual = Path(folder, "fresh.png")
        expected.write_bytes(base64.b64decode(stored))
        actual.write_bytes(base64.b64decode(fresh))
        try:
            result = compare_images(
                str(expected), str(actual), tol=0, in_decorator=True
            )
        except ImageComparisonFailure as error:
            if "sizes do not match" not in str(error):
                raise
            return math.inf
    return 0.0 if result is None else float(result["rms"])


def compare_cell(
    fresh: list,
    stored: list,
    specs: dict[str, set[str]],
    ignored: bool = False,
    tolerance: float = FIGURE_TOLERANCE,
) -> list[str]:
    """Problems between a cell's fresh and stored outputs (nbformat output
    dicts) that nbval does not look at; empty if none. ``ignored``: the
    cell is tagged nbval-ignore-output (figures compared by size only).
    """
    problems = []
    old_figures, new_figures = _figures(stored), _figures(fresh)
    if len(old_figures) != len(new_figures):
        problems.append(
            f"{len(old_figures)} stored figure(s), the fresh run drew "
            f"{len(new_figures)}"
        )
    for number, (old, new) in enumerate(
        zip(old_figures, new_figures), start=1
    ):
        rms = figure_difference(old, new)
        if rms == math.inf:
            problems.append(
                f"figure {number} has another size than the stored one "
                "(re-run `make notebooks`)"
            )
        elif not ignored and not rms <= tolerance:
            problems.append(
                f"figure {number} differs from the stored one: RMS "
                f"{rms:.2f} > {tolerance} (re-run `make notebooks`)"
            )
    old_records, new_records = _records(stored), _records(fresh)
    for name, old in old_records.items():
        if name in MEASURED:
            continue
        if name not in new_records:
            problems.append(f"glue record {name!r} was not recorded")
            continue
        problem = record_problem(
            name, old, new_records[name], specs.get(name, set())
        )
        if problem:
            problems.append(problem)
    return problems
