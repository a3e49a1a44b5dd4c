"""Unit tests for tools/nbval_extras.py (figures and glue records compared
after nbval; tests/test_guards.py shows the whole pass failing).
"""

import base64
import io
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from tools import nbval_extras, prose_numbers  # noqa: E402
from tools.book_toc import chapters  # noqa: E402


@pytest.mark.parametrize(
    ("value", "spec", "unit"),
    [
        (7, "d", 1),
        (19_900, ",d", 1),
        (0.9587, ".4f", 1e-4),
        (0.9587, ".1%", 1e-3),
        (0.5, ".0%", 1e-2),
        (2.6e-08, ".1e", 1e-9),
        (123.4, "g", 1e-3),
        (0.01234, ".3g", 1e-4),
    ],
)
def test_the_unit_of_the_last_stated_digit(value, spec, unit):
    assert nbval_extras.stated_unit(value, spec) == pytest.approx(unit)


def test_an_unknown_format_spec_is_named():
    with pytest.raises(ValueError, match="spec must be one of.*'>10'"):
        nbval_extras.stated_unit(1.0, ">10")


def png(width: float, mirrored: bool = False, label: str = "1/6") -> str:
    figure, ax = plt.subplots(figsize=(width, 2))
    x = [0, 1, 2, 3]
    ax.plot(x, x[::-1] if mirrored else x, label=label)
    ax.legend()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figure(data: str) -> dict:
    return {"output_type": "display_data", "data": {"image/png": data}}


def record(name: str, value) -> dict:
    return {
        "output_type": "display_data",
        "data": {prose_numbers.GLUE_MIME: repr(value)},
        "metadata": {"scrapbook": {"name": name}},
    }


def test_figures_are_compared_by_pixels_or_in_ignored_cells_by_size():
    same, other = png(3), png(3, mirrored=True)
    compare = nbval_extras.compare_cell
    assert compare([figure(same)], [figure(same)], {}) == []
    (problem,) = compare([figure(other)], [figure(same)], {})
    assert "figure 1 differs from the stored one" in problem
    assert compare([figure(other)], [figure(same)], {}, ignored=True) == []
    (problem,) = compare([figure(png(4))], [figure(same)], {}, ignored=True)
    assert "another size" in problem
    (problem,) = compare([], [figure(same)], {})
    assert "1 stored figure(s), the fresh run drew 0" in problem


def test_a_one_character_legend_change_is_a_stale_figure():
    """The tolerance is tight enough for small edits ("1/6" -> "1/5")."""
    stored, fresh = png(6, label="1/6"), png(6, label="1/5")
    assert nbval_extras.figure_difference(stored, fresh) > (
        nbval_extras.FIGURE_TOLERANCE
    )
    (problem,) = nbval_extras.compare_cell(
        [figure(fresh)], [figure(stored)], {}
    )
    assert "differs from the stored one" in problem


def test_records_stay_within_one_unit_of_the_number_the_prose_shows():
    specs = {"acc": {".1%"}}  # the prose shows 95.9%

    def compare(new):
        return nbval_extras.compare_cell(
            [record("acc", new)], [record("acc", 0.9587)], specs
        )

    assert compare(0.9594) == []
    assert compare(0.9581) == []  # 95.8%: one unit below 95.9%
    (problem,) = compare(0.95766)  # 1.04 units from the stored value,
    assert "the prose shows 95.9%" in problem  # 1.23 from the prose's
    assert compare(0.9600) == []  # 96.0%: one unit above
    (problem,) = compare(0.9610)
    assert "fresh run gives 0.961 (96.1%)" in problem
    (problem,) = nbval_extras.compare_cell([], [record("acc", 0.9)], specs)
    assert "'acc' was not recorded" in problem


def test_every_marker_of_a_record_is_checked():
    specs = {"n": {".0f", ".2f"}}
    fresh, stored = [record("n", 7.004)], [record("n", 7.0)]
    assert nbval_extras.compare_cell(fresh, stored, specs) == []
    fresh = [record("n", 7.02)]  # within 1 of "7", not of "7.00"
    (problem,) = nbval_extras.compare_cell(fresh, stored, specs)
    assert "shows 7.00" in problem


def test_measured_records_are_timings_the_prose_calls_this_runs():
    """The exemption is only for numbers no other run can reproduce."""
    found = set()
    for path in chapters():
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            text = "".join(cell["source"])
            for name in nbval_extras.MEASURED:
                if cell["cell_type"] == "code" and f"glue({name}=" in text:
                    tags = cell["metadata"].get("tags", [])
                    assert "nbval-ignore-output" in tags, name
                    assert "_seconds" in text, name
                    found.add(name)
                if f"<!--glue:{name}:" in text:
                    assert "这次运行" in text, name
    assert found == nbval_extras.MEASURED
