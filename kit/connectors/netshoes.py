"""Netshoes / Zattini connector: SKU stocks and prices, orders by date and status, shipping status updates.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 6 and its sources (developers.netshoes.com.br, the official swagger SDK
``netshoes/marketplace-api-sdk-php``, ``gpupo/netshoes-sdk`` and its fixtures
captured from the API). What is confirmed and what is inferred, per
operation: ``docs/channels.md``.

* ``client_id`` + ``access_token`` headers (Sensedia gateway).
* The plan (50, 100 or 250 calls per minute, channel setting ``plan``) is the
  one bucket every call shares (:meth:`kit.channels.Channel.rate_limit`); at
  50/min a full listing with stock and price reads is slow by design.
* Orders carry no update stamp and are filtered only by order date and
  status: new orders are read by order date, and changes by re-reading the
  statuses an order reaches without the seller (:data:`CHANGE_STATUSES`) over a
  look-back window; the job versions each order by its content.
* Dates come as epoch milliseconds (captured answers) or ISO text; both are read.
* Status updates go to every shipping of the order (an order may have several).
* Publishing (product families, templates, the asynchronous catalogue sync):
  :mod:`kit.connectors.netshoes_catalog`.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy, StaticHeaders
from kit.connectors.base import Connector, value_list_frame
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
from kit.connectors.netshoes_catalog import NetshoesCatalogMixin
from kit.connectors.orderchecks import code, price
from kit.connectors.paginate import PagePaginator
from kit.connectors.responses import ResponseTable
from kit.errors import ChannelFatalError
from kit.scrub import scrub

__all__ = ["NetshoesConnector", "ORDER_STATUSES", "CHANGE_STATUSES"]

#: §6 (🟡 gpupo/netshoes-sdk README and fixtures): the order and shipping status flow, then ``Canceled``.
ORDER_STATUSES = ("Created", "Approved", "Invoiced", "Shipped", "Delivered", "Canceled")
CANCELED = "Canceled"
#: statuses an order reaches on the channel's side after it was imported (re-read every run)
CHANGE_STATUSES = ("Approved", "Canceled")
#: status path segment -> the shipping status it sets (🟡 ``.../status/{segment}``)
SEGMENT_STATUS = {"invoiced": "Invoiced", "shipped": "Shipped"}
PAGE_SIZE = 50
ORDERS_EXPAND = "shippings,items"
DEFAULT_LOOKBACK_DAYS = 30
#: orders placed this many days back are re-read for status changes (inferred: cancellations come early)
CHANGE_LOOKBACK_DAYS = 30
#: one request window of order dates; an empty day costs one request
WINDOW = timedelta(days=1)
#: new orders are read again from this long before the cursor (an order may show up late in the list)
OVERLAP = timedelta(minutes=15)
#: a fetch stops adding windows past this many orders (the job asks again while ``has_more``)
ORDERS_PER_FETCH = 500
#: a safety net: 200 pages of 50 is 10,000 orders in one day
MAX_PAGES_PER_WINDOW = 200
#: threads reading stock and price per SKU (all under the plan's bucket)
LISTING_WORKERS = 4


def _parse(value: str) -> datetime:
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _iso(value: Any) -> str | None:
    """An order date as ISO 8601 UTC: the API answers epoch milliseconds (captured) or ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC).isoformat()
    return _parse(str(value)).astimezone(UTC).isoformat()


def _number(raw: dict[str, Any]) -> str:
    """The order number (``orderNumber`` in answers; ``number`` in the 2016 swagger model)."""
    return str(raw.get("orderNumber") or raw.get("number"))


def _rank(status: Any) -> int:
    """Position of a shipping status in the flow (case-insensitive; unknown = -1)."""
    names = [s.lower() for s in ORDER_STATUSES[:-1]]
    text = str(status or "").lower()
    return names.index(text) if text in names else -1


def _sku_path(sku: str, tail: str) -> str:
    return f"/skus/{quote(str(sku), safe='')}/{tail}"


class NetshoesResponses(ResponseTable):
    """The error body is ``ErrorResource {type, description, notifications[]}`` (SDK): both parts are shown."""

    def detail(self, raw: Any) -> str | None:
        try:
            body = raw.json()
        except ValueError:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("description"), str):
            return None
        notes = [str(n) for n in body.get("notifications") or [] if str(n) != body["description"]]
        return scrub((body["description"] + (" " + "; ".join(notes[:6]) if notes else ""))[:400])


class NetshoesConnector(NetshoesCatalogMixin, Connector):
    """Netshoes / Zattini marketplace (``client_id`` + ``access_token`` headers)."""

    default_headers = {"Content-Type": "application/json", "Accept": "application/json"}
    response_table_class = NetshoesResponses

    # Publishing (docs/publishing.md; kit/connectors/netshoes_catalog.py): families created with every SKU,
    # updated per SKU; creation answers after the catalogue processed the SKUs (polled).
    publish_create = True
    publish_update = True
    # help.vtex.com (Netshoes integration): name, weight, height, width, length and images required; the
    # description falls back to the title. No title limit is published (none declared).
    publish_required = ("title", "brand", "channel_category", "weight_kg", "height_cm", "width_cm", "length_cm",
                        "image_urls")  # fmt: skip
    publish_family_together = True  # portal, "Conceito de Família": every size sent together
    publish_update_keeps = ("image_urls",)  # an ERP row without images keeps the SKU's images on Netshoes
    publish_poll_wait_s = 20.0  # each poll costs one call per SKU of the plan's 50-250 per minute
    publish_poll_interval_s = 5.0

    def make_auth(self) -> AuthStrategy:
        return StaticHeaders({"client_id": "client_id", "access_token": "access_token"})

    def check_connection(self) -> dict[str, Any]:
        body = self.get_json("/products", params={"page": 0, "size": 1}) or {}
        return {"products_seen": len(body.get("items") or []), "plan_calls_per_minute": self.settings.get("plan")}

    # -- catalogue ---------------------------------------------------------------
    def list_listings(self):
        pager = PagePaginator(
            PAGE_SIZE, page_param="page", size_param="size", start=0, records_path="items", channel=self.channel.name
        )  # fmt: skip
        products = pager.all(lambda p: self.get_json("/products", params=p))
        skus = [(p, s) for p in products for s in p.get("skus") or []]

        def row(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
            product, sku = pair
            stock = self.get_json(_sku_path(sku["sku"], "stocks")) or {}
            price = self.get_json(_sku_path(sku["sku"], "prices")) or {}
            return {
                "channel_id": product.get("productId"),
                "variation_id": None,
                "sku": sku["sku"],
                "ean": sku.get("eanIsbn") or sku.get("ean"),
                "title": sku.get("name") or product.get("name"),
                "price": price.get("price"),
                "stock": stock.get("available"),
                "status": sku.get("status"),  # per business unit: GET /skus/{sku}/bus/{buId}/status (not read)
            }

        with ThreadPoolExecutor(max_workers=LISTING_WORKERS) as pool:
            rows = list(pool.map(row, skus))
        return self.listings_frame(rows)

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``PUT /skus/{sku}/stocks`` ``{"country":"BR","available":N}`` (one per item)."""

        def send(group: list[StockItem]) -> None:
            item = group[0]
            body = {"country": "BR", "available": max(0, int(item.quantity))}
            self.request("PUT", _sku_path(item.sku, "stocks"), json_data=body, family="write")

        return self.run_writes(items, send, what="stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``PUT /skus/{sku}/prices`` ``{"sku":..., "price":...}`` (a list price goes through priceSchedules, not sent)."""

        def send(group: list[PriceItem]) -> None:
            item = group[0]
            body = {"sku": item.sku, "price": round(float(item.price), 2)}
            self.request("PUT", _sku_path(item.sku, "prices"), json_data=body, family="write")

        return self.run_writes(items, send, what="prices")

    # -- orders ----------------------------------------------------------------------
    def fetch_orders(
        self, since: str | None = None, cursor: str | None = None, *, status: str | None = None
    ) -> OrdersPage:
        """New orders by order date, then the orders that changed status in the look-back window.

        Netshoes filters orders only by order date and status, and an order
        carries no update stamp. So one call reads the orders placed since the
        cursor (day by day, ``OVERLAP`` before it, both ends inclusive) and,
        once it reaches now, every order of the last ``CHANGE_LOOKBACK_DAYS``
        days in a status an order reaches without the seller (``Approved``,
        ``Canceled``). Orders are versioned by their content (``updated_at`` is
        ``None``), so a re-read order in the same state is written only once.

        Args:
            since: ISO date-time to start from when there is no cursor (default: 30 days ago).
            cursor: where the previous call stopped (an ISO date-time).
            status: read only this ``orderStatus`` (no change look-back).
        """
        now = datetime.now(UTC).replace(microsecond=0)
        if cursor:
            start = _parse(cursor) - OVERLAP
        else:
            start = _parse(since) if since else now - timedelta(days=DEFAULT_LOOKBACK_DAYS)
        raws: dict[str, dict[str, Any]] = {}
        end = start
        while True:
            end = min(now, start + WINDOW)
            for raw in self._read_orders(start, end, status):
                raws[_number(raw)] = raw
            if end >= now or len(raws) >= ORDERS_PER_FETCH:
                break
            start = end
        has_more = end < now
        if not has_more and status is None:
            for changed in CHANGE_STATUSES:
                for raw in self._read_orders(now - timedelta(days=CHANGE_LOOKBACK_DAYS), now, changed):
                    raws[_number(raw)] = raw
        orders = sorted(
            (self.normalize_order(r) for r in raws.values()), key=lambda o: (o.created_at or "", o.order_id)
        )
        return OrdersPage(orders, end.isoformat(), has_more=has_more)

    def _read_orders(self, start: datetime, end: datetime, status: str | None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {
            "orderStartDate": start.isoformat(),
            "orderEndDate": end.isoformat(),
            "expand": ORDERS_EXPAND,
        }
        if status:
            params["orderStatus"] = status
        pager = PagePaginator(
            PAGE_SIZE, page_param="page", size_param="size", start=0, records_path="items",
            max_pages=MAX_PAGES_PER_WINDOW, channel=self.channel.name,
        )  # fmt: skip
        return pager.all(lambda p: self.get_json("/orders", params={**params, **p}, family="orders_read"))

    def get_order(self, order_id: str) -> Order:
        path = f"/orders/{quote(str(order_id), safe='')}"
        return self.normalize_order(self.get_json(path, params={"expand": ORDERS_EXPAND}, family="orders_read"))

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        shippings = raw.get("shippings") or []
        first = shippings[0] if shippings else {}
        transport = first.get("transport") or {}
        customer = first.get("customer") or {}
        address = customer.get("address") or first.get("customerAddress") or {}
        return Order(
            order_id=_number(raw),
            channel=self.channel.name,
            status_raw=str(raw.get("orderStatus") or raw.get("status") or ""),
            created_at=_iso(raw.get("orderDate")),
            updated_at=None,  # no update stamp: the job versions the order by its content
            items=[
                OrderItem(
                    sku=code(i.get("sku")),
                    quantity=int(i.get("quantity") or 0),
                    unit_price=price(i.get("netUnitValue"), i.get("grossUnitValue")),
                    channel_item_id=str(i.get("itemId")),
                    title=str(i.get("name") or ""),
                )
                for s in shippings
                for i in s.get("items") or []
            ],
            carrier_raw=transport.get("carrier"),
            service_raw=transport.get("deliveryService"),
            payment_raw=None,  # §6: the marketplace collects; orders carry no payment method
            total=raw.get("totalGross"),
            buyer={"name": customer.get("customerName"), "document": customer.get("document")},
            shipping_address={
                "street": address.get("street"),
                "number": address.get("number"),
                "complement": address.get("complement"),
                "district": address.get("neighborhood"),
                "city": address.get("city"),
                "state": address.get("state"),
                "zipcode": address.get("postalCode"),
            },
            raw=raw,
        )

    def _update_shippings(self, order: Order | str, segment: str, body: dict[str, Any]) -> dict[str, Any]:
        """``PUT /orders/{n}/shippings/{code}/status/{segment}`` for every shipping not there yet.

        Canceled shippings are left alone; shippings already at (or past) the
        target status count as done, so a retried event does no harm.
        """
        order = self.as_order(order)
        target = SEGMENT_STATUS[segment]
        shippings = order.raw.get("shippings") or []
        active = [s for s in shippings if str(s.get("status") or "").lower() != CANCELED.lower()]
        if not active:
            reason = "o pedido está cancelado no canal" if shippings else "o pedido não tem entregas (shippings)"
            raise ChannelFatalError(
                f"Netshoes: {reason}; nada a atualizar para {target}",
                channel=self.channel.name,
                hint="confira o pedido no painel da Netshoes antes de faturar ou enviar",
            )
        updated = []
        for shipping in active:
            if _rank(shipping.get("status")) >= _rank(target):
                continue
            code = quote(str(shipping["shippingCode"]), safe="")
            path = f"/orders/{quote(order.order_id, safe='')}/shippings/{code}/status/{segment}"
            self.request("PUT", path, json_data=body, family="write")
            updated.append(shipping["shippingCode"])
        return {"updated_shippings": updated, "shippings": [s["shippingCode"] for s in active]}

    def send_invoice(self, order: Order | str, invoice: Invoice) -> dict[str, Any]:
        """``PUT .../shippings/{code}/status/invoiced`` ``{number, line, key, issueDate}`` for every shipping (🟡)."""
        body = {
            "status": "Invoiced",
            "number": invoice.number,
            "line": invoice.series or "1",
            "key": invoice.nfe_key,
            "issueDate": invoice.issued_at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        result = self._update_shippings(order, "invoiced", body)
        if invoice.shipment is not None:
            result["tracking"] = self.send_tracking(order, invoice.shipment)
        return result

    def send_tracking(self, order: Order | str, shipment: Shipment) -> dict[str, Any]:
        """``PUT .../shippings/{code}/status/shipped`` with carrier and tracking for every shipping (🟡)."""
        body = {
            "status": "Shipped",
            "carrier": shipment.carrier,
            "trackingNumber": shipment.code,
            "trackingLink": shipment.url,
            "deliveredCarrierDate": shipment.shipped_at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return self._update_shippings(order, "shipped", {k: v for k, v in body.items() if v is not None})

    # -- value lists -----------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Documented statuses; carriers and services of the last 30 days of orders; categories and attributes."""
        since = (datetime.now(UTC) - timedelta(days=DEFAULT_LOOKBACK_DAYS)).isoformat(timespec="seconds")
        carriers = [
            {"carrier": o.carrier_raw, "service": o.service_raw}
            for o in self.fetch_orders(since=since).orders
            if o.carrier_raw or o.service_raw
        ]
        catalog = self.catalog_value_lists()
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", []),
            "order_status": value_list_frame("order_status", [{"status": s} for s in ORDER_STATUSES]),
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
        }


register_connector("netshoes", NetshoesConnector)
