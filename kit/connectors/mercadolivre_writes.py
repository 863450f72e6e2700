"""Mercado Livre stock and price writes: ``PUT /items/{id}``, one listing per request.

A mixin of :class:`kit.connectors.mercadolivre.MercadoLivreConnector` (which
provides ``_link``, ``list_listings``, ``items`` and the link caches).

* **Variations** (§1.3): the item is read fresh and every variation id is sent
  back (leaving one out may delete it, ❓), but only the variations the ERP
  changes carry a quantity: the others go as ``{"id": …}`` alone, as
  publishing already sends them when it adds a variation. Sending back the
  quantity read a moment before would undo a sale made in between (oversell).
  That an id alone keeps the variation as it is is *inferred* (the notes,
  ``docs/channels.md``); the ``PUT`` answer is checked: a written variation the
  answer does not show at its new quantity is reported failed, a variation
  missing from the answer is logged.
* **Prices**: one price for every variation of a listing (✅), so a price write
  sends it to every variation; different ERP prices for one listing are refused.
* **Full** (``shipping.logistic_type == "fulfillment"``): the stock sits in ML's
  warehouse and ML manages it (§1.3: ``meli_facility`` "stock managed by
  Fulfillment", only ``selling_address``/``seller_warehouse`` are editable), so
  a stock write to such a listing is held with a pt-BR reason, never sent. The
  logistic type comes from the listings read (``list_listings``), the item read
  before a variation write, or one multiget per 20 listings not seen yet
  (``GET /items?ids=…&attributes=id,shipping``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from kit.connectors.model import PriceItem, StockItem, WriteResult
from kit.errors import KitError

__all__ = ["MercadoLivreWritesMixin", "FULFILLMENT", "FULL_REASON", "logistic_type"]

log = logging.getLogger("kit.connectors.mercadolivre")

FULFILLMENT = "fulfillment"
MULTIGET_IDS = 20  # §1.2 (🟡)
FULL_REASON = (
    "o anúncio {item} está no Mercado Envios Full: o estoque fica no armazém do Mercado Livre e é ele quem o "
    "controla; o kit não o altera. Ajuste o envio ao Full no painel do Mercado Livre ou tire o anúncio do Full "
    "para que o estoque do ERP valha"
)
NO_LISTING = "SKU sem anúncio no Mercado Livre (nenhum SELLER_SKU igual)"


def logistic_type(item: dict[str, Any]) -> str | None:
    """The item's ``shipping.logistic_type`` (``None`` when the answer does not say)."""
    shipping = item.get("shipping")
    return shipping.get("logistic_type") if isinstance(shipping, dict) else None


def _variation_body(variations: list[dict[str, Any]], field: str, updates: dict[str, Any]) -> list[dict[str, Any]]:
    """Every variation id; only those in ``updates`` carry ``field`` (the others: the id alone)."""
    return [
        {"id": v["id"], field: updates[str(v["id"])]} if str(v["id"]) in updates else {"id": v["id"]}
        for v in variations
    ]


class MercadoLivreWritesMixin:
    """``update_stock`` and ``update_prices`` (see the module docstring)."""

    _links: dict[str, tuple[str, str | None]] | None
    _has_variations: dict[str, bool]
    _logistic: dict[str, str | None]
    channel: Any

    # provided by the connector
    _link: Any
    list_listings: Any
    app_quota: Any
    request: Any
    get_json: Any
    run_writes: Any

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``PUT /items/{id}`` ``available_quantity`` (per variation when the listing has them; Full held)."""
        return self._write(items, "available_quantity", "stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``PUT /items/{id}`` ``price`` (the same price on every variation)."""
        return self._write(items, "price", "prices")

    # -- the logistic type ---------------------------------------------------------------
    def _learn_logistics(self, item_ids: Sequence[str]) -> None:
        """Read the logistic type of listings not seen yet: one multiget of ``id,shipping`` per 20."""
        unknown = sorted({i for i in item_ids if i not in self._logistic})
        for start in range(0, len(unknown), MULTIGET_IDS):
            chunk = unknown[start : start + MULTIGET_IDS]
            answer = self.get_json("/items", params={"ids": ",".join(chunk), "attributes": "id,shipping"})
            for entry in answer or []:
                body = entry.get("body") if isinstance(entry, dict) else None
                if isinstance(body, dict) and entry.get("code") == 200 and body.get("id"):
                    self._logistic[str(body["id"])] = logistic_type(body)

    def _held(self, item: Any, field: str) -> str | None:
        link = self._link(item)
        if not link:
            return NO_LISTING
        if field == "available_quantity" and self._logistic.get(link[0]) == FULFILLMENT:
            return FULL_REASON.format(item=link[0])
        return None

    # -- writes ----------------------------------------------------------------------------
    def _write(self, items: Sequence[StockItem] | Sequence[PriceItem], field: str, what: str) -> WriteResult:
        items = list(items)
        self.app_quota()
        if any(not it.channel_id for it in items) and self._links is None:
            self.list_listings()
        if field == "available_quantity":
            try:
                self._learn_logistics([link[0] for link in map(self._link, items) if link])
            except KitError as exc:  # which listings are Full is unknown: nothing is sent, every item fails
                failure = exc

                def fail(group: list[Any]) -> dict[int, str] | None:
                    raise failure

                return self.run_writes(items, fail, what=what)

        def target(it: Any) -> tuple[str, str | None]:
            link = self._link(it)
            assert link is not None
            return link

        def value(it: Any) -> Any:
            return max(0, int(it.quantity)) if field == "available_quantity" else round(float(it.price), 2)

        def send(group: list[Any]) -> dict[int, str] | None:
            item_id = target(group[0])[0]
            by_variation = {target(it)[1]: value(it) for it in group}
            has_variations = self._has_variations.get(item_id)
            if has_variations is None:
                has_variations = any(v is not None for v in by_variation)
            if not has_variations:
                self.request("PUT", f"/items/{item_id}", json_data={field: value(group[-1])}, family="write")
                return None
            return self._write_variations(item_id, [(target(it)[1], value(it)) for it in group], field)

        return self.run_writes(
            items, send, group_key=lambda it: target(it)[0], skip=lambda it: self._held(it, field), what=what
        )

    def _write_variations(self, item_id: str, wanted: list[tuple[str | None, Any]], field: str) -> dict[int, str]:
        """One ``PUT`` for the variations of ``item_id`` in ``wanted`` (variation id, value); refusals by position."""
        current = self.get_json(f"/items/{item_id}")
        self._logistic[item_id] = logistic_type(current)
        if field == "available_quantity" and self._logistic[item_id] == FULFILLMENT:
            return dict.fromkeys(range(len(wanted)), FULL_REASON.format(item=item_id))
        variations = current.get("variations") or []
        known = {str(v.get("id")) for v in variations}
        refused = {
            pos: f"o anúncio {item_id} tem variações; a variação {vid} não é uma delas"
            for pos, (vid, _) in enumerate(wanted)
            if vid not in known
        }
        updates = {str(vid): val for vid, val in wanted if vid in known}
        if not updates:
            return refused
        if field == "price":
            prices = set(updates.values())
            if len(prices) > 1:
                reason = "o Mercado Livre exige um único preço para todas as variações de um anúncio"
                return dict.fromkeys(range(len(wanted)), reason)
            price = prices.pop()
            body = [{"id": v["id"], "price": price} for v in variations]
            self.request("PUT", f"/items/{item_id}", json_data={"variations": body}, family="write")
            return refused
        body = _variation_body(variations, field, updates)
        answer = self.request("PUT", f"/items/{item_id}", json_data={"variations": body}, family="write")
        return {**refused, **self._unconfirmed(item_id, answer, wanted, updates, known)}

    def _unconfirmed(
        self, item_id: str, answer: Any, wanted: list[tuple[str | None, Any]], updates: dict[str, Any], known: set[str]
    ) -> dict[int, str]:
        """Written variations the ``PUT`` answer does not show at their new quantity (an answer without
        variations is taken as ML's usual acknowledgement); variations missing from the answer are logged."""
        try:
            body = answer.json()
        except ValueError:
            return {}
        shown = body.get("variations") if isinstance(body, dict) else None
        if not isinstance(shown, list) or not shown:
            return {}
        quantities = {str(v.get("id")): v.get("available_quantity") for v in shown if isinstance(v, dict)}
        gone = known - set(quantities)
        if gone:
            log.error("%s: listing %s answered without variation(s) %s after a stock write that sent their ids",
                      self.channel.name, item_id, sorted(gone))  # fmt: skip
        return {
            pos: f"o Mercado Livre não confirmou a quantidade da variação {vid} do anúncio {item_id}"
            for pos, (vid, _) in enumerate(wanted)
            if str(vid) in updates and quantities.get(str(vid)) != updates[str(vid)]
        }
