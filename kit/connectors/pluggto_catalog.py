"""Plug.to publishing: products created and updated with ``PUT /skus/{sku}``, arrays merged by id.

A mixin of :class:`kit.connectors.pluggto.PluggtoConnector` (the hooks of
``docs/publishing.md``). Sources: developers.plugg.to (introduction: "Products
and Skus is the same"; "Update and delete categories", "Create/update and delete
attributes": ``PUT https://api.plugg.to/skus/{sku}``, entries with an ``id``
change, ``remove: true`` deletes, without ``id`` they are added), the official
SDK plugg-to/pluggto-php (``PUT /skus/{sku}`` creates and edits, compared by
sku), ``../shared/channel-apis.md`` §5.2, ``/work/wt/notes/pluggto-catalog.md``.

* The SKU is Plug.to's key: ``GET /skus/{sku}`` answers a product, or the
  product holding a variation's SKU. A ``PUT`` on a SKU that does not exist
  creates it, so the lookup before a create binds what a crash left behind
  and a re-run can never add a second product for a SKU.
* A variation family (the ERP's ``parent_sku``) is one product whose sku is
  the family code, one variation per ERP SKU: a new member is
  ``PUT /skus/{family}`` with only the new variation (the array is merged).
* Categories are free text paths, one entry per level (``"base"``,
  ``"base > sub"``); attributes ``{code, label, value{code, label}}``; photos
  ``{url, order}``. Updates read the product first and send the entries'
  ids (a resent entry without id would be added a second time); photos no
  longer in the ERP are removed, attributes set elsewhere are kept.
* Plug.to is a hub: the sales channels behind it apply their own rules
  (category mapping, required attributes) inside Plug.to; none is published, so
  no category requirement is checked here. The ``category`` value list is the
  categories the account's products already use.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kit.connectors.model import APPLIED, CREATE, UPDATE, ListingRef, ProductItem, PublishResult
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["PluggtoCatalogMixin", "category_levels", "LISTING_PAGE", "VALUE_LIST_PAGES"]

log = logging.getLogger("kit.connectors.pluggto")

#: Products per page of ``GET /products`` (the connector's list limit).
LISTING_PAGE = 100
#: Pages of products read for the value lists (the categories and attributes in use).
VALUE_LIST_PAGES = 20
FAMILY = "catalog"


def category_levels(path: str) -> list[str]:
    """``"A > B > C"`` (or ``A/B/C``) as the entries Plug.to takes: ``["A", "A > B", "A > B > C"]``."""
    parts = [p.strip() for p in str(path).replace("/", ">").split(">") if p.strip()]
    return [" > ".join(parts[: k + 1]) for k in range(len(parts))]


def _unwrap(body: Any) -> dict[str, Any]:
    return body["Product"] if isinstance(body, dict) and isinstance(body.get("Product"), dict) else {}


def _attribute(code: str, value: str) -> dict[str, Any]:
    return {"code": code, "label": code, "value": {"code": value, "label": value}}


class PluggtoCatalogMixin:
    """The publishing hooks of the Plug.to connector."""

    channel: Channel
    request: Any
    get_json: Any
    get_json_or_none: Any
    _pager: Any

    def _sku(self, sku: str) -> dict[str, Any] | None:
        found = self.get_json_or_none(f"/skus/{quote(sku, safe='')}", family=FAMILY)
        return None if found is None else _unwrap(found)

    def _put(self, sku: str, body: dict[str, Any]) -> dict[str, Any]:
        return _unwrap(self.request("PUT", f"/skus/{quote(sku, safe='')}", json_data=body, family=FAMILY).json())

    def _products(self, max_pages: int | None = None) -> list[dict[str, Any]]:
        kw = {"max_pages": max_pages, "stop_at_max": True} if max_pages else {}
        return [_unwrap({"Product": r.get("Product", r)}) for r in
                self._pager({}, **kw).all(lambda p: self.get_json("/products", params=p, family=FAMILY))]  # fmt: skip

    # -- find --------------------------------------------------------------------------------
    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """Each SKU's product by the cheaper read: ``GET /skus/{sku}`` each, or every product when fewer pages."""
        self._warm_token()
        skus = list(dict.fromkeys(skus))
        self._listed_products: set[str] | None = None
        head = self.get_json("/products", params={"limit": 1}, family=FAMILY) or {}
        total = head.get("total")
        if isinstance(total, int) and -(-total // LISTING_PAGE) < len(skus):
            products = self._products()
            self._listed_products = {str(p.get("sku")) for p in products}
        else:
            products = [p for p in (self._sku(s) for s in skus) if p]
        found: dict[str, ListingRef] = {}
        wanted = set(skus)
        for p in products:
            for v in p.get("variations") or []:
                if v.get("sku") in wanted:
                    found[str(v["sku"])] = ListingRef(str(v["sku"]), str(p["id"]), str(v["id"]), str(p["id"]))
            if p.get("sku") in wanted and not p.get("variations"):
                found[str(p["sku"])] = ListingRef(str(p["sku"]), str(p["id"]))
        return found

    # -- bodies ------------------------------------------------------------------------------
    @staticmethod
    def _product_fields(item: ProductItem) -> dict[str, Any]:
        dims = {"length": item.length_cm, "width": item.width_cm, "height": item.height_cm, "weight": item.weight_kg}
        body: dict[str, Any] = {"name": item.title, "description": item.description or item.title,
                                "brand": item.brand, "dimension": {k: float(v) for k, v in dims.items()
                                                                   if v is not None}}  # fmt: skip
        if item.ncm:
            body["ncm"] = item.ncm
        return body

    @staticmethod
    def _sku_fields(item: ProductItem) -> dict[str, Any]:
        body: dict[str, Any] = {
            "quantity": max(0, int(item.stock or 0)), "price": round(float(item.price or 0), 2),
            "attributes": [_attribute(k, str(v)) for k, v in item.channel_attributes.items() if v not in (None, "")],
            "photos": [{"url": u, "order": n} for n, u in enumerate(item.image_urls)],
        }  # fmt: skip
        if item.ean:
            body["ean"] = item.ean
        return body

    # -- create ------------------------------------------------------------------------------
    def create_listing(self, item: ProductItem) -> PublishResult:
        """``PUT /skus/{sku}`` (a new product), or ``PUT /skus/{family}`` with the family's new variation."""
        categories = [{"name": n} for n in category_levels(str(item.channel_category))]
        if not item.parent_sku:
            created = self._put(item.sku, {**self._product_fields(item), **self._sku_fields(item),
                                           "categories": categories})  # fmt: skip
            return PublishResult(item.sku, APPLIED, CREATE, channel_id=str(created["id"]))
        family = str(item.parent_sku)
        exists = self._family_exists(item)
        if isinstance(exists, PublishResult):
            return exists
        variation = {"sku": item.sku, **self._sku_fields(item)}
        body = {"variations": [variation]}
        if not exists:
            body = {**self._product_fields(item), "price": variation["price"], "categories": categories, **body}
        product = self._put(family, body)
        self._families()[family] = True
        held = next(v for v in product.get("variations") or [] if v.get("sku") == item.sku)
        return PublishResult(item.sku, APPLIED, CREATE, channel_id=str(product["id"]), variation_id=str(held["id"]),
                             product_id=str(product["id"]))  # fmt: skip

    def _families(self) -> dict[str, bool]:
        if not hasattr(self, "_family_products"):
            self._family_products: dict[str, bool] = {}
        return self._family_products

    def _family_exists(self, item: ProductItem) -> bool | PublishResult:
        """Is the family's product in Plug.to? Already holding this SKU (a crash after it was added): updated."""
        family = str(item.parent_sku)
        if self._families().get(family):
            return True
        listed = getattr(self, "_listed_products", None)
        if listed is not None and family not in listed:
            return False
        product = self._sku(family)
        if not product:
            return False
        held = next((v for v in product.get("variations") or [] if v.get("sku") == item.sku), None)
        if held is not None:
            from dataclasses import replace

            return self.update_listing(replace(item, channel_id=str(product["id"]), variation_id=str(held["id"])))
        return True

    # -- update ------------------------------------------------------------------------------
    def update_listing(self, item: ProductItem) -> PublishResult:
        """Read the product, then ``PUT`` the content with the entries' ids (no price, no quantity)."""
        product = self._sku(item.sku)
        if not product:
            raise ChannelFatalError(f"o SKU {item.sku} não está mais no Plug.to", channel=self.channel.name,
                                    hint="o vínculo está desatualizado: rode 'kit sync products' de novo")  # fmt: skip
        holder = next((v for v in product.get("variations") or [] if v.get("sku") == item.sku), None)
        own = self._changed_entries(item, holder or product)
        if item.ean:
            own["ean"] = item.ean
        fields = self._product_fields(item)
        changes = _category_changes(product.get("categories") or [], item.channel_category or "")
        if item.channel_category and changes:
            fields["categories"] = changes
        if holder is None:
            self._put(item.sku, {**fields, **own})
            return PublishResult(item.sku, APPLIED, UPDATE, channel_id=str(product["id"]))
        if own:
            self._put(item.sku, own)
        if (product.get("variations") or [{}])[0].get("sku") == item.sku:  # the family follows its first variation
            self._put(str(product["sku"]), fields)
        return PublishResult(item.sku, APPLIED, UPDATE, channel_id=str(product["id"]), variation_id=str(holder["id"]),
                             product_id=str(product["id"]))  # fmt: skip

    @staticmethod
    def _changed_entries(item: ProductItem, current: dict[str, Any]) -> dict[str, Any]:
        """Attributes and photos to send, with the ids of the entries they change (see the module docstring)."""
        out: dict[str, Any] = {}
        by_code = {str(a.get("code")): a for a in current.get("attributes") or []}
        attrs = []
        for code, value in item.channel_attributes.items():
            held = by_code.get(code)
            if value in (None, "") or (held and (held.get("value") or {}).get("code") == str(value)):
                continue
            attrs.append({**_attribute(code, str(value)), **({"id": held["id"]} if held else {})})
        if attrs:
            out["attributes"] = attrs
        if item.image_urls:
            photos = current.get("photos") or []
            urls = {str(p.get("url")) for p in photos}
            changes = [{"id": p["id"], "remove": True} for p in photos if p.get("url") not in item.image_urls]
            changes += [{"url": u, "order": n} for n, u in enumerate(item.image_urls) if u not in urls]
            if changes:
                out["photos"] = changes
        return out

    # -- value lists -------------------------------------------------------------------------
    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """``category`` rows (the deepest paths the account's products use) and ``attribute`` rows in use."""
        categories: dict[str, dict[str, Any]] = {}
        attributes: dict[tuple[str, str], dict[str, Any]] = {}
        for p in self._products(VALUE_LIST_PAGES):
            names = [str(c.get("name")) for c in p.get("categories") or [] if c.get("name")]
            for name in names:
                if not any(other.startswith(name + " >") for other in names):
                    categories.setdefault(name, {"category": name, "code": "", "description": "em uso"})
            for holder in [p, *(p.get("variations") or [])]:
                for a in holder.get("attributes") or []:
                    value = str((a.get("value") or {}).get("code") or "")
                    attributes.setdefault(
                        (str(a.get("code")), value),
                        {"attribute": a.get("code"), "value": value, "code": a.get("id"), "description": "em uso"},
                    )
        return {"category": list(categories.values()), "attribute": list(attributes.values())}


def _category_changes(current: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    """The entries to add (no id) and to remove (``id`` + ``remove``) for the product to sit in ``path`` only."""
    wanted = category_levels(path)
    names = {str(c.get("name")) for c in current}
    changes = [{"id": c["id"], "remove": True} for c in current if c.get("name") not in wanted and c.get("id")]
    return changes + [{"name": n} for n in wanted if n not in names]
