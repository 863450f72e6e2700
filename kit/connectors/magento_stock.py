"""Magento MSI stock writes: ``POST /V1/inventory/source-items``, only where the SKU is, keeping backorders sellable.

A mixin of :class:`kit.connectors.magento.MagentoConnector` (which provides
``_search``, ``_bulk``, ``get_json``, ``source_code`` and ``bulk``).

* **Only assigned sources**: ``POST /V1/inventory/source-items`` *assigns* a SKU
  to the source it names when it is not there yet (Adobe, "Manage source
  items": ``sku``/``source_code`` "required to assign or unassign a source").
  On a multi-source store that would put the SKU in a warehouse the merchant
  never chose, so the current source items are read first (``GET
  /V1/inventory/source-items`` with ``sku in (…)``: one search per batch of
  20 SKUs) and a SKU not assigned to the source written (the item's warehouse,
  else the channel's ``source_code``), or to no source at all (a product the
  store does not have, or one unassigned everywhere), is held with a pt-BR reason.
* **Status at quantity 0**: ``status`` 0 is "out of stock", and Magento does not
  sell an out-of-stock item even with backorders on (magento/magento2#10304,
  confirmed; Adobe's stock availability page: "A SKU set to Out of Stock is not
  salable"). So at 0 the status is 0 only when the product takes no backorders:
  a source item already out of stock stays so without asking; one in stock asks
  ``GET /V1/stockItems/{sku}`` (the product's effective ``backorders`` and
  ``manage_stock``) and stays in stock when backorders are on or the stock is
  not managed. When that read fails the current status is kept (a quantity 0
  still stops sales without backorders). A quantity above 0 is in stock (1), as
  Adobe's example writes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from kit.connectors.model import StockItem, WriteResult
from kit.errors import ChannelError, ChannelFatalError, KitError

__all__ = ["MagentoStockMixin", "NOT_ASSIGNED", "NO_SOURCE"]

log = logging.getLogger("kit.connectors.magento")

NOT_ASSIGNED = (
    "o SKU {sku} não está na origem de estoque '{source}' do Magento (origens dele: {sources}); o kit não cria "
    "a atribuição. Atribua o SKU a essa origem no Magento (Catálogo > Produtos > Origens) ou ajuste a origem "
    "(source_code) do canal ou do depósito do item"
)
NO_SOURCE = (
    "o SKU {sku} não está em nenhuma origem de estoque do Magento (ou o produto não existe lá); o kit não cria "
    "a atribuição. Cadastre o produto ou atribua-o a uma origem no Magento (Catálogo > Produtos > Origens)"
)


class MagentoStockMixin:
    """``update_stock`` (see the module docstring)."""

    source_code: str
    bulk: int
    channel: Any
    # provided by the connector
    _search: Any
    _bulk: Any
    get_json: Any
    run_writes: Any

    def _source_items(self, skus: Sequence[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """(sku, source_code) -> the source item, for every source of ``skus`` (one search per 20 SKUs)."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        unique = sorted(set(skus))
        for start in range(0, len(unique), self.bulk):
            chunk = ",".join(unique[start : start + self.bulk])
            for row in self._search("inventory/source-items", [("sku", chunk, "in")]):
                out[(str(row.get("sku")), str(row.get("source_code")))] = row
        return out

    def _takes_backorders(self, sku: str) -> bool | None:
        """Whether the product sells at 0 (backorders on, or stock not managed); ``None``: could not tell."""
        try:
            item = self.get_json(f"stockItems/{sku}")
        except (ChannelError, ChannelFatalError) as exc:
            log.warning("%s: could not read stock item %s (%s): its source status is kept", self.channel.name, sku, exc)
            return None
        if not isinstance(item, dict):
            return None
        return item.get("manage_stock") is False or int(item.get("backorders") or 0) > 0

    def _status(self, qty: int, current: dict[str, Any], sku: str) -> int:
        if qty > 0:
            return 1
        now = int(current.get("status") or 0)
        if now == 0:
            return 0
        takes = self._takes_backorders(sku)
        return now if takes is None else (1 if takes else 0)

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``POST /V1/inventory/source-items`` in batches of the input limit (20), assigned sources only.

        MSI validates a batch as a whole: when a batch is refused (400), its
        items are sent one by one so each gets its own result.
        """
        items = list(items)
        try:
            current = self._source_items([it.sku for it in items])
        except KitError as exc:  # nothing is known of the assignments: every item fails with the reason
            failure = exc

            def fail(group: list[StockItem]) -> dict[int, str] | None:
                raise failure

            return self.run_writes(items, fail, batch_size=self.bulk, what="stock")
        sources_of: dict[str, list[str]] = {}
        for sku, code in current:
            sources_of.setdefault(sku, []).append(code)

        def source(it: StockItem) -> str:
            return it.warehouse or self.source_code

        def held(it: StockItem) -> str | None:
            if (it.sku, source(it)) in current:
                return None
            if it.sku not in sources_of:
                return NO_SOURCE.format(sku=it.sku)
            return NOT_ASSIGNED.format(sku=it.sku, source=source(it), sources=", ".join(sorted(sources_of[it.sku])))

        def row(it: StockItem) -> dict[str, Any]:
            qty = max(0, int(it.quantity))
            status = self._status(qty, current.get((it.sku, source(it))) or {}, it.sku)
            return {"sku": it.sku, "source_code": source(it), "quantity": qty, "status": status}

        def send(group: list[StockItem]) -> dict[int, str] | None:
            rows = [row(it) for it in group]
            try:
                self._bulk("inventory/source-items", "sourceItems", rows)
                return None
            except ChannelFatalError as exc:
                if exc.status != 400 or len(group) == 1:
                    raise
            refused: dict[int, str] = {}
            for pos, one in enumerate(rows):
                try:
                    self._bulk("inventory/source-items", "sourceItems", [one])
                except ChannelFatalError as exc:
                    refused[pos] = exc.message
            return refused

        return self.run_writes(items, send, batch_size=self.bulk, skip=held, what="stock")
