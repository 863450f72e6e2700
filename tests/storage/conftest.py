"""The storage suite runs against both backends: every test taking ``ws`` or ``backend`` runs twice.

``files`` is the one-machine workspace (tinydb + SQLite); ``postgres`` is a schema of its own on the
session's real PostgreSQL (tests/pgcluster.py), with ``KIT_DATABASE_URL`` and ``KIT_TOKEN_KEY`` set, so
subprocesses started by a test use it too.
"""

from __future__ import annotations

import os

import pytest

BACKENDS = ["files", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    """The backend of this run of the test (its environment set for subprocesses too)."""
    if request.param == "postgres":
        if not os.environ.get("KIT_DATABASE_URL"):
            request.getfixturevalue("postgres_env")
    else:
        monkeypatch.delenv("KIT_DATABASE_URL", raising=False)
        monkeypatch.delenv("KIT_TOKEN_KEY", raising=False)
    return request.param


@pytest.fixture
def ws(backend):
    from kit.store import Workspace

    workspace = Workspace()
    assert workspace.backend.name == backend
    yield workspace
    workspace.close()
