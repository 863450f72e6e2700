"""Via / Casas Bahia (ex-Cnova) sandbox: sellerItems, stock and prices, orders by status, trackings.

Follows ``../shared/channel-apis.md`` section 7: ``client_id`` +
``access_token`` headers, ``_offset``/``_limit`` paging where pages are capped
at ``page_cap`` (50 on Via) *silently*, totals in ``metadata``
(``totalRows``), one item entry per unit in orders, and
``POST /orders/{id}/trackings/sent`` carrying invoice and tracking. Shapes
marked 🟡/❓ there are the sandbox's best reading. See ``docs/channels.md``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from kit.connectors.cnova import ORDER_STATUS_DATES
from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.netshoes import parse_date

__all__ = ["CnovaSandbox", "STATUS_DATE"]

#: status -> the date field its endpoint filters on
STATUS_DATE = ORDER_STATUS_DATES  # one declaration of the API fact (§7), shared with the connector


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class CnovaSandbox(SandboxServer):
    """In-memory Via seller on site ``CB``.

    Args:
        page_cap: the largest page served whatever ``_limit`` asks (Via: 50).
    """

    def __init__(self, *, page_cap: int = 50, **kw: Any) -> None:
        self.page_cap = page_cap
        super().__init__(**kw)

    def default_credentials(self) -> dict[str, str]:
        return {"client_id": f"sbx-via-{self.seed:04d}", "access_token": f"sbxVIAaccess{self.seed:04d}tokenQW"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        items: dict[str, dict[str, Any]] = {}
        for n, p in enumerate(catalog):
            price = float(p.get("price") or 0)
            items[str(p["sku"])] = {
                "skuSellerId": str(p["sku"]),
                "skuId": 9000000 + n,
                "title": p["title"],
                "brand": p.get("brand"),
                "eans": [str(p.get("ean") or "")],
                "status": "selling" if p.get("active", True) else "unavailable",
                "prices": [{"site": "CB", "default": round(price * 1.15, 2), "offer": price}],
                "stocks": [{"warehouse": 1, "quantity": int(p.get("stock") or 0), "crossDockingTime": 0}],
            }
        self.state.data.update(items=items, orders={}, trackings=[])
        self.seed_orders(orders)

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, str(it["skuId"]), None) for sku, it in self.state.data["items"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: sum(s["quantity"] for s in it["stocks"]) for sku, it in self.state.data["items"].items()}

    def make_order(self) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("cnova")
        (carrier, freight_type), _ = rng.choice(values["carrier_service"])
        status, _ = rng.choice(values["order_status"])
        n = len(self.state.data["orders"])
        order_id = str(880000000 + n + 1)
        purchased = datetime.now(UTC).replace(microsecond=0) - timedelta(days=4, minutes=-17 * n)
        changed = purchased + timedelta(hours=1)
        chosen = rng.sample(sorted(self.state.data["items"]), k=min(2, len(self.state.data["items"])))
        lines = []
        for sku in chosen:
            price = self.state.data["items"][sku]["prices"][0]["offer"]
            for _ in range(rng.randint(1, 2)):  # one entry per unit
                lines.append(
                    {"id": f"{order_id}-{len(lines) + 1}", "skuSellerId": sku, "name": sku, "salePrice": price}
                )
        dates = {field: None for field in set(STATUS_DATE.values())}
        dates["purchasedAt"] = _iso(purchased)
        if status != "new":
            dates[STATUS_DATE[status]] = _iso(changed)
        return {
            "id": order_id,
            "orderSiteId": f"CB-{order_id}",
            "site": "CB",
            "paymentType": 1,
            "status": status,
            **dates,
            "updatedAt": _iso(changed if status != "new" else purchased),
            "totalAmount": round(sum(i["salePrice"] for i in lines) + 12.0, 2),
            "totalDiscountAmount": 0.0,
            "customer": {"name": f"Cliente {order_id}", "documentNumber": "12345678909"},
            "freight": {
                "actualAmount": 12.0,
                "chargedAmount": 12.0,
                "transitTime": 5,
                "type": freight_type,
                "carrier": carrier,
            },
            "items": lines,
            "shipping": {
                "address": "Rua Sandbox",
                "number": "1",
                "city": "Rio de Janeiro",
                "state": "RJ",
                "zipCode": "20040002",
            },
            "trackings": [],
        }

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["id"]] = order

    # -- behaviour -------------------------------------------------------------------
    def check_auth(self, req: Request) -> Reply | None:
        cid, token = req.header("client_id"), req.header("access_token")
        if (cid, token) != (self.credentials["client_id"], self.credentials["access_token"]):
            return Reply(
                401, {"errors": [{"code": "401", "message": "Unauthorized: invalid client_id or access_token"}]}
            )
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"errors": [{"code": str(status), "message": message}], "message": message})

    def _window(self, req: Request) -> tuple[int, int]:
        try:
            offset = int(req.q("_offset", "0") or 0)
            limit = int(req.q("_limit", "50") or 50)
        except ValueError:
            raise BadRequest("_offset and _limit must be numbers") from None
        if offset < 0 or limit < 1:
            raise BadRequest("_offset must be >= 0 and _limit >= 1")
        return offset, min(limit, self.page_cap)  # capped silently, as Via does

    @staticmethod
    def _meta(total: int, offset: int, limit: int) -> list[dict[str, str]]:
        return [
            {"key": "totalRows", "value": str(total)},
            {"key": "offset", "value": str(offset)},
            {"key": "limit", "value": str(limit)},
        ]

    @route("GET", "/sellerItems")
    def seller_items(self, req: Request) -> Any:
        offset, limit = self._window(req)
        with self.state.lock:
            rows = [self.state.data["items"][k] for k in sorted(self.state.data["items"])]
        return {"sellerItems": rows[offset : offset + limit], "metadata": self._meta(len(rows), offset, limit)}

    def _item(self, req: Request) -> dict[str, Any]:
        item = self.state.data["items"].get(unquote(req.params["sku"]))
        if item is None:
            raise BadRequest(f"sellerItem {unquote(req.params['sku'])} not found", status=404)
        return item

    @route("GET", "/sellerItems/{sku}")
    def seller_item(self, req: Request) -> Any:
        return self._item(req)

    @route("PUT", "/sellerItems/{sku}/stock")
    def stock_put(self, req: Request) -> Any:
        body = req.json() or {}
        qty = body.get("quantity")
        if not isinstance(qty, int) or qty < 0:
            raise BadRequest("quantity must be a non-negative integer")
        with self.state.lock:
            item = self._item(req)
            item["stocks"] = [
                {
                    "warehouse": body.get("warehouse", 1),
                    "quantity": qty,
                    "crossDockingTime": body.get("crossDockingTime", 0),
                }
            ]
        return Reply(204)

    @route("PUT", "/sellerItems/{sku}/prices")
    def prices_put(self, req: Request) -> Any:
        body = req.json() or {}
        default, offer = body.get("default"), body.get("offer")
        if not all(isinstance(v, (int, float)) and v > 0 for v in (default, offer)):
            raise BadRequest("default and offer must be positive numbers")
        if offer > default:
            raise BadRequest("offer must not be greater than default")
        with self.state.lock:
            item = self._item(req)
            item["prices"] = [{"site": body.get("site") or "CB", "default": float(default), "offer": float(offer)}]
        return Reply(204)

    @route("GET", "/orders/status/{status}")
    def orders_by_status(self, req: Request) -> Any:
        status = req.params["status"]
        if status not in STATUS_DATE:
            return self.error_reply(404, f"unknown status {status}")
        field = STATUS_DATE[status]
        offset, limit = self._window(req)
        window = req.q(field)
        start = end = None
        if window:
            try:
                first, _, last = window.partition(",")
                start = parse_date(first) if first else None
                end = parse_date(last) if last else None
            except ValueError:
                raise BadRequest(f"{field} must be 'start,end' ISO date-times") from None
        with self.state.lock:
            rows = [o for o in self.state.data["orders"].values() if o["status"] == status]
        if start or end:
            rows = [
                o
                for o in rows
                if o.get(field)
                and (start is None or parse_date(o[field]) >= start)
                and (end is None or parse_date(o[field]) <= end)
            ]
        rows.sort(key=lambda o: (o[field] or "", o["id"]))
        return {"orders": rows[offset : offset + limit], "metadata": self._meta(len(rows), offset, limit)}

    @route("GET", "/orders/{orderId}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        return order if order is not None else self.error_reply(404, "Order not found")

    @route("POST", "/orders/{orderId}/trackings/sent")
    def trackings_sent(self, req: Request) -> Any:
        body = req.json() or {}
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise BadRequest("items (the order item ids) are required")
        invoice = body.get("invoice") or {}
        if not body.get("number") and not invoice:
            raise BadRequest("a tracking number or an invoice is required")
        if invoice.get("accessKey") is not None and len(str(invoice["accessKey"])) != 44:
            raise BadRequest("invoice.accessKey must have 44 digits")
        with self.state.lock:
            order = self.state.data["orders"].get(req.params["orderId"])
            if order is None:
                return self.error_reply(404, "Order not found")
            known = {i["id"] for i in order["items"]}
            if not set(map(str, items)) <= known:
                raise BadRequest("items do not belong to the order")
            order["trackings"].append(body)
            order["status"] = "sent"
            order["sentAt"] = order["updatedAt"] = _iso(datetime.now(UTC))
            self.state.data["trackings"].append((order["id"], body))
        return Reply(201, {"message": "tracking registered"})


register_sandbox("cnova", CnovaSandbox)
