"""The jobs' side of the connector interface (:mod:`kit.connectors.model`)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

__all__ = ["stock_item", "price_item", "order_to_dict", "order_version"]


def stock_item(sku: str, qty: int, binding: dict[str, Any]) -> Any:
    from kit.connectors.model import StockItem

    return StockItem(
        sku=sku,
        quantity=int(qty),
        channel_id=binding.get("channel_id") or None,
        variation_id=binding.get("variation_id") or None,
    )


def price_item(sku: str, value: dict[str, Any], binding: dict[str, Any]) -> Any:
    from kit.connectors.model import PriceItem

    return PriceItem(
        sku=sku,
        price=float(value["price"]),
        list_price=value.get("list_price"),
        channel_id=binding.get("channel_id") or None,
        variation_id=binding.get("variation_id") or None,
    )


def order_to_dict(order: Any) -> dict[str, Any]:
    """A JSON-friendly copy of a connector :class:`Order` (without ``ack_token``)."""
    data = dataclasses.asdict(order) if dataclasses.is_dataclass(order) else dict(order)
    data.pop("ack_token", None)
    return json.loads(json.dumps(data, default=str))


def order_version(order: dict[str, Any]) -> str:
    """The channel's update version of an order: ``updated_at``, else a content hash."""
    if order.get("updated_at"):
        return str(order["updated_at"])
    keys = ("status_raw", "carrier_raw", "service_raw", "payment_raw", "total", "items")
    blob = json.dumps({k: order.get(k) for k in keys}, sort_keys=True, default=str)
    return "h" + hashlib.sha1(blob.encode()).hexdigest()[:16]
