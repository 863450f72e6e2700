"""Orders a sandbox serves: neutral specs from the sample order generator, moved to the present.

:func:`kit.sample.generate_orders` writes channel-neutral order specs dated
from a fixed epoch (so the committed sample never changes). A sandbox serves
them as recent orders: :func:`recent_specs` shifts every date by one offset so
the newest update lands a little before now, keeping the gaps between orders.
Each sandbox's ``render_order(spec)`` then writes a spec in its channel's
documented order shape (the inverse of the connector's normalisation).

This module imports nothing from :mod:`kit.connectors` (sandboxes are witnesses).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["recent_specs", "shift_spec", "instant", "NEWEST_AGO"]

#: How long before "now" the newest seeded order was last updated.
NEWEST_AGO = timedelta(minutes=10)


def instant(value: str) -> datetime:
    """An ISO 8601 date-time as an aware datetime (``Z`` accepted; naive values are UTC)."""
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _is_price(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and value > 0


def shift_spec(spec: dict[str, Any], delta: timedelta) -> dict[str, Any]:
    """A copy of ``spec`` whose ``created_at``/``updated_at`` moved by ``delta`` (offsets kept)."""
    out = dict(spec)
    for key in ("created_at", "updated_at"):
        if out.get(key):
            moved = instant(out[key]) + delta
            out[key] = moved.isoformat(timespec="seconds")
    return out


def recent_specs(
    catalog: list[dict[str, Any]], channel_type: str, n: int, seed: int, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """``n`` sample order specs for ``channel_type``, the newest updated :data:`NEWEST_AGO` before ``now``.

    An empty catalogue or ``n <= 0`` gives no orders (a store with nothing to sell has no sales).
    """
    from kit.sample import generate_orders

    rows = [r for r in catalog if str(r.get("sku") or "").strip() and _is_price(r.get("price"))]
    if n <= 0 or not rows:
        return []
    specs = generate_orders(rows, channel_type, n, seed)
    newest = max(instant(s["updated_at"]) for s in specs)
    delta = (now or datetime.now(UTC)) - NEWEST_AGO - newest
    return [shift_spec(s, delta) for s in specs]
