"""The browser plumbing shared by the browser tests and
tools/screenshots.py.

* ``serve_directory``: a static file server on 127.0.0.1 (a context
  manager that yields its base URL);
* ``launch_chromium``: headless Chromium through Playwright, with the
  command-line arguments written once here (the executable comes from
  tools/chromium.py, never from Playwright's own download);
* ``block_outside_loopback``: a request router that lets a page reach
  127.0.0.1 only, and records every other request it blocks, so a check
  can assert that the book needs no network;
* ``wait_for_mathjax``: wait until MathJax has typeset a page;
* ``free_port``: a loopback port nothing listens on.
"""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from tools.chromium import find_chromium

LOOPBACK = "127.0.0.1"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A loopback port with nothing listening on it (yet)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the caller's output readable
        pass


@contextmanager
def serve_directory(directory: Path | str) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1; yield the base URL (no trailing
    slash).
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextmanager
def launch_chromium(executable: Path | None = None) -> Iterator:
    """Yield a Playwright ``Browser``: headless Chromium ``executable``
    (by default the one tools/chromium.py finds) with ``CHROMIUM_ARGS``.
    """
    from playwright.sync_api import sync_playwright

    executable = executable or find_chromium()
    if executable is None:
        raise FileNotFoundError(
            "Chromium not found: set $CHROMIUM or install chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def block_outside_loopback(target, blocked: list[str]) -> None:
    """Route every request of ``target`` (a Playwright page or browser
    context): those to 127.0.0.1 go through, any other is aborted and its
    URL appended to ``blocked``.
    """

    def route(route_) -> None:
        url = route_.request.url
        if urlparse(url).hostname == LOOPBACK:
            route_.continue_()
        else:
            blocked.append(url)
            route_.abort()

    target.route("**/*", route)


def wait_for_mathjax(page, timeout: float = 20_000) -> None:
    """Wait until MathJax has typeset ``page`` (its startup promise has
    resolved). Returns at once on a page that does not load MathJax.
    """
    page.wait_for_function(
        """() => {
            if (!window.MathJax) return true;
            if (!(MathJax.startup && MathJax.startup.promise)) return false;
            MathJax.startup.promise.then(() => { window.typesetDone = 1; });
            return window.typesetDone === 1;
        }""",
        timeout=timeout,
    )
