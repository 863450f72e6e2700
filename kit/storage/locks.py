"""Named locks that die with their holder: OS file locks (one machine) or PostgreSQL advisory locks (many).

:class:`FileLocks`
    ``<workspace>/locks/<name>.lock`` through ``filelock`` (``flock``): the kernel
    releases it when the holding process dies, however it dies. Beside it,
    ``<name>.lock.json`` says who holds it.
:class:`PgLocks`
    ``pg_try_advisory_lock`` on a connection of the lock's own: the server
    releases it when that connection ends, and a process that dies (``kill -9``
    included) ends its connections at once (its sockets are closed by the
    kernel; a machine that vanishes is noticed by TCP keepalives within about a
    minute). The key is a 64-bit hash of (schema, name), so several kit schemas in
    one database never share a lock. The row ``lock_holder(name)`` says who holds
    it, and is believed only while that server process still holds an advisory lock.

A symbolic link at a lock file (or its ``.json``) is refused: opening it would
truncate whatever it points at.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.storage.paths import mkdir_private, refuse_symlink, safe_child
from kit.storage.sql import PgSession, connect, lock_key

if TYPE_CHECKING:
    import psycopg

__all__ = ["FileLocks", "PgLocks", "FileHeld", "PgHeld", "LOCK_HOLDER_DDL"]

LOCK_HOLDER_DDL = """
CREATE TABLE IF NOT EXISTS lock_holder (
  name TEXT PRIMARY KEY, backend_pid INTEGER NOT NULL, info TEXT NOT NULL, taken_at DOUBLE PRECISION NOT NULL);
"""


class FileHeld:
    """A held file lock: a context manager; :meth:`release` (or leaving the block) gives it back."""

    def __init__(self, lock: Any, info_path: Path) -> None:
        self._lock, self._info = lock, info_path

    def release(self) -> None:
        if self._lock is None:
            return
        with contextlib.suppress(OSError):
            self._info.unlink()
        self._lock.release()
        self._lock = None

    def __enter__(self) -> FileHeld:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class FileLocks:
    """Locks under ``folder`` (``<workspace>/locks``), shared by the processes of one machine."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        return safe_child(self.folder, f"{name}.lock")

    def acquire(self, name: str, *, wait: float = 0.0, info: dict[str, Any] | None = None) -> FileHeld | None:
        from filelock import FileLock, Timeout

        path = self.path(name)
        mkdir_private(path.parent)
        info_path = path.with_name(path.name + ".json")
        refuse_symlink(path)
        refuse_symlink(info_path)  # written below: a link there would be written through
        lock = FileLock(str(path), timeout=max(0.0, wait), is_singleton=False, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            return None
        try:
            info_path.write_text(json.dumps(info or {}, default=str))
        except BaseException:
            lock.release()
            raise
        return FileHeld(lock, info_path)

    def holder(self, name: str) -> dict[str, Any] | None:
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(self.path(name).with_name(f"{name}.lock.json").read_text())
            return data if isinstance(data, dict) else None
        return None


class PgHeld:
    """A held advisory lock and the connection that holds it."""

    def __init__(self, conn: psycopg.Connection[Any], key: int, name: str) -> None:
        self._conn, self.key, self.name = conn, key, name

    @property
    def alive(self) -> bool:
        """False once the lock's connection was lost (the server has then released the lock)."""
        return self._conn is not None and not self._conn.closed and not self._conn.broken

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        with contextlib.suppress(Exception):
            conn.execute("DELETE FROM lock_holder WHERE name=%s AND backend_pid=pg_backend_pid()", (self.name,))
            conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        with contextlib.suppress(Exception):
            conn.close()  # closing alone releases it too

    def __enter__(self) -> PgHeld:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class PgLocks:
    """Advisory locks of one database schema (see the module docstring).

    Args:
        session: the backend's session (for the holder table and the schema name).
    """

    def __init__(self, session: PgSession) -> None:
        self.session = session
        session.ensure_schema("lock_holder", LOCK_HOLDER_DDL)
        self.schema = str(session.query("SELECT current_schema()")[0][0])

    def key(self, name: str) -> int:
        return lock_key(self.schema, "lock", name)

    def acquire(self, name: str, *, wait: float = 0.0, info: dict[str, Any] | None = None) -> PgHeld | None:
        import psycopg

        key = self.key(name)
        conn = connect(self.session.url, application="canais-kit-lock")
        try:
            if wait > 0:
                conn.execute(f"SET statement_timeout = {int(wait * 1000)}")
                try:
                    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
                    got = True
                except psycopg.errors.QueryCanceled:
                    got = False
                conn.execute("SET statement_timeout = 0")
            else:
                got = bool(conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0])
            if not got:
                conn.close()
                return None
            conn.execute(
                "INSERT INTO lock_holder(name, backend_pid, info, taken_at) VALUES (%s, pg_backend_pid(), %s, "
                "extract(epoch from clock_timestamp())) ON CONFLICT (name) DO UPDATE SET "
                "backend_pid=excluded.backend_pid, info=excluded.info, taken_at=excluded.taken_at",
                (name, json.dumps(info or {}, default=str)),
            )
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            raise
        return PgHeld(conn, key, name)

    def holder(self, name: str) -> dict[str, Any] | None:
        """The holder's own words, if its server process still holds an advisory lock."""
        found = self.session.query(
            "SELECT h.info FROM lock_holder h WHERE h.name=? AND EXISTS (SELECT 1 FROM pg_locks l "
            "WHERE l.locktype='advisory' AND l.granted AND l.pid=h.backend_pid)",
            (name,),
        )
        if not found:
            return None
        with contextlib.suppress(ValueError):
            data = json.loads(found[0][0])
            return data if isinstance(data, dict) else None
        return None
