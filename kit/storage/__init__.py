"""Where the kit keeps what its runs share: one interface, two backends.

``files`` (the default, one machine)
    The workspace directory: tinydb files for configuration documents, SQLite for
    per-SKU state (``states.sqlite``) and run history (``runs.sqlite``), OS file
    locks, the rotating OAuth tokens in the secrets file, rate-limit buckets in
    ``ratelimit.sqlite``. ``make demo`` and cron use it unchanged.
``postgres`` (several processes on several machines)
    Chosen by ``KIT_DATABASE_URL=postgresql://...`` (psycopg 3): the same
    documents, per-SKU state, run history, job locks (advisory locks held for the
    run, released by the server when the holder's connection dies), the rotating
    OAuth tokens (encrypted with ``KIT_TOKEN_KEY``, refreshed under a row lock) and
    the rate-limit buckets (one bucket per channel account for every process).

Static credentials never move: they stay in the secrets file or ``KIT_SECRET__*``.

The pieces, each small and with the same methods in both backends::

    Workspace (kit.store)                 what callers hold
    ├── table(file, table)                tinydb Table of configuration documents
    ├── states                            StateStore: per-SKU snapshots, ledgers, quarantine (SQL)
    ├── runs                              RunHistory: append(), last(), rows(), prune()
    └── locks                             Locks: acquire(name), holder(name)
    kit.storage.tokens.token_store()      TokenStore: read(ref), locked(ref)
    kit.connectors.ratelimit.bucket_for() BucketStore: bucket(), reset()

``docs/storage.md`` describes the interface for other modules (the scheduler,
Airflow tasks) and the set-up of a database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "DATABASE_ENV",
    "TOKEN_KEY_ENV",
    "RETENTION_ENV",
    "DEFAULT_RETENTION_DAYS",
    "database_url",
    "backend_name",
    "RunLast",
    "RunHistory",
    "Held",
    "Locks",
]

DATABASE_ENV = "KIT_DATABASE_URL"
TOKEN_KEY_ENV = "KIT_TOKEN_KEY"
RETENTION_ENV = "KIT_RUN_RETENTION_DAYS"
#: run history older than this is pruned (the last run of every (channel, job) is always kept)
DEFAULT_RETENTION_DAYS = 90


def database_url() -> str | None:
    """``$KIT_DATABASE_URL`` when set (a ``postgresql://`` URL), else ``None`` (the files backend)."""
    url = (os.environ.get(DATABASE_ENV) or "").strip()
    return url or None


def backend_name() -> str:
    """``postgres`` when ``KIT_DATABASE_URL`` is set, else ``files``."""
    return "postgres" if database_url() else "files"


@dataclass(slots=True)
class RunLast:
    """What the due check needs of one (channel, job): kept up to date at every append, read in O(1).

    Attributes:
        channel: the channel name.
        job: the job name.
        last: the latest run's record (greatest ``started_at``), as appended.
        last_ok_started_at: start of the latest successful real (not dry-run) run, or ``None``.
        failed_streak: real runs that failed in a row since the last success (0 after a success).
        runs: how many runs were ever appended for this pair (pruning does not lower it).
    """

    channel: str
    job: str
    last: dict[str, Any] = field(default_factory=dict)
    last_ok_started_at: float | None = None
    failed_streak: int = 0
    runs: int = 0


class RunHistory(Protocol):
    """Run records: cheap to append, with the last run per (channel, job) at hand.

    A record is the dict the runner writes (``channel``, ``job``, ``started_at``,
    ``finished_at``, ``status``, ``exit_code``, ``counts``, ``report_path``,
    ``dry_run``...); :meth:`append` adds ``host`` (the machine) when missing and
    returns the record's id. Records older than the retention
    (``KIT_RUN_RETENTION_DAYS``, default 90; 0 keeps everything) are pruned a few
    at a time while appending, so no append pays for a backlog.
    """

    def append(self, row: dict[str, Any]) -> int:
        """Record one run; returns its id."""

    def last(self, channel: str | None = None) -> dict[tuple[str, str], RunLast]:
        """``(channel, job) -> RunLast`` for every pair (or one channel's), without reading the history."""

    def rows(
        self,
        *,
        channel: str | None = None,
        job: str | None = None,
        since: float | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Records oldest first (``limit``: the newest ``limit`` of them), each with its ``id``."""

    def prune(self, before: float, *, max_rows: int | None = None) -> int:
        """Delete records that started before ``before`` (at most ``max_rows``); returns how many."""

    def count(self) -> int:
        """How many records are kept."""


class Held(Protocol):
    """A lock this process holds; :meth:`release` gives it back (dying does too)."""

    def release(self) -> None: ...


class Locks(Protocol):
    """Named locks shared by every process using the backend (two methods).

    Files: an OS file lock under ``<workspace>/locks``; PostgreSQL: an advisory
    lock on a connection of its own. Either way the lock dies with its holder,
    however it dies (``kill -9`` included).
    """

    def acquire(
        self, name: str, *, wait: float = 0.0, info: dict[str, Any] | None = None
    ) -> AbstractContextManager[None] | None:
        """Take lock ``name`` (waiting up to ``wait`` seconds); ``None`` if another holder has it.

        The returned object is a context manager (and has ``release()``); ``info`` (pid,
        host, start...) is what :meth:`holder` tells the others while it is held.
        """

    def holder(self, name: str) -> dict[str, Any] | None:
        """What the current holder of ``name`` said about itself, if known."""


def iter_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in consecutive lists of at most ``size``."""
    for i in range(0, len(items), max(1, size)):
        yield items[i : i + size]
