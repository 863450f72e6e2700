"""Plug.to sandbox: ``PUT /skus/{sku}`` creating a product, and the product fields a PUT changes.

From developers.plugg.to (reference pages "Update and delete categories",
"Create/update and delete attributes", "... price table", "... stock table":
``PUT https://api.plugg.to/skus/{sku}``; the introduction: "Products and Skus is
the same"), ``../shared/channel-apis.md`` §5.2 and the official SDK
plugg-to/pluggto-php (``PluggProduct::sendProductToPlugg``: ``PUT /skus/{sku}``
for both creating and editing, "the data compared for editing is the sku"):

* a SKU that does not exist is **created** by the PUT (a product; its
  ``variations[]`` are its SKUs); one that exists is changed, product or
  variation alike; the answer is ``{"Product": …}``;
* the arrays ``categories``, ``attributes``, ``photos`` (and ``variations``) are
  **merged**, not replaced (✅ for categories and attributes): an entry with an
  ``id`` changes that entry, ``{"id", "remove": true}`` deletes it, an entry
  without ``id`` is added with a new id (photos and variations: inferred, the
  same rule); a variation without ``id`` whose sku exists already is refused
  (a sku is unique in the account);
* categories are names, one entry per level (``"base > sub"``); attributes
  ``{code, label, value{code, label}}``; photos ``{url, order}``;
* creating needs a ``name`` (inferred: the SDK only checks ``sku``, but no
  sales channel takes a product without a name; this also keeps a stock write
  for an unknown SKU from creating an empty product); numbers are JSON
  numbers, photo URLs http(s).

Errors: the update pages' body ``{"error": true, "type", "message", "details"}``
(HTTP status not documented: 400 here). Imports nothing from ``kit.connectors``.
"""

from __future__ import annotations

import re
from typing import Any

from kit.sandbox.pluggto.common import is_int, is_number

__all__ = ["Refused", "check_fields", "merge", "new_product", "apply_fields", "ARRAYS"]

_URL = re.compile(r"^https?://\S+$", re.I)
#: The arrays merged by id (entries without id are added).
ARRAYS = ("categories", "attributes", "photos")
_SCALARS = ("name", "description", "short_description", "brand", "ean", "ncm", "warranty_time", "handling_time",
            "external", "link", "status", "price", "special_price", "quantity")  # fmt: skip


class Refused(Exception):
    """A field Plug.to refuses (answered 400 with ``type: validation``)."""


def check_fields(body: dict[str, Any], *, creating: bool, where: str = "") -> None:
    """Raise :class:`Refused` for a field of ``body`` Plug.to does not take."""
    if creating and not str(body.get("name") or "").strip():
        raise Refused(f"{where}name is required to create a product")
    if "quantity" in body and (not is_int(body["quantity"]) or body["quantity"] < 0):
        raise Refused(f"{where}quantity must be an integer >= 0")
    for key in ("price", "special_price"):
        if key in body and (not is_number(body[key]) or body[key] < 0):
            raise Refused(f"{where}{key} must be a number >= 0")
    dimension = body.get("dimension", {})
    if not isinstance(dimension, dict) or any(not is_number(v) or v < 0 for v in dimension.values()):
        raise Refused(f"{where}dimension must hold numbers >= 0 (length, width, height, weight)")
    for entry in body.get("categories") or []:
        if not isinstance(entry, dict) or not (entry.get("name") or entry.get("id")):
            raise Refused(f"{where}each category needs a name")
    for entry in body.get("attributes") or []:
        if not isinstance(entry, dict) or not (entry.get("code") or entry.get("id")):
            raise Refused(f"{where}each attribute needs a code")
        if not entry.get("remove") and not isinstance(entry.get("value", {}), dict):
            raise Refused(f"{where}attribute value must be {{code, label}}")
    for entry in body.get("photos") or []:
        if not isinstance(entry, dict) or not (entry.get("id") or _URL.match(str(entry.get("url") or ""))):
            raise Refused(f"{where}each photo needs an http(s) url")


def merge(current: list[dict[str, Any]], sent: list[dict[str, Any]], next_id: Any) -> list[dict[str, Any]]:
    """``current`` with ``sent`` merged by id: change, ``remove: true`` deletes, no id adds."""
    out = [dict(e) for e in current]
    for entry in sent:
        found = next((e for e in out if entry.get("id") and e.get("id") == entry["id"]), None)
        if entry.get("remove"):
            out = [e for e in out if e is not found]
        elif found is not None:
            found.update(entry)
        elif entry.get("id"):
            raise Refused(f"id {entry['id']} not found")
        else:
            out.append({**entry, "id": next_id()})
    return out


def apply_fields(target: dict[str, Any], body: dict[str, Any], next_id: Any) -> None:
    """The scalar fields, ``dimension`` and the merged arrays of ``body`` into ``target`` (checked before)."""
    for key in _SCALARS:
        if key in body:
            target[key] = float(body[key]) if key in ("price", "special_price") else body[key]
    if "dimension" in body:
        target["dimension"] = {**(target.get("dimension") or {}), **body["dimension"]}
    for key in ARRAYS:
        if key in body:
            target[key] = merge(target.get(key) or [], body[key], next_id)


def new_product(pid: str, sku: str, body: dict[str, Any], next_id: Any) -> dict[str, Any]:
    """A product created by ``PUT /skus/{sku}`` (its variations get ids)."""
    product: dict[str, Any] = {"id": pid, "sku": sku, "status": True, "quantity": 0, "price": 0.0,
                               "special_price": None, "dimension": {}, "categories": [], "attributes": [],
                               "photos": [], "variations": []}  # fmt: skip
    apply_fields(product, body, next_id)
    for k, var in enumerate(body.get("variations") or [], 1):
        record = {"id": f"{pid}-{k}", "sku": str(var["sku"]), "quantity": 0, "price": product["price"],
                  "special_price": None, "attributes": [], "photos": []}  # fmt: skip
        apply_fields(record, var, next_id)
        product["variations"].append(record)
    if product["variations"]:
        product["quantity"] = sum(int(v.get("quantity") or 0) for v in product["variations"])
    return product
