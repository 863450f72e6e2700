"""Per-SKU state in PostgreSQL: the same methods as :class:`kit.store.StateStore` (SQLite).

``sku_state`` holds the last-sent snapshots and small keyed records; the jobs'
own tables (bindings, price holds, order ledger, quarantine, status ledger) are
created by :class:`kit.jobs.state.JobState` through :meth:`ensure_schema`, with
the same SQL as on SQLite (``?`` placeholders are translated).

There is no file to copy: :meth:`backup` does nothing (the database has its own
backups and replication), and a database error is a :class:`StoreError`
that names the server, never a corrupt file.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kit.errors import StoreError
from kit.storage.sql import PgSession, pg_ddl

__all__ = ["PgStateStore", "SKU_STATE_DDL"]

SKU_STATE_DDL = (
    "CREATE TABLE IF NOT EXISTS sku_state ("
    " channel TEXT NOT NULL, kind TEXT NOT NULL, sku TEXT NOT NULL,"
    " value TEXT NOT NULL, updated_at REAL NOT NULL,"
    " PRIMARY KEY (channel, kind, sku)) WITHOUT ROWID"
)


class _Connection:
    """``execute``/``executemany``/``executescript`` like a ``sqlite3.Connection``, in the kit's dialect."""

    def __init__(self, store: PgStateStore) -> None:
        self._store = store

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._store.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        return self._store.session.executemany(sql, rows)

    def executescript(self, script: str) -> None:
        self._store.ensure_schema(f"script:{hash(script)}", script)


class PgStateStore:
    """Per-SKU snapshots and generic keyed records in PostgreSQL (see the module docstring)."""

    backend = "postgres"

    def __init__(self, session: PgSession) -> None:
        self.session = session
        self.path: Path | None = None
        self.backup_path: Path | None = None
        self.ensure_schema("sku_state", SKU_STATE_DDL)

    # -- the SQL surface the jobs' tables use ----------------------------------------
    def ensure_schema(self, name: str, ddl: str) -> None:
        """Create tables written in SQLite's DDL (``REAL``, ``WITHOUT ROWID`` translated), once per session."""
        self.session.ensure_schema(name, pg_ddl(ddl))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.session.transaction() as db:
            yield db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.session.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.session.query(sql, params)

    @property
    def db(self) -> _Connection:
        """For code written against the SQLite connection (``ws.states.db.execute(sql, params)``)."""
        return _Connection(self)

    # -- the StateStore API -------------------------------------------------------------
    def put_many(self, channel: str, kind: str, values: Iterable[tuple[str, Any]]) -> int:
        now = time.time()
        rows = [(channel, kind, str(sku), json.dumps(value, sort_keys=True), now) for sku, value in values]
        with self.session.transaction() as db:
            db.executemany(
                "INSERT INTO sku_state(channel, kind, sku, value, updated_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(channel, kind, sku) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at",
                rows,
            )
        return len(rows)

    def get(self, channel: str, kind: str, sku: str) -> Any:
        found = self.query(
            "SELECT value FROM sku_state WHERE channel=? AND kind=? AND sku=?", (channel, kind, str(sku))
        )
        return json.loads(found[0][0]) if found else None

    def get_all(self, channel: str, kind: str) -> dict[str, Any]:
        rows = self.query("SELECT sku, value FROM sku_state WHERE channel=? AND kind=?", (channel, kind))
        return {sku: json.loads(value) for sku, value in rows}

    def get_all_stamped(self, channel: str, kind: str) -> dict[str, tuple[Any, float]]:
        rows = self.query("SELECT sku, value, updated_at FROM sku_state WHERE channel=? AND kind=?", (channel, kind))
        return {sku: (json.loads(value), at) for sku, value, at in rows}

    def count_updated(self, channel: str, kind: str, since: float, until: float) -> int:
        return int(
            self.query(
                "SELECT COUNT(*) FROM sku_state WHERE channel=? AND kind=? AND updated_at BETWEEN ? AND ?",
                (channel, kind, since, until),
            )[0][0]
        )

    def replace_kind(self, channel: str, kind: str, values: Iterable[tuple[str, Any]]) -> int:
        with self.session.transaction():
            self.delete_kind(channel, kind)
            return self.put_many(channel, kind, values)

    def count(self, channel: str, kind: str) -> int:
        return int(self.query("SELECT COUNT(*) FROM sku_state WHERE channel=? AND kind=?", (channel, kind))[0][0])

    def delete_kind(self, channel: str, kind: str) -> None:
        self.execute("DELETE FROM sku_state WHERE channel=? AND kind=?", (channel, kind))

    # -- what the files backend does with its file ----------------------------------------
    def backup(self, *, force: bool = False) -> None:  # noqa: ARG002 - the database keeps its own backups
        return None

    def corrupt(self, exc: BaseException) -> StoreError:
        """The error for a state the database refused (never a file to restore)."""
        return StoreError(
            f"o banco de dados recusou o estado dos jobs: {exc}",
            hint="verifique o servidor PostgreSQL (KIT_DATABASE_URL) e os registros dele; nada foi apagado",
        )

    def close(self) -> None:  # the backend owns the session
        pass
