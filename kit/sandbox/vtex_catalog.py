"""VTEX sandbox, catalogue part: products, SKUs, EANs, images, specifications, categories, brands.

Written from ``../shared/specs/vtex/catalog-api.json`` (VTEX's own OpenAPI
document): paths, required fields and types, what creation refuses
(``IsActive: true`` on a new SKU, ``PackagedWeightKg`` 0, a repeated RefId, an
image URL that is not ``http(s)://…(.jpg|.png|.gif)``, more than one value in a
SKU specification), and that a PUT replaces the whole record (fields left out
are erased, booleans become false). The error body of the catalogue,
``{"Message": "..."}``, is as seen in VTEX's answers (vtex/openapi-schemas
issue #293, "Parameter is not valid."): inferred, the document describes none.

A mixin of :class:`kit.sandbox.vtex.VtexSandbox`; it imports nothing from
``kit.connectors``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from kit.sandbox.base import Reply, Request, route

__all__ = ["VtexCatalogRoutes", "catalog_error", "category_path_parts", "SPEC_GROUP"]

# catalog-api.json: product Name and Title "Limited to 150 characters"; product RefId 100; SKU RefId 50;
# SKU Name 200; specification FieldName 100.
PRODUCT_NAME_MAX, PRODUCT_REFID_MAX, SKU_REFID_MAX, SKU_NAME_MAX, FIELD_NAME_MAX = 150, 100, 50, 200, 100
IMAGE_URL = re.compile(r"^https?://\S+\.(jpg|jpeg|png|gif)(\?\S*)?$", re.I)
SPEC_GROUP = "Especificações"
FIRST_PRODUCT_ID, FIRST_FIELD_ID, FIRST_BRAND_ID = 500, 100, 2000000
_SKU_FIELDS = (
    "Id", "ProductId", "IsActive", "ActivateIfPossible", "Name", "RefId", "PackagedHeight", "PackagedLength",
    "PackagedWidth", "PackagedWeightKg", "Height", "Length", "Width", "WeightKg", "CubicWeight", "IsKit",
    "CreationDate", "RewardValue", "EstimatedDateArrival", "ManufacturerCode", "CommercialConditionId",
    "MeasurementUnit", "UnitMultiplier", "ModalType", "KitItensSellApart", "Videos",
)  # fmt: skip
_PRODUCT_FIELDS = (
    "Id", "Name", "DepartmentId", "CategoryId", "BrandId", "LinkId", "RefId", "IsVisible", "Description",
    "DescriptionShort", "ReleaseDate", "KeyWords", "Title", "IsActive", "TaxCode", "MetaTagDescription",
    "SupplierId", "ShowWithoutStock", "AdWordsRemarketingCode", "LomadeeCampaignCode", "Score",
)  # fmt: skip
_BOOL_DEFAULT_FALSE = ("IsVisible", "IsActive", "ShowWithoutStock", "IsKit", "ActivateIfPossible", "KitItensSellApart")


def catalog_error(status: int, message: str) -> Reply:
    """The catalogue's error answer (``{"Message": ...}``, as VTEX answers; inferred)."""
    return Reply(status, {"Message": message})


def category_path_parts(path: str) -> list[str]:
    """``"Casa > Cama, Mesa e Banho"`` or ``"Casa/Cama, Mesa e Banho"`` -> the names, top first."""
    sep = ">" if ">" in path else "/"
    return [p.strip() for p in str(path).split(sep) if p.strip()]


class _Invalid(Exception):
    """A field the catalogue refuses (answered as 400 with the message)."""


def _typed(body: dict[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = False) -> Any:
    """``body[name]`` if it has the documented JSON type (bool is not a number), else :class:`_Invalid`."""
    if name not in body or body[name] is None:
        if required:
            raise _Invalid(f"The field {name} is required.")
        return None
    value = body[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise _Invalid(f"The field {name} has an invalid value: {value!r}.")
    if not isinstance(value, kinds):
        raise _Invalid(f"The field {name} has an invalid value: {value!r}.")
    return value


class VtexCatalogRoutes:
    """Catalogue routes and helpers (mixed into the VTEX sandbox; ``self.state`` is the sandbox's)."""

    state: Any

    # -- seeding -------------------------------------------------------------------
    def seed_catalog_tables(self) -> None:
        self.state.data.update(
            categories={}, brands={}, fields={}, products={}, product_by_ref={}, next_ids={}, spec_values={}
        )

    def _next_id(self, kind: str, first: int) -> int:
        ids = self.state.data["next_ids"]
        ids[kind] = ids.get(kind, first - 1) + 1
        return ids[kind]

    def ensure_category(self, path: str) -> int:
        """The id of the category at ``path`` (created with its parents), with its SKU specifications."""
        cats = self.state.data["categories"]
        father = None
        cat_id = None
        for name in category_path_parts(path):
            cat_id = next((c for c, v in cats.items() if v["Name"] == name and v["FatherCategoryId"] == father), None)
            if cat_id is None:
                cat_id = self._next_id("category", 1)
                cats[cat_id] = {"Id": cat_id, "Name": name, "FatherCategoryId": father, "IsActive": True}
            father = cat_id
        if cat_id is None:
            raise _Invalid("CategoryPath is empty.")
        if not any(f["CategoryId"] == cat_id for f in self.state.data["fields"].values()):
            for name, required, values in self.category_specs():
                self._add_field(cat_id, name, required=required, values=values)
        return cat_id

    def category_specs(self) -> list[tuple[str, bool, tuple[str, ...]]]:
        """Hook: the SKU specifications every leaf category gets (name, IsRequired, values)."""
        return []

    def _add_field(self, cat_id: int, name: str, *, required: bool, values: tuple[str, ...], sku: bool = True) -> int:
        field_id = self._next_id("field", FIRST_FIELD_ID)
        self.state.data["fields"][field_id] = {
            "Name": name, "CategoryId": cat_id, "FieldId": field_id, "IsActive": True, "IsRequired": required,
            "FieldTypeId": 5 if values else 1, "FieldTypeName": "Combo" if values else "Texto",
            "IsStockKeepingUnit": sku, "FieldGroupId": 1, "FieldGroupName": SPEC_GROUP,
            "values": list(values),
        }  # fmt: skip
        return field_id

    def ensure_brand(self, name: str) -> int:
        brands = self.state.data["brands"]
        for bid, b in brands.items():
            if b["name"] == name:
                return bid
        bid = self._next_id("brand", FIRST_BRAND_ID)
        brands[bid] = {"id": bid, "name": name, "isActive": True, "title": name, "metaTagDescription": "",
                       "imageUrl": None}  # fmt: skip
        return bid

    def add_product(self, body: dict[str, Any]) -> dict[str, Any]:
        pid = int(body.get("Id") or self._next_id("product", FIRST_PRODUCT_ID))
        record = self._product_record(pid, body)
        self.state.data["products"][pid] = record
        if record.get("RefId"):
            self.state.data["product_by_ref"][record["RefId"]] = pid
        return record

    def _product_record(self, pid: int, body: dict[str, Any]) -> dict[str, Any]:
        record = {f: body.get(f) for f in _PRODUCT_FIELDS}
        for f in ("IsVisible", "IsActive", "ShowWithoutStock"):
            record[f] = bool(body.get(f))
        record["Id"] = pid
        cat = self.state.data["categories"].get(record.get("CategoryId"))
        top = cat
        while top and top.get("FatherCategoryId"):
            top = self.state.data["categories"][top["FatherCategoryId"]]
        record["DepartmentId"] = top["Id"] if top else record.get("DepartmentId")
        record["LinkId"] = record.get("LinkId") or re.sub(r"[^a-z0-9]+", "-", str(record["Name"]).lower()).strip("-")
        for f in ("Description", "DescriptionShort", "KeyWords", "Title", "TaxCode", "MetaTagDescription", "RefId"):
            record[f] = record[f] if record[f] is not None else ""
        record["Score"] = record["Score"] if record["Score"] is not None else 0
        record["ReleaseDate"] = record["ReleaseDate"] or "2026-01-01T00:00:00"
        record["AdWordsRemarketingCode"] = record["AdWordsRemarketingCode"] or ""
        record["LomadeeCampaignCode"] = record["LomadeeCampaignCode"] or ""
        record["SupplierId"] = record["SupplierId"] if record["SupplierId"] is not None else 1
        return record

    def add_sku(self, body: dict[str, Any], *, sku_id: int | None = None) -> dict[str, Any]:
        sid = int(sku_id or body.get("Id") or self._next_id("sku", 1001))
        record = {f: body.get(f) for f in _SKU_FIELDS}
        for f in _BOOL_DEFAULT_FALSE:
            if f in record:
                record[f] = bool(body.get(f))
        record.update(Id=sid, CreationDate=record.get("CreationDate") or _now())
        for f, default in (("Height", 0.0), ("Length", 0.0), ("Width", 0.0), ("WeightKg", 0.0), ("RewardValue", 0.0),
                           ("CommercialConditionId", 1), ("MeasurementUnit", "un"), ("UnitMultiplier", 1.0),
                           ("ManufacturerCode", ""), ("Videos", [])):  # fmt: skip
            if record.get(f) is None:
                record[f] = default
        h, length, w = (float(record[k] or 0) for k in ("PackagedHeight", "PackagedLength", "PackagedWidth"))
        record["CubicWeight"] = round(h * length * w / 6000, 4)
        old = self.state.data["skus"].get(sid, {})
        record.update({k: old.get(k, default) for k, default in (("_eans", []), ("_files", []), ("_specs", {}))})
        self.state.data["skus"][sid] = record
        if record.get("RefId"):
            self.state.data["by_ref"][record["RefId"]] = sid
        return record

    # -- validation ------------------------------------------------------------------
    def _check_product(self, body: Any, *, update: bool) -> None:
        if not isinstance(body, dict):
            raise _Invalid("The request body must be a JSON object.")
        name = _typed(body, "Name", str, required=True)
        if not name.strip():
            raise _Invalid("The field Name is required.")
        if len(name) > PRODUCT_NAME_MAX:
            raise _Invalid(f"The field Name must have at most {PRODUCT_NAME_MAX} characters.")
        for f in ("Id", "CategoryId", "BrandId", "DepartmentId", "Score", "SupplierId"):
            _typed(body, f, int)
        for f in ("RefId", "Title", "Description", "DescriptionShort", "TaxCode", "LinkId", "CategoryPath",
                  "BrandName", "MetaTagDescription", "KeyWords", "ReleaseDate"):  # fmt: skip
            _typed(body, f, str)
        for f in ("IsVisible", "IsActive", "ShowWithoutStock"):
            _typed(body, f, bool)
        if len(body.get("RefId") or "") > PRODUCT_REFID_MAX:
            raise _Invalid(f"The field RefId must have at most {PRODUCT_REFID_MAX} characters.")
        if update:
            for f in ("CategoryId", "BrandId"):
                _typed(body, f, int, required=True)
        elif body.get("CategoryId") is None and not body.get("CategoryPath"):
            raise _Invalid("CategoryId or CategoryPath is required.")
        elif body.get("BrandId") is None and not body.get("BrandName"):
            raise _Invalid("BrandId or BrandName is required.")
        if body.get("CategoryId") is not None and body["CategoryId"] not in self.state.data["categories"]:
            raise _Invalid(f"Category {body['CategoryId']} not found.")
        if body.get("BrandId") is not None and body["BrandId"] not in self.state.data["brands"]:
            raise _Invalid(f"Brand {body['BrandId']} not found.")

    def _check_sku(self, body: Any, *, update: bool) -> None:
        if not isinstance(body, dict):
            raise _Invalid("The request body must be a JSON object.")
        pid = _typed(body, "ProductId", int, required=True)
        if pid not in self.state.data["products"]:
            raise _Invalid(f"Product {pid} not found.")
        name = _typed(body, "Name", str, required=True)
        if not name.strip() or len(name) > SKU_NAME_MAX:
            raise _Invalid(f"The field Name is required and must have at most {SKU_NAME_MAX} characters.")
        for f in ("PackagedHeight", "PackagedLength", "PackagedWidth"):
            _typed(body, f, (int, float), required=True)
        weight = _typed(body, "PackagedWeightKg", int, required=True)
        if weight <= 0:
            raise _Invalid("The field PackagedWeightKg must be greater than zero.")
        for f in ("Height", "Length", "Width", "WeightKg", "UnitMultiplier", "RewardValue"):
            _typed(body, f, (int, float))
        for f in ("IsActive", "ActivateIfPossible", "IsKit", "KitItensSellApart"):
            _typed(body, f, bool)
        for f in ("Id", "CommercialConditionId"):
            _typed(body, f, int)
        ref = _typed(body, "RefId", str)
        if update:
            _typed(body, "IsActive", bool, required=True)
        else:
            if body.get("IsActive"):
                raise _Invalid("An SKU cannot be activated on creation: send IsActive false (ActivateIfPossible).")
            if not ref and not body.get("Ean"):
                raise _Invalid("RefId or Ean is required.")
        if ref and len(ref) > SKU_REFID_MAX:
            raise _Invalid(f"The field RefId must have at most {SKU_REFID_MAX} characters.")

    # -- products --------------------------------------------------------------------------
    @route("POST", "/api/catalog/pvt/product")
    def product_create(self, req: Request) -> Any:
        body = req.json()
        try:
            self._check_product(body, update=False)
            with self.state.lock:
                if body.get("RefId") and body["RefId"] in self.state.data["product_by_ref"]:
                    raise _Invalid(f"There is already a product with RefId {body['RefId']}.")
                body = dict(body)
                if body.get("CategoryId") is None:
                    body["CategoryId"] = self.ensure_category(body.pop("CategoryPath"))
                if body.get("BrandId") is None:
                    body["BrandId"] = self.ensure_brand(body.pop("BrandName"))
                return self.add_product(body)
        except _Invalid as exc:
            return catalog_error(400, str(exc))

    @route("GET", "/api/catalog/pvt/product/{productId}")
    def product_get(self, req: Request) -> Any:
        product = self.state.data["products"].get(_int(req.params["productId"]))
        return product if product else catalog_error(404, "Product not found.")

    @route("PUT", "/api/catalog/pvt/product/{productId}")
    def product_update(self, req: Request) -> Any:
        pid = _int(req.params["productId"])
        if pid not in self.state.data["products"]:
            return catalog_error(404, "Product not found.")
        body = req.json()
        try:
            self._check_product(body, update=True)
        except _Invalid as exc:
            return catalog_error(400, str(exc))
        with self.state.lock:
            old_ref = self.state.data["products"][pid].get("RefId")
            if old_ref and old_ref != body.get("RefId"):
                self.state.data["product_by_ref"].pop(old_ref, None)
            return self.add_product(dict(body, Id=pid))  # a PUT replaces the record: left-out fields are erased

    @route("GET", "/api/catalog_system/pvt/products/productgetbyrefid/{refId}")
    def product_by_refid(self, req: Request) -> Any:
        pid = self.state.data["product_by_ref"].get(req.params["refId"])
        if pid is None:
            return Reply(200, None)  # VTEX answers 200 with an empty body for an unknown RefId (inferred)
        product = dict(self.state.data["products"][pid])
        product["ListStoreId"] = [1]
        return {k: v for k, v in product.items() if k != "Score"}

    # -- SKUs -----------------------------------------------------------------------------
    @route("POST", "/api/catalog/pvt/stockkeepingunit")
    def sku_create(self, req: Request) -> Any:
        body = req.json()
        try:
            self._check_sku(body, update=False)
            with self.state.lock:
                if body.get("RefId") and body["RefId"] in self.state.data["by_ref"]:
                    raise _Invalid(f"There is already an SKU with RefId {body['RefId']}.")
                record = self.add_sku(dict(body, IsActive=False))
                self.on_sku_created(record["Id"])
        except _Invalid as exc:
            return catalog_error(400, str(exc))
        return _public(record)

    def on_sku_created(self, sku_id: int) -> None:
        """Hook: a SKU was created (the sandbox opens its inventory and price rows)."""

    @route("GET", "/api/catalog/pvt/stockkeepingunit")
    def sku_by_refid(self, req: Request) -> Any:
        ref = req.q("RefId")
        if not ref:
            return catalog_error(400, "The query parameter RefId is required.")
        sid = self.state.data["by_ref"].get(ref)
        if sid is None:
            return catalog_error(404, "SKU not found.")
        sku = _public(self.state.data["skus"][sid])
        sku["Ean"] = (self.state.data["skus"][sid]["_eans"] or [""])[0]
        return sku

    @route("GET", "/api/catalog/pvt/stockkeepingunit/{skuId}")
    def sku_get(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        return _public(sku) if sku else catalog_error(404, "SKU not found.")

    @route("PUT", "/api/catalog/pvt/stockkeepingunit/{skuId}")
    def sku_update(self, req: Request) -> Any:
        sid = _int(req.params["skuId"])
        if sid not in self.state.data["skus"]:
            return catalog_error(404, "SKU not found.")
        body = req.json()
        try:
            self._check_sku(body, update=True)
            with self.state.lock:
                ref = body.get("RefId")
                if ref and self.state.data["by_ref"].get(ref, sid) != sid:
                    raise _Invalid(f"There is already an SKU with RefId {ref}.")
                old_ref = self.state.data["skus"][sid].get("RefId")
                if old_ref and old_ref != ref:
                    self.state.data["by_ref"].pop(old_ref, None)
                record = self.add_sku(dict(body), sku_id=sid)
        except _Invalid as exc:
            return catalog_error(400, str(exc))
        return _public(record)

    @route("POST", "/api/catalog/pvt/stockkeepingunit/{skuId}/ean/{ean}")
    def sku_ean_add(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        if sku is None:
            return catalog_error(404, "SKU not found.")
        ean = req.params["ean"]
        if not ean.isdigit() or len(ean) > 14:
            return catalog_error(400, f"Invalid EAN {ean}.")
        with self.state.lock:
            if ean not in sku["_eans"]:
                sku["_eans"].append(ean)
        return Reply(200, b"", content_type="application/json")

    @route("GET", "/api/catalog/pvt/stockkeepingunit/{skuId}/ean")
    def sku_ean_get(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        return list(sku["_eans"]) if sku else catalog_error(404, "SKU not found.")

    @route("DELETE", "/api/catalog/pvt/stockkeepingunit/{skuId}/ean")
    def sku_ean_delete(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        if sku is None:
            return catalog_error(404, "SKU not found.")
        with self.state.lock:
            sku["_eans"].clear()
        return Reply(200, b"", content_type="application/json")

    # -- images -----------------------------------------------------------------------------
    @route("POST", "/api/catalog/pvt/stockkeepingunit/{skuId}/file")
    def sku_file_add(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        if sku is None:
            return catalog_error(404, "SKU not found.")
        body = req.json()
        try:
            if not isinstance(body, dict):
                raise _Invalid("Parameter is not valid.")
            url = _typed(body, "Url", str, required=True)
            _typed(body, "Name", str, required=True)
            _typed(body, "IsMain", bool)
            _typed(body, "Position", int)
            if not IMAGE_URL.match(url):
                raise _Invalid("Parameter is not valid.")  # catalog-api.json: http(s)://… ending .jpg/.png/.gif
        except _Invalid as exc:
            return catalog_error(400, str(exc))
        with self.state.lock:
            files = sku["_files"]
            main = bool(body.get("IsMain")) or not files
            if main:
                for f in files:
                    f["IsMain"] = False
            entry = self.add_file(sku, body, main=main)
            if sku.get("ActivateIfPossible"):
                sku["IsActive"] = True  # activated once it has an image (catalog-api.json, ActivateIfPossible)
        return [_public(entry)]

    def add_file(self, sku: dict[str, Any], body: dict[str, Any], *, main: bool) -> dict[str, Any]:
        """Store an image on ``sku`` as VTEX does: copied to the account's own host (the ``Url`` it answers is
        ``https://{account}.vteximg.com.br/files/ids/{ArchiveId}/{hash}``, catalog-api.json Get SKU files), never
        the address it was given (kept as ``_source`` for tests)."""
        files = sku["_files"]
        fid = self._next_id("file", 1)
        archive = 150000 + fid
        digest = hashlib.md5(str(body["Url"]).encode()).hexdigest().upper()  # noqa: S324 (a name, not security)
        host = f"{self.channel_settings()['account']}.vteximg.com.br"
        entry = {
            "Id": fid, "ArchiveId": archive, "SkuId": sku["Id"], "Name": body["Name"], "IsMain": main,
            "Text": body.get("Text") or body["Name"], "Label": body.get("Label"),
            "Url": f"https://{host}/files/ids/{archive}/{digest}",
            "FileLocation": f"vteximg.com.br/files/ids/{archive}/{digest}",
            "Position": 0 if main else int(body.get("Position") or len(files)), "_source": body["Url"],
        }  # fmt: skip
        files.append(entry)
        return entry

    @route("GET", "/api/catalog/pvt/stockkeepingunit/{skuId}/file")
    def sku_files(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        return [_public(f) for f in sku["_files"]] if sku else catalog_error(404, "SKU not found.")

    @route("DELETE", "/api/catalog/pvt/stockkeepingunit/{skuId}/file/{skuFileId}")
    def sku_file_delete(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        if sku is None:
            return catalog_error(404, "SKU not found.")
        fid = _int(req.params["skuFileId"])
        with self.state.lock:
            kept = [f for f in sku["_files"] if f["Id"] != fid]
            if len(kept) == len(sku["_files"]):
                return catalog_error(404, "SKU file not found.")
            sku["_files"][:] = kept
        return Reply(200, b"", content_type="application/json")

    @route("DELETE", "/api/catalog/pvt/stockkeepingunit/{skuId}/file")
    def sku_files_delete(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        if sku is None:
            return catalog_error(404, "SKU not found.")
        with self.state.lock:
            sku["_files"].clear()
        return Reply(200, b"", content_type="application/json")

    # -- specifications ------------------------------------------------------------------------
    def _spec_body(self, req: Request, *, sku_level: bool) -> tuple[str, str, list[str]]:
        body = req.json()
        if not isinstance(body, dict):
            raise _Invalid("The request body must be a JSON object.")
        name = _typed(body, "FieldName", str, required=True)
        group = _typed(body, "GroupName", str, required=True)
        _typed(body, "RootLevelSpecification", bool, required=True)
        values = _typed(body, "FieldValues", list, required=True)
        if not all(isinstance(v, str) and v.strip() for v in values) or not values:
            raise _Invalid("FieldValues must be a list of texts.")
        if len(name) > FIELD_NAME_MAX:
            raise _Invalid(f"The field FieldName must have at most {FIELD_NAME_MAX} characters.")
        if sku_level and len(values) != 1:
            raise _Invalid("SKU specifications must contain only one value.")
        return name, group, values

    def _field_for(self, cat_id: int, name: str, group: str, *, sku_level: bool) -> dict[str, Any]:
        for f in self.state.data["fields"].values():
            if f["CategoryId"] == cat_id and f["Name"] == name and f["IsStockKeepingUnit"] == sku_level:
                return f
        fid = self._add_field(cat_id, name, required=False, values=(), sku=sku_level)  # created as documented
        self.state.data["fields"][fid]["FieldGroupName"] = group
        return self.state.data["fields"][fid]

    def _associate(self, owner: dict[str, Any], cat_id: int, req: Request, *, sku_level: bool) -> Any:
        try:
            name, group, values = self._spec_body(req, sku_level=sku_level)
        except _Invalid as exc:
            return catalog_error(400, str(exc))
        with self.state.lock:
            field = self._field_for(cat_id, name, group, sku_level=sku_level)
            if field["values"]:
                for v in values:
                    if v not in field["values"]:
                        field["values"].append(v)  # "creates ... values if they had not been created before"
            owner["_specs"][name] = list(values)
            key = "SkuId" if sku_level else "ProductId"
            return [
                {"Id": self._next_id("spec", 1), key: owner["Id"], "FieldId": field["FieldId"],
                 "FieldValueId": _value_id(field, v), "Text": v}
                for v in values
            ]  # fmt: skip

    @route("PUT", "/api/catalog/pvt/stockkeepingunit/{skuId}/specificationvalue")
    def sku_spec_set(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        if sku is None:
            return catalog_error(404, "SKU not found.")
        product = self.state.data["products"][sku["ProductId"]]
        return self._associate(sku, product["CategoryId"], req, sku_level=True)

    @route("PUT", "/api/catalog/pvt/product/{productId}/specificationvalue")
    def product_spec_set(self, req: Request) -> Any:
        product = self.state.data["products"].get(_int(req.params["productId"]))
        if product is None:
            return catalog_error(404, "Product not found.")
        product.setdefault("_specs", {})
        return self._associate(product, product["CategoryId"], req, sku_level=False)

    @route("GET", "/api/catalog/pvt/stockkeepingunit/{skuId}/specification")
    def sku_specs(self, req: Request) -> Any:
        sku = self.state.data["skus"].get(_int(req.params["skuId"]))
        if sku is None:
            return catalog_error(404, "SKU not found.")
        cat = self.state.data["products"][sku["ProductId"]]["CategoryId"]
        out = []
        for name, values in sku["_specs"].items():
            field = self._field_for(cat, name, SPEC_GROUP, sku_level=True)
            out += [{"Id": field["FieldId"] * 1000 + n, "SkuId": sku["Id"], "FieldId": field["FieldId"],
                     "FieldValueId": _value_id(field, v), "Text": v} for n, v in enumerate(values)]  # fmt: skip
        return out

    # -- categories, brands, specification fields ------------------------------------------------
    @route("GET", "/api/catalog_system/pub/category/tree/{categoryLevels}")
    def category_tree(self, req: Request) -> Any:
        levels = _int(req.params["categoryLevels"])
        cats = self.state.data["categories"]

        def node(cid: int, depth: int) -> dict[str, Any]:
            kids = sorted(c for c, v in cats.items() if v["FatherCategoryId"] == cid)
            name = cats[cid]["Name"]
            return {
                "id": cid, "name": name, "hasChildren": bool(kids), "url": f"https://sandbox.example/{cid}",
                "children": [node(k, depth + 1) for k in kids] if depth < levels else [],
                "Title": name, "MetaTagDescription": "",
            }  # fmt: skip

        return [node(c, 1) for c in sorted(cats) if cats[c]["FatherCategoryId"] is None]

    @route("GET", "/api/catalog_system/pvt/brand/list")
    def brand_list(self, req: Request) -> Any:
        return [dict(b) for _, b in sorted(self.state.data["brands"].items())]

    @route("GET", "/api/catalog_system/pub/specification/field/listByCategoryId/{categoryId}")
    def fields_by_category(self, req: Request) -> Any:
        cat = _int(req.params["categoryId"])
        return [
            {k: f[k] for k in ("Name", "CategoryId", "FieldId", "IsActive", "IsStockKeepingUnit")}
            for f in self.state.data["fields"].values()
            if f["CategoryId"] == cat
        ]

    @route("GET", "/api/catalog_system/pub/specification/fieldGet/{fieldId}")
    def field_get(self, req: Request) -> Any:
        f = self.state.data["fields"].get(_int(req.params["fieldId"]))
        if f is None:
            return catalog_error(404, "Specification field not found.")
        out = {k: v for k, v in f.items() if k != "values"}
        out.update(FieldValueId=None, Description=None, IsFilter=True, IsOnProductDetails=False, Position=1,
                   IsWizard=None, IsTopMenuLinkActive=False, IsSideMenuLinkActive=False, DefaultValue=None)  # fmt: skip
        return out

    @route("GET", "/api/catalog_system/pub/specification/fieldvalue/{fieldId}")
    def field_values(self, req: Request) -> Any:
        f = self.state.data["fields"].get(_int(req.params["fieldId"]))
        if f is None:
            return catalog_error(404, "Specification field not found.")
        return [{"FieldValueId": _value_id(f, v), "Value": v, "IsActive": True, "Position": n}
                for n, v in enumerate(f["values"])]  # fmt: skip


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return -1


def _value_id(field: dict[str, Any], value: str) -> int:
    values = field["values"]
    return field["FieldId"] * 100 + (values.index(value) + 1 if value in values else 0)


def _public(sku: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sku.items() if not k.startswith("_")}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
