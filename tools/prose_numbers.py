"""Numbers in a chapter's prose that come from its code, kept true
automatically.

A code cell records a result with ``utils.glue``, which writes exactly what
MyST-NB's ``glue(name, value, display=False)`` writes (hidden from the
reader in both the web edition and JupyterLab) without MyST-NB's second of
imports::

    from utils import glue
    glue("mlp_gap_images", gap_images)

and the markdown states the number right after an invisible marker that
names the record and the format spec (Python's ``format``)::

    多层感知机多认对了 <!--glue:mlp_gap_images:d-->7 张测试图片

The number stays literal text, so it reads the same on the web, in
JupyterLab (whose MyST renderer does not resolve ``{glue:text}``), in the
PDF and on GitHub. After a notebook is re-executed, :func:`refresh` rewrites
every marked number from the values the run recorded
(``tools/run_notebooks.py`` does this), and ``tests/test_prose_numbers.py``
fails if a marked number differs from its record or names one that does not
exist.
"""

from __future__ import annotations

import ast
import re

from utils.environment import GLUE_MIME  # one definition, beside glue

MARKER = re.compile(
    r"<!--glue:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<spec>[^>]*?))?-->"
)
# The literal number after a marker: digits with an optional sign,
# thousands commas (followed by exactly three digits: "7, 8" and "3,4" are
# two numbers), decimals, exponent and %.
NUMBER = re.compile(r"[-−]?\d+(?:,\d{3}(?!\d))*(?:\.\d+)?(?:e[-+]?\d+)?%?")


def recorded_values(notebook: dict) -> dict[str, object]:
    """``{name: value}`` of every ``glue`` record in the notebook's stored
    outputs.
    """
    values: dict[str, object] = {}
    for cell in notebook["cells"]:
        for output in (
            cell.get("outputs", []) if cell["cell_type"] == "code" else []
        ):
            data = output.get("data", {})
            name = (
                output.get("metadata", {}).get("scrapbook", {}).get("name")
            )
            if name and GLUE_MIME in data:
                text = data[GLUE_MIME]
                text = "".join(text) if isinstance(text, list) else text
                if name in values:
                    raise ValueError(
                        f"glue name {name!r} is recorded twice"
                    )
                values[name] = ast.literal_eval(text)
    return values


def markers(notebook: dict) -> list[tuple[int, re.Match, str]]:
    """``(cell index, marker match, cell source)`` for every marker in the
    markdown cells.
    """
    found = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            found.extend(
                (index, match, source) for match in MARKER.finditer(source)
            )
    return found


def expected_text(value: object, spec: str | None) -> str:
    """The text a marker with format ``spec`` must be followed by."""
    return format(value, spec or "")


def stated(source: str, end: int, want: str) -> str:
    """The whole number the prose states right after a marker ending at
    ``end`` ("" if none): check and refresh read the same text.

    A "%" after the number belongs to it only when the recorded value's
    text ``want`` has one (``.1%``); after a value recorded in percent
    (``13.06`` with ``.2f``) it is the prose's unit and stays.
    """
    number = NUMBER.match(source, end)
    text = number.group(0) if number else ""
    if text.endswith("%") and not want.endswith("%"):
        text = text[:-1]
    return text


def check(notebook: dict) -> list[str]:
    """Problems with the notebook's marked numbers (an empty list when all
    are true).
    """
    values = recorded_values(notebook)
    problems = []
    for index, match, source in markers(notebook):
        name, spec = match["name"], match["spec"]
        if name not in values:
            problems.append(
                f"cell {index}: {match[0]} names no glue record "
                f"(recorded: {sorted(values)})"
            )
            continue
        want = expected_text(values[name], spec)
        have = stated(source, match.end(), want)
        if have != want:
            problems.append(
                f"cell {index}: {match[0]} is followed by {have!r}, but "
                f"the code recorded {want!r}"
            )
    return problems


def refresh(notebook: dict) -> int:
    """Rewrite every marked number from the recorded values; return how many
    changed.
    """
    values = recorded_values(notebook)
    changed = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        pieces, position = [], 0
        for match in MARKER.finditer(source):
            name, spec = match["name"], match["spec"]
            if name not in values:
                raise KeyError(
                    f"{match[0]} names no glue record; recorded: "
                    f"{sorted(values)}"
                )
            want = expected_text(values[name], spec)
            old_end = match.end() + len(stated(source, match.end(), want))
            changed += source[match.end() : old_end] != want
            pieces += [source[position : match.end()], want]
            position = old_end
        pieces.append(source[position:])
        cell["source"] = "".join(pieces)
    return changed
