"""SkyHub (B2W / Americanas Marketplace) connector: products and variations, the orders queue, invoice, shipments.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 4 (desenvolvedores.skyhub.com.br, bittools/skyhub-php). What is
confirmed and what is inferred, per operation: ``docs/channels.md``.

* Three static headers (``X-User-Email``, ``X-Api-Key``,
  ``X-Accountmanager-Key``); without the last one SkyHub answers 401.
* Limits are per endpoint + method (§4.4): each ``"<resource>:<METHOD>"``
  family below has its own token bucket, so 9 product PUTs/s never starve the
  1/s orders GET. A configured channel rate may lower them, never raise them.
* Products are listed with the documented cursor: every page with more to
  come carries ``next`` (the next page's URL), which goes past the 10,000
  records where page paging stops (§4.2). Only its path and query are
  followed: credentials never go to a host the channel names.
* Orders come from the queue: ``GET /queues/orders`` hands out one order per
  call (204 when empty), with its current status (a cancellation after
  import comes back the same way); the order must be deleted from the queue
  (``DELETE /queues/orders/{code}``, :meth:`SkyhubConnector.ack_orders`) only
  after it is stored durably, or SkyHub delivers it again after 5 minutes.
  Order codes carry the site name with spaces (``Lojas Americanas-100...``):
  they are always URL-encoded in paths.
* Publishing (``docs/publishing.md``): products and variations created and
  updated by SKU, the 2025 category list and brands, in
  :mod:`kit.connectors.skyhub_catalog`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from kit.channeltypes import RateLimit
from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy, StaticHeaders
from kit.connectors.base import Connector, NotApplicable, value_list_frame
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
from kit.connectors.paginate import PagePaginator, Paginator
from kit.connectors.ratelimit import DEFAULT_FAMILY
from kit.connectors.skyhub_catalog import PUBLISH_RATES, SkyhubCatalogMixin
from kit.errors import ChannelFatalError

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
    **PUBLISH_RATES,  # products POST 9/s; the category list and brands: "everything else", 1/s
}
#: §4.2: page size default = max = 100 (page paging answers 400 past 10,000 records; the cursor does not stop).
PAGE_SIZE = 100
#: Brazil's offset (no daylight saving since 2019), for an ERP issue date written without one.
BRT = timezone(timedelta(hours=-3))
#: Orders taken from the queue per ``fetch_orders`` call (one GET each).
QUEUE_BATCH = 50
#: Pages of the order query read for value lists (1 GET/s).
VALUE_LIST_ORDER_PAGES = 5


def order_path(code: str, suffix: str = "") -> str:
    """``/orders/{code}{suffix}`` with the code URL-encoded (it contains spaces)."""
    return f"/orders/{quote(str(code), safe='')}{suffix}"


class NextUrlPaginator(Paginator):
    """Follows the ``next`` URL of each page (§4.2 products cursor); only its path and query are used.

    The token is (path, query): a channel that hands back the same ``next``
    twice is refused by the base, like a repeated cursor.
    """

    def __init__(self, path: str, base_params: dict[str, Any], **kw: Any) -> None:
        super().__init__(**kw)
        self.path, self.base_params = path, dict(base_params)

    def first_params(self) -> dict[str, Any]:
        return {"path": self.path, "params": dict(self.base_params)}

    def next_token(self, body: Any, records: list[Any], token: Any) -> Hashable | None:
        url = body.get("next") if isinstance(body, dict) else None
        if not url or not records:
            return None
        parts = urlsplit(str(url))
        return (parts.path or self.path, tuple(parse_qsl(parts.query, keep_blank_values=True)))

    def params(self, token: Any) -> dict[str, Any]:
        return {"path": token[0], "params": dict(token[1])}


def nfe_volumes(xml: str | bytes | None) -> int:
    """Volumes of an NF-e (the sum of ``transp/vol/qVol``); 1 when the XML is absent or says nothing."""
    if not xml:
        return 1
    try:
        root = ET.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    except ET.ParseError:
        return 1
    total = 0
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "qVol" and (el.text or "").strip().isdigit():
            total += int(el.text.strip())
    return max(1, total)


def _is_direct(order: Order) -> bool:
    """An Americanas Entrega (B2W Entrega / Direct) order: the marketplace ships and tracks it."""
    return str(order.raw.get("calculation_type") or "").lower().startswith("b2wentrega")


def issue_date(value: str | None) -> str | None:
    """An ERP issue date as SkyHub writes it ("2019-01-27T12:30:00-03:00"); ``None`` when it has no time."""
    if not value or "T" not in str(value):
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=BRT)).isoformat(timespec="seconds")


def _price_key(item: PriceItem) -> str:
    """The SkyHub SKU a price item writes to: its variation, else its product."""
    return str(item.variation_id or item.channel_id or item.sku)


class SkyhubConnector(SkyhubCatalogMixin, Connector):
    """SkyHub / Americanas Marketplace (three static headers)."""

    default_headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
    # Publishing (docs/publishing.md): POST /products, POST /products/{sku}/variations, PUT /products|variations.
    publish_create = True
    publish_update = True
    # Comunicado 2025: price never 0 or null; category and brand from SkyHub's lists; measures (homologation).
    publish_required = (
        "title", "brand", "channel_category", "price", "weight_kg", "height_cm", "width_cm", "length_cm",
    )  # fmt: skip
    # No title limit found in SkyHub's documents: 150, the kit's conservative default (inferred).
    publish_title_max = 150
    publish_family = "products:POST"

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # sku -> (product sku, variation sku or None)
        self._links: dict[str, tuple[str, str | None]] | None = None

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
        """Every product, following the ``next`` cursor page after page (past 10,000 records)."""
        pager = NextUrlPaginator(
            "/products", {"per_page": PAGE_SIZE}, records_path="products", channel=self.channel.name
        )
        return pager.all(lambda p: self.get_json(p["path"], params=p["params"], family="products:GET"))

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
        return self._links.get(item.sku)

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
        return None if self._resolve(item) else "SKU não encontrado na SkyHub (nem como produto nem como variação)"

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``PUT /products/{sku}`` ``{"product":{"qty":N}}`` or ``PUT /variations/{sku}`` (one per item)."""
        return self.run_writes(
            items, lambda g: self._put(g[0], {"qty": max(0, int(g[0].quantity))}), skip=self._skip, what="stock"
        )

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``price`` ("de", the list price) and ``promotional_price`` ("por", the selling price).

        Without an ERP list price the product (or variation) is read first (``GET /products/{sku}``, its own
        9/s bucket; or the whole listing once when it has fewer pages than SKUs to read): a "de" the store shows
        is left out of the write (§4.2: "send only the fields you change") unless the new selling price passes
        it (:func:`~kit.connectors.listprice.list_price_to_send`).
        """
        reads = PriceReads(self._store_prices, self._listing_pages, self._every_price, key=_price_key).prepare(items)

        def send(group: list[PriceItem]) -> None:
            item = group[0]
            selling = round(float(item.price), 2)
            store = reads(item)
            listed = list_price_to_send(selling, item.list_price, store)
            self._put(item, {"promotional_price": selling} if listed is None else
                      {"price": listed, "promotional_price": selling})  # fmt: skip

        return self.run_writes(items, send, skip=self._skip, what="prices")

    def _listing_pages(self) -> int | None:
        body = self.get_json("/products", params={"page": 1, "per_page": 1}, family="products:GET") or {}
        return pages_of(body.get("total"), PAGE_SIZE)

    def _every_price(self) -> dict[str, StorePrices]:
        """The prices of every product and variation, by SKU (the whole listing, cursor pages)."""
        out: dict[str, StorePrices] = {}
        for p in self.products():
            for record in [p, *(p.get("variations") or [])]:
                out[str(record.get("sku"))] = StorePrices.of(record.get("price"), record.get("promotional_price"))
        return out

    def _store_prices(self, item: PriceItem) -> StorePrices | None:
        """The prices the product or variation of ``item`` shows now (``None``: not found)."""
        target = self._resolve(item)
        assert target is not None  # skipped before sending
        product_sku, variation = target
        product = self._product(product_sku)
        if not product:
            return None
        if variation:
            product = next((v for v in product.get("variations") or [] if str(v.get("sku")) == variation), None)
        return StorePrices.of(product.get("price"), product.get("promotional_price")) if product else None

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
                    sku=code(i.get("id")),
                    quantity=int(i.get("qty") or 0),
                    unit_price=price(i.get("special_price"), i.get("original_price")),
                    channel_item_id=str(i.get("product_id") or i.get("id")),
                    title=str(i.get("name") or ""),
                )
                for i in raw.get("items") or []
            ],
            carrier_raw=raw.get("shipping_carrier"),
            service_raw=raw.get("shipping_method"),
            # desenvolvedores.skyhub.com.br "consumo de pedidos - queues" (example): payments[{method, value,
            # parcels, status, transaction_date, sefaz}].
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
        """``POST /orders/{code}/invoice`` ``{"status": "order_invoiced", "invoice": {"key", "issue_date"}}``.

        Americanas Entrega Direct orders also carry ``volume_qty`` (their labels
        need it, §4.3): the NF-e's ``transp/vol/qVol`` when the XML is given, else
        1. A 422 (the order's status no longer allows it) is success when the
        order already holds this key: a retry of an invoice SkyHub took.
        """
        order = self.as_order(order)
        fields: dict[str, Any] = {"key": invoice.nfe_key}
        when = issue_date(invoice.issued_at)
        if when:
            fields["issue_date"] = when
        body: dict[str, Any] = {"status": "order_invoiced", "invoice": fields}
        if _is_direct(order):
            body["volume_qty"] = nfe_volumes(invoice.xml)
        path = order_path(order.order_id, "/invoice")
        try:
            return self.request("POST", path, json_data=body, family="orders:POST").json() or {}
        except ChannelFatalError as exc:
            current = self._after_refusal(exc, order.order_id)
            if any(str(i.get("key")) == invoice.nfe_key for i in current.get("invoices") or []):
                return {"already_applied": True, "invoices": current.get("invoices")}
            raise

    def _after_refusal(self, exc: ChannelFatalError, code: str) -> dict[str, Any]:
        """The order as SkyHub holds it after a 422 (``exc`` again for any other refusal)."""
        if exc.status != 422:
            raise exc
        return self.get_json(order_path(code), family="order:GET") or {}

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``POST /orders/{code}/shipments`` with the items and ``track`` {code, carrier, method, url}.

        B2W Entrega / Direct orders (``calculation_type`` ``b2wentrega...``) are tracked by
        the marketplace itself (§4.3 ✅): nothing to send, :class:`NotApplicable`. A 422
        for a shipment SkyHub already holds (same code and tracking) is success.
        """
        order = self.as_order(order)
        if _is_direct(order):
            raise NotApplicable(
                f"o rastreio de pedidos {order.raw.get('calculation_type')} é feito pelo próprio marketplace",
                channel=self.channel.name,
                hint="não há nada a enviar para este pedido",
            )
        code = f"{order.order_id}-1"
        body = {
            "status": "order_shipped",
            "shipment": {
                "code": code,
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
        try:
            return self.request("POST", path, json_data=body, family="orders:POST").json() or {}
        except ChannelFatalError as exc:
            current = self._after_refusal(exc, order.order_id)
            for held in current.get("shipments") or []:
                if held.get("code") == code and (held.get("track") or {}).get("code") == shipment.code:
                    return {"already_applied": True, "shipment": held}
            raise

    # -- value lists -------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Statuses from ``GET /statuses``; carriers/services and payments seen in recent orders (query API); the
        category list and its attributes (publishing de-para)."""
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
        catalog = self.catalog_value_lists()
        return {
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", payments),
            "order_status": value_list_frame(
                "order_status",
                [{"status": s.get("code"), "code": s.get("type"), "description": s.get("label")} for s in statuses],
            ),
        }


register_connector("skyhub", SkyhubConnector)
