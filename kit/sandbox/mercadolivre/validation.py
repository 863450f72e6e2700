"""Mercado Livre sandbox: how ``POST /items`` and ``PUT /items/{id}`` refuse a listing, cause by cause.

Error body (developers.mercadolivre.com.br/en_us/validations, ✅): HTTP 400
``{"message": "Validation error", "error": "validation_error", "status": 400,
"cause": [{"department", "cause_id", "type": "error", "code", "references",
"message"}]}``; every refused field is one cause. What is checked, with its source:

* title present and within the category's ``max_title_length``; category a leaf
  (``listing_allowed``); ``price`` a number > 0, ``currency_id`` ``BRL``;
  ``available_quantity`` an integer ≥ 0; ``buying_mode``, ``condition`` and
  ``listing_type_id`` among the category's / site's values ("Publicar
  produtos", "Domínios e Categorias");
* pictures: at least one (inferred), at most ``max_pictures_per_item``; each
  ``{"source": "http(s)://…"}`` or ``{"id": …}`` of a picture of the item;
* attributes: every attribute tagged ``required`` present in the item's
  attributes or, for an item with variations, in every variation's
  ``attribute_combinations`` or ``attributes`` (the message names them as ML
  does); ``list``/``boolean`` values among the attribute's values;
  ``number_unit`` values as ``"10 cm"`` in an allowed unit ("Atributos");
* variations: at most ``max_variations_allowed``; combinations only of
  attributes tagged ``allow_variations``, each combination once; one price for
  every variation; ``picture_ids`` among the item's pictures ("Variações").
"""

from __future__ import annotations

import re
from typing import Any

from kit.sandbox.base import Reply
from kit.sandbox.mercadolivre.catalog import LISTING_TYPES
from kit.sandbox.mercadolivre.common import is_int, is_number, ml_error

__all__ = [
    "Causes",
    "check_item",
    "check_required",
    "check_pictures",
    "check_new_variation",
    "attribute_value",
    "attributes_of",
    "specs_by_id",
]

_URL = re.compile(r"^https?://\S+$", re.I)
_NUMBER_UNIT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z\"]+)\s*$")


class Causes:
    """The causes of one refusal, collected (not raised one by one)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, code: str, message: str, *references: str) -> None:
        self.items.append({"department": "items", "cause_id": 300 + len(self.items), "type": "error", "code": code,
                           "references": list(references), "message": message})  # fmt: skip

    def __bool__(self) -> bool:
        return bool(self.items)

    def reply(self) -> Reply:
        return ml_error(400, "validation_error", "Validation error", self.items)


def attribute_value(sent: dict[str, Any], spec: dict[str, Any] | None) -> dict[str, Any] | str:
    """``sent`` as stored (``{id, name, value_id, value_name}``), or why it is refused."""
    if not isinstance(sent, dict) or not isinstance(sent.get("id"), str):
        return "each attribute needs its id"
    value_id, value_name = sent.get("value_id"), sent.get("value_name")
    if spec is None:
        return {"id": sent["id"], "name": sent["id"], "value_id": value_id, "value_name": value_name}
    kind = spec.get("value_type")
    values = spec.get("values") or []
    if kind in ("list", "boolean"):
        match = next((v for v in values if value_id is not None and v["id"] == str(value_id)), None)
        match = match or next((v for v in values if str(value_name or "").casefold() == v["name"].casefold()), None)
        if match is None:
            return f"Attribute [{spec['id']}] value '{value_name or value_id}' is not one of the allowed values"
        value_id, value_name = match["id"], match["name"]
    elif not str(value_name or "").strip():
        return f"Attribute [{spec['id']}] needs a value_name"
    elif kind == "number_unit":
        found = _NUMBER_UNIT.match(str(value_name))
        units = {u["id"] for u in spec.get("allowed_units") or []}
        if not found or found.group(2) not in units:
            return f"Attribute [{spec['id']}] must be a number and one of the units {sorted(units)}: '{value_name}'"
    elif spec.get("value_max_length") and len(str(value_name)) > int(spec["value_max_length"]):
        return f"Attribute [{spec['id']}] is longer than {spec['value_max_length']} characters"
    return {"id": spec["id"], "name": spec["name"], "value_id": value_id, "value_name": value_name}


def _attributes(sent: Any, specs: dict[str, dict[str, Any]], causes: Causes, where: str) -> list[dict[str, Any]]:
    if sent is None:
        return []
    if not isinstance(sent, list):
        causes.add("item.attributes.invalid", "attributes must be a list", where)
        return []
    out = []
    for attr in sent:
        value = attribute_value(attr, specs.get(str((attr or {}).get("id"))) if isinstance(attr, dict) else None)
        if isinstance(value, str):
            causes.add("item.attribute.invalid", value, where)
        elif value["id"] in specs:  # attributes the category does not have are dropped (ML warns)
            out.append(value)
    return out


def check_pictures(sent: Any, max_pictures: int, known: set[str], causes: Causes) -> list[dict[str, Any]]:
    """Validated ``pictures``: ``{"source": url}`` (new) or ``{"id": id}`` (one of ``known``)."""
    if not isinstance(sent, list) or not sent:
        causes.add("item.pictures.required", "The item must have at least one picture", "item.pictures")
        return []
    if len(sent) > max_pictures:
        causes.add("item.pictures.max", f"The item can have at most {max_pictures} pictures", "item.pictures")
    out = []
    for pic in sent:
        if isinstance(pic, dict) and isinstance(pic.get("source"), str) and _URL.match(pic["source"]):
            out.append({"source": pic["source"]})
        elif isinstance(pic, dict) and str(pic.get("id") or "") in known:
            out.append({"id": str(pic["id"])})
        else:
            causes.add("item.pictures.invalid", f"Invalid picture {pic!r}: send an http(s) source or the id of one "
                       "of the item's pictures", "item.pictures")  # fmt: skip
    return out


def check_item(body: dict[str, Any], settings: dict[str, Any], causes: Causes) -> None:
    """Title, price, currency, quantity, buying mode, condition and listing type of a new item."""
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        causes.add("item.title.required", "The title is required", "item.title")
    elif len(title) > settings["max_title_length"]:
        causes.add("item.title.length.invalid", f"The title is longer than {settings['max_title_length']} "
                   f"characters ({len(title)})", "item.title")  # fmt: skip
    if not is_number(body.get("price")) or body["price"] <= 0:
        causes.add("item.price.invalid", "price must be a number greater than 0", "item.price")
    if body.get("currency_id") not in settings["currencies"]:
        causes.add(
            "item.currency_id.invalid", f"currency_id must be one of {settings['currencies']}", "item.currency_id"
        )
    if not body.get("variations") and (not is_int(body.get("available_quantity")) or body["available_quantity"] < 0):
        causes.add("item.available_quantity.invalid", "available_quantity must be an integer >= 0",
                   "item.available_quantity")  # fmt: skip
    if body.get("buying_mode") not in settings["buying_modes"]:
        causes.add("item.buying_mode.invalid", f"buying_mode must be one of {settings['buying_modes']}",
                   "item.buying_mode")  # fmt: skip
    if body.get("condition") not in settings["item_conditions"]:
        causes.add("item.condition.invalid", f"condition must be one of {settings['item_conditions']}",
                   "item.condition")  # fmt: skip
    if body.get("listing_type_id") not in {t["id"] for t in LISTING_TYPES}:
        causes.add("item.listing_type_id.invalid", f"listing_type_id {body.get('listing_type_id')!r} is not a listing "
                   "type of the site (GET /sites/MLB/listing_types)", "item.listing_type_id")  # fmt: skip


def check_new_variation(
    var: Any, specs: dict[str, dict[str, Any]], pictures: set[str], causes: Causes
) -> dict[str, Any] | None:
    """A new variation (no id) as stored, without its id; ``None`` when refused (causes added)."""
    if not isinstance(var, dict):
        causes.add("item.variations.invalid", "each variation must be an object", "item.variations")
        return None
    combos = var.get("attribute_combinations")
    allowed = {k for k, s in specs.items() if (s.get("tags") or {}).get("allow_variations")}
    if not isinstance(combos, list) or not combos:
        causes.add("item.variations.attribute_combinations.required", "each variation needs attribute_combinations "
                   "of attributes tagged allow_variations", "item.variations.attribute_combinations")  # fmt: skip
        return None
    stored = _attributes(combos, specs, causes, "item.variations.attribute_combinations")
    if any(str((c or {}).get("id")) not in allowed for c in combos if isinstance(c, dict)):
        causes.add("item.variations.attribute_combinations.invalid", f"only attributes tagged allow_variations can "
                   f"be combined ({sorted(allowed)})", "item.variations.attribute_combinations")  # fmt: skip
    if not is_int(var.get("available_quantity")) or var["available_quantity"] < 0:
        causes.add("item.variations.available_quantity.invalid", "available_quantity must be an integer >= 0",
                   "item.variations.available_quantity")  # fmt: skip
    if not is_number(var.get("price")) or var["price"] <= 0:
        causes.add("item.variations.price.invalid", "price must be a number greater than 0", "item.variations.price")
    ids = var.get("picture_ids") or []
    if not isinstance(ids, list) or any(str(p) not in pictures for p in ids):
        causes.add("item.variations.picture_ids.invalid", "picture_ids must be pictures of the item (their ids or "
                   "sources)", "item.variations.picture_ids")  # fmt: skip
    return {"attribute_combinations": stored, "available_quantity": var.get("available_quantity"),
            "price": var.get("price"), "picture_ids": [str(p) for p in ids],
            "attributes": _attributes(var.get("attributes"), specs, causes, "item.variations.attributes"),
            "seller_custom_field": None}  # fmt: skip


def check_required(item: dict[str, Any], specs: dict[str, dict[str, Any]], causes: Causes) -> None:
    """Every attribute tagged ``required`` in the item, or in every variation (combinations or attributes)."""
    have = {a["id"] for a in item.get("attributes") or []}
    missing = []
    for attr_id, spec in specs.items():
        tags = spec.get("tags") or {}
        if not tags.get("required") or tags.get("fixed") or tags.get("read_only") or attr_id in have:
            continue
        variations = item.get("variations") or []
        if variations and all(
            attr_id in {a["id"] for a in v.get("attribute_combinations", []) + v.get("attributes", [])}
            for v in variations
        ):
            continue
        missing.append(attr_id)
    if missing:
        causes.add(
            "item.attributes.missing_required",
            f"The attributes [{', '.join(missing)}] are required for category {item['category_id']}. Check the "
            "attribute is present in the attributes list or in all variation's attributes_combination or attributes.",
            "item.attributes",
        )
    combos = [tuple(sorted((a["id"], a.get("value_id") or a.get("value_name")) for a in v["attribute_combinations"]))
              for v in item.get("variations") or []]  # fmt: skip
    if len(combos) != len(set(combos)):
        causes.add("item.variations.attribute_combinations.duplicated", "each variation needs a different combination",
                   "item.variations.attribute_combinations")  # fmt: skip
    prices = {float(v["price"]) for v in item.get("variations") or [] if is_number(v.get("price"))}
    if len(prices) > 1:
        causes.add("item.variations.price.invalid", "all variations must have the same price", "item.variations.price")


def specs_by_id(attributes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in attributes}


def attributes_of(sent: Any, specs: dict[str, dict[str, Any]], causes: Causes) -> list[dict[str, Any]]:
    """The item's ``attributes`` as stored (invalid ones add causes)."""
    return _attributes(sent, specs, causes, "item.attributes")
