"""What the kit must have of an order before the ERP gets it.

A channel's answer can leave out what the kit cannot do without (the order's number, an item's SKU): such an
order is reported failed by the orders job, with a pt-BR reason, instead of reaching the outbox as order "None"
or an item of SKU "None". Connectors turn the channel's codes into text with :func:`code`, which keeps a missing
code empty (``str(None)`` would make it ``"None"``).
"""

from __future__ import annotations

from typing import Any

from kit.connectors.model import Order

__all__ = ["code", "price", "order_problems"]


def code(value: Any) -> str:
    """A channel code as text; ``""`` when the channel sent none (``None``, an empty or blank string)."""
    return "" if value is None else str(value).strip()


def price(*values: Any) -> float | None:
    """A line's unit price from the channel's fields, first non-zero one first (a promotional price, then the
    list price); ``0.0`` when the fields given are all zero (a gift); ``None`` when the channel sent none of
    them, never a made-up R$ 0,00."""
    given = [v for v in values if v is not None and str(v).strip() != ""]
    for value in given:
        if float(value) != 0:
            return float(value)
    return 0.0 if given else None


def order_problems(order: Order | dict[str, Any], *, skus: bool = True) -> list[str]:
    """Why ``order`` (an :class:`Order` or its dict, as the orders job holds it) cannot go to the ERP (pt-BR), or ``[]``.

    With ``skus=False`` lines without a SKU are not counted (the orders job may still take them from the listing).
    """
    if isinstance(order, Order):
        order = {"order_id": order.order_id,
                 "items": [{"sku": item.sku, "unit_price": item.unit_price} for item in order.items]}  # fmt: skip
    problems = []
    if not code(order.get("order_id")):
        problems.append("a resposta do canal não traz o número do pedido")
    items = order.get("items") or []
    if not items:  # an order of no lines is nothing the ERP can take: the channel keeps it until it shows them
        problems.append("a resposta do canal não traz nenhum item do pedido")
    unpriced = [str(n) for n, item in enumerate(items, start=1) if (item or {}).get("unit_price") is None]
    if unpriced:  # never R$ 0,00 made up: a gift comes with its price 0, an answer without a price is not one
        problems.append(f"a resposta do canal não traz o preço unitário do(s) item(ns) {', '.join(unpriced)}")
    missing = [str(n) for n, item in enumerate(items, start=1) if not code((item or {}).get("sku"))]
    if skus and missing:
        problems.append(f"a resposta do canal não traz o SKU do(s) item(ns) {', '.join(missing)}")
    return problems
