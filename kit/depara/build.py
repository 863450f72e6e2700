"""From suggestions to a table: pre-accepted rows confirmed, the rest pending."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind

__all__ = ["build_table", "merge_tables"]


def _note(cands: list[dict[str, Any]]) -> str:
    from kit.depara.review import suggestion_note

    return suggestion_note(cands[0] if cands else None)


def build_table(kind: str | MappingKind, suggestions: pd.DataFrame) -> pd.DataFrame:
    """A mapping table from :func:`kit.depara.suggest.suggest` output.

    Pre-accepted rows are written with their target and ``confirmed=true``;
    every other row keeps the target columns empty, ``confirmed=false`` and the
    top candidate in ``note``, so nothing unreviewed can translate an order.
    """
    k = get_kind(kind)
    rows = []
    for r in suggestions.to_dict("records"):
        row = {c: r[c] for c in k.source_columns}
        pre = bool(r["preaccepted"])
        for c in k.target_columns:
            row[c] = r[c] if pre else ""
        row["method"] = r["reason"] if pre else ""
        row["score"] = float(r["score"]) if pre else math.nan
        row["confirmed"] = pre
        row["note"] = "" if pre else _note(r["candidates"])
        rows.append(row)
    from kit.depara.table import coerce_table, empty_table

    return coerce_table(k, pd.DataFrame(rows)) if rows else empty_table(k)


def merge_tables(kind: str | MappingKind, existing: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``existing`` rows win (a person reviewed them); ``new`` adds the source values it lacks."""
    from kit.depara.normalize import compact
    from kit.depara.table import coerce_table

    k = get_kind(kind)
    old = coerce_table(k, existing)
    fresh = coerce_table(k, new)
    have = {tuple(compact(v) for v in row) for row in old[list(k.source_columns)].itertuples(index=False)}
    keep = [tuple(compact(v) for v in row) not in have for row in fresh[list(k.source_columns)].itertuples(index=False)]
    return pd.concat([old, fresh[keep]], ignore_index=True)
