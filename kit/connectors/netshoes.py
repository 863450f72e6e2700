"""Netshoes / Zattini connector: SKU stocks and prices, orders by date and status, shipping status updates.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 6 (developers.netshoes.com.br, the official swagger SDK
``netshoes/marketplace-api-sdk-php`` and ``gpupo/netshoes-sdk``). What is
confirmed and what is inferred, per operation: ``docs/channels.md``.

* ``client_id`` + ``access_token`` headers (Sensedia gateway).
* The plan (50, 100 or 250 calls per minute, channel setting ``plan``) is the
  one bucket every call shares (:meth:`kit.channels.Channel.rate_limit`); at
  50/min a full listing with stock and price reads is slow by design.
* Orders carry no update timestamp: the order date is the cursor and the
  version, so changes of status are read by status (``orderStatus``).
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
from kit.connectors.paginate import PagePaginator
from kit.errors import ChannelFatalError

__all__ = ["NetshoesConnector", "ORDER_STATUSES"]

#: §6 (🟡 SDK models): order status values; the language differs by API version (❓).
ORDER_STATUSES = ("Created", "Approved", "Invoiced", "Shipped", "Delivered", "Canceled")
PAGE_SIZE = 50
ORDER_PAGES_PER_FETCH = 20
ORDERS_EXPAND = "items,shippings"
DEFAULT_LOOKBACK_DAYS = 30
#: threads reading stock and price per SKU (all under the plan's bucket)
LISTING_WORKERS = 4


def _sku_path(sku: str, tail: str) -> str:
    return f"/skus/{quote(str(sku), safe='')}/{tail}"


class NetshoesConnector(Connector):
    """Netshoes / Zattini marketplace (``client_id`` + ``access_token`` headers)."""

    default_headers = {"Content-Type": "application/json", "Accept": "application/json"}

    def make_auth(self) -> AuthStrategy:
        return StaticHeaders({"client_id": "client_id", "access_token": "access_token"})

    def check_connection(self) -> dict[str, Any]:
        body = self.get_json("/products", params={"page": 0, "size": 1}) or {}
        return {"products": body.get("total"), "plan_calls_per_minute": self.settings.get("plan")}

    # -- catalogue ---------------------------------------------------------------
    def list_listings(self):
        pager = PagePaginator(
            PAGE_SIZE, page_param="page", size_param="size", start=0, records_path="items", total_path="total",
            channel=self.channel.name,
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
                "ean": sku.get("ean"),
                "title": sku.get("name") or product.get("name"),
                "price": price.get("price"),
                "stock": stock.get("available"),
                "status": sku.get("status"),
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
        """``GET /orders?orderStartDate=...&orderEndDate=...`` (page/size, expand items and shippings).

        The cursor is the newest ``orderDate`` seen; the start is inclusive, so
        an order at the boundary instant comes again (consumers drop repeats).
        """
        start = cursor or since or (datetime.now(UTC) - timedelta(days=DEFAULT_LOOKBACK_DAYS)).isoformat()
        params: dict[str, Any] = {
            "orderStartDate": start,
            "orderEndDate": datetime.now(UTC).isoformat(timespec="seconds"),
            "expand": ORDERS_EXPAND,
        }
        if status:
            params["orderStatus"] = status
        pager = PagePaginator(
            PAGE_SIZE, page_param="page", size_param="size", start=0, records_path="items", total_path="total",
            max_pages=ORDER_PAGES_PER_FETCH, stop_at_max=True, channel=self.channel.name,
        )  # fmt: skip
        pages = 0
        raws: list[dict[str, Any]] = []
        for page in pager.pages(lambda p: self.get_json("/orders", params={**params, **p}, family="orders_read")):
            raws.extend(page)
            pages += 1
        orders = [self.normalize_order(r) for r in raws]
        new_cursor = max((o.updated_at or "" for o in orders), default="") or start
        return OrdersPage(orders, new_cursor, has_more=pages >= ORDER_PAGES_PER_FETCH)

    def get_order(self, order_id: str) -> Order:
        path = f"/orders/{quote(str(order_id), safe='')}"
        return self.normalize_order(self.get_json(path, params={"expand": ORDERS_EXPAND}, family="orders_read"))

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        shippings = raw.get("shippings") or []
        first = shippings[0] if shippings else {}
        transport = first.get("transport") or {}
        customer = first.get("customer") or {}
        return Order(
            order_id=str(raw["orderNumber"]),
            channel=self.channel.name,
            status_raw=str(raw.get("orderStatus") or ""),
            created_at=raw.get("orderDate"),
            updated_at=raw.get("orderDate"),
            items=[
                OrderItem(
                    sku=str(i.get("sku")),
                    quantity=int(i.get("quantity") or 0),
                    unit_price=float(i.get("netUnitValue") or i.get("grossUnitValue") or 0),
                    channel_item_id=str(i.get("itemId")),
                    title=str(i.get("name") or ""),
                )
                for s in shippings
                for i in s.get("items") or []
            ],
            carrier_raw=transport.get("carrier"),
            service_raw=transport.get("deliveryService"),
            payment_raw=None,  # §6: the marketplace collects; orders carry no payment method
            total=raw.get("totalNet"),
            buyer={"name": customer.get("customerName"), "document": customer.get("document")},
            shipping_address=dict(customer.get("address") or {}),
            raw=raw,
        )

    def _shipping_code(self, order: Order) -> str:
        shippings = order.raw.get("shippings") or []
        if not shippings:
            raise ChannelFatalError(
                "the Netshoes order has no shipping to update", channel=self.channel.name, hint="read the order again"
            )
        return str(shippings[0]["shippingCode"])

    def _status(self, order: Order | str, body: dict[str, Any]) -> dict[str, Any]:
        order = self.as_order(order)
        path = f"/orders/{quote(order.order_id, safe='')}/shippings/{self._shipping_code(order)}/status"
        return self.request("PUT", path, json_data=body, family="write").json() or {}

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """``PUT /orders/{n}/shippings/{code}/status`` with ``Invoiced`` and the invoice (🟡 body)."""
        invoice = {
            "number": invoice.number,
            "line": invoice.series or "1",
            "accessKey": invoice.nfe_key,
            "issueDate": invoice.issued_at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return self._status(order, {"status": "Invoiced", "invoice": invoice})

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``PUT /orders/{n}/shippings/{code}/status`` with ``Shipped``, carrier and tracking (🟡 body)."""
        body = {
            "status": "Shipped",
            "carrier": shipment.carrier,
            "deliveryService": shipment.service,
            "trackingNumber": shipment.code,
            "trackingLink": shipment.url,
            "deliveredCarrierDate": shipment.shipped_at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return self._status(order, body)

    # -- value lists -----------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Documented statuses; carriers and services seen in the orders of the last 30 days."""
        since = (datetime.now(UTC) - timedelta(days=DEFAULT_LOOKBACK_DAYS)).isoformat(timespec="seconds")
        carriers = [
            {"carrier": o.carrier_raw, "service": o.service_raw}
            for o in self.fetch_orders(since=since).orders
            if o.carrier_raw or o.service_raw
        ]
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", []),
            "order_status": value_list_frame("order_status", [{"status": s} for s in ORDER_STATUSES]),
        }


register_connector("netshoes", NetshoesConnector)
