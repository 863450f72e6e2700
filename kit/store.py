"""The workspace: where canais-kit keeps its state between runs.

What callers hold is a :class:`Workspace`; where the data lives is its backend
(:mod:`kit.storage`): the files below (the default, one machine), or PostgreSQL
when ``KIT_DATABASE_URL`` is set (several machines; :mod:`kit.storage.postgres`).
Either way the API is the same: :meth:`Workspace.table` (tinydb documents),
:attr:`Workspace.states` (per-SKU state), :attr:`Workspace.runs` (run history),
:attr:`Workspace.locks` (named locks that die with their holder).

Layout of a workspace directory (``KIT_WORKSPACE``, ``--workspace``, or
``~/.local/share/canais-kit/workspace``)::

    meta.json        schema version (tinydb)
    companies.json   companies (tinydb)
    channels.json    channel configurations (tinydb)
    mappings.json    de-para metadata: which tables were reviewed, when (tinydb)
    jobs.json        job state and cursors per (channel, job) (tinydb)
    golive.json      go-live results, gate overrides, checklist answers (tinydb)
    states.sqlite    fast-growing per-SKU data: last-sent snapshots, order ledger
    runs.sqlite      run history (schema 2; older kits kept it in runs.json)
    locks/           one lock file per (channel, job)

tinydb rewrites its whole file on every write and has no locking. Every access
here goes through :meth:`Workspace.table`, which holds a cross-process
``filelock`` for the whole read-modify-write and writes through
:class:`AtomicJSONStorage` (temp file, fsync, ``os.replace``; the previous good
file is kept as ``<name>.json.bak``). A file that does not parse is reported
with the path of that backup; nothing is silently reset.

Per-SKU data grows with the catalogue and is written on every sync, so it lives
in SQLite (:class:`StateStore`): an upsert costs O(log n), not O(n) as
rewriting a JSON blob would. It holds what cannot be rebuilt from the channel
(price holds, quarantined orders, the status ledger), so it is backed up too:
:meth:`StateStore.backup` copies it (SQLite's online backup) to
``states.sqlite.bak`` after every job run that changed it, and a corrupt file is
reported with that copy and :meth:`StateStore.restore` (``kit init
--restore-state``), which keeps the corrupt file beside it; the order ledger is
completed from the outbox by the next orders run.

Run history is appended to ``runs.sqlite`` (:mod:`kit.storage.runs`), its own
file: appending costs the same after a million runs, retention prunes it, and it
does not make the state store's copy longer. ``ws.table("runs")`` still works
as an append-only view over it for older callers (an insert is an append;
reading it reads everything: use :attr:`Workspace.runs`).

Private by construction: the workspace and its folders are created 0700 and its
files 0600 whatever the umask (another user able to write ``channels.json``
could point a channel's address elsewhere and collect its credentials); a lock
file that is a symbolic link is refused.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from kit.errors import StoreError
from kit.storage.paths import (
    LOCK_TIMEOUT_S,
    atomic_write_bytes,
    mkdir_private,
    refuse_symlink,
    safe_child,
)
from kit.storage.sqlite_states import StateStore

__all__ = [
    "AtomicJSONStorage",
    "Workspace",
    "FilesBackend",
    "StateStore",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "register_migration",
    "default_workspace_path",
    "safe_child",
    "mkdir_private",
    "refuse_symlink",
    "atomic_write_bytes",
]

log = logging.getLogger("kit.store")

SCHEMA_VERSION = 2
STATES_FILE = "states.sqlite"
TABLE_FILES = ("meta", "companies", "channels", "mappings", "jobs", "runs", "golive")
#: files whose documents live in the backend ("runs" is a view over the run history)
DOCUMENT_FILES = tuple(f for f in TABLE_FILES if f != "runs")

# version -> function(workspace) that upgrades a workspace from version-1 to version.
MIGRATIONS: dict[int, Callable[[Workspace], None]] = {}


def register_migration(version: int) -> Callable[[Callable[[Workspace], None]], Callable[[Workspace], None]]:
    """Register the migration that brings a workspace to ``version``."""

    def deco(fn: Callable[[Workspace], None]) -> Callable[[Workspace], None]:
        if version in MIGRATIONS:
            raise ValueError(f"migration to schema {version} registered twice")
        MIGRATIONS[version] = fn
        return fn

    return deco


def default_workspace_path() -> Path:
    """``$KIT_WORKSPACE`` or ``$XDG_DATA_HOME/canais-kit/workspace``."""
    if os.environ.get("KIT_WORKSPACE"):
        return Path(os.environ["KIT_WORKSPACE"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "canais-kit" / "workspace"


class AtomicJSONStorage(Storage):
    """A tinydb storage that never leaves a half-written file.

    The caller must hold the file's lock (see :meth:`Workspace.table`).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.backup = self.path.with_name(self.path.name + ".bak")
        self._last_good: bytes | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            # An empty file is never written by this storage: treat as corrupt.
            self._corrupt("o arquivo está vazio")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self._corrupt(f"não é um JSON válido ({exc})")
        if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(row, dict) for row in table.values()) for table in data.values()
        ):
            self._corrupt("não contém tabelas do tinydb ({tabela: {id: {...}}})")
        self._last_good = raw
        return data

    def _corrupt(self, why: str) -> None:
        hint = (
            f"a última cópia boa é {self.backup}; compare as duas e depois copie o backup por cima do arquivo"
            if self.backup.exists()
            else "não há backup; restaure o arquivo a partir dos seus próprios backups"
        )
        raise StoreError(
            f"o arquivo {self.path} da área de trabalho está corrompido: {why}", file=str(self.path), hint=hint
        )

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        if self._last_good is not None and self._last_good != payload:
            atomic_write_bytes(self.backup, self._last_good)
        atomic_write_bytes(self.path, payload)
        self._last_good = payload

    def close(self) -> None:  # nothing is held open
        pass


class FilesBackend:
    """The one-machine backend: tinydb files, SQLite and OS file locks in the workspace directory."""

    name = "files"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._states: StateStore | None = None
        self._runs: Any = None
        self._locks: Any = None

    def lock(self, name: str) -> FileLock:
        """The cross-process lock guarding table file ``name`` (a symbolic link there is refused)."""
        path = self.root / f".{name}.lock"
        refuse_symlink(path)
        return FileLock(str(path), timeout=LOCK_TIMEOUT_S, mode=0o600)

    @contextlib.contextmanager
    def documents(self, file: str, table: str = "_default") -> Iterator[Table]:
        with self.lock(file):
            db = TinyDB(self.root / f"{file}.json", storage=AtomicJSONStorage)
            try:
                db.storage.read()  # detect a corrupt file on open, not at first access
                yield db.table(table, cache_size=0)
            finally:
                db.close()

    @property
    def states(self) -> StateStore:
        if self._states is None:
            self._states = StateStore(self.root / STATES_FILE)
        return self._states

    @property
    def runs(self) -> Any:
        if self._runs is None:
            from kit.storage.runs import RUNS_FILE, SQLiteRunHistory

            self._runs = SQLiteRunHistory(self.root / RUNS_FILE)
        return self._runs

    @property
    def locks(self) -> Any:
        if self._locks is None:
            from kit.storage.locks import FileLocks

            self._locks = FileLocks(self.root / "locks")
        return self._locks

    def describe(self) -> str:
        return str(self.root)

    def close(self) -> None:
        for store in (self._states, self._runs):
            if store is not None:
                store.close()
        self._states = self._runs = None


class _RunsTable(Table):
    """The table of ``ws.table("runs")``: an insert is an append to the run history (O(1)); rewrites are refused."""

    def insert(self, document: Any) -> int:
        return self._storage.runs.append(dict(document))

    def insert_multiple(self, documents: Any) -> list[int]:
        return [self.insert(doc) for doc in documents]

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise StoreError("o histórico de execuções só aceita novos registros", hint="use ws.runs.append(...)")

    update = update_multiple = upsert = remove = truncate = _refuse


class _RunsView(Storage):
    """``ws.table("runs")`` for older callers: the run history as a tinydb table, append-only."""

    def __init__(self, runs: Any) -> None:
        self.runs = runs
        self._known: set[str] = set()

    def read(self) -> dict[str, dict[str, Any]]:
        rows = {str(r.pop("id")): r for r in self.runs.rows()}
        self._known = set(rows)
        return {"_default": rows}

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        table = data.get("_default") or {}
        if not self._known <= set(table):
            raise StoreError("o histórico de execuções só aceita novos registros", hint="use ws.runs.append(...)")
        for key in sorted(set(table) - self._known, key=int):
            self.runs.append(dict(table[key]))
        self._known = set(table)

    def close(self) -> None:
        pass


class Workspace:
    """A workspace: configuration documents, per-SKU state, run history and locks, in one backend.

    Args:
        root: the directory; ``None`` for :func:`default_workspace_path`. With the
            PostgreSQL backend it still holds what is local to the machine (the
            default outbox); nothing shared.
        create: create the directory (and schema metadata) if missing.
        database_url: a ``postgresql://`` URL; ``None`` reads ``KIT_DATABASE_URL``, ``""`` forces files.
    """

    def __init__(
        self, root: str | os.PathLike[str] | None = None, *, create: bool = True, database_url: str | None = None
    ) -> None:
        from kit.storage import database_url as env_url
        from kit.storage.runs import retention_days

        self.root = Path(root).expanduser() if root else default_workspace_path()
        if not self.root.exists():
            if not create:
                raise StoreError(
                    f"não há área de trabalho em {self.root}",
                    hint="rode 'kit init' ou aponte KIT_WORKSPACE / --workspace para uma área de trabalho existente",
                )
            mkdir_private(self.root)
        self._check_private()
        retention_days()  # a bad KIT_RUN_RETENTION_DAYS is refused now, not after a run
        url = env_url() if database_url is None else database_url
        if url:
            from kit.storage.postgres import PostgresBackend

            self.backend: Any = PostgresBackend(url)
        else:
            self.backend = FilesBackend(self.root)
        try:
            self._check_schema()
        except BaseException:
            self.backend.close()
            raise

    def _check_private(self) -> None:
        """A workspace others may write is tightened if it is ours, refused if not."""
        info = self.root.stat()
        if not info.st_mode & 0o002:
            return
        if info.st_uid != os.getuid():
            raise StoreError(
                f"a área de trabalho {self.root} é de outro usuário e pode ser alterada por outros",
                file=str(self.root),
                hint="use uma área de trabalho sua (--workspace DIR ou KIT_WORKSPACE)",
            )
        log.warning("workspace %s was writable by every user; tightened", self.root)
        os.chmod(self.root, info.st_mode & ~0o002)

    # -- documents -------------------------------------------------------------
    def lock(self, name: str) -> FileLock:
        """The cross-process lock guarding table file ``name`` (files backend)."""
        return FilesBackend(self.root).lock(name)

    @contextlib.contextmanager
    def table(self, name: str, table: str = "_default") -> Iterator[Table]:
        """Open table ``table`` of file ``name`` under its lock.

        Everything done inside the ``with`` block is one read-modify-write:
        no other process (on any machine, with PostgreSQL) can interleave a write.
        """
        if name not in TABLE_FILES:
            raise ValueError(f"unknown workspace file {name!r}")
        if name == "runs":
            db = TinyDB(self.runs, storage=_RunsView)
            db.table_class = _RunsTable
            yield db.table(table, cache_size=0)
            return
        with self.backend.documents(name, table) as found:
            yield found

    # -- schema ----------------------------------------------------------------
    def _stored_version(self) -> int | None:
        with self.table("meta") as meta:
            row = meta.get(doc_id=1)
            if row is None:
                meta.insert({"schema": SCHEMA_VERSION, "created_at": time.time()})
                return None
            return int(row.get("schema", 0))

    def _check_schema(self) -> None:
        version = self._stored_version()
        if version is None or version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"a área de trabalho {self.root} está no esquema {version}, mais novo que o deste kit ({SCHEMA_VERSION})",
                hint="atualize o canais-kit",
            )
        held = self.locks.acquire("schema-migration", wait=LOCK_TIMEOUT_S, info={"pid": os.getpid()})
        if held is None:
            raise StoreError("outro processo está migrando a área de trabalho", hint="tente de novo daqui a um minuto")
        with held:
            version = self._stored_version() or SCHEMA_VERSION  # another process may have migrated meanwhile
            while version < SCHEMA_VERSION:
                target = version + 1
                migrate = MIGRATIONS.get(target)
                if migrate is None:
                    raise StoreError(
                        f"não há migração do esquema {version} para o {target} da área de trabalho",
                        hint="atualize o canais-kit",
                    )
                migrate(self)
                with self.table("meta") as meta:
                    meta.update({"schema": target}, doc_ids=[1])
                version = target

    @property
    def schema_version(self) -> int:
        with self.table("meta") as meta:
            return int(meta.get(doc_id=1)["schema"])

    # -- the other stores --------------------------------------------------------
    @property
    def states(self) -> Any:
        """Per-SKU snapshots, ledgers and quarantine (:class:`StateStore`, or its PostgreSQL twin)."""
        return self.backend.states

    @property
    def runs(self) -> Any:
        """The run history (:class:`kit.storage.RunHistory`)."""
        return self.backend.runs

    @property
    def locks(self) -> Any:
        """Named locks that die with their holder (:class:`kit.storage.Locks`)."""
        return self.backend.locks

    @property
    def _states(self) -> Any:  # the runner's backup step looks here for a store opened by the run
        return getattr(self.backend, "_states", None)

    def close(self) -> None:
        self.backend.close()


@register_migration(2)
def _move_runs_to_the_run_history(ws: Workspace) -> None:
    """Schema 2: the tinydb ``runs.json`` (rewritten whole at every run) moves to the run history."""
    from kit.storage.runs import import_legacy_runs

    if isinstance(ws.backend, FilesBackend):
        import_legacy_runs(ws.root / "runs.json", ws.runs)
