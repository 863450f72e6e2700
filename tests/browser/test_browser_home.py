"""A browser test run leaves nothing in the real home: Chromium's config, cache and crash reports stay in the test's
temporary folder (``tests/browser/conftest.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

REAL = [Path.home() / ".config", Path.home() / ".cache", Path.home() / ".local" / "share"]


def _browser_entries(root: Path) -> dict[str, float]:
    """Chromium's and Playwright's folders directly under ``root`` (name -> mtime)."""
    if not root.is_dir():
        return {}
    names = ("chromium", "chrome", "ms-playwright", "playwright")
    return {p.name: p.stat().st_mtime for p in root.iterdir() if p.name.lower().startswith(names)}


def test_chromium_writes_its_files_under_the_test_folder(browser, lab_env):
    before = {str(root): _browser_entries(root) for root in REAL}
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<p>olá</p>")
    assert page.inner_text("p") == "olá"
    context.close()
    home = Path(lab_env["browser_home"])
    config = home / ".config"
    # Chromium keeps its crash-report database in $XDG_CONFIG_HOME/chromium*: here, not in ~/.config.
    assert _browser_entries(config), sorted(p.name for p in config.iterdir())
    assert Path(os.environ["HOME"]) != home  # the test process itself keeps its own home
    # No Chromium or Playwright folder appeared in the real home during the run.
    after = {str(root): _browser_entries(root) for root in REAL}
    created = {r: sorted(set(after[r]) - set(before[r])) for r in after if set(after[r]) - set(before[r])}
    assert not created, created
