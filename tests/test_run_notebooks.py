"""tools/run_notebooks.py: re-executes a notebook in place,
deterministically and atomically.
"""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "run_notebooks", ROOT / "tools" / "run_notebooks.py"
)
run_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_notebooks)


def test_coalesce_streams_merges_only_neighbours_of_the_same_stream():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "a"},
        {"output_type": "stream", "name": "stdout", "text": "b\n"},
        {"output_type": "stream", "name": "stderr", "text": "warn\n"},
        {"output_type": "display_data", "data": {}, "metadata": {}},
        {"output_type": "stream", "name": "stdout", "text": "c\n"},
    ]
    merged = run_notebooks.coalesce_streams(outputs)
    assert [o.get("text") for o in merged] == [
        "ab\n",
        "warn\n",
        None,
        "c\n",
    ]


def test_execute_notebook_writes_outputs_in_place_without_timing(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import os\nprint(os.getcwd() == %r)" % str(tmp_path)
            ),
            nbformat.v4.new_code_cell(
                "for i in range(3):\n    print(i, end=' ', flush=True)"
            ),
        ]
    )
    path = tmp_path / "demo.ipynb"
    nbformat.write(notebook, path)
    path.chmod(0o644)
    seconds = run_notebooks.execute_notebook(path)
    assert seconds > 0
    stored = json.loads(path.read_text(encoding="utf-8"))
    first, second = stored["cells"]

    def text(output):  # stored as a list of lines
        return "".join(output["text"])

    # runs in the notebook's own folder
    assert text(first["outputs"][0]) == "True\n"
    assert (
        len(second["outputs"]) == 1
        and text(second["outputs"][0]) == "0 1 2 "
    )
    assert [c["execution_count"] for c in stored["cells"]] == [1, 2]
    assert all("execution" not in c["metadata"] for c in stored["cells"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo.ipynb"
    ]  # no temp file left
    # keeps the mode of the original
    assert path.stat().st_mode & 0o777 == 0o644


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
