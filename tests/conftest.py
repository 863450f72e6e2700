"""Shared fixtures: every test gets its own workspace and secrets file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Point the workspace, secrets file and XDG dirs at the test's tmp dir."""
    monkeypatch.setenv("KIT_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setenv("KIT_SECRETS", str(tmp_path / "secrets" / "secrets.json"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    for name in list(os.environ):
        if name.startswith("KIT_SECRET__"):
            monkeypatch.delenv(name)
    yield tmp_path


@pytest.fixture
def workspace(isolated_env):
    from kit.store import Workspace

    ws = Workspace()
    yield ws
    ws.close()


def run_kit(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 120):
    """Run the real ``kit`` CLI in a subprocess; returns CompletedProcess."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kit", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )


@pytest.fixture
def kit_cli():
    return run_kit
