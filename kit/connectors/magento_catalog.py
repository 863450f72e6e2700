"""Magento 2 publishing: simple and configurable products, attribute set, website, category, attributes, media.

A mixin of :class:`kit.connectors.magento.MagentoConnector` (the publishing hooks
of ``docs/publishing.md``). Shapes from Adobe's admin REST schema 2.4.9
(``../shared/specs/magento``); every request of the tests is validated against it.

* **One product per SKU.** The SKU is Magento's key: every create is preceded by
  a lookup (``GET /V1/products?searchCriteria[...sku in ...]``, 100 SKUs per
  call), and a ``POST /V1/products`` for a SKU that exists saves that product
  instead of making another one. Writes go to ``/rest/all/V1`` (global scope).
* **Families.** ERP SKUs sharing a ``parent_sku`` become the children (``simple``,
  not visible alone) of a ``configurable`` product whose SKU is the family code;
  the variant attributes are the item's de-para attributes that are global select
  attributes of the store (``color``, ``size``...). Each step is looked up before
  it is done (the parent by SKU, its options, its children), so a crash between
  two of them creates only what is missing. A family without such an attribute
  is published as standalone simple products (a configurable needs one), said
  in the result's ``note``, as is any field the store has no attribute for.
* **Attributes.** The attribute set (``settings.attribute_set``, name or id) is
  read with its attributes: its required user attributes are the category
  requirements the loop holds items on; select values are sent as option ids
  (the de-para value is the option's label). EAN, NCM, brand and measures go to
  the store's attribute codes (``settings.attribute_ean``, ``attribute_ncm``,
  ``attribute_brand``, ``attribute_height|width|length``) when the set has them.
* **Category** through de-para: a path of the store's tree (``GET /V1/categories``,
  with or without the root's name, ``/`` or ``>``) or its id.
* **Images** are downloaded (:mod:`kit.connectors.magento_media`) and sent as
  base64 (``POST /V1/products/{sku}/media``): Magento takes no URL. The kit's
  entries are named after the URL's hash; an update adds the new URLs and deletes
  the kit's entries whose URL is gone, never the store's own images.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests

from kit.connectors.magento_media import fetch_image, image_stem, stem_of_file
from kit.connectors.memo import CatalogMemo
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
from kit.connectors.publishing import kept_active
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["MagentoCatalogMixin", "family_title", "KIT_FILLED"]

log = logging.getLogger("kit.connectors.magento")

FAMILY = "catalog"
LOOKUP_BATCH = 100  # SKUs per lookup: one page (page size <= 300 with input limiting, §3.7)
#: Attributes the kit fills itself from the ProductItem (never "required attributes" to map).
KIT_FILLED = frozenset({"name", "sku", "price", "weight", "status", "visibility", "description", "short_description",
                        "url_key", "tax_class_id", "quantity_and_stock_status", "category_ids", "meta_title",
                        "meta_description", "meta_keyword", "image", "small_image", "thumbnail", "media_gallery"})  # fmt: skip
#: settings naming the store's attribute for a ProductItem field
CARRIED = {"attribute_ean": "ean", "attribute_ncm": "ncm", "attribute_brand": "brand", "attribute_height": "height_cm",
           "attribute_width": "width_cm", "attribute_length": "length_cm"}  # fmt: skip
ROLES = ["image", "small_image", "thumbnail"]
VISIBLE, NOT_VISIBLE = 4, 1  # visibility: 4 catalog and search, 1 not visible individually
ENABLED, DISABLED = 1, 2  # status (Magento\Catalog\Model\Product\Attribute\Source\Status)
LBS_PER_KG = 2.20462


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def family_title(title: str, values: list[str]) -> str:
    """A family's name from a child's title: without the child's variant values ("Camiseta Azul Tam. M" -> "Camiseta")."""
    out = title
    for value in sorted(values, key=len, reverse=True):
        out = re.sub(rf"(?i)(?<!\w){re.escape(value)}(?!\w)", " ", out)
    out = re.sub(r"(?i)\s+(tam\.?|tamanho|cor)\s*$", "", re.sub(r"\s+", " ", out).strip(" -/,"))
    return out.strip() or title


class MagentoCatalogMixin(CatalogMemo):
    """The publishing hooks of the Magento connector."""

    channel: Channel
    label: str
    settings: dict[str, str]
    base_url: str
    store_code: str

    # -- cached store metadata (CatalogMemo._cached) ---------------------------------------------------
    def _write_url(self, path: str) -> str:
        """Global-scope writes (``/rest/all/V1``), as Adobe advises for product data (README erratum 2)."""
        return f"{self.base_url}/rest/all/V1/{path}"

    def _fatal(self, message: str, hint: str) -> ChannelFatalError:
        return ChannelFatalError(message, channel=self.channel.name, hint=hint)

    def attribute_set(self) -> tuple[int, str]:
        """``(id, name)`` of ``settings.attribute_set`` (a name or an id; default "Default")."""

        def load() -> tuple[int, str]:
            from kit.connectors.magento import search_params

            wanted = str(self.settings.get("attribute_set") or "Default").strip()
            rows = self.get_json("products/attribute-sets/sets/list", params=search_params(size=300, page=1),
                                 family=FAMILY).get("items") or []  # fmt: skip
            for row in rows:
                if wanted in (str(row["attribute_set_id"]), str(row["attribute_set_name"])):
                    return int(row["attribute_set_id"]), str(row["attribute_set_name"])
            names = ", ".join(str(r["attribute_set_name"]) for r in rows)
            raise self._fatal(f"o conjunto de atributos '{wanted}' não existe na loja Magento (há: {names})",
                              f"kit channels set {self.channel.name} settings.attribute_set=<nome>")  # fmt: skip

        return self._cached("set", load)

    def set_attributes(self) -> dict[str, dict[str, Any]]:
        """Attributes of the attribute set by code (``frontend_input``, ``is_required``, ``options``...)."""
        set_id, _ = self.attribute_set()
        return self._cached("attrs", lambda: {
            str(a["attribute_code"]): a
            for a in self.get_json(f"products/attribute-sets/{set_id}/attributes", family=FAMILY) or []
        })  # fmt: skip

    def _option_id(self, code: str, label: str) -> str:
        attr = self.set_attributes()[code]
        for option in attr.get("options") or []:
            if str(option.get("label", "")).strip().casefold() == str(label).strip().casefold() and option.get("value"):
                return str(option["value"])
        known = ", ".join(str(o["label"]) for o in attr.get("options") or [] if o.get("value"))[:200]
        raise self._fatal(f"'{label}' não é uma opção do atributo '{code}' da loja Magento (opções: {known})",
                          "cadastre a opção na loja (Lojas > Atributos > Produto) ou corrija o de-para/o cadastro no ERP")  # fmt: skip

    def category_tree(self) -> list[dict[str, Any]]:
        """Every category as ``{"id", "path", "level"}``; the path has the names from under the root, joined by ``/``."""

        def load() -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []

            def walk(node: dict[str, Any], prefix: str) -> None:
                for child in node.get("children_data") or []:
                    path = f"{prefix}/{child['name']}" if prefix else str(child["name"])
                    out.append({"id": int(child["id"]), "path": path, "level": int(child.get("level") or 0)})
                    walk(child, path)

            walk(self.get_json("categories", family=FAMILY), "")
            return out

        return self._cached("tree", load)

    def category_id(self, value: str) -> int:
        """The id of a de-para category value: an id, or a path (``/`` or ``>``), with or without the root's name."""
        text = str(value).strip()
        if text.isdigit():
            return int(text)
        wanted = "/".join(p.strip() for p in re.split(r"[>/]", text) if p.strip()).casefold()
        exact = [n["id"] for n in self.category_tree() if n["path"].casefold() == wanted]
        under_root = [n["id"] for n in self.category_tree() if n["path"].casefold().partition("/")[2] == wanted]
        found = exact or under_root
        if len(found) == 1:
            return found[0]
        what = "é ambígua (mais de uma raiz a contém)" if found else "não existe na árvore de categorias da loja"
        raise self._fatal(f"a categoria '{value}' {what}",
                          f"corrija o de-para de categoria (kit depara build {self.channel.name} category ...)")  # fmt: skip

    def website_ids(self) -> list[int]:
        """``settings.website_ids`` (comma list), else the website of the channel's store code."""
        configured = [int(w) for w in str(self.settings.get("website_ids") or "").replace(" ", "").split(",") if w]
        if configured:
            return configured

        def load() -> list[int]:
            configs = self.get_json("store/storeConfigs", family=FAMILY) or []
            own = [int(c["website_id"]) for c in configs if c.get("code") == self.store_code]
            if own:
                return own
            return sorted({int(w["id"]) for w in self.get_json("store/websites", family=FAMILY) or [] if w["id"]})

        return self._cached("websites", load)

    def _kg_factor(self) -> float:
        def load() -> float:
            configs = self.get_json("store/storeConfigs", family=FAMILY) or []
            unit = next((c.get("weight_unit") for c in configs if c.get("code") == self.store_code), "kgs")
            return LBS_PER_KG if str(unit).startswith("lb") else 1.0

        return self._cached("weight", load)

    # -- publishing hooks ------------------------------------------------------------------------------
    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """Products by SKU: ``sku in (...)`` searches of 100; a SKU with a comma is read alone (``GET /V1/products/{sku}``)."""
        from kit.connectors.magento import search_params

        found: dict[str, ListingRef] = {}
        wanted = list(dict.fromkeys(skus))
        plain = [s for s in wanted if "," not in s]
        for start in range(0, len(plain), LOOKUP_BATCH):
            chunk = plain[start : start + LOOKUP_BATCH]
            params = search_params([("sku", ",".join(chunk), "in")], size=LOOKUP_BATCH, page=1)
            params["fields"] = "items[id,sku,type_id],total_count"
            for row in self.get_json("products", params=params, family=FAMILY).get("items") or []:
                if str(row.get("sku")) in chunk:
                    found[str(row["sku"])] = ListingRef(str(row["sku"]), str(row["id"]))
        for sku in wanted:
            if "," in sku and (row := self._product_or_none(sku)) is not None:
                found[sku] = ListingRef(sku, str(row["id"]))
        return found

    def _product_or_none(self, sku: str) -> dict[str, Any] | None:
        return self.get_json_or_none(f"products/{quote(sku, safe='')}", family=FAMILY)

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """The attribute set's required user attributes (Magento's requirements are per set, not per category).

        A required attribute the kit fills from the product itself (the configured EAN, NCM, brand or measure
        codes) names that field, so a product without it is held with "preencha no ERP".
        """
        self.category_id(channel_category)  # an unknown category fails the item with what to fix
        _, set_name = self.attribute_set()
        carried = {self.settings.get(setting): name for setting, name in CARRIED.items() if self.settings.get(setting)}
        required = []
        for code, attr in self.set_attributes().items():
            if not (attr.get("is_required") and attr.get("is_user_defined")) or code in KIT_FILLED:
                continue
            values = (
                () if code in carried else tuple(str(o["label"]) for o in attr.get("options") or [] if o.get("value"))
            )
            required.append(RequiredAttribute(code, values, code=str(attr.get("attribute_id") or ""),
                                              field=carried.get(code, "")))  # fmt: skip
        return CategoryRequirements(str(channel_category), required, f"Magento: conjunto de atributos {set_name}")

    def create_listing(self, item: ProductItem) -> PublishResult:
        """The product, then its family's configurable (looked up first) and the link to it, then its images.

        The child comes first: a product Magento refuses leaves no empty configurable behind.
        """
        variants = self._variant_codes(item)
        body = self._product_body(item, child=bool(variants), current=None)
        saved = self.request("POST", self._write_url("products"), json_data=body, family=FAMILY).json()
        parent = self._ensure_parent(item, variants) if variants else None
        if parent is not None:
            self._attach(parent, item, variants)
        self._sync_media(item, [])
        return PublishResult(item.sku, APPLIED, CREATE, channel_id=str(saved["id"]),
                             product_id=str(parent["id"]) if parent else None, note=self._note(item, variants))  # fmt: skip

    def update_listing(self, item: ProductItem) -> PublishResult:
        """``PUT /V1/products/{sku}`` with the content (categories and websites added to the product's own).

        Visibility is never sent, status only to disable (the ERP stopped selling): a product the store disabled
        stays disabled, said in the note (:func:`kit.connectors.publishing.kept_active`). The PUT keeps what it
        leaves out (the schema requires only ``sku``); the read is the store view's, the write global.
        """
        current = self._product_or_none(item.sku)
        if current is None:
            raise self._fatal(f"o produto {item.sku} não existe mais na loja Magento",
                              "a próxima execução o cria de novo (o vínculo é refeito pela lista de anúncios)")  # fmt: skip
        variants = self._variant_codes(item)
        body = self._product_body(item, child=bool(variants), current=current)
        self.request("PUT", self._write_url(f"products/{quote(item.sku, safe='')}"), json_data=body, family=FAMILY)
        parent = self._ensure_parent(item, variants) if variants else None
        if parent is not None:
            self._attach(parent, item, variants)
        self._sync_media(item, current.get("media_gallery_entries") or [])
        _, paused = kept_active(int(current.get("status") or ENABLED) != DISABLED, item.active, self.label)
        note = "; ".join(n for n in (self._note(item, variants), paused) if n)
        return PublishResult(item.sku, APPLIED, UPDATE, channel_id=str(current["id"]),
                             product_id=str(parent["id"]) if parent else None, note=note)  # fmt: skip

    # -- bodies ---------------------------------------------------------------------------------------
    def _variant_codes(self, item: ProductItem) -> list[str]:
        """Codes of the item's attributes that can vary a configurable (global select attributes of the set)."""
        if not item.parent_sku:
            return []
        attrs = self.set_attributes()
        codes = sorted(c for c, v in item.channel_attributes.items()
                       if v not in (None, "") and (attrs.get(c) or {}).get("frontend_input") == "select"
                       and (attrs.get(c) or {}).get("scope") == "global")  # fmt: skip
        return codes

    def _note(self, item: ProductItem, variants: list[str]) -> str:
        """What the store could not carry for ``item`` (``PublishResult.note``, pt-BR), or ``""``."""
        attrs = self.set_attributes()
        skipped = []
        for setting, value, label in (("attribute_ean", item.ean, "EAN"), ("attribute_ncm", item.ncm, "NCM"),
                                      ("attribute_brand", item.brand, "marca")):  # fmt: skip
            code = self.settings.get(setting) or ""
            if value and code not in attrs:
                skipped.append(f"{label} (o conjunto de atributos não tem '{code}': settings.{setting})")
        measures = ("attribute_height", "attribute_width", "attribute_length")
        if any((item.height_cm, item.width_cm, item.length_cm)) and not all(
            (self.settings.get(m) or "") in attrs for m in measures
        ):
            skipped.append("medidas (o Magento não tem atributos de altura, largura e comprimento: "
                           "settings.attribute_height|width|length)")  # fmt: skip
        parts = ["não enviado: " + ", ".join(skipped)] if skipped else []
        if item.parent_sku and not variants:
            parts.append(f"publicado como produto avulso: a família {item.parent_sku} não tem atributo de variação "
                         "(select global da loja) para um produto configurável; mapeie cor/tamanho no de-para de "
                         "atributos")  # fmt: skip
        return "; ".join(parts)

    def _custom_attributes(self, item: ProductItem, *, with_variants: bool) -> list[dict[str, str]]:
        attrs = self.set_attributes()
        out: dict[str, str] = {}
        if item.description:
            out["description"] = item.description
        fields = (("attribute_ean", item.ean), ("attribute_ncm", item.ncm), ("attribute_brand", item.brand),
                  ("attribute_height", item.height_cm), ("attribute_width", item.width_cm),
                  ("attribute_length", item.length_cm))  # fmt: skip
        for setting, value in fields:
            code = self.settings.get(setting) or ""
            if code and code in attrs and value not in (None, ""):
                out[code] = self._value(code, str(value))
        for code, value in item.channel_attributes.items():
            if value in (None, ""):
                continue
            if code not in attrs:
                raise self._fatal(f"o atributo '{code}' do de-para não existe no conjunto de atributos da loja",
                                  "corrija o de-para de atributos ou o conjunto (settings.attribute_set)")  # fmt: skip
            if with_variants or code not in self._variant_codes(item):
                out[code] = self._value(code, str(value))
        return [{"attribute_code": k, "value": v} for k, v in out.items()]

    def _value(self, code: str, value: str) -> str:
        return self._option_id(code, value) if self.set_attributes()[code].get("frontend_input") == "select" else value

    def _product_body(self, item: ProductItem, *, child: bool, current: dict[str, Any] | None) -> dict[str, Any]:
        set_id, _ = self.attribute_set()
        ext: dict[str, Any] = {"website_ids": sorted(set(self.website_ids()))}
        links = list(((current or {}).get("extension_attributes") or {}).get("category_links") or [])
        if item.channel_category:
            cat = str(self.category_id(item.channel_category))
            if cat not in {str(link.get("category_id")) for link in links}:
                links.append({"position": 0, "category_id": cat})
        if links:
            ext["category_links"] = [{"position": int(link.get("position") or 0),
                                      "category_id": str(link["category_id"])} for link in links]  # fmt: skip
        if current is not None:
            ext["website_ids"] = sorted(set(ext["website_ids"]) | set((current.get("extension_attributes") or {})
                                                                       .get("website_ids") or []))  # fmt: skip
        product: dict[str, Any] = {
            "sku": item.sku, "name": item.title,
            "custom_attributes": self._custom_attributes(item, with_variants=True), "extension_attributes": ext,
        }  # fmt: skip
        if current is None:  # status and visibility are the store's once the product exists
            product.update(status=ENABLED if item.active else DISABLED, visibility=NOT_VISIBLE if child else VISIBLE)
        elif not item.active:  # a deactivation, never a reactivation (kept_active)
            product["status"] = DISABLED
        if item.weight_kg is not None:
            product["weight"] = round(float(item.weight_kg) * self._kg_factor(), 4)
        if current is None:
            product.update(attribute_set_id=set_id, type_id="simple", price=item.price)
            product["custom_attributes"].append({"attribute_code": "url_key",
                                                 "value": f"{_slug(item.title)}-{_slug(item.sku)}"})  # fmt: skip
        return {"product": {k: v for k, v in product.items() if v is not None}, "saveOptions": True}

    # -- configurable families --------------------------------------------------------------------------
    def _family(self, sku: str) -> dict[str, Any] | None:
        """What this connector already knows of a family (its parent, option attributes, children), or ``None``.

        Filled only from Magento's answers and from writes Magento accepted, so a family's later members skip
        the lookups; a new connector (each run has one) looks everything up again.
        """
        self._cached("families", dict)
        return self._catalog["families"].get(sku)

    def _ensure_parent(self, item: ProductItem, variants: list[str]) -> dict[str, Any]:
        """The family's configurable product: found by its SKU (the family code), else created now."""
        sku = str(item.parent_sku)
        known = self._family(sku)
        if known is not None:
            return known["parent"]
        parent, created = self._find_or_create_parent(item, variants)
        # A parent made just now has no options or children yet; a found one is read when first needed.
        self._catalog["families"][sku] = {"parent": parent, "options": set() if created else None,
                                          "children": set() if created else None}  # fmt: skip
        return parent

    def _find_or_create_parent(self, item: ProductItem, variants: list[str]) -> tuple[dict[str, Any], bool]:
        sku = str(item.parent_sku)
        found = self._product_or_none(sku)
        if found is not None:
            if found.get("type_id") != "configurable":
                raise self._fatal(f"o SKU da família {sku} já existe na loja como produto '{found.get('type_id')}'",
                                  "renomeie o código da família no ERP ou converta o produto na loja")  # fmt: skip
            return found, False
        set_id, _ = self.attribute_set()
        values = [str(item.channel_attributes[c]) for c in variants]
        name = family_title(item.title, values)
        body = self._product_body(item, child=False, current=None)["product"]
        body.update(sku=sku, name=name, type_id="configurable", attribute_set_id=set_id, visibility=VISIBLE)
        body.pop("price", None)
        body.pop("weight", None)
        body["custom_attributes"] = [a for a in self._custom_attributes(item, with_variants=False)
                                     if a["attribute_code"] not in variants]  # fmt: skip
        body["custom_attributes"].append({"attribute_code": "url_key", "value": f"{_slug(name)}-{_slug(sku)}"})
        parent = self.request("POST", self._write_url("products"), json_data={"product": body, "saveOptions": True},
                              family=FAMILY).json()  # fmt: skip
        self._sync_media(ProductItem(sku, name, image_urls=item.image_urls), [])
        return parent, True

    def _attach(self, parent: dict[str, Any], item: ProductItem, variants: list[str]) -> None:
        """Options for the variant attributes the parent lacks, then the child link (each looked up first)."""
        psku = quote(str(parent["sku"]), safe="")
        family = self._family(str(parent["sku"])) or {"options": None, "children": None}
        if family["options"] is None:
            options = self.get_json(f"configurable-products/{psku}/options/all", family=FAMILY) or []
            family["options"] = {str(o.get("attribute_id")) for o in options}
        have = family["options"]
        attrs = self.set_attributes()
        for position, code in enumerate(variants):
            attr = attrs[code]
            if str(attr["attribute_id"]) in have:
                continue
            option = {"attribute_id": str(attr["attribute_id"]), "label": str(attr.get("default_frontend_label") or code),
                      "position": position, "is_use_default": True,
                      "values": [{"value_index": int(self._option_id(code, str(item.channel_attributes[code])))}]}  # fmt: skip
            self.request("POST", self._write_url(f"configurable-products/{psku}/options"), json_data={"option": option},
                         family=FAMILY)  # fmt: skip
            have.add(str(attr["attribute_id"]))
        if family["children"] is None:
            children = self.get_json(f"configurable-products/{psku}/children", family=FAMILY) or []
            family["children"] = {str(c.get("sku")) for c in children}
        if item.sku not in family["children"]:
            self.request("POST", self._write_url(f"configurable-products/{psku}/child"),
                         json_data={"childSku": item.sku}, family=FAMILY)  # fmt: skip
            family["children"].add(item.sku)

    # -- media ----------------------------------------------------------------------------------------
    def _image_session(self) -> requests.Session:
        if getattr(self, "_images", None) is None:
            self._images = requests.Session()
        return self._images

    def _sync_media(self, item: ProductItem, entries: list[dict[str, Any]]) -> None:
        """Upload the images of new URLs, delete the kit's entries whose URL is gone (others are the store's)."""
        wanted = {image_stem(url): url for url in item.image_urls}
        mine = {stem_of_file(str(e.get("file") or "")): e for e in entries}
        sku = quote(item.sku, safe="")
        for stem, entry in mine.items():
            if stem.startswith("kit-") and stem not in wanted:
                self.request("DELETE", self._write_url(f"products/{sku}/media/{entry['id']}"), family=FAMILY)
        for n, (stem, url) in enumerate(wanted.items()):
            if stem in mine:
                continue
            image = fetch_image(url, self._image_session())
            entry = {"media_type": "image", "label": item.title[:255], "position": n + 1, "disabled": False,
                     "types": ROLES if n == 0 and not entries else [],
                     "content": {"base64_encoded_data": base64.b64encode(image.content).decode("ascii"),
                                 "type": image.mime, "name": f"{stem}.{image.ext}"}}  # fmt: skip
            self.request("POST", self._write_url(f"products/{sku}/media"), json_data={"entry": entry}, family=FAMILY)

    # -- value lists for the de-para builder --------------------------------------------------------------
    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """``category``: every path of the tree; ``attribute``: the set's select options (label = de-para value)."""
        categories = [{"category": n["path"], "code": str(n["id"]), "description": f"nível {n['level']}"}
                      for n in self.category_tree()]  # fmt: skip
        attributes = []
        for code, attr in self.set_attributes().items():
            if not attr.get("is_user_defined"):
                continue
            label = str(attr.get("default_frontend_label") or code)
            required = " (obrigatório)" if attr.get("is_required") else ""
            options = [o for o in attr.get("options") or [] if o.get("value")]
            for option in options or [{"label": "", "value": ""}]:
                attributes.append({"attribute": code, "value": str(option["label"]), "code": str(option["value"]),
                                   "description": label + required})  # fmt: skip
        return {"category": categories, "attribute": attributes}
