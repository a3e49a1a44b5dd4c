"""Run a chapter the way a reader does: in JupyterLab, through the UI, in headless Chromium.

JupyterLab (installed from the project's requirements) serves a temporary copy of
the chapter on 127.0.0.1 with a token, so the reader's autosave never touches the
repository. The test clicks Run > Run All Cells and checks that every code cell ran,
none produced an error, and the last one printed what the stored notebook says.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_book import CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "preliminaries" / "tensor_basics.ipynb"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stored_last_output(path: Path) -> tuple[int, str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    last = code[-1]
    text = "".join("".join(o.get("text", "")) for o in last["outputs"] if o["output_type"] == "stream")
    return len(code), text.strip()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; {INSTALL_HINT}")
    pytest.importorskip("playwright.sync_api", reason="playwright missing; pip install -r requirements.txt")
    work = tmp_path_factory.mktemp("lab")
    notebooks, home = work / "notebooks", work / "home"
    notebooks.mkdir()
    home.mkdir()
    shutil.copy(CHAPTER, notebooks / CHAPTER.name)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
    )
    jupyter = Path(sys.executable).parent / "jupyter"
    process = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
         "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=notebooks,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.5)
        yield base, token, notebooks
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_run_all_cells_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    base, token, notebooks = lab
    num_code_cells, expected_last = stored_last_output(CHAPTER)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        blocked = []
        page.route(
            "**/*",
            lambda route: route.continue_()
            if route.request.url.startswith(base)
            else (blocked.append(route.request.url), route.abort()),
        )
        page.goto(f"{base}/lab/tree/{CHAPTER.name}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        first_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first
        for _attempt in range(3):  # a click that lands while the menu is still opening is lost
            page.locator("li.lm-MenuBar-item", has_text="Run").first.click()
            item = page.locator("li.lm-Menu-item", has_text="Run All Cells").first
            item.wait_for(state="visible", timeout=10_000)
            item.click()
            try:
                page.wait_for_function(
                    "p => /\\[(\\*|\\d+)\\]/.test(p.textContent)", arg=first_prompt.element_handle(), timeout=15_000
                )
                break
            except Exception:
                page.keyboard.press("Escape")
        # every code cell shows its execution count once it has run
        page.wait_for_function(
            """n => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                return prompts.length === n && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""",
            arg=num_code_cells,
            timeout=240_000,
        )
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count()
        last_cell = page.locator(".jp-CodeCell").last
        last_cell.scroll_into_view_if_needed()  # JupyterLab only renders the cells in view
        last_cell.locator(".jp-OutputArea-output").first.wait_for(timeout=20_000)
        last_output = last_cell.locator(".jp-OutputArea-output").inner_text()
        browser.close()
    assert errors == 0
    assert last_output.strip() == expected_last
    assert blocked == [], blocked
