"""Netshoes / Zattini sandbox: products and SKUs, stocks, prices, orders with shippings, shipping status.

Follows ``../shared/channel-apis.md`` section 6: ``client_id`` + ``access_token``
headers, 0-based ``page``/``size``, ``expand=items,shippings``, orders by
``orderStartDate``/``orderEndDate``/``orderStatus``, status updates per
shipping, and the plan limit (calls per minute; 429 past it). Body shapes
marked 🟡 there are the sandbox's best reading. See ``docs/channels.md``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route

__all__ = ["NetshoesSandbox", "parse_date"]

MAX_PAGE_SIZE = 50
SHIPPING_FLOW = ("Created", "Approved", "Invoiced", "Shipped", "Delivered")


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_date(value: str) -> datetime:
    """An ISO date-time (``Z`` or offset; a bare date is midnight UTC)."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class NetshoesSandbox(SandboxServer):
    """In-memory Netshoes seller; one product per catalogue SKU (business unit NS)."""

    def default_credentials(self) -> dict[str, str]:
        return {"client_id": f"sbx-netshoes-{self.seed:04d}", "access_token": f"sbxNSaccess{self.seed:04d}tokenXYZ"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        products: dict[str, dict[str, Any]] = {}
        skus: dict[str, dict[str, Any]] = {}
        for n, p in enumerate(catalog):
            product_id = f"NS{100000 + n}"
            sku = {
                "sku": str(p["sku"]),
                "ean": str(p.get("ean") or ""),
                "name": p["title"],
                "status": "active" if p.get("active", True) else "inactive",
                "productId": product_id,
                "available": int(p.get("stock") or 0),
                "price": float(p.get("price") or 0),
            }
            skus[sku["sku"]] = sku
            products[product_id] = {"productId": product_id, "name": p["title"], "brand": p.get("brand"), "skus": [sku]}
        self.state.data.update(products=products, skus=skus, orders={}, status_updates=[])
        self.seed_orders(orders)

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, s["productId"], None) for sku, s in self.state.data["skus"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: s["available"] for sku, s in self.state.data["skus"].items()}

    def make_order(self) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("netshoes")
        (carrier, service), _ = rng.choice(values["carrier_service"])
        status, _ = rng.choice(values["order_status"])
        n = len(self.state.data["orders"])
        number = str(50000000 + n + 1)
        placed = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5, minutes=-13 * n)
        chosen = rng.sample(sorted(self.state.data["skus"]), k=min(2, len(self.state.data["skus"])))
        items = []
        for k, sku in enumerate(chosen):
            s = self.state.data["skus"][sku]
            items.append(
                {
                    "itemId": f"{number}-{k + 1}",
                    "sku": sku,
                    "ean": s["ean"],
                    "name": s["name"],
                    "brand": "",
                    "quantity": rng.randint(1, 2),
                    "grossUnitValue": s["price"],
                    "discountUnitValue": 0.0,
                    "netUnitValue": s["price"],
                    "status": status,
                }  # fmt: skip
            )
        total = round(sum(i["netUnitValue"] * i["quantity"] for i in items), 2)
        return {
            "orderNumber": number,
            "originNumber": f"NS-{number}",
            "originSite": "NS",
            "businessUnit": "NS",
            "orderDate": _iso(placed),
            "paymentDate": _iso(placed + timedelta(minutes=30)),
            "orderStatus": status,
            "orderType": "Sale",
            "totalGross": total,
            "totalDiscount": 0.0,
            "totalFreight": 15.0,
            "totalNet": total,
            "shippings": [
                {
                    "shippingCode": 1,
                    "status": status,
                    "freightAmount": 15.0,
                    "country": "BR",
                    "customer": {
                        "customerName": f"Cliente {number}",
                        "document": "12345678909",
                        "address": {
                            "street": "Rua Sandbox",
                            "number": "10",
                            "city": "São Paulo",
                            "state": "SP",
                            "postalCode": "01310100",
                            "neighborhood": "Bela Vista",
                        },
                    },  # fmt: skip
                    "items": items,
                    "invoice": None,
                    "transport": {"carrier": carrier, "deliveryService": service, "trackingNumber": None},
                }
            ],
        }

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["orderNumber"]] = order

    # -- behaviour ---------------------------------------------------------------------
    def check_auth(self, req: Request) -> Reply | None:
        cid, token = req.header("client_id"), req.header("access_token")
        if not cid or not token:
            return Reply(401, {"code": "401", "message": "client_id and access_token headers are required"})
        if cid != self.credentials["client_id"] or token != self.credentials["access_token"]:
            return Reply(401, {"code": "401", "message": "Could not find a required APP in the request"})
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"code": str(status), "message": message})

    def rate_limited_reply(self, retry_after: int) -> Reply:
        return Reply(
            429,
            {"code": "429", "message": "Too Many Requests: plan limit reached"},
            self.retry_after_headers(retry_after),
        )

    @staticmethod
    def _page(req: Request) -> tuple[int, int]:
        try:
            page = int(req.q("page", "0") or 0)
            size = min(int(req.q("size", "20") or 20), MAX_PAGE_SIZE)
        except ValueError:
            raise BadRequest("page and size must be numbers") from None
        if page < 0 or size < 1:
            raise BadRequest("page must be >= 0 and size >= 1")
        return page, size

    @route("GET", "/products")
    def products_list(self, req: Request) -> Any:
        page, size = self._page(req)
        with self.state.lock:
            rows = [
                dict(p, skus=[{k: v for k, v in s.items() if k not in ("available", "price")} for s in p["skus"]])
                for p in sorted(self.state.data["products"].values(), key=lambda p: p["productId"])
            ]
        return {"items": rows[page * size : (page + 1) * size], "page": page, "size": size, "total": len(rows)}

    def _sku(self, req: Request) -> dict[str, Any]:
        sku = self.state.data["skus"].get(unquote(req.params["sku"]))
        if sku is None:
            raise BadRequest("SKU not found", status=404)
        return sku

    @route("GET", "/skus/{sku}/stocks")
    def stock_get(self, req: Request) -> Any:
        sku = self._sku(req)
        return {"sku": sku["sku"], "country": "BR", "available": sku["available"]}

    @route("PUT", "/skus/{sku}/stocks")
    def stock_put(self, req: Request) -> Any:
        body = req.json() or {}
        available = body.get("available")
        if body.get("country") != "BR" or not isinstance(available, int) or available < 0:
            raise BadRequest('body must be {"country":"BR","available":<non-negative integer>}')
        with self.state.lock:
            self._sku(req)["available"] = available
        return Reply(204)

    @route("GET", "/skus/{sku}/prices")
    def price_get(self, req: Request) -> Any:
        sku = self._sku(req)
        return {"sku": sku["sku"], "price": sku["price"]}

    @route("PUT", "/skus/{sku}/prices")
    def price_put(self, req: Request) -> Any:
        body = req.json() or {}
        price = body.get("price")
        if not isinstance(price, (int, float)) or price <= 0:
            raise BadRequest("price must be a positive number")
        with self.state.lock:
            self._sku(req)["price"] = float(price)
        return Reply(204)

    @route("GET", "/orders")
    def orders_list(self, req: Request) -> Any:
        page, size = self._page(req)
        try:
            start = parse_date(req.q("orderStartDate")) if req.q("orderStartDate") else None
            end = parse_date(req.q("orderEndDate")) if req.q("orderEndDate") else None
        except ValueError:
            raise BadRequest("orderStartDate/orderEndDate must be ISO date-times") from None
        status = req.q("orderStatus")
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: (o["orderDate"], o["orderNumber"]))
        rows = [
            o
            for o in rows
            if (start is None or parse_date(o["orderDate"]) >= start)
            and (end is None or parse_date(o["orderDate"]) <= end)
            and (not status or o["orderStatus"] == status)
        ]
        expand = set((req.q("expand") or "").split(","))
        out = [o if "shippings" in expand else {k: v for k, v in o.items() if k != "shippings"} for o in rows]
        return {"items": out[page * size : (page + 1) * size], "page": page, "size": size, "total": len(out)}

    @route("GET", "/orders/{orderNumber}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderNumber"])
        return order if order is not None else self.error_reply(404, "Order not found")

    @route("PUT", "/orders/{orderNumber}/shippings/{shippingCode}/status")
    def shipping_status(self, req: Request) -> Any:
        body = req.json() or {}
        status = body.get("status")
        if status not in SHIPPING_FLOW[2:] + ("Canceled",):
            raise BadRequest("status must be Invoiced, Shipped, Delivered or Canceled")
        if status == "Invoiced" and len(str((body.get("invoice") or {}).get("accessKey") or "")) != 44:
            raise BadRequest("invoice.accessKey (44 digits) is required for Invoiced")
        if status == "Shipped" and not body.get("trackingNumber"):
            raise BadRequest("trackingNumber is required for Shipped")
        with self.state.lock:
            order = self.state.data["orders"].get(req.params["orderNumber"])
            if order is None:
                return self.error_reply(404, "Order not found")
            shipping = next(
                (s for s in order["shippings"] if str(s["shippingCode"]) == req.params["shippingCode"]), None
            )
            if shipping is None:
                return self.error_reply(404, "Shipping not found")
            shipping["status"] = order["orderStatus"] = status
            if status == "Invoiced":
                shipping["invoice"] = body["invoice"]
            if status == "Shipped":
                shipping["transport"].update(
                    trackingNumber=body["trackingNumber"],
                    trackingLink=body.get("trackingLink"),
                    carrier=body.get("carrier"),
                )
            self.state.data["status_updates"].append((order["orderNumber"], status))
        return Reply(204)


register_sandbox("netshoes", NetshoesSandbox)
