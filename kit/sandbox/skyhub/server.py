"""The SkyHub sandbox server: the store assembled from its parts, with SkyHub's rules on every request.

Parts: :mod:`~kit.sandbox.skyhub.catalog` (products and variations: lists,
reads, updates), :mod:`~kit.sandbox.skyhub.publishing` (creation, categories,
brands), :mod:`~kit.sandbox.skyhub.orders` (orders, queue, invoice, shipments). Rules
here, from ``../shared/channel-apis.md`` §4.1 and §4.4: three auth headers
(401 without ``X-Accountmanager-Key``), 406 for an ``Accept`` that is not
JSON, 400 for a POST/PUT/PATCH without a body, 415 for a body that is not
UTF-8, one token bucket per endpoint + method with 429 *without*
``Retry-After`` (none is documented). Orders come from the sample order
generator through :meth:`SkyhubSandbox.render_order`.
"""

from __future__ import annotations

import threading
from typing import Any

from kit.sandbox._sample_orders import recent_specs
from kit.sandbox.base import Reply, Request, SandboxServer
from kit.sandbox.limits import SandboxBucket
from kit.sandbox.skyhub.catalog import CatalogRoutes, build_products
from kit.sandbox.skyhub.common import DEEP_PAGING_MAX, OTHER_RATE, RATES, SITES, sky_error
from kit.sandbox.skyhub.orders import OrderRoutes, cancel, render_order
from kit.sandbox.skyhub.publishing import BASE_BRANDS, BASE_CATEGORIES, PublishingRoutes, build_categories

__all__ = ["SkyhubSandbox"]


class SkyhubSandbox(PublishingRoutes, CatalogRoutes, OrderRoutes, SandboxServer):
    """An in-memory SkyHub store.

    Args (besides the base's):
        queue_visibility_s: how long an order taken from the queue stays hidden
            before it is delivered again (SkyHub: 5 minutes).
        variation_share: ``False`` serves every catalogue row as a simple product
            (families otherwise become products with variations).
        deep_paging_max: records page paging reaches before answering 400 (SkyHub: 10,000).
    """

    def __init__(
        self,
        *,
        queue_visibility_s: float = 300.0,
        variation_share: bool | float = True,
        deep_paging_max: int = DEEP_PAGING_MAX,
        **kw: Any,
    ) -> None:
        self.queue_visibility_s = queue_visibility_s
        self.variation_share = bool(variation_share)
        self.deep_paging_max = deep_paging_max
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
        categories = build_categories([*BASE_CATEGORIES, *(str(r.get("category") or "") for r in catalog)])
        names = dict.fromkeys([*BASE_BRANDS, *(str(r["brand"]) for r in catalog if r.get("brand"))])
        brands = {f"{9000 + n}": {"id": f"{9000 + n}", "name": name} for n, name in enumerate(names, 1)}
        self.state.data.update(categories=categories, brands=brands)
        products = build_products(list(catalog), self.variation_share, self.category_for)
        variation_of = {v["sku"]: p["sku"] for p in products.values() for v in p["variations"]}
        self.state.data.update(products=products, variation_of=variation_of, orders={}, queue={})
        self._catalog = list(catalog)
        if isinstance(orders, list):
            for order in orders:
                self.add_order(order)
        else:
            count = self.DEFAULT_ORDERS if orders is None else int(orders)
            for spec in recent_specs(self._catalog, "skyhub", count, self.seed):
                self.add_order(self._on_site(spec))

    def _on_site(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The spec's order sold on one of the sites, in turn (codes like "Lojas Americanas-1700000000001")."""
        number = str(spec["order_id"]).rsplit("-", 1)[-1]
        site = SITES[len(self.state.data["orders"]) % len(SITES)]
        return dict(spec, order_id=f"{site}-{number}")

    def sold(self) -> dict[str, tuple[str, str]]:
        """Sold SKU -> (its product's sku, the product's name)."""
        out = {}
        for p in self.state.data["products"].values():
            for v in p["variations"] or [p]:
                out[v["sku"]] = (p["sku"], p["name"])
        return out

    def render_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A neutral order spec as SkyHub's order JSON (not stored; see :meth:`add_order`)."""
        return render_order(spec, self.sold())

    def make_order(self, status: str | None = None) -> dict[str, Any]:
        """A new order in SkyHub's shape (the next sample spec, on a site), not stored."""
        count = len(self.state.data["orders"]) + 1
        spec = recent_specs(self._catalog, "skyhub", count, self.seed)[-1]
        order = self.render_order(self._on_site(spec))
        if status:
            from kit.sandbox.skyhub.common import status_of

            order["status"] = status_of(status)
        return order

    def add_order(self, order: dict[str, Any], *, queued: bool = True) -> dict[str, Any]:
        """Store an order (a neutral spec is rendered first); a new or changed order enters the queue."""
        if "order_id" in order:
            order = self.render_order(order)
        with self.state.lock:
            self.state.data["orders"][order["code"]] = order
            if queued:
                self.state.data["queue"][order["code"]] = 0.0  # visible from now
        return order

    def cancel_order(self, order_id: str) -> None:
        """The marketplace cancels: the order comes back through the queue with status ``order_canceled``."""
        with self.state.lock:
            cancel(self.state.data["orders"][order_id])
            self.state.data["queue"][order_id] = 0.0

    def category_for(self, erp_path: str) -> dict[str, Any] | None:
        """The category-list entry whose path is ``erp_path`` (``"Casa > Utilidades"``), if any."""
        wanted = " > ".join(p.strip() for p in str(erp_path).split(">")).casefold()
        return next((c for c in self.state.data["categories"].values() if c["path"].casefold() == wanted), None)

    def listings_by_ref(self) -> dict[str, list[str]]:
        """SKU -> every product or ``product/variation`` carrying it (tests: exactly one each)."""
        out: dict[str, list[str]] = {}
        for p in self.state.data["products"].values():
            if not p["variations"]:
                out.setdefault(p["sku"], []).append(p["sku"])
            for v in p["variations"]:
                out.setdefault(v["sku"], []).append(f"{p['sku']}/{v['sku']}")
        return out

    def links(self) -> list[tuple[str, str | None, str | None]]:
        out: list[tuple[str, str | None, str | None]] = []
        for p in self.state.data["products"].values():
            if not p["variations"]:
                out.append((p["sku"], p["sku"], None))
            out += [(v["sku"], p["sku"], v["sku"]) for v in p["variations"]]
        return out

    def stock_levels(self) -> dict[str, float]:
        return {v["sku"]: v["qty"] for p in self.state.data["products"].values() for v in p["variations"] or [p]}

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
    @staticmethod
    def bucket_key(req: Request) -> str:
        """``"<resource>:<METHOD>"``; the detail of an order (``GET /orders/{code}``) is ``order:GET``."""
        parts = [p for p in req.path.split("/") if p]
        resource = parts[0] if parts else ""
        if resource == "orders" and req.method == "GET" and len(parts) > 1:
            return "order:GET"
        return f"{resource}:{req.method}"

    def rate_bucket(self, req: Request) -> SandboxBucket:
        key = self.bucket_key(req)
        with self._buckets_lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                per = float(RATES.get(key, OTHER_RATE))
                bucket = self._buckets[key] = SandboxBucket(*(self.rate if self._explicit_rate else (per, per)))
            return bucket

    def set_rate_limit(self, per_second: float | None, burst: float | None = None) -> None:
        super().set_rate_limit(per_second, burst)
        with self._buckets_lock:
            self._explicit_rate = True
            for bucket in self._buckets.values():
                bucket.configure(*self.rate)

    def rate_limited_reply(self, retry_after: int) -> Reply:
        # §4.4: 429, wait for the next window; no Retry-After is documented.
        return sky_error(429, "Too Many Requests: request limit reached for this endpoint")

    def error_reply(self, status: int, message: str) -> Reply:
        return sky_error(status, message)

    def check_auth(self, req: Request) -> Reply | None:
        email, key, manager = req.header("X-User-Email"), req.header("X-Api-Key"), req.header("X-Accountmanager-Key")
        if not manager:
            return sky_error(401, "X-Accountmanager-Key header is required")
        creds = self.credentials
        if (email, key, manager) != (creds["user_email"], creds["api_key"], creds["account_manager_key"]):
            return sky_error(401, "Unauthorized: invalid credentials")
        accept = (req.header("Accept") or "*/*").lower()
        if "json" not in accept and "*/*" not in accept:
            return sky_error(406, "Not Acceptable: the API answers application/json")
        if req.method in ("POST", "PUT", "PATCH"):
            if not req.body:
                return sky_error(400, "POST/PUT/PATCH requests must carry a body")
            try:
                req.body.decode("utf-8")
            except UnicodeDecodeError:
                return sky_error(415, "Unsupported Media Type: the body must be UTF-8")
        if " " in req.path:
            return sky_error(400, "invalid URL (not encoded)")
        return None
