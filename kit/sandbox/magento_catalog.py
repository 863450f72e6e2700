"""Magento 2 sandbox, catalogue part: product creation, attribute sets, categories, websites, media, configurables.

Written from Adobe's admin REST schema 2.4.9 (``../shared/specs/magento``: paths,
bodies, required fields) and Magento's documented behaviour, never from the
connector. What creation refuses, as Magento does:

* a product without ``sku`` or ``name``, a simple/virtual one without ``price``
  (the EAV "required" rule: ``The "Price" attribute value is empty...``), a
  required attribute of its **attribute set** left empty, an unknown set, type,
  website or category, a ``url_key`` another product already has (Magento derives
  it from the name when none is sent), a SKU over 64 characters, a name over 255,
  a select attribute given something that is not one of its option ids;
* a POST for an existing SKU **saves that product** (the SKU is the key; Magento
  never makes a second product with the same SKU) and a PUT merges into it;
* media entries as base64 content only (no URL in core): the required entry and
  content fields, a MIME type of JPEG/PNG/GIF matching the bytes;
* configurable products: options only on global select attributes, a child must
  be simple/virtual, carry a value for every option attribute, not be attached
  twice, and not repeat another child's combination; attaching a child adds its
  value to the options (``LinkManagement::addChild``).

Message texts are Magento's where known (EAV, image validator, link management);
the ones marked "inferred" in ``docs/channels.md`` were not checked on a live store.
A mixin of :class:`kit.sandbox.magento.MagentoSandbox`; it imports nothing from ``kit.connectors``.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib
from datetime import UTC, datetime
from typing import Any

from kit.sandbox.base import BadRequest, Reply, Request, route

__all__ = ["MagentoCatalogRoutes", "png_bytes", "DEFAULT_SET", "FASHION_SET"]

SKU_MAX, NAME_MAX = 64, 255
DEFAULT_SET, FASHION_SET = 4, 10
ROOT_CATEGORY, DEFAULT_CATEGORY = 1, 2
IMAGE_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "image/gif": b"GIF8"}
_EMPTY = 'The "{}" attribute value is empty. Set the attribute and try again.'
_ROLES = ("image", "small_image", "thumbnail")
#: (code, label, input, scope, user-defined, sets that hold it)
_ATTRIBUTES = (
    ("name", "Product Name", "text", "store", False),
    ("sku", "SKU", "text", "global", False),
    ("price", "Price", "price", "website", False),
    ("weight", "Weight", "weight", "global", False),
    ("status", "Enable Product", "boolean", "website", False),
    ("visibility", "Visibility", "select", "store", False),
    ("description", "Description", "textarea", "store", False),
    ("url_key", "URL Key", "text", "store", False),
    ("manufacturer", "Manufacturer", "select", "global", True),
    ("ean", "EAN", "text", "global", True),
    ("ncm", "NCM", "text", "global", True),
    ("color", "Color", "select", "global", True),
    ("size", "Size", "select", "global", True),
    ("material", "Material", "select", "global", True),
)
_MATERIALS = ("Algodão", "Poliéster", "Couro", "Metal", "Plástico")


def png_bytes(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid PNG image (for the "image host" the tests use)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _not_found(what: str = "product") -> BadRequest:
    return BadRequest(f"The {what} that was requested doesn't exist. Verify the {what} and try again.", 404)


class MagentoCatalogRoutes:
    """Catalogue routes and helpers (mixed into the Magento sandbox; ``self.state`` is the sandbox's)."""

    state: Any

    # -- seeding -------------------------------------------------------------------------------------
    def seed_catalog(self, catalog: list[dict[str, Any]]) -> None:
        """Categories from the catalogue's paths, the attribute sets, options of brands, colours and sizes."""
        data = self.state.data
        data.update(websites={0: {"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0},
                              1: {"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1}},
                    categories={}, attributes={}, sets={}, media={}, options={}, children={}, files={},
                    next_ids={"product": 100 + len(catalog), "media": 1, "option": 1, "category": 3,
                              "value": 10})  # fmt: skip
        cats = data["categories"]
        cats[ROOT_CATEGORY] = {"id": 1, "parent_id": 0, "name": "Root Catalog", "is_active": True, "position": 0}
        cats[DEFAULT_CATEGORY] = {"id": 2, "parent_id": 1, "name": "Default Category", "is_active": True,
                                  "position": 1}  # fmt: skip
        for path in sorted({str(p["category"]) for p in catalog if p.get("category")}):
            self.ensure_category(path)
        values = {
            "manufacturer": sorted({str(p["brand"]) for p in catalog if p.get("brand")}),
            "color": sorted({str(p["color"]) for p in catalog if p.get("color")}),
            "size": sorted({str(p["size"]) for p in catalog if p.get("size")}),
            "material": list(_MATERIALS),
        }
        for n, (code, label, kind, scope, user) in enumerate(_ATTRIBUTES, start=70):
            options = [{"label": " ", "value": ""}] if kind == "select" and user else []  # Magento's blank first
            for name in values.get(code, ()):
                options.append({"label": name, "value": str(self._next("value"))})
            data["attributes"][code] = {
                "attribute_id": n, "attribute_code": code, "frontend_input": kind, "entity_type_id": "4",
                "is_required": code in ("name", "sku", "price"), "is_user_defined": user, "scope": scope,
                "default_frontend_label": label, "frontend_labels": [], "options": options,
                "backend_type": "int" if kind == "select" else "varchar",
            }  # fmt: skip
        everything = [a[0] for a in _ATTRIBUTES if a[0] != "material"]
        data["sets"][DEFAULT_SET] = {"name": "Default", "attributes": everything, "required": []}
        data["sets"][FASHION_SET] = {"name": "Moda", "attributes": [*everything, "material"],
                                     "required": ["material", "ean"]}  # fmt: skip

    def _next(self, kind: str) -> int:
        ids = self.state.data["next_ids"]
        ids[kind] += 1
        return ids[kind]

    def ensure_category(self, path: str) -> int:
        """The id of ``path`` under Default Category ("Roupas > Camisetas"), created with its parents."""
        cats = self.state.data["categories"]
        parent = DEFAULT_CATEGORY
        for name in [p.strip() for p in re.split(r"[>/]", path) if p.strip()]:
            found = next((c for c, v in cats.items() if v["name"] == name and v["parent_id"] == parent), None)
            if found is None:
                found = self._next("category")
                siblings = sum(1 for v in cats.values() if v["parent_id"] == parent)
                cats[found] = {"id": found, "parent_id": parent, "name": name, "is_active": True,
                               "position": siblings + 1}  # fmt: skip
            parent = found
        return parent

    def listings_by_ref(self) -> dict[str, list[int]]:
        """SKU -> every product id carrying it (tests: exactly one product per SKU)."""
        out: dict[str, list[int]] = {}
        for product in self.state.data["products"].values():
            out.setdefault(str(product["sku"]), []).append(int(product["id"]))
        return out

    def add_file(self, name: str, content: bytes) -> str:
        """Serve ``content`` at ``/__sandbox__/files/<name>`` (an image host for tests, outside Magento's API)."""
        self.state.data["files"][name] = content
        return f"{self.url}/__sandbox__/files/{name}"  # type: ignore[attr-defined]

    # -- reads ---------------------------------------------------------------------------------------
    @route("GET", "/rest/{store}/V1/store/websites")
    def websites(self, req: Request) -> Any:
        return list(self.state.data["websites"].values())

    @route("GET", "/rest/{store}/V1/categories")
    def category_tree(self, req: Request) -> Any:
        root = int(req.q("rootCategoryId") or ROOT_CATEGORY)
        if root not in self.state.data["categories"]:
            raise _not_found("category")
        counts: dict[int, int] = {}
        for p in self.state.data["products"].values():
            for link in (p.get("extension_attributes") or {}).get("category_links") or []:
                counts[int(link["category_id"])] = counts.get(int(link["category_id"]), 0) + 1
        return self._tree(root, 0 if root == ROOT_CATEGORY else 1, counts)

    def _tree(self, cat_id: int, level: int, counts: dict[int, int]) -> dict[str, Any]:
        c = self.state.data["categories"][cat_id]
        kids = sorted((k for k, v in self.state.data["categories"].items() if v["parent_id"] == cat_id),
                      key=lambda k: self.state.data["categories"][k]["position"])  # fmt: skip
        return {**c, "level": level, "product_count": counts.get(cat_id, 0),
                "children_data": [self._tree(k, level + 1, counts) for k in kids]}  # fmt: skip

    @route("GET", "/rest/{store}/V1/products/attribute-sets/sets/list")
    def attribute_sets(self, req: Request) -> Any:
        from kit.sandbox.magento import _search_result, parse_search_criteria

        rows = [{"attribute_set_id": k, "attribute_set_name": v["name"], "sort_order": 0, "entity_type_id": 4}
                for k, v in self.state.data["sets"].items()]  # fmt: skip
        return _search_result(rows, parse_search_criteria(req.query))

    def _set(self, set_id: Any) -> dict[str, Any]:
        try:
            return self.state.data["sets"][int(set_id)]
        except (KeyError, TypeError, ValueError):
            raise BadRequest(f"No such entity with attributeSetId = {set_id}", 404) from None

    @route("GET", "/rest/{store}/V1/products/attribute-sets/{id}/attributes")
    def set_attributes(self, req: Request) -> Any:
        found = self._set(req.params["id"])
        return [self._attribute(code, found) for code in found["attributes"]]

    def _attribute(self, code: str, in_set: dict[str, Any] | None = None) -> dict[str, Any]:
        attr = dict(self.state.data["attributes"][code])
        if in_set is not None and code in in_set["required"]:
            attr["is_required"] = True
        return attr

    @route("GET", "/rest/{store}/V1/products/attributes/{code}/options")
    def attribute_options(self, req: Request) -> Any:
        attr = self.state.data["attributes"].get(req.params["code"])
        if attr is None:
            raise BadRequest(f'The attribute with a "{req.params["code"]}" attributeCode doesn\'t exist.', 404)
        return attr["options"]

    @route("GET", "/rest/{store}/V1/products/{sku}")
    def product(self, req: Request) -> Any:
        return self._product(req.params["sku"])

    def _product(self, sku: str) -> dict[str, Any]:
        found = self.state.data["products"].get(sku)
        if found is None:
            raise _not_found()
        return self.render_product(found)

    def render_product(self, product: dict[str, Any]) -> dict[str, Any]:
        """A product as ``catalog-data-product-interface``, with its gallery and configurable links."""
        out = {k: v for k, v in product.items() if not k.startswith("_")}
        out["media_gallery_entries"] = [dict(e) for e in self.state.data["media"].get(product["sku"], [])]
        ext = dict(out.get("extension_attributes") or {})
        ext.setdefault("website_ids", [1])
        if product.get("type_id") == "configurable":
            ext["configurable_product_options"] = self.state.data["options"].get(product["sku"], [])
            ext["configurable_product_links"] = [self.state.data["products"][c]["id"]
                                                 for c in self.state.data["children"].get(product["sku"], [])]  # fmt: skip
        out["extension_attributes"] = ext
        return out

    # -- create / save -------------------------------------------------------------------------------
    @route("POST", "/rest/{store}/V1/products")
    def product_save(self, req: Request) -> Any:
        body = req.json() or {}
        product = body.get("product")
        if not isinstance(product, dict):
            raise BadRequest('"product" is required. Enter and try again.')
        return self._save(product, None)

    @route("PUT", "/rest/{store}/V1/products/{sku}")
    def product_put(self, req: Request) -> Any:
        product = (req.json() or {}).get("product")
        if not isinstance(product, dict):
            raise BadRequest('"product" is required. Enter and try again.')
        return self._save({**product, "sku": req.params["sku"]}, req.params["sku"])

    def _save(self, body: dict[str, Any], path_sku: str | None) -> dict[str, Any]:
        sku = str(body.get("sku") or "").strip()
        if not sku:
            raise BadRequest(_EMPTY.format("SKU"))
        if len(sku) > SKU_MAX:
            raise BadRequest(f"SKU length should be {SKU_MAX} characters or less.")
        with self.state.lock:
            current = self.state.data["products"].get(sku)
            merged = self._merge(current, body)
            self._validate(merged, sku)
            if current is None:
                merged["id"] = self._next("product")
                merged["created_at"] = _now()
                if merged["type_id"] != "configurable":  # a new product is assigned to the default source
                    self.state.data["sources"].setdefault(
                        (sku, "default"), {"sku": sku, "source_code": "default", "quantity": 0.0, "status": 0}
                    )
            merged["updated_at"] = _now()
            self.state.data["products"][sku] = merged
            return self.render_product(merged)

    def _merge(self, current: dict[str, Any] | None, body: dict[str, Any]) -> dict[str, Any]:
        """Magento's save: the body's fields over the stored product (the SKU is the key)."""
        base = dict(current or {"type_id": "simple", "status": 1, "visibility": 4, "custom_attributes": []})
        for key in ("sku", "name", "attribute_set_id", "price", "status", "visibility", "type_id", "weight"):
            if body.get(key) is not None:
                base[key] = body[key]
        attrs = {a["attribute_code"]: a["value"] for a in base.get("custom_attributes") or []}
        for a in body.get("custom_attributes") or []:
            if not isinstance(a, dict) or not a.get("attribute_code") or "value" not in a:
                raise BadRequest('"attribute_code" and "value" are required for a custom attribute.')
            attrs[str(a["attribute_code"])] = a["value"]
        if "url_key" not in attrs and base.get("name"):
            attrs["url_key"] = _slug(base["name"])
        base["custom_attributes"] = [{"attribute_code": k, "value": v} for k, v in attrs.items()]
        ext = dict(base.get("extension_attributes") or {})
        for key in ("website_ids", "category_links"):
            if key in (body.get("extension_attributes") or {}):
                ext[key] = body["extension_attributes"][key]
        base["extension_attributes"] = ext
        base.setdefault("attribute_set_id", DEFAULT_SET)
        return base

    def _validate(self, p: dict[str, Any], sku: str) -> None:
        from kit.sandbox.magento import _number

        if p["type_id"] not in ("simple", "virtual", "configurable"):
            raise BadRequest(f'The product type "{p["type_id"]}" is not supported here.')
        the_set = self._set(p["attribute_set_id"])
        name = str(p.get("name") or "")
        if not name.strip():
            raise BadRequest(_EMPTY.format("Product Name"))
        if len(name) > NAME_MAX:
            raise BadRequest(f"Product Name is more than {NAME_MAX} characters.")
        if p.get("price") is None and p["type_id"] in ("simple", "virtual"):
            raise BadRequest(_EMPTY.format("Price"))
        for key, kind in (("price", "float"), ("weight", "float"), ("status", "int"), ("visibility", "int")):
            if p.get(key) is not None:
                _number(p[key], kind)
        attrs = {a["attribute_code"]: a["value"] for a in p["custom_attributes"]}
        for code in the_set["required"]:
            if attrs.get(code) in (None, ""):
                raise BadRequest(_EMPTY.format(self.state.data["attributes"][code]["default_frontend_label"]))
        for code, value in attrs.items():
            attr = self.state.data["attributes"].get(code)
            if attr and attr["frontend_input"] == "select" and attr["is_user_defined"] and value not in ("", None):
                if str(value) not in {o["value"] for o in attr["options"] if o["value"]}:
                    raise BadRequest(f'Attribute "{code}" has invalid value "{value}". Send the id of an option.')
        others = [q for s, q in self.state.data["products"].items() if s != sku]
        key = attrs.get("url_key")
        if key and any({"attribute_code": "url_key", "value": key} in q.get("custom_attributes", []) for q in others):
            raise BadRequest("URL key for specified store already exists.")
        ext = p["extension_attributes"]
        for website in ext.get("website_ids") or []:
            if not isinstance(website, int) or website not in self.state.data["websites"] or website == 0:
                raise BadRequest(f'The website with id "{website}" that was requested wasn\'t found. Verify the '
                                 "website and try again.", 404)  # fmt: skip
        for link in ext.get("category_links") or []:
            if (
                not str(link.get("category_id", "")).isdigit()
                or int(link["category_id"]) not in self.state.data["categories"]
            ):
                raise BadRequest(f"No such entity with id = {link.get('category_id')}", 404)

    # -- media ---------------------------------------------------------------------------------------
    @route("GET", "/rest/{store}/V1/products/{sku}/media")
    def media_list(self, req: Request) -> Any:
        self._product(req.params["sku"])
        return [dict(e) for e in self.state.data["media"].get(req.params["sku"], [])]

    @route("POST", "/rest/{store}/V1/products/{sku}/media")
    def media_add(self, req: Request) -> Any:
        sku = req.params["sku"]
        self._product(sku)
        entry = (req.json() or {}).get("entry")
        if not isinstance(entry, dict):
            raise BadRequest('"entry" is required. Enter and try again.')
        for field in ("media_type", "label", "position", "disabled", "types"):
            if entry.get(field) is None:
                raise BadRequest(f'"{field}" is required. Enter and try again.')
        content = entry.get("content") or {}
        for field in ("base64_encoded_data", "type", "name"):
            if not content.get(field):
                raise BadRequest(f'"{field}" is required. Enter and try again.')
        try:
            raw = base64.b64decode(content["base64_encoded_data"], validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("The image content must be valid base64 encoded data.") from None
        magic = IMAGE_MAGIC.get(str(content["type"]))
        if magic is None or not raw.startswith(magic):
            raise BadRequest("The image MIME type is not valid or not supported.")
        name = str(content["name"])
        if not re.fullmatch(r"[\w.-]+\.(jpe?g|png|gif)", name, re.I):
            raise BadRequest("Provided image name contains forbidden characters.")
        with self.state.lock:
            gallery = self.state.data["media"].setdefault(sku, [])
            taken = {e["file"] for g in self.state.data["media"].values() for e in g}
            stem, ext = name.rsplit(".", 1)
            file, n = f"/{name[0].lower()}/{name[1].lower()}/{name}", 0
            while file in taken:
                n += 1
                file = f"/{name[0].lower()}/{name[1].lower()}/{stem}_{n}.{ext}"
            types = [t for t in entry["types"] if t in _ROLES]
            for other in gallery:  # a role belongs to one image
                other["types"] = [t for t in other["types"] if t not in types]
            entry_id = self._next("media")
            gallery.append({"id": entry_id, "media_type": "image", "label": str(entry["label"]),
                            "position": int(entry["position"]), "disabled": bool(entry["disabled"]),
                            "types": types, "file": file})  # fmt: skip
            self.state.data["files"][file.rsplit("/", 1)[1]] = raw
        return entry_id

    @route("DELETE", "/rest/{store}/V1/products/{sku}/media/{entry}")
    def media_delete(self, req: Request) -> Any:
        with self.state.lock:
            gallery = self.state.data["media"].get(req.params["sku"], [])
            kept = [e for e in gallery if str(e["id"]) != req.params["entry"]]
            if len(kept) == len(gallery):
                raise BadRequest("The image doesn't exist. Verify and try again.", 404)
            self.state.data["media"][req.params["sku"]] = kept
        return True

    # -- configurable products -----------------------------------------------------------------------
    def _configurable(self, sku: str) -> dict[str, Any]:
        found = self.state.data["products"].get(sku)
        if found is None:
            raise _not_found()
        if found["type_id"] != "configurable":
            raise BadRequest(f'This is implemented for the "{sku}" configurable product only.')
        return found

    @route("GET", "/rest/{store}/V1/configurable-products/{sku}/options/all")
    def options_all(self, req: Request) -> Any:
        self._configurable(req.params["sku"])
        return self.state.data["options"].get(req.params["sku"], [])

    @route("POST", "/rest/{store}/V1/configurable-products/{sku}/options")
    def option_add(self, req: Request) -> Any:
        option = (req.json() or {}).get("option")
        if not isinstance(option, dict):
            raise BadRequest('"option" is required. Enter and try again.')
        with self.state.lock:
            parent = self._configurable(req.params["sku"])
            attr = next((a for a in self.state.data["attributes"].values()
                         if str(a["attribute_id"]) == str(option.get("attribute_id"))), None)  # fmt: skip
            if attr is None or attr["frontend_input"] != "select" or attr["scope"] != "global":
                raise BadRequest(f'The attribute with a "{option.get("attribute_id")}" attributeId doesn\'t exist. '
                                 "Verify the attribute and try again.")  # fmt: skip
            options = self.state.data["options"].setdefault(parent["sku"], [])
            if any(o["attribute_id"] == str(attr["attribute_id"]) for o in options):
                raise BadRequest("Something went wrong while saving option.")
            values = option.get("values") or []
            if not values or any(not isinstance(v, dict) or v.get("value_index") is None for v in values):
                raise BadRequest("Option values are not specified.")
            option_id = self._next("option")
            options.append({"id": option_id, "attribute_id": str(attr["attribute_id"]),
                            "label": str(option.get("label") or attr["default_frontend_label"]),
                            "position": int(option.get("position") or 0), "product_id": parent["id"],
                            "values": [{"value_index": int(v["value_index"])} for v in values]})  # fmt: skip
        return option_id

    @route("GET", "/rest/{store}/V1/configurable-products/{sku}/children")
    def children(self, req: Request) -> Any:
        self._configurable(req.params["sku"])
        products = self.state.data["products"]
        return [self.render_product(products[c]) for c in self.state.data["children"].get(req.params["sku"], [])]

    @route("POST", "/rest/{store}/V1/configurable-products/{sku}/child")
    def child_add(self, req: Request) -> Any:
        child_sku = str((req.json() or {}).get("childSku") or "")
        if not child_sku:
            raise BadRequest('"childSku" is required. Enter and try again.')
        with self.state.lock:
            parent = self._configurable(req.params["sku"])
            child = self.state.data["products"].get(child_sku)
            if child is None:
                raise _not_found()
            if child["type_id"] not in ("simple", "virtual"):
                raise BadRequest("The child product must be a simple or virtual product.")
            linked = self.state.data["children"].setdefault(parent["sku"], [])
            if child_sku in linked:
                raise BadRequest("The product is already attached.")
            options = self.state.data["options"].get(parent["sku"], [])
            if not options:
                raise BadRequest("The configurable product has no options: add them before the children.")
            combo = self._combination(child, options)
            for other in linked:
                if self._combination(self.state.data["products"][other], options) == combo:
                    raise BadRequest(f'Products "{other}" and "{child_sku}" have the same set of attribute values.')
            for option, value in zip(options, combo, strict=True):  # addChild extends the options' values
                if value not in [v["value_index"] for v in option["values"]]:
                    option["values"].append({"value_index": value})
            linked.append(child_sku)
        return True

    def _combination(self, child: dict[str, Any], options: list[dict[str, Any]]) -> tuple[int, ...]:
        attrs = {a["attribute_code"]: a["value"] for a in child.get("custom_attributes") or []}
        by_id = {str(a["attribute_id"]): a for a in self.state.data["attributes"].values()}
        combo = []
        for option in options:
            code = by_id[option["attribute_id"]]["attribute_code"]
            value = attrs.get(code)
            if value in (None, ""):
                label = by_id[option["attribute_id"]]["default_frontend_label"]
                raise BadRequest(f'The child product doesn\'t have the "{label}" attribute value. Verify the value '
                                 "and try again.")  # fmt: skip
            combo.append(int(value))
        return tuple(combo)

    # -- an image host for tests (outside Magento's API: not logged) -----------------------------------
    def serve_file(self, req: Request) -> Reply | None:
        prefix = "/__sandbox__/files/"
        if req.method != "GET" or not req.path.startswith(prefix):
            return None
        content = self.state.data["files"].get(req.path[len(prefix) :])
        if content is None:
            return Reply(404, b"not found", content_type="text/plain")
        kind = next((k for k, magic in IMAGE_MAGIC.items() if content.startswith(magic)), "text/html")
        return Reply(200, content, content_type=kind)
