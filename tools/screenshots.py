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

import sys
from pathlib import Path

from tools.book_toc import toc_pages
from tools.browser import (
    block_outside_loopback,
    launch_chromium,
    serve_directory,
    wait_for_mathjax,
)

WIDTHS = (1280, 390)


def main(html_dir: str, out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with serve_directory(html_dir) as base, launch_chromium() as browser:
        for width in WIDTHS:
            page = browser.new_page(
                viewport={"width": width, "height": 900}
            )
            block_outside_loopback(page, blocked)
            for entry in toc_pages():
                page.goto(f"{base}/{entry}.html", wait_until="load")
                wait_for_mathjax(page)
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
    if blocked:
        print(f"blocked requests outside 127.0.0.1: {sorted(set(blocked))}")
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
