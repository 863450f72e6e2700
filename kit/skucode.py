"""One SKU written several ways: the key that makes them comparable.

An ERP export through Excel drops leading zeros ("000123" becomes "123"), and
listings typed by hand change case and separators ("sku-77", "SKU 77"). The
go-live catalogue check (:mod:`kit.golive.catalog_checks`) suggests the store
listing such an ERP code is; the products job (:mod:`kit.jobs.products`) holds
the creation of a SKU whose listing exists under another spelling (never a
duplicate listing). Both use :func:`code_keys`, so they agree on what "the same
code" means. A leaf module: it imports nothing of the kit.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["code_keys", "how_written"]


def code_keys(skus: Iterable[object]) -> np.ndarray:
    """Each SKU as Excel and hand typing leave it comparable: upper case, letters and digits only, no leading
    zeros ("000123" and "123", "sku-77" and "SKU 77" give one key; a code of only zeros or separators gives "")."""
    values = skus if isinstance(skus, np.ndarray) else np.asarray(list(skus), dtype=object)
    text = pd.Series(values, dtype=object).astype("str").str.upper()
    return text.str.replace(r"[^0-9A-Z]", "", regex=True).str.lstrip("0").to_numpy(dtype=object)


def how_written(a: str, b: str) -> str:
    """How two SKUs of one key differ, in words (pt-BR)."""
    if a.upper() == b.upper():
        return "mesmo código em maiúsculas/minúsculas diferentes"
    if a.lstrip("0") == b.lstrip("0"):
        return "mesmo código sem os zeros à esquerda"
    return "mesmo código com outra grafia"
