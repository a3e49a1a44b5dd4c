"""Find the Chromium that the browser tests and tools/screenshots.py drive.

``$CHROMIUM`` if set, else ``chromium`` or ``chromium-browser`` on ``PATH``
(Debian's package installs /usr/bin/chromium). Never Playwright's own
download.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def find_chromium() -> Path | None:
    candidates = [
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None
