"""Walmart Marketplace connector: client-credentials tokens, inventory, price, orders by cursor, acknowledge, shipping.

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
* Orders: ``GET /v3/orders?status=Created`` followed by the ``nextCursor``
  query string Walmart returns; :meth:`WalmartConnector.ack_orders`
  acknowledges them, which takes them out of the ``Created`` list.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

import requests

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy
from kit.connectors.base import Connector, value_list_frame
from kit.connectors.model import Order, OrderItem, OrdersPage, PriceItem, StockItem, WriteResult
from kit.connectors.paginate import CursorPaginator
from kit.connectors.responses import ResponseTable
from kit.errors import AuthenticationError, KitError
from kit.scrub import clip, register_secret

__all__ = ["WalmartConnector", "WalmartAuth", "WalmartResponseTable", "ORDER_STATUSES", "CARRIERS", "METHOD_CODES"]

SERVICE_NAME = "Walmart Marketplace"
#: §9.1: access tokens last 900 s; renew this long before.
TOKEN_MARGIN_S = 120.0
DEFAULT_TOKEN_TTL_S = 900.0
#: §9.1: order line statuses.
ORDER_STATUSES = ("Created", "Acknowledged", "Shipped", "Delivered", "Cancelled")
#: §9.1 (❓): shipping method codes; carrierName must match Walmart's supported list (a subset here).
METHOD_CODES = ("Value", "Standard", "Express", "OneDay", "Freight")
CARRIERS = ("USPS", "UPS", "FedEx", "DHL", "OnTrac")
CURRENCY = "USD"
ITEMS_PAGE = 50
ORDERS_PAGE = 100
ORDER_PAGES_PER_FETCH = 10
DEFAULT_LOOKBACK_DAYS = 30  # Walmart serves the last 180 days only


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
            raise AuthenticationError("Walmart's token endpoint answered without an access token", channel=self.channel)
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


class _QueryCursor(CursorPaginator):
    """Walmart's ``nextCursor`` is a whole query string (``?limit=..&hasMoreElements=true&...``)."""

    def params(self, token: Any) -> dict[str, Any]:
        return dict(parse_qsl(str(token).lstrip("?")))


def _ms_to_iso(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or str(value).isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC).isoformat(timespec="seconds")
    return str(value)


class WalmartConnector(Connector):
    """Walmart Marketplace (client credentials, ``WM_*`` headers)."""

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
        from concurrent.futures import ThreadPoolExecutor

        pager = CursorPaginator(
            "nextCursor", cursor_param="nextCursor", base_params={"limit": ITEMS_PAGE, "nextCursor": "*"},
            records_path="ItemResponse", channel=self.channel.name,
        )  # fmt: skip
        items = pager.all(lambda p: self.get_json("/v3/items", params=p))

        def row(it: dict[str, Any]) -> dict[str, Any]:
            inv = self.get_json("/v3/inventory", params={"sku": it["sku"]}) or {}
            return {
                "channel_id": it.get("wpid"),
                "variation_id": None,
                "sku": it.get("sku"),
                "ean": it.get("gtin") or it.get("upc"),
                "title": it.get("productName"),
                "price": (it.get("price") or {}).get("amount"),
                "stock": (inv.get("quantity") or {}).get("amount"),
                "status": it.get("publishedStatus"),
            }

        with ThreadPoolExecutor(max_workers=4) as pool:
            rows = list(pool.map(row, items))
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
    def fetch_orders(
        self, since: str | None = None, cursor: str | None = None, *, status: str = "Created"
    ) -> OrdersPage:
        """``GET /v3/orders?status=Created&createdStartDate=...`` then each ``nextCursor`` query.

        ``cursor`` is a ``nextCursor`` left over from a fetch that stopped at
        :data:`ORDER_PAGES_PER_FETCH` pages. Acknowledge the orders with
        :meth:`ack_orders` once stored; acknowledged orders leave the list.
        """
        first = {
            "status": status,
            "limit": ORDERS_PAGE,
            "createdStartDate": since or (datetime.now(UTC) - timedelta(days=DEFAULT_LOOKBACK_DAYS)).isoformat(),
        }
        pager = _QueryCursor(
            "list.meta.nextCursor", cursor_param="nextCursor", base_params=first,
            records_path="list.elements.order", channel=self.channel.name,
            max_pages=ORDER_PAGES_PER_FETCH, stop_at_max=True,
        )  # fmt: skip
        if cursor:
            pager.base_params = pager.params(cursor)
        last: dict[str, Any] = {}

        def fetch(params: dict[str, Any]) -> Any:
            body = self.get_json("/v3/orders", params=params, family="orders_read")
            last["cursor"] = ((body or {}).get("list") or {}).get("meta", {}).get("nextCursor")
            return body

        raws = pager.all(fetch)
        orders = [self.normalize_order(r) for r in raws]
        more = bool(last.get("cursor")) and bool(raws)
        return OrdersPage(orders, last.get("cursor") if more else None, has_more=more)

    def get_order(self, order_id: str) -> Order:
        body = self.get_json(f"/v3/orders/{quote(str(order_id), safe='')}", family="orders_read") or {}
        return self.normalize_order(body.get("order") or body)

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        lines = ((raw.get("orderLines") or {}).get("orderLine")) or []
        shipping = raw.get("shippingInfo") or {}
        statuses = [s for line in lines for s in ((line.get("orderLineStatuses") or {}).get("orderLineStatus") or [])]
        tracked = next((s.get("trackingInfo") for s in statuses if s.get("trackingInfo")), None) or {}
        carrier = (tracked.get("carrierName") or {}).get("carrier") or shipping.get("carrierName")
        items = []
        for line in lines:
            charge = next(
                (c for c in (line.get("charges") or {}).get("charge") or [] if c.get("chargeType") == "PRODUCT"), {}
            )
            qty = int(float((line.get("orderLineQuantity") or {}).get("amount") or 0))
            amount = float((charge.get("chargeAmount") or {}).get("amount") or 0)
            items.append(
                OrderItem(
                    sku=str((line.get("item") or {}).get("sku")),
                    quantity=qty,
                    unit_price=round(amount / qty, 2) if qty else amount,
                    channel_item_id=str(line.get("lineNumber")),
                    title=str((line.get("item") or {}).get("productName") or ""),
                )
            )
        return Order(
            order_id=str(raw["purchaseOrderId"]),
            channel=self.channel.name,
            status_raw=str(statuses[0].get("status")) if statuses else "",
            created_at=_ms_to_iso(raw.get("orderDate")),
            updated_at=None,  # Walmart orders carry no update stamp; the job versions them by content
            items=items,
            carrier_raw=carrier,
            service_raw=shipping.get("methodCode"),
            payment_raw=None,  # the marketplace collects
            buyer={"email": raw.get("customerEmailId"), "name": (shipping.get("postalAddress") or {}).get("name")},
            shipping_address=dict(shipping.get("postalAddress") or {}),
            ack_token=str(raw["purchaseOrderId"]),
            raw=raw,
        )

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """``POST /v3/orders/{purchaseOrderId}/acknowledge`` per order (safe to repeat)."""
        for order in orders:
            po = quote(order.ack_token or order.order_id, safe="")
            self.request("POST", f"/v3/orders/{po}/acknowledge", family="write", expect_json=False)
        return len(orders)

    def send_tracking(
        self,
        order: Order | str,
        *,
        carrier: str,
        code: str,
        url: str | None = None,
        service: str | None = None,
        invoice_number: str | None = None,
        shipped_at: str | None = None,
    ) -> dict[str, Any]:
        """``POST /v3/orders/{po}/shipping``: every line Shipped with its tracking info."""
        order = self.as_order(order)
        ship_ms = int((datetime.fromisoformat(shipped_at) if shipped_at else datetime.now(UTC)).timestamp() * 1000)
        lines = [
            {
                "lineNumber": it.channel_item_id,
                "orderLineStatuses": {
                    "orderLineStatus": [
                        {
                            "status": "Shipped",
                            "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(it.quantity)},
                            "trackingInfo": {
                                "shipDateTime": ship_ms,
                                "carrierName": {"carrier": carrier},
                                "methodCode": service or order.service_raw or "Standard",
                                "trackingNumber": code,
                                "trackingURL": url,
                            },
                        }
                    ]
                },
            }
            for it in order.items
        ]
        body = {"orderShipment": {"orderLines": {"orderLine": lines}}}
        po = quote(order.order_id, safe="")
        return self.request("POST", f"/v3/orders/{po}/shipping", json_data=body, family="write").json() or {}

    # -- value lists -------------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Static lists (Walmart publishes them in its docs, not through the API): carriers x method codes, statuses."""
        carriers = [{"carrier": c, "service": m} for c in CARRIERS for m in METHOD_CODES]
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", []),
            "order_status": value_list_frame("order_status", [{"status": s} for s in ORDER_STATUSES]),
        }


register_connector("walmart", WalmartConnector)
