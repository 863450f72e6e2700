"""The deliberate defects of a store export: which SKUs each class touches, and how each is injected.

Every class touches its own SKUs (classes never share a SKU), so a check can be
scored class by class. :func:`pick_defects` chooses the SKUs; each class is then
one small function of :data:`INJECTORS` (a table, in the order the classes are
injected) working on a :class:`StoreDraft`, and notes what it did for
``defects.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kit.sample.catalog import generate_catalog
from kit.sample.checkdigits import ean13
from kit.sample.values import _value_rows

__all__ = [
    "DEFECT_CLASSES",
    "DEFECT_COUNTS",
    "PRICE_DIVERGENCE_MIN_PCT",
    "StoreDraft",
    "pick_defects",
    "INJECTORS",
    "note_unmapped_values",
]

# Every defect class a store export may carry, with what it means (README and manifest).
DEFECT_CLASSES = {
    "missing_in_store": "an ERP SKU has no listing in the store",
    "extra_in_store": "a store listing's SKU does not exist in the ERP",
    "duplicate_sku_store": "the same SKU is listed twice in the store",
    "duplicate_ean": "one EAN is used by several SKUs in the store",
    "bad_ean": "the store's EAN has a wrong check digit",
    "bad_ncm": "the store's NCM is not 8 digits",
    "price_divergence": "store price differs from the ERP price beyond tolerance (up, down, and a >50% drop)",
    "stock_divergence": "store stock differs from the ERP's available stock",
    "zero_dimensions": "weight or a dimension is 0 in the store",
    "missing_brand": "the store listing has no brand",
    "long_title": "the store title is longer than the channel's title limit",
    "ean_moved": "the store has the ERP product (same EAN) under another SKU",
    "unmapped_values": "the channel uses carrier/payment/status values with no mapping",
    "variation_price_conflict": "a variation family (same parent_sku, one listing) has one SKU with another ERP "
    "price, on a channel whose listings take one price for every variation",
}
# How many SKUs each class touches in a store export (per class; disjoint SKUs).
DEFECT_COUNTS = {
    "missing_in_store": 4,
    "extra_in_store": 3,
    "duplicate_sku_store": 2,
    "duplicate_ean": 2,
    "bad_ean": 3,
    "bad_ncm": 3,
    "price_divergence": 4,
    "stock_divergence": 4,
    "zero_dimensions": 3,
    "missing_brand": 3,
    "long_title": 3,
    "ean_moved": 2,
    "variation_price_conflict": 2,
}
# Smallest relative price change injected as a divergence: any sane tolerance is below it.
PRICE_DIVERGENCE_MIN_PCT = 10.0


@dataclass(slots=True)
class StoreDraft:
    """A store export being built from the ERP records, and what each defect class did to it.

    Attributes:
        channel_type: the channel type of the export.
        seed: the export's seed.
        title_limit: the channel's longest title.
        records: the ERP catalogue (never changed).
        rows: one store row per ERP record, same positions (changed in place by the defects).
        picks: the row positions each defect class touches.
        listing_id: the channel's listing id for a number (``MLB...`` for Mercado Livre...).
        drop: positions left out of the store.
        appended: store rows that are not ERP records (extra and duplicated listings).
        notes: per class, what ``defects.json`` says about it.
    """

    channel_type: str
    seed: int
    title_limit: int
    records: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    picks: dict[str, list[int]]
    listing_id: Callable[[int], str]
    drop: set[int] = field(default_factory=set)
    appended: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def note(self, cls: str, skus: list[str], details: list[dict[str, Any]]) -> None:
        """Record what class ``cls`` did: the SKUs a check should flag and per-SKU details."""
        self.notes[cls] = {"description": DEFECT_CLASSES[cls], "skus": skus, "details": details}

    def store_rows(self) -> list[dict[str, Any]]:
        """The rows the store export holds, in order."""
        return [row for i, row in enumerate(self.rows) if i not in self.drop] + self.appended


def pick_defects(
    records: list[dict[str, Any]],
    order: list[int],
    chosen: list[str],
    families: dict[str, list[int]],
    *,
    uniform_price: bool,
) -> tuple[dict[str, list[int]], list[int]]:
    """Which row positions each chosen class touches, taken in ``order``; and the SKUs of price conflicts.

    ``variation_price_conflict`` (channels whose listings take one price for every
    variation) takes families of 3+ SKUs no other defect touches; the whole family
    is spoken for, the picked SKU is the one a check should flag.
    """
    needed = sum(DEFECT_COUNTS.get(d, 0) for d in chosen)
    if needed > len(records):
        raise ValueError(f"a catalogue of {len(records)} SKUs is too small for {needed} defects")
    pool = iter(order)

    def take(cls: str) -> list[int]:
        return [next(pool) for _ in range(DEFECT_COUNTS[cls])] if cls in chosen else []

    picks = {cls: take(cls) for cls in DEFECT_COUNTS if cls != "variation_price_conflict"}
    conflict: list[int] = []
    if "variation_price_conflict" in chosen and uniform_price:
        busy = {i for v in picks.values() for i in v}
        for i in pool:
            members = families.get(str(records[i].get("parent_sku") or ""), [])
            if len(conflict) == DEFECT_COUNTS["variation_price_conflict"]:
                break
            if len(members) >= 3 and not busy.intersection(members):
                conflict.append(i)
                busy.update(members)
        picks["variation_price_conflict"] = [m for i in conflict for m in families[str(records[i]["parent_sku"])]]
    return picks, conflict


def _missing_in_store(d: StoreDraft) -> None:
    d.drop.update(d.picks["missing_in_store"])
    d.note("missing_in_store", [d.records[i]["sku"] for i in d.picks["missing_in_store"]], [])


def _extra_in_store(d: StoreDraft) -> None:
    extras = generate_catalog(len(d.picks["extra_in_store"]), d.seed + 1, sku_prefix="LOJA")
    for k, e in enumerate(extras):
        e["ean"] = ean13(780_000_000_000 + d.seed % 1000 * 1000 + k)  # outside the ERP's EAN range
        d.appended.append(dict(e, channel_id=d.listing_id(900_000 + k), variation_id=""))
    d.note("extra_in_store", [e["sku"] for e in extras], [])


def _duplicate_sku_store(d: StoreDraft) -> None:
    for k, i in enumerate(d.picks["duplicate_sku_store"]):
        d.appended.append(dict(d.rows[i], channel_id=d.listing_id(800_000 + k), variation_id=""))
    d.note("duplicate_sku_store", [d.records[i]["sku"] for i in d.picks["duplicate_sku_store"]], [])


def _duplicate_ean(d: StoreDraft) -> None:
    # Each picked SKU takes the EAN of the next SKU in catalogue order (not itself a defect pick).
    records = d.records
    details, skus = [], []
    taken = {i for v in d.picks.values() for i in v}
    for i in d.picks["duplicate_ean"]:
        j = (i + 1) % len(records)
        while j in taken:
            j = (j + 1) % len(records)
        taken.add(j)
        d.rows[i]["ean"] = records[j]["ean"]
        skus += [records[i]["sku"], records[j]["sku"]]
        details.append({"ean": records[j]["ean"], "skus": [records[i]["sku"], records[j]["sku"]]})
    d.note("duplicate_ean", skus, details)


def _bad_ean(ean: str) -> str:
    return ean[:12] + str((int(ean[12]) + 1) % 10)


def _bad_eans(d: StoreDraft) -> None:
    details = []
    for i in d.picks["bad_ean"]:
        d.rows[i]["ean"] = _bad_ean(d.records[i]["ean"])
        details.append({"sku": d.records[i]["sku"], "erp_ean": d.records[i]["ean"], "store_ean": d.rows[i]["ean"]})
    d.note("bad_ean", [x["sku"] for x in details], details)


def _bad_ncm(d: StoreDraft) -> None:
    bad_values = ["6404110", "640411000", "64.04.11"]
    details = []
    for k, i in enumerate(d.picks["bad_ncm"]):
        d.rows[i]["ncm"] = bad_values[k % len(bad_values)]
        details.append({"sku": d.records[i]["sku"], "store_ncm": d.rows[i]["ncm"]})
    d.note("bad_ncm", [x["sku"] for x in details], details)


def _price_divergence(d: StoreDraft) -> None:
    factors = [0.45, 1.25, 0.85, 1.60]  # includes a >50% drop
    details = []
    for k, i in enumerate(d.picks["price_divergence"]):
        erp_price = d.records[i]["price"]
        d.rows[i]["price"] = round(erp_price * factors[k % len(factors)], 2)
        details.append(
            {
                "sku": d.records[i]["sku"],
                "erp_price": erp_price,
                "store_price": d.rows[i]["price"],
                "direction": "down" if factors[k % len(factors)] < 1 else "up",
                "change_pct": round((factors[k % len(factors)] - 1) * 100, 1),
            }
        )
    d.note("price_divergence", [x["sku"] for x in details], details)


def _stock_divergence(d: StoreDraft) -> None:
    details = []
    for k, i in enumerate(d.picks["stock_divergence"]):
        erp_stock = d.records[i]["stock"]
        d.rows[i]["stock"] = 0 if k % 2 else erp_stock + 25 + k
        if d.rows[i]["stock"] == erp_stock:
            d.rows[i]["stock"] = erp_stock + 7
        details.append({"sku": d.records[i]["sku"], "erp_stock": erp_stock, "store_stock": d.rows[i]["stock"]})
    d.note("stock_divergence", [x["sku"] for x in details], details)


def _zero_dimensions(d: StoreDraft) -> None:
    fields = ["weight_kg", "height_cm", "length_cm", "width_cm"]
    details = []
    for k, i in enumerate(d.picks["zero_dimensions"]):
        d.rows[i][fields[k % len(fields)]] = 0.0
        details.append({"sku": d.records[i]["sku"], "field": fields[k % len(fields)]})
    d.note("zero_dimensions", [x["sku"] for x in details], details)


def _missing_brand(d: StoreDraft) -> None:
    for i in d.picks["missing_brand"]:
        d.rows[i]["brand"] = ""
    d.note("missing_brand", [d.records[i]["sku"] for i in d.picks["missing_brand"]], [])


def _long_title(d: StoreDraft) -> None:
    details = []
    for i in d.picks["long_title"]:
        title = f"{d.records[i]['title']} Original com Garantia e Nota Fiscal Envio Imediato"
        while len(title) <= d.title_limit:
            title += " Oferta Especial"
        d.rows[i]["title"] = title
        details.append({"sku": d.records[i]["sku"], "length": len(title), "limit": d.title_limit})
    d.note("long_title", [x["sku"] for x in details], details)


def _ean_moved(d: StoreDraft) -> None:
    details = []
    for k, i in enumerate(d.picks["ean_moved"]):
        store_sku = f"{d.records[i]['sku']}-V{k + 1}"
        d.rows[i]["sku"] = store_sku
        details.append({"ean": d.records[i]["ean"], "erp_sku": d.records[i]["sku"], "store_sku": store_sku})
    d.note("ean_moved", [x["erp_sku"] for x in details], details)
    d.notes["ean_moved"]["also_reported_as"] = ["missing_in_store", "extra_in_store"]


#: The store-side defect classes, in the order they are injected (the ERP-side price conflict and the value
#: lists' unmapped values are written with their files).
INJECTORS: dict[str, Callable[[StoreDraft], None]] = {
    "missing_in_store": _missing_in_store,
    "extra_in_store": _extra_in_store,
    "duplicate_sku_store": _duplicate_sku_store,
    "duplicate_ean": _duplicate_ean,
    "bad_ean": _bad_eans,
    "bad_ncm": _bad_ncm,
    "price_divergence": _price_divergence,
    "stock_divergence": _stock_divergence,
    "zero_dimensions": _zero_dimensions,
    "missing_brand": _missing_brand,
    "long_title": _long_title,
    "ean_moved": _ean_moved,
}


def note_unmapped_values(d: StoreDraft) -> None:
    """Note the values the channel's lists carry that the ground truth does not (``unmapped_values``)."""
    extra_rows = _value_rows(d.channel_type, extras=True)
    base_rows = _value_rows(d.channel_type, extras=False)
    values = [
        {"kind": kind, "value": list(v[:2]) if kind == "carrier_service" else v[0]}
        for kind in extra_rows
        for v in extra_rows[kind]
        if v not in base_rows[kind]
    ]
    d.note("unmapped_values", [], values)
    d.notes["unmapped_values"]["values"] = values
