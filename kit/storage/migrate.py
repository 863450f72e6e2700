"""Move a one-machine workspace (files) into PostgreSQL: ``kit storage migrate --from DIR``.

Copied, with their ids: every configuration document (channels, companies, job
settings and cursors, de-para metadata, go-live results, confirmations, gate
events); every row of ``states.sqlite`` (snapshots, bindings, price holds, order
ledger, quarantine, status ledger); the run history (``runs.json`` of an older
kit is moved into the history first, as schema migration 2 does). The rotating
OAuth tokens move from the secrets file into the database, encrypted, and are
removed from the file; static credentials stay where they are.

Refused when the database already holds a workspace (channels or runs): the
copy never merges two histories. Documents, state and runs are copied in one
transaction (a failure leaves the database as it was); the tokens move last. Stop cron (``kit run-due``) on the source
machine first; the source files are left as they are (except the tokens).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb.table import Document

from kit.errors import ConfigurationError

__all__ = ["MigrationReport", "migrate_workspace"]

_RUNS_CHUNK = 50_000


@dataclass(slots=True)
class MigrationReport:
    """What was copied: documents per file, rows per state table, runs, references whose tokens moved."""

    documents: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    token_refs: list[str] = field(default_factory=list)


def _refuse_non_empty(target: Any) -> None:
    with target.table("channels") as table:
        channels = len(table)
    if channels or target.runs.count():
        raise ConfigurationError(
            "o banco de dados já tem uma área de trabalho (canais ou execuções); a migração não mistura duas",
            hint="migre para um banco (ou schema) vazio: outro search_path em KIT_DATABASE_URL",
        )


def _copy_documents(source: Any, target: Any, report: MigrationReport) -> None:
    from kit.store import DOCUMENT_FILES, AtomicJSONStorage

    for file in DOCUMENT_FILES:
        if file == "meta":
            continue
        path = Path(source.root) / f"{file}.json"
        if not path.exists():
            continue
        with source.backend.lock(file):
            data = AtomicJSONStorage(path).read() or {}
        for table, docs in data.items():
            with target.table(file, table) as dest:
                dest.insert_multiple(Document(doc, doc_id=int(doc_id)) for doc_id, doc in docs.items())
            report.documents[f"{file}/{table}"] = len(docs)


def _copy_states(source: Any, target: Any, report: MigrationReport) -> None:
    """Every table of ``states.sqlite`` (created in the database from its own SQLite DDL), row for row."""
    db = source.states.db
    tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    for table, ddl in tables.fetchall():
        target.states.ensure_schema(table, re.sub(r"^CREATE TABLE\s+(IF NOT EXISTS\s+)?", "CREATE TABLE IF NOT EXISTS ",
                                                  ddl, flags=re.I))  # fmt: skip
        cur = db.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the file's own catalogue
        width = len(cur.description)
        count = 0
        with target.states.transaction() as dest:
            while rows := cur.fetchmany(10_000):
                dest.executemany(f'INSERT INTO "{table}" VALUES ({",".join("?" * width)})', rows)  # noqa: S608
                count += len(rows)
        report.states[table] = count


def _copy_runs(source: Any, target: Any, report: MigrationReport) -> None:
    import json

    cur = source.runs.session.db.execute("SELECT record FROM run_history ORDER BY id")
    while chunk := cur.fetchmany(_RUNS_CHUNK):
        report.runs += target.runs.bulk_load(json.loads(record) for (record,) in chunk)


def _move_tokens(secrets: Any, database_url: str, report: MigrationReport) -> None:
    from kit.storage.tokens import ROTATING_KEYS, PgTokens

    tokens = PgTokens(database_url)
    with secrets.locked() as data:
        for ref, entry in data.items():
            moving = {k: entry[k] for k in ROTATING_KEYS if k in entry}
            if not moving:
                continue
            with tokens.locked(ref) as stored:
                stored.update(moving)
            for key in moving:
                del entry[key]
            report.token_refs.append(ref)
    tokens.close()


def migrate_workspace(source_dir: str | Path, *, database_url: str, secrets: Any = None) -> MigrationReport:
    """Copy the files workspace at ``source_dir`` into the database at ``database_url`` (see the module docstring).

    Raises:
        ConfigurationError: the database already holds a workspace, or the source is not a workspace.
        StoreError: a source file is corrupt (its backup is named); nothing is removed from the source.
    """
    from kit.secrets import SecretsStore
    from kit.store import Workspace

    if not (Path(source_dir) / "meta.json").exists():
        raise ConfigurationError(f"{source_dir} não é uma área de trabalho do kit (sem meta.json)",
                                 hint="aponte --from para a pasta da área de trabalho (KIT_WORKSPACE da máquina)")  # fmt: skip
    source = Workspace(source_dir, create=False, database_url="")
    target = Workspace(source_dir, database_url=database_url)
    report = MigrationReport()
    try:
        with target.backend.session.transaction():  # all or nothing: a failed copy leaves the database empty
            _refuse_non_empty(target)
            _copy_documents(source, target, report)
            try:
                _copy_states(source, target, report)
            except sqlite3.DatabaseError as exc:
                raise source.states.corrupt(exc) from None
            _copy_runs(source, target, report)
        _move_tokens(secrets or SecretsStore(), database_url, report)  # only once the rest is committed
    finally:
        source.close()
        target.close()
    return report
