"""Walmart Marketplace connector: client-credentials tokens, inventory, price, orders by cursor, acknowledge, shipping.

Item publishing (MP_ITEM / MP_MAINTENANCE feeds, polled per item) is :mod:`kit.connectors.walmart_catalog`.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 9.1 (developer.walmart.com). What is confirmed and what is inferred,
per operation: ``docs/channels.md``. (Walmart Brasil ended around 2018; this
is the US/Global Marketplace API.)

* :class:`WalmartAuth`: ``POST /v3/token`` with HTTP Basic
  (``client_id:client_secret``) and ``grant_type=client_credentials``; the
  15-minute token is renewed before it expires and once on a 401. Every call
  carries ``WM_SEC.ACCESS_TOKEN``, ``WM_SVC.NAME`` and a new GUID in
  ``WM_QOS.CORRELATION_ID``.
* Errors come as ``{"errors":[{code, message, category, severity, field}]}``:
  :class:`WalmartResponseTable` only changes how that detail is shown.
* Orders: ``GET /v3/orders?status=Created`` (new orders) and, after the first
  read, ``lastModifiedStartDate`` (orders that changed: cancelled, shipped,
  delivered), each followed by the ``nextCursor`` query string Walmart returns;
  :meth:`WalmartConnector.ack_orders` acknowledges the new ones. Every request
  and answer is checked against Walmart's OpenAPI documents in the tests.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

import requests

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy
from kit.connectors.base import Connector, value_list_frame
from kit.connectors.model import Order, OrderItem, OrdersPage, PriceItem, Shipment, StockItem, WriteResult
from kit.connectors.orderchecks import code
from kit.connectors.paginate import CursorPaginator
from kit.connectors.responses import ResponseTable
from kit.connectors.walmart_catalog import FEED_ITEMS_MAX, WalmartCatalogMixin
from kit.errors import AuthenticationError, ChannelFatalError, KitError
from kit.scrub import clip, register_secret

__all__ = [
    "WalmartConnector",
    "WalmartAuth",
    "WalmartResponseTable",
    "ORDER_STATUSES",
    "CARRIERS",
    "METHOD_CODES",
    "FULFILMENT_TYPES",
]

SERVICE_NAME = "Walmart Marketplace"
#: §9.1: access tokens last 900 s; renew this long before.
TOKEN_MARGIN_S = 120.0
DEFAULT_TOKEN_TTL_S = 900.0
#: orders.json ``OrderLineStatusType.status``.
ORDER_STATUSES = ("Created", "Acknowledged", "Shipped", "Delivered", "Cancelled", "Refund")
OPEN_STATUSES = ("Created", "Acknowledged")
#: orders.json ``ShippingInfoType.methodCode``.
METHOD_CODES = ("Standard", "Express", "OneDay", "Freight", "WhiteGlove", "Value")
#: orders.json ``Order.shipNode.type``: who fulfils the order (the order's "carrier" side before it ships).
FULFILMENT_TYPES = ("SellerFulfilled", "WFSFulfilled", "3PLFulfilled")
DEFAULT_SHIP_NODE = "SellerFulfilled"  # GET /v3/orders shipNodeType: "SellerFulfilled(Default)"
# orders.json ChargeType.chargeName: "If chargeType is PRODUCT and includes a chargeName as SubscriptionDiscount,
# these are subscription orders with a discount".
SUBSCRIPTION_DISCOUNT = "SubscriptionDiscount"
#: orders.json ``CarrierNameType.carrier`` (shipping updates); anything else goes as ``otherCarrier``.
SHIPPING_CARRIERS = ("UPS", "USPS", "FedEx", "Airborne", "OnTrac", "DHL Ecommerce - US", "DHL", "LS", "UDS",
                     "UPSMI", "FDX", "PILOT", "ESTES", "SAIA", "FDS Express", "Seko Worldwide", "HIT Delivery",
                     "FEDEXSP", "RL Carriers", "Metropolitan Warehouse & Delivery", "China Post", "YunExpress",
                     "Yellow Freight Sys", "AIT Worldwide Logistics", "Chukou1", "Sendle", "Landmark Global",
                     "Sunyou", "Yanwen", "4PX", "GLS", "OSM Worldwide", "FIRST MILE", "AM Trucking", "CEVA",
                     "India Post", "SF Express", "CNE", "TForce Freight", "AxleHire", "LSO", "Royal Mail",
                     "ABF Freight System", "WanB", "Roadrunner Freight", "Meyer Distribution", "AAA Cooper",
                     "Canada Post", "Southeastern Freight Lines", "Japan Post", "Correos de Mexico",
                     "XPO Logistics", "JD Logistics", "YDH", "JCEX", "Flyt", "Deutsche Post", "Better Trucks",
                     "Asendia", "SFC", "UBI", "ePost Global", "YF Logistics", "RXO", "Estes Express", "Shypmax",
                     "WIN.IT America", "PITT OHIO", "PostNord Sweden", "Equick", "Whistl", "Tusou", "Shiprocket",
                     "DTDC", "PTS")  # fmt: skip
CARRIERS = SHIPPING_CARRIERS
CURRENCY = "USD"
ITEMS_PAGE = 50
INVENTORY_PAGE = 50  # GET /v3/inventories: limit "Cannot be more than 50"
ORDERS_PAGE = 100  # GET /v3/orders limit: default "100", "cannot be larger than 200"
ORDER_PAGES_PER_FETCH = 10
DEFAULT_LOOKBACK_DAYS = 30  # first read of orders waiting for the seller
ORDER_HISTORY = timedelta(days=180)  # "Only orders created in last 180 days ... can be fetched"
#: the change window starts this long before the previous read began (clock skew, in-flight changes);
#: orders seen again keep their version (newest statusDate) and are skipped by the orders job.
CHANGE_MARGIN = timedelta(minutes=5)
CHANGED = "changed"


class WalmartAuth(AuthStrategy):
    """OAuth2 client credentials with Walmart's headers (token kept in memory; it is cheap to renew)."""

    def __init__(self, token_path: str = "/v3/token", *, margin_s: float = TOKEN_MARGIN_S) -> None:
        super().__init__()
        self.token_path = token_path
        self.margin_s = margin_s
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.fetches = 0

    def _fetch(self) -> None:
        assert self.client is not None
        basic = base64.b64encode(f"{self.require('client_id')}:{self.require('client_secret')}".encode()).decode()
        register_secret(basic)
        body: Any = self.client.request(
            "POST",
            self.token_path,
            data={"grant_type": "client_credentials"},
            headers={
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "WM_SVC.NAME": SERVICE_NAME,
                "WM_QOS.CORRELATION_ID": str(uuid.uuid4()),
            },
            authenticate=False,
            family="auth",
        ).json()
        if not isinstance(body, dict) or not body.get("access_token"):
            raise AuthenticationError(
                "o endpoint de token do Walmart respondeu sem token de acesso",
                channel=self.channel,
                hint="confira o client_id e o client_secret do Walmart; se persistir, fale com o suporte do Walmart",
            )
        self._token = str(body["access_token"])
        register_secret(self._token)
        self._expires_at = time.time() + float(body.get("expires_in") or DEFAULT_TOKEN_TTL_S)
        self.fetches += 1

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or self._expires_at - self.margin_s <= time.time():
                self._fetch()
            token = self._token
        return {
            "WM_SEC.ACCESS_TOKEN": str(token),
            "WM_SVC.NAME": SERVICE_NAME,
            "WM_QOS.CORRELATION_ID": str(uuid.uuid4()),  # a new GUID per call
        }

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:
        with self._lock:
            if self._token and (rejected or {}).get("WM_SEC.ACCESS_TOKEN") not in (None, self._token):
                return True  # another thread renewed it already
            self._fetch()
            return True


class WalmartResponseTable(ResponseTable):
    """The default rows; the error detail is read from ``errors[]`` (code: message)."""

    def detail(self, raw: requests.Response) -> str | None:
        try:
            body = raw.json()
        except ValueError:
            return None
        errors = body.get("errors") or body.get("error") if isinstance(body, dict) else None
        if not isinstance(errors, list) or not errors:
            return None
        parts = []
        for e in errors[:3]:
            if isinstance(e, dict):
                text = f"{e.get('code', '')}: {e.get('message') or e.get('description') or e.get('info') or ''}"
                parts.append(text + (f" (field {e['field']})" if e.get("field") else ""))
        return clip("; ".join(parts), 300) or None


def _money(value: Any) -> float:
    return float((value or {}).get("amount") or 0)


def _line_money(charges: list[dict[str, Any]]) -> tuple[float | None, float]:
    """``(product amount, everything charged)`` of an order line's ``charges.charge`` (``ChargeType``).

    The product amount is the sum of the ``PRODUCT`` charges, a ``SubscriptionDiscount`` taken off whatever the
    sign it is sent with (the document does not give one: inferred, a discount never raises the price); ``None``
    when the line has no ``PRODUCT`` charge (never a made-up 0). Everything charged adds every charge's ``tax``.
    """
    product: float | None = None
    charged = 0.0
    for charge in charges:
        amount = _money(charge.get("chargeAmount"))
        if charge.get("chargeType") == "PRODUCT":
            if charge.get("chargeName") == SUBSCRIPTION_DISCOUNT:
                amount = -abs(amount)
            product = (product or 0.0) + amount
        charged += amount + _money((charge.get("tax") or {}).get("taxAmount"))
    return product, charged


def _ms_to_iso(value: Any) -> str | None:
    """Epoch milliseconds (or an ISO date-time, as the list schema types ``orderDate``) -> ISO 8601 UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or str(value).isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC).isoformat(timespec="milliseconds")
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC).isoformat(timespec="seconds")
    except ValueError:
        return str(value)


def _lines(raw: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((((raw or {}).get("orderLines") or {}).get("orderLine")) or [])


def _line_statuses_of(line: dict[str, Any]) -> set[str]:
    return {str(s.get("status")) for s in ((line.get("orderLineStatuses") or {}).get("orderLineStatus") or [])}


def _only_open(raw: dict[str, Any]) -> bool:
    """Every line still Created or Acknowledged (nothing happened that the ERP must hear about)."""
    statuses = {s for line in _lines(raw) for s in _line_statuses_of(line)}
    return bool(statuses) and statuses <= set(OPEN_STATUSES)


def _order_status(statuses: list[str]) -> str:
    """One status for the order: its lines' when they agree, else the least advanced line still alive."""
    distinct = list(dict.fromkeys(statuses))
    if len(distinct) <= 1:
        return distinct[0] if distinct else ""
    for status in ("Created", "Acknowledged", "Shipped", "Delivered"):
        if status in distinct:
            return status
    return distinct[0]


def _carrier_name(shipment: Shipment, channel: str) -> dict[str, str]:
    """``carrierName`` of a shipping update: a listed carrier, or ``otherCarrier`` (needs a tracking URL)."""
    listed = {c.lower(): c for c in SHIPPING_CARRIERS}
    name = (shipment.carrier or "").strip()
    if name.lower() in listed:
        return {"carrier": listed[name.lower()]}
    if not shipment.url:
        raise ChannelFatalError(
            f"o Walmart só aceita a transportadora {name!r} como otherCarrier com URL de rastreio, e nenhuma foi informada",
            channel=channel,
            hint="envie a URL de rastreio junto com o envio, ou use uma transportadora da lista do Walmart (ex.: USPS, UPS, "
            "FedEx)",
        )
    return {"otherCarrier": name}


def _wm_time(value: datetime | str) -> str:
    """A date-time as Walmart's examples write it (``2020-03-16T10:30:15Z``, UTC)."""
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class _ReadState:
    """Where an order read is: the streams left, the page cursor, and the change window."""

    streams: list[str]
    created_from: str
    modified_from: str | None
    next_since: str
    next: str | None = None

    @classmethod
    def start(cls, since: str | None, previous: str | None = None) -> _ReadState:
        now = datetime.now(UTC)
        changed_from = previous or since
        first = changed_from is None
        return cls(
            streams=["Created", "Acknowledged"] if first else ["Created", CHANGED],
            created_from=_wm_time(now - timedelta(days=DEFAULT_LOOKBACK_DAYS)),
            modified_from=_wm_time(changed_from) if changed_from else None,
            next_since=_wm_time(now - CHANGE_MARGIN),
        )

    @classmethod
    def load(cls, cursor: str) -> _ReadState:
        try:
            data = json.loads(cursor)
        except ValueError:
            data = None
        if not isinstance(data, dict) or "since" not in data:
            # A cursor from before this format (a bare nextCursor): start again from scratch.
            return cls.start(None)
        if not data.get("streams"):
            return cls.start(None, previous=data["since"])
        return cls(list(data["streams"]), data["created_from"], data.get("modified_from"), data["since"],
                   data.get("next"))  # fmt: skip

    def query(self, stream: str) -> dict[str, Any]:
        if stream == CHANGED:
            horizon = datetime.now(UTC) - ORDER_HISTORY + timedelta(hours=1)
            return {"lastModifiedStartDate": self.modified_from, "createdStartDate": _wm_time(horizon),
                    "limit": ORDERS_PAGE}  # fmt: skip
        return {"status": stream, "createdStartDate": self.created_from, "limit": ORDERS_PAGE}

    def dump(self) -> str:
        data: dict[str, Any] = {"since": self.next_since}
        if self.streams:
            data.update(streams=self.streams, created_from=self.created_from, modified_from=self.modified_from,
                        next=self.next)  # fmt: skip
        return json.dumps(data, sort_keys=True, separators=(",", ":"))


class WalmartConnector(WalmartCatalogMixin, Connector):
    """Walmart Marketplace (client credentials, ``WM_*`` headers); publishing by item feeds in :mod:`.walmart_catalog`."""

    # Publishing (docs/publishing.md): MP_ITEM feeds create items, MP_MAINTENANCE feeds update them.
    publish_create = True
    publish_update = True
    publish_batch = FEED_ITEMS_MAX
    publish_family = "feed_item"
    # The V4.8 examples' Orderable fields: a product id (the EAN as GTIN), name, brand, price, shipping weight;
    # mainImageUrl of the Visible group (Walmart fetches it); the taxonomy's subcategory.
    publish_required = ("title", "brand", "ean", "price", "weight_kg", "channel_category", "image_urls")
    # Item spec 4.x: productName at most 199 characters (inferred: the spec's JSON schema is not shared).
    publish_title_max = 199

    response_table_class = WalmartResponseTable
    default_headers = {"Content-Type": "application/json", "Accept": "application/json"}

    def make_auth(self) -> AuthStrategy:
        return WalmartAuth("/v3/token")

    def check_connection(self) -> dict[str, Any]:
        body = self.get_json("/v3/items", params={"limit": 1, "nextCursor": "*"}) or {}
        return {"items": body.get("totalItems")}

    def _warm_token(self) -> None:
        """Get a token before writes fan out: threads would queue on it, then burst past the rate limit."""
        try:
            self.auth.headers()
        except KitError:
            pass  # each write reports the error on its items

    # -- catalogue -------------------------------------------------------------------
    def list_listings(self):
        """``GET /v3/items`` and the stock of every item from ``GET /v3/inventories`` (50 per call, not one per SKU).

        The stock is the sum of ``inputQty`` over the item's ship nodes (a seller with one node: what
        ``update_stock`` set); an item with no inventory entry has no stock.
        """
        pager = CursorPaginator(
            "nextCursor", cursor_param="nextCursor", base_params={"limit": ITEMS_PAGE, "nextCursor": "*"},
            records_path="ItemResponse", channel=self.channel.name,
        )  # fmt: skip
        items = pager.all(lambda p: self.get_json("/v3/items", params=p))
        stock_pager = CursorPaginator("meta.nextCursor", cursor_param="nextCursor", base_params={"limit": INVENTORY_PAGE},
                                      records_path="elements.inventories", channel=self.channel.name)  # fmt: skip
        stock: dict[str, float] = {}
        for inv in stock_pager.all(lambda p: self.get_json("/v3/inventories", params=p)):
            nodes = inv.get("nodes") or []
            stock[str(inv.get("sku"))] = sum(float((n.get("inputQty") or {}).get("amount") or 0) for n in nodes)
        rows = [
            {"channel_id": it.get("wpid"), "variation_id": None, "sku": it.get("sku"),
             "ean": it.get("gtin") or it.get("upc"), "title": it.get("productName"),
             "price": (it.get("price") or {}).get("amount"), "stock": stock.get(str(it.get("sku"))),
             "status": it.get("publishedStatus")}
            for it in items
        ]  # fmt: skip
        return self.listings_frame(rows)

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``PUT /v3/inventory?sku=...`` ``{"sku", "quantity": {"unit": "EACH", "amount": N}}`` (default ship node)."""

        def send(group: list[StockItem]) -> None:
            item = group[0]
            body = {"sku": item.sku, "quantity": {"unit": "EACH", "amount": max(0, int(item.quantity))}}
            self.request("PUT", "/v3/inventory", params={"sku": item.sku}, json_data=body, family="write")

        self._warm_token()
        return self.run_writes(items, send, what="stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``PUT /v3/price`` with one ``BASE`` price (❓ body not re-read; currency USD)."""

        def send(group: list[PriceItem]) -> None:
            item = group[0]
            body = {
                "sku": item.sku,
                "pricing": [
                    {
                        "currentPriceType": "BASE",
                        "currentPrice": {"currency": CURRENCY, "amount": round(float(item.price), 2)},
                    }
                ],
            }
            self.request("PUT", "/v3/price", json_data=body, family="write")

        self._warm_token()
        return self.run_writes(items, send, what="prices")

    # -- orders ---------------------------------------------------------------------------
    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """New orders and the orders that changed since the last read, in pages of ``GET /v3/orders``.

        Acknowledged orders leave the ``status=Created`` list, so that list alone never
        shows a later cancellation. Each read therefore runs *streams* of queries:

        * ``Created`` (``createdStartDate`` = :data:`DEFAULT_LOOKBACK_DAYS` ago): orders
          waiting for the seller; on the very first read also ``Acknowledged`` ones;
        * ``changed`` (after the first read, or from ``since``): ``lastModifiedStartDate``
          = the previous read's start less :data:`CHANGE_MARGIN`, ``createdStartDate`` =
          Walmart's 180-day horizon (the default would be 7 days). Orders whose lines are
          all still Created/Acknowledged are left out: that change is the kit's own
          acknowledgement (new ones come from the ``Created`` stream).

        Each page follows ``meta.nextCursor`` as given. The returned cursor (JSON text)
        holds where the next read starts, or the stream and page to go on with.
        """
        state = _ReadState.load(cursor) if cursor else _ReadState.start(since)
        orders: dict[str, Order] = {}
        pages = 0
        while state.streams and pages < ORDER_PAGES_PER_FETCH:
            stream = state.streams[0]
            params = dict(parse_qsl(state.next.lstrip("?"))) if state.next else state.query(stream)
            body = self.get_json("/v3/orders", params=params, family="orders_read") or {}
            pages += 1
            listing = body.get("list") or {}
            raws = (listing.get("elements") or {}).get("order") or []
            for raw in raws:
                if stream == CHANGED and _only_open(raw):
                    continue
                order = self.normalize_order(raw)
                # One without a number is kept apart (the orders job fails it), once even if two streams list it.
                orders[order.order_id or "?" + json.dumps(raw, sort_keys=True, default=str)] = order
            following = (listing.get("meta") or {}).get("nextCursor")
            if following and raws:
                if following == state.next:
                    raise ChannelFatalError(
                        "o Walmart repetiu um cursor de pedidos; a leitura parou aqui",
                        channel=self.channel.name,
                        hint="rode de novo mais tarde; se repetir, fale com o suporte do Walmart",
                    )
                state.next = str(following)
            else:
                state.streams.pop(0)
                state.next = None
        return OrdersPage(list(orders.values()), state.dump(), has_more=bool(state.streams))

    def get_order(self, order_id: str) -> Order:
        body = self.get_json(f"/v3/orders/{quote(str(order_id), safe='')}", family="orders_read") or {}
        return self.normalize_order(body.get("order") or body)

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        """A purchase order in the kit's shape (fields of the ``Order`` schema of ``orders.json``).

        * ``carrier_raw`` is who fulfils the order (``shipNode.type``; absent = ``SellerFulfilled``,
          the documented default): Walmart names a carrier only on lines already shipped
          (``trackingInfo.carrierName``), and the seller picks it. ``service_raw`` is
          ``shippingInfo.methodCode``.
        * ``updated_at`` is the newest line ``statusDate`` (the document's "date shown on the
          recent order status"), so a cancellation makes a new version of the order.
        * A line's unit price is its ``PRODUCT`` charges (a subscription discount taken off) over its quantity;
          the total is ``orderSummary.totalAmount``, else every line charge plus its tax (:func:`_line_money`).
        """
        lines = ((raw.get("orderLines") or {}).get("orderLine")) or []
        shipping = raw.get("shippingInfo") or {}
        statuses = [s for line in lines for s in ((line.get("orderLineStatuses") or {}).get("orderLineStatus") or [])]
        items = []
        charged = 0.0
        for line in lines:
            amount, line_charged = _line_money((line.get("charges") or {}).get("charge") or [])
            charged += line_charged
            qty = int(float((line.get("orderLineQuantity") or {}).get("amount") or 0))
            items.append(
                OrderItem(
                    sku=code((line.get("item") or {}).get("sku")),
                    quantity=qty,
                    unit_price=None if amount is None else round(amount / qty, 2) if qty else amount,
                    channel_item_id=str(line.get("lineNumber")),
                    title=str((line.get("item") or {}).get("productName") or ""),
                )
            )
        total = ((raw.get("orderSummary") or {}).get("totalAmount") or {}).get("currencyAmount")
        stamps = [line.get("statusDate") for line in lines if line.get("statusDate") not in (None, "")]
        return Order(
            order_id=code(raw.get("purchaseOrderId")),
            channel=self.channel.name,
            status_raw=_order_status([str(s.get("status")) for s in statuses]),
            created_at=_ms_to_iso(raw.get("orderDate")),
            updated_at=_ms_to_iso(max(map(int, stamps))) if stamps else _ms_to_iso(raw.get("orderDate")),
            items=items,
            carrier_raw=str((raw.get("shipNode") or {}).get("type") or DEFAULT_SHIP_NODE),
            service_raw=shipping.get("methodCode"),
            payment_raw=None,  # the marketplace collects
            total=round(float(total if total is not None else charged), 2),
            buyer={
                "email": raw.get("customerEmailId"),
                "name": (shipping.get("postalAddress") or {}).get("name"),
                "phone": shipping.get("phone"),
            },  # fmt: skip
            shipping_address=dict(shipping.get("postalAddress") or {}),
            ack_token=code(raw.get("purchaseOrderId")),
            raw=raw,
        )

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """``POST /v3/orders/{purchaseOrderId}/acknowledge`` for each order with a Created line.

        Returns how many of ``orders`` are acknowledged now (those already were count too);
        cancelled or shipped orders are not acknowledged.
        """
        acked = 0
        for order in orders:
            statuses = {s for line in _lines(order.raw) for s in _line_statuses_of(line)} or {order.status_raw}
            if "Created" in statuses:
                po = quote(order.ack_token or order.order_id, safe="")
                self.request("POST", f"/v3/orders/{po}/acknowledge", family="write", expect_json=False)
                acked += 1
            elif statuses == {"Acknowledged"}:
                acked += 1
        return acked

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``POST /v3/orders/{po}/shipping``: every line not cancelled becomes Shipped with the tracking.

        ``carrierName`` is ``{"carrier": X}`` for a carrier of Walmart's list, else
        ``{"otherCarrier": X}``, which Walmart accepts only with a ``trackingURL``.
        ``methodCode`` is the shipment's service when it is a Walmart method code,
        else the order's own.
        """
        order = self.as_order(order)
        carrier = _carrier_name(shipment, self.channel.name)
        method = shipment.service if shipment.service in METHOD_CODES else order.service_raw
        shipped_at = datetime.fromisoformat(shipment.shipped_at) if shipment.shipped_at else datetime.now(UTC)
        tracking = {
            "shipDateTime": int(shipped_at.timestamp() * 1000),
            "carrierName": carrier,
            "methodCode": method if method in METHOD_CODES else "Standard",
            "trackingNumber": shipment.code,
        }
        if shipment.url:
            tracking["trackingURL"] = shipment.url
        cancelled = {ln.get("lineNumber") for ln in _lines(order.raw) if _line_statuses_of(ln) == {"Cancelled"}}
        lines = [
            {
                "lineNumber": it.channel_item_id,
                "orderLineStatuses": {
                    "orderLineStatus": [
                        {
                            "status": "Shipped",
                            "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(it.quantity)},
                            "trackingInfo": tracking,
                        }
                    ]
                },
            }
            for it in order.items
            if it.channel_item_id not in cancelled
        ]
        body = {"orderShipment": {"orderLines": {"orderLine": lines}}}
        po = quote(order.order_id, safe="")
        return self.request("POST", f"/v3/orders/{po}/shipping", json_data=body, family="write").json() or {}

    # -- value lists -------------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Fulfilment types x method codes and line statuses (documents); the taxonomy; variant attribute names."""
        carriers = [{"carrier": c, "service": m} for c in FULFILMENT_TYPES for m in METHOD_CODES]
        catalog = self.catalog_value_lists()
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", []),
            "order_status": value_list_frame("order_status", [{"status": s} for s in ORDER_STATUSES]),
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
        }


register_connector("walmart", WalmartConnector)
