"""Netshoes / Zattini publishing: product families with every SKU, templates, catalogue sync polled per SKU.

A mixin of :class:`kit.connectors.netshoes.NetshoesConnector` (the publishing
hooks of ``docs/publishing.md``). Shapes from the official swagger SDK
``netshoes/marketplace-api-sdk-php`` and the captured fixtures of
``gpupo/netshoes-sdk`` (see ``docs/channels.md``, Netshoes, publishing rows).

* A Netshoes listing is a **product** (``productId`` = the variation family: the
  ERP's parent SKU, else the SKU) holding its **SKUs**. The portal asks for the
  whole family at once ("Conceito de Família"), so a family's new SKUs go in one
  ``POST /products`` (``publish_family_together``); a SKU added later to an
  existing family goes through ``POST /products/{productId}/skus``.
* The category is the de-para value ``"Departamento > Tipo de Produto"`` (names of
  ``GET /bus/{buId}/departments`` and ``GET /department/{code}/productType``: the
  product body names them, not codes). The templates of the product type (``GET
  .../templates``) are its attributes; the API gives no required flag, so the kit
  requires every one of them (inferred) and holds a product without them.
* Brand, colour, size and flavour must be values of Netshoes' lists (``/brands``,
  ``/colors``, ``/sizes``, ``/flavors``), letter case included: an item with
  another value fails before anything is sent, with what to do.
* Creation is asynchronous: the SKUs are processed by the catalogue
  (``GET /skus/{sku}/bus/{buId}/status``: ``statusMatch``
  ``PROCESSADO_INTEGRACAO_CATALOGO``, ``skuSynchronized``); a created SKU is
  ``pending`` with a token until then, polled within the run (bounded) and on the
  next run, never sent again. A SKU still being processed refuses updates (409):
  the update is pending too.
* Weight in kg and measures in cm (the captured fixtures: ``weight`` 0.3,
  ``height`` 10 for a 50 ml bottle; inferred, the SDK states no unit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kit.connectors.memo import CatalogMemo
from kit.connectors.model import (
    APPLIED,
    FAILED,
    PENDING,
    UPDATE,
    CategoryRequirements,
    ListingRef,
    ProductItem,
    PublishResult,
    RequiredAttribute,
)
from kit.connectors.paginate import PagePaginator
from kit.errors import ChannelFatalError, KitError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["NetshoesCatalogMixin", "SKU_ATTRIBUTES", "SYNCED"]

FAMILY = "catalog"  # counted in the plan's one bucket (kit/channeltypes.py declares no family of its own)
SYNCED = "PROCESSADO_INTEGRACAO_CATALOGO"
#: de-para attribute names that are SkuResource fields (the rest are product attributes, the templates)
SKU_ATTRIBUTES = {"cor": "color", "tamanho": "size", "sabor": "flavor", "gênero": "gender", "genero": "gender"}
#: SKU fields whose values must come from a Netshoes list
LISTED = {"color": "colors", "size": "sizes", "flavor": "flavors"}
LIST_NAMES = {"colors": "Cor", "sizes": "Tamanho", "flavors": "Sabor"}
PAGE_SIZE = 50


def _split_category(value: str) -> tuple[str, str]:
    """``"Corrida > Tênis"`` (or ``/``) -> (department, product type)."""
    text = str(value).replace("/", ">")
    parts = [p.strip() for p in text.split(">") if p.strip()]
    if len(parts) != 2:
        raise ChannelFatalError(
            f"a categoria '{value}' não está no formato 'Departamento > Tipo de Produto' da Netshoes",
            hint="corrija o de-para de categoria com um valor da lista de categorias da Netshoes "
            "(kit depara build ... category)",
        )
    return parts[0], parts[1]


def _token(product_id: str, sku: str) -> str:
    return f"{product_id}|{sku}"


class NetshoesCatalogMixin(CatalogMemo):
    """The publishing hooks of the Netshoes connector."""

    channel: Channel
    label: str
    settings: dict[str, str]

    @property
    def business_unit(self) -> str:
        return self.settings.get("business_unit") or "NS"

    # -- the tree and the lists ------------------------------------------------------------------
    def category_tree(self) -> list[dict[str, Any]]:
        """Every ``Departamento > Tipo de Produto`` of the business unit, with the two codes."""

        def load() -> list[dict[str, Any]]:
            out = []
            for dept in self.get_json(f"/bus/{self.business_unit}/departments", family=FAMILY).get("items") or []:
                types = self.get_json(f"/department/{dept['code']}/productType", family=FAMILY).get("items") or []
                for ptype in types:
                    out.append({"department": dept["name"], "department_code": dept["code"],
                                "product_type": ptype["name"], "product_type_code": ptype["code"],
                                "path": f"{dept['name']} > {ptype['name']}"})  # fmt: skip
            return out

        return self._cached("tree", load)

    def category_node(self, value: str) -> dict[str, Any]:
        """The tree node of a de-para category value (names compared without case; the exact names are sent)."""
        dept, ptype = _split_category(value)
        for node in self.category_tree():
            if node["department"].casefold() == dept.casefold() and node["product_type"].casefold() == ptype.casefold():
                return node
        raise ChannelFatalError(
            f"a categoria '{value}' não existe na Netshoes ({self.business_unit})",
            channel=self.channel.name,
            hint="corrija o de-para de categoria com um 'Departamento > Tipo de Produto' da lista de categorias",
        )

    def value_list(self, kind: str) -> list[str]:
        """Names of ``/brands``, ``/colors``, ``/sizes`` or ``/flavors`` (cached)."""
        return self._cached(kind, lambda: [str(r["name"]) for r in self.get_json(f"/{kind}", family=FAMILY)
                                           .get("items") or []])  # fmt: skip

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """The templates of the product type: every one required (the API has no required flag; inferred)."""
        node = self.category_node(channel_category)

        def load() -> CategoryRequirements:
            path = f"/department/{node['department_code']}/productType/{node['product_type_code']}/templates"
            rows = self.get_json(path, family=FAMILY).get("items") or []
            required = [RequiredAttribute(str(r["name"]), code=str(r.get("code") or "")) for r in rows]
            return CategoryRequirements(node["path"], required, "Netshoes: templates do tipo de produto (inferido)")

        return self._cached(f"req:{node['path']}", load)

    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """Rows of the ``category`` list (every department > product type) and ``attribute`` (templates, lists)."""
        categories = [{"category": n["path"], "code": f"{n['department_code']}/{n['product_type_code']}",
                       "description": self.business_unit} for n in self.category_tree()]  # fmt: skip
        attributes: list[dict[str, Any]] = []
        for node in self.category_tree():
            for attr in self.category_requirements(node["path"]).attributes:
                attributes.append({"attribute": attr.name, "value": "", "code": attr.code,
                                   "description": f"obrigatório em {node['path']}"})  # fmt: skip
        for kind, name in LIST_NAMES.items():
            attributes += [{"attribute": name, "value": v, "code": "", "description": f"GET /{kind}"}
                           for v in self.value_list(kind)]  # fmt: skip
        return {"category": categories, "attribute": attributes}

    # -- bodies -------------------------------------------------------------------------------------------
    def _check_values(self, item: ProductItem) -> None:
        """Brand, colour, size and flavour must be Netshoes' own values: fail before sending, with what to do."""
        if item.brand not in self.value_list("brands"):
            raise ChannelFatalError(
                f"a marca '{item.brand}' não está cadastrada na Netshoes",
                channel=self.channel.name,
                hint="peça à Netshoes a inclusão da marca (só depois ela aceita o produto) ou corrija a marca no ERP",
            )
        for field, value in self._sku_fields(item).items():
            kind = LISTED.get(field)
            if kind and value not in self.value_list(kind):
                raise ChannelFatalError(
                    f"{LIST_NAMES[kind].lower()} '{value}' do SKU {item.sku} não está na lista da Netshoes",
                    channel=self.channel.name,
                    hint=f"ajuste o de-para de atributos ({LIST_NAMES[kind]}) com um valor da lista de atributos",
                )

    @staticmethod
    def _sku_fields(item: ProductItem) -> dict[str, str]:
        out = {}
        for name, value in item.channel_attributes.items():
            field = SKU_ATTRIBUTES.get(name.strip().casefold())
            if field and value not in (None, ""):
                out[field] = str(value)
        return out

    def _sku_body(self, item: ProductItem) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sku": item.sku, "name": item.title, "description": item.description or item.title,
            "eanIsbn": item.ean or None, "images": [{"url": url} for url in item.image_urls],
            "height": round(float(item.height_cm or 0), 2), "width": round(float(item.width_cm or 0), 2),
            "depth": round(float(item.length_cm or 0), 2), "weight": round(float(item.weight_kg or 0), 3),
        }  # fmt: skip
        body.update(self._sku_fields(item))
        return {k: v for k, v in body.items() if v is not None}

    def _product_fields(self, item: ProductItem) -> dict[str, Any]:
        """department, productType, brand and attributes (the templates) of the item's product."""
        node = self.category_node(str(item.channel_category))
        attributes = [{"name": n, "value": str(v)} for n, v in item.channel_attributes.items()
                      if v not in (None, "") and n.strip().casefold() not in SKU_ATTRIBUTES]  # fmt: skip
        return {"department": node["department"], "productType": node["product_type"], "brand": item.brand,
                "attributes": attributes}  # fmt: skip

    def _pending(self, item: ProductItem, product_id: str, action: str, why: str) -> PublishResult:
        return PublishResult(item.sku, PENDING, action, why, token=_token(product_id, item.sku),
                             product_id=product_id)  # fmt: skip

    # -- lookups --------------------------------------------------------------------------------------------
    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """Seller SKU -> its product, from ``GET /products`` (every product lists its SKUs).

        A SKU has no lookup of its own that names its product, so the product
        list is paged (50 per page); it runs once per publish, before any create.
        """
        wanted = set(skus)
        pager = PagePaginator(PAGE_SIZE, page_param="page", size_param="size", start=0, records_path="items",
                              channel=self.channel.name)  # fmt: skip
        found: dict[str, ListingRef] = {}
        for product in pager.all(lambda p: self.get_json("/products", params=p, family=FAMILY)):
            for sku in product.get("skus") or []:
                code = str(sku.get("sku"))
                if code in wanted and code not in found:
                    pid = str(product["productId"])
                    found[code] = ListingRef(code, pid, None, pid)
        return found

    def _product(self, product_id: str) -> dict[str, Any] | None:
        return self.get_json_or_none(f"/products/{quote(product_id, safe='')}", family=FAMILY)

    # -- create ---------------------------------------------------------------------------------------------
    def create_listing(self, item: ProductItem) -> PublishResult:
        return self.create_listings([item])[0]

    def create_listings(self, items: list[ProductItem]) -> list[PublishResult]:
        """The family's new SKUs: one ``POST /products`` with all of them, or added to the existing product."""
        family = items[0].family
        for item in items:
            self._check_values(item)
        existing = self._product(family)
        if existing is None:
            body = {"productId": family, **self._product_fields(items[0]), "skus": [self._sku_body(i) for i in items]}
            self.request("POST", "/products", json_data=body, family=FAMILY)
            return [self._pending(i, family, "create", "em processamento no catálogo da Netshoes") for i in items]
        have = {str(s.get("sku")) for s in existing.get("skus") or []}
        out = []
        for item in items:
            try:
                if item.sku in have:  # created before a crash: bound and updated, not created again
                    from dataclasses import replace

                    out.append(self.update_listing(replace(item, channel_id=family, product_id=family)))
                    continue
                path = f"/products/{quote(family, safe='')}/skus"
                self.request("POST", path, json_data=self._sku_body(item), family=FAMILY)
                out.append(self._pending(item, family, "create", "em processamento no catálogo da Netshoes"))
            except KitError as exc:
                reason = exc.message if not exc.status else f"HTTP {exc.status}: {exc.message}"
                out.append(PublishResult(item.sku, FAILED, "create", reason))
        return out

    # -- update ---------------------------------------------------------------------------------------------
    def update_listing(self, item: ProductItem) -> PublishResult:
        """``PATCH /products/{id}`` when the product's fields changed, then ``PUT /products/{id}/skus/{sku}``.

        The PUT replaces the SKU: an item without images keeps the ones the SKU has (``publish_update_keeps``).
        """
        product_id = str(item.product_id or item.channel_id)
        self._check_values(item)
        if item.channel_category:
            self._patch_product(product_id, self._product_fields(item))
        path = f"/products/{quote(product_id, safe='')}/skus/{quote(item.sku, safe='')}"
        body = self._sku_body(item)
        if not item.image_urls:  # the PUT replaces the SKU: keep the images it has on Netshoes
            body["images"] = [{"url": i["url"]} for i in self.get_json(path, family=FAMILY).get("images") or []]
        try:
            self.request("PUT", path, json_data=body, family=FAMILY)
        except ChannelFatalError as exc:
            if exc.status != 409:
                raise
            return self._pending(item, product_id, UPDATE, "ainda em processamento no catálogo da Netshoes")
        return PublishResult(item.sku, APPLIED, UPDATE, channel_id=product_id, product_id=product_id)

    def _patch_product(self, product_id: str, fields: dict[str, Any]) -> None:
        """PATCH the product when its department, type, brand or attributes differ (once per connector)."""
        key = f"patched:{product_id}:{sorted((k, str(v)) for k, v in fields.items())}"
        cache = self._catalog_cache()
        with self._catalog_lock:
            if key in cache:
                return
        current = self._product(product_id) or {}
        same = all(current.get(k) == v for k, v in fields.items() if k != "attributes") and sorted(
            (a.get("name"), a.get("value")) for a in current.get("attributes") or []
        ) == sorted((a["name"], a["value"]) for a in fields["attributes"])
        if not same:
            self.request("PATCH", f"/products/{quote(product_id, safe='')}", json_data=fields, family=FAMILY)
        with self._catalog_lock:
            cache[key] = True

    # -- asynchronous answers ---------------------------------------------------------------------------------
    def poll_publish(self, tokens: dict[str, str]) -> list[PublishResult]:
        """``GET /skus/{sku}/bus/{buId}/status`` per pending SKU: synchronised = applied; 404 = failed."""
        out = []
        for sku, token in tokens.items():
            product_id = str(token).partition("|")[0] or sku
            try:
                status = self.get_json(f"/skus/{quote(sku, safe='')}/bus/{self.business_unit}/status", family=FAMILY)
            except ChannelFatalError as exc:
                if exc.status != 404:
                    raise
                out.append(PublishResult(sku, FAILED, reason="o SKU não está mais na Netshoes (404): será criado "
                                         "de novo na próxima execução"))  # fmt: skip
                continue
            match = str(status.get("statusMatch") or "")
            if status.get("skuSynchronized") or match == SYNCED:
                out.append(PublishResult(sku, APPLIED, channel_id=product_id, product_id=product_id))
            else:
                why = f"aguardando o catálogo da Netshoes ({match or 'sem status'})"
                out.append(PublishResult(sku, PENDING, reason=why, token=token, product_id=product_id))
        return out
