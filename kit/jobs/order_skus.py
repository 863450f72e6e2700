"""Order lines without a seller SKU: resolved through the SKU binding table, else held in quarantine.

A marketplace order carries the seller's SKU only when its listing has one (Mercado Livre's
``seller_sku``). Without it the line names only the listing. The ERP cannot take a line it
cannot match to a product, and the listing id is not a SKU, so such an order is never written
with a made-up code: the listing's SKU in the binding table (the listing may have got one
since) fills the line, else the order waits in quarantine, retried every run, with what to do.
"""

from __future__ import annotations

from typing import Any

from kit.connectors.orderchecks import code

__all__ = ["ListingSkus"]


class ListingSkus:
    """The SKU of each bound listing (and variation), read from the binding table when first needed."""

    def __init__(self, state: Any) -> None:
        self._state = state
        self._map: dict[tuple[str, str], str] | None = None

    def _by_listing(self) -> dict[tuple[str, str], str]:
        if self._map is None:
            found: dict[tuple[str, str], str] = {}
            per_listing: dict[str, set[str]] = {}
            for sku, rows in self._state.bindings().items():
                for row in rows:
                    cid, var = code(row.get("channel_id")), code(row.get("variation_id"))
                    found.setdefault((cid, var), sku)
                    per_listing.setdefault(cid, set()).add(sku)
            for cid, skus in per_listing.items():  # a listing of one SKU answers for a line without variation
                if len(skus) == 1:
                    found.setdefault((cid, ""), next(iter(skus)))
            self._map = found
        return self._map

    def fill(self, order: dict[str, Any]) -> list[str]:
        """Fill ``order``'s lines without a SKU from their listing (in place); pt-BR problems for those left."""
        problems = []
        for n, item in enumerate(order.get("items") or [], start=1):
            if code(item.get("sku")):
                continue
            cid, var = code(item.get("channel_item_id")), code(item.get("variation_id"))
            sku = self._by_listing().get((cid, var)) if cid else None
            if sku:
                item["sku"] = sku
                continue
            where = f" (anúncio {cid}{'/' + var if var else ''})" if cid else ""
            problems.append(
                f"o item {n}{where} não tem SKU do vendedor no canal: preencha no anúncio o SKU do ERP; o pedido "
                "fica em quarentena e entra na próxima execução"
            )
        return problems
