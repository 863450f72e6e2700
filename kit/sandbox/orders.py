"""Helpers shared by sandboxes that serve orders of the sample generator (:func:`kit.sample.generate_orders`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["recent"]


def recent(specs: list[dict[str, Any]], *, newest_ago: timedelta = timedelta(hours=1)) -> list[dict[str, Any]]:
    """The neutral orders moved in time so the newest stamp is ``newest_ago`` before now.

    The generator dates its orders from a fixed day; a channel serves only recent
    orders (Walmart: the last 180 days), so a sandbox that did not move them would
    stop serving them as the calendar moves on. Spacing and order are kept.
    """
    stamps = [datetime.fromisoformat(s[k]) for s in specs for k in ("created_at", "updated_at") if s.get(k)]
    if not stamps:
        return specs
    shift = datetime.now(UTC) - newest_ago - max(stamps)
    out = []
    for spec in specs:
        moved = dict(spec)
        for key in ("created_at", "updated_at"):
            if spec.get(key):
                moved[key] = (datetime.fromisoformat(spec[key]) + shift).isoformat(timespec="seconds")
        out.append(moved)
    return out
