"""tools/run_notebooks.py: re-executes a notebook in place,
deterministically and atomically.
"""

import json

import nbformat
import pytest

from tools import run_notebooks


def test_execute_notebook_writes_outputs_in_place_without_timing(tmp_path):
    # as a previous run left it: stale outputs, counts and timing metadata
    stale = nbformat.v4.new_output("stream", name="stdout", text="old\n")
    timing = {"iopub.status.busy": "2020-01-01T00:00:00Z"}
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import os\nprint(os.getcwd() == %r)" % str(tmp_path),
                outputs=[stale],
                execution_count=7,
                metadata={"tags": ["keep-me"], "execution": timing},
            ),
            nbformat.v4.new_code_cell(
                "import sys\nfor i in range(3):\n"
                "    print(i, end=' ', flush=True)\n"
                "for i in range(2):\n"
                "    print('e', end='', file=sys.stderr, flush=True)",
                metadata={"execution": timing},
            ),
        ]
    )
    path = tmp_path / "demo.ipynb"
    nbformat.write(notebook, path)
    path.chmod(0o640)
    run_notebooks.execute_notebook(path)
    stored = json.loads(path.read_text(encoding="utf-8"))
    first, second = stored["cells"]

    def text(output):  # stored as a list of lines
        return "".join(output["text"])

    # runs in the notebook's own folder; the stale output is gone
    assert [text(o) for o in first["outputs"]] == ["True\n"]
    # the neighbouring chunks of each stream merged
    assert [(o["name"], text(o)) for o in second["outputs"]] == [
        ("stdout", "0 1 2 "),
        ("stderr", "ee"),
    ]
    assert [c["execution_count"] for c in stored["cells"]] == [1, 2]
    assert [c["metadata"] for c in stored["cells"]] == [
        {"tags": ["keep-me"]},
        {},
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo.ipynb"
    ]  # no temp file left
    # keeps the mode of the original
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_failing_notebook_leaves_the_original_untouched(tmp_path):
    path = tmp_path / "bad.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell("1 / 0")]
        ),
        path,
    )
    before = path.read_bytes()
    with pytest.raises(Exception, match="ZeroDivisionError"):
        run_notebooks.execute_notebook(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ipynb"]
