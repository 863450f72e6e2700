"""Proactive rate limiting: a thread-safe token bucket per channel account.

Buckets are kept in a process-wide registry keyed by ``(account, family)``,
so every thread and every connector object talking to the same channel
account shares one bucket and the kit rarely meets a 429 at all. ``family`` is
an operation family ("write", "read", "orders_read", ...): a channel type
declares extra buckets in ``ChannelType.rate_limits``; families it does not
declare share the channel's main bucket (``Channel.rate_limit()``).
"""

from __future__ import annotations

import threading
import time

from kit.channeltypes import RateLimit

__all__ = ["TokenBucket", "bucket_for", "reset_buckets", "DEFAULT_FAMILY"]

DEFAULT_FAMILY = "default"


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up.

    :meth:`acquire` blocks until a token is available. The wait is computed
    under the lock (tokens may go negative, which queues callers fairly) and
    slept outside it.
    """

    def __init__(self, rate: float, burst: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.burst = max(1.0, float(burst))
        self._tokens = self.burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def configure(self, rate: float, burst: float) -> None:
        """Change the rate in place (a channel's limit was edited)."""
        with self._lock:
            self.rate = float(rate)
            self.burst = max(1.0, float(burst))
            self._tokens = min(self._tokens, self.burst)

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self, n: float = 1.0) -> float:
        """Take ``n`` tokens now; return how long the caller must wait before using them."""
        with self._lock:
            now = time.monotonic()
            self._refill(now)
            self._tokens -= n
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self, n: float = 1.0) -> float:
        """Block until ``n`` tokens are ours; return the seconds waited."""
        wait = self.reserve(n)
        if wait > 0:
            time.sleep(wait)
        return wait

    def penalize(self, seconds: float) -> None:
        """The channel said 429: hold every caller of this bucket for ``seconds``."""
        if seconds <= 0:
            return
        with self._lock:
            self._refill(time.monotonic())
            self._tokens = min(self._tokens, -seconds * self.rate)

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


_registry: dict[tuple[str, str], TokenBucket] = {}
_registry_lock = threading.Lock()


def bucket_for(account: str, family: str, limit: RateLimit) -> TokenBucket:
    """The shared bucket of ``account`` for ``family``, (re)configured to ``limit``."""
    key = (account, family)
    with _registry_lock:
        bucket = _registry.get(key)
        if bucket is None:
            bucket = _registry[key] = TokenBucket(limit.per_second, limit.burst)
        elif bucket.rate != limit.per_second or bucket.burst != max(1.0, float(limit.burst)):
            bucket.configure(limit.per_second, limit.burst)
        return bucket


def reset_buckets() -> None:
    """Forget every bucket (tests)."""
    with _registry_lock:
        _registry.clear()
