"""ERP product rows -> :class:`~kit.connectors.model.ProductItem`, through de-para.

Shared by the products job (what to send) and the go-live check (what could be
created). The category goes through the channel's ``category`` table (ERP ->
channel); attributes (the ERP's colour and size columns, named ``Cor`` and
``Tamanho``) through its ``attribute`` table (ERP attribute + value -> channel
attribute + value). Only confirmed rows translate anything; an unmapped
category leaves ``channel_category`` empty (a create is then held with the fix),
an unmapped attribute is not sent (held only where the category requires it).

The content fingerprint (:func:`fingerprint`) covers everything a publish sends,
after de-para: a second run with no change sends nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from kit.connectors.model import ProductItem

__all__ = ["ATTRIBUTE_COLUMNS", "Translators", "load_translators", "product_item", "fingerprint", "split_urls"]

#: ERP columns that are listing attributes, and the attribute name the de-para table uses for them.
ATTRIBUTE_COLUMNS = {"color": "Cor", "size": "Tamanho"}
_URL_SPLIT = re.compile(r"[\s,;|]+")


@dataclass(slots=True)
class Translators:
    """The channel's confirmed ``category`` and ``attribute`` tables (``None`` when it has none)."""

    category: Any = None
    attribute: Any = None

    def category_of(self, value: str) -> str | None:
        if self.category is None or not value:
            return None
        found, _ = self.category.lookup((value,))
        return found[0] if found else None

    def attribute_of(self, name: str, value: str) -> tuple[str, str] | None:
        if self.attribute is None or not value:
            return None
        found, _ = self.attribute.lookup((name, value))
        return (found[0], found[1]) if found else None


def load_translators(channel: str) -> Translators:
    """The channel's de-para tables for publishing (missing tables translate nothing)."""
    from kit.depara.apply import DeparaLookup
    from kit.depara.table import load_table

    out = Translators()
    for kind in ("category", "attribute"):
        table = load_table(channel, kind)
        if len(table):
            setattr(out, kind, DeparaLookup(kind, table.drop(columns=["_row"], errors="ignore")))
    return out


def split_urls(value: Any) -> list[str]:
    """Image URLs of an ERP cell (separated by spaces, commas, ``;`` or ``|``), http(s) only, in order."""
    if not value or not isinstance(value, str):
        return []
    return [u for u in dict.fromkeys(_URL_SPLIT.split(value.strip())) if u.lower().startswith(("http://", "https://"))]


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _num(row: dict[str, Any], key: str) -> float | None:
    try:
        value = float(row.get(key))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def product_item(row: dict[str, Any], translators: Translators, binding: dict[str, Any] | None = None) -> ProductItem:
    """The :class:`ProductItem` of one ERP products row (canonical columns), bound when ``binding`` is given."""
    attributes = {name: _text(row, col) for col, name in ATTRIBUTE_COLUMNS.items() if _text(row, col)}
    channel_attributes = {}
    for name, value in attributes.items():
        mapped = translators.attribute_of(name, value)
        if mapped:
            channel_attributes[mapped[0]] = mapped[1]
    stock = _num(row, "stock")
    active = row.get("active")
    binding = binding or {}
    return ProductItem(
        sku=_text(row, "sku"),
        title=_text(row, "title"),
        description=_text(row, "description"),
        brand=_text(row, "brand"),
        ean=_text(row, "ean") or None,
        ncm=_text(row, "ncm") or None,
        weight_kg=_num(row, "weight_kg"),
        height_cm=_num(row, "height_cm"),
        width_cm=_num(row, "width_cm"),
        length_cm=_num(row, "length_cm"),
        price=_num(row, "price"),
        stock=int(stock) if stock is not None else None,
        category=_text(row, "category"),
        channel_category=translators.category_of(_text(row, "category")),
        attributes=attributes,
        channel_attributes=channel_attributes,
        image_urls=split_urls(row.get("image_urls")),
        parent_sku=_text(row, "parent_sku") or None,
        active=active is not False and str(active).strip().lower() not in ("false", "0", "não", "nao", "inativo"),
        channel_id=binding.get("channel_id") or None,
        variation_id=binding.get("variation_id") or None,
        product_id=binding.get("product_id") or None,
    )


def fingerprint(item: ProductItem) -> str:
    """A hash of what a publish sends for ``item`` (ids and stock/price excluded: other jobs own them)."""
    data = {
        "title": item.title, "description": item.description, "brand": item.brand, "ean": item.ean,
        "ncm": item.ncm, "measures": [item.weight_kg, item.height_cm, item.width_cm, item.length_cm],
        "category": item.channel_category, "attributes": sorted(item.channel_attributes.items()),
        "images": item.image_urls, "family": item.family, "active": item.active,
    }  # fmt: skip
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
