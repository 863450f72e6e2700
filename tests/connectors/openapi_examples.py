"""Schemas derived from an API document's own examples, where the document declares none.

Used by the errata of :mod:`connectors.openapi`: Walmart's ``POST /v3/feeds`` types
its multipart ``file`` part as binary, while the feed inside has a shape its V4.8
examples show; :func:`walmart_feed_file` checks a feed against that shape.
"""

from __future__ import annotations

from typing import Any

__all__ = ["shape", "walmart_feed_file"]


def shape(values: list[Any]) -> dict[str, Any]:
    """A JSON schema of what ``values`` (examples) have in common: keys all of them carry are required."""
    if all(isinstance(v, dict) for v in values):
        keys = list(dict.fromkeys(k for v in values for k in v))
        props = {k: shape([v[k] for v in values if k in v]) for k in keys}
        return {"type": "object", "properties": props, "required": [k for k in keys if all(k in v for v in values)]}
    if all(isinstance(v, list) for v in values):
        return {"type": "array", "minItems": 1, "items": shape([x for v in values for x in v])}
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return {"type": "number"}
    return {"type": "string"}


def walmart_feed_file(doc: dict[str, Any]) -> None:
    """Patch ``items.json``: the ``file`` part of ``POST /v3/feeds`` is the feed its V4.8 examples show.

    An MP_ITEM feed carries every key of the MP_ITEM example. An MP_MAINTENANCE feed (header
    ``sellingChannel: mpmaintenance``) is a partial update: its example is a whole item, but Walmart's
    "Bulk item maintenance" guide says it "requires only the SKU and GTIN attributes" and that an attribute
    left out is not changed (developer.walmart.com, us-marketplace/docs/bulk-item-maintenance-1 and
    global-marketplace/docs/update-my-existing-items), so only ``sku`` and ``productIdentifiers`` are required
    there. Header values are the exemplified ones; ``Visible`` holds exactly one group, named after the
    item's category.
    """
    media = doc["paths"]["/v3/feeds"]["post"]["requestBody"]["content"]["multipart/form-data"]
    kinds = []
    for name in ("V4.8 MP_ITEM", "V4.8 MP_MAINTENANCE"):
        feed = media["examples"][name]["value"]
        schema = shape([feed])
        header = schema["properties"]["MPItemFeedHeader"]["properties"]
        for key in ("sellingChannel", "processMode", "subset", "locale", "version"):
            header[key]["enum"] = [feed["MPItemFeedHeader"][key]]
        item = schema["properties"]["MPItem"]["items"]["properties"]
        group = shape([g for i in feed["MPItem"] for g in i["Visible"].values()])
        if name.endswith("MAINTENANCE"):
            item["Orderable"]["required"] = ["sku", "productIdentifiers"]
            group["required"] = []
        # Visible holds one object named after the item's category ("Computers", "Home Decor, Kitchen, & Other").
        item["Visible"] = {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": group}
        kinds.append(schema)
    media["schema"]["properties"]["file"] = {"anyOf": kinds}
