"""Mercado Livre sandbox: the seller's listings (items and variations), search, multiget and updates.

Behaviour, from ``../shared/channel-apis.md`` §1.2-§1.4:

* the SKU is the ``SELLER_SKU`` attribute of the item or of each variation;
* ``GET /users/{id}/items/search``: ``offset``/``limit`` (≤ 100) refused past
  1000 results; ``search_type=scan`` + ``scroll_id`` beyond (pages ≤ 100);
* ``GET /items?ids=`` takes at most 20 ids (🟡) and answers ``[{code, body}]``;
* the search filters by ``seller_sku`` (the ``SELLER_SKU`` attribute of the
  item or of a variation, ✅) and by ``sku`` (the item's
  ``seller_custom_field``, 🟡: a secondary reference of the search filters);
* ``PUT /items/{id}`` and ``POST /items`` are :mod:`~kit.sandbox.mercadolivre.listing`.

Listings with variations come from the catalogue's families (rows sharing a
``parent_sku``): one item per family, one variation per SKU, the family's
price (its first SKU's) on the item and every variation. Each item sits in the
leaf of the sandbox's category tree for its ERP category and carries what the
leaf requires (brand, package measures, colour, size where sizes apply), as a
seller's listing made in ML's own screens would.
"""

from __future__ import annotations

import secrets as _secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kit.sandbox.base import Request, route
from kit.sandbox.mercadolivre.common import SELLER_ID, SITE, ml_date, ml_error

__all__ = ["ItemRoutes", "build_items", "listing_groups", "MULTIGET_MAX", "MAX_OFFSET", "SCROLL_PAGE_MAX"]

MAX_OFFSET = 1000  # §1.2: past 1000 results, use search_type=scan
MULTIGET_MAX = 20  # §1.2 (🟡)
SCROLL_PAGE_MAX = 100  # §1.2 (🟡)
SEARCH_LIMIT_MAX = 100


def _combination(row: dict[str, Any]) -> list[dict[str, str]]:
    """A variation's ``attribute_combinations``: its colour and size (the title's last word if neither)."""
    out = []
    if str(row.get("color") or "").strip():
        out.append({"id": "COLOR", "name": "Cor", "value_name": str(row["color"]).strip()})
    if str(row.get("size") or "").strip():
        out.append({"id": "SIZE", "name": "Tamanho", "value_name": str(row["size"]).strip()})
    return out or [{"id": "COLOR", "name": "Cor", "value_name": str(row["title"]).split()[-1]}]


def _sku_attributes(row: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"id": "SELLER_SKU", "name": "SKU", "value_name": str(row["sku"])},
        {"id": "GTIN", "name": "Código universal de produto", "value_name": str(row.get("ean") or "")},
    ]


def _item_attributes(row: dict[str, Any], sized: bool, with_variations: bool) -> list[dict[str, Any]]:
    """The item-level attributes a seeded listing carries: brand, package measures, colour/size without variations."""
    attrs: list[dict[str, Any]] = [{"id": "BRAND", "name": "Marca", "value_name": str(row.get("brand") or "Genérica")}]
    for attr_id, col, unit, factor in (("SELLER_PACKAGE_HEIGHT", "height_cm", "cm", 1), ("SELLER_PACKAGE_WIDTH",
                                       "width_cm", "cm", 1), ("SELLER_PACKAGE_LENGTH", "length_cm", "cm", 1),
                                       ("SELLER_PACKAGE_WEIGHT", "weight_kg", "g", 1000)):  # fmt: skip
        value = float(row.get(col) or 1) * factor
        attrs.append({"id": attr_id, "name": attr_id, "value_name": f"{round(value, 1):g} {unit}"})
    if not with_variations:
        attrs += _combination(row) + _sized(row, sized)
    return attrs


def _sized(row: dict[str, Any], sized: bool) -> list[dict[str, str]]:
    """``SIZE`` "Único" where the category asks for a size and the row has none."""
    return [{"id": "SIZE", "name": "Tamanho", "value_name": "Único"}] if sized and not row.get("size") else []


def listing_groups(rows: list[dict[str, Any]], variation_share: float, rng: Any) -> list[list[dict[str, Any]]]:
    """Catalogue rows per listing, in catalogue order: a family (same ``parent_sku``) is one listing.

    With ``variation_share`` below 1 a share of the families is listed SKU by SKU instead.
    """
    groups: list[list[dict[str, Any]]] = []
    family: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        parent = str(row.get("parent_sku") or "").strip()
        if not parent or not variation_share:
            groups.append([row])
        elif parent in family:
            family[parent].append(row)
        else:
            family[parent] = [row]
            groups.append(family[parent])
    out: list[list[dict[str, Any]]] = []
    for group in groups:
        if len(group) > 1 and variation_share < 1 and rng.random() >= variation_share:
            out.extend([row] for row in group)
        else:
            out.append(group)
    return out


def _item(item_id: str, group: list[dict[str, Any]], next_variation: int, leaf: tuple[str, bool]) -> dict[str, Any]:
    head = group[0]
    price = float(head["price"])
    category_id, sized = leaf
    variations = []
    if len(group) > 1:
        for k, row in enumerate(group, 1):
            variations.append(
                {
                    "id": next_variation + k,
                    "price": price,
                    "available_quantity": int(row.get("stock") or 0),
                    "attribute_combinations": _combination(row) + _sized(row, sized),
                    "attributes": _sku_attributes(row),
                    "seller_custom_field": None,
                }
            )
    return {
        "id": item_id,
        "site_id": SITE,
        "title": str(head["title"]),
        "seller_id": SELLER_ID,
        "category_id": category_id,
        "price": price,
        "base_price": price,
        "currency_id": "BRL",
        "available_quantity": sum(v["available_quantity"] for v in variations)
        if variations
        else int(head.get("stock") or 0),
        "buying_mode": "buy_it_now",
        "listing_type_id": "gold_special",
        "condition": "new",
        "status": "active" if head.get("active", True) else "paused",
        "permalink": f"https://produto.mercadolivre.com.br/{item_id}",
        "seller_custom_field": None,
        "sold_quantity": 0,
        "attributes": _item_attributes(head, sized, bool(variations)) + ([] if variations else _sku_attributes(head)),
        "variations": variations,
        "pictures": [],
        "shipping": {"mode": "me2", "logistic_type": "drop_off", "free_shipping": False},
        "last_updated": ml_date(datetime.now(UTC)),
    }


def build_items(
    catalog: list[dict[str, Any]], variation_share: float, rng: Any, leaf_of: Callable[[str], tuple[str, bool]]
) -> dict[str, dict[str, Any]]:
    """The seller's items from the catalogue, ``MLB4000000001``... in catalogue order.

    ``leaf_of(erp_category)`` answers the leaf's id and whether it asks for a size.
    """
    items: dict[str, dict[str, Any]] = {}
    next_variation = 174000000000
    for n, group in enumerate(listing_groups(list(catalog), variation_share, rng), 1):
        item_id = f"{SITE}{4000000000 + n}"
        items[item_id] = _item(item_id, group, next_variation, leaf_of(str(group[0].get("category") or "")))
        next_variation += len(group)
    return items


def sku_index(items: dict[str, dict[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """SKU -> (item id, the item or variation holding it)."""
    index = {}
    for item_id, item in items.items():
        for holder in [item, *item["variations"]]:
            for attr in holder["attributes"]:
                if attr["id"] == "SELLER_SKU":
                    index[attr["value_name"]] = (item_id, holder)
    return index


class ItemRoutes:
    """The listing endpoints (a mixin of the sandbox)."""

    state: Any

    def _seller_items(self, req: Request) -> list[str]:
        sku, status, custom = req.q("seller_sku"), req.q("status"), req.q("sku")
        out = []
        for item_id in sorted(self.state.data["items"]):
            item = self.state.data["items"][item_id]
            if status and item["status"] != status:
                continue
            if custom and item.get("seller_custom_field") != custom:
                continue
            if sku:
                attrs = item["attributes"] + [a for v in item["variations"] for a in v["attributes"]]
                if not any(a["id"] == "SELLER_SKU" and a["value_name"] == sku for a in attrs):
                    continue
            out.append(item_id)
        return out

    @route("GET", "/users/{user_id}/items/search")
    def items_search(self, req: Request) -> Any:
        if req.params["user_id"] != str(SELLER_ID):
            return ml_error(403, "forbidden", "caller.id does not match the user_id")
        try:
            limit = int(req.q("limit", "50") or 50)
            offset = int(req.q("offset", "0") or 0)
        except ValueError:
            return ml_error(400, "bad_request", "limit and offset must be numbers")
        if req.q("search_type") == "scan":
            return self._scan(req, min(limit, SCROLL_PAGE_MAX))
        if limit > SEARCH_LIMIT_MAX or limit < 1 or offset < 0:
            return ml_error(400, "bad_request", "limit must be between 1 and 100 and offset >= 0")
        if offset + limit > MAX_OFFSET:
            return ml_error(
                400, "bad_request", "The offset is greater than 1000; use search_type=scan to page past 1000 results"
            )
        ids = self._seller_items(req)
        return {
            "seller_id": str(SELLER_ID),
            "results": ids[offset : offset + limit],
            "paging": {"total": len(ids), "offset": offset, "limit": limit},
        }

    def _scan(self, req: Request, limit: int) -> Any:
        if req.q("offset"):
            return ml_error(400, "bad_request", "offset cannot be used with search_type=scan")
        scroll = req.q("scroll_id")
        with self.state.lock:
            if scroll:
                state = self.state.data["scrolls"].pop(scroll, None)
                if state is None:
                    return ml_error(400, "bad_request", "invalid or expired scroll_id")
                ids, pos = state
            else:
                ids, pos = self._seller_items(req), 0
            page = ids[pos : pos + limit]
            new_scroll = _secrets.token_urlsafe(18)
            self.state.data["scrolls"][new_scroll] = (ids, pos + len(page))
        return {
            "seller_id": str(SELLER_ID),
            "results": page,
            "paging": {"total": len(ids), "limit": limit},
            "scroll_id": new_scroll,
        }

    @route("GET", "/items")
    def items_multiget(self, req: Request) -> Any:
        ids = [i for i in (req.q("ids") or "").split(",") if i]
        if not ids:
            return ml_error(400, "bad_request", "ids parameter is required")
        if len(ids) > MULTIGET_MAX:
            return ml_error(400, "bad_request", f"Too many ids; the maximum is {MULTIGET_MAX}")
        attributes = [a for a in (req.q("attributes") or "").split(",") if a]
        out = []
        for item_id in ids:
            item = self.state.data["items"].get(item_id)
            if item is None:
                out.append(
                    {"code": 404, "body": {"message": f"Item with id {item_id} not found", "error": "not_found"}}
                )
            else:
                body = {k: v for k, v in item.items() if not attributes or k in attributes or k == "id"}
                out.append({"code": 200, "body": body})
        return out

    @route("GET", "/items/{item_id}")
    def item_get(self, req: Request) -> Any:
        item = self.state.data["items"].get(req.params["item_id"])
        if item is None:
            return ml_error(404, "not_found", f"Item with id {req.params['item_id']} not found")
        return item
