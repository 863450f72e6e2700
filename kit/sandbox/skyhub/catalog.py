"""SkyHub sandbox: products and variations, their listing (pages and cursor) and updates.

From ``../shared/channel-apis.md`` §4.2 (skyhub.gelato.io products,
desenvolvedores.skyhub.com.br "paginação e filtros", "produto simples e variável"):

* a configurable product is one ``sku`` with ``variations[{sku, qty, ean,
  price, promotional_price, specifications}]`` and ``variation_attributes``;
  here a variation family is the catalogue's rows sharing a ``parent_sku``
  (never unrelated rows), the product's sku being that ``parent_sku``;
* ``GET /products?page&per_page``: per_page ≤ 100 (more is capped), 400 past the
  first 10,000 records; the cursor pages: every answer with more to come
  carries ``next``, the URL of the next page, which goes past 10,000;
* ``GET /products/{sku}`` answers a variation's sku with its product (notes:
  "consulta produto");
* ``PUT /products/{sku}`` ``{"product": {...}}`` and ``PUT /variations/{sku}``
  ``{"variation": {...}}`` with only the fields that change (content fields:
  :meth:`~kit.sandbox.skyhub.publishing.PublishingRoutes.apply_content`): ``qty`` an
  integer ≥ 0, prices numbers > 0 (comunicado 2025 "criação e atualização de
  produtos e variações": never 0 or null) with ``promotional_price`` ≤ ``price``; the
  stock of a configurable product lives on its variations (❓: refused on the
  product).
"""

from __future__ import annotations

import base64
import copy
from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Reply, Request, route
from kit.sandbox.skyhub.common import PAGE_MAX, is_int, is_number, sky_error

__all__ = ["CatalogRoutes", "build_products", "CURSOR_PAGE_DEFAULT"]

#: desenvolvedores.skyhub.com.br "produto simples e variável": the listing answers 25 per page by default.
CURSOR_PAGE_DEFAULT = 25
_SPEC_KEYS = (("color", "Cor"), ("size", "Tamanho"))


def _price_pair(row: dict[str, Any]) -> tuple[float, float]:
    """(price "de", promotional_price "por") of a catalogue row."""
    selling = round(float(row.get("price") or 0), 2)
    return round(selling * 1.1, 2), selling


def _variation(row: dict[str, Any]) -> dict[str, Any]:
    price, promo = _price_pair(row)
    specs = [{"key": label, "value": str(row[key]).strip()} for key, label in _SPEC_KEYS if str(row.get(key) or "")]
    return {
        "sku": str(row["sku"]),
        "qty": int(row.get("stock") or 0),
        "ean": str(row.get("ean") or ""),
        "price": price,
        "promotional_price": promo,
        "images": [],
        "specifications": specs,
    }


def _own_specs(head: dict[str, Any], variations: list[dict[str, Any]], category: dict[str, Any] | None) -> list:
    """The product-level specifications a seller's product carries: its colour and size when it has no variations,
    and a value for every attribute its category requires that the rows do not hold ("Único", the first value)."""
    specs = [] if variations else [{"key": label, "value": str(head[key]).strip()} for key, label in _SPEC_KEYS
                                   if str(head.get(key) or "")]  # fmt: skip
    held = {s["key"] for s in specs} | {s["key"] for v in variations for s in v["specifications"]}
    for row in (category or {}).get("attributes") or []:
        if row["required"] and row["name"] not in held:
            value = "Único" if row["name"] == "Tamanho" else row["value"]
            specs.append({"key": row["name"], "value": value})
            held.add(row["name"])
    return specs


def _product(
    head: dict[str, Any], sku: str, variations: list[dict[str, Any]], category: dict[str, Any] | None
) -> dict[str, Any]:
    price, promo = _price_pair(head)
    keys = [k for _, k in _SPEC_KEYS if any(s["key"] == k for v in variations for s in v["specifications"])]
    return {
        "sku": sku,
        "name": str(head["title"]),
        "description": str(head["title"]),
        "status": "enabled" if head.get("active", True) else "disabled",
        "removed": False,
        "qty": 0 if variations else int(head.get("stock") or 0),
        "price": price,
        "promotional_price": promo,
        "cost": None,
        "weight": head.get("weight_kg"),
        "height": head.get("height_cm"),
        "width": head.get("width_cm"),
        "length": head.get("length_cm"),
        "brand": head.get("brand"),
        "ean": "" if variations else str(head.get("ean") or ""),
        "nbm": str(head.get("ncm") or ""),
        "categories": [{"code": category["id"], "name": category["path"]}] if category else [],
        "images": [],
        "specifications": _own_specs(head, variations, category),
        "variations": variations,
        "variation_attributes": keys,
    }


def build_products(
    catalog: list[dict[str, Any]], with_variations: bool, category_of: Any = lambda path: None
) -> dict[str, dict[str, Any]]:
    """Products by sku: a family (same ``parent_sku``) is one configurable product, the rest simple ones.

    ``category_of(erp_path)`` answers the category-list entry a product sits in (``None``: none).
    """
    families: dict[str, list[dict[str, Any]]] = {}
    order: list[tuple[str, str]] = []  # (kind, key) in catalogue order
    for row in catalog:
        parent = str(row.get("parent_sku") or "").strip()
        if with_variations and parent:
            if parent not in families:
                families[parent] = []
                order.append(("family", parent))
            families[parent].append(row)
        else:
            order.append(("simple", str(row["sku"])))
    rows = {str(r["sku"]): r for r in catalog}
    products: dict[str, dict[str, Any]] = {}
    for kind, key in order:
        head = families[key][0] if kind == "family" else rows[key]
        category = category_of(str(head.get("category") or ""))
        variations = [_variation(r) for r in families[key]] if kind == "family" else []
        products[key] = _product(head, key, variations, category)
    return products


def _cursor(sku: str) -> str:
    return base64.urlsafe_b64encode(sku.encode("utf-8")).decode("ascii").rstrip("=")


def _after(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("invalid cursor") from None


def _apply(target: dict[str, Any], fields: dict[str, Any], *, configurable: bool = False) -> None:
    """Validate then apply ``qty``/``price``/``promotional_price``/``status``; :class:`BadRequest` on a bad field."""
    if "qty" in fields:
        if configurable:
            raise BadRequest("the stock of a product with variations is updated per variation", 422)
        if not is_int(fields["qty"]) or fields["qty"] < 0:
            raise BadRequest("qty must be an integer >= 0")
    for key in ("price", "promotional_price"):  # comunicado 2025: prices may not be 0 or null
        if key in fields and (not is_number(fields[key]) or fields[key] <= 0):
            raise BadRequest(f"{key} must be a number greater than 0")
    if "status" in fields and fields["status"] not in ("enabled", "disabled"):
        raise BadRequest("status must be enabled or disabled")
    price = fields.get("price", target.get("price"))
    promo = fields.get("promotional_price", target.get("promotional_price"))
    if price is not None and promo is not None and promo > price:
        raise BadRequest("promotional_price must not be greater than price", 422)
    for key in ("qty", "price", "promotional_price", "status"):
        if key in fields:
            target[key] = fields[key] if key in ("qty", "status") else float(fields[key])


class CatalogRoutes:
    """``/products`` and ``/variations`` (a mixin of the sandbox)."""

    state: Any
    deep_paging_max: int
    apply_content: Any

    def _listed(self, req: Request) -> list[dict[str, Any]]:
        status = req.q("status")
        with self.state.lock:
            rows = sorted(self.state.data["products"].values(), key=lambda p: p["sku"])
        return [p for p in rows if not status or p["status"] == status]

    @route("GET", "/products")
    def products_list(self, req: Request) -> Any:
        rows = self._listed(req)
        try:
            per_page = max(1, min(int(req.q("per_page", "0") or 0) or PAGE_MAX, PAGE_MAX))
            page = int(req.q("page") or 0)
        except ValueError:
            raise BadRequest("page and per_page must be numbers") from None
        if req.q("cursor") is not None:
            after = _after(req.q("cursor") or "")
            start = next((i for i, p in enumerate(rows) if p["sku"] > after), len(rows))
        elif page:
            if page < 1 or page * per_page > self.deep_paging_max:
                raise BadRequest(f"deep paging is not allowed past {self.deep_paging_max} records; use filters")
            start = (page - 1) * per_page
        else:
            per_page = min(int(req.q("per_page") or CURSOR_PAGE_DEFAULT), PAGE_MAX)
            start = 0
        chunk = rows[start : start + per_page]
        body: dict[str, Any] = {"products": [_copy(p) for p in chunk], "total": len(rows)}
        if chunk and start + len(chunk) < len(rows):
            host = req.header("Host") or "api.skyhub.com.br"
            body["next"] = f"http://{host}/products?cursor={_cursor(chunk[-1]['sku'])}&per_page={per_page}"
        return body

    @route("GET", "/products/{sku}")
    def product_get(self, req: Request) -> Any:
        sku = unquote(req.params["sku"])
        product = self.state.data["products"].get(sku)
        if product is None:  # a variation's sku answers with its product
            product = self.state.data["products"].get(self.state.data["variation_of"].get(sku, ""))
        return _copy(product) if product is not None else sky_error(404, "Product not found")

    @route("PUT", "/products/{sku}")
    def product_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("product"), dict) or not body["product"]:
            raise BadRequest('body must be {"product": {...}} with the fields to change')
        with self.state.lock:
            product = self.state.data["products"].get(unquote(req.params["sku"]))
            if product is None:
                return sky_error(404, "Product not found")
            draft = copy.deepcopy(product)
            _apply(draft, body["product"], configurable=bool(draft["variations"]))
            problem = self.apply_content(draft, body["product"], draft)
            if problem:
                return sky_error(422, problem)
            product.clear()
            product.update(draft)
        return Reply(204)

    @route("PUT", "/variations/{sku}")
    def variation_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("variation"), dict) or not body["variation"]:
            raise BadRequest('body must be {"variation": {...}} with the fields to change')
        sku = unquote(req.params["sku"])
        with self.state.lock:
            product = self.state.data["products"].get(self.state.data["variation_of"].get(sku, ""))
            if product is None or self.variation(sku) is None:
                return sky_error(404, "Variation not found")
            draft = copy.deepcopy(product)
            variation = next(v for v in draft["variations"] if v["sku"] == sku)
            _apply(variation, body["variation"])
            problem = self.apply_content(variation, body["variation"], draft)
            if problem:
                return sky_error(422, problem)
            product.clear()
            product.update(draft)
        return Reply(204)

    def variation(self, sku: str) -> dict[str, Any] | None:
        """The variation ``sku`` of any product (``None``: no such variation)."""
        parent = self.state.data["products"].get(self.state.data["variation_of"].get(sku, ""))
        return next((v for v in parent["variations"] if v["sku"] == sku), None) if parent else None


def _copy(product: dict[str, Any]) -> dict[str, Any]:
    return dict(product, variations=[dict(v) for v in product["variations"]])
