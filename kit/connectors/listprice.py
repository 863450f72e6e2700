"""The list ("de") price a price write sends, when the ERP export may have no list price column.

A channel shows a strike-through "de" price above the selling ("por") price
when the store set one. The ERP export's ``list_price`` is optional: without
it, writing the selling price as the "de" too would wipe the store's own
strike-through price on every push. The rule here, shared by the connectors
that write both prices (SkyHub, Plug.to, Via):

* the ERP gives a list price: it is sent, never below the selling price
  (unchanged behaviour);
* the ERP gives none and the store shows a "de" (list above selling): the
  store's "de" stays, unless the new selling price passes it (a "de" below
  the "por" is refused or misleading): then it follows the selling price;
* the ERP gives none and the store shows no "de" (list equal to selling, or
  unknown): the list price follows the selling price, as before (keeping it
  would invent a discount the store never had).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["StorePrices", "list_price_to_send", "as_price"]


def as_price(value: Any) -> float | None:
    """A price the channel answered (number or numeric text) rounded to cents; ``None`` unless it is above 0."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = round(float(value), 2)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@dataclass(slots=True, frozen=True)
class StorePrices:
    """The prices a listing shows right now: its list ("de") and selling ("por") price."""

    list_price: float | None
    selling: float | None

    @classmethod
    def of(cls, list_price: Any, selling: Any) -> StorePrices:
        """From the channel's raw values (``None`` where absent or not a price)."""
        return cls(as_price(list_price), as_price(selling))

    @property
    def shows_list_price(self) -> bool:
        """The store shows a strike-through price: a list price above the selling price (without a selling price,
        the list price is the price itself)."""
        return self.list_price is not None and self.selling is not None and self.list_price > self.selling


def list_price_to_send(selling: float, erp_list: float | None, store: StorePrices | None) -> float | None:
    """The list price to write with ``selling``; ``None``: leave the store's as it is.

    Args:
        selling: the new selling price (rounded to cents).
        erp_list: the ERP's list price (``None``: the export has none).
        store: the listing's prices read just before (``None``: not read, or not found).
    """
    if erp_list is not None:
        return max(round(float(erp_list), 2), selling)
    if store is None or not store.shows_list_price:
        return selling
    assert store.list_price is not None
    return None if store.list_price >= selling else selling
