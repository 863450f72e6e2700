"""Store-view rows of a catalogue export: the same product, not a second listing.

Magento's catalogue export (System > Export > Products) writes one row per SKU
for the default scope and then, for each store view where something differs
(a translated name, another price), a row with the same SKU, the view's code in
``store_view_code`` and only the changed cells. Those rows are not duplicate
listings and their empty cells are not missing data: the go-live check looks at
the default row. A SKU that only has store-view rows keeps its first one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["fold_scope_rows", "FOLDED_ATTR"]

FOLDED_ATTR = "scope_rows_folded"  # how many store-view rows were left out (frame attribute)


def fold_scope_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without the store-view rows of SKUs that have a default-scope row.

    The reader's per-column counts of empty cells no longer describe the frame,
    so they are dropped (the go-live preparation counts again). Returns ``df``
    itself when it has no ``scope`` column or no row with a scope.
    """
    if "scope" not in df.columns:
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
