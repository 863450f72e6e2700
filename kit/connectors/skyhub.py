"""SkyHub (B2W / Americanas Marketplace) connector: products and variations, the orders queue, invoice, shipments.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 4 (desenvolvedores.skyhub.com.br, bittools/skyhub-php). What is
confirmed and what is inferred, per operation: ``docs/channels.md``.

* Three static headers (``X-User-Email``, ``X-Api-Key``,
  ``X-Accountmanager-Key``); without the last one SkyHub answers 401.
* Limits are per endpoint + method (§4.4): each ``"<resource>:<METHOD>"``
  family below has its own token bucket, so 9 product PUTs/s never starve the
  1/s orders GET. A configured channel rate may lower them, never raise them.
* Orders come from the queue: ``GET /queues/orders`` hands out one order per
  call (204 when empty); the order must be deleted from the queue
  (``DELETE /queues/orders/{code}``, :meth:`SkyhubConnector.ack_orders`) only
  after it is stored durably, or SkyHub delivers it again after 5 minutes.
  Order codes carry the site name with spaces (``Lojas Americanas-100...``):
  they are always URL-encoded in paths.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from kit.channeltypes import RateLimit
from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy, StaticHeaders
from kit.connectors.base import Connector, NotApplicable, value_list_frame
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
from kit.connectors.ratelimit import DEFAULT_FAMILY
from kit.errors import ChannelFatalError

log = logging.getLogger("kit.connectors.skyhub")

__all__ = ["SkyhubConnector", "ENDPOINT_RATES", "QUEUE_BATCH", "order_path"]

_SRC = "shared/channel-apis.md §4.4"
#: §4.4 (confirmed): requests per second per store token, per endpoint + method.
ENDPOINT_RATES: dict[str, float] = {
    "products:GET": 9,
    "products:PUT": 9,
    "variations:PUT": 9,
    "orders:GET": 1,  # list
    "order:GET": 1,  # detail has its own bucket
    "orders:POST": 9,
    "queues:GET": 9,
    "queues:DELETE": 9,
    "statuses:GET": 1,  # "everything else 1/s"
}
#: §4.2: page size default = max = 100; deep paging past 10,000 records answers 400.
PAGE_SIZE = 100
MAX_DEEP_RECORDS = 10_000
#: Orders taken from the queue per ``fetch_orders`` call (one GET each).
QUEUE_BATCH = 50
#: Pages of the order query read for value lists (1 GET/s).
VALUE_LIST_ORDER_PAGES = 5


def order_path(code: str, suffix: str = "") -> str:
    """``/orders/{code}{suffix}`` with the code URL-encoded (it contains spaces)."""
    return f"/orders/{quote(str(code), safe='')}{suffix}"


class SkyhubConnector(Connector):
    """SkyHub / Americanas Marketplace (three static headers)."""

    default_headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # sku -> (product sku, variation sku or None)
        self._links: dict[str, tuple[str, str | None]] | None = None
        self._links_complete = True  # False when the catalogue passed SkyHub's 10,000-record paging wall

    def make_auth(self) -> AuthStrategy:
        return StaticHeaders(
            {"X-User-Email": "user_email", "X-Api-Key": "api_key", "X-Accountmanager-Key": "account_manager_key"}
        )

    def rate_limit_for(self, family: str) -> tuple[str, RateLimit]:
        """One bucket per endpoint + method (§4.4); an explicit override replaces them all."""
        if family in self._rate_overrides:
            return family, self._rate_overrides[family]
        per_second = ENDPOINT_RATES.get(family)
        if per_second is None:
            return super().rate_limit_for(family)
        override = self._rate_overrides.get(DEFAULT_FAMILY)
        if override is not None:
            return family, override
        limit = RateLimit(per_second, max(1, int(per_second)), _SRC, "confirmed")
        configured = self.channel.rate_limit()
        return family, configured if configured.per_second < per_second else limit

    # -- connection --------------------------------------------------------------
    def check_connection(self) -> dict[str, Any]:
        body = self.get_json("/products", params={"page": 1, "per_page": 1}, family="products:GET") or {}
        return {"products": body.get("total")}

    # -- catalogue -----------------------------------------------------------------
    def products(self) -> list[dict[str, Any]]:
        pager = PagePaginator(
            PAGE_SIZE,
            page_param="page",
            size_param="per_page",
            records_path="products",
            total_path="total",
            max_pages=MAX_DEEP_RECORDS // PAGE_SIZE,
            stop_at_max=True,
            channel=self.channel.name,
        )
        seen: dict[str, Any] = {}

        def fetch(params: dict[str, Any]) -> Any:
            body = self.get_json("/products", params=params, family="products:GET")
            seen["total"] = (body or {}).get("total") if isinstance(body, dict) else None
            return body

        products = pager.all(fetch)
        total = seen.get("total")
        self._links_complete = not (isinstance(total, int) and total > len(products))
        if not self._links_complete:
            log.warning(
                "%s: SkyHub lists only %d of %s products (no paging past %d records); "
                "SKUs beyond are written by SKU without a lookup",
                self.channel.name,
                len(products),
                total,
                MAX_DEEP_RECORDS,
            )
        return products

    def list_listings(self):
        rows: list[dict[str, Any]] = []
        links: dict[str, tuple[str, str | None]] = {}
        for p in self.products():
            variations = p.get("variations") or []
            price = p.get("promotional_price") or p.get("price")
            if not variations:
                links[str(p["sku"])] = (str(p["sku"]), None)
                rows.append(
                    {
                        "channel_id": p["sku"],
                        "variation_id": None,
                        "sku": p["sku"],
                        "ean": p.get("ean"),
                        "title": p.get("name"),
                        "price": price,
                        "stock": p.get("qty"),
                        "status": p.get("status"),
                    }
                )
            for v in variations:
                links[str(v["sku"])] = (str(p["sku"]), str(v["sku"]))
                rows.append(
                    {
                        "channel_id": p["sku"],
                        "variation_id": v["sku"],
                        "sku": v["sku"],
                        "ean": v.get("ean"),
                        "title": p.get("name"),
                        "price": v.get("promotional_price") or v.get("price") or price,
                        "stock": v.get("qty"),
                        "status": p.get("status"),
                    }
                )
        self._links = links
        return self.listings_frame(rows)

    def _resolve(self, item: StockItem | PriceItem) -> tuple[str, str | None] | None:
        if item.variation_id:
            return (item.channel_id or item.sku, item.variation_id)
        if item.channel_id:
            return (item.channel_id, None)
        if self._links is None:
            self.list_listings()
        assert self._links is not None
        found = self._links.get(item.sku)
        if found is None and not self._links_complete:
            return (item.sku, None)  # past the listing wall: let SkyHub say whether the product exists
        return found

    def _put(self, item: StockItem | PriceItem, fields: dict[str, Any]) -> None:
        target = self._resolve(item)
        assert target is not None  # skipped before sending
        product, variation = target
        if variation:
            path, body, family = f"/variations/{quote(variation, safe='')}", {"variation": fields}, "variations:PUT"
        else:
            path, body, family = f"/products/{quote(product, safe='')}", {"product": fields}, "products:PUT"
        self.request("PUT", path, json_data=body, family=family)

    def _skip(self, item: StockItem | PriceItem) -> str | None:
        return None if self._resolve(item) else "SKU not found on SkyHub (neither a product nor a variation)"

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``PUT /products/{sku}`` ``{"product":{"qty":N}}`` or ``PUT /variations/{sku}`` (one per item)."""
        return self.run_writes(
            items, lambda g: self._put(g[0], {"qty": max(0, int(g[0].quantity))}), skip=self._skip, what="stock"
        )

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``price`` ("de", the list price) and ``promotional_price`` ("por", the selling price)."""

        def send(group: list[PriceItem]) -> None:
            item = group[0]
            selling = round(float(item.price), 2)
            listed = round(float(item.list_price), 2) if item.list_price is not None else selling
            self._put(item, {"price": max(listed, selling), "promotional_price": selling})

        return self.run_writes(items, send, skip=self._skip, what="prices")

    # -- orders ----------------------------------------------------------------------
    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """Take up to :data:`QUEUE_BATCH` orders from the queue (``GET /queues/orders``, one per call).

        ``since``/``cursor`` are not used: the queue is its own cursor. Each
        order's ``ack_token`` is its code; call :meth:`ack_orders` after storing
        them, or SkyHub delivers them again after its visibility timeout.
        """
        orders: list[Order] = []
        seen: set[str] = set()
        for _ in range(QUEUE_BATCH):
            body = self.get_json("/queues/orders", family="queues:GET")
            if not body:
                return OrdersPage(orders, None, has_more=False)
            order = self.normalize_order(body)
            if order.order_id in seen:  # redelivered within this call: the queue is drained
                break
            seen.add(order.order_id)
            orders.append(order)
        return OrdersPage(orders, None, has_more=len(orders) >= QUEUE_BATCH)

    def get_order(self, order_id: str) -> Order:
        return self.normalize_order(self.get_json(order_path(order_id), family="order:GET"))

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        status = raw.get("status") or {}
        payments = raw.get("payments") or [{}]
        customer = raw.get("customer") or {}
        return Order(
            order_id=str(raw["code"]),
            channel=self.channel.name,
            status_raw=str(status.get("code") if isinstance(status, dict) else status),
            created_at=raw.get("placed_at"),
            updated_at=raw.get("updated_at"),
            items=[
                OrderItem(
                    sku=str(i.get("id")),
                    quantity=int(i.get("qty") or 0),
                    unit_price=float(i.get("special_price") or i.get("original_price") or 0),
                    channel_item_id=str(i.get("product_id") or i.get("id")),
                    title=str(i.get("name") or ""),
                )
                for i in raw.get("items") or []
            ],
            carrier_raw=raw.get("shipping_carrier"),
            service_raw=raw.get("shipping_method"),
            # §4.3 (unconfirmed): payments[] structure; the sandbox uses {method, value, installments}.
            payment_raw=payments[0].get("method") if payments else None,
            total=raw.get("total_ordered"),
            buyer={
                "name": customer.get("name"),
                "email": customer.get("email"),
                "document": customer.get("vat_number"),
            },
            shipping_address=dict(raw.get("shipping_address") or {}),
            ack_token=str(raw["code"]),
            raw=raw,
        )

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """``DELETE /queues/orders/{code}`` for each order (an order already gone counts as acknowledged)."""
        done = 0
        for order in orders:
            code = order.ack_token or order.order_id
            try:
                self.request("DELETE", f"/queues/orders/{quote(code, safe='')}", family="queues:DELETE")
            except ChannelFatalError as exc:
                if exc.status != 404:
                    raise
            done += 1
        return done

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """``POST /orders/{code}/invoice`` ``{"status":"order_invoiced","invoice":{"key":...}}``."""
        code = order.order_id if isinstance(order, Order) else str(order)
        body = {"status": "order_invoiced", "invoice": {"key": invoice.nfe_key}}
        return self.request("POST", order_path(code, "/invoice"), json_data=body, family="orders:POST").json() or {}

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``POST /orders/{code}/shipments`` with the items and ``track`` {code, carrier, method, url}.

        B2W Entrega / Direct orders (``calculation_type`` ``b2wentrega...``) are tracked by
        the marketplace itself (§4.3 ✅): nothing to send, :class:`NotApplicable`.
        """
        order = self.as_order(order)
        calculation = str(order.raw.get("calculation_type") or "")
        if calculation.lower().startswith("b2wentrega"):
            raise NotApplicable(
                f"tracking of {calculation} orders is handled by the marketplace",
                channel=self.channel.name,
                hint="nothing to send for this order",
            )
        body = {
            "status": "order_shipped",
            "shipment": {
                "code": f"{order.order_id}-1",
                "delivered_carrier_date": shipment.shipped_at or datetime.now(UTC).isoformat(timespec="seconds"),
                "items": [{"sku": it.sku, "qty": it.quantity} for it in order.items],
                "track": {
                    "code": shipment.code,
                    "carrier": shipment.carrier,
                    "method": shipment.service or order.service_raw or "",
                    "url": shipment.url,
                },
            },
        }
        path = order_path(order.order_id, "/shipments")
        return self.request("POST", path, json_data=body, family="orders:POST").json() or {}

    # -- value lists -------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Statuses from ``GET /statuses``; carriers/services and payments seen in recent orders (query API)."""
        statuses = self.get_json("/statuses", family="statuses:GET") or []
        pager = PagePaginator(
            PAGE_SIZE,
            page_param="page",
            size_param="per_page",
            records_path="orders",
            total_path="total",
            max_pages=VALUE_LIST_ORDER_PAGES,
            stop_at_max=True,
            channel=self.channel.name,
        )
        carriers: list[dict[str, Any]] = []
        payments: list[dict[str, Any]] = []
        for raw in pager.all(lambda p: self.get_json("/orders", params=p, family="orders:GET")):
            if raw.get("shipping_carrier") or raw.get("shipping_method"):
                carriers.append(
                    {
                        "carrier": raw.get("shipping_carrier"),
                        "service": raw.get("shipping_method"),
                        "description": raw.get("calculation_type"),
                    }
                )
            for p in raw.get("payments") or []:
                if p.get("method"):
                    payments.append({"payment_method": p["method"], "description": p.get("description")})
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", payments),
            "order_status": value_list_frame(
                "order_status",
                [{"status": s.get("code"), "code": s.get("type"), "description": s.get("label")} for s in statuses],
            ),
        }


register_connector("skyhub", SkyhubConnector)
