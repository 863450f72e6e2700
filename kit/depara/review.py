"""The state of a de-para review: what was chosen for each value, bulk actions, undo.

:class:`ReviewState` is what the notebook's editor (:mod:`kit.depara.widgets`)
shows and changes, kept apart from the widgets so it can be tested and reused:
one row per source value with its suggestions, the chosen target (or none:
pending), whether it is confirmed, how it was decided (``method``), its score
and note. Pre-accepted suggestions start confirmed; the rest start pending.

Bulk actions (:meth:`ReviewState.bulk_rows` then :meth:`ReviewState.confirm_rows`)
confirm the top suggestion of every pending row at or above a score, or of one
reason; every change can be undone (:meth:`ReviewState.undo`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind

__all__ = ["ReviewState", "BulkRule", "REASON_LABELS", "reason_label", "suggestion_note", "MAX_UNDO"]

# What a person reads for each reason / method.
REASON_LABELS = {
    "exact": "idêntico",
    "alias": "sinônimo",
    "learned": "aprendido",
    "fuzzy": "semelhança",
    "manual": "manual",
    "lote": "em lote",
}
# Changes kept for undo.
MAX_UNDO = 200


def reason_label(reason: str) -> str:
    """``alias`` -> ``sinônimo`` (unknown reasons are shown as they are)."""
    return REASON_LABELS.get(reason, reason)


def suggestion_note(top: dict[str, Any] | None) -> str:
    """The ``note`` of a pending row: its best suggestion, for the person reviewing the CSV or XLSX."""
    if not top:
        return "sem sugestão"
    return f"sugestão: {top['label']} ({reason_label(top['reason'])} {top['score']:.0f})"


@dataclass(frozen=True, slots=True)
class BulkRule:
    """Which pending rows a bulk action confirms: top score at or above ``min_score``, or of ``reason``."""

    min_score: float | None = None
    reason: str | None = None

    def describe(self) -> str:
        if self.reason:
            return f"motivo {reason_label(self.reason)}"
        return f"score a partir de {self.min_score:g}".replace(".", ",")


@dataclass(slots=True)
class _Row:
    choice: tuple[str, ...] | None
    confirmed: bool
    method: str
    score: float
    note: str = ""
    preaccepted: bool = False


@dataclass(slots=True)
class ReviewState:
    """Rows of one review (see the module docstring)."""

    kind: MappingKind
    records: list[dict[str, Any]]
    sources: list[tuple[str, ...]]
    rows: list[_Row] = field(default_factory=list)
    history: list[list[_Row]] = field(default_factory=list)

    @classmethod
    def from_suggestions(cls, kind: str | MappingKind, suggestions: pd.DataFrame) -> ReviewState:
        k = get_kind(kind)
        records = suggestions.to_dict("records")
        state = cls(k, records, [tuple(r[c] for c in k.source_columns) for r in records])
        for r in records:
            pre = bool(r["preaccepted"])
            top = tuple(r[c] for c in k.target_columns)
            state.rows.append(
                _Row(top if pre else None, pre, r["reason"] if pre else "", float(r["score"]) if pre else math.nan,
                     preaccepted=pre)
            )  # fmt: skip
        return state

    # -- reading -----------------------------------------------------------------------------
    def mapped(self, i: int) -> bool:
        row = self.rows[i]
        return row.choice is not None and row.confirmed

    def counts(self) -> dict[str, int]:
        """``mapeados`` (confirmed), ``pendentes``, ``pre_aceitos`` (confirmed by the suggester, untouched), ``total``."""
        mapped = sum(self.mapped(i) for i in range(len(self.rows)))
        pre = sum(r.preaccepted and r.confirmed for r in self.rows)
        return {"mapeados": mapped, "pendentes": len(self.rows) - mapped, "pre_aceitos": pre, "total": len(self.rows)}

    def top(self, i: int) -> dict[str, Any] | None:
        cands = self.records[i]["candidates"]
        return cands[0] if cands else None

    def to_table(self) -> pd.DataFrame:
        """The mapping table as chosen so far (pending rows keep the suggestion in ``note``)."""
        from kit.depara.table import coerce_table

        out = []
        for i, row in enumerate(self.rows):
            rec = dict(zip(self.kind.source_columns, self.sources[i], strict=True))
            for c, col in enumerate(self.kind.target_columns):
                rec[col] = row.choice[c] if row.choice else ""
            rec["method"] = row.method if row.choice else ""
            rec["score"] = row.score if row.choice else math.nan
            rec["confirmed"] = self.mapped(i)
            top = self.top(i)
            if rec["confirmed"]:
                rec["note"] = row.note
            else:
                rec["note"] = suggestion_note(top)
            out.append(rec)
        return coerce_table(self.kind, pd.DataFrame(out, columns=list(self.kind.columns)))

    # -- changing ----------------------------------------------------------------------------
    def _remember(self) -> None:
        self.history.append([_Row(r.choice, r.confirmed, r.method, r.score, r.note, r.preaccepted) for r in self.rows])
        del self.history[:-MAX_UNDO]

    def choose(self, i: int, target: Sequence[str] | None) -> None:
        """A person chose ``target`` for row ``i`` (``None`` = back to pending): confirmed, method manual."""
        self._remember()
        choice = None if target is None else tuple(target)
        self.rows[i] = _Row(choice, choice is not None, "manual" if choice else "", math.nan)

    def confirm(self, i: int, value: bool) -> None:
        """Tick or untick row ``i`` (a row without a target cannot be confirmed)."""
        self._remember()
        row = self.rows[i]
        row.confirmed = bool(value) and row.choice is not None
        row.preaccepted = row.preaccepted and row.confirmed

    def bulk_rows(self, rule: BulkRule) -> list[int]:
        """Pending rows whose top suggestion meets ``rule``."""
        out = []
        for i in range(len(self.rows)):
            top = self.top(i)
            if self.mapped(i) or top is None:
                continue
            if rule.reason is not None and top["reason"] != rule.reason:
                continue
            if rule.min_score is not None and float(top["score"]) < rule.min_score:
                continue
            out.append(i)
        return out

    def confirm_rows(self, rows: Sequence[int], rule: BulkRule) -> int:
        """Confirm the top suggestion of ``rows`` (one undo step); returns how many."""
        if not rows:
            return 0
        self._remember()
        for i in rows:
            top = self.top(i)
            if top is None:
                continue
            self.rows[i] = _Row(
                tuple(top["values"]),
                True,
                top["reason"],
                float(top["score"]),
                note=f"confirmado em lote ({rule.describe()})",
            )
        return len(rows)

    def undo(self) -> bool:
        """Go back one change; ``False`` when there is nothing to undo."""
        if not self.history:
            return False
        self.rows = self.history.pop()
        return True

    def apply_existing(self, existing: pd.DataFrame) -> list[tuple[str, ...]]:
        """Rows of a saved table win over the suggestions; returns their targets (for the dropdowns)."""
        from kit.depara.normalize import compact
        from kit.depara.table import coerce_table

        table = coerce_table(self.kind, existing)
        index = {tuple(compact(v) for v in s): i for i, s in enumerate(self.sources)}
        targets = []
        for r in table.to_dict("records"):
            i = index.get(tuple(compact(r[c]) for c in self.kind.source_columns))
            if i is None:
                continue
            target = tuple(r[c] for c in self.kind.target_columns)
            chosen = target if any(target) else None
            confirmed = bool(r["confirmed"]) and chosen is not None
            # written by the suggester and never touched since: a pre-accepted row
            pre = confirmed and r["method"] in ("exact", "alias") and not r["note"]
            self.rows[i] = _Row(chosen, confirmed, r["method"], r["score"], r["note"], preaccepted=pre)
            if chosen:
                targets.append(chosen)
        return targets
