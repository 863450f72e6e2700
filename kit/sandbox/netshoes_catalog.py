"""Netshoes / Zattini sandbox, catalogue part: product families, SKUs, templates, value lists, catalogue sync.

Written from the channel's documents, never from the connector:

* the official swagger SDK ``netshoes/marketplace-api-sdk-php`` (``ProductsApi``:
  ``GET/POST /products``, ``GET/PUT/PATCH /products/{productId}``,
  ``GET /products/{productId}/attributes``; ``SkusApi``: ``GET/POST
  /products/{productId}/skus``, ``GET/PUT /products/{productId}/skus/{sku}``,
  ``.../images``, ``GET /skus/{sku}/bus/{buId}/status``; ``ProductsTemplatesApi``:
  ``GET /bus/{buId}/departments``, ``GET /department/{code}/productType``,
  ``GET /department/{code}/productType/{code}/templates`` ("Get the list of
  attributes"), ``GET /brands|/colors|/sizes|/flavors``; models
  ``ProductResource {productId, department, productType, brand, attributes[{name,
  value}], skus}``, ``SkuResource {sku, name, description, color, flavor, size,
  gender, eanIsbn, images[{url}], video, height, width, depth, weight}``; README:
  a product is created with **every SKU of the family**, names (not codes) for
  department, product type and brand, then its synchronisation is checked per SKU
  before it is sold);
* ``gpupo/netshoes-sdk`` (fixtures captured from the API): the SKU status answer
  ``{active, skuSynchronized, statusMatch, hasPrice, hasStock}`` with
  ``statusMatch`` ``PROCESSANDO_INTEGRACAO_CATALOGO`` (still processing),
  ``PROCESSADO_INTEGRACAO_CATALOGO`` (done) or ``PENDENTE_TIPO_PRODUTO`` (the
  catalogue team has to classify the product type); an update is not sent while
  the product is pending; weight in kg (0.3) and measures in cm (10);
* developers.netshoes.com.br/api-portal/producao: "Conceito de Família" (all
  sizes sent together, even without stock);
* help.vtex.com, Netshoes integration (what a large connector sends): name,
  description, weight, height, width, length and images are required; values of
  brand, colour, size, flavour must be the ones Netshoes lists ("o uso de valores
  que não aparecem na Planilha de Consulta vai ocasionar um erro"), letter case
  included; some attributes of a department/product type are required.

Inferred, the worst plausible case (see ``docs/channels.md``): every template of
the product type is required (the API gives no required flag); a SKU or product
id that already exists is a 409; a SKU whose product is still being processed
refuses updates with a 409; an unknown product type of a known department leaves
the SKUs ``PENDENTE_TIPO_PRODUTO`` (never synchronised by itself). The sandbox
imposes no title limit: none is published.

A mixin of :class:`kit.sandbox.netshoes.NetshoesSandbox`; it imports nothing from
``kit.connectors``.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Reply, Request, route

__all__ = ["NetshoesCatalogRoutes", "DEPARTMENTS", "COLORS", "SIZES", "FLAVORS", "BRANDS"]

PROCESSING, PROCESSED, PENDING_TYPE = (
    "PROCESSANDO_INTEGRACAO_CATALOGO", "PROCESSADO_INTEGRACAO_CATALOGO", "PENDENTE_TIPO_PRODUTO",
)  # fmt: skip
#: business unit -> departments (code, name, product types (code, name, templates)); a sample of the real tree
DEPARTMENTS: dict[str, list[tuple[int, str, list[tuple[int, str, list[str]]]]]] = {
    "NS": [
        (10, "Futebol", [(4, "Agasalhos", ["SEXO"]), (5, "Chuteiras", ["Tipo de Trava"]), (6, "Bolas", [])]),
        (20, "Corrida", [(21, "Tênis", ["Altura do Cano", "Pisada"]), (22, "Camisetas", ["Material"])]),
        (30, "Casual", [(31, "Jaquetas", ["Material"]), (32, "Mochilas", [])]),
        (40, "Acessórios Esportivos", [(41, "Garrafas", []), (42, "Relógios", [])]),
        (50, "Suplementos", [(51, "BCAA", ["Tipo de Suplemento"])]),
    ],
    "ZT": [
        (60, "Feminino", [(61, "Blusas", ["Material"]), (62, "Vestidos", ["Comprimento"])]),
        (70, "Beleza", [(71, "Base", [])]),
    ],
}
COLORS = ["Preto", "Branco", "Azul", "Azul+Branco", "Vermelho", "Cinza", "Verde", "Rosa", "Amarelo", "Marinho",
          "Incolor"]  # fmt: skip
SIZES = ["PP", "P", "M", "G", "GG", "34", "36", "38", "40", "42", "44", "46", "Único"]
FLAVORS = ["Morango", "Chocolate", "Baunilha", "Abacaxi+Manga", "Sem Sabor"]
BRANDS = ["Nike", "Adidas", "Puma", "Mizuno", "Olympikus"]
_URL = re.compile(r"^https?://\S+$", re.I)
_MEASURES = ("height", "width", "depth", "weight")
_SKU_TEXT = ("sku", "name", "description", "color", "flavor", "size", "gender", "eanIsbn", "video")
#: SKU record keys the API does not show in a product (stock, price and status have their own resources)
_PRIVATE = ("available", "price", "productId", "active", "brand")


def _gtin_ok(code: str) -> bool:
    """GTIN-8/12/13/14 with a valid check digit, or an ISBN-10 (``eanIsbn`` takes both)."""
    if re.fullmatch(r"\d{9}[\dX]", code):
        return True
    if not re.fullmatch(r"\d{8}|\d{12,14}", code):
        return False
    digits = [int(c) for c in code]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits[:-1]), 1))
    return (10 - total % 10) % 10 == digits[-1]


def _problems_of_sku(sku: Any, lists: dict[str, list[str]]) -> list[str]:
    """What the channel refuses in one ``SkuResource``."""
    if not isinstance(sku, dict):
        return ["each item of skus must be a SkuResource object"]
    code = sku.get("sku")
    where = f"sku {code}" if code else "sku"
    problems = []
    for field in _SKU_TEXT:
        if sku.get(field) is not None and not isinstance(sku[field], str):
            problems.append(f"{where}: {field} must be a string")
    for field in ("sku", "name", "description"):
        if not str(sku.get(field) or "").strip():
            problems.append(f"{where}: {field} is required")
    for field in _MEASURES:
        value = sku.get(field)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            problems.append(f"{where}: {field} is required and must be a number greater than 0")
    images = sku.get("images")
    if not isinstance(images, list) or not images:
        problems.append(f"{where}: at least one image is required")
    else:
        for image in images:
            url = image.get("url") if isinstance(image, dict) else None
            if not isinstance(url, str) or not _URL.match(url):
                problems.append(f"{where}: image url must be a public http(s) address, got {url!r}")
    ean = sku.get("eanIsbn")
    if ean not in (None, "") and not (isinstance(ean, str) and _gtin_ok(ean)):
        problems.append(f"{where}: eanIsbn {ean!r} is not a valid EAN/GTIN or ISBN")
    for field, kind in (("color", "colors"), ("size", "sizes"), ("flavor", "flavors")):
        value = sku.get(field)
        if value not in (None, "") and value not in lists[kind]:
            problems.append(f"{where}: {field} {value!r} is not in GET /{kind}")
    return problems


class NetshoesCatalogRoutes:
    """Catalogue routes (mixed into the Netshoes sandbox; ``self.state`` is the sandbox's)."""

    state: Any
    #: seconds a new SKU stays ``PROCESSANDO_INTEGRACAO_CATALOGO`` (``None``: until :meth:`complete_sync`)
    sync_delay_s: float | None = 0.3

    # -- seeding and test hooks ---------------------------------------------------------------------
    def seed_catalog_lists(self, brands: list[str]) -> None:
        self.state.data.update(sync={}, lists={
            "brands": list(dict.fromkeys([*BRANDS, *brands])), "colors": list(COLORS), "sizes": list(SIZES),
            "flavors": list(FLAVORS),
        })  # fmt: skip

    def complete_sync(self, sku: str | None = None) -> None:
        """The catalogue finishes processing ``sku`` (or every SKU still processing)."""
        with self.state.lock:
            for code, sync in self.state.data["sync"].items():
                if (sku is None or code == sku) and sync["statusMatch"] == PROCESSING:
                    sync["ready"] = 0.0

    def listings_by_ref(self) -> dict[str, list[str]]:
        """Seller SKU -> every product id carrying it (tests: exactly one listing per SKU)."""
        out: dict[str, list[str]] = {}
        with self.state.lock:
            for product in self.state.data["products"].values():
                for sku in product["skus"]:
                    out.setdefault(str(sku["sku"]), []).append(product["productId"])
        return out

    def _status_match(self, sku: str) -> str:
        sync = self.state.data["sync"].get(sku)
        if sync is None:
            return PROCESSED  # seeded listings: synchronised long ago
        if sync["statusMatch"] == PROCESSING and sync["ready"] is not None and time.monotonic() >= sync["ready"]:
            sync["statusMatch"] = PROCESSED
        return sync["statusMatch"]

    def _start_sync(self, sku: str, product: dict[str, Any]) -> None:
        known = self._product_type(product["department"], product["productType"]) is not None
        delay = self.sync_delay_s
        self.state.data["sync"][sku] = {
            "statusMatch": PROCESSING if known else PENDING_TYPE,
            "ready": None if delay is None else time.monotonic() + delay,
        }

    # -- the tree --------------------------------------------------------------------------------------
    @staticmethod
    def _department(name: str) -> tuple[int, str, list] | None:
        return next((d for depts in DEPARTMENTS.values() for d in depts if d[1] == name), None)

    @classmethod
    def _product_type(cls, department: str, name: str) -> tuple[int, str, list[str]] | None:
        dept = cls._department(department)
        return next((t for t in dept[2] if t[1] == name), None) if dept else None

    @staticmethod
    def _items(rows: list[dict[str, Any]], path: str) -> dict[str, Any]:
        return {"items": rows, "links": [{"rel": "self", "href": path}]}

    @route("GET", "/bus/{buId}/departments")
    def departments(self, req: Request) -> Any:
        if req.params["buId"] not in DEPARTMENTS:
            raise BadRequest("Resource not found.", status=404)
        return self._items([{"code": c, "name": n} for c, n, _ in DEPARTMENTS[req.params["buId"]]], req.path)

    def _dept_by_code(self, req: Request) -> tuple[int, str, list]:
        found = next((d for depts in DEPARTMENTS.values() for d in depts if str(d[0]) == req.params["dept"]), None)
        if found is None:
            raise BadRequest("Resource not found.", status=404)
        return found

    @route("GET", "/department/{dept}/productType")
    def product_types(self, req: Request) -> Any:
        return self._items([{"code": c, "name": n} for c, n, _ in self._dept_by_code(req)[2]], req.path)

    @route("GET", "/department/{dept}/productType/{ptype}/templates")
    def templates(self, req: Request) -> Any:
        ptype = next((t for t in self._dept_by_code(req)[2] if str(t[0]) == req.params["ptype"]), None)
        if ptype is None:
            raise BadRequest("Resource not found.", status=404)
        rows = [{"code": ptype[0] * 100 + k, "name": name} for k, name in enumerate(ptype[2], 1)]
        return self._items(rows, req.path)

    def _value_list(self, kind: str, path: str) -> Any:
        names = self.state.data["lists"][kind]
        return self._items([{"code": k, "name": n, "externalCode": f"{k:03d}"} for k, n in enumerate(names, 1)], path)

    @route("GET", "/brands")
    def brands(self, req: Request) -> Any:
        return self._value_list("brands", req.path)

    @route("GET", "/colors")
    def colors(self, req: Request) -> Any:
        return self._value_list("colors", req.path)

    @route("GET", "/sizes")
    def sizes(self, req: Request) -> Any:
        return self._value_list("sizes", req.path)

    @route("GET", "/flavors")
    def flavors(self, req: Request) -> Any:
        return self._value_list("flavors", req.path)

    # -- validation ------------------------------------------------------------------------------------
    def _invalid(self, problems: list[str]) -> Reply:
        return Reply(400, {"type": "Bad_Request", "description": "Invalid product.", "notifications": problems})

    def _problems_of_product(self, body: Any, *, partial: bool = False) -> list[str]:
        """What the channel refuses in a ``ProductResource`` (``partial``: a PATCH, only the fields given)."""
        if not isinstance(body, dict):
            return ["the body must be a ProductResource object"]
        problems = []
        for field in ("productId", "department", "productType", "brand"):
            if (not partial or field in body) and not (isinstance(body.get(field), str) and body[field].strip()):
                problems.append(f"{field} is required")
        if body.get("department") and self._department(body["department"]) is None:
            problems.append(f"department {body['department']!r} is not in GET /bus/{{buId}}/departments")
        if body.get("brand") and body["brand"] not in self.state.data["lists"]["brands"]:
            problems.append(f"brand {body['brand']!r} is not in GET /brands: ask Netshoes to register it")
        attributes = body.get("attributes")
        if attributes is not None and not (
            isinstance(attributes, list)
            and all(isinstance(a, dict) and isinstance(a.get("name"), str) for a in attributes)
        ):
            problems.append("attributes must be a list of {name, value}")
            attributes = []
        ptype = self._product_type(str(body.get("department")), str(body.get("productType")))
        if ptype is not None and (not partial or "attributes" in body or "productType" in body):
            given = {str(a["name"]): str(a.get("value") or "").strip() for a in attributes or []}
            for template in ptype[2]:
                if not given.get(template):
                    problems.append(f"attribute {template!r} of product type {ptype[1]!r} is required")
        return problems

    # -- products --------------------------------------------------------------------------------------
    def _public(self, product: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in product.items() if k != "skus"}
        out["skus"] = [{k: v for k, v in s.items() if k not in _PRIVATE} for s in product["skus"]]
        out["links"] = [{"rel": "self", "href": f"/products/{product['productId']}"}]
        return out

    def _product(self, req: Request) -> dict[str, Any]:
        product = self.state.data["products"].get(unquote(req.params["productId"]))
        if product is None:
            raise BadRequest("Resource not found.", status=404)
        return product

    def _new_sku(self, body: dict[str, Any], product: dict[str, Any]) -> dict[str, Any]:
        record = {k: body.get(k) for k in (*_SKU_TEXT, *_MEASURES) if body.get(k) is not None}
        record["images"] = [{"url": i["url"]} for i in body["images"]]
        record.update(productId=product["productId"], brand=product["brand"], active=False, available=0, price=0.0)
        return record

    @route("POST", "/products")
    def product_create(self, req: Request) -> Any:
        body = req.json()
        problems = self._problems_of_product(body)
        skus = body.get("skus") if isinstance(body, dict) else None
        if not isinstance(skus, list) or not skus:
            problems.append("skus is required: send the whole family (every size) in one product")
        else:
            for sku in skus:
                problems += _problems_of_sku(sku, self.state.data["lists"])
        if problems:
            return self._invalid(problems)
        codes = [str(s["sku"]) for s in skus]
        with self.state.lock:
            data = self.state.data
            if body["productId"] in data["products"]:
                return self.error_reply(409, f"product {body['productId']} already exists")
            taken = [c for c in codes if c in data["skus"]] + [c for c in set(codes) if codes.count(c) > 1]
            if taken:
                return self.error_reply(409, f"sku already exists: {', '.join(sorted(set(taken)))}")
            product = {"productId": body["productId"], "department": body["department"],
                       "productType": body["productType"], "brand": body["brand"],
                       "attributes": [{"name": a["name"], "value": a.get("value")} for a in body.get("attributes") or []],
                       "skus": []}  # fmt: skip
            for sku in skus:
                record = self._new_sku(sku, product)
                product["skus"].append(record)
                data["skus"][record["sku"]] = record
                self._start_sync(record["sku"], product)
            data["products"][product["productId"]] = product
            return Reply(201, self._public(product))

    @route("GET", "/products/{productId}")
    def product_get(self, req: Request) -> Any:
        with self.state.lock:
            return self._public(self._product(req))

    @route("PATCH", "/products/{productId}")
    def product_patch(self, req: Request) -> Any:
        body = req.json()
        with self.state.lock:
            product = self._product(req)
            if isinstance(body, dict):
                merged = {**{k: product[k] for k in ("productId", "department", "productType", "brand")}, **body}
                problems = self._problems_of_product(merged, partial=True)
            else:
                problems = ["the body must be a ProductResource object"]
            if problems:
                return self._invalid(problems)
            if body.get("productId", product["productId"]) != product["productId"]:
                return self._invalid(["productId cannot be changed"])
            for field in ("department", "productType", "brand", "attributes"):
                if field in body:
                    product[field] = body[field]
            for sku in product["skus"]:
                sku["brand"] = product["brand"]
            return self._public(product)

    @route("GET", "/products/{productId}/attributes")
    def product_attributes(self, req: Request) -> Any:
        with self.state.lock:
            return self._items(list(self._product(req).get("attributes") or []), req.path)

    @route("GET", "/products/{productId}/skus")
    def product_skus(self, req: Request) -> Any:
        with self.state.lock:
            return self._items(self._public(self._product(req))["skus"], req.path)

    @route("POST", "/products/{productId}/skus")
    def product_sku_add(self, req: Request) -> Any:
        body = req.json()
        problems = _problems_of_sku(body, self.state.data["lists"])
        if problems:
            return self._invalid(problems)
        with self.state.lock:
            product = self._product(req)
            if str(body["sku"]) in self.state.data["skus"]:
                return self.error_reply(409, f"sku already exists: {body['sku']}")
            record = self._new_sku(body, product)
            product["skus"].append(record)
            self.state.data["skus"][record["sku"]] = record
            self._start_sync(record["sku"], product)
            return Reply(201, {k: v for k, v in record.items() if k not in _PRIVATE})

    def _product_sku(self, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        product = self._product(req)
        code = unquote(req.params["sku"])
        sku = next((s for s in product["skus"] if str(s["sku"]) == code), None)
        if sku is None:
            raise BadRequest("Resource not found.", status=404)
        return product, sku

    @route("GET", "/products/{productId}/skus/{sku}")
    def product_sku_get(self, req: Request) -> Any:
        with self.state.lock:
            return {k: v for k, v in self._product_sku(req)[1].items() if k not in _PRIVATE}

    @route("PUT", "/products/{productId}/skus/{sku}")
    def product_sku_put(self, req: Request) -> Any:
        body = req.json()
        problems = _problems_of_sku(body, self.state.data["lists"])
        if not problems and str(body["sku"]) != unquote(req.params["sku"]):
            problems = ["sku in the body does not match the path"]
        if problems:
            return self._invalid(problems)
        with self.state.lock:
            product, sku = self._product_sku(req)
            status = self._status_match(str(sku["sku"]))
            if status != PROCESSED:
                return self.error_reply(409, f"sku {sku['sku']} is being processed by the catalogue ({status})")
            keep = {k: sku[k] for k in _PRIVATE}
            sku.clear()
            sku.update(self._new_sku(body, product), **keep)
            return {k: v for k, v in sku.items() if k not in _PRIVATE}

    @route("GET", "/products/{productId}/skus/{sku}/images")
    def product_sku_images(self, req: Request) -> Any:
        with self.state.lock:
            return self._items(list(self._product_sku(req)[1].get("images") or []), req.path)
