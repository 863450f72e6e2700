"""The Mercado Livre sandbox server: the seller's store assembled from its parts.

Parts (one concern each): :mod:`~kit.sandbox.mercadolivre.auth` (OAuth, the
seller, the application and its quota), :mod:`~kit.sandbox.mercadolivre.items`
(listings: search and reads), :mod:`~kit.sandbox.mercadolivre.listing` (creating
and changing listings, descriptions), :mod:`~kit.sandbox.mercadolivre.catalog`
(categories, their attributes, listing types), :mod:`~kit.sandbox.mercadolivre.orders` (orders, packs,
cancellation), :mod:`~kit.sandbox.mercadolivre.shipments` (Mercado Envios,
NF-e, ME1 tracking). Orders come from the sample order generator
(:func:`kit.sample.generate_orders`) through :meth:`MercadoLivreSandbox.render_order`.
"""

from __future__ import annotations

from typing import Any

from kit.sandbox._sample_orders import recent_specs
from kit.sandbox.base import Reply, SandboxServer
from kit.sandbox.mercadolivre.auth import APP_QUOTA_PER_HOUR, AuthRoutes
from kit.sandbox.mercadolivre.catalog import BASE_CATEGORIES, CatalogRoutes, build_tree
from kit.sandbox.mercadolivre.common import ERROR_CODES, SITE, ml_error
from kit.sandbox.mercadolivre.items import ItemRoutes, build_items, sku_index
from kit.sandbox.mercadolivre.listing import ListingRoutes
from kit.sandbox.mercadolivre.orders import OrderRoutes, cancel, render_order
from kit.sandbox.mercadolivre.shipments import ShipmentRoutes

__all__ = ["MercadoLivreSandbox"]


class MercadoLivreSandbox(
    AuthRoutes, CatalogRoutes, ListingRoutes, ItemRoutes, OrderRoutes, ShipmentRoutes, SandboxServer
):
    """Seller ``123456789`` on site MLB.

    Args (besides the base's):
        variation_share: share of the catalogue's families listed as one item
            with variations (the others as one item per SKU); 0 disables variations.
        app_quota_per_hour: the application's ``max_requests_per_hour``
            (``GET /applications/{id}``; 18000 in the official example).
    """

    def __init__(
        self, *args: Any, variation_share: float = 1.0, app_quota_per_hour: int = APP_QUOTA_PER_HOUR, **kw: Any
    ) -> None:
        self.variation_share = variation_share
        self.app_quota_per_hour = app_quota_per_hour
        super().__init__(*args, **kw)

    def default_rate(self) -> tuple[float | None, float]:
        """The application's hourly quota (:data:`~kit.sandbox.limits.PUBLISHED_LIMITS` holds the documented one)."""
        if self.app_quota_per_hour == APP_QUOTA_PER_HOUR:
            return super().default_rate()
        return self.app_quota_per_hour / 3600, float(self.app_quota_per_hour)

    def channel_settings(self) -> dict[str, str]:
        from kit.sandbox.mercadolivre.common import SELLER_ID

        return {"user_id": str(SELLER_ID), "site_id": SITE}

    # -- data ---------------------------------------------------------------------
    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        self.seed_auth()
        data = self.state.data
        paths = [*BASE_CATEGORIES, *(str(r.get("category") or "") for r in catalog)]
        data["categories"] = build_tree(paths)
        data.update(created=[], descriptions={}, picture_sources={})
        data["items"] = build_items(catalog, self.variation_share, self.rng, self._seed_leaf)
        data["orders"], data["shipments"], data["packs"], data["scrolls"] = {}, {}, {}, {}
        data["invoices"], data["notifications"] = {}, []
        self._catalog = list(catalog)
        if isinstance(orders, list):
            for order in orders:
                self.add_order(order)
        else:
            count = self.DEFAULT_ORDERS if orders is None else int(orders)
            for spec in recent_specs(self._catalog, "mercadolivre", count, self.seed):
                self.add_order(spec)

    def _seed_leaf(self, erp_category: str) -> tuple[str, bool]:
        """The leaf a seeded listing sits in (the first leaf for a category outside the tree) and if it needs a size."""
        leaf = self.leaf_for(erp_category) or next(c for c, n in self.state.data["categories"].items() if n["parent"])
        sized = any(a["id"] == "SIZE" and a["tags"].get("required") for a in self.attributes_of(leaf))
        return leaf, sized

    def listings_by_ref(self) -> dict[str, list[str]]:
        """SELLER_SKU -> every listing carrying it (``item`` or ``item/variation``): exactly one each, in tests."""
        out: dict[str, list[str]] = {}
        for item_id, item in self.state.data["items"].items():
            for holder in [item, *item["variations"]]:
                for attr in holder.get("attributes") or []:
                    if attr["id"] == "SELLER_SKU":
                        ref = item_id if holder is item else f"{item_id}/{holder['id']}"
                        out.setdefault(str(attr["value_name"]), []).append(ref)
        return out

    def listings(self) -> dict[str, tuple[str, dict[str, Any], dict[str, Any]]]:
        """SKU -> (item id, item, the item or variation holding it)."""
        items = self.state.data["items"]
        return {sku: (item_id, items[item_id], holder) for sku, (item_id, holder) in sku_index(items).items()}

    def render_order(self, spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A neutral order spec as Mercado Livre's order and shipment (not stored; see :meth:`add_order`)."""
        return render_order(spec, self.listings(), len(self.state.data["orders"]) + 1)

    def add_order(self, order: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store an order: a neutral spec (rendered), an order already in Mercado Livre's shape, or a new one."""
        if order is None:
            count = len(self.state.data["orders"]) + 1
            order = recent_specs(self._catalog, "mercadolivre", count, self.seed)[-1]
        shipment = None
        if "order_id" in order:  # a neutral spec
            order, shipment = self.render_order(order)
        with self.state.lock:
            self.state.data["orders"][int(order["id"])] = order
            if shipment is not None:
                self.state.data["shipments"][shipment["id"]] = shipment
            if order.get("pack_id"):
                pack = self.state.data["packs"].setdefault(
                    int(order["pack_id"]), {"id": int(order["pack_id"]), "status": "released", "orders": []}
                )
                pack["orders"].append({"id": int(order["id"])})
                pack["shipment"] = {"id": order["shipping"]["id"]}
        return order

    def cancel_order(self, order_id: str) -> None:
        """The buyer cancels after import: ``status: cancelled`` and a new ``date_last_updated`` (§1.5)."""
        with self.state.lock:
            order = self.state.data["orders"][int(order_id)]
            shipment = self.state.data["shipments"].get(int((order.get("shipping") or {}).get("id") or 0))
            cancel(order, shipment)

    def sell(self, sku: str, quantity: int = 1) -> None:
        """A buyer takes ``quantity`` of ``sku`` (as a sale on the site does): the listing or variation holding it
        loses that much ``available_quantity`` and gains ``sold_quantity``; the item's total follows (§1.2-§1.3)."""
        with self.state.lock:
            item_id, holder = sku_index(self.state.data["items"])[sku]
            item = self.state.data["items"][item_id]
            holder["available_quantity"] = max(0, int(holder["available_quantity"]) - quantity)
            holder["sold_quantity"] = int(holder.get("sold_quantity") or 0) + quantity
            if holder is not item:
                item["available_quantity"] = sum(int(v["available_quantity"]) for v in item["variations"])
                item["sold_quantity"] = int(item.get("sold_quantity") or 0) + quantity

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [
            (sku, item_id, str(holder["id"]) if holder.get("id") != item_id else None)
            for sku, (item_id, holder) in sku_index(self.state.data["items"]).items()
        ]

    def stock_levels(self) -> dict[str, float]:
        return {sku: holder["available_quantity"] for sku, (_, holder) in sku_index(self.state.data["items"]).items()}

    # -- the channel's answers ------------------------------------------------------
    def error_reply(self, status: int, message: str) -> Reply:
        return ml_error(status, ERROR_CODES.get(status, "internal_error"), message)

    def rate_limited_reply(self, retry_after: int) -> Reply:
        # §1.9: a 429 without Retry-After (the Mercado Pago OAuth side names it local_rate_limited).
        body = {"message": "Too many requests", "error": "local_rate_limited", "status": 429, "cause": []}
        return Reply(429, body, self.retry_after_headers(retry_after))
