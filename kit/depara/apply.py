"""Use a confirmed mapping table to translate values in a DataFrame (orders).

:func:`apply` raises :class:`~kit.errors.MappingError` listing every value
without a confirmed mapping and where it occurs; nothing passes through
untranslated. :func:`translate` never raises for unmapped values: it splits
the rows it could translate from the ones it could not, with the reason, so a
job can quarantine the latter and go on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind
from kit.errors import InputDataError, MappingError

__all__ = ["apply", "translate", "DeparaLookup", "UNMAPPED_COLUMNS"]

UNMAPPED_COLUMNS = ("index", "id", "kind", "value", "reason", "message")
_SHOWN = 10


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a status code read as 6.0 is the channel's "6"
    return str(value).strip()


class DeparaLookup:
    """Lookup of a table's confirmed rows: raw source value (or its normalized form) -> target."""

    def __init__(self, kind: str | MappingKind, table: pd.DataFrame) -> None:
        from kit.depara.normalize import compact
        from kit.depara.table import coerce_table

        self.kind = get_kind(kind)
        t = coerce_table(self.kind, table)
        self._compact = compact
        self.raw: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.norm: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        self.pending: set[tuple[str, ...]] = set()
        for r in t.to_dict("records"):
            src = tuple(r[c] for c in self.kind.source_columns)
            dst = tuple(r[c] for c in self.kind.target_columns)
            nsrc = tuple(compact(v) for v in src)
            if not r["confirmed"] or not all(dst):
                self.pending.add(nsrc)
                continue
            self.raw.setdefault(src, dst)
            self.norm.setdefault(nsrc, set()).add(dst)

    def lookup(self, values: tuple[str, ...]) -> tuple[tuple[str, ...] | None, str]:
        """``(target, "")`` or ``(None, reason)`` with reason empty/pending/unmapped/conflict."""
        if not any(values):
            return None, "empty"
        if values in self.raw and len(self.norm.get(self._key(values), ())) <= 1:
            return self.raw[values], ""
        found = self.norm.get(self._key(values))
        if found and len(found) == 1:
            return next(iter(found)), ""
        if found:
            return None, "conflict"
        if self._key(values) in self.pending:
            return None, "pending"
        return None, "unmapped"

    def _key(self, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self._compact(v) for v in values)


_REASON_TEXT = {
    "empty": "valor vazio",
    "pending": "de-para ainda não confirmado",
    "unmapped": "sem de-para",
    "conflict": "de-paras conflitantes",
}


def _resolve_columns(kind: MappingKind, frame: pd.DataFrame, columns: Any) -> list[str]:
    if columns is None:
        cols = list(kind.list_columns)
    elif isinstance(columns, str):
        cols = [columns]
    elif isinstance(columns, Mapping):
        cols = [columns.get(c, c) for c in kind.list_columns]
    else:
        cols = list(columns)
    if len(cols) != len(kind.list_columns):
        raise InputDataError(
            f"{kind.name} precisa de {len(kind.list_columns)} coluna(s) ({', '.join(kind.list_columns)}), veio {cols}",
            kind=kind.name,
        )
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputDataError(f"a tabela não tem a coluna {missing[0]!r}", column=missing[0], kind=kind.name)
    return cols


def _load(kind: MappingKind, channel: str | None, table: pd.DataFrame | None, directory: Any) -> pd.DataFrame:
    if table is not None:
        return table
    if not channel:
        raise InputDataError("apply/translate precisam de channel= ou table=", kind=kind.name)
    from kit.depara.table import load_table

    return load_table(channel, kind, directory=directory)


def translate(
    kind: str | MappingKind,
    frame: pd.DataFrame,
    channel: str | None = None,
    *,
    columns: str | Sequence[str] | Mapping[str, str] | None = None,
    table: pd.DataFrame | None = None,
    id_column: str | None = None,
    into: Sequence[str] | None = None,
    directory: str | Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Translate what can be translated; report the rest.

    Args:
        kind: the mapping kind.
        frame: rows holding source values (e.g. orders with ``payment_method``).
        channel: whose table to use (or pass ``table``).
        columns: the frame's columns holding the key, in the kind's list-column
            order (default: the list columns, e.g. ``carrier, service``).
        table: a mapping table to use instead of the stored one.
        id_column: a column naming each row in reports (e.g. ``order_id``).
        into: where to write the targets (default: the kind's target columns,
            e.g. ``erp_carrier, erp_service``); may be the source columns to
            replace them.
        directory: the mappings directory.

    Returns:
        ``(translated, unmapped)``: the translated rows (original index kept,
        target columns added), and one row per untranslated input row with
        columns :data:`UNMAPPED_COLUMNS`.
    """
    k = get_kind(kind)
    cols = _resolve_columns(k, frame, columns)
    out_cols = list(into) if into is not None else list(k.target_columns)
    if len(out_cols) != len(k.list_columns):
        raise InputDataError(f"into= precisa de {len(k.list_columns)} nome(s) de coluna", kind=k.name)
    tr = DeparaLookup(k, _load(k, channel, table, directory))
    keys = list(zip(*(frame[c].map(_text).tolist() for c in cols), strict=True)) if len(frame) else []
    cache: dict[tuple[str, ...], tuple[tuple[str, ...] | None, str]] = {}
    targets: list[tuple[str, ...] | None] = []
    bad: list[dict[str, Any]] = []
    ids = frame[id_column].tolist() if id_column else [None] * len(frame)
    for idx, key, ident in zip(frame.index, keys, ids, strict=True):
        if key not in cache:
            cache[key] = tr.lookup(key)
        target, reason = cache[key]
        targets.append(target)
        if target is None:
            label = " / ".join(key)
            bad.append(
                {
                    "index": idx,
                    "id": ident,
                    "kind": k.name,
                    "value": label,
                    "reason": reason,
                    "message": f"{k.name} {label!r}: {_REASON_TEXT[reason]}",
                }
            )
    ok = [t is not None for t in targets]
    translated = frame.loc[ok].copy()
    good = [t for t in targets if t is not None]
    for i, col in enumerate(out_cols):
        translated[col] = pd.Series([t[i] for t in good], index=translated.index, dtype=object)
    return translated, pd.DataFrame(bad, columns=list(UNMAPPED_COLUMNS))


def apply(
    kind: str | MappingKind,
    frame: pd.DataFrame,
    channel: str | None = None,
    *,
    columns: str | Sequence[str] | Mapping[str, str] | None = None,
    table: pd.DataFrame | None = None,
    id_column: str | None = None,
    into: Sequence[str] | None = None,
    directory: str | Path | None = None,
) -> pd.DataFrame:
    """Translate every row or raise; see :func:`translate` for the arguments.

    Raises:
        MappingError: some values have no confirmed mapping. The message names
            every such value with where it occurs (row indices, ids);
            ``error.problems`` holds one row per distinct value
            (``kind, value, reason, count, rows, ids``).
    """
    k = get_kind(kind)
    translated, bad = translate(
        k, frame, channel, columns=columns, table=table, id_column=id_column, into=into, directory=directory
    )
    if bad.empty:
        return translated
    grouped = []
    parts = []
    for (value, reason), g in bad.groupby(["value", "reason"], sort=True, dropna=False):
        rows = g["index"].tolist()
        ids = [i for i in g["id"].tolist() if i is not None]
        grouped.append({"kind": k.name, "value": value, "reason": reason, "count": len(g), "rows": rows, "ids": ids})
        where = ids if ids else rows
        shown = ", ".join(str(x) for x in where[:_SHOWN]) + (
            f" e mais {len(where) - _SHOWN}" if len(where) > _SHOWN else ""
        )
        parts.append(f"{value!r} ({_REASON_TEXT[reason]}; {'ids' if ids else 'linhas'} {shown})")
    problems = pd.DataFrame(grouped, columns=["kind", "value", "reason", "count", "rows", "ids"])
    raise MappingError(
        f"{len(problems)} valor(es) de {k.name} não podem ser traduzidos"
        + (f" para o canal {channel}" if channel else "")
        + ": "
        + "; ".join(parts),
        problems=problems,
        kind=k.name,
        channel=channel,
        hint=f"revise a tabela com 'kit depara validate {channel or 'CANAL'} {k.name}' ou no notebooks/depara.ipynb",
    )
