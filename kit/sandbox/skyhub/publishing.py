"""SkyHub sandbox: product creation (simple and variable), variations added later, categories and brands.

From desenvolvedores.skyhub.com.br ("Produto simples", "Produto variável",
"Consultar lista de Categorias", "Consultar Marcas", comunicado 2025 "Criação e
atualização de produtos e variações no Marketplace"), skyhub.gelato.io products
and the official SDK bittools/skyhub-php (``ProductHandler::create`` and
``createVariation``):

* ``POST /products`` ``{"product": {sku, name, description, status, qty, price,
  promotional_price, weight, height, width, length, brand, ean, nbm,
  categories[{code, name}], images[url], specifications[{key, value}],
  variations[{sku, qty, ean, images, specifications, price, promotional_price,
  weight, height, width, length}], variation_attributes[]}}`` answers 201; a
  sku (of a product or a variation) that exists is refused with 422;
* ``POST /products/{sku}/variations`` ``{"variation": {...}}`` adds a variation
  (SDK ``createVariation``); ``GET /products/{sku}`` answers a variation's sku
  with its product (notes: "consulta produto");
* the 2025 structure: the category is one of the list
  (``GET https://omnik.skyhub.com.br/categories``, served here under
  ``/omnik/categories``: ``{total, limit, offset, values[{id, eanRequired,
  categoryData{id, name, id1, name1, …}, attributes[{name, value, variant,
  toSKU, required, active}]}]}``, at most 10 per page), sent as
  ``categories[{code: <id>, name}]`` (inferred: the page names the id, not the
  field); its attributes go in ``specifications`` (only category attributes),
  the required ones must be there (on the product, or on every variation for
  ``variant`` ones) with a value of the list where it has one; the brand must
  be one of ``GET /brands`` (10 per page; sent by name, inferred); prices may
  not be 0 or null; the EAN where the category's ``eanRequired``;
* what the gitbook's status page says: 422 for a business rule, ``{"error": …}``.

Measures must be numbers > 0 (homologation: "correto preenchimento do peso,
dimensões"; the threshold is inferred). Imports nothing from ``kit.connectors``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Reply, Request, route
from kit.sandbox.skyhub.common import is_int, is_number, sky_error

__all__ = [
    "PublishingRoutes",
    "build_categories",
    "category_requirements",
    "LIST_PAGE_MAX",
    "BASE_CATEGORIES",
    "BASE_BRANDS",
]

#: "Consultar Marcas" / omnik categories: 10 per page at most.
LIST_PAGE_MAX = 10
#: The sample catalogue's category paths (kit.sample), so every generated product has a category.
BASE_CATEGORIES = (
    "Calçados > Tênis", "Roupas > Camisetas", "Roupas > Jaquetas", "Acessórios > Mochilas", "Casa > Utilidades",
    "Eletrônicos > Áudio", "Eletroportáteis > Cozinha", "Casa > Cozinha", "Casa > Iluminação", "Esporte > Futebol",
    "Eletrônicos > Acessórios", "Acessórios > Relógios", "Casa > Cama, Mesa e Banho", "Ferramentas > Manuais",
)  # fmt: skip
#: The brands of the list (GET /brands): the sample catalogue's (kit.sample), a few of the marketplace's own, and
#: the seeded catalogue's (the real list holds thousands: lookups must page).
BASE_BRANDS = ("Atlântica", "Ipê", "Vértice", "Serra Azul", "Carioca", "Pampa", "Jangada", "Cerrado", "Maré", "Boto",
               "Genérica", "Sem Marca", "Tramontina", "Mondial", "Britânia", "Philco", "Arno", "Oster", "Multilaser",
               "Intelbras")  # fmt: skip
_COLORS = ("Preto", "Branco", "Azul", "Vermelho", "Cinza", "Verde", "Rosa", "Amarelo", "Bege", "Marrom")
_SIZES = ("PP", "P", "M", "G", "GG", "XG", "34", "36", "38", "40", "42", "44", "Único")
_URL = re.compile(r"^https?://\S+$", re.I)
_MEASURES = ("weight", "height", "width", "length")


def _attribute_rows(name: str, values: tuple[str, ...], *, required: bool, variant: bool) -> list[dict[str, Any]]:
    return [{"marketplace": "B2W", "name": name, "nameId": name.upper(), "value": v, "valueId": f"{name[:3]}{k}",
             "group": "Ficha técnica", "type": "select", "toSKU": variant, "variant": variant, "binary": False,
             "active": True, "required": required} for k, v in enumerate(values, 1)]  # fmt: skip


def category_requirements(path: str) -> tuple[list[dict[str, Any]], bool]:
    """(attribute rows, eanRequired) of a category: colour everywhere, size on clothes and shoes, voltage on
    appliances (the "Endpoint Atributos" page's examples of attributes the marketplace requires per category)."""
    root = path.split(">")[0].strip()
    rows = _attribute_rows("Cor", _COLORS, required=True, variant=True)
    rows += _attribute_rows("Tamanho", _SIZES, required=root in ("Roupas", "Calçados"), variant=True)
    rows += _attribute_rows("Voltagem", ("110V", "220V", "Bivolt"), required=root == "Eletroportáteis", variant=True)
    rows += [{**_attribute_rows("Material", ("",), required=False, variant=False)[0], "value": "", "type": "text"}]
    return rows, root == "Eletrônicos"


def build_categories(paths: list[str]) -> dict[str, dict[str, Any]]:
    """The category list entries by id (``"100001"``...), one per ``"Root > Leaf"`` path."""
    out: dict[str, dict[str, Any]] = {}
    for n, path in enumerate(dict.fromkeys(p for p in paths if p and ">" in p), 1):
        root, leaf = (part.strip() for part in path.split(">", 1))
        attributes, ean = category_requirements(path)
        cat_id = f"{100000 + n}"
        out[cat_id] = {"id": cat_id, "tenant": "americanas", "operator": "B2W", "channel": "B2W", "eanRequired": ean,
                       "categoryData": {"tag": "leaf", "id": cat_id, "name": leaf, "id1": f"{200000 + n}",
                                        "name1": root, "id2": cat_id, "name2": leaf},
                       "attributes": attributes, "path": f"{root} > {leaf}"}  # fmt: skip
    return out


def _page(rows: list[dict[str, Any]], req: Request) -> dict[str, Any]:
    try:
        limit = min(int(req.q("limit") or LIST_PAGE_MAX), LIST_PAGE_MAX)
        offset = int(req.q("offset") or 0)
    except ValueError:
        raise BadRequest("limit and offset must be numbers") from None
    return {"total": len(rows), "limit": limit, "offset": str(offset), "sort": "id",
            "values": rows[offset : offset + limit]}  # fmt: skip


class _Refused(Exception):
    """A field SkyHub refuses (answered 422 with the message)."""


def _positive(fields: dict[str, Any], key: str, what: str) -> None:
    if key in fields and (not is_number(fields[key]) or fields[key] <= 0):
        raise _Refused(f"{what}{key} must be a number greater than 0")


class PublishingRoutes:
    """Categories, brands, product creation and content checks (a mixin of the sandbox)."""

    state: Any

    # -- lists -------------------------------------------------------------------------
    @route("GET", "/omnik/categories")
    def omnik_categories(self, req: Request) -> Any:
        rows = [{k: v for k, v in c.items() if k != "path"} for c in self.state.data["categories"].values()]
        return _page(rows, req)

    @route("GET", "/brands")
    def brands(self, req: Request) -> Any:
        rows = [{"tenant": "americanas", "operator": "B2W", "brandData": {"id": b["id"], "code": b["id"],
                 "name": b["name"]}} for b in self.state.data["brands"].values()]  # fmt: skip
        return _page(rows, req)

    def category_of(self, fields: dict[str, Any]) -> dict[str, Any] | None:
        for cat in fields.get("categories") or []:
            found = self.state.data["categories"].get(str((cat or {}).get("code") or ""))
            if found is not None:
                return found
        return None

    # -- checks --------------------------------------------------------------------------
    def check_content(self, fields: dict[str, Any], *, variation: bool, creating: bool) -> None:
        """Raise :class:`_Refused` for a content field SkyHub refuses (only the fields sent, unless ``creating``)."""
        what = "variation " if variation else ""
        needed = ("sku", "qty") if variation else ("sku", "name", "status", "qty", "price", "promotional_price",
                                                   *_MEASURES, "brand", "categories")  # fmt: skip
        for key in needed if creating else ():
            if fields.get(key) in (None, "", []):
                raise _Refused(f"{what}{key} is required")
        for key in (*_MEASURES, "price", "promotional_price"):  # comunicado 2025: prices never 0 or null
            _positive(fields, key, what)
        if "qty" in fields and (not is_int(fields["qty"]) or fields["qty"] < 0):
            raise _Refused(f"{what}qty must be an integer >= 0")
        if "status" in fields and fields["status"] not in ("enabled", "disabled"):
            raise _Refused("status must be enabled or disabled")
        if "brand" in fields and str(fields["brand"]).casefold() not in {
            b["name"].casefold() for b in self.state.data["brands"].values()
        }:
            raise _Refused(f"brand '{fields['brand']}' is not one of the brands of GET /brands: choose one of the list")
        if "categories" in fields and self.category_of(fields) is None:
            raise _Refused("categories must hold the id of a category of the list (GET /categories) in code")
        images = fields.get("images", [])
        if not isinstance(images, list) or any(not isinstance(u, str) or not _URL.match(u) for u in images):
            raise _Refused(f"{what}images must be a list of http(s) URLs")
        specs = fields.get("specifications", [])
        if not isinstance(specs, list) or any(not isinstance(s, dict) or not s.get("key") for s in specs):
            raise _Refused(f"{what}specifications must be a list of {{key, value}}")

    @staticmethod
    def check_specifications(product: dict[str, Any], category: dict[str, Any] | None) -> None:
        """The category's required attributes (values of its list) on the product or on every variation.

        A product without a category of the list (created before the 2025 structure) is not checked.
        """
        if category is None:
            return
        by_name: dict[str, dict[str, Any]] = {}
        for row in category["attributes"]:
            entry = by_name.setdefault(row["name"], {"values": set(), "required": row["required"],
                                                     "variant": row["variant"]})  # fmt: skip
            if row["value"]:
                entry["values"].add(row["value"].casefold())
        holders = product.get("variations") or [product]
        own = {s["key"]: s.get("value") for s in product.get("specifications") or []}
        for name, rule in by_name.items():
            for holder in holders:
                specs = {**own, **{s["key"]: s.get("value") for s in holder.get("specifications") or []}}
                value = specs.get(name)
                if value in (None, "") and rule["required"]:
                    raise _Refused(f"the category {category['path']} requires the attribute {name} "
                                   f"(sku {holder.get('sku')})")  # fmt: skip
                if value not in (None, "") and rule["values"] and str(value).casefold() not in rule["values"]:
                    raise _Refused(f"attribute {name}: '{value}' is not one of the category's values")
        if category["eanRequired"] and any(not holder.get("ean") for holder in holders):
            raise _Refused(f"the category {category['path']} requires the EAN")

    def known_sku(self, sku: str) -> bool:
        return sku in self.state.data["products"] or sku in self.state.data["variation_of"]

    # -- create --------------------------------------------------------------------------
    @route("POST", "/products")
    def product_post(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("product"), dict):
            raise BadRequest('body must be {"product": {...}}')
        product = dict(body["product"])
        variations = product.get("variations") or []
        try:
            self.check_content(product, variation=False, creating=True)
            if not isinstance(variations, list):
                raise _Refused("variations must be a list")
            for var in variations:
                self.check_content(var if isinstance(var, dict) else {}, variation=True, creating=True)
            if variations and not product.get("variation_attributes"):
                raise _Refused("a product with variations needs variation_attributes")
            self.check_specifications(product, self.category_of(product))
        except _Refused as exc:
            return sky_error(422, str(exc))
        with self.state.lock:
            skus = [str(product["sku"]), *(str(v["sku"]) for v in variations)]
            taken = [s for s in skus if self.known_sku(s)]
            if taken or len(set(skus)) != len(skus):
                return sky_error(422, f"sku already exists: {', '.join(taken) or 'repeated in the request'}")
            self.store_product(product)
        return Reply(201, None)

    def store_product(self, product: dict[str, Any]) -> None:
        record = {"removed": False, "cost": None, "images": [], "specifications": [], "variations": [],
                  "variation_attributes": [], "ean": "", "nbm": "", **product}  # fmt: skip
        record["variations"] = [self._variation_record(v) for v in product.get("variations") or []]
        if record["variations"]:
            record["qty"] = 0
        self.state.data["products"][record["sku"]] = record
        for var in record["variations"]:
            self.state.data["variation_of"][var["sku"]] = record["sku"]

    @staticmethod
    def _variation_record(var: dict[str, Any]) -> dict[str, Any]:
        return {"ean": "", "images": [], "specifications": [], **var}

    @route("POST", "/products/{sku}/variations")
    def variation_post(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("variation"), dict):
            raise BadRequest('body must be {"variation": {...}}')
        var = dict(body["variation"])
        with self.state.lock:
            product = self.state.data["products"].get(unquote(req.params["sku"]))
            if product is None:
                return sky_error(404, "Product not found")
            try:
                self.check_content(var, variation=True, creating=True)
                missing = [k for k in product.get("variation_attributes") or []
                           if k not in {s["key"] for s in var.get("specifications") or []}]  # fmt: skip
                if missing:
                    raise _Refused(
                        f"the variation needs the specifications {', '.join(missing)} (variation_attributes)"
                    )
                self.check_specifications({**product, "variations": [var]}, self.category_of(product))
            except _Refused as exc:
                return sky_error(422, str(exc))
            if self.known_sku(str(var["sku"])):
                return sky_error(422, f"sku already exists: {var['sku']}")
            product["variations"].append(self._variation_record(var))
            self.state.data["variation_of"][str(var["sku"])] = product["sku"]
        return Reply(201, None)

    # -- content changes (PUT /products/{sku}, PUT /variations/{sku}) ---------------------
    def apply_content(self, target: dict[str, Any], fields: dict[str, Any], product: dict[str, Any]) -> str | None:
        """Apply the content fields of a PUT to ``target`` (the product or one variation); why not, or ``None``."""
        variation = target is not product
        content = {k: v for k, v in fields.items() if k not in ("qty", "price", "promotional_price", "status")}
        try:
            self.check_content(content, variation=variation, creating=False)
            if any(k in content for k in ("specifications", "categories", "ean")):
                draft = {**product, **({} if variation else content)}
                if variation:
                    draft["variations"] = [{**v, **content} if v is target else v for v in product["variations"]]
                self.check_specifications(draft, self.category_of(draft))
        except _Refused as exc:
            return str(exc)
        target.update({k: v for k, v in content.items() if k != "sku"})
        return None
