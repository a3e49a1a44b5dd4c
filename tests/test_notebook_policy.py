"""The book's rules for notebooks, checked on every chapter.

nbval (configured in pyproject.toml) re-executes each notebook and compares
outputs; these tests check the rules nbval cannot see: every chapter is in
the table of contents, starts with the set-up call, stores PNG (never SVG)
figures, has no error outputs, uses tags instead of comment markers, backs
every ignored output with an assert about what that cell computed, and
tags the cells that check the exercises' answers in one way.
"""

import ast
import json
import re
import sys
import types
from pathlib import Path

import pytest

from tools.book_toc import ROOT, chapters, toc_pages

NOTEBOOKS = chapters()
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
# how a cell shows on the web page and in the PDF (MyST-NB's tags)
VISIBILITY_TAGS = {
    "hide-input",
    "hide-output",
    "hide-cell",
    "remove-input",
    "remove-output",
    "remove-cell",
}
KNOWN_TAGS = VISIBILITY_TAGS | {"nbval-ignore-output", "raises-exception"}
# The cells after 练习 check the answers in the dropdown: collapsed on the
# web page (a click opens them), printed in full in the PDF (MyST-NB hides
# cells in HTML only), shown as they are in JupyterLab. CONTRIBUTING.md,
# item 11.
ANSWER_CHECK_TAG = "hide-cell"
FIGURE_LINK = re.compile(r"\[([^\]]*)\]\(#(fig-[\w-]+)\)")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(notebook: dict) -> list[dict]:
    return [
        cell for cell in notebook["cells"] if cell["cell_type"] == "code"
    ]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks under chapters/"


def test_toc_lists_exactly_the_chapters():
    """Every notebook under chapters/ is a page of the book (NOTEBOOKS comes
    from the toc, so only a search of the folder can find one it lacks)."""
    on_disk = [
        p
        for p in (ROOT / "chapters").glob("**/*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    ]
    listed = toc_pages()
    assert len(listed) == len(set(listed)), (
        "a page is listed twice in _toc.yml"
    )
    for entry in listed:
        assert any(
            (ROOT / f"{entry}{ext}").exists() for ext in (".ipynb", ".md")
        ), f"_toc.yml names missing {entry}"
    pages = {str(p.relative_to(ROOT).with_suffix("")) for p in on_disk}
    assert pages <= set(listed), (
        f"chapters not in _toc.yml: {sorted(pages - set(listed))}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_calls_set_up(path):
    first = source(code_cells(load(path))[0])
    assert re.search(r"^utils\.set_up\(", first, re.M), (
        "the first code cell must call utils.set_up(...)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_title_and_chinese_summary_and_exercises(path):
    notebook = load(path)
    markdown = "\n".join(
        source(c) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    titles = re.findall(r"^# \S", markdown, re.M)
    assert len(titles) == 1, "exactly one H1 title per chapter"
    assert "## 小结" in markdown and "## 练习" in markdown
    assert ":class: dropdown" in markdown, (
        "exercise solutions belong in a collapsed dropdown"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_are_stored_in_order_without_errors_or_svg(path):
    every_cell = code_cells(load(path))
    for cell in every_cell:
        assert "execution" not in cell.get("metadata", {}), (
            f"timing metadata in cell {cell['execution_count']} makes "
            "diffs noisy"
        )
    cells = [c for c in every_cell if source(c).strip()]
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        "re-execute the notebook top to bottom (make notebooks)"
    )
    for cell in cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                assert "raises-exception" in tags, (
                    f"stored error in cell {cell['execution_count']}"
                )
            assert "image/svg+xml" not in output.get("data", {}), (
                "figures must be PNG"
            )
        kinds = [(o["output_type"], o.get("name")) for o in cell["outputs"]]
        assert all(
            a != b or a[0] != "stream" for a, b in zip(kinds, kinds[1:])
        ), (
            f"cell {cell['execution_count']} has split stream outputs: "
            "regenerate with tools/run_notebooks.py"
        )


def syntax_tree(text: str) -> ast.Module:
    """The cell's Python, with IPython's %magic and !shell lines blanked."""
    lines = text.splitlines()
    return ast.parse(
        "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in lines
        )
    )


def bound_names(tree: ast.AST) -> set[str]:
    """Names a cell defines or assigns (comprehension variables, local to
    their comprehension, excepted)."""
    local = {
        id(node)
        for comp in ast.walk(tree)
        if isinstance(comp, ast.comprehension)
        for node in ast.walk(comp.target)
    }
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            if id(node) not in local:
                names.add(node.id)
        elif isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
            }
    return names


def asserted_names(tree: ast.AST) -> set[str]:
    """Names mentioned by the assert statements of a cell."""
    return {
        node.id
        for statement in ast.walk(tree)
        if isinstance(statement, ast.Assert)
        for node in ast.walk(statement)
        if isinstance(node, ast.Name)
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_tags_not_comment_markers_and_ignored_outputs_are_checked(path):
    """An ``nbval-ignore-output`` cell is backed by an assert, in the same
    or the next code cell, about a name that the ignored cell defines or
    assigns: an assert on anything else does not check its claim."""
    cells = code_cells(load(path))
    for index, cell in enumerate(cells):
        text = source(cell)
        assert not re.search(r"#\s*NBVAL_", text), (
            "use cell tags, not # NBVAL_ comments"
        )
        tags = set(cell.get("metadata", {}).get("tags", []))
        assert tags <= KNOWN_TAGS, f"unknown tags {tags - KNOWN_TAGS}"
        if "nbval-ignore-output" in tags:
            tree = syntax_tree(text)
            checked = asserted_names(tree)
            if index + 1 < len(cells):
                checked |= asserted_names(
                    syntax_tree(source(cells[index + 1]))
                )
            assert checked & bound_names(tree), (
                f"cell {cell['execution_count']} ignores its output but "
                "no assert (in it or the next code cell) checks a name "
                "it defines"
            )


def draws_live_plot(node: ast.AST) -> bool:
    """A call of TrainingPlot, or of train_classifier without plot=False."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else None
    name = func.id if isinstance(func, ast.Name) else name
    if name == "TrainingPlot":
        return True
    plot_off = any(
        keyword.arg == "plot"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is False
        for keyword in node.keywords
    )
    return name == "train_classifier" and not plot_off


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_live_training_plots_are_in_ignored_cells(path):
    """A live plot (``TrainingPlot``, or ``train_classifier`` without
    ``plot=False``) redraws its figure through display updates, which nbval
    does not collect: its stored final frame would be compared with the
    first. Such a cell is tagged nbval-ignore-output, where only the
    figure's size is compared (tools/nbval_extras.py)."""
    for cell in code_cells(load(path)):
        if any(map(draws_live_plot, ast.walk(syntax_tree(source(cell))))):
            tags = cell.get("metadata", {}).get("tags", [])
            assert "nbval-ignore-output" in tags, (
                f"cell {cell['execution_count']} draws a live plot: tag "
                "it nbval-ignore-output, or pass plot=False"
            )


def exercises_heading(cells: list[dict]) -> int:
    """Index of the markdown cell that holds the ``## 练习`` heading."""
    return max(
        index
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "markdown"
        and re.search(r"^## 练习\s*$", source(cell), re.M)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_answer_checks_are_hidden_in_one_way(path):
    """Every code cell after ``## 练习`` checks the answers in the dropdown
    and carries exactly one visibility tag, ``hide-cell``
    (``nbval-ignore-output`` may come with it). Cells before the heading
    (figure code, the read_idx example of 3.2) may use any tag."""
    cells = load(path)["cells"]
    after = cells[exercises_heading(cells) + 1 :]
    for index, cell in enumerate(after):
        if cell["cell_type"] != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        assert tags & VISIBILITY_TAGS == {ANSWER_CHECK_TAG}, (
            f"answer check {index + 1} after 练习 is tagged "
            f"{sorted(tags)}: tag it {ANSWER_CHECK_TAG} only "
            "(CONTRIBUTING.md, item 11)"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_machine_paths_in_outputs(path):
    # Linux, macOS (/Users, and /var/folders, the temporary folder, which is
    # also /private/var/folders) and Windows (backslashes doubled by JSON)
    pattern = re.compile(
        r"(/work/|/home/|/root/|/tmp/|/Users/|/var/folders/"
        r"|[A-Z]:\\\\Users)"
    )
    for cell in code_cells(load(path)):
        for output in cell["outputs"]:
            assert not pattern.search(json.dumps(output)), (
                f"machine path in output of cell {cell['execution_count']}"
            )


def test_readme_chapter_table_matches_the_toc_and_the_titles():
    """The README's chapter table lists the toc's chapters, in order, under
    their own titles.
    """
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\|[^|\n]*\| ([^|\n]+?) \| `(chapters/[^`]+\.ipynb)` \|$",
        readme,
        re.M,
    )
    assert rows, "no chapter rows found in README.md"
    listed = [page for page in toc_pages() if page.startswith("chapters/")]
    assert [path for _, path in rows] == [
        f"{page}.ipynb" for page in listed
    ]
    for title, path in rows:
        notebook = load(ROOT / path)
        heading = next(
            line
            for cell in notebook["cells"]
            if cell["cell_type"] == "markdown"
            for line in source(cell).splitlines()
            if line.startswith("# ")
        )
        assert heading[2:].strip() == title, (
            f"README says {title!r}, {path} is titled {heading[2:]!r}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chapters_link_to_each_other_with_links_jupyterlab_can_follow(path):
    """{doc} roles become /files/<name> links in JupyterLab (a 404);
    [text](name.ipynb) works everywhere.
    """
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            text = source(cell)
            assert "{doc}" not in text, (
                "link chapters as [text](../part/name.ipynb), not with "
                "{doc}"
            )
            for target in re.findall(
                r"\]\(([^)#\s]+\.(?:ipynb|md))(?:#[^)]*)?\)", text
            ):
                assert (path.parent / target).resolve().is_file(), (
                    f"broken link to {target}"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_directive_fences_are_longer_than_the_code_fences_inside_them(path):
    """A ```{admonition} that holds a ```python block is closed by the inner
    block's closing fence.

    Neither Sphinx nor JupyterLab warns: the rest of the answer silently
    spills out of the dropdown. The outer fence must be longer
    (````{admonition} ... ````).
    """
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        open_fences = []  # lengths of the fences we are inside
        for line in source(cell).splitlines():
            match = re.match(r"^\s*(`{3,})(.*)$", line)
            if not match:
                continue
            ticks, info = len(match.group(1)), match.group(2).strip()
            if open_fences and not info and ticks >= open_fences[-1]:
                open_fences.pop()
            elif info:
                assert not open_fences or ticks < open_fences[-1], (
                    f"a {ticks}-backtick block opens inside a "
                    f"{open_fences[-1]}-backtick one: "
                    f"make the outer fence longer ({line.strip()[:40]})"
                )
                open_fences.append(ticks)


def code_of(path: Path) -> str:
    return "\n".join(source(cell) for cell in code_cells(load(path)))


def uses_utils_name(code: str, name: str) -> bool:
    return bool(
        re.search(
            rf"(utils\.{name}\b|from utils import [^\n]*\b{name}\b)", code
        )
    )


def test_every_public_utils_name_is_used_by_a_chapter():
    """utils holds what the chapters reuse: a name no chapter's code uses is
    taught nowhere.
    """
    import utils

    code = "\n".join(code_of(path) for path in NOTEBOOKS)
    unused = [
        name for name in utils.__all__ if not uses_utils_name(code, name)
    ]
    assert not unused, f"public utils names no chapter uses: {unused}"


def chapter_numbers() -> dict[str, Path]:
    """``{"3.2": <softmax_regression.ipynb>, "1": ...}`` from the titles."""
    numbers = {}
    for path in NOTEBOOKS:
        for cell in load(path)["cells"]:
            if cell["cell_type"] == "markdown":
                title = re.search(
                    r"^# (\d+(?:\.\d+)?) ", source(cell), re.M
                )
                if title:
                    numbers[title.group(1)] = path
    return numbers


def named_chapters(doc: str, numbers: dict[str, Path]) -> set[Path]:
    """The chapters a docstring names: by path (chapters/…/x.ipynb) or by
    number and title (``3.2 softmax 回归``, ``1 前言``). A number that is
    no chapter's (``p=0.5``) names nothing."""
    doc = " ".join(doc.split())
    named = {ROOT / p for p in re.findall(r"chapters/[\w/-]+\.ipynb", doc)}
    for number in re.findall(r"(?<![\w.])(\d+(?:\.\d+)?) (?=[^\W\d])", doc):
        if number in numbers:
            named.add(numbers[number])
    return named


def test_every_public_utils_function_names_a_chapter_that_uses_it():
    """The chapter a docstring names must exist and derive or use the
    name: it defines it (``def name``/``class name``) or calls
    ``utils.name``."""
    import utils

    numbers = chapter_numbers()
    for name in utils.__all__:
        doc = getattr(utils, name).__doc__ or ""
        named = named_chapters(doc, numbers)
        assert named, f"utils.{name}'s docstring names no chapter"
        for path in named:
            assert path.is_file(), f"utils.{name} names missing {path}"
            code = code_of(path)
            assert uses_utils_name(code, name) or re.search(
                rf"^\s*(def|class) {name}\b", code, re.M
            ), (
                f"utils.{name}'s docstring names {path.name}, which "
                "neither defines nor uses it"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_has_a_caption_in_every_edition(path):
    """The figure form of CONTRIBUTING.md (item 10).

    MyST-NB numbers and captions a figure from its code cell's
    ``mystnb.figure`` metadata (web and PDF); JupyterLab's MyST renderer
    ignores that metadata, so the next cell, a markdown cell tagged
    ``remove-cell`` (dropped from the web and the PDF), holds the same
    caption as ``图：<caption>`` for JupyterLab.
    """
    cells = load(path)["cells"]
    names = []
    for index, cell in enumerate(cells):
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
        if cell["cell_type"] != "code" or figure is None:
            continue
        name, caption = figure.get("name", ""), figure.get("caption", "")
        assert name.startswith("fig-") and caption, (index, figure)
        names.append(name)
        after = cells[index + 1] if index + 1 < len(cells) else {}
        assert after.get("cell_type") == "markdown", (
            f"{name}: the cell after the figure must hold its caption"
        )
        assert "remove-cell" in after["metadata"].get("tags", []), name
        assert source(after).strip() == f"图：{caption}", (
            f"{name}: caption cell and metadata differ"
        )
    assert len(names) == len(set(names)), "a figure name is used twice"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figure_references_never_show_a_label(path):
    """{numref} shows its raw label in JupyterLab: figures are linked
    instead.

    ``[上图](#fig-x)`` must point to a figure above the link,
    ``[下图](#fig-x)`` to one below it, and every link to a figure of this
    chapter.
    """
    cells = load(path)["cells"]
    where = {
        cell["metadata"]["mystnb"]["figure"]["name"]: index
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        and "figure" in cell.get("metadata", {}).get("mystnb", {})
    }
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        assert "{numref}" not in text, f"cell {index}: use [下图](#fig-…)"
        for label, target in FIGURE_LINK.findall(text):
            assert target in where, f"cell {index}: no figure {target}"
            assert label and target not in label, (index, label)
            if "上图" in label:
                assert where[target] < index, f"{target} is not above"
            if "下图" in label:
                assert where[target] > index, f"{target} is not below"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_numbers_are_recorded_with_utils_glue(path):
    for cell in code_cells(load(path)):
        text = source(cell)
        assert "myst_nb" not in text, "record numbers with utils.glue"
        calls = re.findall(r"(?<![\w.])glue\(", text)
        assert not calls, "call utils.glue(name=value, ...)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_cell_is_misplaced_code_or_a_duplicate(path):
    """Catches editing accidents: code pasted into a markdown cell, a cell
    pasted twice."""
    cells = load(path)["cells"]
    statements = (ast.Assign, ast.FunctionDef, ast.Import, ast.ImportFrom)
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        try:
            tree = ast.parse(source(cell))
        except SyntaxError:
            continue
        code = [node for node in tree.body if isinstance(node, statements)]
        assert not code, f"cell {index} is Python in a markdown cell"
    long_sources = [
        source(cell) for cell in cells if len(source(cell).strip()) > 60
    ]
    repeated = {s for s in long_sources if long_sources.count(s) > 1}
    assert not repeated, f"cells repeated: {[s[:60] for s in repeated]}"


CITATION = re.compile(r"\[([^\]]+)\]\(cite:([^)\s]+)\)")


def bib_entries() -> dict:
    from pybtex.database import parse_file

    return parse_file(ROOT / "references.bib").entries


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_citations_read_as_authors_and_year_everywhere(path):
    """``{cite}`` shows its bare key in JupyterLab: a citation is a link
    ``[Zhang 等, 2023](cite:zhang2023dive)`` whose text names the entry's
    first author and year (tools/citations.py links it on the web and in
    the PDF)."""
    entries = bib_entries()
    for index, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        assert "{cite" not in text, (
            f"cell {index}: write [作者, 年](cite:键)"
        )
        for label, key in CITATION.findall(text):
            assert key in entries, (
                f"cell {index}: {key} not in references.bib"
            )
            entry = entries[key]
            people = entry.persons.get("author") or entry.persons.get(
                "editor"
            )
            surname = " ".join(people[0].last_names).strip("{}")
            year = entry.fields["year"]
            assert surname in label and year in label, (index, label, key)
            assert key not in label, (index, label)


GUARD_MESSAGE = "notebooks.zip"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_a_chapter_opened_without_utils_says_where_to_get_it(
    path, monkeypatch
):
    """Run the first cell with ``utils`` missing: the reader gets a short
    Chinese message naming the archive, not a bare traceback."""
    first = source(code_cells(load(path))[0])
    monkeypatch.setitem(sys.modules, "utils", None)  # import utils fails
    with pytest.raises(ModuleNotFoundError) as raised:
        exec(compile(first, str(path), "exec"), {})
    message = str(raised.value)
    assert GUARD_MESSAGE in message and "utils" in message
    assert raised.value.__suppress_context__  # raised ... from None


@pytest.mark.parametrize("kind", ["file", "folder"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_a_chapter_that_imports_another_utils_names_it(
    path, kind, monkeypatch, tmp_path
):
    """A reader's own utils.py (or utils/ folder) beside the notebook comes
    before the book's on the import path: the first cell names the file it
    found and says to rename it, instead of failing later on a missing
    utils.set_up."""
    first = source(code_cells(load(path))[0])
    shadow = types.ModuleType("utils")
    if kind == "file":
        found = tmp_path / "utils.py"
        shadow.__file__ = str(found)
    else:  # a folder without __init__.py: a namespace package
        found = tmp_path / "utils"
        shadow.__file__ = None
        shadow.__path__ = [str(found)]
    monkeypatch.setitem(sys.modules, "utils", shadow)
    with pytest.raises(ImportError) as raised:
        exec(compile(first, str(path), "exec"), {})
    message = str(raised.value)
    assert str(found) in message and "改" in message and "名" in message
    assert "重启内核" in message


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_markdown_line_starts_with_an_html_comment(path):
    """A line that starts with ``<!--`` (a glue marker) opens a raw HTML
    block: the whole paragraph then renders unformatted, on the web and in
    JupyterLab (no bold, no formulas, no links)."""
    for index, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                assert not line.lstrip().startswith("<!--"), (index, line)
