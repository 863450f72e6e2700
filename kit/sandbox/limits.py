"""What each channel publishes about its request limits, and the sandboxes' own token bucket.

A sandbox is a witness written from the channel's documents, so its 429
threshold comes from :data:`PUBLISHED_LIMITS` (one row per channel, with the
document it comes from), never from the kit's channel configuration. Where a
channel publishes no limit the row says so and the sandbox answers every
request (a test lowers the limit with ``set_rate_limit`` to exercise 429s).
``retry_after`` is true only where the channel documents a ``Retry-After``
header on its 429 answers: a connector must not rely on it elsewhere.

This module imports nothing from :mod:`kit.connectors` (a test enforces that
for the whole sandbox package).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

__all__ = ["PublishedLimit", "PUBLISHED_LIMITS", "UNPUBLISHED", "published_limit", "SandboxBucket"]

_SRC = "shared/channel-apis.md"


@dataclass(frozen=True, slots=True)
class PublishedLimit:
    """A channel's documented request limit.

    Attributes:
        per_second: sustained requests per second (``None``: none published).
        burst: requests that may arrive at once before the rate applies.
        source: the document (and section) that states it.
        retry_after: the channel documents ``Retry-After`` on its 429 answer.
    """

    per_second: float | None
    burst: float
    source: str
    retry_after: bool = False


#: A channel that publishes no limit: the sandbox imposes none by default.
UNPUBLISHED = PublishedLimit(None, 1, "no limit published")

#: One row per channel type. Each channel's sandbox owner keeps its row true to the documents.
PUBLISHED_LIMITS: dict[str, PublishedLimit] = {
    # The quota is per hour and per application; the bucket holds the hour's quota and refills it evenly.
    "mercadolivre": PublishedLimit(
        18000 / 3600,
        18000,
        "developers.mercadolivre.com.br/gerencie-seu-aplicativo: max_requests_per_hour 18000 per application; "
        f"429 without Retry-After ({_SRC} §1.9)",
    ),
    "vtex": PublishedLimit(40, 1000, f"{_SRC} §2.4 (pricing: 40 req/s, 1000 burst)"),
    "magento": PublishedLimit(
        None,
        1,
        f"{_SRC} §3.7 (developer.adobe.com .../api-security): no request rate limit built in; input "
        "limiting (20 entities, page size 300) is enforced by the sandbox instead; 429 only from hosting/CDN",
    ),
    "skyhub": PublishedLimit(
        9,
        9,
        f"{_SRC} §4.4 (desenvolvedores.skyhub.com.br/guias-api-skyhub/limite-de-requisicoes): per endpoint and "
        "method, 9 req/s for writes, queues and products GET, 1 req/s for orders GET and the rest (the sandbox's "
        "table: kit/sandbox/skyhub/common.py); 429 without Retry-After",
    ),
    "pluggto": PublishedLimit(None, 1, f"{_SRC} §5.4: not found (developers.plugg.to publishes no rate limit)"),
    "netshoes": PublishedLimit(
        50 / 60,
        5,
        f"{_SRC} §6; developers.netshoes.com.br/api-portal/producao: plans of 50/100/250 calls per minute "
        "(new sellers on 50), 429 past it; no Retry-After documented; burst not published (5 assumed)",
    ),
    "cnova": PublishedLimit(
        None,
        1,
        f"{_SRC} §7: no request rate published (integrations do get 429s and wait a minute); only page caps of 50",
    ),
    "rakuten": PublishedLimit(None, 1, f"{_SRC} §8: none published (no public manual)"),
    "walmart": PublishedLimit(
        None,
        1,
        f"{_SRC} §9.1 and developer.walmart.com 'Rate limiting': per-API limits, 429 'Too Many Requests'; "
        "the per-API numbers are not in the shared documents, and no Retry-After is documented; item feeds: "
        "MP_ITEM and MP_MAINTENANCE 10 an hour each (developer.walmart.com item management; the sandbox's "
        "set_feed_rate)",
    ),
    "ezcommerce": PublishedLimit(None, 1, f"{_SRC} §10: none published (manual index only)"),
}


def published_limit(type_name: str) -> PublishedLimit:
    """The documented limit of ``type_name`` (:data:`UNPUBLISHED` for a type without a row)."""
    return PUBLISHED_LIMITS.get(type_name, UNPUBLISHED)


class SandboxBucket:
    """A token bucket that answers "yes" or "429" at once (the channel never queues a caller).

    ``per_second=None`` means no limit: every request passes.
    """

    def __init__(self, per_second: float | None, burst: float) -> None:
        self._lock = threading.Lock()
        self.configure(per_second, burst)

    def configure(self, per_second: float | None, burst: float) -> None:
        """Change the limit in place (a test lowers it to provoke 429s)."""
        with self._lock:
            self.rate = None if per_second is None else float(per_second)
            self.burst = max(1.0, float(burst))
            self._tokens = self.burst
            self._stamp = time.monotonic()

    def try_acquire(self, n: float = 1.0) -> bool:
        """Take ``n`` tokens if available now."""
        with self._lock:
            if self.rate is None:
                return True
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= n:
                self._tokens -= n
                return True
            return False

    def seconds_until(self, n: float = 1.0) -> float:
        """Seconds until ``n`` tokens are available (what a ``Retry-After`` would say)."""
        with self._lock:
            if self.rate is None:
                return 0.0
            return max(0.0, (n - self._tokens) / self.rate)
