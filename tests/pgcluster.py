"""A throwaway PostgreSQL for the tests: Debian's server, an unprivileged cluster in a temp directory on 127.0.0.1.

``make postgres-deps`` (part of ``make test``) installs Debian's ``postgresql``.
:class:`Cluster` runs ``initdb`` and ``pg_ctl`` as an unprivileged user (root
cannot run postgres: as root, as the ``postgres`` user the Debian package
creates, through ``runuser``), with a random password (scram-sha-256), TCP on
127.0.0.1 only, no Unix socket, and durability off (a test cluster; ``settings`` overrides, e.g. a bench turns
``fsync`` back on). Each test
gets a schema of its own (:meth:`Cluster.new_schema`: the URL carries its
``search_path``); :meth:`Cluster.stop` stops the server and removes the
directory (also at interpreter exit, if a session is cut short).

:func:`unavailable_reason` says why the PostgreSQL tests cannot run here (no
server binaries); a server that is installed but does not start is an error,
not a skip.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

__all__ = ["Cluster", "unavailable_reason", "bindir"]

STOP_TIMEOUT_S = 60
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
}


def bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are (Debian: the newest ``/usr/lib/postgresql/N/bin``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run_as() -> list[str]:
    """The words that run a command as the cluster's owner: ``runuser -u postgres --`` when root, else nothing."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError: no such user
    return ["runuser", "-u", "postgres", "--"]


def unavailable_reason() -> str | None:
    """Why a PostgreSQL cluster cannot be started here, or ``None``."""
    if bindir() is None:
        return (
            "PostgreSQL is not installed here: 'make postgres-deps' installs Debian's postgresql "
            "(needs root and apt-get)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as (root cannot run postgres)"
        if not shutil.which("runuser"):
            return "running as root without 'runuser' to start the server as the 'postgres' user"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One server for a test session (see the module docstring)."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.settings = {**SETTINGS, **(settings or {})}
        self.bin = bindir()
        self.dir: Path | None = None
        self.port = 0
        self.password = secrets.token_urlsafe(18)
        self._schemas = 0

    @property
    def data(self) -> Path:
        assert self.dir is not None
        return self.dir / "data"

    def _as_owner(self, *words: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*_run_as(), *words], capture_output=True, text=True, timeout=timeout, check=False)

    def start(self) -> Cluster:
        assert self.bin is not None, unavailable_reason()
        self.dir = Path(tempfile.mkdtemp(prefix="kit-pg-"))
        atexit.register(self.stop)
        pwfile = self.dir / "pw"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            for path in (self.dir, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        init = self._as_owner(str(self.bin / "initdb"), "-D", str(self.data), "-U", "kit", "-A", "scram-sha-256",
                              f"--pwfile={pwfile}", "-E", "UTF8", "--no-locale", "-N")  # fmt: skip
        pwfile.unlink()
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr[-2000:]}")
        for _attempt in range(5):  # another process may take the free port first
            self.port = _free_port()
            options = " ".join(f"-c {k}={v}" for k, v in {**self.settings, "port": str(self.port)}.items())
            started = self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                                     "-w", "-t", "60", "-o", options, "start")  # fmt: skip
            if started.returncode == 0:
                return self
        log = (self.dir / "log").read_text(errors="replace")[-2000:] if (self.dir / "log").exists() else ""
        raise RuntimeError(f"pg_ctl could not start the test cluster: {started.stderr[-1000:]} {log}")

    @property
    def url(self) -> str:
        return f"postgresql://kit:{quote(self.password)}@127.0.0.1:{self.port}/postgres"

    def new_schema(self) -> tuple[str, str]:
        """A fresh schema: ``(name, URL whose search_path is that schema)``."""
        import psycopg

        self._schemas += 1
        name = f"t{os.getpid()}_{self._schemas}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return name, f"{self.url}?options=-csearch_path%3D{name}"

    def drop_schema(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '10s'")  # never hang a test's teardown: the cluster goes at the end
            with contextlib.suppress(psycopg.errors.LockNotAvailable):
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def stop(self) -> None:
        if self.dir is None:
            return
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                               timeout=STOP_TIMEOUT_S)  # fmt: skip
        deadline = time.monotonic() + 10
        while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
