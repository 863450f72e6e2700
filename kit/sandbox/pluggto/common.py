"""What the parts of the Plug.to sandbox share: dates, the error body, list envelopes and keyset paging.

Sources: ``../shared/channel-apis.md`` section 5 and developers.plugg.to
(list invoices: the envelope ``{total, showing, limit, hash_prev, hash_next,
result[]}`` whose ``hash_*`` are the sort keys of the page's edges; update
invoice / tracking: the ``not_updated`` error body).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kit.sandbox.base import BadRequest, Reply, Request

__all__ = [
    "ORDER_STATUSES",
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "plg_date",
    "plg_error",
    "is_int",
    "is_number",
    "keyset_page",
    "date_window",
    "now",
]

#: §5.3 (🟡, the official PHP SDK's validation list).
ORDER_STATUSES = (
    "pending", "paid", "approved", "waiting_invoice", "invoiced", "invoice_error", "shipping_informed", "shipped",
    "shipping_error", "delivered", "canceled", "under_review",
)  # fmt: skip
#: The list example answers ``"limit": 50``; a larger limit is capped at 100 here (❓: none is documented).
LIMIT_DEFAULT = 50
LIMIT_MAX = 100


def plg_date(dt: datetime) -> str:
    """A date as Plug.to writes them ("2021-06-09T19:43:20.899Z")."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def plg_error(status: int, kind: str, details: str) -> Reply:
    """The error body of the update pages (``{"error": true, "type", "message", "details"}``)."""
    body = {"error": True, "type": kind, "message": "An error occurred, see details for more information.",
            "details": details}  # fmt: skip
    return Reply(status, body)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def keyset_page(rows: list[Any], req: Request, key: Callable[[Any], str], wrap: str, *, newest_first: bool) -> dict:
    """One page of ``rows`` (already sorted) after the ``next`` key, in Plug.to's envelope.

    ``hash_next`` is the sort key of the page's last record (``hash_prev`` of its
    first); ``next=<hash_next>`` asks for the records past it.
    """
    try:
        limit = max(1, min(int(req.q("limit") or LIMIT_DEFAULT), LIMIT_MAX))
    except ValueError:
        raise BadRequest("limit must be a number") from None
    after = req.q("next")
    if after:
        rows = [r for r in rows if (key(r) < after if newest_first else key(r) > after)]
    chunk = rows[:limit]
    return {
        "total": len(rows),
        "showing": len(chunk),
        "limit": limit,
        "hash_prev": key(chunk[0]) if chunk else None,
        "hash_next": key(chunk[-1]) if len(rows) > limit else None,
        "result": [{wrap: r} for r in chunk],
    }


def _bound(text: str) -> datetime:
    """A filter bound: ``YYYY-MM-DD`` or an ISO date-time (both seen in use)."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def date_window(value: str, name: str) -> tuple[datetime, datetime]:
    """``created``/``modified`` filter: ``<day>`` or ``<from>to<to>`` -> [start, end) (a day runs to midnight, UTC ❓)."""
    first, sep, last = value.partition("to")
    if sep and not last:
        raise BadRequest(f"{name} must be YYYY-MM-DD or YYYY-MM-DDtoYYYY-MM-DD")
    try:
        start, end = _bound(first), _bound(last or first)
    except ValueError:
        raise BadRequest(f"{name} must be YYYY-MM-DD or YYYY-MM-DDtoYYYY-MM-DD") from None
    return start, end + (timedelta(days=1) if len((last or first).strip()) == 10 else timedelta(microseconds=1))


def now() -> datetime:
    return datetime.now(UTC)
