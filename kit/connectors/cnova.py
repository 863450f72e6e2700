"""Via / Casas Bahia (ex-Cnova) connector: sellerItems stock and prices, orders by status, invoice and shipping trackings.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 7 and its sources (developers.grupocasasbahia.com.br, the generated
Cnova v2 SDK, a production integration's code). What is confirmed and what is
inferred, per operation: ``docs/channels.md``.

* ``client_id`` + ``access_token`` headers.
* Paging is ``_offset``/``_limit`` and the server caps a page at 50 *without
  saying so*: :class:`ServedOffsetPaginator` advances by what came back and
  stops only on an empty page or the reported total, never on "fewer than
  asked".
* ``GET /sellerItems`` lists only Extra's items unless ``site`` is given: the
  channel's ``site`` setting is always sent.
* Orders are read per status (``/orders/status/{new|approved|...}``), each
  filtered by that status's own date from the cursor on (``{from},*``); a
  cancellation after import comes from ``/orders/status/canceled`` with a new
  ``updatedAt``, the order's version.
* The invoice (``/trackings/invoice``) and the shipment (``/trackings/sent``,
  carrier and tracking) are separate events.
* A stock update sends ``crossDockingTime`` only when the ``cross_docking_days``
  setting asks for it; otherwise the seller's handling time is left alone.
* Publishing (product loads, their approval, polled): :mod:`kit.connectors.cnova_catalog`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy, StaticHeaders
from kit.connectors.base import Connector, value_list_frame
from kit.connectors.cnova_catalog import NOT_UPDATABLE, CnovaCatalogMixin
from kit.connectors.listprice import PriceReads, StorePrices, list_price_to_send, pages_of
from kit.connectors.model import (
    Invoice,
    Order,
    OrderItem,
    OrdersPage,
    PriceItem,
    Shipment,
    StockItem,
    WriteResult,
)
from kit.connectors.orderchecks import code, price
from kit.connectors.paginate import OffsetPaginator, dig
from kit.connectors.responses import ResponseTable
from kit.errors import ChannelFatalError
from kit.scrub import scrub

__all__ = ["CnovaConnector", "ServedOffsetPaginator", "ORDER_STATUS_DATES", "PAGE_LIMIT"]

#: §7 (✅): at most 50 per page for sellerItems and orders; larger values are capped silently.
PAGE_LIMIT = 50
#: §7 (🟡 v2 SDK): order status endpoints and the date each one filters on.
ORDER_STATUS_DATES = {
    "new": "purchasedAt",
    "approved": "approvedAt",
    "sent": "sentAt",
    "partiallySent": "sentAt",
    "delivered": "deliveredAt",
    "partiallyDelivered": "sentAt",
    "canceled": "canceledAt",
}
#: ``order.status`` codes (🟡 v2 SDK: NEW, PEN, PAY, SHP, DLV; ``CAN`` inferred) -> the endpoint's status,
#: for an order read by id (a listed order takes the status of the endpoint it came from)
STATUS_BY_CODE = {"NEW": "new", "PEN": "new", "PAY": "approved", "GDE": "approved", "SHP": "sent", "DLV": "delivered",
                  "CAN": "canceled"}  # fmt: skip
DEFAULT_LOOKBACK_DAYS = 30
MAX_PAGES = 200


class ServedOffsetPaginator(OffsetPaginator):
    """Offset paging that trusts only what the server served.

    The next offset is ``offset + len(records)``; the walk ends on an empty
    page or once the reported total is reached, never because a page was
    shorter than the ``_limit`` asked for (Via caps pages silently).
    """

    def next_token(self, body: Any, records: list[Any], token: Any) -> int | None:
        offset = (token or 0) + len(records)
        total = dig(body, self.total_path) if self.total_path else None
        if isinstance(total, str) and total.isdigit():
            total = int(total)
        if not records or (isinstance(total, int) and offset >= total):
            return None
        return offset


def _total(body: Any) -> Any:
    """``metadata: [{"key": "totalRows", "value": "N"}]`` -> N."""
    for entry in (body or {}).get("metadata") or []:
        if entry.get("key") == "totalRows":
            return entry.get("value")
    return None


def _with_total(body: Any) -> Any:
    if isinstance(body, dict):
        body = dict(body, _total=_total(body))
    return body


def _site_prices(item: Any, site: str | None) -> StorePrices | None:
    """The ``prices`` entry of a seller item for ``site`` (Via's default site, ``EX``, when none is set)."""
    prices = [p for p in (item or {}).get("prices") or [] if isinstance(p, dict)] if isinstance(item, dict) else []
    found = next((p for p in prices if p.get("site") == (site or "EX")), None)
    return StorePrices.of(found.get("default"), found.get("offer")) if found else None


class CnovaResponses(ResponseTable):
    """The error body is ``Errors {errors[{code, httpStatus, type, message, skuSellerId}]}`` (SDK): messages shown."""

    def detail(self, raw: Any) -> str | None:
        try:
            body = raw.json()
        except ValueError:
            return None
        errors = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(errors, list) or not errors:
            return None
        parts = [
            f"{e['skuSellerId']}: {e.get('message')}" if e.get("skuSellerId") else str(e.get("message"))
            for e in errors[:6]
            if isinstance(e, dict)
        ]
        return scrub("; ".join(parts)[:400])


class CnovaConnector(CnovaCatalogMixin, Connector):
    """Via marketplace (Casas Bahia, Extra, Ponto Frio); ``client_id`` + ``access_token``."""

    default_headers = {"Content-Type": "application/json", "Accept": "application/json"}
    response_table_class = CnovaResponses

    # Publishing (docs/publishing.md; kit/connectors/cnova_catalog.py): loads create products that the marketplace
    # approves (polled); an approved product cannot be changed by the API: no updates (publish_support says so per
    # SKU; only a product still in its load is corrected, found by the lookup before a create).
    publish_create = True
    publish_update = False
    publish_unsupported = NOT_UPDATABLE
    # v2 swagger (SDK): at least one image; dimensions not 0. No title limit is published (none declared).
    publish_required = ("title", "brand", "channel_category", "weight_kg", "height_cm", "width_cm", "length_cm",
                        "image_urls")  # fmt: skip
    publish_poll_wait_s = 10.0  # production approval takes days: the next run polls what is left
    publish_poll_interval_s = 3.0

    def make_auth(self) -> AuthStrategy:
        return StaticHeaders({"client_id": "client_id", "access_token": "access_token"})

    def _pager(self, records_path: str, **kw: Any) -> ServedOffsetPaginator:
        return ServedOffsetPaginator(
            PAGE_LIMIT, offset_param="_offset", limit_param="_limit", records_path=records_path,
            total_path="_total", channel=self.channel.name, max_pages=MAX_PAGES, **kw,
        )  # fmt: skip

    def read_all(self, path: str, records_path: str, params: dict[str, Any] | None = None, **kw: Any) -> list[Any]:
        """Every record of an ``_offset``/``_limit`` list (pages as served, ``metadata.totalRows`` as the end)."""
        return self._pager(records_path).all(
            lambda p: _with_total(self.get_json(path, params={**(params or {}), **p}, **kw))
        )

    def check_connection(self) -> dict[str, Any]:
        params = {"site": self.settings.get("site") or "CB", "_offset": 0, "_limit": 1}
        body = self.get_json("/sellerItems", params=params) or {}
        return {"seller_items": _total(body), "site": params["site"]}

    # -- catalogue -------------------------------------------------------------------
    def list_listings(self):
        """``GET /sellerItems?site=...`` (without ``site`` Via lists only Extra's items)."""
        site = self.settings.get("site") or "CB"
        items = self._pager("sellerItems").all(
            lambda p: _with_total(self.get_json("/sellerItems", params={"site": site, **p}))
        )
        rows = []
        for it in items:
            prices = it.get("prices") or []
            price = next((p for p in prices if p.get("site") == site), prices[0] if prices else {})
            statuses = it.get("status") if isinstance(it.get("status"), list) else []
            active = next((s.get("active") for s in statuses if s.get("site") == site), None)
            rows.append(
                {
                    "channel_id": it.get("skuSiteId"),
                    "variation_id": None,
                    "sku": it.get("skuSellerId"),
                    "ean": (it.get("gtin") or [None])[0],
                    "title": it.get("title"),
                    "price": price.get("offer") or price.get("default"),
                    "stock": sum(int(s.get("quantity") or 0) for s in it.get("stocks") or []),
                    "status": None if active is None else ("active" if active else "inactive"),
                }
            )
        return self.listings_frame(rows)

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``PUT /sellerItems/{skuSellerId}/stock`` ``{"quantity", "warehouse"}`` (🟡).

        ``crossDockingTime`` (the seller's handling days) goes only when the
        ``cross_docking_days`` setting is filled: sending it with every stock
        push would overwrite what the seller set on the channel.
        """
        warehouse = int(self.settings.get("warehouse") or 1)
        cross_docking = str(self.settings.get("cross_docking_days") or "").strip()

        def send(group: list[StockItem]) -> None:
            item = group[0]
            body: dict[str, Any] = {"quantity": max(0, int(item.quantity)), "warehouse": warehouse}
            if cross_docking:
                body["crossDockingTime"] = int(cross_docking)
            self.request("PUT", f"/sellerItems/{quote(item.sku, safe='')}/stock", json_data=body, family="write")

        return self.run_writes(items, send, what="stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``PUT /sellerItems/{skuSellerId}/prices`` ``{"default": list, "offer": selling, "site"}`` (🟡).

        The operation sets both prices ("Atualiza o preço 'de' e o preço 'por'"): without an ERP list price
        the item is read first (``GET /sellerItems/{skuSellerId}?site``; or the whole listing once when it has
        fewer pages than SKUs to read) and a "de" the store shows on the site is sent back unless the new
        selling price passes it (:func:`~kit.connectors.listprice.list_price_to_send`).
        """
        site = self.settings.get("site")
        reads = PriceReads(lambda i: self._store_prices(i.sku, site), lambda: self._listing_pages(site),
                           lambda: self._every_price(site)).prepare(items)  # fmt: skip

        def send(group: list[PriceItem]) -> None:
            item = group[0]
            offer = round(float(item.price), 2)
            store = reads(item)
            default = list_price_to_send(offer, item.list_price, store)
            if default is None:
                assert store is not None and store.list_price is not None
                default = store.list_price
            body = {"default": default, "offer": offer, "site": site}
            self.request("PUT", f"/sellerItems/{quote(item.sku, safe='')}/prices", json_data=body, family="write")

        return self.run_writes(items, send, what="prices")

    def _store_prices(self, sku: str, site: str | None) -> StorePrices | None:
        """The prices the seller item shows on ``site`` now (``None``: not found, or no price for the site)."""
        return _site_prices(
            self.get_json_or_none(f"/sellerItems/{quote(sku, safe='')}", params={"site": site or "EX"}), site
        )

    def _listing_pages(self, site: str | None) -> int | None:
        body = self.get_json("/sellerItems", params={"site": site or "EX", "_offset": 0, "_limit": 1})
        return pages_of(_total(body), PAGE_LIMIT)

    def _every_price(self, site: str | None) -> dict[str, StorePrices]:
        """The prices of every seller item on ``site``, by ``skuSellerId`` (the whole listing)."""
        items = self._pager("sellerItems").all(
            lambda p: _with_total(self.get_json("/sellerItems", params={"site": site or "EX", **p}))
        )
        out = {str(it.get("skuSellerId")): _site_prices(it, site) for it in items}
        return {sku: prices for sku, prices in out.items() if prices is not None}

    # -- orders -------------------------------------------------------------------------
    def fetch_orders(
        self, since: str | None = None, cursor: str | None = None, *, statuses: Sequence[str] | None = None
    ) -> OrdersPage:
        """Orders of each status whose status date is at or after the cursor, newest ``updatedAt`` as the new cursor.

        Args:
            since: ISO date-time to start from (default: 30 days ago).
            cursor: the cursor of the previous page (inclusive: boundary orders come again).
            statuses: the status endpoints to read (default: all of :data:`ORDER_STATUS_DATES`).
        """
        start = cursor or since or (datetime.now(UTC) - timedelta(days=DEFAULT_LOOKBACK_DAYS)).isoformat()
        found: dict[str, Order] = {}
        for status in statuses or ORDER_STATUS_DATES:
            params = {ORDER_STATUS_DATES[status]: f"{start},*"}
            for row in self._pager("orders").all(
                lambda p, s=status, q=params: _with_total(
                    self.get_json(f"/orders/status/{s}", params={**q, **p}, family="orders_read")
                )
            ):
                found[str(row["id"])] = self.normalize_order(row, status=status)
        orders = sorted(found.values(), key=lambda o: (o.updated_at or "", o.order_id))
        new_cursor = max((o.updated_at or "" for o in orders), default="") or start
        return OrdersPage(orders, new_cursor, has_more=False)

    def get_order(self, order_id: str) -> Order:
        return self.normalize_order(self.get_json(f"/orders/{quote(str(order_id), safe='')}", family="orders_read"))

    def normalize_order(self, raw: dict[str, Any], status: str | None = None) -> Order:
        """One :class:`Order`; ``status`` is the list endpoint it came from (by id: its status code, mapped)."""
        freight = raw.get("freight") or {}
        customer = raw.get("customer") or {}
        shipping = raw.get("shipping") or {}
        lines: dict[str, OrderItem] = {}
        for i in raw.get("items") or []:
            sku = code(i.get("skuSellerId"))
            if sku in lines:  # one entry per unit: count them
                lines[sku].quantity += 1
                continue
            lines[sku] = OrderItem(
                sku=sku,
                quantity=1,
                unit_price=price(i.get("salePrice")),
                channel_item_id=str(i.get("id")),
                title=str(i.get("name") or ""),
            )
        status_code = str(raw.get("status") or "")
        sent = [t for t in raw.get("trackings") or [] if (t.get("carrier") or {}).get("name")]
        return Order(
            order_id=str(raw["id"]),
            channel=self.channel.name,
            status_raw=status or STATUS_BY_CODE.get(status_code.upper(), status_code),
            created_at=raw.get("purchasedAt"),
            updated_at=raw.get("updatedAt"),
            items=list(lines.values()),
            # §7 (❓): no documented carrier before shipping; freight.carrier where served, else the last tracking's.
            carrier_raw=freight.get("carrier") or (sent[-1]["carrier"]["name"] if sent else None),
            service_raw=freight.get("type"),
            payment_raw=None,  # paymentType is a card/boleto code (1, 2, 4, 5); the marketplace collects
            total=raw.get("totalAmount"),
            buyer={"name": customer.get("name"), "document": customer.get("documentNumber")},
            shipping_address={
                "street": shipping.get("address"),
                "number": shipping.get("number"),
                "complement": shipping.get("complement"),
                "district": shipping.get("quarter"),
                "city": shipping.get("city"),
                "state": shipping.get("state"),
                "zipcode": shipping.get("zipCode"),
            },
            raw=raw,
        )

    def _tracking(self, order: Order, event: str, covered: set[str], body: dict[str, Any]) -> dict[str, Any]:
        """``POST /orders/{id}/trackings/{event}`` for the order's items not ``covered`` yet (none left: done)."""
        if order.status_raw in ("canceled", "new"):
            what = "cancelado" if order.status_raw == "canceled" else "aguardando pagamento"
            raise ChannelFatalError(
                f"Via: o pedido {order.order_id} está {what} no canal; nada foi enviado",
                channel=self.channel.name,
                hint="confira o pedido no painel da Via antes de faturar ou enviar",
            )
        item_ids = [str(i.get("id")) for i in order.raw.get("items") or [] if str(i.get("id")) not in covered]
        if not item_ids:
            return {"items": [], "already": sorted(covered)}
        body = {"items": item_ids, "occurredAt": datetime.now(UTC).isoformat(timespec="seconds"), **body}
        path = f"/orders/{quote(order.order_id, safe='')}/trackings/{event}"
        self.request("POST", path, json_data=body, family="write")
        return {"items": item_ids}

    def send_invoice(self, order: Order | str, invoice: Invoice) -> dict[str, Any]:
        """``POST /orders/{id}/trackings/invoice`` ``{items, occurredAt, invoice{number, serie, issuedAt, accessKey}}`` (🟡).

        Items already invoiced are left out; carrier and tracking go in
        :meth:`send_tracking` (sent after this when ``invoice.shipment`` is given).
        """
        order = self.as_order(order)
        issued = invoice.issued_at or datetime.now(UTC).isoformat(timespec="seconds")
        body = {
            "occurredAt": issued,
            "invoice": {"number": invoice.number, "serie": invoice.series or "1", "issuedAt": issued,
                        "accessKey": invoice.nfe_key},
        }  # fmt: skip
        covered = {
            str(i)
            for t in order.raw.get("trackings") or []
            if (t.get("invoice") or {}).get("accessKey") == invoice.nfe_key
            for i in t.get("items") or []
        }
        result = self._tracking(order, "invoice", covered, body)
        if invoice.shipment is not None:
            result["tracking"] = self.send_tracking(self.get_order(order.order_id), invoice.shipment)
        return result

    def send_tracking(self, order: Order | str, shipment: Shipment) -> dict[str, Any]:
        """``POST /orders/{id}/trackings/sent`` ``{items, occurredAt, number, url, carrier{name}}`` (🟡)."""
        order = self.as_order(order)
        body: dict[str, Any] = {"number": shipment.code, "carrier": {"name": shipment.carrier}}
        if shipment.url:
            body["url"] = shipment.url
        if shipment.shipped_at:
            body["occurredAt"] = shipment.shipped_at
        covered = {str(i.get("id")) for i in order.raw.get("items") or [] if i.get("sent")}
        return self._tracking(order, "sent", covered, body)

    # -- value lists -----------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Statuses from the endpoint names; carriers/freight types of the last 30 days of orders; categories."""
        carriers = [
            {"carrier": o.carrier_raw, "service": o.service_raw}
            for o in self.fetch_orders().orders
            if o.carrier_raw or o.service_raw
        ]
        catalog = self.catalog_value_lists()
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", []),
            "order_status": value_list_frame("order_status", [{"status": s} for s in ORDER_STATUS_DATES]),
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
        }


register_connector("cnova", CnovaConnector)
