"""The findings table: one fixed-column DataFrame shared by every check.

Columns (:data:`COLUMNS`): ``check``, ``severity`` (``bloqueio`` / ``aviso`` /
``info``), ``sku``, ``field``, ``value``, ``expected``, ``message`` (pt-BR).
Every column holds text, so findings from all checks concatenate cleanly and a
notebook can filter, plot and export them.

``field`` names the side and column a finding is about: ``erp.ean``,
``store.title``, ``price`` (an ERP-vs-store comparison), ``depara.payment_method``,
``capacity.stock``...
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "COLUMNS",
    "SEVERITIES",
    "BLOQUEIO",
    "AVISO",
    "INFO",
    "empty_findings",
    "make_findings",
    "concat_findings",
    "sort_findings",
]

BLOQUEIO, AVISO, INFO = "bloqueio", "aviso", "info"
SEVERITIES = (BLOQUEIO, AVISO, INFO)
COLUMNS = ("check", "severity", "sku", "field", "value", "expected", "message")


def empty_findings() -> pd.DataFrame:
    """A findings table with no rows and the fixed columns."""
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in COLUMNS})


def _as_text(value: Any, n: int) -> pd.Series | str:
    """``value`` as text: a scalar stays a scalar (broadcast later), arrays become str Series."""
    if isinstance(value, (pd.Series, pd.Index, np.ndarray, list)):
        s = pd.Series(np.asarray(value, dtype=object) if not isinstance(value, pd.Series) else value)
        s = s.reset_index(drop=True)
        if s.dtype != "str":
            s = s.astype(object).where(s.notna(), "").astype("str")
        return s.fillna("")
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def make_findings(
    check: str,
    severity: Any,
    *,
    sku: Any = "",
    field: Any = "",
    value: Any = "",
    expected: Any = "",
    message: Any = "",
) -> pd.DataFrame:
    """Build findings; any argument may be a scalar or an array (vectorised).

    Arrays must share one length; scalars are repeated. With only scalars, one
    row is returned.
    """
    parts = {"severity": severity, "sku": sku, "field": field, "value": value, "expected": expected, "message": message}
    lengths = {len(v) for v in parts.values() if isinstance(v, (pd.Series, pd.Index, np.ndarray, list))}
    if len(lengths) > 1:
        raise ValueError(f"findings arrays of different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 1
    if n == 0:
        return empty_findings()
    data = {"check": pd.Series([check] * n, dtype="str")}
    for key, v in parts.items():
        t = _as_text(v, n)
        data[key] = t if isinstance(t, pd.Series) else pd.Series([t] * n, dtype="str")
    bad = set(data["severity"].unique()) - set(SEVERITIES)
    if bad:
        raise ValueError(f"unknown severity {sorted(bad)}; use one of {SEVERITIES}")
    return pd.DataFrame(data, columns=list(COLUMNS))


def concat_findings(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate findings tables (empty ones allowed)."""
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return empty_findings()
    out = pd.concat(frames, ignore_index=True)
    return out[list(COLUMNS)]


def sort_findings(df: pd.DataFrame) -> pd.DataFrame:
    """Blockers first, then warnings, then info; keeps each check's own order."""
    rank = df["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    return df.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)
