"""A token bucket whose state lives in a store (a SQLite file, a PostgreSQL row), shared between processes.

Subclasses say how one atomic step reads and writes the store (:meth:`StoredBucket._take`); the
bucket's API (:meth:`reserve`, :meth:`acquire`, :meth:`penalize`, :meth:`configure`) is written once
here for every store (:class:`kit.connectors.ratelimit.TokenBucket` in one process, the SQLite file of
:mod:`kit.connectors.ratelimit` on one machine, :mod:`kit.storage.buckets` for many).
"""

from __future__ import annotations

import time


class StoredBucket:
    """Rate and burst of one (account, family) bucket; the tokens are the store's."""

    def __init__(self, rate: float, burst: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.burst = max(1.0, float(burst))

    def configure(self, rate: float, burst: float) -> None:
        self.rate = float(rate)
        self.burst = max(1.0, float(burst))

    def _take(self, n: float, penalty: float | None = None) -> float:
        """Refill, then take ``n`` tokens (or apply a 429 ``penalty`` of seconds) atomically; the tokens left."""
        raise NotImplementedError

    def reserve(self, n: float = 1.0) -> float:
        """Take ``n`` tokens now; return how long the caller must wait before using them."""
        tokens = self._take(n)
        return 0.0 if tokens >= 0 else -tokens / self.rate

    def acquire(self, n: float = 1.0) -> float:
        """Block until ``n`` tokens are ours; return the seconds waited."""
        wait = self.reserve(n)
        if wait > 0:
            time.sleep(wait)
        return wait

    def penalize(self, seconds: float) -> None:
        """The channel said 429: hold every caller of this bucket (in every process sharing it) for ``seconds``."""
        if seconds > 0:
            self._take(0.0, penalty=seconds)
