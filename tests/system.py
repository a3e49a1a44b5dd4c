"""System programs the reader-facing tests need, found the same way
everywhere.

Chromium is found by tools/chromium.py (``$CHROMIUM``, then ``chromium`` or
``chromium-browser`` on ``PATH``). Where a program is missing the test is
skipped with the install command as the reason, except under CI (``CI`` set,
as ``.ci/run`` and GitHub Actions do), where a missing program fails the
test: a green CI run must have run every check of what the reader sees.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.chromium import find_chromium

INSTALL_HINT = (
    "install it with: apt-get install -y chromium fonts-noto-cjk "
    "(never `playwright install`)"
)


def under_ci() -> bool:
    """``CI`` set to a true value, as CI services do (``CI=true``);
    ``CI=false`` or ``CI=0`` in a developer's shell is not CI.
    """
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``; under CI, fail with it."""
    if under_ci():
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


def require_chromium() -> Path:
    chromium = find_chromium()
    if chromium is None:
        skip_or_fail(f"Chromium not found; {INSTALL_HINT}")
    return chromium


def require_playwright() -> None:
    """Playwright's Python package (the driver; the browser is the system
    Chromium)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("playwright missing; pip install -r requirements.txt")
