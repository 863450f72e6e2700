"""Both sides of a go-live check keyed once: SKU and EAN codes in one code space, and the matched rows.

SKUs and EANs of the ERP and the store are factorized once per context into one
integer code space (:func:`keys`), so coverage, duplicates and ERP-vs-store
matching are array operations (bincount, fancy indexing) in the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit.connectors.model import UNLIMITED_STOCK
from kit.golive.codes import as_objects, factorize_text
from kit.golive.context import GoliveContext

__all__ = ["SIDES", "IN_SIDE", "OF_SIDE", "SideKeys", "keys", "keyed", "matched"]

SIDES = {"erp": "ERP", "store": "loja"}
IN_SIDE = {"erp": "no ERP", "store": "na loja"}
OF_SIDE = {"erp": "do ERP", "store": "da loja"}


def _frame(ctx: GoliveContext, side: str) -> pd.DataFrame:
    return ctx.erp if side == "erp" else ctx.store


def _blank_text(df: pd.DataFrame, col: str) -> np.ndarray:
    """True where a prepared text column is ``""`` (no scan when prepare counted none)."""
    if df.attrs.get("empty_cells", {}).get(col) == 0:
        return np.zeros(len(df), dtype=bool)
    return as_objects(df[col], clean=True) == ""


def _rowref(df: pd.DataFrame) -> pd.Series:
    return df["_row"].astype("str")


@dataclass(slots=True)
class SideKeys:
    """Integer codes of one side's SKUs and EANs (one code space shared by both sides)."""

    sku: np.ndarray
    ean: np.ndarray
    sku_blank: np.ndarray
    ean_blank: np.ndarray
    keyed: np.ndarray  # row positions of the first occurrence of each non-blank SKU


def _factorize_both(erp: pd.Series, store: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Codes of both sides in one code space, the distinct values, and the code of ``""`` (or -1)."""
    # Object arrays hash several times faster than the python-backed str dtype.
    a, b = as_objects(erp, clean=True), as_objects(store, clean=True)
    codes, uniques = factorize_text(np.concatenate([a, b]))
    blank = int(np.nonzero(uniques == "")[0][0]) if (uniques == "").any() else -1
    return codes[: len(a)], codes[len(a) :], uniques, blank


def keys(ctx: GoliveContext) -> dict[str, Any]:
    """SKU and EAN codes of both sides, computed once per context."""
    if "keys" not in ctx.cache:
        sku_e, sku_s, sku_values, blank_sku = _factorize_both(ctx.erp["sku"], ctx.store["sku"])
        ean_e, ean_s, ean_values, blank_ean = _factorize_both(ctx.erp["ean"], ctx.store["ean"])
        # ean_values: each distinct EAN once (validated once, not once per row and side)
        out: dict[str, Any] = {"n_sku": len(sku_values), "n_ean": len(ean_values), "ean_values": ean_values}
        for side, sku, ean in (("erp", sku_e, ean_e), ("store", sku_s, ean_s)):
            sku_blank, ean_blank = sku == blank_sku, ean == blank_ean
            first = ~pd.Series(sku).duplicated().to_numpy()
            out[side] = SideKeys(sku, ean, sku_blank, ean_blank, np.nonzero(first & ~sku_blank)[0])
        ctx.cache["keys"] = out
    return ctx.cache["keys"]


def keyed(ctx: GoliveContext, side: str) -> pd.DataFrame:
    """One row per non-blank SKU (the first occurrence), cached on the context."""
    key = f"keyed:{side}"
    if key not in ctx.cache:
        ctx.cache[key] = _frame(ctx, side).iloc[keys(ctx)[side].keyed]
    return ctx.cache[key]


def _matched_rows(ctx: GoliveContext) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (ERP, store) of the SKUs present on both sides (first occurrences)."""
    k = keys(ctx)
    erp_pos = np.full(k["n_sku"], -1, dtype=np.int64)
    erp_pos[k["erp"].sku[k["erp"].keyed]] = k["erp"].keyed
    j = erp_pos[k["store"].sku[k["store"].keyed]]
    hit = j >= 0
    return j[hit], k["store"].keyed[hit]


def _unlimited(store: pd.DataFrame) -> np.ndarray:
    """Per store row: the channel says its stock is unlimited (``unlimited_stock``, VTEX ``hasUnlimitedQuantity``)."""
    if UNLIMITED_STOCK not in store.columns:
        return np.zeros(len(store), dtype=bool)
    return np.array([v is True or v == 1 for v in store[UNLIMITED_STOCK].to_numpy(dtype=object)], dtype=bool)


def matched(ctx: GoliveContext) -> pd.DataFrame:
    """ERP and store rows with the same SKU side by side.

    Columns: ``sku``, ``channel_id``, ``price_erp``/``price_store``,
    ``stock_erp``/``stock_store``, ``pos_erp``/``pos_store``, the row
    positions in ``ctx.erp``/``ctx.store`` (for any other column), and
    ``unlimited_store``: the listing's stock is unlimited (its ``stock_store`` is no number).
    """
    if "matched" not in ctx.cache:
        e, st = _matched_rows(ctx)
        erp, store = ctx.erp, ctx.store
        data: dict[str, Any] = {"sku": erp["sku"].to_numpy()[e], "channel_id": store["channel_id"].to_numpy()[st]}
        for col in ("price", "stock"):
            data[f"{col}_erp"] = erp[col].to_numpy()[e]
            data[f"{col}_store"] = store[col].to_numpy()[st]
        data["pos_erp"], data["pos_store"] = e, st
        data["unlimited_store"] = _unlimited(store)[st]
        frame = pd.DataFrame({c: pd.Series(v, dtype=v.dtype, copy=False) for c, v in data.items()}, copy=False)
        ctx.cache["matched"] = frame
    return ctx.cache["matched"]
