"""Helpers for the real-browser tests: a JupyterLab server on loopback and Chromium.

Everything is bounded in time and cleaned up even on failure: the server and
every process it started (kernels included) are stopped by process id.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path(os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium"))
# What works on this kind of machine (closed network, root, no screen).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 90


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return (
            f"Chromium cannot be installed here: {CHROMIUM} is missing "
            "('make browser-deps' installs Debian's chromium when run as root)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(slots=True)
class LabServer:
    """A running JupyterLab: where it is and how to stop it."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen
    log_path: Path

    def lab_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"

    def log_tail(self, n: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-n:]
        return ""


def _stop(proc: subprocess.Popen, url: str, token: str) -> None:
    """Ask the server to shut down (it stops its kernels), then make sure, by pid."""
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    with contextlib.suppress(OSError, urllib.error.URLError):
        req = urllib.request.Request(f"{url}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"})
        urllib.request.urlopen(req, timeout=5).close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=5)
    alive = [c for c in children if c.is_running()]
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, still = psutil.wait_procs(alive, timeout=5)
    for child in still:
        with contextlib.suppress(psutil.Error):
            child.kill()


@contextlib.contextmanager
def jupyter_lab(root: Path, env: dict[str, str], work: Path) -> Iterator[LabServer]:
    """Start JupyterLab on 127.0.0.1 (random port, token) serving ``root``."""
    token = secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    config = work / "jupyter-config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    # No news feed or update checks: the network is closed and they would only add noise.
    (config / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}'
    )
    full_env = {
        **os.environ,
        **env,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(work / "jupyter-runtime"),
        "IPYTHONDIR": str(work / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    log_path = work / "jupyterlab.log"
    last_error = ""
    for _attempt in range(3):  # the random port may be taken between probe and bind
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [
            str(jupyter),
            "lab",
            "--no-browser",
            f"--IdentityProvider.token={token}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # CI machines run as root
        log = open(log_path, "ab")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(cmd, cwd=root, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        server = LabServer(url, token, root, proc, log_path)
        deadline = time.monotonic() + START_TIMEOUT_S
        ready = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as resp:
                    ready = resp.status == 200
            except (OSError, urllib.error.URLError):
                ready = False
            if ready:
                break
            time.sleep(0.3)
        if ready:
            try:
                yield server
            finally:
                _stop(proc, url, token)
            return
        last_error = server.log_tail()
        _stop(proc, url, token)
    raise RuntimeError(f"JupyterLab did not start in {START_TIMEOUT_S}s:\n{last_error}")


def copy_notebooks(src: Path, dst: Path, names: list[str]) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(src / name, dst / name)
