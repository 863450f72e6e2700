"""The workspace: where canais-kit keeps its state between runs.

Layout of a workspace directory (``KIT_WORKSPACE``, ``--workspace``, or
``~/.local/share/canais-kit/workspace``)::

    meta.json        schema version (tinydb)
    companies.json   companies (tinydb)
    channels.json    channel configurations (tinydb)
    mappings.json    de-para metadata: which tables were reviewed, when (tinydb)
    jobs.json        job state and cursors per (channel, job) (tinydb)
    runs.json        run history (tinydb)
    golive.json      go-live results, gate overrides, checklist answers (tinydb)
    states.sqlite    fast-growing per-SKU data: last-sent snapshots, order ledger

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
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from kit.errors import StoreError

__all__ = [
    "AtomicJSONStorage",
    "Workspace",
    "StateStore",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "register_migration",
    "default_workspace_path",
    "safe_child",
    "mkdir_private",
    "refuse_symlink",
]

log = logging.getLogger("kit.store")

SCHEMA_VERSION = 1
STATES_FILE = "states.sqlite"
TABLE_FILES = ("meta", "companies", "channels", "mappings", "jobs", "runs", "golive")
LOCK_TIMEOUT_S = 60

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


def mkdir_private(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` and any missing parent with mode 0700, whatever the umask; returns it."""
    path = Path(path)
    missing = []
    for parent in (path, *path.parents):
        if parent.exists():
            break
        missing.append(parent)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; 0700 is what we mean
    return path


def refuse_symlink(path: str | os.PathLike[str], what: str = "lock") -> None:
    """Refuse a symbolic link where the kit opens (and truncates) a file of its own."""
    if Path(path).is_symlink():
        raise StoreError(
            f"o arquivo de {what} {path} é um link simbólico; o kit não o segue",
            file=str(path),
            hint="remova o link (o kit recria o arquivo); alguém pode ter tentado desviar uma escrita",
        )


def safe_child(root: str | os.PathLike[str], *parts: str) -> Path:
    """``root/part/...``, refusing any part that would lead outside ``root`` (``..``, ``/``, a link out).

    Names that become paths (channel names, job names) are validated where they
    are made; this is the second line, for names read back from files that may
    have been edited by hand.
    """
    base = Path(root).expanduser()
    path = base.joinpath(*parts)
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part or part != part.strip():
            raise StoreError(
                f"nome inválido para um caminho: {part!r}",
                file=str(base),
                hint="o nome foi alterado fora do kit (por exemplo em channels.json); corrija-o ou remova o canal",
            )
    resolved_base = base.resolve()
    if resolved_base not in path.resolve().parents and path.resolve() != resolved_base:
        raise StoreError(
            f"o caminho {path} sai de {base}",
            file=str(path),
            hint="um link simbólico ou um nome alterado aponta para fora da pasta; remova-o",
        )
    return path


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


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
            self._corrupt("the file is empty")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self._corrupt(f"it is not valid JSON ({exc})")
        if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(row, dict) for row in table.values()) for table in data.values()
        ):
            self._corrupt("it does not hold tinydb tables ({table: {id: {...}}})")
        self._last_good = raw
        return data

    def _corrupt(self, why: str) -> None:
        hint = (
            f"the last good copy is {self.backup}; inspect both, then copy the backup over the file"
            if self.backup.exists()
            else "no backup exists; restore the file from your own backups"
        )
        raise StoreError(f"workspace file {self.path} is corrupt: {why}", file=str(self.path), hint=hint)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        if self._last_good is not None and self._last_good != payload:
            atomic_write_bytes(self.backup, self._last_good)
        atomic_write_bytes(self.path, payload)
        self._last_good = payload

    def close(self) -> None:  # nothing is held open
        pass


class Workspace:
    """A workspace directory: tinydb tables behind locks, plus the state store.

    Args:
        root: the directory; ``None`` for :func:`default_workspace_path`.
        create: create the directory (and schema metadata) if missing.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.root = Path(root).expanduser() if root else default_workspace_path()
        if not self.root.exists():
            if not create:
                raise StoreError(
                    f"no workspace at {self.root}",
                    hint="run 'kit init' or point KIT_WORKSPACE / --workspace at an existing one",
                )
            mkdir_private(self.root)
        self._check_private()
        self._states: StateStore | None = None
        self._check_schema()

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

    # -- tinydb access -------------------------------------------------------
    def lock(self, name: str) -> FileLock:
        """The cross-process lock guarding table file ``name`` (a symbolic link there is refused)."""
        path = self.root / f".{name}.lock"
        refuse_symlink(path)
        return FileLock(str(path), timeout=LOCK_TIMEOUT_S, mode=0o600)

    @contextlib.contextmanager
    def table(self, name: str, table: str = "_default") -> Iterator[Table]:
        """Open table ``table`` of file ``name`` under its lock.

        Everything done inside the ``with`` block is one read-modify-write:
        no other process can interleave a write.
        """
        if name not in TABLE_FILES:
            raise ValueError(f"unknown workspace file {name!r}")
        with self.lock(name):
            db = TinyDB(self.root / f"{name}.json", storage=AtomicJSONStorage)
            try:
                db.storage.read()  # detect a corrupt file on open, not at first access
                yield db.table(table, cache_size=0)
            finally:
                db.close()

    # -- schema ----------------------------------------------------------------
    def _check_schema(self) -> None:
        with self.table("meta") as meta:
            row = meta.get(doc_id=1)
            if row is None:
                meta.insert({"schema": SCHEMA_VERSION, "created_at": time.time()})
                return
            version = int(row.get("schema", 0))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"workspace {self.root} has schema {version}, newer than this kit ({SCHEMA_VERSION})",
                hint="upgrade canais-kit",
            )
        while version < SCHEMA_VERSION:
            target = version + 1
            migrate = MIGRATIONS.get(target)
            if migrate is None:
                raise StoreError(f"no migration from workspace schema {version} to {target}")
            migrate(self)
            with self.table("meta") as meta:
                meta.update({"schema": target}, doc_ids=[1])
            version = target

    @property
    def schema_version(self) -> int:
        with self.table("meta") as meta:
            return int(meta.get(doc_id=1)["schema"])

    # -- state store -----------------------------------------------------------
    @property
    def states(self) -> StateStore:
        """The SQLite store for per-SKU snapshots and order ledgers."""
        if self._states is None:
            self._states = StateStore(self.root / STATES_FILE)
        return self._states

    def close(self) -> None:
        if self._states is not None:
            self._states.close()
            self._states = None


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

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on error); a nested one joins the outer one."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

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
