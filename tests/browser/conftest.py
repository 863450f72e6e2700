"""Fixtures for the real-browser tests: one JupyterLab and one Chromium per module.

Nothing they run writes into the real home: JupyterLab and Chromium (and Playwright's driver) get ``HOME``,
the XDG folders and ``TMPDIR`` inside the module's temporary folder (Chromium's in a short folder of its own,
removed at the end: its socket path must stay under the Unix limit). Chromium otherwise leaves
``~/.config/chromium*/Crash Reports`` and ``~/.cache/chromium*`` behind (``test_browser_home.py`` checks).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._lab import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason, jupyter_lab

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "reports" / "screenshots"


@pytest.fixture(scope="module")
def lab_env(tmp_path_factory):
    """Notebook copies, workspace and secrets file for the JupyterLab under test."""
    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason} ('make test' installs Chromium)")
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy2(nb, root / nb.name)
    env = {
        "KIT_WORKSPACE": str(base / "workspace"),
        "KIT_SECRETS": str(base / "secrets" / "secrets.json"),
        "KIT_MAPPINGS": str(base / "mappings"),
        **private_home(base / "home"),
    }
    # Chromium's home on a short path of its own: its singleton socket lives in $TMPDIR, and a Unix socket path
    # is at most 107 bytes (under pytest's numbered folder, "pytest-1019/popen-gw1/...", Chromium aborted).
    browser_home = Path(tempfile.mkdtemp(prefix="kit-chromium-"))
    try:
        yield {"base": base, "root": root, "env": env, "browser_home": browser_home}
    finally:
        shutil.rmtree(browser_home, ignore_errors=True)


def private_home(home: Path) -> dict[str, str]:
    """``HOME``, the XDG folders and ``TMPDIR`` under ``home`` (created): where a process writes its own files."""
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "TMPDIR": str(home / "tmp"),
    }
    for key in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "TMPDIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` for the block (Playwright's driver reads it when it starts), then restored."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def lab(lab_env):
    with jupyter_lab(lab_env["root"], lab_env["env"], lab_env["base"]) as server:
        yield server


@pytest.fixture(scope="module")
def browser(lab_env):
    from playwright.sync_api import sync_playwright

    home = private_home(lab_env["browser_home"])
    with environment(home):  # Playwright's driver starts with the private home, the test process keeps its own
        pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            timeout=60_000,
            env={**os.environ, **home},
        )
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(Exception):  # a crashed page must not hide the real failure
                pg.screenshot(path=str(SCREENSHOTS / f"failed-{request.node.name}.png"), full_page=True, timeout=10_000)
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
