"""Numbers stated in a chapter's prose are the numbers its code recorded.

Each marked number (``<!--glue:name:spec-->7``, see tools/prose_numbers.py)
must be followed by exactly ``format(value, spec)`` of the value that the
chapter recorded with MyST-NB's ``glue``; nbval checks that the recorded
values are what a fresh run produces (except in cells whose output may
differ across CPUs, which an assert checks).
"""

import json

import pytest

from tools import prose_numbers
from tools.book_toc import ROOT, chapters

NOTEBOOKS = chapters()


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS]
)
def test_marked_numbers_match_the_recorded_values(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert prose_numbers.check(notebook) == []


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS]
)
def test_every_record_is_stated_in_the_prose(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    used = {
        match["name"] for _, match, _ in prose_numbers.markers(notebook)
    }
    unused = set(prose_numbers.recorded_values(notebook)) - used
    assert not unused, f"glue records that no marker uses: {sorted(unused)}"


def _notebook(markdown, records):
    outputs = [
        {
            "output_type": "display_data",
            "metadata": {"scrapbook": {"name": name, "mime_prefix": ""}},
            "data": {prose_numbers.GLUE_MIME: repr(value)},
        }
        for name, value in records.items()
    ]
    return {
        "cells": [
            {"cell_type": "code", "source": "", "outputs": outputs},
            {"cell_type": "markdown", "source": markdown},
        ]
    }


def test_check_catches_a_stale_number_and_a_missing_record():
    notebook = _notebook(
        "认对 <!--glue:gap:d-->3 张，<!--glue:missing:.1f-->1.0", {"gap": 7}
    )
    problems = prose_numbers.check(notebook)
    assert len(problems) == 2
    assert "'3'" in problems[0] and "'7'" in problems[0]
    assert "missing" in problems[1]


def test_refresh_rewrites_numbers_and_keeps_the_text_around_them():
    notebook = _notebook(
        "多认对 <!--glue:n:d-->3 张(<!--glue:gap:.2%-->0.67% 个), "
        "<!--glue:gap:.1%-->1.6%。",
        {"n": 7, "gap": 0.015555},
    )
    assert prose_numbers.refresh(notebook) == 2
    assert notebook["cells"][1]["source"] == (
        "多认对 <!--glue:n:d-->7 张(<!--glue:gap:.2%-->1.56% 个), "
        "<!--glue:gap:.1%-->1.6%。"
    )
    assert prose_numbers.check(notebook) == []
    assert prose_numbers.refresh(notebook) == 0


def test_a_name_recorded_twice_is_an_error():
    notebook = _notebook("", {"a": 1})
    notebook["cells"].append(notebook["cells"][0])
    with pytest.raises(ValueError, match="'a' is recorded twice"):
        prose_numbers.recorded_values(notebook)


def test_check_reads_the_whole_stated_number():
    """A recorded 7 does not accept "75", nor 1.5 "1.55": the whole number
    after the marker is compared, as refresh reads it."""
    for prose, values in (
        ("认对 <!--glue:n:d-->75 张", {"n": 7}),
        ("约 <!--glue:r:.1f-->1.55 倍", {"r": 1.5}),
    ):
        notebook = _notebook(prose, values)
        assert len(prose_numbers.check(notebook)) == 1, prose
        assert prose_numbers.refresh(notebook) == 1
        assert prose_numbers.check(notebook) == []


def test_a_percent_sign_after_a_value_recorded_in_percent_stays():
    notebook = _notebook(
        "只有 <!--glue:p:.2f-->13.00% 真的感染", {"p": 13.06}
    )
    assert len(prose_numbers.check(notebook)) == 1
    assert prose_numbers.refresh(notebook) == 1
    assert (
        notebook["cells"][1]["source"]
        == "只有 <!--glue:p:.2f-->13.06% 真的感染"
    )
    assert prose_numbers.check(notebook) == []


def test_a_comma_after_the_number_is_prose_not_a_digit_separator():
    notebook = _notebook(
        "<!--glue:n:,d-->19,900 倍, <!--glue:k:d-->7, 8 和 9",
        {"n": 19_900, "k": 7},
    )
    assert prose_numbers.check(notebook) == []
    notebook = _notebook("共 <!--glue:k:d-->3, 不少", {"k": 7})
    assert prose_numbers.refresh(notebook) == 1
    assert notebook["cells"][1]["source"] == "共 <!--glue:k:d-->7, 不少"
    notebook = _notebook("(<!--glue:k:d-->3,4)", {"k": 7})
    assert prose_numbers.refresh(notebook) == 1
    assert notebook["cells"][1]["source"] == "(<!--glue:k:d-->7,4)"
