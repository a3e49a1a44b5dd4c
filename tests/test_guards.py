"""Every guard of the book's promises is shown failing on its defect.

A check that cannot fail is a broken promise. Each test here copies the
repository (its tracked and new files, as they are in the working tree)
to a temporary folder, applies the defect a guard exists to catch, runs
the guard there in a fresh pytest and asserts that the guarding tests
fail (most tests: exactly those), with their own message. The unmutated
repository is the control: the same tests pass in the normal run of the
suite.

The PDF's figure count is shown biting in tests/test_pdf.py (it needs the
built PDF); the guards of utils' arguments are ordinary unit tests.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.book_toc import ROOT
from tools.other_cpu import OTHER_CPU_ENV, X86

TENSORS = "chapters/preliminaries/tensor_basics.ipynb"
ECDF = "chapters/preliminaries/empirical_distribution.ipynb"


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        check=True,
    ).stdout.splitlines()
    return [name for name in listed if (ROOT / name).is_file()]


@pytest.fixture
def book(tmp_path) -> Path:
    """A scratch copy of the repository to break."""
    copy = tmp_path / "book"
    for name in tracked_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return copy


def run_pytest(root: Path, *args: str, **env: str) -> tuple[set[str], str]:
    """Run pytest in ``root``; return the failed test ids and the output.

    The scratch copy's ``utils`` and ``tools`` are imported, in pytest and
    in every kernel nbval starts (``PYTHONPATH``), not the installed ones.
    """
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in OTHER_CPU_ENV and key != "PYTEST_XDIST_WORKER"
    }
    environment.update(PYTHONPATH=str(root), **env)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
        + ["-rfEs", "--color=no", *args],
        cwd=root,
        env=environment,
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    output = result.stdout + result.stderr
    failed = set(
        re.findall(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", output, re.M)
    )
    return failed, output


def function_names(failed: set[str]) -> set[str]:
    """The test functions behind failed ids (``file::name[param]``)."""
    return {test_id.split("::")[1].split("[")[0] for test_id in failed}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, notebook: dict) -> None:
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def outputs_with(notebook: dict, key: str, ignored: bool | None = None):
    """(cell, output) pairs whose output data holds ``key``; ``ignored``
    selects cells with or without the nbval-ignore-output tag.
    """
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if ignored is not None and ignored != (
            "nbval-ignore-output" in tags
        ):
            continue
        for output in cell.get("outputs", []):
            if key in output.get("data", {}):
                yield cell, output


def nbval_id(path: str, notebook: dict, cell: dict) -> str:
    """nbval's test id of a code cell: it numbers the code cells only."""
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    return f"{path}::Cell {code.index(cell)}"


def flipped_png(encoded: str) -> str:
    """The same PNG, mirrored left to right: same size, other pixels."""
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(base64.b64decode(encoded)))
    buffer = io.BytesIO()
    matplotlib.image.imsave(buffer, pixels[:, ::-1], format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_a_prose_number_with_an_extra_digit_fails(book):
    path = book / TENSORS
    notebook = load(path)
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        match = re.search(r"<!--glue:(\w+):d-->\d+", source)
        if cell["cell_type"] == "markdown" and match:
            cell["source"] = source.replace(match[0], match[0] + "5", 1)
            break
    else:
        pytest.fail(f"{TENSORS} has no integer prose number to break")
    save(path, notebook)
    failed, output = run_pytest(book, "tests/test_prose_numbers.py")
    assert failed == {
        "tests/test_prose_numbers.py::"
        f"test_marked_numbers_match_the_recorded_values[{TENSORS}]"
    }, output
    assert match[1] in output


@pytest.mark.skipif(not X86, reason="the emulated CPU is an x86 CPU")
def test_the_other_cpu_pass_without_its_variables_stops(book):
    edit(book / "conftest.py", "os.environ.update(OTHER_CPU_ENV)", "pass")
    _, output = run_pytest(book, "--other-cpu", "tests/test_lint.py")
    assert "kernels would run with ATen" in output, output


def test_stale_figures_and_changed_outputs_fail_the_notebook_pass(book):
    """nbval's own comparison, and the figures and the numbers of ignored
    cells that conftest.py adds to it (tools/nbval_extras.py).
    """
    tensors = load(book / TENSORS)
    (figure_cell, figure), *_ = outputs_with(tensors, "image/png")
    figure["data"]["image/png"] = flipped_png(figure["data"]["image/png"])
    for cell in tensors["cells"]:
        streams = [o for o in cell.get("outputs", []) if "text" in o]
        tags = cell["metadata"].get("tags", [])
        text = "".join(streams[0]["text"]) if streams else ""
        checked = "nbval-ignore-output" not in tags
        if checked and cell is not figure_cell and "1" in text:
            streams[0]["text"] = text.replace("1", "7", 1)
            printed_cell = cell
            break
    else:
        pytest.fail(f"{TENSORS} prints no digit 1 in a checked cell")
    save(book / TENSORS, tensors)

    ecdf = load(book / ECDF)
    (glue_cell, record), *_ = outputs_with(
        ecdf, "application/papermill.record/text/plain", ignored=True
    )
    name = record["metadata"]["scrapbook"]["name"]
    value = float(record["data"]["application/papermill.record/text/plain"])
    # far more than one unit of the last digit the prose states it to
    changed = repr(value * 1.5 + 1)
    record["data"]["application/papermill.record/text/plain"] = changed
    for cell in ecdf["cells"]:
        figures = [
            o for o in cell.get("outputs", []) if "image/png" in str(o)
        ]
        if figures and cell is not glue_cell:
            cell["outputs"].remove(figures[0])
            removed_cell = cell
            break
    save(book / ECDF, ecdf)

    failed, output = run_pytest(book, TENSORS, ECDF)
    assert failed == {
        nbval_id(TENSORS, tensors, figure_cell),
        nbval_id(TENSORS, tensors, printed_cell),
        nbval_id(ECDF, ecdf, glue_cell),
        nbval_id(ECDF, ecdf, removed_cell),
    }, output
    assert "figure 1 differs from the stored one" in output
    assert "Cell outputs differ" in output
    assert f"glue record {name!r}" in output
    # (a removed figure is caught by nbval itself: the figure's
    # display_data also holds text/plain, "<Figure size ...>")


def test_removing_utils_checks_fails_their_unit_tests(book):
    utils = book / "utils"
    edit(utils / "training.py", "with torch.no_grad():", "if True:")
    edit(
        utils / "training.py",
        'getattr(loss, "reduction", None) == "sum"',
        "False",
    )
    edit(
        utils / "environment.py",
        "threadpool_limits(limits=num_threads)",
        "",
    )
    edit(
        utils / "plotting.py",
        "isinstance(get_ipython(), ZMQInteractiveShell)",
        'type(get_ipython()).__name__ == "ZMQInteractiveShell"',
    )
    failed, output = run_pytest(
        book,
        "tests/test_training.py",
        "tests/test_environment.py",
        "tests/test_plotting.py",
    )
    names = function_names(failed)
    assert names == {
        "test_evaluate_accuracy_restores_training_mode_and_uses_no_grad",
        "test_train_classifier_rejects_bad_input",
        "test_set_up_limits_blas_threads",
        "test_a_subclassed_notebook_shell_counts_as_a_notebook",
    }, output


def test_chapter_defects_fail_the_policy_tests(book):
    path = book / TENSORS
    notebook = load(path)
    cells = notebook["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    markdown = next(c for c in cells[1:] if c["cell_type"] == "markdown")
    # a line that starts with an HTML comment turns the paragraph into
    # raw HTML
    markdown["source"] = "<!-- a note -->\n" + "".join(markdown["source"])
    # a code cell pasted twice
    long_code = next(c for c in code if len("".join(c["source"])) > 200)
    twin = json.loads(json.dumps(long_code))
    twin["id"] = "guard-duplicate"
    cells.insert(cells.index(long_code) + 1, twin)
    # timing metadata left by an editor
    code[1]["metadata"]["execution"] = {"iopub.status.idle": "2026"}
    # the answer check shown on the web page with its code removed
    code[-1]["metadata"]["tags"] = ["remove-input"]
    # the author's home folder in a printed output
    printed = next(
        o for c in code for o in c.get("outputs", []) if "text" in o
    )
    printed["text"] = "".join(printed["text"]) + "/Users/ann/data.csv\n"
    # an ignored output whose claim no assert checks
    unchecked = next(
        c
        for i, c in enumerate(code[:-1])
        if "assert" not in "".join(c["source"])
        and "assert" not in "".join(code[i + 1]["source"])
        and c.get("outputs")
    )
    unchecked["metadata"].setdefault("tags", []).append(
        "nbval-ignore-output"
    )
    save(path, notebook)
    # a live plot in a compared cell (3.2)
    softmax = book / "chapters/linear_networks/softmax_regression.ipynb"
    notebook = load(softmax)
    for cell in notebook["cells"]:
        if "train_classifier(" in "".join(cell["source"]):
            cell["source"] = "".join(cell["source"]).replace(
                "plot=False", "plot=True"
            )
            cell["metadata"]["tags"].remove("nbval-ignore-output")
            break
    save(softmax, notebook)
    # a utils docstring that names a chapter which does not use the name
    edit(
        book / "utils" / "models.py",
        "回归 (chapters/linear_networks/softmax_regression.ipynb).",
        "回归 (chapters/preliminaries/preprocessing.ipynb).",
    )

    failed, output = run_pytest(
        book,
        "tests/test_notebook_policy.py",
        "-k",
        "tensor_basics or softmax_regression or names_a_chapter",
    )
    names = function_names(failed)
    assert names == {
        "test_no_markdown_line_starts_with_an_html_comment",
        "test_no_cell_is_misplaced_code_or_a_duplicate",
        "test_outputs_are_stored_in_order_without_errors_or_svg",
        "test_answer_checks_are_hidden_in_one_way",
        "test_no_machine_paths_in_outputs",
        "test_tags_not_comment_markers_and_ignored_outputs_are_checked",
        "test_live_training_plots_are_in_ignored_cells",
        "test_every_public_utils_function_names_a_chapter_that_uses_it",
    }, output
    # each defect by its own message (the duplicate alone would also fail
    # the execution-count check of the timing-metadata test)
    for message in (
        "<!-- a note -->",
        "cells repeated",
        "timing metadata in cell",
        "tag it hide-cell only",
        "/Users/ann/data.csv",
        "ignores its output but no assert",
        "draws a live plot",
        "names preprocessing.ipynb, which",
    ):
        assert message in output, message


def test_a_line_over_76_columns_fails_the_lint(book):
    path = book / "utils" / "data.py"
    # a comment the formatter leaves alone: only the line length is wrong
    long_line = "# " + " ".join(["too many words"] * 6) + "\n"
    path.write_text(long_line + path.read_text(encoding="utf-8"), "utf-8")
    failed, output = run_pytest(book, "tests/test_lint.py")
    names = function_names(failed)
    assert names == {"test_code_passes_the_linter"}, output
    assert "E501" in output


@pytest.mark.parametrize("ci", ["", "false", "true"])
def test_a_missing_browser_is_a_loud_skip_and_a_ci_failure(book, ci):
    probe = book / "tests" / "test_browser_probe.py"
    probe.write_text(
        "from tests.system import require_chromium\n\n\n"
        "def test_needs_a_browser():\n"
        "    require_chromium()\n",
        encoding="utf-8",
    )
    # Chromium is nowhere to be found: not named, not on PATH
    failed, output = run_pytest(
        book,
        str(probe.relative_to(book)),
        CHROMIUM="",
        PATH=str(Path(sys.executable).parent),
        CI=ci,
    )
    if ci == "true":
        assert failed, output
        assert "CI must run this test: Chromium not found" in output
    else:
        assert not failed, output
        assert re.search(r"SKIPPED .*Chromium not found; install", output)
