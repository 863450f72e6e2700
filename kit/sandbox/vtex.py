"""VTEX sandbox: catalogue, logistics inventory, pricing, OMS orders and Feed v3.

Shapes follow the official OpenAPI documents in ``../shared/specs/vtex/`` (the
tests validate every request and response against them). Pricing is served at
``/{account}/pricing/...`` on the same host, as ``api.vtex.com/{account}/pricing``
is in production. The catalogue (products, SKUs, images, specifications,
categories, brands) is :mod:`kit.sandbox.vtex_catalog`; orders, the feed and
``render_order`` are :mod:`kit.sandbox.vtex_orders`. See ``docs/channels.md``.

Rate limits are the documented ones, per API (:data:`API_LIMITS`): the
catalogue per endpoint and per account, pricing writes, Get order; the rest
(logistics, feed) publishes none. A test that gives the sandbox an explicit
rate (``rate_limit=`` or ``set_rate_limit``) gets one bucket for everything.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.limits import PublishedLimit, SandboxBucket
from kit.sandbox.vtex_catalog import VtexCatalogRoutes
from kit.sandbox.vtex_orders import FEED_VISIBILITY_S, VtexOrderRoutes

__all__ = ["VtexSandbox", "ACCOUNT", "API_LIMITS", "FEED_VISIBILITY_S"]

ACCOUNT = "sandboxkit"
FIRST_SKU_ID = 1001
_CATALOG_SRC = "catalog-api.json (info): 45,000 requests/min per account, 15,000 per endpoint"
#: The documented limits per API (a request outside these families is not limited: none published).
API_LIMITS: dict[str, PublishedLimit] = {
    "catalog_endpoint": PublishedLimit(15_000 / 60, 250, _CATALOG_SRC),
    "catalog_account": PublishedLimit(45_000 / 60, 750, _CATALOG_SRC),
    "pricing_write": PublishedLimit(40, 1000, "channel-apis.md §2.4: pricing PUT/POST 40 req/s, 1000 burst credits"),
    "orders_get": PublishedLimit(6000 / 60, 100, "orders-api.json Get order: 6000 requests/min per account"),
}


class _AllOf:
    """A request that counts against several buckets (one endpoint's and the account's)."""

    def __init__(self, *buckets: SandboxBucket) -> None:
        self.buckets = buckets

    def try_acquire(self, n: float = 1.0) -> bool:
        return all(b.try_acquire(n) for b in self.buckets)  # stops at the first refusal

    def seconds_until(self, n: float = 1.0) -> float:
        return max(b.seconds_until(n) for b in self.buckets)


class VtexSandbox(VtexCatalogRoutes, VtexOrderRoutes, SandboxServer):
    """In-memory VTEX account ``sandboxkit`` with one warehouse (``1_1``)."""

    warehouses = ("1_1", "2_1")

    def channel_settings(self) -> dict[str, str]:
        return {"account": ACCOUNT, "warehouse_id": "1_1"}

    def default_credentials(self) -> dict[str, str]:
        return {
            "app_key": "vtexappkey-sandboxkit-KIT01",
            "app_token": "SBXTOKEN" + uuid.UUID(int=self.seed).hex.upper(),
        }

    # -- rate limits per API ---------------------------------------------------------
    def _rate(self, rate_limit: float | tuple[float, float] | None) -> tuple[float | None, float]:
        self._explicit_rate = rate_limit is not None
        self._api_buckets: dict[str, SandboxBucket] = {}
        self._api_lock = threading.Lock()
        return super()._rate(rate_limit)

    def set_rate_limit(self, per_second: float | None, burst: float | None = None) -> None:
        self._explicit_rate = True
        super().set_rate_limit(per_second, burst)

    def _api_bucket(self, key: str, limit: PublishedLimit) -> SandboxBucket:
        with self._api_lock:
            if key not in self._api_buckets:
                self._api_buckets[key] = SandboxBucket(limit.per_second, limit.burst)
            return self._api_buckets[key]

    def rate_bucket(self, req: Request) -> Any:
        if self._explicit_rate:
            return self.bucket
        path = req.path
        if path.startswith("/api/catalog"):
            found = self.find_route(req.method, path)
            endpoint = f"{req.method} {found[0] if found else path}"
            return _AllOf(
                self._api_bucket("catalog_account", API_LIMITS["catalog_account"]),
                self._api_bucket(endpoint, API_LIMITS["catalog_endpoint"]),
            )
        if "/pricing/" in path and req.method in ("PUT", "POST"):
            return self._api_bucket("pricing_write", API_LIMITS["pricing_write"])
        if path.startswith("/api/oms/pvt/orders/") and req.method == "GET":
            return self._api_bucket("orders_get", API_LIMITS["orders_get"])
        return SandboxBucket(None, 1)  # logistics, feed...: no limit published

    # -- data ---------------------------------------------------------------------------
    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        data = self.state.data
        self.seed_catalog_tables()
        data.update(skus={}, by_ref={}, inventory={}, prices={}, feed=[], orders={}, invoices={})
        data["feed_configured"] = True
        self._spec_choices = (
            tuple(dict.fromkeys(str(p["color"]) for p in catalog if p.get("color"))),
            tuple(dict.fromkeys(str(p["size"]) for p in catalog if p.get("size"))),
        )
        for n, product in enumerate(catalog):
            self._seed_sku(FIRST_SKU_ID + n, product)
        data["next_ids"]["sku"] = FIRST_SKU_ID + len(catalog) - 1
        self.seed_orders(orders)

    def _seed_sku(self, sku_id: int, product: dict[str, Any]) -> None:
        data = self.state.data
        title = str(product["title"])
        family = str(product.get("parent_sku") or product["sku"])
        pid = data["product_by_ref"].get(family)
        if pid is None:
            pid = self.add_product(
                {"Name": title, "RefId": family, "Description": title, "TaxCode": str(product.get("ncm") or ""),
                 "CategoryId": self.ensure_category(str(product.get("category") or "Geral")),
                 "BrandId": self.ensure_brand(str(product.get("brand") or "Sem marca")),
                 "IsVisible": True, "IsActive": True}
            )["Id"]  # fmt: skip
        h, w, length = (float(product.get(k) or 0) for k in ("height_cm", "width_cm", "length_cm"))
        grams = int(round(float(product.get("weight_kg") or 0) * 1000))
        sku = self.add_sku(
            {"Id": sku_id, "ProductId": pid, "Name": title, "RefId": str(product["sku"]), "PackagedHeight": h,
             "PackagedLength": length, "PackagedWidth": w, "PackagedWeightKg": grams, "Height": h, "Length": length,
             "Width": w, "WeightKg": grams, "IsActive": bool(product.get("active", True)), "ActivateIfPossible": True}
        )  # fmt: skip
        sku["_eans"] = [str(product["ean"])] if product.get("ean") else []
        sku["_specs"] = {k: [str(product[c])] for k, c in (("Cor", "color"), ("Tamanho", "size")) if product.get(c)}
        self.on_sku_created(sku_id, stock=int(product.get("stock") or 0), price=float(product.get("price") or 0))
        if product.get("unlimited_stock"):  # "always available" (hasUnlimitedQuantity), as the admin sets it
            self.state.data["inventory"][(sku_id, "1_1")]["unlimitedQuantity"] = True
        if product.get("lead_time"):  # lead time (DD.HH:MM:SS), as the admin sets it per SKU and warehouse
            self.state.data["inventory"][(sku_id, "1_1")]["leadTime"] = str(product["lead_time"])

    def admin_inventory(self, ref: str, warehouse: str = "1_1", **changes: Any) -> dict[str, Any]:
        """What the store's admin does in Warehouse & Inventory: change a SKU's ``quantity``, ``unlimitedQuantity``
        or ``leadTime`` in one warehouse (by RefId), behind the kit's back. Returns the record after the change."""
        key = (int(self.state.data["by_ref"][ref]), warehouse)
        with self.state.lock:
            record = self.state.data["inventory"].setdefault(
                key, {"quantity": 0, "unlimitedQuantity": False, "leadTime": "00:00:00"}
            )
            unknown = set(changes) - set(record)
            if unknown:
                raise KeyError(f"no such inventory field: {sorted(unknown)}")
            record.update(changes)
            return dict(record)

    def on_sku_created(self, sku_id: int, *, stock: int = 0, price: float | None = None) -> None:
        """Inventory (warehouse 1_1) and a price row for a new SKU (a created SKU has no price yet)."""
        self.state.data["inventory"][(sku_id, "1_1")] = {
            "quantity": stock, "unlimitedQuantity": False, "leadTime": "00:00:00",
        }  # fmt: skip
        if price is not None:
            self.state.data["prices"][sku_id] = {
                "basePrice": price, "listPrice": round(price * 1.2, 2), "costPrice": None, "markup": None,
            }  # fmt: skip

    def category_specs(self) -> list[tuple[str, bool, tuple[str, ...]]]:
        """Every leaf category asks for the SKU specifications "Cor" (required) and "Tamanho" (optional)."""
        colors, sizes = getattr(self, "_spec_choices", ((), ()))
        return [("Cor", True, colors), ("Tamanho", False, sizes)]

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(ref, str(sku_id), None) for ref, sku_id in self.state.data["by_ref"].items()]

    def stock_levels(self) -> dict[str, float]:
        inventory = self.state.data["inventory"]
        return {ref: inventory[(sku_id, "1_1")]["quantity"] for ref, sku_id in self.state.data["by_ref"].items()}

    def listings_by_ref(self) -> dict[str, list[int]]:
        """RefId -> every SKU id carrying it (tests: exactly one listing per SKU)."""
        out: dict[str, list[int]] = {}
        for sid, sku in self.state.data["skus"].items():
            out.setdefault(str(sku.get("RefId")), []).append(sid)
        return out

    # -- channel behaviour ---------------------------------------------------
    def check_auth(self, req: Request) -> Reply | None:
        key, token = req.header("X-VTEX-API-AppKey"), req.header("X-VTEX-API-AppToken")
        if not key or not token:
            return Reply(401, {"error": {"code": "401", "message": "Unauthorized: missing X-VTEX-API-AppKey/AppToken"}})
        if key != self.credentials["app_key"] or token != self.credentials["app_token"]:
            return Reply(401, {"error": {"code": "401", "message": "Unauthorized"}})
        denied = self.state.data.get("denied_paths", ())
        if any(req.path.startswith(p) for p in denied):
            return Reply(403, {"error": {"code": "403", "message": "Forbidden: the appKey lacks a resource"}})
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"error": {"code": str(status), "message": message, "exception": None}})

    # catalog (SKU context and RefId mapping) -------------------------------------------
    @route("GET", "/api/catalog_system/pvt/sku/stockkeepingunitids")
    def sku_ids(self, req: Request) -> Any:
        page = int(req.q("page", "1") or 1)
        size = min(int(req.q("pagesize", "1000") or 1000), 1000)
        ids = sorted(self.state.data["skus"])
        return ids[(page - 1) * size : page * size]

    @route("GET", "/api/catalog_system/pvt/sku/stockkeepingunitbyid/{skuId}")
    def sku_by_id(self, req: Request) -> Any:
        try:
            sku = self.state.data["skus"][int(req.params["skuId"])]
        except (KeyError, ValueError):
            return self.error_reply(404, "SKU not found")
        return self.sku_context(sku)

    def sku_context(self, sku: dict[str, Any]) -> dict[str, Any]:
        """Get SKU and context (catalog-api.json SkuContext) from the SKU, its product, brand and category."""
        data = self.state.data
        product = data["products"][sku["ProductId"]]
        brand = data["brands"].get(product["BrandId"], {})
        category = data["categories"].get(product["CategoryId"], {})
        ean = (sku["_eans"] or [""])[0]
        name_complete = sku["Name"] if product["Name"] in sku["Name"] else f"{product['Name']} {sku['Name']}"
        ph, pl, pw = (float(sku[k] or 0) for k in ("PackagedHeight", "PackagedLength", "PackagedWidth"))
        files = sku["_files"]
        return {
            "Id": sku["Id"], "ProductId": sku["ProductId"], "NameComplete": name_complete, "ComplementName": "",
            "ProductName": product["Name"], "ProductDescription": product["Description"],
            "ProductRefId": product["RefId"], "TaxCode": product["TaxCode"], "SkuName": sku["Name"],
            "IsActive": bool(sku["IsActive"]), "IsTransported": True, "IsInventoried": True,
            "IsGiftCardRecharge": False, "ImageUrl": files[0]["Url"] if files else "",
            "DetailUrl": f"/{product['LinkId']}/p", "CSCIdentification": None,
            "BrandId": str(product["BrandId"]), "BrandName": brand.get("name", ""),
            "Dimension": {"cubicweight": sku["CubicWeight"], "height": ph, "length": pl,
                          "weight": float(sku["PackagedWeightKg"]), "width": pw},
            "RealDimension": {"realCubicWeight": sku["CubicWeight"], "realHeight": float(sku["Height"]),
                              "realLength": float(sku["Length"]), "realWeight": float(sku["WeightKg"]),
                              "realWidth": float(sku["Width"])},
            "ManufacturerCode": sku["ManufacturerCode"], "IsKit": False, "KitItems": [], "Services": [],
            "Categories": [], "Attachments": [], "Collections": [],
            "SkuSellers": [{"SellerId": "1", "StockKeepingUnitId": sku["Id"],
                            "SellerStockKeepingUnitId": str(sku["Id"]), "IsActive": True,
                            "FreightCommissionPercentage": 0, "ProductCommissionPercentage": 0}],
            "SalesChannels": [1], "Images": [], "SkuSpecifications": [], "ProductSpecifications": [],
            "ProductClustersIds": "", "ProductCategoryIds": f"/{product['CategoryId']}/",
            "ProductGlobalCategoryId": None,
            "ProductCategories": {str(product["CategoryId"]): category.get("Name", "")},
            "CommercialConditionId": 1, "RewardValue": 0,
            "AlternateIds": {"Ean": ean, "RefId": sku["RefId"] or ""},
            "AlternateIdValues": [ean, sku["RefId"] or ""],
            "EstimatedDateArrival": None, "MeasurementUnit": sku["MeasurementUnit"],
            "UnitMultiplier": float(sku["UnitMultiplier"]), "InformationSource": None, "ModalType": None,
        }  # fmt: skip

    @route("POST", "/api/catalog_system/pub/sku/stockkeepingunitidsbyrefids")
    def sku_ids_by_refids(self, req: Request) -> Any:
        refs = req.json()
        if not isinstance(refs, list):
            raise BadRequest("body must be an array of RefIds")
        if len(set(refs)) != len(refs):  # documented: repeated values give a 500
            return self.error_reply(500, "repeated RefId in the request")
        by_ref = self.state.data["by_ref"]
        return {str(r): str(by_ref[str(r)]) for r in refs if str(r) in by_ref}

    # logistics -----------------------------------------------------------------
    @route("GET", "/api/logistics/pvt/inventory/skus/{skuId}")
    def inventory_get(self, req: Request) -> Any:
        sku_id = int(req.params["skuId"])
        inv = self.state.data["inventory"]
        balance = [
            {
                "warehouseId": wh,
                "warehouseName": f"Armazém {wh}",
                "totalQuantity": v["quantity"],
                "reservedQuantity": 0,
                "hasUnlimitedQuantity": v["unlimitedQuantity"],
                "timeToRefill": None,
                "dateOfSupplyUtc": None,
                "leadTime": v["leadTime"],
            }
            for wh in self._warehouse_ids()
            if (v := inv.get((sku_id, wh))) is not None
        ]
        return {"skuId": str(sku_id), "balance": balance}

    def _warehouse_ids(self) -> list[str]:
        """Every warehouse holding some inventory, sorted (one scan per new inventory row, not per read: a stock
        write reads each SKU's inventory first, and scanning 10,000 rows per read made a large run crawl).
        Inventory rows are only ever added, so an unchanged row count means an unchanged set."""
        inv = self.state.data["inventory"]
        seen = getattr(self, "_wh_seen", (None, -1, []))
        if seen[0] is not inv or seen[1] != len(inv):  # a reset gives a new table
            seen = (inv, len(inv), sorted({wh for _, wh in inv}))
            self._wh_seen = seen
        return seen[2]

    def _inventory_target(self, req: Request) -> tuple[dict[str, Any], tuple[int, str]] | Reply:
        """The body and ``(skuId, warehouseId)`` of an inventory write, or its 400 (the only error documented)."""
        body = req.json()
        if not isinstance(body, dict):
            return Reply(400, "body must be an object", content_type="text/plain")
        try:
            sku_id = int(req.params["skuId"])
        except ValueError:
            return Reply(400, "invalid skuId", content_type="text/plain")
        if sku_id not in self.state.data["skus"]:
            return Reply(400, f"SKU {sku_id} not found", content_type="text/plain")
        wh = req.params["warehouseId"]
        if wh not in self.warehouses:
            return Reply(400, f"warehouse {wh} not found", content_type="text/plain")
        return body, (sku_id, wh)

    @route("PUT", "/api/logistics/pvt/inventory/skus/{skuId}/warehouses/{warehouseId}")
    def inventory_put(self, req: Request) -> Any:
        target = self._inventory_target(req)
        if isinstance(target, Reply):
            return target
        body, (sku_id, wh) = target
        with self.state.lock:
            # Faithful to the documented pitfall: a missing quantity/leadTime resets to 0.
            self.state.data["inventory"][(sku_id, wh)] = {
                "quantity": int(body.get("quantity") or 0),
                "unlimitedQuantity": bool(body.get("unlimitedQuantity") or False),
                "leadTime": body.get("leadTime") or "00:00:00",
            }
        return True

    @route("PATCH", "/api/logistics/pvt/inventory/skus/{skuId}/warehouses/{warehouseId}/quantity")
    def inventory_patch_quantity(self, req: Request) -> Any:
        """logistics-api.json "Update inventory quantity by SKU and warehouse": ``quantity`` and
        ``unlimitedQuantity`` (both required: a body without one answers 400), 204; the lead time is not part of
        it and stays. Where the document is silent, the worst plausible case: a SKU with no inventory in that
        warehouse yet (the PATCH updates, the PUT sets) answers 400 and nothing changes.
        ``unlimitedQuantity: false`` switches "always available" off, as the document says it does.
        """
        target = self._inventory_target(req)
        if isinstance(target, Reply):
            return target
        body, key = target
        quantity, unlimited = body.get("quantity"), body.get("unlimitedQuantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not isinstance(unlimited, bool):
            return Reply(
                400, "quantity (integer) and unlimitedQuantity (boolean) are required", content_type="text/plain"
            )
        with self.state.lock:
            current = self.state.data["inventory"].get(key)
            if current is None:
                return Reply(400, f"SKU {key[0]} has no inventory in warehouse {key[1]}", content_type="text/plain")
            current.update(quantity=quantity, unlimitedQuantity=unlimited)
        return Reply(204)

    # pricing (api.vtex.com/{account}/pricing in production) ---------------------
    @route("GET", "/{account}/pricing/prices/{itemId}")
    def price_get(self, req: Request) -> Any:
        if req.params["account"] != ACCOUNT:
            return self.error_reply(404, "account not found")
        try:
            sku_id = int(req.params["itemId"])
            p = self.state.data["prices"][sku_id]
        except (KeyError, ValueError):
            return self.error_reply(404, "price not found")
        base = p["basePrice"]
        return {
            "itemId": str(sku_id),
            "listPrice": p["listPrice"],
            "costPrice": p["costPrice"] if p["costPrice"] is not None else base,
            "markup": p["markup"] if p["markup"] is not None else 0,
            "basePrice": base,
            # FixedPrice (pricing-api.json) requires listPrice: null when the fixed price has none.
            "fixedPrices": [{"listPrice": None, **f} for f in p.get("fixedPrices", [])],
        }

    @route("PUT", "/{account}/pricing/prices/{itemId}")
    def price_put(self, req: Request) -> Any:
        if req.params["account"] != ACCOUNT:
            return self.error_reply(404, "account not found")
        body = req.json()
        try:
            sku_id = int(req.params["itemId"])
        except ValueError:
            raise BadRequest("itemId must be a number") from None
        if sku_id not in self.state.data["skus"]:
            return self.error_reply(404, f"SKU {sku_id} not found")
        given = [k for k in ("basePrice", "costPrice", "markup") if body.get(k) is not None]
        if len(given) == 3:
            raise BadRequest("send exactly two of basePrice, costPrice and markup, not all three")
        if not given:
            raise BadRequest("basePrice (or costPrice and markup) is required")
        base, cost, markup = _base_cost_markup(body)
        with self.state.lock:
            # A full replace (pricing-api.json): fixed prices not in the body are deleted; a list price left
            # out is gone too (inferred from "overwrites"); cost and markup are generated from what was sent.
            self.state.data["prices"][sku_id] = {
                "basePrice": base,
                "listPrice": body.get("listPrice"),
                "costPrice": cost,
                "markup": markup,
                "fixedPrices": [dict(f) for f in body.get("fixedPrices") or []],
            }
        return Reply(200, b"", content_type="application/json")

    # orders -------------------------------------------------------------------


def _base_cost_markup(body: dict[str, Any]) -> tuple[float, float, int]:
    """The three prices from the two sent (pricing-api.json: ``costPrice * (1 + markup) = basePrice``, markup in %).

    A base price sent alone gets "the markup and costPrice ... automatically generated to adapt to" it: cost =
    base, markup 0 (inferred: the document does not give the values).
    """
    base, cost, markup = (body.get(k) for k in ("basePrice", "costPrice", "markup"))
    if base is None:
        return round(float(cost) * (1 + float(markup or 0) / 100), 2), float(cost), int(markup or 0)
    base = float(base)
    if cost is not None and float(cost) > 0:
        return base, float(cost), int(round((base / float(cost) - 1) * 100))
    if markup is not None:
        return base, round(base / (1 + float(markup) / 100), 2), int(markup)
    return base, base, 0


register_sandbox("vtex", VtexSandbox)
