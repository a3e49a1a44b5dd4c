"""Screenshot every page of the built book at desktop and phone widths, for
a visual review.

Usage: python tools/screenshots.py _build/html /tmp/shots     # after `make
book`

Serves the HTML on 127.0.0.1, opens each page of _toc.yml in headless
Chromium (found by tools/chromium.py) at 1280 px and 390 px, blocks every
other request, and writes full-page PNGs named <page>-<width>.png. It also
prints pages whose content is wider than the window (horizontal overflow),
which is what breaks phone reading.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

from tools.book_toc import toc_pages
from tools.chromium import find_chromium

WIDTHS = (1280, 390)
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(html_dir: str, out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=html_dir)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(find_chromium()), args=ARGS
        )
        for width in WIDTHS:
            page = browser.new_page(
                viewport={"width": width, "height": 900}
            )
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if urlparse(route.request.url).hostname == "127.0.0.1"
                    else route.abort()
                ),
            )
            for entry in toc_pages():
                page.goto(f"{base}/{entry}.html", wait_until="load")
                page.wait_for_timeout(500)  # MathJax typesetting
                name = entry.replace("/", "__")
                page.screenshot(
                    path=str(out / f"{name}-{width}.png"), full_page=True
                )
                overflow = page.evaluate(
                    "() => [...document.querySelectorAll('article *')]"
                    ".filter(e => e.getBoundingClientRect().right > "
                    "window.innerWidth + 1"
                    " && !e.closest('.highlight, .output, .cell_output, "
                    ".table-wrapper, mjx-container'))"
                    ".slice(0, 3).map(e => e.tagName + '.' + e.className)"
                )
                if overflow:
                    print(
                        f"{entry} at {width}px: content wider than the "
                        f"window: {overflow}"
                    )
            page.close()
        browser.close()
    httpd.shutdown()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
