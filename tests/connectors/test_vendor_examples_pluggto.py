"""The Plug.to connector reads Plug.to's own example answers, not only our sandbox's.

Plug.to publishes no OpenAPI document: the examples are copied from developers.plugg.to into
``data/vendor_examples/pluggto/`` (each with its ``_source``) and served to the real connector on 127.0.0.1 by
:class:`ExampleChannel`.
"""

from __future__ import annotations

import time

from connectors.vendor_examples import (
    Route,
    answered_by,
    documented_example,
    run_orders,
)

#: "Get One Order" as far as the stored page goes: payments and two items, not the order's own fields (no id).
ORDER = documented_example("pluggto", "order")
#: A token still valid for an hour: the examples are about orders, not about OAuth.
CREDENTIALS = {"client_id": "exemplo", "client_secret": "exemplo-segredo", "username": "exemplo", "password": "x",
               "access_token": "exemplo-token", "access_token_expires_at": str(time.time() + 3600)}  # fmt: skip


def test_the_order_example_keeps_its_lines_skus_quantities_unit_prices_and_payment():
    with answered_by([Route("GET", r"/orders/[^/]+", ORDER)], "pluggto", credentials=CREDENTIALS) as (srv, conn):
        order = conn.get_order("6042121bb71e3422dafd2404")
    raw = ORDER["Order"]
    assert [(i.sku, i.channel_item_id, i.quantity, i.unit_price, i.title) for i in order.items] == [
        (i["sku"], i["sku"], i["quantity"], i["price"], i["name"]) for i in raw["items"]
    ]  # variation.sku null: the item's own sku
    assert order.payment_raw == raw["payments"][0]["payment_type"]
    assert order.order_id == ""  # the stored page stops before the order's id: no number made up


def test_an_order_example_without_its_number_fails_with_a_reason_and_is_not_written(workspace):
    """Through the orders job, the example (no id in the stored copy) is reported failed in pt-BR, not a traceback,
    not written, not counted applied."""

    page = {"result": [ORDER], "hash_next": None}  # completed: the list answer's wrapper (result + hash_next)
    summary, srv = run_orders([Route("GET", r"/orders", page)], "pluggto", workspace, credentials=CREDENTIALS)
    assert summary.error is None and summary.applied == 0, summary.error
    failed = {d.key: d.reason for d in summary.details if d.status == "failed"}
    assert failed["(sem número)"].startswith("a resposta do canal não traz o número do pedido"), summary.details
    assert not list((workspace.root / "outbox").rglob("*-orders-*.json"))


def test_an_order_example_without_modified_is_kept_by_a_fetch_from_a_cursor():
    """The example carries no ``modified`` (the stored page stops before it): a fetch from a cursor cannot place it in
    time, so it is kept (the orders job tells versions apart), never silently left out."""
    page = {"result": [ORDER], "hash_next": None}  # completed: the list answer's wrapper (result + hash_next)
    with answered_by([Route("GET", r"/orders", page)], "pluggto", credentials=CREDENTIALS) as (srv, conn):
        fetched = conn.fetch_orders(since="2024-01-01T00:00:00-03:00")
    assert [len(o.items) for o in fetched.orders] == [len(ORDER["Order"]["items"])]
    assert fetched.cursor == "2024-01-01T00:00:00-03:00"  # the cursor does not move for an order of no date
