"""Measure the suggester against a hand-labelled evaluation set.

An evaluation set is a folder holding ``groups.csv`` and the value lists it
names. Each row of ``groups.csv`` is one group of values from one public
source::

    group, kind, channel_type, split, source_file, target_file, source

``source_file`` holds the values to translate (channel values for ``in`` kinds,
ERP values for ``out`` kinds) in the kind's list columns, an optional
``description`` and the right answer written by hand: ``expected`` (one-column
kinds) or ``expected_<column>`` (composite kinds). ``target_file`` is the list
the answer is chosen from. ``split`` is ``dev`` (looked at while the matching
rules were written), ``holdout`` (only counted; seen by the first rules' author
once they were final), ``fresh`` (a second holdout, from other channels' and
ERPs' documents, built before the rules were changed again; only counted) or
``fresh2`` (a third holdout, built the same way before the third round of rule
changes; a dev split from the fourth round on) or ``fresh3`` (a fourth holdout, mostly
marketplace category trees, built before the fourth round; a dev split from the fifth round on)
or ``fresh4`` (a fifth holdout, a mix of order statuses, payment methods, carrier services and
category trees, built before the fifth round; a dev split from the sixth round on) or ``fresh5`` (a sixth
holdout, Mercado Livre's second-level categories and charge/order statuses and payment codes of
channels no other split used, built before the sixth round; a dev split since it was measured) or
``fresh6`` (a seventh holdout, Shopee Brasil's second-level categories and order, charge and payment
codes of channels no other split used, built before the seventh round; measured once before the round and
once at its end, a dev split from the eighth round on) or ``fresh7`` (an eighth holdout, second-level
categories of Pichau and Dafiti and order, payment and transaction statuses and payment methods of channels
no other split used, built before the eighth round; measured once before the round and once at its end, a dev
split from the ninth round on) or ``fresh8`` (a ninth holdout, KaBuM!'s and Cobasi's families and gateway, delivery
and order statuses of channels no other split used, built before the ninth round; only counted, measured once
before the round and once at its end; a dev split since its wrong pre-accepts were fixed after it was measured) or
``fresh9`` (a tenth holdout, Magazine Luiza's second-level families, Bagy's order statuses and boleto and Pix charge
situations of Banco Inter and Sicredi, built before the tenth round; only counted, measured once before the round
and once at its end) or ``fresh10`` (an eleventh holdout, boleto, payable and gateway payment situations of
Banco do Brasil, Boleto Simples, Mercado Pago's status_detail and Assinaclub, Yapay's payment forms, Correios service
codes and Casas Bahia families against department-prefixed ERP groups, built before the eleventh round; a dev split
since its first measurement showed two wrong pre-accepts, removed by general rules) or ``fresh11`` (a twelfth
holdout, gateway transaction, dispute and webhook states of Stripe, Adyen and PayPal, order payment states of
SHOPLINE, Medusa, Saleor and eBay, Tiny's and Bling's order situations, Adyen's and Stripe's payment method types and
Azul Cargo's services, built before the twelfth round; only counted, measured once before the round and once at its
end; the held-out split from then on until the commit that added ``fresh12``, a dev split since) or ``fresh12`` (a
thirteenth holdout, transaction, dispute, refund and payment states of Braintree, Mollie, Dintero, Square and Razorpay,
BigCommerce's and TikTok Shop's order statuses, Mollie's payment methods, Braintree's payment instrument types and
FedEx's service types, built before the thirteenth round; only counted, measured once before the round and once at
its end; the two items its first measurement pre-accepted wrongly were looked at and removed by general rules).

:func:`evaluate` runs :func:`kit.depara.suggest.suggest` on every group (no
learned tables: each value is matched on its own) and returns an
:class:`EvalReport` with top-1, top-3 and the wrong pre-accepts, the figure
that must stay at zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind

__all__ = ["EvalGroup", "EvalItem", "EvalFigures", "EvalReport", "load_eval_set", "evaluate", "SPLITS", "HELD_OUT"]

SPLITS = (
    "dev",
    "holdout",
    "fresh",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
    "fresh12",
)
# Splits only counted, never inspected: printed last, in one line each (see EvalReport.text).
HELD_OUT: tuple[str, ...] = ("fresh12",)
GROUP_COLUMNS = ("group", "kind", "channel_type", "split", "source_file", "target_file", "source")


@dataclass(slots=True)
class EvalGroup:
    """One group of the evaluation set: values to translate, the list to choose from, the answers."""

    name: str
    kind: MappingKind
    channel_type: str
    split: str
    source: pd.DataFrame
    target: pd.DataFrame
    expected: list[tuple[str, ...]]
    citation: str


@dataclass(slots=True)
class EvalItem:
    """How the suggester did on one value."""

    group: str
    split: str
    value: tuple[str, ...]
    expected: tuple[str, ...]
    top: list[tuple[str, ...]]
    reason: str
    preaccepted: bool

    @property
    def top1(self) -> bool:
        return bool(self.top) and self.top[0] == self.expected

    @property
    def top3(self) -> bool:
        return self.expected in self.top[:3]

    @property
    def wrong_preaccept(self) -> bool:
        return self.preaccepted and not self.top1


@dataclass(slots=True)
class EvalFigures:
    """Counts over a set of items."""

    values: int
    top1: int
    top3: int
    preaccepted: int
    wrong_preaccepted: int

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.values if self.values else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.values if self.values else 0.0

    def line(self, label: str) -> str:
        return (
            f"{label:<22} values {self.values:>4}  top-1 {self.top1:>4} ({self.top1_rate:6.1%})  "
            f"top-3 {self.top3:>4} ({self.top3_rate:6.1%})  pre-accepted {self.preaccepted:>4}  "
            f"wrong pre-accepts {self.wrong_preaccepted}"
        )


@dataclass(slots=True)
class EvalReport:
    """Every item of one evaluation run, with the figures per split and group."""

    items: list[EvalItem] = field(default_factory=list)

    def figures(self, *, split: str | None = None, group: str | None = None) -> EvalFigures:
        chosen = [i for i in self.items if (split is None or i.split == split) and (group is None or i.group == group)]
        return EvalFigures(
            values=len(chosen),
            top1=sum(i.top1 for i in chosen),
            top3=sum(i.top3 for i in chosen),
            preaccepted=sum(i.preaccepted for i in chosen),
            wrong_preaccepted=sum(i.wrong_preaccept for i in chosen),
        )

    def text(self, *, misses: bool = True, miss_splits: tuple[str, ...] = ("dev",)) -> str:
        """The figures per group and split of the looked-at splits; then their misses; last,
        one line per held-out split (:data:`HELD_OUT`).

        Held-out splits are only counted: no group line, no aggregate over all splits (it
        would give them away by subtraction) and no misses, so that whoever reads the
        figures is not led to tune the rules to them.
        """
        seen = [s for s in SPLITS if s not in HELD_OUT]
        lines = []
        for name in dict.fromkeys(i.group for i in self.items if i.split in seen):
            lines.append(self.figures(group=name).line(name))
        for split in seen:
            lines.append(self.figures(split=split).line(f"[{split}]"))
        if misses:
            hidden = [s for s in SPLITS if s not in miss_splits]
            if hidden:
                lines.append(f"  (misses of {', '.join(hidden)} not shown)")
            for i in self.items:
                if not i.top1 and i.split in miss_splits:
                    got = " / ".join(i.top[0]) if i.top else "(nothing)"
                    flag = "  WRONG PRE-ACCEPT" if i.wrong_preaccept else ""
                    lines.append(
                        f"  miss {i.group}: {' / '.join(i.value)} -> {got} ({i.reason or '-'}); "
                        f"want {' / '.join(i.expected)}{flag}"
                    )
        for split in HELD_OUT:
            if any(i.split == split for i in self.items):
                lines.append(self.figures(split=split).line(f"[{split}, held out]"))
        return "\n".join(lines)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_eval_set(directory: str | Path) -> list[EvalGroup]:
    """The groups of the evaluation set in ``directory``.

    Raises:
        ValueError: a file lacks a column, or an expected value is not in the
            target list (the set would measure nothing).
    """
    base = Path(directory)
    groups = _read(base / "groups.csv")
    missing = [c for c in GROUP_COLUMNS if c not in groups.columns]
    if missing:
        raise ValueError(f"{base / 'groups.csv'}: missing columns {missing}")
    out = []
    for row in groups.to_dict("records"):
        kind = get_kind(row["kind"])
        if row["split"] not in SPLITS:
            raise ValueError(f"group {row['group']}: split must be one of {SPLITS}")
        source = _read(base / row["source_file"])
        target = _read(base / row["target_file"])
        cols = list(kind.list_columns)
        answer = ["expected"] if not kind.composite else [f"expected_{c}" for c in cols]
        for frame, need, name in ((source, cols + answer, row["source_file"]), (target, cols, row["target_file"])):
            lacking = [c for c in need if c not in frame.columns]
            if lacking:
                raise ValueError(f"{base / name}: missing columns {lacking}")
        allowed = set(target[cols].itertuples(index=False, name=None))
        expected = list(source[answer].itertuples(index=False, name=None))
        for line, value in enumerate(expected, start=2):
            if value not in allowed:
                raise ValueError(f"{base / row['source_file']}, line {line}: {value} is not in {row['target_file']}")
        keep = cols + [c for c in ("description",) if c in source.columns]
        out.append(
            EvalGroup(
                name=row["group"],
                kind=kind,
                channel_type=row["channel_type"],
                split=row["split"],
                source=source[keep],
                target=target[[c for c in target.columns if c in cols or c == "description"]],
                expected=expected,
                citation=row["source"],
            )
        )
    return out


def evaluate(directory: str | Path, *, splits: tuple[str, ...] = SPLITS) -> EvalReport:
    """Run the suggester on every group of the set in ``directory`` (see the module docstring)."""
    from kit.depara.suggest import suggest

    report = EvalReport()
    for g in load_eval_set(directory):
        if g.split not in splits:
            continue
        k = g.kind
        channel, erp = (g.source, g.target) if k.direction == "in" else (g.target, g.source)
        table = suggest(k, channel, erp, channel_type=g.channel_type or None, learned=False)
        answers = dict(zip(g.source[list(k.list_columns)].itertuples(index=False, name=None), g.expected, strict=True))
        for r in table.to_dict("records"):
            value = tuple(r[c] for c in k.source_columns)
            report.items.append(
                EvalItem(
                    group=g.name,
                    split=g.split,
                    value=value,
                    expected=answers[value],
                    top=[tuple(c["values"]) for c in r["candidates"]],
                    reason=r["reason"],
                    preaccepted=bool(r["preaccepted"]),
                )
            )
    return report
