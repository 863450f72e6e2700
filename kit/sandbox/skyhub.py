"""SkyHub (B2W / Americanas) sandbox: products and variations, the orders queue, invoice and shipments.

Faithful to ``../shared/channel-apis.md`` section 4: three auth headers (401
without ``X-Accountmanager-Key``), 415 for bodies that are not UTF-8, 400 for
a PUT/POST without a body, page size capped at 100 and 400 past 10,000
records, one token bucket per endpoint + method (writes 9/s, orders GET 1/s;
429 *without* ``Retry-After``, as documented), and the queue: ``GET
/queues/orders`` hands out one order and hides it for ``queue_visibility_s``
(5 minutes on SkyHub); an order not deleted by then is delivered again.
See ``docs/channels.md``.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.limits import SandboxBucket

__all__ = ["SkyhubSandbox", "SITES", "STATUS_TYPES"]

SITES = ("Lojas Americanas", "Submarino", "Shoptime")
#: §4.3: status.code -> status.type
STATUS_TYPES = {
    "book_product": "NEW",
    "payment_received": "APPROVED",
    "order_invoiced": "INVOICED",
    "order_shipped": "SHIPPED",
    "complete": "DELIVERED",
    "order_canceled": "CANCELED",
    "shipment_exception": "SHIPMENT_EXCEPTION",
    "payment_overdue": "OVERDUE",
}
#: §4.4 published rates per endpoint + method (requests/s); anything else 1/s.
RATES = {
    "products:GET": 9,
    "products:PUT": 9,
    "variations:PUT": 9,
    "orders:GET": 1,
    "order:GET": 1,
    "orders:POST": 9,
    "queues:GET": 9,
    "queues:DELETE": 9,
}


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S-00:00")


class SkyhubSandbox(SandboxServer):
    """In-memory SkyHub store; every sixth catalogue SKU pair becomes variations of one product.

    Args:
        queue_visibility_s: how long an order taken from the queue stays hidden
            before it is delivered again (SkyHub: 5 minutes).
        variation_share: set to 0 to serve simple products only.
    """

    def __init__(self, *, queue_visibility_s: float = 300.0, variation_share: bool = True, **kw: Any) -> None:
        self.queue_visibility_s = queue_visibility_s
        self.variation_share = variation_share
        self._explicit_rate = kw.get("rate_limit") is not None
        self._buckets: dict[str, SandboxBucket] = {}
        self._buckets_lock = threading.Lock()
        super().__init__(**kw)

    def default_credentials(self) -> dict[str, str]:
        return {
            "user_email": "loja@sandbox.example.com",
            "api_key": f"sbx-skyhub-{self.seed:04d}-AbCdEf0123456789",
            "account_manager_key": "kit-accountmanager-0001",
        }

    # -- data --------------------------------------------------------------------
    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        products: dict[str, dict[str, Any]] = {}
        variation_of: dict[str, str] = {}
        rows = list(catalog)
        i = 0
        while i < len(rows):
            p = rows[i]
            price = float(p.get("price") or 0)
            if self.variation_share and i % 6 == 4 and i + 1 < len(rows):
                parent = f"PAI-{p['sku']}"
                variations = []
                for v in rows[i : i + 2]:
                    variations.append(
                        {
                            "sku": str(v["sku"]),
                            "qty": int(v.get("stock") or 0),
                            "ean": str(v.get("ean") or ""),
                            "price": round(float(v.get("price") or 0) * 1.1, 2),
                            "promotional_price": float(v.get("price") or 0),
                            "specifications": [{"key": "Tamanho", "value": "U"}],
                        }
                    )
                    variation_of[str(v["sku"])] = parent
                products[parent] = self._product(p, parent, variations)
                i += 2
                continue
            products[str(p["sku"])] = self._product(p, str(p["sku"]), [])
            products[str(p["sku"])].update(qty=int(p.get("stock") or 0), promotional_price=price)
            i += 1
        self.state.data.update(products=products, variation_of=variation_of, orders={}, queue={}, invoices={})
        self.state.data["shipments"] = {}
        self.seed_orders(orders)

    @staticmethod
    def _product(p: dict[str, Any], sku: str, variations: list[dict[str, Any]]) -> dict[str, Any]:
        price = float(p.get("price") or 0)
        return {
            "sku": sku,
            "name": p["title"],
            "description": p["title"],
            "status": "enabled" if p.get("active", True) else "disabled",
            "qty": 0,
            "price": round(price * 1.1, 2),
            "promotional_price": None,
            "weight": p.get("weight_kg"),
            "height": p.get("height_cm"),
            "width": p.get("width_cm"),
            "length": p.get("length_cm"),
            "brand": p.get("brand"),
            "ean": str(p.get("ean") or ""),
            "nbm": str(p.get("ncm") or ""),
            "categories": [{"code": "1", "name": p.get("category")}],
            "images": [],
            "specifications": [],
            "variations": variations,
            "variation_attributes": ["Tamanho"] if variations else [],
        }

    def sellable(self) -> list[tuple[str, float]]:
        """(sku, price) of every SKU an order can carry."""
        out = []
        for p in self.state.data["products"].values():
            for v in p["variations"] or [p]:
                out.append((v["sku"], float(v.get("promotional_price") or v.get("price") or 0)))
        return out

    def make_order(self, status: str | None = None) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("skyhub")
        (carrier, method), _ = rng.choice(values["carrier_service"])
        payment, _ = rng.choice(values["payment_method"])
        status = status or rng.choice(["book_product", "payment_received", "order_canceled"])
        site = rng.choice(SITES)
        number = 1000000000000 + len(self.state.data["orders"]) + 1
        placed = datetime.now(UTC).replace(microsecond=0) - timedelta(
            days=3, minutes=-11 * len(self.state.data["orders"])
        )
        chosen = rng.sample(self.sellable(), k=min(2, len(self.sellable())))
        items = [
            {
                "id": sku,
                "product_id": sku,
                "name": sku,
                "qty": rng.randint(1, 3),
                "original_price": price,
                "special_price": price,
            }
            for sku, price in chosen
        ]
        total = round(sum(i["special_price"] * i["qty"] for i in items) + 19.9, 2)
        return {
            "code": f"{site}-{number}",
            "channel": site,
            "placed_at": _iso(placed),
            "updated_at": _iso(placed + timedelta(minutes=3)),
            "total_ordered": total,
            "interest": 0,
            "shipping_cost": 19.9,
            "shipping_method": method,
            "shipping_carrier": carrier,
            "calculation_type": "b2wentregadirect" if carrier == "B2W Entrega" else "seller",
            "estimated_delivery": _iso(placed + timedelta(days=7)),
            "shipping_address": {
                "street": "Rua Sandbox",
                "number": "100",
                "detail": "",
                "neighborhood": "Centro",
                "city": "Rio de Janeiro",
                "region": "RJ",
                "country": "BR",
                "postcode": "20040002",
            },  # fmt: skip
            "customer": {"name": f"Cliente {number}", "email": f"c{number}@example.com", "vat_number": "12345678909"},
            "items": items,
            "payments": [{"method": payment, "description": payment, "value": total, "installments": 1}],
            "status": {"code": status, "label": status, "type": STATUS_TYPES[status]},
            "sync_status": "NOT_SYNCED",
            "invoices": [],
            "shipments": [],
        }

    def add_order(self, order: dict[str, Any], *, queued: bool = True) -> None:
        with self.state.lock:
            self.state.data["orders"][order["code"]] = order
            if queued:
                self.state.data["queue"][order["code"]] = 0.0  # visible from now

    def links(self) -> list[tuple[str, str | None, str | None]]:
        out: list[tuple[str, str | None, str | None]] = []
        for p in self.state.data["products"].values():
            if not p["variations"]:
                out.append((p["sku"], p["sku"], None))
            out += [(v["sku"], p["sku"], v["sku"]) for v in p["variations"]]
        return out

    def stock_levels(self) -> dict[str, float]:
        levels: dict[str, float] = {}
        for p in self.state.data["products"].values():
            for v in p["variations"] or [p]:
                levels[v["sku"]] = v["qty"]
        return levels

    def expire_visibility(self) -> None:
        """Let the visibility timeout of every delivered, undeleted order pass now (crash tests)."""
        with self.state.lock:
            for code in self.state.data["queue"]:
                self.state.data["queue"][code] = 0.0

    def queued(self) -> list[str]:
        """Codes still in the queue (delivered or not)."""
        with self.state.lock:
            return list(self.state.data["queue"])

    # -- channel behaviour ---------------------------------------------------------
    def _bucket_key(self, req: Request) -> str:
        parts = [p for p in req.path.split("/") if p]
        resource = parts[0] if parts else ""
        if resource == "orders" and req.method == "GET" and len(parts) > 1:
            return "order:GET"
        return f"{resource}:{req.method}"

    def rate_bucket(self, req: Request) -> SandboxBucket:
        key = self._bucket_key(req)
        with self._buckets_lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if self._explicit_rate:
                    rate = self.rate
                else:
                    per = float(RATES.get(key, 1))
                    rate = (per, per)
                bucket = self._buckets[key] = SandboxBucket(*rate)
            return bucket

    def set_rate_limit(self, per_second: float, burst: float | None = None) -> None:
        super().set_rate_limit(per_second, burst)
        with self._buckets_lock:
            self._explicit_rate = True
            for bucket in self._buckets.values():
                bucket.configure(*self.rate)

    def rate_limited_reply(self, retry_after: int) -> Reply:
        # §4.4: 429, wait for the next window; no Retry-After is documented.
        return Reply(429, {"error": "Too Many Requests: request limit reached for this endpoint"})

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"error": message})

    def check_auth(self, req: Request) -> Reply | None:
        email, key, manager = req.header("X-User-Email"), req.header("X-Api-Key"), req.header("X-Accountmanager-Key")
        if not manager:
            return Reply(401, {"error": "X-Accountmanager-Key header is required"})
        if (email, key, manager) != (
            self.credentials["user_email"],
            self.credentials["api_key"],
            self.credentials["account_manager_key"],
        ):
            return Reply(401, {"error": "Unauthorized: invalid credentials"})
        if req.method in ("POST", "PUT", "PATCH"):
            if not req.body:
                return Reply(400, {"error": "POST/PUT/PATCH requests must carry a body"})
            try:
                req.body.decode("utf-8")
            except UnicodeDecodeError:
                return Reply(415, {"error": "Unsupported Media Type: the body must be UTF-8"})
        if " " in req.path:
            return Reply(400, {"error": "invalid URL (not encoded)"})
        return None

    # products ----------------------------------------------------------------------
    @route("GET", "/products")
    def products_list(self, req: Request) -> Any:
        page = int(req.q("page", "1") or 1)
        per_page = min(int(req.q("per_page", "100") or 100), 100)
        if page * per_page > 10_000:
            raise BadRequest("deep paging is not allowed past 10000 records; use filters")
        with self.state.lock:
            rows = sorted(self.state.data["products"].values(), key=lambda p: p["sku"])
            chunk = [
                dict(p, variations=[dict(v) for v in p["variations"]])
                for p in rows[(page - 1) * per_page : page * per_page]
            ]
        return {"products": chunk, "total": len(rows)}

    @route("GET", "/products/{sku}")
    def product_get(self, req: Request) -> Any:
        product = self.state.data["products"].get(unquote(req.params["sku"]))
        return product if product is not None else self.error_reply(404, "Product not found")

    @route("PUT", "/products/{sku}")
    def product_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("product"), dict):
            raise BadRequest('body must be {"product": {...}}')
        with self.state.lock:
            product = self.state.data["products"].get(unquote(req.params["sku"]))
            if product is None:
                return self.error_reply(404, "Product not found")
            self._apply(product, body["product"])
        return Reply(204)

    @route("PUT", "/variations/{sku}")
    def variation_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("variation"), dict):
            raise BadRequest('body must be {"variation": {...}}')
        sku = unquote(req.params["sku"])
        with self.state.lock:
            parent = self.state.data["variation_of"].get(sku)
            if parent is None:
                return self.error_reply(404, "Variation not found")
            variation = next(v for v in self.state.data["products"][parent]["variations"] if v["sku"] == sku)
            self._apply(variation, body["variation"])
        return Reply(204)

    @staticmethod
    def _apply(target: dict[str, Any], fields: dict[str, Any]) -> None:
        for key in ("qty", "price", "promotional_price"):
            if key in fields:
                value = fields[key]
                if not isinstance(value, (int, float)) or value < 0:
                    raise BadRequest(f"{key} must be a non-negative number")
                target[key] = int(value) if key == "qty" else float(value)
        price, promo = target.get("price"), target.get("promotional_price")
        if price is not None and promo is not None and promo > price:
            raise BadRequest("promotional_price must not be greater than price")

    # orders --------------------------------------------------------------------------
    @route("GET", "/queues/orders")
    def queue_next(self, req: Request) -> Any:
        now = time.monotonic()
        with self.state.lock:
            for code, visible_at in self.state.data["queue"].items():
                if visible_at <= now:
                    self.state.data["queue"][code] = now + self.queue_visibility_s
                    return self.state.data["orders"][code]
        return Reply(204)

    @route("DELETE", "/queues/orders/{code}")
    def queue_delete(self, req: Request) -> Any:
        code = unquote(req.params["code"])
        with self.state.lock:
            if self.state.data["queue"].pop(code, None) is None:
                return self.error_reply(404, "Order not found in the queue")
        return Reply(204)

    @route("GET", "/orders")
    def orders_list(self, req: Request) -> Any:
        page = int(req.q("page", "1") or 1)
        per_page = min(int(req.q("per_page", "100") or 100), 100)
        wanted = set(req.query.get("filters[statuses][]", []))
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: o["placed_at"])
        if wanted:
            rows = [o for o in rows if o["status"]["code"] in wanted]
        return {"orders": rows[(page - 1) * per_page : page * per_page], "total": len(rows)}

    @route("GET", "/orders/{code}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(unquote(req.params["code"]))
        return order if order is not None else self.error_reply(404, "Order not found")

    @route("POST", "/orders/{code}/invoice")
    def order_invoice(self, req: Request) -> Any:
        body = req.json() or {}
        key = str((body.get("invoice") or {}).get("key") or "")
        if body.get("status") != "order_invoiced" or len(key) != 44 or not key.isdigit():
            raise BadRequest('body must be {"status":"order_invoiced","invoice":{"key":"<44 digits>"}}')
        with self.state.lock:
            order = self.state.data["orders"].get(unquote(req.params["code"]))
            if order is None:
                return self.error_reply(404, "Order not found")
            order["invoices"] = [{"key": key}]
            order["status"] = {"code": "order_invoiced", "label": "order_invoiced", "type": "INVOICED"}
            order["updated_at"] = _iso(datetime.now(UTC))
        return Reply(201, {"message": "invoice registered"})

    @route("POST", "/orders/{code}/shipments")
    def order_shipments(self, req: Request) -> Any:
        body = req.json() or {}
        shipment = body.get("shipment") or {}
        track = shipment.get("track") or {}
        if body.get("status") != "order_shipped" or not track.get("code") or not shipment.get("items"):
            raise BadRequest('body must be {"status":"order_shipped","shipment":{"items":[...],"track":{"code":...}}}')
        with self.state.lock:
            order = self.state.data["orders"].get(unquote(req.params["code"]))
            if order is None:
                return self.error_reply(404, "Order not found")
            order["shipments"].append(shipment)
            order["status"] = {"code": "order_shipped", "label": "order_shipped", "type": "SHIPPED"}
            order["updated_at"] = _iso(datetime.now(UTC))
        return Reply(201, {"message": "shipment registered"})

    @route("GET", "/statuses")
    def statuses(self, req: Request) -> Any:
        return [
            {"code": raw, "label": erp, "type": STATUS_TYPES.get(raw, "NEW")}
            for raw, erp in channel_values("skyhub")["order_status"]
        ]


register_sandbox("skyhub", SkyhubSandbox)
