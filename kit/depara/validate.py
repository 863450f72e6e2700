"""Validation of a mapping table: every problem collected into one DataFrame.

Columns (fixed): ``problem, severity, kind, channel_value, erp_value, row,
message``. ``row`` is the line in the CSV (``None`` for values missing from the
table). Problems:

==============  ========  =====================================================
problem         severity  meaning
==============  ========  =====================================================
unmapped        error     a value to translate has no row in the table
pending         error     it has a row, but nobody confirmed it yet
empty_target    error     a confirmed row maps to nothing
unknown_target  error     the target value is not in the target's list
conflict        error     one source value maps to several targets
many_to_one     error     several sources share a target where the kind forbids
duplicate       warning   the same mapping written twice
stale           warning   the source value is no longer in the source list
==============  ========  =====================================================
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind

__all__ = ["validate", "PROBLEM_COLUMNS", "PROBLEM_LABELS", "has_errors", "summary", "summary_text", "for_people"]

PROBLEM_COLUMNS = ("problem", "severity", "kind", "channel_value", "erp_value", "row", "message")
# What a person reads for each problem, severity and column.
PROBLEM_LABELS = {
    "unmapped": "sem de-para",
    "pending": "pendente",
    "empty_target": "confirmado sem valor",
    "unknown_target": "valor fora da lista",
    "conflict": "conflito",
    "many_to_one": "vários no mesmo destino",
    "duplicate": "duplicado",
    "stale": "valor que saiu da lista",
    "missing_table": "tabela ausente",
}
_SEVERITY_LABELS = {"error": "erro", "warning": "aviso"}
_COLUMN_LABELS = {
    "problem": "problema",
    "severity": "gravidade",
    "kind": "tipo",
    "channel_value": "valor do canal",
    "erp_value": "valor do ERP",
    "row": "linha",
    "message": "mensagem",
}


def _label(values: tuple[str, ...]) -> str:
    return " / ".join(values)


def _keys(kind: MappingKind, values: Any) -> set[tuple[str, ...]]:
    from kit.depara.normalize import compact
    from kit.depara.suggest import value_frame

    frame = value_frame(kind, values)
    return {tuple(compact(v) for v in row) for row in frame[list(kind.list_columns)].itertuples(index=False)}


def _ckey(values: tuple[str, ...]) -> tuple[str, ...]:
    from kit.depara.normalize import compact

    return tuple(compact(v) for v in values)


def validate(
    kind: str | MappingKind,
    table: pd.DataFrame,
    *,
    channel_values: Any = None,
    erp_values: Any = None,
) -> pd.DataFrame:
    """Every problem of ``table``; an empty frame (same columns) when it is clean.

    Args:
        kind: the mapping kind.
        table: the mapping table (:func:`kit.depara.table.load_table`).
        channel_values: the channel's current value list, when known: enables
            the unmapped / stale / unknown-target checks on that side.
        erp_values: the ERP's current value list, likewise.
    """
    from kit.depara.table import coerce_table

    k = get_kind(kind)
    rows = table["_row"].tolist() if "_row" in table.columns else [i + 2 for i in range(len(table))]
    t = coerce_table(k, table)
    t["_row"] = rows
    source_list, target_list = (channel_values, erp_values) if k.direction == "in" else (erp_values, channel_values)
    source_keys = _keys(k, source_list) if source_list is not None else None
    target_keys = _keys(k, target_list) if target_list is not None else None
    found = _Problems(k)
    src_side, dst_side = ("canal", "ERP") if k.direction == "in" else ("ERP", "canal")
    entries = [
        (tuple(r[c] for c in k.source_columns), tuple(r[c] for c in k.target_columns), bool(r["confirmed"]), r["_row"])
        for r in t.to_dict("records")
    ]
    seen: dict[tuple, int] = {}
    targets_by_source: dict[tuple, dict[tuple, int]] = {}
    sources_by_target: dict[tuple, dict[tuple, int]] = {}
    for src, dst, confirmed, row in entries:
        key = (_ckey(src), _ckey(dst))
        if key in seen:
            found.add("duplicate", "warning", src, dst, row, f"mesmo mapeamento da linha {seen[key]}")
            continue
        seen[key] = row
        if not confirmed:
            found.add("pending", "error", src, dst, row, "mapeamento aguardando revisão (confirmed=false)")
            continue
        if not all(dst):
            found.add("empty_target", "error", src, dst, row, f"valor confirmado sem valor do {dst_side}")
            continue
        targets_by_source.setdefault(_ckey(src), {})[dst] = row
        sources_by_target.setdefault(_ckey(dst), {})[src] = row
        if target_keys is not None and _ckey(dst) not in target_keys:
            found.add("unknown_target", "error", src, dst, row, f"valor não existe na lista do {dst_side}")
        if source_keys is not None and _ckey(src) not in source_keys:
            found.add("stale", "warning", src, dst, row, f"valor não existe mais na lista do {src_side}")
    by_row = {r: (s, d) for s, d, _, r in entries}
    found.crossed(targets_by_source, by_row, "conflict", "um valor mapeado para vários")
    if not k.many_to_one:
        found.crossed(sources_by_target, by_row, "many_to_one", "vários valores no mesmo destino")
    if source_keys is not None:
        in_table = {_ckey(src) for src, _, _, _ in entries}
        for values in _source_frame(k, source_list):
            if _ckey(values) not in in_table:
                blank = ("",) * len(k.target_columns)
                found.add("unmapped", "error", values, blank, None, f"valor do {src_side} sem mapeamento")
    out = pd.DataFrame(found.rows, columns=list(PROBLEM_COLUMNS))
    out["row"] = out["row"].astype("Int64")
    return out


class _Problems:
    """The problems found so far, as rows of the problems frame."""

    def __init__(self, kind: MappingKind) -> None:
        self.kind = kind
        self.rows: list[dict[str, Any]] = []

    def add(
        self, problem: str, severity: str, src: tuple[str, ...], dst: tuple[str, ...], row: Any, message: str
    ) -> None:
        ch, erp = (src, dst) if self.kind.direction == "in" else (dst, src)
        self.rows.append(
            {
                "problem": problem,
                "severity": severity,
                "kind": self.kind.name,
                "channel_value": _label(ch) if any(ch) else "",
                "erp_value": _label(erp) if any(erp) else "",
                "row": row,
                "message": message,
            }
        )

    def crossed(
        self,
        groups: dict[tuple, dict[tuple, int]],
        by_row: dict[Any, tuple[tuple[str, ...], tuple[str, ...]]],
        problem: str,
        text: str,
    ) -> None:
        """One problem per row of every group holding more than one value (one source, several targets...)."""
        for members in groups.values():
            if len(members) < 2:
                continue
            labels = ", ".join(f"{_label(v)} (linha {r})" for v, r in members.items())
            for _, row in members.items():
                src, dst = by_row[row]
                self.add(problem, "error", src, dst, row, f"{text}: {labels}")


def _source_frame(kind: MappingKind, values: Any) -> list[tuple[str, ...]]:
    from kit.depara.suggest import value_frame

    frame = value_frame(kind, values)
    return list(frame[list(kind.list_columns)].itertuples(index=False, name=None))


def has_errors(problems: pd.DataFrame) -> bool:
    """Whether ``problems`` holds any problem of severity ``error``."""
    return bool((problems["severity"] == "error").any())


def summary(problems: pd.DataFrame) -> dict[str, int]:
    """Counts per problem (for notebooks and the CLI)."""
    return {str(k): int(v) for k, v in problems["problem"].value_counts().sort_index().items()}


def summary_text(problems: pd.DataFrame) -> str:
    """``"pendente: 2, sem de-para: 1"``: the counts in words a person reads."""
    return ", ".join(f"{PROBLEM_LABELS.get(k, k)}: {v}" for k, v in summary(problems).items())


def for_people(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems with Portuguese column names and words (for notebooks)."""
    out = problems.copy()
    out["problem"] = out["problem"].map(lambda p: PROBLEM_LABELS.get(p, p))
    out["severity"] = out["severity"].map(lambda s: _SEVERITY_LABELS.get(s, s))
    return out.rename(columns=_COLUMN_LABELS)
