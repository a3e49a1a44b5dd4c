"""Fixtures of the browser tests (tests/test_book.py,
tests/test_jupyterlab.py); the plumbing itself is tools/browser.py."""

from __future__ import annotations

import pytest

from tests.system import require_chromium, require_playwright
from tools.browser import launch_chromium


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module; skipped (failed under CI)
    where Chromium or Playwright is missing."""
    chromium = require_chromium()
    require_playwright()
    with launch_chromium(chromium) as browser:
        yield browser
