"""Rate-limit buckets in PostgreSQL: one bucket per channel account for every process on every machine.

A :class:`~kit.connectors.ratelimit.BucketStore` (``bucket()``, ``reset()``)
plugged in by :func:`kit.connectors.ratelimit.current_store` when
``KIT_DATABASE_URL`` is set (or ``KIT_RATE_BUCKETS=postgresql://...``).

A bucket is a row ``rate_bucket(account, family, tokens, stamp)``. Each take is
one statement (refill since ``stamp``, take, return what is left) under the
row's lock, timed by the *database server's* clock, so machines whose clocks
disagree still share one rate. Waiting happens in the caller, outside any
transaction: tokens may go negative, which queues callers in the order they
asked, as the in-process bucket does.
"""

from __future__ import annotations

import threading
from typing import Any

from kit.channeltypes import RateLimit
from kit.storage.sql import PgSession
from kit.storedbucket import StoredBucket

__all__ = ["PgBuckets", "PgBucket", "BUCKET_DDL"]

BUCKET_DDL = """
CREATE TABLE IF NOT EXISTS rate_bucket (
  account TEXT NOT NULL, family TEXT NOT NULL, tokens DOUBLE PRECISION NOT NULL, stamp DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (account, family));
"""

_NO_CAP = 1e300
# One statement per take: a new bucket starts full; an existing one refills since its stamp (never beyond the
# burst; a stamp in the future, after the server's clock stepped back, refills nothing), then gives n tokens.
# A 429 penalty caps what is left at -penalty * rate, which holds every caller for that long.
_TAKE = """
INSERT INTO rate_bucket AS b (account, family, tokens, stamp)
SELECT ?, ?, LEAST(?::float8 - ?::float8, ?::float8), extract(epoch FROM clock_timestamp())::float8
ON CONFLICT (account, family) DO UPDATE SET
  tokens = LEAST(LEAST(?::float8, b.tokens + GREATEST(0.0, excluded.stamp - b.stamp) * ?::float8) - ?::float8,
                 ?::float8),
  stamp = excluded.stamp
RETURNING tokens
"""


class PgBucket(StoredBucket):
    """One (account, family) bucket whose state is a row of ``rate_bucket``."""

    def __init__(self, store: PgBuckets, account: str, family: str, rate: float, burst: float) -> None:
        super().__init__(rate, burst)
        self.store, self.account, self.family = store, account, family

    def _take(self, n: float, penalty: float | None = None) -> float:
        cap = -penalty * self.rate if penalty is not None else _NO_CAP
        params = (self.account, self.family, self.burst, n, cap, self.burst, self.rate, n, cap)
        return float(self.store.session.execute(_TAKE, params).fetchone()[0])


class PgBuckets:
    """The buckets of one database (see the module docstring).

    Args:
        url: the ``postgresql://`` URL (its password is masked in every message).
    """

    def __init__(self, url: str) -> None:
        self.session = PgSession(url, application="canais-kit-buckets")
        self.session.ensure_schema("rate_bucket", BUCKET_DDL)
        self._buckets: dict[tuple[str, str], PgBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, account: str, family: str, limit: RateLimit) -> Any:
        with self._lock:
            found = self._buckets.get((account, family))
            if found is None:
                found = self._buckets[(account, family)] = PgBucket(
                    self, account, family, limit.per_second, limit.burst
                )
        if found.rate != limit.per_second or found.burst != max(1.0, float(limit.burst)):
            found.configure(limit.per_second, limit.burst)
        return found

    def reset(self) -> None:
        self.session.execute("DELETE FROM rate_bucket")
        with self._lock:
            self._buckets.clear()

    def close(self) -> None:
        self.session.close()
