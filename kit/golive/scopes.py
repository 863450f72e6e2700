"""Rows of one product that are not a second product: store-view rows and per-warehouse rows.

Magento's catalogue export (System > Export > Products) writes one row per SKU
for the default scope and then, for each store view where something differs
(a translated name, another price), a row with the same SKU, the view's code in
``store_view_code`` and only the changed cells. Those rows are not duplicate
listings and their empty cells are not missing data: the go-live check looks at
the default row. A SKU that only has store-view rows keeps its first one
(:func:`fold_scope_rows`).

Many ERPs export products with one row per SKU and warehouse (a ``depósito``
column, the row's stock, every product field repeated). Such rows are one
product: :func:`fold_warehouse_rows` keeps one row per SKU with the stock the
stock job would send (summed over warehouses, or the one warehouse the channel
is fed from: the job setting ``warehouse``). Rows of one SKU whose product fields
disagree, or that repeat a warehouse, are left as they are: the duplicates check
reports them (a blocker), naming the fields that differ.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["fold_scope_rows", "fold_warehouse_rows", "FOLDED_ATTR", "WAREHOUSE_FOLDED_ATTR", "WAREHOUSE_CONFLICTS_ATTR"]

FOLDED_ATTR = "scope_rows_folded"  # how many store-view rows were left out (frame attribute)
#: ``{"rows": rows left out, "skus": SKUs folded, "warehouse": the warehouse taken or None (summed)}``
WAREHOUSE_FOLDED_ATTR = "warehouse_rows_folded"
#: ``{sku: [product fields that differ between its warehouse rows]}`` (rows not folded)
WAREHOUSE_CONFLICTS_ATTR = "warehouse_row_conflicts"
#: columns that may differ between the warehouse rows of one product
_PER_WAREHOUSE = frozenset({"stock", "warehouse", "_row"})


def fold_scope_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without the store-view rows of SKUs that have a default-scope row.

    The reader's per-column counts of empty cells no longer describe the frame,
    so they are dropped (the go-live preparation counts again). Returns ``df``
    itself when it has no ``scope`` column or no row with a scope.
    """
    if "scope" not in df.columns or df["scope"].isna().all():  # most exports: no such column, read as all-missing
        return df
    scope = df["scope"].fillna("").astype("str").str.strip().to_numpy(dtype=object)
    scoped = scope != ""
    if not scoped.any():
        return df
    sku = df["sku"].fillna("").astype("str").to_numpy(dtype=object)
    has_default = pd.Series(sku[~scoped]).unique()
    first_of_sku = ~pd.Series(sku).duplicated().to_numpy()
    drop = scoped & (np.isin(sku, has_default) | ~first_of_sku)
    kept = df[~drop].reset_index(drop=True)
    kept.attrs = {k: v for k, v in df.attrs.items() if k != "empty_cells"}  # pandas copied them: replaced
    kept.attrs[FOLDED_ATTR] = int(drop.sum())
    return kept


def fold_warehouse_rows(df: pd.DataFrame, warehouse: str | None = None) -> pd.DataFrame:
    """``df`` with the warehouse rows of each SKU folded into its first row (see the module docstring).

    Args:
        df: a products frame from the reader (``sku``, ``stock``, ``warehouse``...).
        warehouse: the ERP warehouse that feeds the channel (the stock job's setting); ``None``: stock summed.

    Returns ``df`` itself when no SKU repeats with a warehouse; else a new frame
    with :data:`WAREHOUSE_FOLDED_ATTR` and :data:`WAREHOUSE_CONFLICTS_ATTR` set.
    """
    if "warehouse" not in df.columns or not len(df) or df["warehouse"].isna().all():
        return df  # no warehouse named (the reader adds the column, all missing, when a file has none)
    wh = df["warehouse"].fillna("").astype("str").str.strip()
    sku = df["sku"].fillna("").astype("str").str.strip()
    repeated = (sku != "") & sku.duplicated(keep=False)
    if not (repeated & (wh != "")).any():
        return df
    rows = df[repeated]
    groups = sku[repeated]
    fields = [c for c in df.columns if c not in _PER_WAREHOUSE]
    text = rows[fields].astype("string").fillna("\x00")  # a missing cell equals a missing cell
    keys = groups.to_numpy()
    differ = text.groupby(keys, sort=False).nunique() > 1
    blank = (wh[repeated] == "").groupby(keys, sort=False).agg(["any", "all"])
    same_wh = pd.DataFrame({"sku": keys, "wh": wh[repeated].to_numpy()}).duplicated(keep=False)
    repeats_wh = same_wh.groupby(keys, sort=False).any()
    one_each = ~blank["any"] & ~repeats_wh  # every row names a warehouse, each warehouse once
    disagree = differ.any(axis=1) & ~blank["all"]  # rows with a warehouse whose product fields differ
    conflicts = {s: [c for c in fields if differ.at[s, c]] for s in differ.index[disagree.to_numpy(dtype=bool)]}
    foldable = one_each & ~differ.any(axis=1)
    fold_skus = set(foldable.index[foldable.to_numpy(dtype=bool)])
    out = df
    n_rows = 0
    if fold_skus:
        in_fold = sku.isin(fold_skus)
        stock = df.loc[in_fold, "stock"]
        if warehouse is None:
            stock_of = stock.groupby(sku[in_fold].to_numpy(), sort=False).sum(min_count=1)
        else:  # the one warehouse the channel gets; a SKU without a row there has no stock for it
            here = in_fold & (wh == str(warehouse).strip())
            stock_of = df.loc[here, "stock"].groupby(sku[here].to_numpy(), sort=False).first()
        drop = in_fold & sku.duplicated()
        n_rows = int(drop.sum())
        out = df[~drop.to_numpy()].reset_index(drop=True)
        kept = sku[~drop.to_numpy()].reset_index(drop=True)
        folded = kept.isin(fold_skus).to_numpy()
        out.loc[folded, "stock"] = kept[folded].map(stock_of).to_numpy()
        out.loc[folded, "warehouse"] = "" if warehouse is None else str(warehouse)
    if warehouse is not None:  # a single row of another warehouse: none of its stock reaches the channel
        out = out if out is not df else df.copy()
        wh_out = out["warehouse"].fillna("").astype("str").str.strip()
        out.loc[((wh_out != "") & (wh_out != str(warehouse).strip())).to_numpy(), "stock"] = pd.NA
    out = out if out is not df else df.copy()
    out.attrs = {k: v for k, v in df.attrs.items() if k != "empty_cells"}  # pandas copied them: replaced
    out.attrs[WAREHOUSE_FOLDED_ATTR] = {"rows": n_rows, "skus": len(fold_skus), "warehouse": warehouse}
    out.attrs[WAREHOUSE_CONFLICTS_ATTR] = conflicts
    return out
