"""The PostgreSQL backend: what several machines share, in one database.

Configuration documents (channels, companies, job settings and cursors, de-para
metadata, go-live results, confirmations and gate events) keep the tinydb API
the rest of the kit uses (``with ws.table("channels") as table: ...``), over
:class:`PgDocumentStorage`: one row per document in ``kit_document``, read and
written inside one transaction that holds an advisory lock on (file, table)
for the whole ``with`` block, as the files backend holds the file's lock.
Only the documents a block changed are written.

Per-SKU state (:class:`~kit.storage.pgstates.PgStateStore`), run history
(:class:`~kit.storage.runs.PgRunHistory`) and job locks
(:class:`~kit.storage.locks.PgLocks`) share the backend's session; the rotating
OAuth tokens (:mod:`kit.storage.tokens`) and the rate-limit buckets
(:mod:`kit.storage.buckets`) are per process, chosen by the same
``KIT_DATABASE_URL``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
from collections.abc import Iterator
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from kit.storage.sql import PgSession, lock_key

__all__ = ["PostgresBackend", "PgDocumentStorage", "DOCUMENT_DDL"]

log = logging.getLogger("kit.storage.postgres")

DOCUMENT_DDL = """
CREATE TABLE IF NOT EXISTS kit_document (
  file TEXT NOT NULL, tbl TEXT NOT NULL, id BIGINT NOT NULL, doc JSONB NOT NULL,
  PRIMARY KEY (file, tbl, id));
"""


def _finite(value: Any) -> Any:
    """JSON that PostgreSQL accepts: a non-finite number becomes null (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _canonical(doc: Any) -> str:
    try:
        return json.dumps(doc, sort_keys=True, ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        log.warning("a document held a non-finite number; stored as null")
        return json.dumps(_finite(doc), sort_keys=True, ensure_ascii=False, default=str)


class PgDocumentStorage(Storage):
    """A tinydb storage over the rows of one (file, table) in ``kit_document``.

    Created inside a transaction that holds the (file, table) lock; reads the rows
    once, then serves later reads from what it read and wrote.
    """

    def __init__(self, db: Any, file: str, table: str) -> None:
        self.db, self.file, self.table = db, file, table
        self._known: dict[str, str] | None = None  # id -> canonical JSON, as stored

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._known is None:
            rows = self.db.execute("SELECT id, doc::text FROM kit_document WHERE file=? AND tbl=?",
                                   (self.file, self.table)).fetchall()  # fmt: skip
            self._known = {str(i): _canonical(json.loads(text)) for i, text in rows}
        return {self.table: {i: json.loads(text) for i, text in self._known.items()}}

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        assert self._known is not None, "tinydb reads before it writes"
        docs = {str(k): _canonical(v) for k, v in (data.get(self.table) or {}).items()}
        gone = [int(i) for i in self._known if i not in docs]
        changed = [(self.file, self.table, int(i), text) for i, text in docs.items() if self._known.get(i) != text]
        if gone:
            self.db.execute("DELETE FROM kit_document WHERE file=? AND tbl=? AND id = ANY(?)",
                            (self.file, self.table, gone))  # fmt: skip
        if changed:
            self.db.executemany(
                "INSERT INTO kit_document(file, tbl, id, doc) VALUES (?,?,?,?::jsonb) "
                "ON CONFLICT (file, tbl, id) DO UPDATE SET doc=excluded.doc",
                changed,
            )
        self._known = docs

    def close(self) -> None:
        pass


class PostgresBackend:
    """Every shared piece of a workspace in one PostgreSQL database (see the module docstring).

    Args:
        url: ``postgresql://user:password@host:port/database`` (``?options=-csearch_path%3Dkit``
            puts the kit's tables in a schema of their own).
    """

    name = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = PgSession(url)
        self.session.ensure_schema("kit_document", DOCUMENT_DDL)
        self._states: Any = None
        self._runs: Any = None
        self._locks: Any = None

    @contextlib.contextmanager
    def documents(self, file: str, table: str = "_default") -> Iterator[Table]:
        """Table ``table`` of ``file`` as a tinydb Table; the block is one locked read-modify-write."""
        with self.session.transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key("kit-document", file, table),))
            tiny = TinyDB(db, file, table, storage=PgDocumentStorage)
            try:
                yield tiny.table(table, cache_size=0)
            finally:
                tiny.close()

    @property
    def states(self) -> Any:
        if self._states is None:
            from kit.storage.pgstates import PgStateStore

            self._states = PgStateStore(self.session)
        return self._states

    @property
    def runs(self) -> Any:
        if self._runs is None:
            from kit.storage.runs import PgRunHistory

            self._runs = PgRunHistory(self.session)
        return self._runs

    @property
    def locks(self) -> Any:
        if self._locks is None:
            from kit.storage.locks import PgLocks

            self._locks = PgLocks(self.session)
        return self._locks

    def describe(self) -> str:
        """Where the data is, for messages (never the password)."""
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(self.url)
        return f"postgresql://{info.get('user', '')}@{info.get('host', '')}:{info.get('port', 5432)}/" + str(
            info.get("dbname", "")
        )

    def close(self) -> None:
        self.session.close()
        self._states = self._runs = self._locks = None
