"""Shared settings for the test suite.

Every chapter's first cell pins its thread counts with utils.set_up(), so
the stored outputs do not depend on how many threads the test machine
offers.

`pytest chapters --other-cpu` runs the chapters as if on another x86 CPU
(portable ATen kernels, MKL and oneDNN limited to AVX2; see
tools/other_cpu.py). `make test` runs the whole suite, then this second
pass.

nbval compares every cell's fresh outputs with the stored ones except
figures and the cells tagged nbval-ignore-output; after it, each cell's
figures and glue records are compared too (tools/nbval_extras.py).
"""

import json
import os
import platform

import pytest
from nbval.plugin import IPyNbCell

from tools import nbval_extras
from tools.other_cpu import OTHER_CPU_ENV, X86, probe

# Relies on nbval 0.11's internals (pinned): IPyNbCell.runtest, and the
# fresh outputs it leaves in self.test_outputs. A rename fails loudly.
_nbval_runtest = IPyNbCell.runtest


def _runtest_and_compare_figures_and_records(self):
    _nbval_runtest(self)
    notebook = self.parent
    if not hasattr(notebook, "prose_specs"):
        stored = json.loads(self.path.read_text(encoding="utf-8"))
        notebook.prose_specs = nbval_extras.prose_specs(stored)
    if self.cell.execution_count is None:
        return  # an unrun cell has no stored outputs to compare
    problems = nbval_extras.compare_cell(
        self.test_outputs,
        self.cell.outputs,
        notebook.prose_specs,
        ignored=not self.options["check"],
    )
    if problems:
        self.raise_cell_error(
            "Figures or recorded numbers differ", "\n".join(problems)
        )


IPyNbCell.runtest = _runtest_and_compare_figures_and_records


def pytest_addoption(parser):
    parser.addoption(
        "--other-cpu",
        action="store_true",
        help="run the kernels as if on another x86 CPU "
        "(see tools/other_cpu.py)",
    )


def pytest_configure(config):
    if config.getoption("--other-cpu"):
        if not X86:
            pytest.exit(
                "--other-cpu emulates another x86 CPU; this machine is "
                f"{platform.machine()}: nothing to emulate, pass skipped",
                returncode=0,
            )
        # Set before any kernel starts: nbval's kernels inherit this
        # process's environment. Probe that environment itself, so that a
        # pass which did not apply the variables stops here instead of
        # proving nothing.
        os.environ.update(OTHER_CPU_ENV)
        seen = probe(os.environ)
        if seen["aten"] != "DEFAULT":
            raise pytest.UsageError(
                f"--other-cpu: kernels would run with ATen {seen['aten']}, "
                "not its portable DEFAULT kernels (tools/other_cpu.py)"
            )


def pytest_report_header(config):
    if config.getoption("--other-cpu"):
        return "other CPU: " + " ".join(
            f"{key}={value}" for key, value in OTHER_CPU_ENV.items()
        )
    return None


def pytest_collection_modifyitems(session, config, items):
    """Run the chapters in reverse book order: nothing may depend on an
    earlier chapter.
    """
    notebooks = [
        item for item in items if str(item.fspath).endswith(".ipynb")
    ]
    others = [
        item for item in items if not str(item.fspath).endswith(".ipynb")
    ]
    files = []
    for item in notebooks:
        if item.fspath not in files:
            files.append(item.fspath)
    by_file = {
        path: [item for item in notebooks if item.fspath == path]
        for path in files
    }
    items[:] = others + [
        item for path in reversed(files) for item in by_file[path]
    ]
