"""Shared fixtures: every test gets its own workspace and secrets file."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Kernels, matplotlib and Airflow write into the home unless told otherwise: the whole session's go to a
# temporary folder (IPython's history database, matplotlib's font cache, AIRFLOW_HOME's logs).
_SESSION_HOME = tempfile.mkdtemp(prefix="kit-test-home-")
for _name in ("IPYTHONDIR", "MPLCONFIGDIR", "AIRFLOW_HOME"):
    os.environ[_name] = os.path.join(_SESSION_HOME, _name.lower())
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)


#: ``KIT_TEST_BACKEND=postgres`` runs every test on a PostgreSQL schema of its own (default: files)
TEST_BACKEND = os.environ.get("KIT_TEST_BACKEND", "files")


def pytest_collection_modifyitems(config, items):
    """Long tests first, the order otherwise kept: parallel workers (``make test``) then end on short ones."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch, request):
    """Point the workspace, secrets file and XDG dirs at the test's tmp dir (and the database, if any)."""
    monkeypatch.setenv("KIT_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setenv("KIT_SECRETS", str(tmp_path / "secrets" / "secrets.json"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    for name in list(os.environ):
        if name.startswith("KIT_SECRET__") or name in ("KIT_DATABASE_URL", "KIT_TOKEN_KEY", "KIT_RUN_RETENTION_DAYS"):
            monkeypatch.delenv(name)
    if TEST_BACKEND == "postgres":
        request.getfixturevalue("postgres_env")
    yield tmp_path


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL server for the session (Debian's, in a temp directory on 127.0.0.1; see tests/pgcluster.py)."""
    from tests.pgcluster import Cluster, unavailable_reason

    reason = unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """A URL to a fresh schema of the session's cluster (dropped after the test)."""
    name, url = pg_cluster.new_schema()
    yield url
    from kit.connectors.ratelimit import close_stores
    from kit.storage.tokens import close_token_stores

    close_token_stores()
    close_stores()
    pg_cluster.drop_schema(name)


@pytest.fixture
def postgres_env(pg_url, monkeypatch):
    """This test's workspace in PostgreSQL: ``KIT_DATABASE_URL`` and ``KIT_TOKEN_KEY`` set."""
    from kit.storage.tokens import new_token_key

    monkeypatch.setenv("KIT_DATABASE_URL", pg_url)
    monkeypatch.setenv("KIT_TOKEN_KEY", new_token_key())
    return pg_url


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
