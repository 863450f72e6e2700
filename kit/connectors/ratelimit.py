"""Proactive rate limiting: one token bucket per channel account, shared by every thread and process.

The rate limit belongs to the channel account, not to the process: two jobs of
one channel started by cron in separate processes must draw from one bucket,
or each uses the whole limit and the channel answers 429. Buckets therefore
live in a :class:`BucketStore`, keyed by ``(account, family)``:

* :class:`SQLiteBuckets` (the default): the bucket's state is a row of a
  SQLite file (``<workspace>/ratelimit.sqlite``, or ``$KIT_RATE_BUCKETS``), so
  every process of the machine working on the workspace shares it. Each take is
  one short write transaction; waiting happens outside it.
* :class:`MemoryBuckets`: one process only (``KIT_RATE_BUCKETS=memory``; also
  the fallback when the file cannot be opened).
* :class:`kit.storage.buckets.PgBuckets`: every process on every machine, the
  bucket a row of the database (``KIT_DATABASE_URL``, or
  ``KIT_RATE_BUCKETS=postgresql://...``), timed by the server's clock. A
  database that cannot be reached is an error, never a silent private bucket.

A store is two methods, :meth:`BucketStore.bucket` and :meth:`BucketStore.reset`;
callers only ever see :func:`bucket_for`, so another store (PostgreSQL, for
several machines) plugs in with :func:`use_buckets` without touching them.

``family`` is an operation family ("write", "read", "orders_read", ...): a
channel type declares extra buckets in ``ChannelType.rate_limits``; families it
does not declare share the channel's main bucket (``Channel.rate_limit()``).

:class:`TokenBucket` is the in-process bucket (the sandboxes use it too, for
the limit they enforce as the channel).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from kit.channeltypes import RateLimit
from kit.storage.sqlite import immediate
from kit.storedbucket import StoredBucket

__all__ = [
    "Bucket",
    "BucketStore",
    "TokenBucket",
    "MemoryBuckets",
    "SQLiteBuckets",
    "SharedBucket",
    "bucket_for",
    "use_buckets",
    "current_store",
    "reset_buckets",
    "close_stores",
    "DEFAULT_FAMILY",
    "BUCKETS_ENV",
]

log = logging.getLogger("kit.connectors.ratelimit")

DEFAULT_FAMILY = "default"
BUCKETS_ENV = "KIT_RATE_BUCKETS"  # a file path, "memory", or a postgresql:// URL
BUCKETS_FILE = "ratelimit.sqlite"
#: a stored stamp older than this (or in the future: a reboot) starts the bucket full again
_STALE_S = 24 * 3600.0


class Bucket(Protocol):
    """What the request loop needs of a bucket."""

    rate: float
    burst: float

    def acquire(self, n: float = 1.0) -> float:
        """Block until ``n`` tokens are ours; return the seconds waited."""

    def penalize(self, seconds: float) -> None:
        """The channel said 429: hold every caller of this bucket for ``seconds``."""

    def configure(self, rate: float, burst: float) -> None:
        """Change the rate in place (a channel's limit was edited)."""


class BucketStore(Protocol):
    """Where buckets live: the extension point (one machine, several machines...)."""

    def bucket(self, account: str, family: str, limit: RateLimit) -> Bucket:
        """The bucket of ``account`` for ``family``, (re)configured to ``limit``."""

    def reset(self) -> None:
        """Forget every bucket (tests)."""


class TokenBucket(StoredBucket):
    """``rate`` tokens per second, at most ``burst`` saved up, in this process.

    :meth:`acquire` blocks until a token is available. The wait is computed
    under the lock (tokens may go negative, which queues callers fairly) and
    slept outside it. The bucket's API is :class:`kit.storedbucket.StoredBucket`'s;
    its store is two fields behind a lock.
    """

    def __init__(self, rate: float, burst: float) -> None:
        super().__init__(rate, burst)
        self._tokens = self.burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def configure(self, rate: float, burst: float) -> None:
        """Change the rate in place (a channel's limit was edited)."""
        with self._lock:
            super().configure(rate, burst)
            self._tokens = min(self._tokens, self.burst)

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def _take(self, n: float, penalty: float | None = None) -> float:
        with self._lock:
            self._refill(time.monotonic())
            self._tokens -= n
            if penalty is not None:
                self._tokens = min(self._tokens, -penalty * self.rate)
            return self._tokens

    def try_acquire(self, n: float = 1.0) -> bool:
        """Take ``n`` tokens if available now, without waiting (used by sandboxes)."""
        with self._lock:
            self._refill(time.monotonic())
            if self._tokens >= n:
                self._tokens -= n
                return True
            return False

    def seconds_until(self, n: float = 1.0) -> float:
        """How long until ``n`` tokens are available (for ``Retry-After``)."""
        with self._lock:
            self._refill(time.monotonic())
            return max(0.0, (n - self._tokens) / self.rate)


def _configured(bucket: Bucket, limit: RateLimit) -> Bucket:
    if bucket.rate != limit.per_second or bucket.burst != max(1.0, float(limit.burst)):
        bucket.configure(limit.per_second, limit.burst)
    return bucket


class MemoryBuckets:
    """Buckets of this process only."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, account: str, family: str, limit: RateLimit) -> Bucket:
        with self._lock:
            found = self._buckets.get((account, family))
            if found is None:
                found = self._buckets[(account, family)] = TokenBucket(limit.per_second, limit.burst)
            return _configured(found, limit)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


class SharedBucket(StoredBucket):
    """A token bucket whose state (tokens, stamp) is a row of a :class:`SQLiteBuckets` file.

    The clock is ``time.monotonic()``, the machine's monotonic clock, the same
    in every process of one boot.
    """

    def __init__(self, store: SQLiteBuckets, account: str, family: str, rate: float, burst: float) -> None:
        super().__init__(rate, burst)
        self.store, self.key = store, (account, family)

    def _take(self, n: float, penalty: float | None = None) -> float:
        """Refill, then take ``n`` tokens (or apply a 429 ``penalty``) in one transaction; return the tokens left."""
        with self.store.transaction() as db:
            row = db.execute("SELECT tokens, stamp FROM bucket WHERE account=? AND family=?", self.key).fetchone()
            now = time.monotonic()
            if row is None or row[1] > now or now - row[1] > _STALE_S:
                tokens = self.burst
            else:
                tokens = min(self.burst, row[0] + (now - row[1]) * self.rate)
            tokens -= n
            if penalty is not None:
                tokens = min(tokens, -penalty * self.rate)
            db.execute("INSERT OR REPLACE INTO bucket VALUES (?,?,?,?)", (*self.key, tokens, now))
        return tokens


class SQLiteBuckets:
    """Buckets shared by every process using the same file (one machine).

    Args:
        path: the SQLite file (created private, 0600).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        with self._lock:
            self._connect()
        self._buckets: dict[tuple[str, str], SharedBucket] = {}

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a lost update after a power cut costs one burst, nothing more
            db.execute(
                "CREATE TABLE IF NOT EXISTS bucket (account TEXT NOT NULL, family TEXT NOT NULL, tokens REAL NOT NULL,"
                " stamp REAL NOT NULL, PRIMARY KEY (account, family)) WITHOUT ROWID"
            )
            self._db = db
        return self._db

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, immediate(self._connect()) as db:
            yield db

    def bucket(self, account: str, family: str, limit: RateLimit) -> Bucket:
        key = (account, family)
        found = self._buckets.get(key)
        if found is None:
            found = self._buckets.setdefault(key, SharedBucket(self, account, family, limit.per_second, limit.burst))
        return _configured(found, limit)

    def reset(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM bucket")
        self._buckets.clear()

    def close(self) -> None:
        """Close the file; the next take opens it again."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


_lock = threading.Lock()
_explicit: BucketStore | None = None
_stores: dict[str, BucketStore] = {}  # by location, most recently opened last
_OPEN_STORES = 4  # older ones are closed (they reopen on use): a long test session opens many


def use_buckets(store: BucketStore | None) -> None:
    """Use ``store`` for every bucket of this process (``None``: back to the default location)."""
    global _explicit
    with _lock:
        _explicit = store


def _location() -> str:
    where = os.environ.get(BUCKETS_ENV)
    if where:
        return where
    from kit.storage import database_url

    if database_url():
        return str(database_url())
    from kit.store import default_workspace_path

    return str(default_workspace_path() / BUCKETS_FILE)


def current_store() -> BucketStore:
    """The store buckets come from now: the one set by :func:`use_buckets`, else the default location's."""
    if _explicit is not None:
        return _explicit
    where = _location()
    with _lock:
        store = _stores.get(where)
        if store is None:
            store = _stores[where] = _open(where)
            for old in list(_stores.values())[:-_OPEN_STORES]:
                if hasattr(old, "close"):
                    old.close()
        return store


def _open(where: str) -> BucketStore:
    if where == "memory":
        return MemoryBuckets()
    if where.startswith(("postgresql://", "postgres://")):
        from kit.storage.buckets import PgBuckets

        return PgBuckets(where)  # shared by every machine: unreachable is an error, not a private bucket
    try:
        return SQLiteBuckets(where)
    except (OSError, sqlite3.Error) as exc:
        # Still safe within this process; other processes may then use the limit too.
        log.warning("rate-limit buckets cannot be shared through %s (%s); using this process's own", where, exc)
        return MemoryBuckets()


def account_digest(account: str) -> str:
    """What a store keeps of ``account``: a digest, since an account may be named by a credential (an app id)."""
    return hashlib.sha256(account.encode("utf-8")).hexdigest()[:32]


def bucket_for(account: str, family: str, limit: RateLimit) -> Bucket:
    """The shared bucket of ``account`` for ``family``, (re)configured to ``limit``.

    The account reaches the store only as :func:`account_digest`: the shared
    file sits in the workspace, where no credential may be written.
    """
    return current_store().bucket(account_digest(account), family, limit)


def reset_buckets() -> None:
    """Forget every bucket (tests): of the explicit store and of every store opened so far."""
    with _lock:
        stores = [*([_explicit] if _explicit is not None else []), *_stores.values()]
    for store in stores:
        store.reset()


def close_stores() -> None:
    """Close and forget every store opened from a location (tests, processes that switch databases)."""
    with _lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        if hasattr(store, "close"):
            store.close()
