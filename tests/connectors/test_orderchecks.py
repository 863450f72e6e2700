"""What the kit must have of an order line before the ERP gets it (``kit.connectors.orderchecks``): its price."""

from __future__ import annotations

import pytest

from kit.connectors.orderchecks import order_problems, price


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((19.9,), 19.9),
        (("12.50",), 12.5),
        ((None, 30.0), 30.0),  # no promotional price: the list price
        ((0, 30.0), 30.0),  # a promotional price of 0 means none (SkyHub's special_price)
        ((0,), 0.0),  # a gift, priced 0 by the channel
        ((None,), None),  # the channel sent no price: never a made-up R$ 0,00
        ((None, ""), None),
    ],
)
def test_a_line_price_is_the_channels_or_none(values, expected):
    assert price(*values) == expected


def test_an_order_line_without_a_price_is_a_problem_not_a_zero():
    order = {"order_id": "1", "items": [{"sku": "A", "unit_price": price(None)}, {"sku": "B", "unit_price": price(0)}]}
    assert order_problems(order) == ["a resposta do canal não traz o preço unitário do(s) item(ns) 1"]
