"""Plug.to sandbox: products (with variations) and the SKU endpoint.

From ``../shared/channel-apis.md`` §5.2 (developers.plugg.to, the Postman
collection's introduction): "Products and Skus is the same; the Skus endpoint
was built to avoid the need to know the internal id": ``GET /products`` lists
(keyset paging: ``next`` = the last product's id, as integrations use it),
``GET|PUT /skus/{sku}`` reads and updates one SKU (a product or a variation)
with only the fields sent: ``quantity`` an integer ≥ 0, ``price`` and
``special_price`` numbers ≥ 0. A variation family is the catalogue's rows
sharing a ``parent_sku`` (never unrelated rows).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Request, route
from kit.sandbox.pluggto.common import is_int, is_number, keyset_page, plg_error

__all__ = ["CatalogRoutes", "build_products"]

_ATTRIBUTES = (("color", "Cor"), ("size", "Tamanho"))


def _sku_fields(row: dict[str, Any]) -> dict[str, Any]:
    selling = round(float(row.get("price") or 0), 2)
    return {
        "sku": str(row["sku"]),
        "ean": str(row.get("ean") or ""),
        "quantity": int(row.get("stock") or 0),
        "price": round(selling * 1.1, 2),
        "special_price": selling,
    }


def _variation(pid: str, k: int, row: dict[str, Any]) -> dict[str, Any]:
    attributes = [
        {"code": code, "label": label, "value": {"code": str(row[code]).strip(), "label": str(row[code]).strip()}}
        for code, label in _ATTRIBUTES
        if str(row.get(code) or "").strip()
    ]
    return {"id": f"{pid}-{k}", **_sku_fields(row), "attributes": attributes}


def _product(pid: str, head: dict[str, Any], sku: str, variations: list[dict[str, Any]]) -> dict[str, Any]:
    product = {
        "id": pid,
        "name": str(head["title"]),
        "brand": head.get("brand"),
        "ncm": str(head.get("ncm") or ""),
        "status": bool(head.get("active", True)),
        "dimension": {
            "length": head.get("length_cm"),
            "width": head.get("width_cm"),
            "height": head.get("height_cm"),
            "weight": head.get("weight_kg"),
        },  # fmt: skip
        "variations": variations,
    }
    product.update(_sku_fields(head))
    product["sku"] = sku
    if variations:
        product["quantity"] = sum(v["quantity"] for v in variations)
    return product


def build_products(catalog: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Products by id (``plg100001``...): a family (same ``parent_sku``) is one product with variations."""
    families: dict[str, list[dict[str, Any]]] = {}
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for row in catalog:
        parent = str(row.get("parent_sku") or "").strip()
        if parent and parent in families:
            families[parent].append(row)
        elif parent:
            families[parent] = [row]
            groups.append((parent, families[parent]))
        else:
            groups.append((str(row["sku"]), [row]))
    products = {}
    for n, (sku, rows) in enumerate(groups, 1):
        pid = f"plg{100000 + n}"
        variations = [_variation(pid, k, r) for k, r in enumerate(rows, 1)] if len(rows) > 1 else []
        products[pid] = _product(pid, rows[0], sku, variations)
    return products


class CatalogRoutes:
    """``/products`` and ``/skus/{sku}`` (a mixin of the sandbox)."""

    state: Any

    def sku_record(self, sku: str) -> dict[str, Any] | None:
        """The product or variation holding ``sku``."""
        return self.state.data["by_sku"].get(sku)

    @route("GET", "/products")
    def products_list(self, req: Request) -> Any:
        with self.state.lock:
            rows = [self.state.data["products"][k] for k in sorted(self.state.data["products"])]
        return keyset_page(rows, req, lambda p: p["id"], "Product", newest_first=False)

    @route("GET", "/skus/{sku}")
    def sku_get(self, req: Request) -> Any:
        rec = self.sku_record(unquote(req.params["sku"]))
        return {"Product": rec} if rec is not None else plg_error(404, "not_found", "Sku not found")

    @route("PUT", "/skus/{sku}")
    def sku_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not body:
            raise BadRequest("body must be an object with the fields to change")
        if "quantity" in body and (not is_int(body["quantity"]) or body["quantity"] < 0):
            return plg_error(400, "validation", "quantity must be an integer >= 0")
        for key in ("price", "special_price"):
            if key in body and (not is_number(body[key]) or body[key] < 0):
                return plg_error(400, "validation", f"{key} must be a number >= 0")
        with self.state.lock:
            rec = self.sku_record(unquote(req.params["sku"]))
            if rec is None:
                return plg_error(404, "not_found", "Sku not found")
            for key in ("quantity", "price", "special_price"):
                if key in body:
                    rec[key] = body[key] if key == "quantity" else float(body[key])
        return {"Product": rec}
