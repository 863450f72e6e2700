"""Run history: appending a run costs the same after a million runs, and the due check reads one row per job.

Two tables, in ``<workspace>/runs.sqlite`` (files backend) or the database
(PostgreSQL backend)::

    run_history   one row per run: indexed columns + the run's record as JSON
    run_last      one row per (channel, job): the latest record, the start of the
                  last successful real run, failures in a row; updated in the same
                  transaction as the append, so the due check never reads the history

Retention: records older than ``KIT_RUN_RETENTION_DAYS`` (default 90; ``0``
keeps everything) are deleted a batch at a time every :data:`PRUNE_EVERY`
appends, so the table stays bounded and no single append pays for a backlog.
``run_last`` is never pruned.

Runs recorded by older kits in the tinydb file ``runs.json`` are moved here by
the workspace's schema migration 2 (:func:`import_legacy_runs`).
"""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kit.errors import ConfigurationError, StoreError
from kit.storage import DEFAULT_RETENTION_DAYS, RETENTION_ENV, RunLast, iter_chunks

__all__ = [
    "SqlRunHistory",
    "SQLiteRunHistory",
    "PgRunHistory",
    "retention_days",
    "import_legacy_runs",
    "RUNS_FILE",
    "PRUNE_EVERY",
    "PRUNE_BATCH",
]

log = logging.getLogger("kit.storage.runs")

RUNS_FILE = "runs.sqlite"
#: prune every this many appends...
PRUNE_EVERY = 100
#: ...at most this many rows at a time (a backlog is worked off over the next appends)
PRUNE_BATCH = 2000
_LOAD_CHUNK = 5000

_SQLITE_DDL = """
CREATE TABLE IF NOT EXISTS run_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL, job TEXT NOT NULL, started_at REAL NOT NULL, status TEXT NOT NULL,
  dry_run INTEGER NOT NULL, host TEXT, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS run_history_started ON run_history (started_at);
CREATE INDEX IF NOT EXISTS run_history_pair ON run_history (channel, job, started_at);
CREATE TABLE IF NOT EXISTS run_last (
  channel TEXT NOT NULL, job TEXT NOT NULL, last_started_at REAL, last_ok_started_at REAL,
  failed_streak INTEGER NOT NULL DEFAULT 0, runs INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (channel, job));
CREATE TABLE IF NOT EXISTS run_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_PG_DDL = _SQLITE_DDL.replace(
    "id INTEGER PRIMARY KEY AUTOINCREMENT", "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
).replace("REAL", "DOUBLE PRECISION")
_COLUMNS = "channel, job, started_at, status, dry_run, host, record"


def retention_days() -> float:
    """Days of run history kept: ``$KIT_RUN_RETENTION_DAYS`` (0 = everything), default 90.

    Raises:
        ConfigurationError: the variable is not a number of days.
    """
    raw = (os.environ.get(RETENTION_ENV) or "").strip()
    if not raw:
        return float(DEFAULT_RETENTION_DAYS)
    try:
        days = float(raw.replace(",", "."))
    except ValueError:
        days = -1.0
    if not math.isfinite(days) or days < 0:
        raise ConfigurationError(
            f"{RETENTION_ENV}={raw!r} não é um número de dias",
            hint=f"use por exemplo {RETENTION_ENV}=90 (0 guarda todo o histórico)",
        )
    return days


def _record(row: dict[str, Any]) -> dict[str, Any]:
    from kit.storage.reports import report_fields

    rec = dict(row)
    rec.pop("id", None)
    rec.setdefault("host", socket.gethostname())
    for key, value in report_fields(rec).items():  # where the report is, from any machine (kit.storage.reports)
        rec.setdefault(key, value)
    return rec


def _is_real(rec: dict[str, Any]) -> bool:
    return not rec.get("dry_run")


def _started(rec: dict[str, Any]) -> float:
    try:
        value = float(rec.get("started_at") or 0.0)
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) else 0.0


def _row_values(rec: dict[str, Any]) -> tuple[Any, ...]:
    text = json.dumps(rec, ensure_ascii=False, default=str, sort_keys=True)
    return (str(rec.get("channel") or ""), str(rec.get("job") or ""), _started(rec), str(rec.get("status") or ""),
            1 if rec.get("dry_run") else 0, rec.get("host"), text)  # fmt: skip


def _advance(state: RunLast, rec: dict[str, Any]) -> None:
    """Fold one more record (in append order) into a pair's :class:`RunLast`."""
    started = _started(rec)
    if not state.last or started >= _started(state.last):
        state.last = rec
    if _is_real(rec):
        if rec.get("status") == "ok":
            state.last_ok_started_at = max(state.last_ok_started_at or started, started)
            state.failed_streak = 0
        elif rec.get("status") == "failed":
            state.failed_streak += 1
    state.runs += 1


class SqlRunHistory:
    """The run history over a session (:class:`SqliteSession` or :class:`PgSession`); see the module docstring.

    Args:
        session: where the tables live.
        ddl: the dialect's ``CREATE`` statements.
        lock_rows: ``FOR UPDATE`` where the dialect needs it to read-then-write one row.
    """

    def __init__(self, session: Any, ddl: str, *, lock_rows: str = "") -> None:
        self.session = session
        self.lock_rows = lock_rows
        self.retention_days = retention_days()
        session.ensure_schema("run_history", ddl)

    # -- writing ------------------------------------------------------------------
    def append(self, row: dict[str, Any]) -> int:
        """Record one run (``host`` added when missing); returns its id."""
        rec = _record(row)
        values = _row_values(rec)
        with self.session.transaction() as db:
            new_id = int(
                db.execute(
                    f"INSERT INTO run_history({_COLUMNS}) VALUES (?,?,?,?,?,?,?) RETURNING id", values
                ).fetchone()[0]
            )
            state = self._read_last(db, values[0], values[1])
            _advance(state, rec)
            self._write_last(db, state)
        if self.retention_days and new_id % PRUNE_EVERY == 0:
            self.prune(time.time() - self.retention_days * 86400, max_rows=PRUNE_BATCH)
        return new_id

    def bulk_load(self, rows: Iterable[dict[str, Any]]) -> int:
        """Append many records in order, in one transaction (migrations, benches); returns how many."""
        records = [_record(r) for r in rows]
        states: dict[tuple[str, str], RunLast] = {}
        with self.session.transaction() as db:
            for chunk in iter_chunks(records, _LOAD_CHUNK):
                self._insert_many(db, [_row_values(r) for r in chunk])
            for rec in records:
                key = (str(rec.get("channel") or ""), str(rec.get("job") or ""))
                if key not in states:
                    states[key] = self._read_last(db, *key)
                _advance(states[key], rec)
            for state in states.values():
                self._write_last(db, state)
        return len(records)

    def _insert_many(self, db: Any, values: list[tuple[Any, ...]]) -> None:
        db.executemany(f"INSERT INTO run_history({_COLUMNS}) VALUES (?,?,?,?,?,?,?)", values)

    def _read_last(self, db: Any, channel: str, job: str) -> RunLast:
        db.execute("INSERT INTO run_last(channel, job) VALUES (?,?) ON CONFLICT(channel, job) DO NOTHING",
                   (channel, job))  # fmt: skip
        row = db.execute(
            "SELECT last_ok_started_at, failed_streak, runs, record FROM run_last WHERE channel=? AND job=?"
            + self.lock_rows,
            (channel, job),
        ).fetchone()
        last = json.loads(row[3]) if row[3] else {}
        return RunLast(channel, job, last, row[0], int(row[1]), int(row[2]))

    def _write_last(self, db: Any, state: RunLast) -> None:
        db.execute(
            "UPDATE run_last SET last_started_at=?, last_ok_started_at=?, failed_streak=?, runs=?, record=? "
            "WHERE channel=? AND job=?",
            (_started(state.last), state.last_ok_started_at, state.failed_streak, state.runs,
             json.dumps(state.last, ensure_ascii=False, default=str, sort_keys=True), state.channel, state.job),
        )  # fmt: skip

    def prune(self, before: float, *, max_rows: int | None = None) -> int:
        """Delete records that started before ``before`` (at most ``max_rows``); returns how many."""
        with self.session.transaction() as db:
            if max_rows is None:
                cur = db.execute("DELETE FROM run_history WHERE started_at < ?", (before,))
            else:
                cur = db.execute(
                    "DELETE FROM run_history WHERE id IN "
                    "(SELECT id FROM run_history WHERE started_at < ? ORDER BY started_at LIMIT ?)",
                    (before, int(max_rows)),
                )
            removed = max(0, cur.rowcount or 0)
        if removed:
            log.info("run history: pruned %d records older than %s", removed, time.strftime("%Y-%m-%d",
                     time.localtime(before)))  # fmt: skip
        return removed

    # -- reading ------------------------------------------------------------------
    def last(self, channel: str | None = None) -> dict[tuple[str, str], RunLast]:
        """``(channel, job) -> RunLast`` for every pair that ever ran (or one channel's)."""
        sql = "SELECT channel, job, last_ok_started_at, failed_streak, runs, record FROM run_last"
        params: tuple[Any, ...] = ()
        if channel is not None:
            sql, params = sql + " WHERE channel=?", (channel,)
        out = {}
        for ch, job, ok, streak, runs, record in self.session.query(sql, params):
            out[(ch, job)] = RunLast(ch, job, json.loads(record) if record else {}, ok, int(streak), int(runs))
        return out

    def rows(
        self,
        *,
        channel: str | None = None,
        job: str | None = None,
        since: float | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Records oldest first (``limit``: the newest ``limit`` of them), each with its ``id``."""
        where, params = [], []
        for column, value in (("channel", channel), ("job", job)):
            if value is not None:
                where.append(f"{column}=?")
                params.append(value)
        if since is not None:
            where.append("started_at >= ?")
            params.append(float(since))
        sql = "SELECT id, record FROM run_history" + (" WHERE " + " AND ".join(where) if where else "")
        if limit is not None:
            found = self.session.query(sql + " ORDER BY started_at DESC, id DESC LIMIT ?", (*params, int(limit)))
            found.reverse()
        else:
            found = self.session.query(sql + " ORDER BY started_at, id", tuple(params))
        return [dict(json.loads(record), id=int(rid)) for rid, record in found]

    def count(self) -> int:
        return int(self.session.query("SELECT COUNT(*) FROM run_history")[0][0])

    def marker(self, key: str) -> str | None:
        found = self.session.query("SELECT value FROM run_meta WHERE key=?", (key,))
        return found[0][0] if found else None


class SQLiteRunHistory(SqlRunHistory):
    """Run history in ``<workspace>/runs.sqlite`` (its own file: ``states.sqlite`` is copied after every
    run that changed it, and a growing history there would make every copy longer)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from kit.storage.sqlite import SqliteSession

        super().__init__(SqliteSession(path), _SQLITE_DDL)

    @property
    def path(self) -> Path:
        return self.session.path

    def close(self) -> None:
        self.session.close()


class PgRunHistory(SqlRunHistory):
    """Run history in the PostgreSQL database (COPY for bulk loads)."""

    def __init__(self, session: Any) -> None:
        super().__init__(session, _PG_DDL, lock_rows=" FOR UPDATE")

    def _insert_many(self, db: Any, values: list[tuple[Any, ...]]) -> None:
        with db.copy(f"COPY run_history ({_COLUMNS}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)

    def close(self) -> None:  # the backend owns the session
        pass


def import_legacy_runs(path: Path, runs: SqlRunHistory) -> int:
    """Move the runs of a tinydb ``runs.json`` into ``runs`` (once), then rename the file ``*.migrated``.

    The import and its marker are one transaction, so a crash between the import
    and the rename never imports twice. Returns how many runs were imported.
    """
    if not path.exists():
        return 0
    key = f"imported:{path.name}"
    imported = 0
    if runs.marker(key) is None:
        try:
            data = json.loads(path.read_bytes() or b"{}")
            table = data.get("_default", {}) if isinstance(data, dict) else None
            if not isinstance(table, dict):
                raise ValueError("ele não contém uma tabela do tinydb")
            ordered = [table[k] for k in sorted(table, key=lambda k: int(k)) if isinstance(table[k], dict)]
        except (ValueError, UnicodeDecodeError) as exc:
            raise StoreError(
                f"o arquivo {path} da área de trabalho não pôde ser levado para o histórico de execuções: {exc}",
                file=str(path),
                hint=f"a última cópia boa pode ser {path.name}.bak; coloque um arquivo válido (ou nenhum) no lugar dele",
            ) from None
        with runs.session.transaction() as db:
            imported = runs.bulk_load(ordered)
            db.execute("INSERT INTO run_meta(key, value) VALUES (?, ?)", (key, str(imported)))
    for src in (path, path.with_name(path.name + ".bak")):
        if src.exists():
            os.replace(src, src.with_name(src.name + ".migrated"))
    log.info("moved %d runs from %s to the run history", imported, path)
    return imported
