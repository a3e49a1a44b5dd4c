"""Read and run every chapter the way a reader does: `make lab`, in headless
Chromium.

One JupyterLab server (the project's own, started with the same settings as
`make lab`) serves a temporary copy of chapters/ on 127.0.0.1 with a token,
so autosave never touches the repository. For each chapter the test checks
what a reader sees:

* a quiet start: no news pop-up, no kernel dialog, before or after running;
* the MyST markup rendered by jupyterlab-myst: none of the raw markers
  ({term}, {doc}, {numref}, {eq}, {cite, :::, ```{, (eq-, the glue markers)
  is left in the text;
* every figure's caption shown (its ``图：…`` cell), no figure label as
  text; citations shown as authors and year, no key of references.bib;
* the exercise answers collapsed until clicked, and open when clicked;
* Run > Run All Cells runs every code cell without an error output.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tools.book_toc import ROOT, chapters
from tools.browser import block_outside_loopback, free_port

CHAPTERS = chapters()
# overrides.json: JupyterLab defaults that travel with the repository
LAB_SETTINGS = ROOT / "jupyterlab"
RAW_MARKERS = [
    "{term}",
    "{doc}",
    "{numref}",
    "{eq}",
    "{cite",
    ":::",
    "```{",
    "(eq-",
    "<!--",
    "glue:",
]


BIB_KEYS = re.findall(
    r"^@\w+\{([^,\s]+),",
    (ROOT / "references.bib").read_text(encoding="utf-8"),
    re.M,
)


def test_make_lab_uses_the_repositorys_lab_settings():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lab_line = next(
        line for line in makefile.splitlines() if "jupyter lab" in line
    )
    assert "--LabApp.app_settings_dir=$(CURDIR)/jupyterlab" in lab_line
    overrides = json.loads(
        (LAB_SETTINGS / "overrides.json").read_text(encoding="utf-8")
    )
    assert (
        overrides["@jupyterlab/apputils-extension:notification"][
            "fetchNews"
        ]
        == "false"
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    work = tmp_path_factory.mktemp("lab")
    notebooks, home = work / "chapters", work / "home"
    shutil.copytree(
        ROOT / "chapters",
        notebooks,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
    )
    # The reader's own settings stay untouched; this test's user settings
    # only turn off
    # windowing, so that every cell of a chapter is rendered and can be
    # checked.
    tracker = (
        home
        / "settings"
        / "@jupyterlab"
        / "notebook-extension"
        / "tracker.jupyterlab-settings"
    )
    tracker.parent.mkdir(parents=True)
    tracker.write_text(
        json.dumps({"windowingMode": "none"}), encoding="utf-8"
    )
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
        [
            str(jupyter),
            "lab",
            f"--LabApp.app_settings_dir={LAB_SETTINGS}",
            # window.jupyterapp, to wait for app.restored
            "--LabApp.expose_app_in_browser=True",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={notebooks}",
            "--ServerApp.port_retries=0",
        ]
        + (
            ["--allow-root"]
            if hasattr(os, "geteuid") and os.geteuid() == 0
            else []
        ),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=notebooks,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(
                    f"{base}/api/status?token={token}", timeout=2
                ) as response:
                    if response.status == 200:
                        break
            except OSError:
                if (
                    process.poll() is not None
                    or time.monotonic() > deadline
                ):
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.5)
        context = browser.new_context(
            viewport={"width": 1400, "height": 900}
        )
        page = context.new_page()
        page.blocked = []
        block_outside_loopback(page, page.blocked)
        in_flight = page.in_flight = set()
        page.on("request", lambda request: in_flight.add(request))
        page.on("requestfinished", lambda r: in_flight.discard(r))
        page.on("requestfailed", lambda r: in_flight.discard(r))
        yield base, token, page, notebooks
        context.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def shut_down_kernels(base: str, token: str) -> None:
    with urllib.request.urlopen(
        f"{base}/api/sessions?token={token}", timeout=10
    ) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(
            f"{base}/api/sessions/{session['id']}?token={token}",
            method="DELETE",
        )
        urllib.request.urlopen(request, timeout=10).close()


def wait_until_settled(page) -> None:
    """Wait until JupyterLab has restored its layout (``app.restored``)
    and no request of the page is in flight, then for two frames to be
    painted.

    JupyterLab's news prompt (apputils-extension:announcements) is emitted
    once ``app.restored`` and its config request have resolved, so a
    pop-up or dialog of the start is on screen by then.
    """
    page.wait_for_function("() => window.jupyterapp", timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    deadline = time.monotonic() + 60
    while page.in_flight:
        if time.monotonic() > deadline:
            pytest.fail(
                "requests still in flight after 60 s: "
                f"{[request.url for request in page.in_flight]}"
            )
        page.wait_for_timeout(50)
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame("
        "() => requestAnimationFrame(done)))"
    )


def run_all_cells(page) -> None:
    first_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first
    # a click that lands while the menu is still opening is lost
    for _attempt in range(3):
        page.locator("li.lm-MenuBar-item", has_text="Run").first.click()
        item = page.locator(
            "li.lm-Menu-item", has_text="Run All Cells"
        ).first
        item.wait_for(state="visible", timeout=10_000)
        item.click()
        try:
            page.wait_for_function(
                "p => /\\[(\\*|\\d+)\\]/.test(p.textContent)",
                arg=first_prompt.element_handle(),
                timeout=15_000,
            )
            return
        except Exception:
            page.keyboard.press("Escape")
    pytest.fail("Run All Cells did not start")


@pytest.mark.parametrize(
    "chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS]
)
def test_chapter_reads_and_runs_in_jupyterlab(lab, chapter):
    base, token, page, copies = lab
    relative = chapter.relative_to(ROOT / "chapters").as_posix()
    notebook = json.loads((copies / relative).read_text(encoding="utf-8"))
    num_code_cells = sum(
        1 for cell in notebook["cells"] if cell["cell_type"] == "code"
    )
    num_answers = sum(
        "".join(c["source"]).count(":class: dropdown")
        for c in notebook["cells"]
        if c["cell_type"] == "markdown"
    )

    page.goto(f"{base}/lab/tree/{relative}?reset&token={token}")
    page.wait_for_selector(
        ".jp-Notebook .jp-MarkdownCell .myst", timeout=60_000
    )
    page.wait_for_selector(
        ".jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=60_000,
    )
    wait_until_settled(page)
    assert page.locator(".jp-Dialog").count() == 0, (
        "a dialog is open after opening the chapter"
    )
    assert page.locator(".Toastify__toast").count() == 0, (
        "a notification pops up on a fresh start"
    )

    # The MyST markup is rendered, not shown raw. jupyterlab-myst renders
    # the cells one by one: wait until every one is (or time out).
    num_markdown_cells = sum(
        1 for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )
    page.wait_for_function(
        "n => document.querySelectorAll("
        "'.jp-MarkdownCell .lm-Widget.myst').length >= n",
        arg=num_markdown_cells,
        timeout=60_000,
    )
    markdown = page.eval_on_selector_all(
        ".jp-MarkdownCell .lm-Widget.myst",
        "cells => cells.map(c => c.innerText)",
    )
    assert len(markdown) == num_markdown_cells
    text = "\n".join(markdown)
    left = [marker for marker in RAW_MARKERS if marker in text]
    assert not left, f"raw MyST markup shown in JupyterLab: {left}"

    # Every figure has its caption under it, and no figure label shows.
    captions = [
        cell["metadata"]["mystnb"]["figure"]["caption"]
        for cell in notebook["cells"]
        if "figure" in cell.get("metadata", {}).get("mystnb", {})
    ]
    # math in a caption is typeset, so compare the text between formulas
    missing = [
        c
        for c in captions
        if not all(
            piece.strip() in text
            for piece in re.split(r"\$[^$]*\$", f"图：{c}")
        )
    ]
    assert not missing, (
        f"figures without a caption in JupyterLab: {missing}"
    )
    labels = re.findall(r"fig-[a-z][\w-]*", text)
    assert not labels, f"figure labels shown as text: {labels}"

    # Citations read as authors and year, never as a key of references.bib.
    keys = [key for key in BIB_KEYS if re.search(rf"\b{key}\b", text)]
    assert not keys, f"bibliography keys shown as text: {keys}"

    # The answers are collapsed until the reader opens them.
    answers = page.locator(".jp-MarkdownCell details")
    assert answers.count() == num_answers >= 1
    assert not any(
        answers.nth(i).evaluate("d => d.open")
        for i in range(answers.count())
    )
    answers.first.locator("summary").click()
    assert answers.first.evaluate("d => d.open")

    run_all_cells(page)
    page.wait_for_function(
        """n => {
            const prompts = [...document.querySelectorAll(
                '.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length === n
                && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        arg=num_code_cells,
        timeout=240_000,
    )
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    ).count()
    dialogs = page.locator(".jp-Dialog").count()
    shut_down_kernels(base, token)
    assert errors == 0
    assert dialogs == 0, "a dialog is open after Run All"
    assert page.blocked == [], page.blocked
