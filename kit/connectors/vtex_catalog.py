"""VTEX publishing: products, SKUs, EAN, images by URL and specifications through the Catalog API.

A mixin of :class:`kit.connectors.vtex.VtexConnector` (the publishing hooks of
``docs/publishing.md``). Shapes from ``../shared/specs/vtex/catalog-api.json``;
the rate family ``catalog`` has its documented limit in :mod:`kit.channeltypes`.

* A VTEX listing is a **product** (one per variation family, ``RefId`` = the
  family code: the ERP's parent SKU, else the SKU) and a **SKU** (``RefId`` = the
  ERP SKU). Each is looked up by its RefId before it is created, so a crash
  between the two creates only the missing part, and never a second listing.
* The category is the de-para value: a path of the category tree
  (``"Casa/Cama, Mesa e Banho"``) or its numeric id; the brand must exist
  (Catálogo > Marcas): an unknown brand is refused with what to do.
* Updates read the current record and PUT it back changed: VTEX erases the
  fields a PUT leaves out (catalog-api.json, Update product). A field the ERP
  does not give (description, NCM) keeps the store's current value; only the
  kit's own images are replaced (:mod:`kit.connectors.vtex_images`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

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
from kit.connectors.vtex_images import ImagePlan, kit_image_name, plan_images
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["VtexCatalogMixin", "CATEGORY_LEVELS", "SPEC_GROUP"]

# catalog-api.json Get category tree: levels are a path parameter; 10 covers any real tree.
CATEGORY_LEVELS = 10
SPEC_GROUP = "Especificações"
FAMILY = "catalog"


def _grams(kg: float | None) -> int:
    # catalog-api.json: PackagedWeightKg is an integer in the store's unit, grams by default. A missing
    # weight is sent as 0, which VTEX refuses: never an invented weight.
    return int(round(float(kg or 0) * 1000))


class VtexCatalogMixin(CatalogMemo):
    """The publishing hooks of the VTEX connector."""

    channel: Channel
    label: str

    # -- lookups -----------------------------------------------------------------------
    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """SKU ids by RefId (the ERP SKU), 50 per call (``stockkeepingunitidsbyrefids``)."""
        found = self.resolve_sku_ids(list(dict.fromkeys(skus)), family=FAMILY)
        return {ref: ListingRef(ref, sku_id) for ref, sku_id in found.items()}

    def product_by_refid(self, ref: str) -> dict[str, Any] | None:
        """The product whose RefId is ``ref``, or ``None`` (VTEX answers an empty body or 404)."""
        found = self.get_json_or_none(
            f"/api/catalog_system/pvt/products/productgetbyrefid/{quote(ref, safe='')}", family=FAMILY
        )
        return found if isinstance(found, dict) and found.get("Id") else None

    def category_tree(self) -> list[dict[str, Any]]:
        """Every category as ``{"id", "path"}`` (path joined with ``/``), from the tree."""

        def load() -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []

            def walk(nodes: list[dict[str, Any]], prefix: str) -> None:
                for node in nodes or []:
                    path = f"{prefix}/{node['name']}" if prefix else str(node["name"])
                    out.append({"id": int(node["id"]), "path": path, "leaf": not node.get("hasChildren")})
                    walk(node.get("children") or [], path)

            walk(self.get_json(f"/api/catalog_system/pub/category/tree/{CATEGORY_LEVELS}", family=FAMILY), "")
            return out

        return self._cached("tree", load)

    def category_id(self, value: str) -> int:
        """The id of a de-para category value (a tree path with ``/`` or ``>``, or a numeric id)."""
        text = str(value).strip()
        if text.isdigit():
            return int(text)
        wanted = "/".join(p.strip() for p in text.replace(">", "/").split("/") if p.strip()).casefold()
        for node in self.category_tree():
            if node["path"].casefold() == wanted:
                return node["id"]
        raise ChannelFatalError(
            f"a categoria '{value}' não existe na árvore de categorias da VTEX",
            channel=self.channel.name,
            hint="corrija o de-para de categoria com um caminho da árvore (kit depara build ... category)",
        )

    def brand_id(self, name: str) -> int:
        brands = self._cached(
            "brands",
            lambda: {
                str(b["name"]).casefold(): int(b["id"])
                for b in self.get_json("/api/catalog_system/pvt/brand/list", family=FAMILY)
            },
        )
        found = brands.get(str(name).strip().casefold())
        if found is None:
            raise ChannelFatalError(
                f"a marca '{name}' não está cadastrada na VTEX",
                channel=self.channel.name,
                hint="cadastre a marca no admin da VTEX (Catálogo > Marcas) ou corrija a marca no ERP",
            )
        return found

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """Required specifications of the category (``listByCategoryId`` + ``fieldGet``: ``IsRequired``)."""
        cat = self.category_id(channel_category)

        def load() -> CategoryRequirements:
            required = []
            fields = self.get_json(f"/api/catalog_system/pub/specification/field/listByCategoryId/{cat}", family=FAMILY)
            for field in fields or []:
                if not field.get("IsActive", True):
                    continue
                detail = self.get_json(f"/api/catalog_system/pub/specification/fieldGet/{field['FieldId']}",
                                       family=FAMILY)  # fmt: skip
                if not detail.get("IsRequired"):
                    continue
                values: tuple[str, ...] = ()
                if detail.get("FieldTypeId") in (5, 6, 7):  # Combo, Radio, Checkbox: a closed list
                    rows = self.get_json(f"/api/catalog_system/pub/specification/fieldvalue/{field['FieldId']}",
                                         family=FAMILY)  # fmt: skip
                    values = tuple(str(r["Value"]) for r in rows or [] if r.get("IsActive", True))
                required.append(
                    RequiredAttribute(
                        str(detail["Name"]), values, bool(detail.get("IsStockKeepingUnit")),
                        str(detail.get("FieldGroupName") or SPEC_GROUP), str(field["FieldId"]),
                    )
                )  # fmt: skip
            return CategoryRequirements(str(channel_category), required, "VTEX: specification fields (IsRequired)")

        return self._cached(f"req:{cat}", load)

    # -- create ------------------------------------------------------------------------------
    def create_listing(self, item: ProductItem) -> PublishResult:
        """Product (found by the family's RefId, else created), SKU, EAN, images, specifications."""
        product = self.product_by_refid(item.family)
        if product is None:
            product = self.request(
                "POST", "/api/catalog/pvt/product", json_data=self._product_body(item, None), family=FAMILY
            ).json()
        product_id = int(product["Id"])
        existing = self.find_listings([item.sku]).get(item.sku)  # a crash after the SKU's POST: bind it
        if existing is not None:
            return self.update_listing(_bound(item, existing.channel_id, product_id))
        sku = self.request("POST", "/api/catalog/pvt/stockkeepingunit", json_data=self._sku_body(item, product_id, None),
                           family=FAMILY).json()  # fmt: skip
        sku_id = str(sku["Id"])
        self._sku_ids[item.sku] = sku_id
        self._send_extras(item, sku_id, product_id, images=ImagePlan(True))  # a new SKU: no image of the store
        return PublishResult(item.sku, APPLIED, CREATE, channel_id=sku_id, product_id=str(product_id))

    def _product_body(self, item: ProductItem, current: dict[str, Any] | None) -> dict[str, Any]:
        body = dict(current or {"IsVisible": True, "IsActive": True, "ShowWithoutStock": False})
        body = {k: v for k, v in body.items() if k not in ("Id", "ListStoreId", "DepartmentId")}
        # The description and NCM are the ERP's when it has them; else the store's current ones stay (a PUT
        # with an empty value erases them, catalog-api.json Update product). A new product gets the title.
        fallback = current or {"Description": item.title}
        body.update(Name=item.title, RefId=item.family, Description=item.description or fallback.get("Description"),
                    BrandId=self.brand_id(item.brand), TaxCode=item.ncm or fallback.get("TaxCode"))  # fmt: skip
        if item.channel_category:
            body["CategoryId"] = self.category_id(item.channel_category)
        if current is None:
            body["Title"] = item.title
        return {k: v for k, v in body.items() if v is not None}

    def _sku_body(self, item: ProductItem, product_id: int, current: dict[str, Any] | None) -> dict[str, Any]:
        body = dict(current or {"IsActive": False, "ActivateIfPossible": True, "MeasurementUnit": "un",
                                "UnitMultiplier": 1.0, "CommercialConditionId": 1})  # fmt: skip
        body = {k: v for k, v in body.items() if k not in ("Id", "CreationDate", "CubicWeight", "Ean")}
        h, length, w = (round(float(v or 0), 2) for v in (item.height_cm, item.length_cm, item.width_cm))
        body.update(
            ProductId=product_id, Name=item.title, RefId=item.sku, PackagedHeight=h, PackagedLength=length,
            PackagedWidth=w, PackagedWeightKg=_grams(item.weight_kg), Height=h, Length=length, Width=w,
            WeightKg=float(_grams(item.weight_kg)),
        )  # fmt: skip
        if current is not None:
            body["IsActive"] = bool(current.get("IsActive")) and item.active  # left out = deactivated
        return {k: v for k, v in body.items() if v is not None}

    def _post_images(self, item: ProductItem, sku_id: str, plan: ImagePlan) -> None:
        """POST the ERP's images, named as the kit's own (:func:`kit_image_name`); main only where the kit's was."""
        for n, url in enumerate(item.image_urls):
            name = kit_image_name(item.sku, n, url)
            body = {"Name": name, "Url": url, "IsMain": plan.main and n == 0, "Position": plan.first_position + n,
                    "Label": item.title[:50], "Text": name}  # fmt: skip
            self.request("POST", f"/api/catalog/pvt/stockkeepingunit/{sku_id}/file", json_data=body, family=FAMILY)

    def _send_extras(self, item: ProductItem, sku_id: str, product_id: int, *, images: ImagePlan) -> None:
        if item.ean:
            self.request("POST", f"/api/catalog/pvt/stockkeepingunit/{sku_id}/ean/{item.ean}", family=FAMILY)
        if images.changed and item.image_urls:
            self._post_images(item, sku_id, images)
        requirements = self.category_requirements(item.channel_category) if item.channel_category else None
        sku_level = {a.name.casefold() for a in (requirements.attributes if requirements else []) if a.sku_level}
        for name, value in item.channel_attributes.items():
            if value in (None, ""):
                continue
            body = {"FieldName": name, "GroupName": SPEC_GROUP, "RootLevelSpecification": False,
                    "FieldValues": [str(value)]}  # fmt: skip
            # Variation attributes (colour, size) are SKU specifications unless the category says otherwise.
            on_sku = (
                name.casefold() in sku_level
                or not requirements
                or name.casefold() not in {a.name.casefold() for a in requirements.attributes}
            )
            path = (f"/api/catalog/pvt/stockkeepingunit/{sku_id}/specificationvalue" if on_sku
                    else f"/api/catalog/pvt/product/{product_id}/specificationvalue")  # fmt: skip
            self.request("PUT", path, json_data=body, family=FAMILY)

    # -- update ------------------------------------------------------------------------------
    def update_listing(self, item: ProductItem) -> PublishResult:
        """GET + PUT the SKU and its product (VTEX erases what a PUT leaves out), then EAN, images, specs.

        Only the kit's own images are replaced (:mod:`kit.connectors.vtex_images`); the store's stay.
        """
        sku_id = str(item.channel_id)
        current_sku = self.get_json(f"/api/catalog/pvt/stockkeepingunit/{sku_id}", family=FAMILY)
        product_id = int(current_sku["ProductId"])
        current_product = self.get_json(f"/api/catalog/pvt/product/{product_id}", family=FAMILY)
        self.request("PUT", f"/api/catalog/pvt/product/{product_id}",
                     json_data=self._product_body(item, current_product), family=FAMILY)  # fmt: skip
        self.request("PUT", f"/api/catalog/pvt/stockkeepingunit/{sku_id}",
                     json_data=self._sku_body(item, product_id, current_sku), family=FAMILY)  # fmt: skip
        files = self.get_json(f"/api/catalog/pvt/stockkeepingunit/{sku_id}/file", family=FAMILY) or []
        plan = plan_images(item, files)
        self._send_extras(item, sku_id, product_id, images=plan)
        for file_id in plan.delete:  # after the new ones are in: the SKU is never left without an image
            self.request("DELETE", f"/api/catalog/pvt/stockkeepingunit/{sku_id}/file/{file_id}", family=FAMILY)
        return PublishResult(item.sku, APPLIED, UPDATE, channel_id=sku_id, product_id=str(product_id), note=plan.note)

    # -- value lists for the de-para builder -------------------------------------------------
    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """Rows of the ``category`` list (every path of the tree) and the ``attribute`` list (combo values)."""
        categories = [{"category": n["path"], "code": str(n["id"]), "description": "folha" if n["leaf"] else ""}
                      for n in self.category_tree()]  # fmt: skip
        attributes: list[dict[str, Any]] = []
        for node in self.category_tree():
            if not node["leaf"]:
                continue
            for attr in self.category_requirements(str(node["id"])).attributes:
                for value in attr.values or ("",):
                    attributes.append({"attribute": attr.name, "value": value, "code": attr.code,
                                       "description": "obrigatório"})  # fmt: skip
        return {"category": categories, "attribute": attributes}


def _bound(item: ProductItem, sku_id: str, product_id: int) -> ProductItem:
    from dataclasses import replace

    return replace(item, channel_id=sku_id, product_id=str(product_id))
