"""The body of a VTEX price write that changes the base price and keeps what the store set.

``PUT {pricing}/pricing/prices/{itemId}`` (pricing-api.json, "Create or update base price or fixed
price") is a full replace: "This PUT request overwrites all fixed prices for the specified SKU with the
provided data ... any existing prices not included in the request body will be deleted", and "If you
decide to fill only the ``basePrice`` item, the ``markup`` and ``costPrice`` will be automatically
generated". The document has no operation that changes the base price alone (the PATCH of
``/pricing/prices/{itemId}/fixed`` takes fixed prices only), so the connector reads the current record
(``GET /pricing/prices/{itemId}``, the read ``list_listings`` already makes) and sends it back with the
new base price: the store's fixed prices, its cost price (markup recomputed by VTEX) and, when the ERP
has none, its strike-through list price (the shared rule of :mod:`kit.connectors.listprice`).
"""

from __future__ import annotations

from typing import Any

from kit.connectors.listprice import StorePrices, list_price_to_send
from kit.connectors.model import PriceItem

__all__ = ["price_body", "UnsafePriceRecord"]

#: pricing-api.json PUT body, ``fixedPrices[]``: the fields of one fixed price (required: the first three).
FIXED_PRICE_REQUIRED = ("tradePolicyId", "value", "minQuantity")


class UnsafePriceRecord(ValueError):
    """The current price record cannot be sent back as it is: a write would lose part of it."""


def _money(value: Any) -> float:
    return round(float(value), 2)


def _fixed_price(entry: Any) -> dict[str, Any]:
    """One fixed price of the GET, as the PUT takes it (the GET's ``listPrice: null`` left out)."""
    if not isinstance(entry, dict) or any(entry.get(k) is None for k in FIXED_PRICE_REQUIRED):
        raise UnsafePriceRecord(f"preço fixo sem {', '.join(FIXED_PRICE_REQUIRED)}: {entry!r}")
    out: dict[str, Any] = {
        "tradePolicyId": str(entry["tradePolicyId"]),
        "value": float(entry["value"]),
        "minQuantity": int(entry["minQuantity"]),
    }
    if entry.get("listPrice") is not None:
        out["listPrice"] = float(entry["listPrice"])
    if entry.get("dateRange"):
        date_range = entry["dateRange"]
        if not isinstance(date_range, dict) or not date_range.get("from") or not date_range.get("to"):
            raise UnsafePriceRecord(f"preço fixo com período incompleto: {entry!r}")
        out["dateRange"] = {"from": str(date_range["from"]), "to": str(date_range["to"])}
    return out


def _store_cost(current: dict[str, Any]) -> float | None:
    """The cost price the store set, or ``None`` when VTEX generated it (cost = base, markup 0) or there is none.

    Inferred: pricing-api.json says a base price sent alone gets its cost price and markup "automatically
    generated to adapt to" it; a record whose cost equals its base with markup 0 is read as that, so the kit
    keeps sending the base price alone for it (a cost frozen at the old base would be a value the store never set).
    """
    cost, base, markup = current.get("costPrice"), current.get("basePrice"), current.get("markup")
    if cost is None or float(cost) <= 0:
        return None
    if base is not None and float(cost) == float(base) and not markup:
        return None
    return float(cost)


def _list_price(item: PriceItem, base: float, current: dict[str, Any]) -> float | None:
    """The list price to send (``None``: none), by the kit's shared "de" rule (:mod:`kit.connectors.listprice`).

    The ERP's when it has one (never below the base price); without it, the store's strike-through "de" stays
    unless the new base price passes it, and a list price equal to the old base (no "de" shown) follows the new
    base (keeping it would invent a discount). Neither the ERP nor the store has one: none is sent, as before.
    """
    store = StorePrices.of(current.get("listPrice"), current.get("basePrice"))
    if item.list_price is None and store.list_price is None:
        return None
    chosen = list_price_to_send(base, item.list_price, store)
    return store.list_price if chosen is None else chosen


def price_body(item: PriceItem, current: dict[str, Any] | None) -> dict[str, Any]:
    """The PUT body for ``item``: its base price (and list price), the rest of ``current`` kept.

    Args:
        item: the ERP's price (``price`` = base price, ``list_price`` = list price or ``None``).
        current: the SKU's current price record (``GET /pricing/prices/{itemId}``), or ``None`` when the
            SKU has no price yet (404).

    Raises:
        UnsafePriceRecord: ``current`` has a fixed price the PUT could not carry back intact.
    """
    if current is not None and not isinstance(current, dict):
        raise UnsafePriceRecord(f"resposta inesperada: {current!r}"[:200])
    body: dict[str, Any] = {"basePrice": _money(item.price)}
    current = current or {}
    cost = _store_cost(current)
    if cost is not None:
        body["costPrice"] = cost  # two of base/cost/markup: VTEX recomputes the markup
    list_price = _list_price(item, body["basePrice"], current)
    if list_price is not None:
        body["listPrice"] = list_price
    fixed = current.get("fixedPrices") or []
    if not isinstance(fixed, list):
        raise UnsafePriceRecord(f"fixedPrices não é uma lista: {fixed!r}")
    if fixed:
        body["fixedPrices"] = [_fixed_price(entry) for entry in fixed]
    return body
