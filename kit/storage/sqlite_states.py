"""Per-SKU state of the files backend: one SQLite file (``states.sqlite``), backed up after every run that changed it.

Per-SKU data grows with the catalogue and is written on every sync: an upsert
costs O(log n), not O(n) as rewriting a JSON blob would. The jobs' own tables
(:mod:`kit.jobs.state`) live in the same file, created through
:meth:`StateStore.ensure_schema`; their SQL is the same on PostgreSQL
(:class:`kit.storage.pgstates.PgStateStore`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kit.errors import StoreError
from kit.storage.paths import LOCK_TIMEOUT_S, mkdir_private
from kit.storage.paths import fsync_dir as _fsync_dir
from kit.storage.sqlite import immediate

__all__ = ["StateStore"]


class StateStore:
    """Per-SKU snapshots (last sent stock/price...) and generic keyed records.

    One SQLite file in WAL mode. ``kind`` separates uses: ``stock``, ``price``,
    ``binding``... Values are JSON. Writes are transactional; a crash leaves
    either the old or the new rows. :meth:`backup` keeps the last good copy.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.backup_path = self.path.with_name(self.path.name + ".bak")
        mkdir_private(self.path.parent)
        if not self.path.exists():
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            self.db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS sku_state ("
                " channel TEXT NOT NULL, kind TEXT NOT NULL, sku TEXT NOT NULL,"
                " value TEXT NOT NULL, updated_at REAL NOT NULL,"
                " PRIMARY KEY (channel, kind, sku)) WITHOUT ROWID"
            )
        except sqlite3.DatabaseError as exc:
            raise self.corrupt(exc) from None
        self._backed_up_changes = self.db.total_changes
        self._schemas: set[str] = set()

    def corrupt(self, exc: BaseException) -> StoreError:
        """The error for a state file SQLite cannot read, with a way back that loses nothing."""
        if self.backup_path.exists():
            when = time.strftime("%d/%m/%Y %H:%M", time.localtime(self.backup_path.stat().st_mtime))
            hint = (
                f"restaure a última cópia boa ({self.backup_path.name}, de {when}) com 'kit init --restore-state': "
                "o arquivo corrompido fica guardado ao lado, e a próxima execução de pedidos completa o registro "
                "a partir da caixa de saída"
            )
        else:
            hint = (
                "não há cópia deste arquivo ainda: não o apague; restaure-o do seu backup (retenções de preço, "
                "pedidos em quarentena e o registro de status só existem nele)"
            )
        return StoreError(f"o arquivo de estado {self.path} está corrompido: {exc}", file=str(self.path), hint=hint)

    def backup(self, *, force: bool = False) -> Path | None:
        """Copy the store to ``<file>.bak`` (atomic, private) if it changed since the last copy; returns the copy."""
        if not force and self.db.total_changes == self._backed_up_changes and self.backup_path.exists():
            return None
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".bak.tmp")
        os.close(fd)
        try:
            target = sqlite3.connect(tmp)
            try:
                self.db.backup(target)
                check = target.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                target.close()
            if check != "ok":  # never replace the last good copy with a damaged one
                raise sqlite3.DatabaseError(f"the copy does not pass quick_check: {check}")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.backup_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.path.parent)
        self._backed_up_changes = self.db.total_changes
        return self.backup_path

    @staticmethod
    def restore(path: str | os.PathLike[str]) -> tuple[Path, Path]:
        """Put ``<file>.bak`` back in place of a corrupt ``path``; returns ``(kept corrupt file, restored)``.

        Nothing is deleted: the corrupt file and its WAL are renamed
        ``<file>.corrupt-<timestamp>`` beside it.
        """
        path = Path(path)
        backup = path.with_name(path.name + ".bak")
        if not backup.exists():
            raise StoreError(
                f"não há cópia de {path.name} para restaurar",
                file=str(backup),
                hint="restaure o arquivo do seu backup; não apague o corrompido",
            )
        stamp = time.strftime("%Y%m%dT%H%M%S")
        kept = path.with_name(f"{path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = path.with_name(path.name + suffix)
            if src.exists():
                os.replace(src, kept.with_name(kept.name + suffix))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out, open(backup, "rb") as src_fh:
            shutil.copyfileobj(src_fh, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        return kept, path

    # -- the SQL surface the jobs' tables use (the same in the PostgreSQL twin) ------------
    backend = "files"

    def ensure_schema(self, name: str, ddl: str) -> None:
        """Create tables (``CREATE ... IF NOT EXISTS``), once per store object."""
        if name not in self._schemas:
            self.db.executescript(ddl)
            self._schemas.add(name)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, tuple(params)).fetchall()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on error); a nested one joins the outer one."""
        with immediate(self.db) as db:
            yield db

    def put_many(self, channel: str, kind: str, values: Iterable[tuple[str, Any]]) -> int:
        """Upsert ``(sku, value)`` pairs in one transaction; returns how many."""
        now = time.time()
        rows = [(channel, kind, str(sku), json.dumps(value, sort_keys=True), now) for sku, value in values]
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO sku_state(channel, kind, sku, value, updated_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(channel, kind, sku) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at",
                rows,
            )
        return len(rows)

    def get(self, channel: str, kind: str, sku: str) -> Any:
        row = self.db.execute(
            "SELECT value FROM sku_state WHERE channel=? AND kind=? AND sku=?", (channel, kind, str(sku))
        ).fetchone()
        return json.loads(row[0]) if row else None

    def get_all(self, channel: str, kind: str) -> dict[str, Any]:
        """Every ``sku -> value`` of one channel and kind."""
        cur = self.db.execute("SELECT sku, value FROM sku_state WHERE channel=? AND kind=?", (channel, kind))
        return {sku: json.loads(value) for sku, value in cur}

    def get_all_stamped(self, channel: str, kind: str) -> dict[str, tuple[Any, float]]:
        """Every ``sku -> (value, updated_at)`` of one channel and kind."""
        cur = self.db.execute(
            "SELECT sku, value, updated_at FROM sku_state WHERE channel=? AND kind=?", (channel, kind)
        )
        return {sku: (json.loads(value), at) for sku, value, at in cur}

    def count_updated(self, channel: str, kind: str, since: float, until: float) -> int:
        """How many ``kind`` rows of ``channel`` were written between ``since`` and ``until``."""
        return self.db.execute(
            "SELECT COUNT(*) FROM sku_state WHERE channel=? AND kind=? AND updated_at BETWEEN ? AND ?",
            (channel, kind, since, until),
        ).fetchone()[0]

    def replace_kind(self, channel: str, kind: str, values: Iterable[tuple[str, Any]]) -> int:
        """Make ``(sku, value)`` pairs the whole of ``kind`` for ``channel`` (one transaction)."""
        with self.transaction():
            self.delete_kind(channel, kind)
            return self.put_many(channel, kind, values)

    def count(self, channel: str, kind: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM sku_state WHERE channel=? AND kind=?", (channel, kind)).fetchone()[
            0
        ]

    def delete_kind(self, channel: str, kind: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM sku_state WHERE channel=? AND kind=?", (channel, kind))

    def close(self) -> None:
        self.db.close()
