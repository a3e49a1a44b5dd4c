"""Shared settings for the test suite.

The notebooks' stored outputs are produced by `make notebooks` with OMP_NUM_THREADS
unset. nbval re-executes them here with OMP_NUM_THREADS=2 (inherited by every kernel
it starts), so each run of the suite also proves the outputs do not depend on that
setting: every chapter pins its own thread count with utils.set_up().
"""

import os
os.environ["OMP_NUM_THREADS"] = "2"


def pytest_collection_modifyitems(session, config, items):
    """Run the chapters in reverse book order: nothing may depend on an earlier chapter."""
    notebooks = [item for item in items if str(item.fspath).endswith(".ipynb")]
    others = [item for item in items if not str(item.fspath).endswith(".ipynb")]
    files = []
    for item in notebooks:
        if item.fspath not in files:
            files.append(item.fspath)
    by_file = {path: [item for item in notebooks if item.fspath == path] for path in files}
    items[:] = others + [item for path in reversed(files) for item in by_file[path]]
