"""One SQLite file as the kit uses it: the same small surface as :class:`kit.storage.sql.PgSession`.

WAL mode, ``BEGIN IMMEDIATE`` transactions (a nested one joins the outer one),
a private file (0600 in a 0700 folder), one connection shared by the threads of
a process behind a lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from kit.storage.paths import LOCK_TIMEOUT_S, create_private_file

__all__ = ["SqliteSession", "immediate"]


@contextlib.contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` on ``db`` (rolled back on error); inside an open transaction, joins it."""
    if db.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class SqliteSession:
    """A SQLite file with the methods the stores share with PostgreSQL.

    Args:
        path: the file (created private).
        synchronous: ``FULL`` (an fsync per commit) or ``NORMAL``.
    """

    def __init__(self, path: str | os.PathLike[str], *, synchronous: str = "FULL") -> None:
        self.path = create_private_file(path)
        self._lock = threading.RLock()
        self.db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self._schemas: set[str] = set()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on error); a nested one joins the outer one."""
        with self._lock:
            with immediate(self.db) as db:
                yield db

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.db.execute(sql, tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.db.execute(sql, tuple(params)).fetchall()

    def ensure_schema(self, name: str, ddl: str) -> None:
        """Run ``ddl`` (``CREATE ... IF NOT EXISTS``) once per session."""
        if name not in self._schemas:
            with self._lock:
                self.db.executescript(ddl)
            self._schemas.add(name)

    def close(self) -> None:
        with self._lock:
            self.db.close()
