"""Walmart Marketplace sandbox: client-credentials tokens, items, inventory, price, orders, acknowledge, shipping.

Follows ``../shared/channel-apis.md`` section 9.1: ``POST /v3/token`` with
HTTP Basic and ``grant_type=client_credentials`` (900 s tokens, expirable on
demand with ``faults.expire_tokens``), the ``WM_SEC.ACCESS_TOKEN`` /
``WM_SVC.NAME`` / ``WM_QOS.CORRELATION_ID`` headers (each correlation id is
recorded so tests can check it is new per call), ``nextCursor`` paging (a
query string for orders), and the ``{"errors":[...]}`` error body.
See ``docs/channels.md``.
"""

from __future__ import annotations

import base64
import secrets as _secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.netshoes import parse_date

__all__ = ["WalmartSandbox", "TOKEN_TTL_S"]

TOKEN_TTL_S = 900
MAX_ITEMS_PAGE = 50
MAX_ORDERS_PAGE = 200


def _errors(code: str, message: str, category: str = "DATA", field: str | None = None) -> dict[str, Any]:
    return {"errors": [{"code": code, "message": message, "category": category, "severity": "ERROR", "field": field}]}


class WalmartSandbox(SandboxServer):
    """In-memory Walmart seller; most generated orders are ``Created`` (waiting to be acknowledged)."""

    def default_credentials(self) -> dict[str, str]:
        return {"client_id": f"sbx-wm-client-{self.seed:04d}", "client_secret": f"sbxWMsecret{self.seed:04d}XYZ"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        items: dict[str, dict[str, Any]] = {}
        for n, p in enumerate(catalog):
            items[str(p["sku"])] = {
                "sku": str(p["sku"]),
                "wpid": f"WP{700000 + n}",
                "gtin": "0" + str(p.get("ean") or ""),
                "productName": p["title"],
                "price": {"currency": "USD", "amount": float(p.get("price") or 0)},
                "publishedStatus": "PUBLISHED" if p.get("active", True) else "UNPUBLISHED",
                "quantity": int(p.get("stock") or 0),
            }
        self.state.data.update(items=items, orders={}, tokens={}, token_calls=0, correlation_ids=[])
        self.seed_orders(orders)

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, it["wpid"], None) for sku, it in self.state.data["items"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: it["quantity"] for sku, it in self.state.data["items"].items()}

    def make_order(self, status: str | None = None) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("walmart")
        (carrier, method), _ = rng.choice(values["carrier_service"])
        status = status or ("Created" if rng.random() < 0.8 else rng.choice([s for s, _ in values["order_status"]]))
        n = len(self.state.data["orders"])
        po = str(1800000000000 + n + 1)
        placed = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2, minutes=-9 * n)
        lines = []
        for k, sku in enumerate(rng.sample(sorted(self.state.data["items"]), k=min(2, len(self.state.data["items"])))):
            qty = rng.randint(1, 2)
            amount = self.state.data["items"][sku]["price"]["amount"] * qty
            lines.append(
                {
                    "lineNumber": str(k + 1),
                    "item": {"productName": self.state.data["items"][sku]["productName"], "sku": sku},
                    "charges": {
                        "charge": [{"chargeType": "PRODUCT", "chargeAmount": {"currency": "USD", "amount": amount}}]
                    },
                    "orderLineQuantity": {"unitOfMeasurement": "EACH", "amount": str(qty)},
                    "orderLineStatuses": {
                        "orderLineStatus": [
                            {"status": status, "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(qty)}}
                        ]
                    },
                }
            )
        return {
            "purchaseOrderId": po,
            "customerOrderId": str(5000000 + n),
            "customerEmailId": f"c{n}@relay.walmart.example",
            "orderDate": int(placed.timestamp() * 1000),
            "shippingInfo": {
                "phone": "5555555555",
                "estimatedDeliveryDate": int((placed + timedelta(days=5)).timestamp() * 1000),
                "methodCode": method,
                "carrierName": carrier,  # ❓ not in Walmart's order schema: the sandbox's stand-in for the carrier
                "postalAddress": {
                    "name": f"Customer {n}",
                    "address1": "1 Main St",
                    "city": "Bentonville",
                    "state": "AR",
                    "postalCode": "72712",
                    "country": "USA",
                    "addressType": "RESIDENTIAL",
                },
            },  # fmt: skip
            "orderLines": {"orderLine": lines},
        }

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["purchaseOrderId"]] = order

    @staticmethod
    def order_status(order: dict[str, Any]) -> str:
        return order["orderLines"]["orderLine"][0]["orderLineStatuses"]["orderLineStatus"][0]["status"]

    # -- auth -----------------------------------------------------------------------------
    @route("POST", "/v3/token")
    def token(self, req: Request) -> Any:
        expected = base64.b64encode(
            f"{self.credentials['client_id']}:{self.credentials['client_secret']}".encode()
        ).decode()
        if req.header("Authorization") != f"Basic {expected}":
            return Reply(
                401, _errors("UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized token or invalid client id", "REQUEST")
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
        if req.path == "/v3/token":
            return None
        if not req.header("WM_SVC.NAME") or not req.header("WM_QOS.CORRELATION_ID"):
            return Reply(
                400, _errors("INVALID_REQUEST_HEADER", "WM_SVC.NAME and WM_QOS.CORRELATION_ID are required", "REQUEST")
            )
        with self.state.lock:
            self.state.data["correlation_ids"].append(req.header("WM_QOS.CORRELATION_ID"))
            if self.faults.expire_tokens:
                for token in self.state.data["tokens"]:
                    self.state.data["tokens"][token] = 0.0
                self.faults.expire_tokens = False
            expiry = self.state.data["tokens"].get(req.header("WM_SEC.ACCESS_TOKEN") or "")
        if expiry is None or expiry < time.time():
            return Reply(401, _errors("UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized token or token expired", "REQUEST"))
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, _errors(f"HTTP_{status}", message, "SYSTEM" if status >= 500 else "DATA"))

    def rate_limited_reply(self, retry_after: int) -> Reply:
        return Reply(
            429,
            _errors("REQUEST_THRESHOLD_VIOLATED", "Too Many Requests", "REQUEST"),
            self.retry_after_headers(retry_after),
        )

    # -- items, inventory, price ------------------------------------------------------------------
    @route("GET", "/v3/items")
    def items_list(self, req: Request) -> Any:
        limit = min(int(req.q("limit", "20") or 20), MAX_ITEMS_PAGE)
        cursor = req.q("nextCursor", "*") or "*"
        offset = 0 if cursor == "*" else int(cursor.removeprefix("c"))
        with self.state.lock:
            rows = [
                {k: v for k, v in self.state.data["items"][s].items() if k != "quantity"}
                for s in sorted(self.state.data["items"])
            ]
        chunk = rows[offset : offset + limit]
        more = offset + limit < len(rows)
        return {"ItemResponse": chunk, "totalItems": len(rows), "nextCursor": f"c{offset + limit}" if more else None}

    def _item(self, sku: str | None) -> dict[str, Any]:
        item = self.state.data["items"].get(sku or "")
        if item is None:
            raise BadRequest(f"sku {sku} not found", status=404)
        return item

    @route("GET", "/v3/inventory")
    def inventory_get(self, req: Request) -> Any:
        item = self._item(req.q("sku"))
        return {"sku": item["sku"], "quantity": {"unit": "EACH", "amount": item["quantity"]}}

    @route("PUT", "/v3/inventory")
    def inventory_put(self, req: Request) -> Any:
        body = req.json() or {}
        qty = (body.get("quantity") or {}).get("amount")
        if body.get("sku") != req.q("sku") or (body.get("quantity") or {}).get("unit") != "EACH":
            raise BadRequest("sku in the body must match ?sku= and quantity.unit must be EACH")
        if not isinstance(qty, int) or qty < 0:
            raise BadRequest("quantity.amount must be a non-negative integer")
        with self.state.lock:
            self._item(req.q("sku"))["quantity"] = qty
        return {"sku": body["sku"], "quantity": body["quantity"]}

    @route("PUT", "/v3/price")
    def price_put(self, req: Request) -> Any:
        body = req.json() or {}
        pricing = body.get("pricing") or []
        base = next((p for p in pricing if p.get("currentPriceType") == "BASE"), None)
        amount = ((base or {}).get("currentPrice") or {}).get("amount")
        if not isinstance(amount, (int, float)) or amount <= 0:
            raise BadRequest("pricing[BASE].currentPrice.amount must be a positive number")
        with self.state.lock:
            self._item(body.get("sku"))["price"] = {"currency": "USD", "amount": float(amount)}
        return {
            "ItemPriceResponse": {
                "mart": "WALMART_US",
                "sku": body["sku"],
                "message": "Thank you. Your price has been updated.",
            }
        }

    # -- orders ---------------------------------------------------------------------------------------
    @route("GET", "/v3/orders")
    def orders_list(self, req: Request) -> Any:
        limit = min(int(req.q("limit", "100") or 100), MAX_ORDERS_PAGE)
        offset = int(req.q("offset", "0") or 0)
        status = req.q("status")
        start = req.q("createdStartDate")
        try:
            floor = int(parse_date(start).timestamp() * 1000) if start else 0
        except ValueError:
            raise BadRequest("createdStartDate must be an ISO date-time") from None
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: (o["orderDate"], o["purchaseOrderId"]))
            rows = [o for o in rows if o["orderDate"] >= floor and (not status or self.order_status(o) == status)]
        chunk = rows[offset : offset + limit]
        more = offset + limit < len(rows)
        query = {"limit": limit, "hasMoreElements": "true", "offset": offset + limit, "createdStartDate": start or ""}
        if status:
            query["status"] = status
        return {
            "list": {
                "meta": {
                    "totalCount": len(rows),
                    "limit": limit,
                    "nextCursor": "?" + urlencode(query) if more else None,
                },
                "elements": {"order": chunk},
            }
        }

    def _order(self, po: str) -> dict[str, Any]:
        order = self.state.data["orders"].get(po)
        if order is None:
            raise BadRequest(f"purchase order {po} not found", status=404)
        return order

    @route("GET", "/v3/orders/{po}")
    def order_get(self, req: Request) -> Any:
        return {"order": self._order(req.params["po"])}

    def _set_status(self, order: dict[str, Any], status: str, tracking: dict[str, Any] | None = None) -> None:
        for line in order["orderLines"]["orderLine"]:
            entry = line["orderLineStatuses"]["orderLineStatus"][0]
            entry["status"] = status
            if tracking is not None:
                entry["trackingInfo"] = tracking

    @route("POST", "/v3/orders/{po}/acknowledge")
    def acknowledge(self, req: Request) -> Any:
        with self.state.lock:
            order = self._order(req.params["po"])
            if self.order_status(order) in ("Created", "Acknowledged"):
                self._set_status(order, "Acknowledged")
        return {"order": order}

    @route("POST", "/v3/orders/{po}/shipping")
    def shipping(self, req: Request) -> Any:
        body = req.json() or {}
        lines = (((body.get("orderShipment") or {}).get("orderLines") or {}).get("orderLine")) or []
        if not lines:
            raise BadRequest("orderShipment.orderLines.orderLine is required")
        with self.state.lock:
            order = self._order(req.params["po"])
            known = {line["lineNumber"] for line in order["orderLines"]["orderLine"]}
            for line in lines:
                status = (line.get("orderLineStatuses") or {}).get("orderLineStatus") or [{}]
                tracking = status[0].get("trackingInfo") or {}
                if line.get("lineNumber") not in known or not tracking.get("trackingNumber"):
                    raise BadRequest("each line needs a known lineNumber and trackingInfo.trackingNumber")
                if not (tracking.get("carrierName") or {}).get("carrier"):
                    raise BadRequest("trackingInfo.carrierName.carrier is required")
            self._set_status(order, "Shipped", lines[0]["orderLineStatuses"]["orderLineStatus"][0]["trackingInfo"])
        return {"order": order}


register_sandbox("walmart", WalmartSandbox)
