"""Walmart Marketplace sandbox: client-credentials tokens, items, inventory, price, orders, acknowledge, ship, cancel.

Written from Walmart's OpenAPI documents (``../shared/specs/walmart``, with the
errata of its README) and ``../shared/channel-apis.md`` §9.1, never from the
connector:

* ``POST /v3/token`` with HTTP Basic and ``grant_type=client_credentials`` (900 s
  tokens, expirable on demand with ``faults.expire_tokens``); every other call
  needs ``WM_SEC.ACCESS_TOKEN``, ``WM_SVC.NAME`` and ``WM_QOS.CORRELATION_ID``
  (declared required; each correlation id is recorded so tests can check it is
  new per call).
* Errors as ``{"errors": [GatewayError]}`` (``code``, ``field``, ``description``,
  ``info``, ``severity``, ``category``): the documents declare no error answer,
  the ``GatewayError`` object is theirs.
* ``GET /v3/orders`` with the documented filters (``status`` of a line,
  ``createdStartDate`` defaulting to 7 days ago, ``lastModifiedStartDate``,
  ``limit`` up to 200) and only orders of the last 180 days; more pages come as
  ``meta.nextCursor``, a query string with ``hasMoreElements``, ``soIndex``,
  ``poIndex``, ``partnerId``, ``sellerId`` and the filters (README erratum 1).
* Orders rendered from the sample generator (:func:`render_order`), each line
  with its ``statusDate``; acknowledge, ship and cancel move lines and stamp them
  (:mod:`kit.sandbox.walmart_orders`). :meth:`WalmartSandbox.cancel_order` is a
  cancellation on Walmart's side: the lines become ``Cancelled`` with a new
  ``statusDate``, so the order shows up in a ``lastModifiedStartDate`` query.

See ``docs/channels.md``.
"""

from __future__ import annotations

import base64
import secrets as _secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.orders import recent
from kit.sandbox.walmart_feeds import WalmartFeedRoutes
from kit.sandbox.walmart_orders import OrderRefused, acknowledge, cancel_lines, matches, render_order, ship

__all__ = ["WalmartSandbox", "TOKEN_TTL_S", "parse_date"]

TOKEN_TTL_S = 900  # §9.1
MAX_ITEMS_PAGE = 50
MAX_INVENTORIES_PAGE = 50  # GET /v3/inventories: limit "Cannot be more than 50"
SHIP_NODE = "10000012345"  # the seller's own node (one node: what PUT /v3/inventory without shipNode sets)
MAX_ORDERS_PAGE = 200  # GET /v3/orders: limit "cannot be larger than 200"
ORDERS_HISTORY = timedelta(days=180)  # "only orders created in last 180 days"
CREATED_DEFAULT = timedelta(days=7)  # createdStartDate: "Default is current date - 7 days"
_CURSOR_KEYS = ("hasMoreElements", "soIndex", "poIndex", "partnerId", "sellerId")
_FILTERS = ("status", "createdStartDate", "createdEndDate", "lastModifiedStartDate", "lastModifiedEndDate",
            "purchaseOrderId", "customerOrderId", "sku")  # fmt: skip


def _errors(code: str, info: str, category: str = "DATA", field: str | None = None) -> dict[str, Any]:
    """Walmart's error body: a list of ``GatewayError`` objects."""
    error = {"code": code, "description": info, "info": info, "severity": "ERROR", "category": category}
    if field:
        error["field"] = field
    return {"errors": [{**error, "causes": [], "errorIdentifiers": {}}]}


def parse_date(value: str) -> datetime:
    """``yyyy-MM-dd`` or an ISO 8601 date-time ("UTC or ISO 8601 formats") -> aware datetime."""
    text = value.strip().replace("Z", "+00:00")
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


class WalmartSandbox(WalmartFeedRoutes, SandboxServer):
    """In-memory Walmart seller with orders from the sample generator; item feeds in :mod:`.walmart_feeds`."""

    DEFAULT_ORDERS = 25
    PARTNER_ID = "10000012345"

    def default_credentials(self) -> dict[str, str]:
        return {"client_id": f"sbx-wm-client-{self.seed:04d}", "client_secret": f"sbxWMsecret{self.seed:04d}XYZ"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        from kit.sample import generate_orders

        items: dict[str, dict[str, Any]] = {}
        for n, p in enumerate(catalog):
            items[str(p["sku"])] = {
                "mart": "WALMART_US",
                "sku": str(p["sku"]),
                "wpid": f"WP{700000 + n}",
                "gtin": "0" + str(p.get("ean") or ""),
                "productName": p["title"],
                "price": {"currency": "USD", "amount": float(p.get("price") or 0)},
                "publishedStatus": "PUBLISHED" if p.get("active", True) else "UNPUBLISHED",
                "lifecycleStatus": "ACTIVE",
                "quantity": int(p.get("stock") or 0),
            }
        self.state.data.update(items=items, orders={}, tokens={}, token_calls=0, correlation_ids=[])
        self.seed_feeds()
        if not isinstance(orders, list):
            count = orders if isinstance(orders, int) else self.DEFAULT_ORDERS
            orders = recent(generate_orders(catalog, "walmart", count, seed=self.seed)) if count and catalog else []
        self.seed_orders(orders)

    def render_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A neutral order (:func:`kit.sample.generate_orders`) in Walmart's documented order shape."""
        return render_order(spec, {sku: it["productName"] for sku, it in self.state.data["items"].items()})

    def make_order(self, status: str | None = None) -> dict[str, Any]:
        """One more order from the sample generator, placed now (``status`` overrides its line status)."""
        from kit.sample import generate_orders

        catalog = [{"sku": s, "price": it["price"]["amount"]} for s, it in self.state.data["items"].items()]
        n = len(self.state.data["orders"]) + 1
        spec = recent(generate_orders(catalog, "walmart", n, seed=self.seed)[-1:], newest_ago=timedelta(0))[0]
        spec["order_id"] = str(1_080_000_000_000 + n)
        if status:
            spec["status_raw"] = status
        return self.render_order(spec)

    def add_order(self, order: dict[str, Any]) -> None:
        """Add an order: Walmart's JSON (has ``purchaseOrderId``) or a neutral one (rendered first)."""
        if "purchaseOrderId" not in order:
            order = self.render_order(order)
        with self.state.lock:
            self.state.data["orders"][order["purchaseOrderId"]] = order

    def cancel_order(self, order_id: str) -> None:
        """Walmart cancels every open line (e.g. the customer's request): ``Cancelled``, new ``statusDate``."""
        with self.state.lock:
            cancel_lines(self.state.data["orders"][order_id], None, "CUSTOMER_REQUESTED_SELLER_TO_CANCEL")

    def channel_settings(self) -> dict[str, str]:
        # Feeds are processed in a fraction of a second here (minutes to hours on Walmart): poll accordingly.
        return {"feed_wait_s": "10", "feed_poll_s": "0.05"}

    def links(self) -> list[tuple[str, str | None, str | None]]:
        with self.state.lock:
            self.advance_feeds()
            return [(sku, it["wpid"], None) for sku, it in self.state.data["items"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: it["quantity"] for sku, it in self.state.data["items"].items()}

    # -- auth -----------------------------------------------------------------------------
    @route("POST", "/v3/token")
    def token(self, req: Request) -> Any:
        expected = base64.b64encode(
            f"{self.credentials['client_id']}:{self.credentials['client_secret']}".encode()
        ).decode()
        if req.header("Authorization") != f"Basic {expected}":
            return Reply(
                401, _errors("UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized token or invalid client id", "DATA")
            )
        form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8")).items()}
        if form.get("grant_type") != "client_credentials":
            return Reply(
                400, _errors("INVALID_REQUEST", "grant_type must be client_credentials", "REQUEST", "grant_type")
            )
        token = "eyJ" + _secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.data["tokens"][token] = time.time() + TOKEN_TTL_S
            self.state.data["token_calls"] += 1
        return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL_S}

    def check_auth(self, req: Request) -> Reply | None:
        missing = [h for h in ("WM_SVC.NAME", "WM_QOS.CORRELATION_ID") if not req.header(h)]
        if missing:
            return Reply(400, _errors("INVALID_REQUEST_HEADER", f"{missing[0]} is required", "REQUEST", missing[0]))
        if req.path == "/v3/token":
            return None
        with self.state.lock:
            self.state.data["correlation_ids"].append(req.header("WM_QOS.CORRELATION_ID"))
            if self.faults.expire_tokens:
                for token in self.state.data["tokens"]:
                    self.state.data["tokens"][token] = 0.0
                self.faults.expire_tokens = False
            expiry = self.state.data["tokens"].get(req.header("WM_SEC.ACCESS_TOKEN") or "")
        if expiry is None or expiry < time.time():
            return Reply(401, _errors("UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized token or token expired", "DATA"))
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, _errors(f"HTTP_{status}", message, "SYSTEM" if status >= 500 else "DATA"))

    def rate_limited_reply(self, retry_after: int) -> Reply:
        return Reply(
            429,
            _errors("REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API", "Too Many Requests", "REQUEST"),
            self.retry_after_headers(retry_after),
        )

    # -- items, inventory, price ------------------------------------------------------------------
    @route("GET", "/v3/items")
    def items_list(self, req: Request) -> Any:
        with self.state.lock:
            self.advance_feeds()
        limit = min(self._int(req, "limit", 20), MAX_ITEMS_PAGE)
        cursor = req.q("nextCursor", "*") or "*"
        if cursor != "*" and not cursor.removeprefix("c").isdigit():
            raise BadRequest("nextCursor is not valid")
        offset = 0 if cursor == "*" else int(cursor.removeprefix("c"))
        with self.state.lock:
            rows = [
                {k: v for k, v in self.state.data["items"][s].items() if k != "quantity"}
                for s in sorted(self.state.data["items"])
            ]
        body: dict[str, Any] = {"ItemResponse": rows[offset : offset + limit], "totalItems": len(rows)}
        if offset + limit < len(rows):
            body["nextCursor"] = f"c{offset + limit}"
        return body

    def _int(self, req: Request, name: str, default: int) -> int:
        value = req.q(name)
        if value is None:
            return default
        if not value.isdigit():
            raise BadRequest(f"{name} must be a number")
        return int(value)

    def _item(self, sku: str | None) -> dict[str, Any]:
        if not sku:
            raise BadRequest("the query parameter sku is required")
        item = self.state.data["items"].get(sku)
        if item is None:
            raise BadRequest(f"sku {sku} not found", status=404)
        return item

    @route("GET", "/v3/inventory")
    def inventory_get(self, req: Request) -> Any:
        item = self._item(req.q("sku"))
        return {"sku": item["sku"], "quantity": {"unit": "EACH", "amount": item["quantity"]}}

    @route("GET", "/v3/inventories")
    def inventories(self, req: Request) -> Any:
        """Every item's inventory per ship node (one node here: the seller's), 50 at most per page."""
        limit = self._int(req, "limit", 10)
        if not 0 < limit <= MAX_INVENTORIES_PAGE:
            raise BadRequest(f"limit cannot be more than {MAX_INVENTORIES_PAGE}")
        cursor = req.q("nextCursor") or "i0"
        if not cursor.startswith("i") or not cursor[1:].isdigit():
            raise BadRequest("nextCursor is not valid")
        offset = int(cursor[1:])
        with self.state.lock:
            self.advance_feeds()
            skus = sorted(self.state.data["items"])
            rows = []
            for sku in skus[offset : offset + limit]:
                qty = {"unit": "EACH", "amount": self.state.data["items"][sku]["quantity"]}
                rows.append({"sku": sku, "nodes": [{"shipNode": SHIP_NODE, "inputQty": qty, "availToSellQty": qty,
                                                    "reservedQty": {"unit": "EACH", "amount": 0}}]})  # fmt: skip
        meta: dict[str, Any] = {"totalCount": len(skus)}
        if offset + limit < len(skus):
            meta["nextCursor"] = f"i{offset + limit}"
        return {"meta": meta, "elements": {"inventories": rows}}

    @route("PUT", "/v3/inventory")
    def inventory_put(self, req: Request) -> Any:
        body = req.json() or {}
        quantity = body.get("quantity") or {}
        qty = quantity.get("amount")
        if body.get("sku") != req.q("sku") or quantity.get("unit") != "EACH":
            raise BadRequest("sku in the body must match ?sku= and quantity.unit must be EACH")
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 0:
            raise BadRequest("quantity.amount must be a non-negative whole number (not text)")
        with self.state.lock:
            self._item(req.q("sku"))["quantity"] = qty
        return {"sku": body["sku"], "quantity": {"unit": "EACH", "amount": qty}}

    @route("PUT", "/v3/price")
    def price_put(self, req: Request) -> Any:
        body = req.json() or {}
        if not isinstance(body.get("sku"), str) or not isinstance(body.get("pricing"), list):
            raise BadRequest("sku and pricing are required")
        base = next((p for p in body["pricing"] if p.get("currentPriceType") == "BASE"), None)
        price = (base or {}).get("currentPrice") or {}
        amount = price.get("amount")
        if not isinstance(amount, (int, float)) or isinstance(amount, bool) or amount <= 0:
            raise BadRequest("pricing[BASE].currentPrice.amount must be a positive number")
        if price.get("currency") != "USD":
            raise BadRequest("currentPrice.currency must be USD")
        with self.state.lock:
            self._item(body["sku"])["price"] = {"currency": "USD", "amount": float(amount)}
        return {
            "statusCode": 200,
            "mart": "WALMART_US",
            "sku": body["sku"],
            "message": "Thank you. Your price has been updated.",
        }

    # -- orders ---------------------------------------------------------------------------------------
    def _filters(self, req: Request) -> dict[str, Any]:
        now = datetime.now(UTC)

        def when(name: str, default: datetime | None) -> int | None:
            value = req.q(name)
            try:
                return _ms(parse_date(value)) if value else (_ms(default) if default else None)
            except ValueError:
                raise BadRequest(f"{name} must be a date (yyyy-MM-dd) or an ISO 8601 date-time") from None

        created_from = max(when("createdStartDate", now - CREATED_DEFAULT) or 0, _ms(now - ORDERS_HISTORY))
        return {
            "status": req.q("status"),
            "created_from": created_from,
            "created_to": when("createdEndDate", now) or _ms(now),
            "modified_from": when("lastModifiedStartDate", None),
            "modified_to": when("lastModifiedEndDate", None),
            **{k: req.q(k) for k in ("purchaseOrderId", "customerOrderId", "sku")},
        }

    @route("GET", "/v3/orders")
    def orders_list(self, req: Request) -> Any:
        limit = self._int(req, "limit", 100)
        if not 0 < limit <= MAX_ORDERS_PAGE:
            raise BadRequest(f"limit cannot be larger than {MAX_ORDERS_PAGE}")
        offset = 0
        if req.q("hasMoreElements") is not None:
            if any(req.q(k) is None for k in _CURSOR_KEYS):
                raise BadRequest("nextCursor must be sent as Walmart returned it")
            offset = self._int(req, "poIndex", 0)
        flt = self._filters(req)
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: (o["orderDate"], o["purchaseOrderId"]))
            rows = [o for o in rows if matches(o, flt)]
        chunk = rows[offset : offset + limit]
        meta: dict[str, Any] = {"totalCount": len(rows), "limit": limit}
        if offset + limit < len(rows):
            query = {"limit": limit, "hasMoreElements": "true", "soIndex": len(rows), "poIndex": offset + limit,
                     "partnerId": self.PARTNER_ID, "sellerId": "8"}  # fmt: skip
            query.update({k: req.q(k) for k in _FILTERS if req.q(k)})
            query.setdefault("createdStartDate", datetime.fromtimestamp(flt["created_from"] / 1000, UTC).isoformat())
            meta["nextCursor"] = "?" + urlencode(query)
        return {"list": {"meta": meta, "elements": {"order": chunk}}}

    def _order(self, po: str) -> dict[str, Any]:
        order = self.state.data["orders"].get(po)
        if order is None:
            raise BadRequest(f"purchase order {po} not found", status=404)
        return order

    def _refused(self, exc: OrderRefused) -> Reply:
        field, message = exc.args
        return Reply(400, _errors("INVALID_REQUEST_CONTENT.GMP_ORDER_API", message, "DATA", field))

    @route("GET", "/v3/orders/{po}")
    def order_get(self, req: Request) -> Any:
        return {"order": self._order(req.params["po"])}

    @route("POST", "/v3/orders/{po}/acknowledge")
    def acknowledge(self, req: Request) -> Any:
        with self.state.lock:
            order = self._order(req.params["po"])
            try:
                acknowledge(order)
            except OrderRefused as exc:
                return self._refused(exc)
        return {"order": order}

    @route("POST", "/v3/orders/{po}/shipping")
    def shipping(self, req: Request) -> Any:
        body = req.json() or {}
        lines = (((body.get("orderShipment") or {}).get("orderLines") or {}).get("orderLine")) or []
        with self.state.lock:
            order = self._order(req.params["po"])
            try:
                ship(order, lines)
            except OrderRefused as exc:
                return self._refused(exc)
        return {"order": order}

    @route("POST", "/v3/orders/{po}/cancel")
    def cancel(self, req: Request) -> Any:
        body = req.json() or {}
        lines = (((body.get("orderCancellation") or {}).get("orderLines") or {}).get("orderLine")) or []
        if not lines:
            raise BadRequest("orderCancellation.orderLines.orderLine is required")
        with self.state.lock:
            order = self._order(req.params["po"])
            try:
                cancel_lines(order, lines)
            except OrderRefused as exc:
                return self._refused(exc)
        return {"order": order}


register_sandbox("walmart", WalmartSandbox)
