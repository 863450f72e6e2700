"""SkyHub publishing: products and variations created and updated by SKU, the 2025 category list and brands.

A mixin of :class:`kit.connectors.skyhub.SkyhubConnector` (the hooks of
``docs/publishing.md``). Sources: desenvolvedores.skyhub.com.br ("Produto
simples", "Produto variável", "Consultar lista de Categorias", "Consultar
Marcas", comunicado 2025 "Criação e atualização de produtos e variações no
Marketplace"), skyhub.gelato.io products and the official SDK bittools/skyhub-php;
``/work/wt/notes/skyhub-catalog.md``.

* The SKU is SkyHub's key: ``GET /products/{sku}`` finds a product, and a
  variation's SKU answers with its product. A variation family (the ERP's
  ``parent_sku``) is one product whose sku is the family code, one variation
  per ERP SKU: the family's product is looked up (``GET /products/{family}``)
  before it is created, and a new member is added with ``POST
  /products/{family}/variations`` (SDK ``createVariation``), never as a second
  product.
* Create: ``POST /products`` ``{"product": {…}}`` with name, description,
  status, qty, price = promotional_price (the ERP's selling price; never 0),
  measures (kg and cm, inferred: the documents give no unit), brand (one of
  ``GET /brands``, by its name), ean, nbm (= NCM), images by URL,
  ``categories[{code: <id of the category list>, name}]`` and the category's
  attributes in ``specifications`` (variant ones on each variation, listed in
  ``variation_attributes``).
* Update: ``PUT /products/{sku}`` with the content fields only (qty and prices
  belong to the stock and prices jobs); for a variation ``PUT /variations/{sku}``
  and its product's ``PUT`` (since 2025 updating the parent no longer changes the
  variations).
* The category list lives on another host, ``https://omnik.skyhub.com.br/categories``
  (10 per page); with a ``base_url`` override (a sandbox, a proxy) it is
  ``{base_url}/omnik/categories``. It is read once per connector (1 req/s: the
  "everything else" limit) and feeds the ``category`` and ``attribute`` value lists.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kit.connectors.model import (
    APPLIED,
    CREATE,
    UPDATE,
    CategoryRequirements,
    ListingRef,
    ProductItem,
    PublishResult,
    RequiredAttribute,
)
from kit.connectors.paginate import OffsetPaginator
from kit.connectors.publishing import kept_active
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["SkyhubCatalogMixin", "OMNIK_URL", "LIST_PAGE", "PUBLISH_RATES"]

log = logging.getLogger("kit.connectors.skyhub")

OMNIK_URL = "https://omnik.skyhub.com.br"
PRODUCTION_URL = "https://api.skyhub.com.br"
#: "Consultar Marcas" / the category list: 10 per page at most.
LIST_PAGE = 10
#: §4.2: products per page of the listing (default = max = 100).
LISTING_PAGE = 100
#: Pages read from each list (10,000 categories or brands): a safety net, not a channel number.
MAX_LIST_PAGES = 1000
#: Pages of the category list read for the de-para value lists (300 categories, 30 s at 1 req/s): a person waits.
VALUE_LIST_PAGES = 30
#: §4.4 (confirmed): the publishing families' rates; lists fall under "everything else", 1/s.
PUBLISH_RATES = {"products:POST": 9, "categories:GET": 1, "brands:GET": 1}


class _LazyList:
    """A paged list read only as far as needed (thread-safe): what was read is kept for the next lookups."""

    def __init__(self, pages: Any) -> None:
        self._pages, self._lock = pages, threading.RLock()
        self.values: list[dict[str, Any]] = []
        self.pages_read, self.done = 0, False

    def _next_page(self) -> None:
        page = next(self._pages, None)
        if page is None:
            self.done = True
        else:
            self.pages_read += 1
            self.values.extend(page)

    def read(self, max_pages: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            while not self.done and (max_pages is None or self.pages_read < max_pages):
                self._next_page()
            return list(self.values)

    def find(self, match: Any) -> dict[str, Any] | None:
        with self._lock:
            seen = 0
            while True:
                hit = next((v for v in self.values[seen:] if match(v)), None)
                if hit is not None or self.done:
                    return hit
                seen = len(self.values)
                self._next_page()


def _path(category: dict[str, Any]) -> str:
    data = category.get("categoryData") or {}
    names = [str(data[f"name{k}"]) for k in range(1, 9) if data.get(f"name{k}")]
    return " > ".join(names or [str(data.get("name") or category.get("id"))])


class SkyhubCatalogMixin:
    """The publishing hooks of the SkyHub connector."""

    channel: Channel
    label: str
    base_url: str
    request: Any
    get_json: Any

    @property
    def omnik_base(self) -> str:
        """Where the category list is: omnik's host, or ``{base_url}/omnik`` behind an override."""
        return OMNIK_URL if self.base_url.rstrip("/") == PRODUCTION_URL else f"{self.base_url}/omnik"

    def _lazy(self, key: str, url: str, family: str) -> _LazyList:
        with self._sky_lock_for():
            lists = self.__dict__.setdefault("_sky_lists", {})
            if key not in lists:
                pager = OffsetPaginator(
                    LIST_PAGE,
                    records_path="values",
                    total_path="total",
                    max_pages=MAX_LIST_PAGES,
                    stop_at_max=True,
                    channel=self.channel.name,
                )
                lists[key] = _LazyList(pager.pages(lambda p: self.get_json(url, params=p, family=family)))
            return lists[key]  # fmt: skip

    def _sky_lock_for(self) -> Any:
        if "_sky_lists_lock" not in self.__dict__:
            self.__dict__["_sky_lists_lock"] = threading.Lock()
        return self.__dict__["_sky_lists_lock"]

    def _category_list(self) -> _LazyList:
        return self._lazy("categories", f"{self.omnik_base}/categories", "categories:GET")

    def categories(self, max_pages: int | None = None) -> list[dict[str, Any]]:
        """The category list, read to its end (or ``max_pages`` pages in all)."""
        return self._category_list().read(max_pages)

    def category_entry(self, value: str) -> dict[str, Any]:
        """The list entry of a de-para value (its id, or its path ``Casa > Utilidades``), reading pages until found."""
        text = str(value).strip()
        wanted = " > ".join(p.strip() for p in text.replace("/", ">").split(">") if p.strip()).casefold()
        found = self._category_list().find(lambda c: str(c.get("id")) == text or _path(c).casefold() == wanted)
        if found is None:
            raise ChannelFatalError(
                f"a categoria '{value}' não está na lista de categorias da Americanas (SkyHub)",
                channel=self.channel.name,
                hint="corrija o de-para de categoria com um id ou caminho da lista (kit depara build ... category)",
            )
        return found

    def _brand_data(self, name: str) -> dict[str, Any]:
        wanted = str(name).strip().casefold()
        found = self._lazy("brands", "/brands", "brands:GET").find(
            lambda b: str((b.get("brandData") or {}).get("name", "")).casefold() == wanted
        )
        if found is None:
            raise ChannelFatalError(
                f"a marca '{name}' não está na lista de marcas da Americanas (GET /brands)",
                channel=self.channel.name,
                hint="use no ERP o nome da marca como a lista da SkyHub o escreve, ou peça a inclusão da marca",
            )
        return found["brandData"]

    def brand_id(self, name: str) -> str:
        """The id of ``name`` in ``GET /brands`` (an unknown brand fails the item with what to do)."""
        return str(self._brand_data(name)["id"])

    def _brand(self, name: str) -> str:
        return str(self._brand_data(name)["name"])

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """The category's attributes with ``required`` (values of its list), and the EAN where ``eanRequired``."""
        cat = self.category_entry(channel_category)
        rules: dict[str, RequiredAttribute] = {}
        for row in cat.get("attributes") or []:
            if not row.get("required") or row.get("active") is False:
                continue
            rule = rules.setdefault(str(row["name"]), RequiredAttribute(str(row["name"]), (), bool(row.get("variant")),
                                                                       str(row.get("group") or ""),
                                                                       str(row.get("nameId") or "")))  # fmt: skip
            if row.get("value"):
                rule.values = (*rule.values, str(row["value"]))
        required = list(rules.values())
        if cat.get("eanRequired"):
            required.append(RequiredAttribute("EAN", code="ean", field="ean"))
        return CategoryRequirements(str(channel_category), required, "SkyHub: lista de categorias (omnik)")

    def _variant_names(self, cat: dict[str, Any]) -> set[str]:
        return {str(r["name"]).casefold() for r in cat.get("attributes") or [] if r.get("variant")}

    def _specs(self, item: ProductItem, cat: dict[str, Any]) -> tuple[list[dict], list[dict]]:
        """(product-level, variant) ``specifications`` of the de-para attributes."""
        variant = self._variant_names(cat)
        own, per_sku = [], []
        for key, value in item.channel_attributes.items():
            if value not in (None, ""):
                (per_sku if key.casefold() in variant else own).append({"key": key, "value": str(value)})
        return own, per_sku

    # -- find --------------------------------------------------------------------------------
    def _product(self, sku: str) -> dict[str, Any] | None:
        return self.get_json_or_none(f"/products/{quote(sku, safe='')}", family="products:GET")

    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """Each SKU's product (a variation's SKU answers with its product), by the cheaper of two reads.

        ``GET /products/{sku}`` per SKU, or, when the store holds fewer pages of products (100 each, cursor)
        than there are SKUs to look up, the whole listing once (it also tells which family products exist).
        """
        skus = list(dict.fromkeys(skus))
        self._listed_products: set[str] | None = None  # this lookup's snapshot only (see _family_exists)
        head = self.get_json("/products", params={"page": 1, "per_page": 1}, family="products:GET") or {}
        total = head.get("total")
        if isinstance(total, int) and -(-total // LISTING_PAGE) < len(skus):
            rows = self.list_listings().to_dict("records")
            self._listed_products = {str(r["channel_id"]) for r in rows if r.get("channel_id")}
            wanted = set(skus)
            return {str(r["sku"]): ListingRef(str(r["sku"]), str(r["channel_id"]), r.get("variation_id") or None,
                                              str(r["channel_id"]) if r.get("variation_id") else None)
                    for r in rows if r.get("sku") in wanted and r.get("channel_id")}  # fmt: skip
        found: dict[str, ListingRef] = {}
        for sku in skus:
            product = self._product(sku)
            if not product:
                continue
            if any(v.get("sku") == sku for v in product.get("variations") or []):
                found[sku] = ListingRef(sku, str(product["sku"]), sku, str(product["sku"]))
            elif product.get("sku") == sku and not product.get("variations"):
                found[sku] = ListingRef(sku, sku)
        return found

    # -- bodies ------------------------------------------------------------------------------
    def _measures(self, item: ProductItem) -> dict[str, float]:
        pairs = (("weight", item.weight_kg), ("height", item.height_cm), ("width", item.width_cm),
                 ("length", item.length_cm))  # fmt: skip
        return {k: round(float(v), 3) for k, v in pairs if v is not None}

    def _content(self, item: ProductItem, cat: dict[str, Any] | None) -> dict[str, Any]:
        """The product's content fields (no qty, no prices)."""
        body: dict[str, Any] = {
            "name": item.title,
            "description": item.description or item.title,
            "brand": self._brand(item.brand),
            "nbm": item.ncm or "",
            **self._measures(item),
        }
        if item.image_urls:
            body["images"] = list(item.image_urls)
        if cat is not None:
            body["categories"] = [{"code": str(cat["id"]), "name": _path(cat)}]
        return body

    def _variation(self, item: ProductItem, specs: list[dict]) -> dict[str, Any]:
        price = round(float(item.price or 0), 2)
        body = {
            "sku": item.sku,
            "qty": max(0, int(item.stock or 0)),
            "images": list(item.image_urls),
            "specifications": specs,
            "price": price,
            "promotional_price": price,
            **self._measures(item),
        }
        return {**body, "ean": item.ean} if item.ean else body  # fmt: skip

    # -- create ------------------------------------------------------------------------------
    def _families(self) -> dict[str, bool]:
        if not hasattr(self, "_family_products"):
            self._family_products: dict[str, bool] = {}
        return self._family_products

    def create_listing(self, item: ProductItem) -> PublishResult:
        """A simple product, the family's product with its first variation, or a variation added to it."""
        cat = self.category_entry(str(item.channel_category))
        own, per_sku = self._specs(item, cat)
        if not item.parent_sku:
            body = {"sku": item.sku, "status": "enabled" if item.active else "disabled",
                    "qty": max(0, int(item.stock or 0)), "price": round(float(item.price or 0), 2),
                    "promotional_price": round(float(item.price or 0), 2), "ean": item.ean or "",
                    **self._content(item, cat), "specifications": own + per_sku}  # fmt: skip
            self.request("POST", "/products", json_data={"product": body}, family="products:POST")
            return PublishResult(item.sku, APPLIED, CREATE, channel_id=item.sku)
        family = item.parent_sku
        exists = self._families().get(family) or self._family_exists(item)
        if isinstance(exists, PublishResult):
            return exists
        variation = self._variation(item, per_sku)
        if exists:
            self.request("POST", f"/products/{quote(family, safe='')}/variations", json_data={"variation": variation},
                         family="products:POST")  # fmt: skip
        else:
            price = round(float(item.price or 0), 2)
            body = {"sku": family, "status": "enabled" if item.active else "disabled", "qty": 0, "price": price,
                    "promotional_price": price, **self._content(item, cat), "specifications": own,
                    "variations": [variation], "variation_attributes": [s["key"] for s in per_sku]}  # fmt: skip
            self.request("POST", "/products", json_data={"product": body}, family="products:POST")
        self._families()[family] = True
        return PublishResult(item.sku, APPLIED, CREATE, channel_id=family, variation_id=item.sku, product_id=family)

    def _family_exists(self, item: ProductItem) -> bool | PublishResult:
        """Is the family's product on SkyHub? Already holding this SKU (a crash after it was added): updated.

        When this run's lookup read the whole listing and the family's product was not in it, nothing is read.
        """
        family = str(item.parent_sku)
        listed = getattr(self, "_listed_products", None)
        if listed is not None and family not in listed:
            return False
        product = self._product(family)
        if product is None:
            return False
        if any(v.get("sku") == item.sku for v in product.get("variations") or []):
            bound = _bound(item, str(product["sku"]), item.sku)
            return self.update_listing(bound)
        return True

    # -- update ------------------------------------------------------------------------------
    def update_listing(self, item: ProductItem) -> PublishResult:
        """``PUT /products/{sku}`` with the content; a variation: ``PUT /variations/{sku}`` and its product's ``PUT``.

        Only what the ERP holds is sent: no EAN, images, attributes, description or NCM (``nbm``) in the ERP
        leave the channel's as they are.
        A family's name, description and measures follow its first variation.
        """
        cat = self.category_entry(str(item.channel_category)) if item.channel_category else None
        if cat is not None:
            own, per_sku = self._specs(item, cat)
        else:  # no category de-para: the category stays, the attributes go with the product
            own = [{"key": k, "value": str(v)} for k, v in item.channel_attributes.items() if v not in (None, "")]
            per_sku = []
        product_sku = str(item.channel_id or item.sku)
        variation_sku = item.variation_id or (item.sku if product_sku != item.sku else None)
        current = self._product(product_sku) or {}
        content = self._content(item, cat)
        # status is the product's (a family's too): never sent to enable, and a disabled one is said in the report
        _, paused = kept_active(current.get("status", "enabled") != "disabled", item.active, self.label)
        own = _merged(current.get("specifications"), own)  # a PUT replaces the list: others' attributes kept
        for key, erp_value in (("description", item.description), ("nbm", item.ncm)):
            if not erp_value:  # none in the ERP: the store's own stays (§4.2: send only the fields you change)
                content.pop(key, None)
        if variation_sku:
            held = next((v for v in current.get("variations") or [] if v.get("sku") == variation_sku), {})
            fields: dict[str, Any] = {**self._measures(item)}
            fields.update({k: v for k, v in (("ean", item.ean), ("images", list(item.image_urls)),
                                             ("specifications", _merged(held.get("specifications"), per_sku)))
                           if v})  # fmt: skip
            self.request("PUT", f"/variations/{quote(variation_sku, safe='')}", json_data={"variation": fields},
                         family="variations:PUT")  # fmt: skip
            content.pop("images", None)  # the product's images consolidate its variations' (comunicado 2025)
            if ((current.get("variations") or [{}])[0]).get("sku") != item.sku:
                for key in ("name", "description", "weight", "height", "width", "length"):
                    content.pop(key, None)  # the family's own fields follow its first variation
            specs = own if own != (current.get("specifications") or []) else []
        else:
            if not item.active:  # a deactivation, never a reactivation: left out, the store's status stays
                content["status"] = "disabled"
            if item.ean:
                content["ean"] = item.ean
            specs = _merged(own, per_sku) if item.channel_attributes else []
        if specs:
            content["specifications"] = specs
        self.request("PUT", f"/products/{quote(product_sku, safe='')}", json_data={"product": content},
                     family="products:PUT")  # fmt: skip
        return PublishResult(item.sku, APPLIED, UPDATE, channel_id=product_sku, variation_id=variation_sku,
                             product_id=product_sku if variation_sku else None, note=paused)  # fmt: skip

    # -- value lists -------------------------------------------------------------------------
    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """``category`` rows (id and path of every entry) and ``attribute`` rows (every listed value).

        At most :data:`VALUE_LIST_PAGES` pages (logged when the list goes on): the list is read at 1 req/s.
        """
        categories, attributes = [], []
        for cat in self.categories(VALUE_LIST_PAGES):
            categories.append({"category": _path(cat), "code": str(cat["id"]),
                               "description": "EAN obrigatório" if cat.get("eanRequired") else ""})  # fmt: skip
            for row in cat.get("attributes") or []:
                what = "obrigatório" if row.get("required") else "opcional"
                attributes.append({"attribute": row["name"], "value": row.get("value") or "",
                                   "code": row.get("valueId") or row.get("nameId"),
                                   "description": what + (", variação" if row.get("variant") else "")})  # fmt: skip
        if not self._category_list().done:
            log.warning("%s: category value list cut at %d categories", self.channel.name, len(categories))
        return {"category": categories, "attribute": attributes}


def _merged(old: Any, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``old`` specifications with ``new`` ones replacing the same keys (case-insensitive), order kept."""
    out = {str(s.get("key")).casefold(): s for s in old or [] if isinstance(s, dict)}
    out.update({str(s["key"]).casefold(): s for s in new})
    return list(out.values())


def _bound(item: ProductItem, product_sku: str, variation_sku: str | None) -> ProductItem:
    from dataclasses import replace

    return replace(item, channel_id=product_sku, variation_id=variation_sku, product_id=product_sku)
