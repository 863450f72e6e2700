"""Fixtures for the real-browser tests: one JupyterLab and one Chromium per module."""

from __future__ import annotations

import contextlib
import shutil
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
        "XDG_CONFIG_HOME": str(base / "xdg-config"),
        "XDG_DATA_HOME": str(base / "xdg-data"),
        "HOME": str(base / "home"),
    }
    (base / "home").mkdir()
    return {"base": base, "root": root, "env": env}


@pytest.fixture(scope="module")
def lab(lab_env):
    with jupyter_lab(lab_env["root"], lab_env["env"], lab_env["base"]) as server:
        yield server


@pytest.fixture(scope="module")
def browser(lab_env):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            timeout=60_000,
        )
        try:
            yield b
        finally:
            b.close()


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
