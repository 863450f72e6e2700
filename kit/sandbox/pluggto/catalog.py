"""Plug.to sandbox: products (with variations) and the SKU endpoint.

From ``../shared/channel-apis.md`` §5.2 (developers.plugg.to, the Postman
collection's introduction): "Products and Skus is the same; the Skus endpoint
was built to avoid the need to know the internal id": ``GET /products`` lists
(keyset paging: ``next`` = the last product's id, as integrations use it),
``GET|PUT /skus/{sku}`` reads and updates one SKU (a product or a variation)
with only the fields sent: ``quantity`` an integer ≥ 0, ``price`` and
``special_price`` numbers ≥ 0; a PUT on a SKU that does not exist creates the
product (:mod:`~kit.sandbox.pluggto.publishing`: what creation needs, the
arrays merged by id). A variation family is the catalogue's rows sharing a
``parent_sku`` (never unrelated rows).
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Request, route
from kit.sandbox.pluggto.common import keyset_page, plg_error
from kit.sandbox.pluggto.publishing import Refused, apply_fields, check_fields, new_product

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
        """The product or variation holding ``sku`` (a product with variations answers to its own sku too)."""
        found = self.state.data["by_sku"].get(sku)
        if found is None:
            found = next((p for p in self.state.data["products"].values() if p["sku"] == sku), None)
        return found

    @route("GET", "/products")
    def products_list(self, req: Request) -> Any:
        with self.state.lock:
            rows = [self.state.data["products"][k] for k in sorted(self.state.data["products"])]
        return keyset_page(rows, req, lambda p: p["id"], "Product", newest_first=False)

    @route("GET", "/skus/{sku}")
    def sku_get(self, req: Request) -> Any:
        """The product of ``sku``: a variation's SKU answers with its whole product (inferred: the introduction's
        "Products and Skus is the same", and the answer is wrapped as a ``Product``)."""
        rec = self.sku_record(unquote(req.params["sku"]))
        if rec is None:
            return plg_error(404, "not_found", "Sku not found")
        return {"Product": copy.deepcopy(self._owner(rec))}

    @route("PUT", "/skus/{sku}")
    def sku_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not body:
            raise BadRequest("body must be an object with the fields to change")
        sku = unquote(req.params["sku"])
        with self.state.lock:
            try:
                rec = self.sku_record(sku)
                product = self._create(sku, body) if rec is None else self._change(rec, body)
            except Refused as exc:
                return plg_error(400, "validation", str(exc))
            return {"Product": copy.deepcopy(product)}

    def _next_id(self) -> str:
        self.state.data["next_entry"] = self.state.data.get("next_entry", 0) + 1
        return f"60c{self.state.data['next_entry']:021x}"

    def _create(self, sku: str, body: dict[str, Any]) -> dict[str, Any]:
        check_fields(body, creating=True)
        variations = body.get("variations") or []
        for var in variations:
            check_fields(var if isinstance(var, dict) else {"sku": None}, creating=False, where="variation ")
        skus = [str((v or {}).get("sku") or "") for v in variations]
        if any(not s or s in self.state.data["by_sku"] for s in skus) or len(set(skus)) != len(skus):
            raise Refused("each variation needs a sku of its own that is not in the account yet")
        pid = f"plg{100000 + len(self.state.data['products']) + 1}"
        product = new_product(pid, sku, body, self._next_id)
        self.state.data["products"][pid] = product
        for rec in product["variations"] or [product]:
            self.state.data["by_sku"][rec["sku"]] = rec
        return product

    def _owner(self, rec: dict[str, Any]) -> dict[str, Any]:
        if rec.get("variations") is not None:
            return rec
        return next(p for p in self.state.data["products"].values() if any(v is rec for v in p["variations"]))

    def _change(self, rec: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """Apply ``body`` to the product or variation ``rec`` (all or nothing); answers its product."""
        product = self._owner(rec)
        check_fields(body, creating=False)
        draft = copy.deepcopy(product)
        target = draft if rec is product else next(v for v in draft["variations"] if v["id"] == rec["id"])
        apply_fields(target, body, self._next_id)
        if target is draft and "variations" in body:
            self._change_variations(draft, body["variations"])
        if draft["variations"]:
            draft["quantity"] = sum(int(v.get("quantity") or 0) for v in draft["variations"])
        for old in product["variations"] or [product]:
            self.state.data["by_sku"].pop(old["sku"], None)
        product.clear()
        product.update(draft)
        for new in product["variations"] or [product]:
            self.state.data["by_sku"][new["sku"]] = new
        return product

    def _change_variations(self, product: dict[str, Any], sent: Any) -> None:
        if not isinstance(sent, list):
            raise Refused("variations must be a list")
        for var in sent:
            check_fields(var if isinstance(var, dict) else {}, creating=False, where="variation ")
            found = next((v for v in product["variations"] if var.get("id") and v["id"] == var["id"]), None)
            if var.get("remove"):
                product["variations"] = [v for v in product["variations"] if v is not found]
            elif found is not None:
                apply_fields(found, var, self._next_id)
            elif var.get("id"):
                raise Refused(f"variation {var['id']} not found")
            else:
                sku = str(var.get("sku") or "")
                taken = {v["sku"] for v in product["variations"]} | set(self.state.data["by_sku"]) - {product["sku"]}
                if not sku or sku in taken:
                    raise Refused(f"variation sku '{sku}' is missing or already in the account")
                record = {"id": f"{product['id']}-{self._next_id()}", "sku": sku, "quantity": 0,
                          "price": product.get("price"), "special_price": None, "attributes": [], "photos": []}  # fmt: skip
                apply_fields(record, var, self._next_id)
                product["variations"].append(record)
