"""Shared settings for the test suite.

The notebooks' stored outputs are produced by `make notebooks` with
OMP_NUM_THREADS unset. nbval re-executes them here with OMP_NUM_THREADS=2
(inherited by every kernel it starts), so each run of the suite also proves
the outputs do not depend on that setting: every chapter pins its own thread
count with utils.set_up().

`pytest chapters --other-cpu` runs the chapters as if on another x86 CPU
(portable ATen kernels, MKL and oneDNN limited to AVX2; see
tools/other_cpu.py). `make test` runs the whole suite, then this second
pass.
"""

import os

import pytest

from tools.other_cpu import OTHER_CPU_ENV, probe

os.environ["OMP_NUM_THREADS"] = "2"


def pytest_addoption(parser):
    parser.addoption(
        "--other-cpu",
        action="store_true",
        help="run the kernels as if on another x86 CPU "
        "(see tools/other_cpu.py)",
    )


def pytest_configure(config):
    if config.getoption("--other-cpu"):
        # Set before any kernel starts: nbval's kernels inherit this
        # process's
        # environment. Probe that environment itself, so that a pass which
        # did
        # not apply the variables stops here instead of proving nothing.
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
