"""The price guard: a drop beyond ``price_guard_pct`` below the channel's price is held for a person.

The reference of a SKU is the channel's own price wherever the channel can
tell, and the last price the kit sent otherwise, newest first:

1. the price the channel answers right before the write, for connectors that
   offer ``current_prices(items) -> {position: price}`` (a read before write,
   batch by batch);
2. else the newest of the listing's price (read at the last listing refresh,
   which a ``--full`` run and a first run always do, and any run whose table is
   older than :data:`REFERENCE_MAX_AGE_S`) and the last price the channel
   applied from the kit.

So a store whose prices were raised behind the kit's back (or that the kit
never wrote) is compared with what it shows, not with an old memory, in every
path: delta, ``--full``, first run, approvals. A listing whose price is not a
number (``NaN``, ``inf``, garbage) says nothing: the last sent price decides,
and without one the SKU is held, reported with the value the channel gave.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Reference",
    "PriceGuard",
    "REFERENCE_MAX_AGE_S",
    "BAD_LISTING_KIND",
    "brl",
    "pct",
    "valid_price",
]

#: A listing table older than this is read again before prices are compared with it.
REFERENCE_MAX_AGE_S = 24 * 3600
#: state kind holding, per SKU, a listing value the channel sent that is not a usable number
BAD_LISTING_KIND = "listing_bad"
#: above this a price is a typo or garbage, not a price (R$ 100 million)
MAX_PRICE = 1e8


def brl(value: float) -> str:
    """``R$ 1.299,90``."""
    from kit.fmt import money_pt

    return money_pt(value)


def pct(value: float) -> str:
    """``86,9 %``."""
    from kit.fmt import percent_pt

    return percent_pt(value)


def valid_price(value: Any) -> float | None:
    """``value`` as a price (finite, above zero, plausible), or ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) and 0 < out <= MAX_PRICE else None


@dataclass(slots=True)
class Reference:
    """What a new price is compared with, and where that price came from (pt-BR, for the report)."""

    price: float
    source: str


class PriceGuard:
    """Decides, SKU by SKU, whether a new price goes out or is held.

    Args:
        guard_pct: the largest drop sent without review, in percent.
        last: ``sku -> (last applied value, when)`` from the state store.
        bindings: ``sku -> listing rows`` (with their ``price``).
        bindings_at: when the listing table was read (``None``: never).
        bad_listing: ``sku -> value`` of listings whose price is not a number.
        approved: ``sku -> price`` a person approved.
    """

    def __init__(
        self,
        guard_pct: float,
        last: dict[str, tuple[Any, float]],
        bindings: dict[str, list[dict[str, Any]]],
        bindings_at: float | None,
        bad_listing: dict[str, Any],
        approved: dict[str, float],
    ) -> None:
        self.guard_pct = guard_pct
        self.last, self.bindings, self.bindings_at = last, bindings, bindings_at
        self.bad_listing, self.approved = bad_listing, approved

    def reference(self, sku: str) -> Reference | None:
        """The newest price the kit knows the channel shows for ``sku``."""
        listing = [p for p in (valid_price(b.get("price")) for b in self.bindings.get(sku, [])) if p is not None]
        sent_value, sent_at = self.last.get(sku, (None, None))
        sent = valid_price((sent_value or {}).get("price")) if isinstance(sent_value, dict) else None
        listing_at = self.bindings_at or 0.0
        if listing and (sent is None or sent_at is None or listing_at >= sent_at):
            return Reference(max(listing), "preço do anúncio no canal")
        if sent is not None:
            return Reference(sent, "último preço aplicado pelo canal")
        if listing:
            return Reference(max(listing), "preço do anúncio no canal")
        return None

    def hold_reason(self, sku: str, new: float, ref: Reference | None) -> tuple[str, float | None, float] | None:
        """``(reason, reference, drop %)`` when ``new`` must wait for a person; ``None`` when it may go out."""
        if self.approved.get(sku) == new:
            return None
        if ref is None:
            if sku in self.bad_listing:
                return (
                    f"o canal informou um preço inválido ({self.bad_listing[sku]}) para este anúncio e não há preço "
                    "enviado antes para comparar: revise e aprove",
                    None,
                    0.0,
                )
            return None
        drop = round((ref.price - new) / ref.price * 100.0, 2)
        if drop <= self.guard_pct:
            return None
        return (
            f"queda de {pct(drop)} (de {brl(ref.price)} para {brl(new)}; referência: {ref.source}) acima da trava "
            f"de {pct(self.guard_pct)}",
            ref.price,
            drop,
        )

    def check_live(
        self, skus: Sequence[str], items: Sequence[Any], read: Callable[[list[Any]], dict[int, Any]]
    ) -> dict[str, tuple[str, float | None, float]]:
        """Read the channel's prices of ``items`` right before writing; ``sku -> hold`` for those over the guard."""
        live = read(list(items))
        out: dict[str, tuple[str, float | None, float]] = {}
        for pos, item in enumerate(items):
            price = valid_price(live.get(pos))
            if price is None or item.sku in out:
                continue
            hold = self.hold_reason(item.sku, float(item.price), Reference(price, "preço lido no canal agora"))
            if hold is not None:
                out[item.sku] = hold
        return {s: out[s] for s in skus if s in out}
