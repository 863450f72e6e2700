"""Round trip of a sample order: the sandbox renders it in the channel's shape, the connector normalises it back.

Used by the channel tests whose sandbox has a ``render_order(spec)`` (issue 19):
a spec from :func:`kit.sample.generate_orders` must come back from
``connector.normalize_order`` as the same order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

__all__ = ["assert_same_order"]


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def assert_same_order(spec: dict[str, Any], order: Any, *, address_keys: tuple[str, ...] = ()) -> None:
    """``order`` (a connector :class:`~kit.connectors.model.Order`) says what ``spec`` says.

    Args:
        spec: one order of :func:`kit.sample.generate_orders`.
        order: the connector's normalised order.
        address_keys: the ``shipping_address`` keys the channel carries (compared one by one).
    """
    assert order.order_id == str(spec["order_id"])
    assert order.status_raw == spec["status_raw"]
    assert _instant(order.created_at) == _instant(spec["created_at"])
    assert (order.carrier_raw, order.service_raw, order.payment_raw) == (
        spec["carrier_raw"],
        spec["service_raw"],
        spec["payment_raw"],
    )
    got = sorted((i.sku, i.quantity, round(i.unit_price, 2)) for i in order.items)
    want = sorted((str(i["sku"]), int(i["qty"]), round(float(i["unit_price"]), 2)) for i in spec["items"])
    assert got == want
    assert float(order.total) == pytest.approx(spec["total"], abs=0.011)
    assert (order.buyer.get("name"), order.buyer.get("document")) == (spec["buyer"]["name"], spec["buyer"]["document"])
    for key in address_keys:
        assert order.shipping_address.get(key) == spec["shipping_address"][key], key
