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

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kit.connectors.model import PriceItem
from kit.errors import KitError

__all__ = ["StorePrices", "PriceReads", "list_price_to_send", "as_price", "pages_of"]

log = logging.getLogger("kit.connectors.listprice")


def as_price(value: Any) -> float | None:
    """A price the channel answered (number or numeric text) rounded to cents; ``None`` unless it is above 0."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = round(float(value), 2)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def pages_of(total: Any, per_page: int) -> int | None:
    """Pages of ``per_page`` records a listing of ``total`` records takes (``None``: the total is not a count)."""
    if isinstance(total, bool):
        return None
    try:
        count = int(str(total))
    except (TypeError, ValueError):
        return None
    return -(-count // per_page) if count >= 0 else None


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


@dataclass(slots=True)
class PriceReads:
    """Where a price push reads the prices its listings show: one record right before each write, or the whole
    listing once when that takes fewer requests (a store with fewer pages of listings than SKUs to read).

    Only items without an ERP list price are read. A listing read that fails falls back to the reads one by one
    (each write then fails on its own if the channel keeps refusing).
    """

    one: Callable[[PriceItem], StorePrices | None]
    pages: Callable[[], int | None]
    every: Callable[[], dict[str, StorePrices]]
    key: Callable[[PriceItem], str] = lambda item: item.sku
    known: dict[str, StorePrices] | None = None

    def prepare(self, items: Sequence[PriceItem]) -> PriceReads:
        """Read the whole listing now when it costs fewer requests than one read per SKU."""
        wanted = {self.key(i) for i in items if i.list_price is None}
        if len(wanted) < 2:
            return self
        try:
            pages = self.pages()
            if pages is not None and pages < len(wanted):
                self.known = self.every()
        except KitError as exc:
            log.warning("listing read for the list prices failed (%s): reading SKU by SKU", exc)
            self.known = None
        return self

    def __call__(self, item: PriceItem) -> StorePrices | None:
        """The prices ``item``'s listing shows (``None``: not found); read only when the ERP has no list price."""
        if item.list_price is not None:
            return None
        found = self.known.get(self.key(item)) if self.known is not None else None
        return found if found is not None else self.one(item)
