"""Confirm first-sync price drops by rule instead of one ``--confirm price_drop:SKU`` each.

A rule is a checklist confirmation like any other (who and when, in the
workspace), whose item says which drops it covers::

    price_drop_rule:40                 every drop of at most 40 %
    price_drop_rule:40:Casa > Banho    ... of SKUs in that ERP category or below it

``kit check golive --confirm-price-drops 40 [--drops-category "Casa > Banho"]``
records one; a checklist answers file may hold one too. Before the checks run,
:func:`apply_price_drop_rules` turns each rule into the per-SKU confirmations
it covers (with the rule, who and when in the note), so the first-sync check
sees exactly what it would see after one ``--confirm price_drop:SKU`` per SKU.
A drop larger than the rule's limit stays a blocker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kit.errors import ConfigurationError

__all__ = ["PRICE_DROP_RULE", "PriceDropRule", "price_drop_rule_item", "apply_price_drop_rules"]

PRICE_DROP_RULE = "price_drop_rule"


@dataclass(slots=True)
class PriceDropRule:
    """Drops of at most ``max_pct`` %, in ``category`` (and below it) when given."""

    max_pct: float
    category: str = ""

    @property
    def item(self) -> str:
        return f"{PRICE_DROP_RULE}:{self.max_pct:g}" + (f":{self.category}" if self.category else "")

    @classmethod
    def parse(cls, item: str) -> PriceDropRule | None:
        """The rule a confirmation item names, or ``None`` for another item (or a malformed rule)."""
        prefix, _, rest = item.partition(":")
        if prefix != PRICE_DROP_RULE:
            return None
        pct, _, category = rest.partition(":")
        try:
            value = float(pct.replace(",", "."))
        except ValueError:
            return None
        return cls(value, category.strip()) if 0 < value <= 100 else None

    def covers(self, drop_pct: float, category: Any) -> bool:
        return drop_pct <= self.max_pct + 1e-9 and (not self.category or _under(str(category or ""), self.category))


def _under(category: str, prefix: str) -> bool:
    """Is ``category`` the ERP category ``prefix`` or one below it (``Casa > Banho`` is under ``Casa``)?"""
    from kit.depara.normalize import compact

    parts = [compact(p) for p in re.split(r">|/", category) if p.strip()]
    want = [compact(p) for p in re.split(r">|/", prefix) if p.strip()]
    return bool(want) and parts[: len(want)] == want


def price_drop_rule_item(max_pct: float, category: str | None = None) -> str:
    """The confirmation item of a rule, checked.

    Raises:
        ConfigurationError: the limit is not a percentage above 0 and up to 100.
    """
    if not 0 < max_pct <= 100:
        raise ConfigurationError(
            f"--confirm-price-drops {max_pct:g}: o limite precisa estar entre 0 e 100 %",
            hint="por exemplo --confirm-price-drops 40 confirma as quedas de até 40 %",
        )
    return PriceDropRule(max_pct, (category or "").strip()).item


def apply_price_drop_rules(ctx: Any) -> int:
    """Add to ``ctx.answers`` a ``price_drop:SKU`` confirmation for each drop over the guard a rule covers.

    Returns how many drops the rules confirmed (a drop confirmed one by one is left as it was).
    """
    from kit.golive.checks import first_sync_preview, price_drop_item

    rules = [(PriceDropRule.parse(item), answer) for item, answer in ctx.answers.items()]
    rules = [(rule, answer) for rule, answer in rules if rule is not None and answer.get("confirmed", True)]
    if not rules:
        return 0
    drops = first_sync_preview(ctx)["price_drops"]
    drops = drops[drops["drop_pct"] > ctx.tolerances.price_guard_pct]
    if not len(drops):
        return 0
    categories = _categories(ctx)
    confirmed = 0
    for sku, pct in zip(drops["sku"], drops["drop_pct"], strict=True):
        item = price_drop_item(sku)
        if ctx.confirmed(item) is not None:
            continue
        for rule, answer in rules:
            if rule.covers(float(pct), categories.get(sku)):
                ctx.answers[item] = {**answer, "item": item, "rule": rule.item, "confirmed": True,
                                     "note": f"confirmado pela regra {rule.item}"}  # fmt: skip
                confirmed += 1
                break
    return confirmed


def _categories(ctx: Any) -> dict[str, Any]:
    erp = ctx.erp
    if "category" not in erp.columns:
        return {}
    return dict(zip(erp["sku"], erp["category"], strict=False))
