"""Via / Casas Bahia (ex-Cnova) sandbox, catalogue part: product loads, their approval, categories.

Written from the channel's documents, never from the connector: the operation
texts of the v2 swagger as the generated SDK ``ballke-dev/ViaVarejoSDK`` carries
them (``LoadsApi``, ``CategoriesApi``; models ``Product``, ``Dimensions``,
``ProductLoadPrices``, ``ProductLoadStock``, ``ProductAttribute``,
``GetProductsResponse {skus[{skuSeller{id, href}, status, createdAt}], metadata}``,
``GetProductWithErrorsResponse`` (the product and its ``errors``), ``Errors``):

* ``POST /loads/products`` takes a list of products and answers 201; the load is
  **asynchronous**: every product is processed, then approved by the
  marketplace's "Equipe de Cadastro" before it shows in ``GET /sellerItems``
  (status ``AVAILABLE``); until then it is ``PENDING`` and accepts no price or
  stock update;
* a product sent again before approval replaces the earlier one ("o que irá
  valer é o segundo produto enviado"); ``PUT /loads/products/{skuSellerId}``
  changes it; a product already ``AVAILABLE`` cannot be changed through the API
  (a load does not update its "ficha"); products already on the marketplace
  that were not sent by the API must not be sent again (here: their approval
  makes a second listing, the worst case of that warning);
* ``DELETE /loads/products/{skuSellerId}`` (sandbox only) cancels a pending or
  refused product;
* fields: at least one image; dimensions in **metres** and weight in **kg**, not
  0, at most two decimals; the description takes HTML except ``img``,
  ``object``, ``script`` and ``iframe``; categories are the seller's own path,
  parent and child separated by ``>``;
* ``GET /categories`` is blocked by default (opened on request, for
  de-duplication): 403 unless the sandbox is started with ``categories_open``;
* required attributes per category are not published ("consulte o seu contato
  comercial"): the review refuses a product without them (:data:`REVIEW_RULES`,
  an inferred sample), with the reason in ``GET /loads/products/{skuSellerId}``.

Inferred (see ``docs/channels.md``): the refusal status is ``ERROR``; a body
error refuses the whole load with 422 and one ``Errors`` entry per problem
naming its ``skuSellerId``; the review takes ``review_delay_s`` seconds
(``None``: only :meth:`CnovaCatalogRoutes.review` decides).

A mixin of :class:`kit.sandbox.cnova.CnovaSandbox`; it imports nothing from ``kit.connectors``.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Reply, Request, route
from kit.sandbox.util import iso_utc, parse_date

__all__ = ["CnovaCatalogRoutes", "REVIEW_RULES", "CATEGORY_TREE"]

PENDING, AVAILABLE, ERROR = "PENDING", "AVAILABLE", "ERROR"
#: words of a category path -> attributes the review requires (a sample: the real list is not published)
REVIEW_RULES = [("eletroport", ("Voltagem",)), ("áudio", ("Conectividade",))]
#: the marketplace's tree served by GET /categories when it is open (id, name, parent, attributes)
CATEGORY_TREE = [
    (1, "Eletroportáteis", None, []), (11, "Cozinha", 1, [("Voltagem", ["110V", "220V", "Bivolt"], False)]),
    (2, "Esporte", None, []), (21, "Futebol", 2, [("Cor", [], True), ("Tamanho", [], True)]),
    (3, "Casa", None, []), (31, "Utilidades", 3, [("Cor", [], True)]),
]  # fmt: skip
_URL = re.compile(r"^https?://\S+$", re.I)
_FORBIDDEN_TAGS = re.compile(r"<\s*(img|object|script|iframe)\b", re.I)


def _two_decimals(value: float) -> bool:
    return abs(round(value, 2) - value) < 1e-9


def _product_problems(p: Any) -> list[str]:
    """What the load refuses in one ``Product``."""
    if not isinstance(p, dict):
        return ["each product must be a Product object"]
    problems = []
    for field in ("skuSellerId", "title", "brand", "description"):
        if not (isinstance(p.get(field), str) and p[field].strip()):
            problems.append(f"{field} é obrigatório")
    if isinstance(p.get("description"), str) and _FORBIDDEN_TAGS.search(p["description"]):
        problems.append("description contém tags não permitidas (img, object, script, iframe)")
    cats = p.get("categories")
    if not (isinstance(cats, list) and cats and all(isinstance(c, str) and c.strip(">").strip() for c in cats)):
        problems.append("categories é obrigatório: o caminho da categoria do lojista, 'Pai>Filha'")
    images = p.get("images")
    if not isinstance(images, list) or not images:
        problems.append("pelo menos uma imagem precisa ser informada")
    elif not all(isinstance(u, str) and _URL.match(u) for u in images):
        problems.append("images devem ser URLs http(s)")
    dims = p.get("dimensions") if isinstance(p.get("dimensions"), dict) else {}
    for field in ("weight", "length", "width", "height"):
        value = dims.get(field)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            problems.append(f"dimensions.{field} não pode ser 0 (zero) nem vazio")
        elif not _two_decimals(float(value)):
            problems.append(f"dimensions.{field} deve ter no máximo duas casas decimais")
    gtin = p.get("gtin")
    if gtin is not None and not (isinstance(gtin, list) and all(isinstance(g, str) and g.isdigit() for g in gtin)):
        problems.append("gtin deve ser uma lista de códigos EAN/ISBN (somente números)")
    price = p.get("price")
    if price is not None:
        values = [price.get(k) for k in ("default", "offer")] if isinstance(price, dict) else [None]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in values):
            problems.append("price.default e price.offer devem ser maiores que 0")
        elif values[1] > values[0]:
            problems.append("price.offer não pode ser maior que price.default")
    stock = p.get("stock")
    if stock is not None and not (isinstance(stock, dict) and type(stock.get("quantity")) is int
                                  and stock["quantity"] >= 0):  # fmt: skip
        problems.append("stock.quantity deve ser um inteiro >= 0")
    attrs = p.get("attributes")
    if attrs is not None and not (isinstance(attrs, list) and all(
        isinstance(a, dict) and isinstance(a.get("name"), str) and isinstance(a.get("value"), str) for a in attrs
    )):  # fmt: skip
        problems.append("attributes deve ser uma lista de {name, value}")
    return problems


class CnovaCatalogRoutes:
    """Load routes and the review (mixed into the Via sandbox; ``self.state`` is the sandbox's)."""

    state: Any
    review_delay_s: float | None = 0.3
    categories_open: bool = False

    def error_list(self, status: int, errors: list[tuple[str | None, str]]) -> Reply:
        """``Errors {errors[{code, httpStatus, type, message, skuSellerId}]}``."""
        kind = "validation" if status in (400, 422) else "error"
        rows = [{"code": str(status), "httpStatus": str(status), "type": kind, "message": m, "skuSellerId": s}
                for s, m in errors]  # fmt: skip
        return Reply(status, {"errors": rows})

    # -- test hooks ------------------------------------------------------------------------------------
    def review(self, sku: str, *, approve: bool = True, reason: str = "") -> None:
        """The Equipe de Cadastro decides on a pending product now."""
        with self.state.lock:
            load = self.state.data["loads"][sku]
            if approve:
                self._approve(sku, load)
            else:
                load.update(status=ERROR, errors=[reason or "Produto recusado pela Equipe de Cadastro"])

    def listings_by_ref(self) -> dict[str, list[str]]:
        """Seller SKU -> every listing (``skuSiteId``) carrying it (tests: exactly one per SKU)."""
        with self.state.lock:
            self._review_due()
            out = {sku: [it["skuSiteId"]] for sku, it in self.state.data["items"].items()}
            for sku, site_id in self.state.data["duplicates"]:
                out.setdefault(sku, []).append(site_id)
            return out

    # -- the review ---------------------------------------------------------------------------------------
    def _review_due(self) -> None:
        now = time.monotonic()
        for sku, load in self.state.data["loads"].items():
            if load["status"] == PENDING and load["review_at"] is not None and now >= load["review_at"]:
                missing = self._missing_attributes(load["product"])
                if missing:
                    category = load["product"]["categories"][0]
                    load.update(status=ERROR, errors=[f"Atributo obrigatório '{a}' não informado para a categoria "
                                                      f"{category}" for a in missing])  # fmt: skip
                else:
                    self._approve(sku, load)

    @staticmethod
    def _missing_attributes(product: dict[str, Any]) -> list[str]:
        path = " ".join(product.get("categories") or []).casefold()
        given = {str(a["name"]).casefold() for a in product.get("attributes") or [] if str(a.get("value")).strip()}
        return [a for word, attrs in REVIEW_RULES if word in path for a in attrs if a.casefold() not in given]

    def _approve(self, sku: str, load: dict[str, Any]) -> None:
        p = load["product"]
        data = self.state.data
        data["next_site_id"] = data.get("next_site_id", 9500000) + 1
        site_id = str(data["next_site_id"])
        load.update(status=AVAILABLE, errors=[])
        if sku in data["items"]:  # on the marketplace already (not sent by the API): a second listing
            data["duplicates"].append((sku, site_id))
            return
        price = p.get("price") or {}
        stock = p.get("stock") or {}
        data["items"][sku] = {
            "skuSellerId": sku, "skuSiteId": site_id, "title": p["title"], "brand": p["brand"],
            "gtin": list(p.get("gtin") or []), "status": [{"active": bool(price), "site": self.site}],
            "prices": [{"site": self.site, "default": float(price["default"]), "offer": float(price["offer"])}]
            if price else [],
            "stocks": [{"warehouse": 1, "quantity": int(stock.get("quantity") or 0), "reserved": 0,
                        "crossDockingTime": int(stock.get("crossDockingTime") or 0)}],
            "dimensions": dict(p["dimensions"]), "attributes": list(p.get("attributes") or []),
        }  # fmt: skip

    def _load(self, sku: str, product: dict[str, Any]) -> dict[str, Any]:
        delay = self.review_delay_s
        return {"product": product, "status": PENDING, "errors": [], "createdAt": iso_utc(datetime.now(UTC)),
                "review_at": None if delay is None else time.monotonic() + delay}  # fmt: skip

    # -- loads ------------------------------------------------------------------------------------------------
    @route("POST", "/loads/products")
    def loads_post(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, list) or not body:
            return self.error_list(422, [(None, "o corpo deve ser uma lista de produtos")])
        errors = [
            (p.get("skuSellerId") if isinstance(p, dict) else None, m) for p in body for m in _product_problems(p)
        ]
        skus = [p.get("skuSellerId") for p in body if isinstance(p, dict)]
        errors += [(s, "skuSellerId repetido na carga") for s in sorted({s for s in skus if skus.count(s) > 1})]
        if errors:
            return self.error_list(422, errors)
        with self.state.lock:
            self._review_due()
            loads = self.state.data["loads"]
            for product in body:
                sku = product["skuSellerId"]
                if sku in loads and loads[sku]["status"] == AVAILABLE:
                    continue  # "esse serviço não realiza atualização da ficha cadastral" of available products
                loads[sku] = self._load(sku, product)
        return Reply(201)

    def _load_of(self, req: Request) -> tuple[str, dict[str, Any]]:
        sku = unquote(req.params["sku"])
        self._review_due()
        load = self.state.data["loads"].get(sku)
        if load is None:
            raise BadRequest(f"produto {sku} não encontrado nas cargas", status=404)
        return sku, load

    @route("GET", "/loads/products")
    def loads_list(self, req: Request) -> Any:
        offset, limit = self._window(req)
        start = end = None
        if req.q("createdAt"):
            first, _, last = str(req.q("createdAt")).partition(",")
            try:
                start = None if first in ("", "*") else parse_date(first)
                end = None if last in ("", "*") else parse_date(last)
            except ValueError:
                raise BadRequest("createdAt deve ser '{data inicial},{data final}' ('*' para aberto)") from None
        with self.state.lock:
            self._review_due()
            rows = [
                {"skuSeller": {"id": sku, "href": f"/loads/products/{sku}"}, "status": load["status"],
                 "createdAt": load["createdAt"]}
                for sku, load in sorted(self.state.data["loads"].items(), key=lambda kv: (kv[1]["createdAt"], kv[0]))
                if (not req.q("status") or load["status"] == req.q("status"))
                and (start is None or parse_date(load["createdAt"]) >= start)
                and (end is None or parse_date(load["createdAt"]) <= end)
            ]  # fmt: skip
        return {"skus": rows[offset : offset + limit], "metadata": self._meta(len(rows), offset, limit)}

    @route("GET", "/loads/products/{sku}")
    def loads_get(self, req: Request) -> Any:
        with self.state.lock:
            sku, load = self._load_of(req)
            errors = [{"code": "422", "httpStatus": "422", "type": "validation", "message": m, "skuSellerId": sku}
                      for m in load["errors"]]  # fmt: skip
            return {**load["product"], "errors": errors}

    @route("PUT", "/loads/products/{sku}")
    def loads_put(self, req: Request) -> Any:
        body = req.json()
        problems = _product_problems(body)
        if not problems and body["skuSellerId"] != unquote(req.params["sku"]):
            problems = ["skuSellerId do corpo difere do caminho"]
        if problems:
            return self.error_list(422, [(unquote(req.params["sku"]), m) for m in problems])
        with self.state.lock:
            sku, load = self._load_of(req)
            if load["status"] == AVAILABLE:
                return self.error_list(422, [(sku, "O produto só pode ser alterado antes de assumir o status "
                                                   "Disponível (AVAILABLE)")])  # fmt: skip
            self.state.data["loads"][sku] = self._load(sku, body)
        return Reply(204)

    @route("DELETE", "/loads/products/{sku}")
    def loads_delete(self, req: Request) -> Any:
        with self.state.lock:
            sku, load = self._load_of(req)
            if load["status"] == AVAILABLE:
                return self.error_list(422, [(sku, "só produtos pendentes ou com erro podem ser cancelados")])
            del self.state.data["loads"][sku]
        return Reply(204)

    # -- categories ----------------------------------------------------------------------------------------------
    def _category(self, cid: int) -> dict[str, Any]:
        cid, name, parent, attrs = next(c for c in CATEGORY_TREE if c[0] == cid)
        return {"id": cid, "name": name, "parentId": parent, "items": 0,
                "attributes": [{"name": n, "values": v, "isVariant": var} for n, v, var in attrs],
                "categories": [self._category(c[0]) for c in CATEGORY_TREE if c[2] == cid]}  # fmt: skip

    def _categories_blocked(self) -> Reply | None:
        if self.categories_open:
            return None
        return self.error_list(403, [(None, "Acesso ao serviço de categorias bloqueado: abra um chamado")])

    @route("GET", "/categories")
    def categories_list(self, req: Request) -> Any:
        blocked = self._categories_blocked()
        if blocked is not None:
            return blocked
        offset, limit = self._window(req)
        roots = [self._category(c[0]) for c in CATEGORY_TREE if c[2] is None]
        return {"categories": roots[offset : offset + limit], "metadata": self._meta(len(roots), offset, limit)}

    @route("GET", "/categories/{levelId}")
    def categories_get(self, req: Request) -> Any:
        blocked = self._categories_blocked()
        if blocked is not None:
            return blocked
        if not any(str(c[0]) == req.params["levelId"] for c in CATEGORY_TREE):
            raise BadRequest("categoria não encontrada", status=404)
        return self._category(int(req.params["levelId"]))
