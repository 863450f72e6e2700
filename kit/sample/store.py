"""A channel's store export: its listings as the channel exports them, with deliberate defects.

Files: the listings (``listings.csv`` or ``listings.xlsx``, see
:data:`STORE_FORMATS`), the channel's value lists, and ``defects.json``
naming every injected defect by class with the SKUs affected
(:mod:`kit.sample.defects`). ``defects=()`` gives a clean export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from kit.sample.catalog import LISTING_COLUMNS, PRODUCT_COLUMNS, SAMPLE_SEED, TITLE_LIMITS
from kit.sample.defects import (
    DEFECT_CLASSES,
    INJECTORS,
    PRICE_DIVERGENCE_MIN_PCT,
    StoreDraft,
    note_unmapped_values,
    pick_defects,
)
from kit.sample.erp import ERP_PRODUCT_HEADERS, _product_cells
from kit.sample.files import _as_records, _write_csv, _write_xlsx
from kit.sample.values import write_channel_value_lists

__all__ = ["STORE_FORMATS", "STORE_COLUMNS", "write_store_export"]

# How each channel's listing export looks: file format, separator, encoding, headers.
_STORE_HEADERS_PT = {
    "channel_id": "Código do anúncio",
    "sku": "SKU",
    "ean": "EAN",
    "title": "Título",
    "brand": "Marca",
    "category": "Categoria",
    "ncm": "NCM",
    "weight_kg": "Peso (kg)",
    "height_cm": "Altura (cm)",
    "width_cm": "Largura (cm)",
    "length_cm": "Comprimento (cm)",
    "price": "Preço",
    "stock": "Estoque",
    "active": "Ativo",
    "variation_id": "ID da variação",
}
_STORE_HEADERS_EN = {c: c for c in _STORE_HEADERS_PT}
STORE_FORMATS: dict[str, dict[str, Any]] = {
    "mercadolivre": {"file": "listings.xlsx", "headers": _STORE_HEADERS_PT, "variations": True},
    "vtex": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "magento": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "skyhub": {"file": "listings.csv", "sep": ";", "encoding": "utf-8-sig", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "pluggto": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "netshoes": {"file": "listings.csv", "sep": ";", "encoding": "utf-8", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "cnova": {"file": "listings.csv", "sep": ";", "encoding": "cp1252", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "rakuten": {"file": "listings.csv", "sep": ";", "encoding": "cp1252", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "walmart": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "ezcommerce": {"file": "listings.csv", "sep": "\t", "encoding": "utf-8", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
}  # fmt: skip
STORE_COLUMNS = ("channel_id", *LISTING_COLUMNS)


def _channel_id(channel_type: str, k: int) -> str:
    """A listing id shaped like the channel's (``MLB...`` for Mercado Livre...)."""
    if channel_type == "mercadolivre":
        return f"MLB{3_900_000_000 + k}"
    if channel_type == "walmart":
        return f"WM{100_000_000 + k}"
    return str(1000 + k)


def _uniform_variation_price(channel_type: str) -> bool:
    """Whether the channel type's listings take one price for every variation (channel type data)."""
    from kit.channeltypes import get_type

    return bool(get_type(channel_type).uniform_variation_price)


def _variation_id(k: int) -> str:
    """A variation id shaped like Mercado Livre's (a long number)."""
    return str(174_000_000_000 + k)


def _families_of(records: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Row positions per non-empty ``parent_sku`` (catalogue order)."""
    fams: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        parent = str(r.get("parent_sku") or "")
        if parent:
            fams.setdefault(parent, []).append(i)
    return fams


def _conflict_price(price: float) -> float:
    """Another shop price (ends in ,90) about 15 % above ``price``: clearly not the family's."""
    return round(max(round(price * 1.15), round(price) + 5) - 0.10, 2)


def write_store_export(
    directory: str | Path,
    catalog: Any,
    channel_type: str,
    *,
    defects: Iterable[str] | None = None,
    seed: int = SAMPLE_SEED,
) -> dict[str, Any]:
    """Write a channel's store export built from ``catalog``, with deliberate defects.

    Files: the listings (``listings.csv`` or ``listings.xlsx``, see
    :data:`STORE_FORMATS`), the channel's value lists, and ``defects.json``.
    Each defect class touches its own SKUs (classes never share a SKU), so a
    check can be scored class by class.

    Args:
        directory: where to write (created).
        catalog: the ERP catalogue (list of dicts or DataFrame, canonical columns).
        channel_type: one of the ten channel types.
        defects: classes to inject (default: all of :data:`DEFECT_CLASSES`);
            ``()`` for a clean export.
        seed: which SKUs get which defect.

    Returns:
        The manifest written to ``defects.json``: ``{"channel_type", "seed",
        "clean", "listings_file", "erp_skus", "store_rows", "title_limit",
        "price_divergence_min_pct", "defects": {class: {"description",
        "skus", "details"}}}``. ``skus`` are the SKUs a check should flag
        (ERP SKUs, or store SKUs for ``extra_in_store``); ``details`` says
        more per SKU.
    """
    if channel_type not in STORE_FORMATS:
        raise ValueError(f"unknown channel type {channel_type!r}")
    chosen = _chosen_defects(channel_type, defects)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    records = _as_records(catalog)
    rng = np.random.default_rng([seed, sorted(STORE_FORMATS).index(channel_type)])
    order = rng.permutation(len(records)).tolist()
    families = _families_of(records)
    uniform = _uniform_variation_price(channel_type)
    picks, conflict = pick_defects(records, order, chosen, families, uniform_price=uniform)
    # Channels with variation listings: a family is one listing (the head's id) with a
    # variation id per SKU; elsewhere each SKU is its own listing.
    variations = bool(STORE_FORMATS[channel_type].get("variations"))
    draft = StoreDraft(
        channel_type, seed, TITLE_LIMITS[channel_type], records,
        _listing_rows(records, channel_type, families, variations), picks, partial(_channel_id, channel_type),
    )  # fmt: skip
    for cls, inject in INJECTORS.items():
        if cls in chosen:
            inject(draft)
    erp_file = _write_conflict_erp_file(out, draft, conflict, families, variations)
    store_rows = draft.store_rows()
    _write_listings(out, channel_type, store_rows, variations)
    write_channel_value_lists(out, channel_type, unmapped_extras="unmapped_values" in chosen)
    if "unmapped_values" in chosen:
        note_unmapped_values(draft)
    manifest = {
        "channel_type": channel_type,
        "seed": seed,
        "clean": not chosen,
        "listings_file": STORE_FORMATS[channel_type]["file"],
        "erp_file": erp_file,
        "erp_skus": len(records),
        "store_rows": len(store_rows),
        "title_limit": TITLE_LIMITS[channel_type],
        "price_divergence_min_pct": PRICE_DIVERGENCE_MIN_PCT,
        "defects": {cls: draft.notes[cls] for cls in DEFECT_CLASSES if cls in draft.notes},
    }
    (out / "defects.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def _chosen_defects(channel_type: str, defects: Iterable[str] | None) -> list[str]:
    if channel_type not in STORE_FORMATS:
        raise ValueError(f"unknown channel type {channel_type!r}")
    chosen = list(DEFECT_CLASSES) if defects is None else list(defects)
    unknown = [d for d in chosen if d not in DEFECT_CLASSES]
    if unknown:
        raise ValueError(f"unknown defect classes: {', '.join(unknown)}")
    return chosen


def _listing_rows(
    records: list[dict[str, Any]], channel_type: str, families: dict[str, list[int]], variations: bool
) -> list[dict[str, Any]]:
    """One store row per ERP record, with the channel's listing id (and variation id where it has them)."""
    head_of = {m: ms[0] for ms in families.values() for m in ms} if variations else {}
    return [
        dict(
            r,
            channel_id=_channel_id(channel_type, head_of.get(k - 1, k - 1) + 1),
            variation_id=_variation_id(k) if k - 1 in head_of else "",
        )
        for k, r in enumerate(records, 1)
    ]


def _write_conflict_erp_file(
    out: Path, draft: StoreDraft, conflict: list[int], families: dict[str, list[int]], variations: bool
) -> str | None:
    """The ERP export this store is checked against when it has price conflicts (else none, an old one removed).

    The defect is in the ERP export: this store's ERP file has one SKU of each picked
    family at another price (the shared ERP export stays clean).
    """
    if not conflict:
        if (out / "erp_products.csv").exists():
            (out / "erp_products.csv").unlink()
        return None
    records = draft.records
    erp_records = [dict(r) for r in records]
    details = []
    for i in conflict:
        parent = str(records[i]["parent_sku"])
        erp_records[i]["price"] = _conflict_price(records[i]["price"])
        details.append(
            {
                "sku": records[i]["sku"],
                "parent_sku": parent,
                "channel_id": draft.rows[i]["channel_id"] if variations else "",
                "erp_price": erp_records[i]["price"],
                "family_price": records[i]["price"],
                "siblings": [records[m]["sku"] for m in families[parent] if m != i],
            }
        )
    erp_file = "erp_products.csv"
    _write_csv(
        out / erp_file,
        [ERP_PRODUCT_HEADERS[c] for c in PRODUCT_COLUMNS],
        (_product_cells(r, True) for r in erp_records),
        sep=";",
        encoding="cp1252",
    )
    draft.note("variation_price_conflict", [d["sku"] for d in details], details)
    draft.notes["variation_price_conflict"]["erp_file"] = erp_file
    return erp_file


def _write_listings(out: Path, channel_type: str, store_rows: list[dict[str, Any]], variations: bool) -> None:
    """The listings file in the channel's format (:data:`STORE_FORMATS`)."""
    fmt = STORE_FORMATS[channel_type]
    columns = STORE_COLUMNS + (("variation_id",) if variations else ())
    header = [fmt["headers"][c] for c in columns]
    if fmt["file"].endswith(".xlsx"):
        body = ([r[c] if c != "active" else ("Sim" if r[c] else "Não") for c in columns] for r in store_rows)
        _write_xlsx(out / fmt["file"], header, body, sheet="Anúncios")
    else:
        body = ([r["channel_id"], *_product_cells(r, fmt["decimal_comma"], columns[1:])] for r in store_rows)
        _write_csv(out / fmt["file"], header, body, sep=fmt["sep"], encoding=fmt["encoding"])
