"""Round trip of orders: sample spec -> the sandbox's ``render_order`` -> the connector's normalisation -> the spec.

A sandbox renders neutral order specs (:func:`kit.sample.generate_orders`) in
its channel's documented shape; the connector reads them over HTTP and
normalises them to :class:`~kit.connectors.model.Order`. When both follow the
same documents, every field the spec states comes back unchanged.

Usage, in a channel's test module::

    def test_orders_round_trip():
        assert_round_trip("skyhub", buyer=True)

or, where the test drives the sandbox itself, ``assert_same_order(spec, order)``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

__all__ = ["assert_same_order", "assert_round_trip", "round_trip"]


def _instant(value: Any) -> datetime:
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def assert_same_order(
    spec: dict[str, Any],
    order: Any,
    *,
    buyer: bool = True,
    updated_at: bool = False,
    address_keys: tuple[str, ...] = (),
) -> None:
    """``order`` (a connector :class:`~kit.connectors.model.Order`) says what ``spec`` says.

    Args:
        spec: one order of :func:`kit.sample.generate_orders`.
        order: the connector's normalised order.
        buyer: the channel's order carries the buyer's name and CPF.
        updated_at: the channel's order carries an update stamp (compared as an instant).
        address_keys: the ``shipping_address`` keys the channel carries (compared one by one).
    """
    where = f"order {spec['order_id']}"
    assert order is not None, f"{where} was rendered but never read back"
    assert order.order_id == str(spec["order_id"]), where
    assert order.status_raw == spec["status_raw"], where
    assert (order.carrier_raw, order.service_raw) == (spec["carrier_raw"], spec["service_raw"]), where
    assert order.payment_raw == spec["payment_raw"], where
    assert _instant(order.created_at) == _instant(spec["created_at"]), where
    if updated_at:
        assert _instant(order.updated_at) == _instant(spec["updated_at"]), where
    assert float(order.total) == pytest.approx(spec["total"], abs=0.011), where
    got = sorted((i.sku, i.quantity, round(i.unit_price, 2)) for i in order.items)
    want = sorted((str(i["sku"]), int(i["qty"]), round(float(i["unit_price"]), 2)) for i in spec["items"])
    assert got == want, where
    if buyer:
        assert (order.buyer.get("name"), order.buyer.get("document")) == (
            spec["buyer"]["name"],
            spec["buyer"]["document"],
        ), where
    for key in address_keys:
        assert order.shipping_address.get(key) == spec["shipping_address"][key], f"{where}: {key}"


def round_trip(
    channel_type: str, n: int = 30, seed: int = 7, *, bind: bool = False, **sandbox_options: Any
) -> list[tuple[dict, Any]]:
    """``(spec, Order)`` pairs: ``n`` specs rendered by the sandbox, read back by the connector.

    With ``bind`` the channel may send lines without the seller SKU (Mercado Livre): such a line takes the SKU of
    the listing it names, as the kit's binding table would give it, and at least one line must have needed it.
    """
    from connectors.contract import make_connector
    from kit.connectors.ratelimit import reset_buckets
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox
    from kit.sandbox._sample_orders import recent_specs

    reset_buckets()
    catalog = generate_catalog(40, seed=seed)
    specs = recent_specs(catalog, channel_type, n, seed)
    assert len(specs) == n
    with start_sandbox(channel_type, catalog=catalog, orders=0, rate_limit=(5000, 5000), **sandbox_options) as sbx:
        for spec in specs:
            sbx.add_order(spec)
        conn = make_connector(sbx)
        seen: dict[str, Any] = {}
        cursor = None
        for _ in range(50):
            page = conn.fetch_orders(since="2000-01-01T00:00:00+00:00", cursor=cursor)
            seen.update({o.order_id: o for o in page.orders})
            conn.ack_orders(page.orders)
            if not page.has_more:
                break
            cursor = page.cursor
        conn.close()
        links = {(cid, var): sku for sku, cid, var in sbx.links()}
    if bind:
        unbound = [i for o in seen.values() for i in o.items if not i.sku]
        assert unbound, "no order line came without its seller SKU: the binding path is not exercised"
        for item in unbound:
            item.sku = links[(item.channel_item_id, item.variation_id)]
    return [(spec, seen.get(str(spec["order_id"]))) for spec in specs]


def assert_round_trip(
    channel_type: str, *, buyer: bool, n: int = 30, bind: bool = False, **sandbox_options: Any
) -> None:
    """Every spec rendered by ``channel_type``'s sandbox comes back from the connector as the same order."""
    for spec, order in round_trip(channel_type, n, bind=bind, **sandbox_options):
        assert_same_order(spec, order, buyer=buyer, updated_at=True)
