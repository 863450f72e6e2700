"""Small helpers the channel sandboxes share (dates on the wire).

Neutral ground: no channel's sandbox imports another's, and nothing here
imports :mod:`kit.connectors`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["parse_date", "iso_utc", "epoch_ms", "recent_specs"]


def parse_date(value: str) -> datetime:
    """An ISO date-time (``Z`` or offset; a bare date or naive time is UTC).

    Raises:
        ValueError: the text is not an ISO 8601 date or date-time.
    """
    dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def iso_utc(dt: datetime) -> str:
    """``2024-05-01T12:00:00.000Z``: a date-time in UTC with milliseconds."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def epoch_ms(dt: datetime) -> int:
    """Milliseconds since the epoch (how some channels serialise dates in JSON)."""
    return int(dt.timestamp() * 1000)


def recent_specs(specs: list[dict[str, Any]], days_ago: float = 5) -> list[dict[str, Any]]:
    """Sample order specs (:func:`kit.sample.generate_orders`) moved so the first was placed ``days_ago`` days ago.

    The sample generator starts at a fixed date; a sandbox serves its orders
    as recent ones (the spacing between them is kept), so a connector's default
    look-back window finds them.
    """
    if not specs:
        return specs
    shift = datetime.now(UTC) - timedelta(days=days_ago) - parse_date(specs[0]["created_at"])
    out = []
    for spec in specs:
        moved = dict(spec)
        for key in ("created_at", "updated_at"):
            moved[key] = (parse_date(spec[key]) + shift).replace(microsecond=0).isoformat()
        out.append(moved)
    return out
