"""The Mercado Livre connector reads Mercado Livre's own example answers, not only our sandbox's.

Mercado Livre publishes no OpenAPI document: the examples are copied from its documentation pages into
``data/vendor_examples/mercadolivre/`` (each with its ``_source``). They are served to the real connector on
127.0.0.1 by :class:`ExampleChannel`; the test checks that what the example carries reaches the kit's
:class:`Order`, and that what it lacks (here: the seller SKU) holds the order with a pt-BR reason.
"""

from __future__ import annotations

import copy
import json
import time

import pytest

from connectors.vendor_examples import Route, answered_by, documented_example

#: GET /orders/$ORDER_ID ("Receive an order"): an order line without seller_sku, no shipping, no pack.
ORDER = documented_example("mercadolivre", "order")
#: A token still valid for an hour: the examples are about orders, not about OAuth.
CREDENTIALS = {"client_id": "123", "client_secret": "exemplo-segredo", "refresh_token": "TG-exemplo",
               "access_token": "APP_USR-exemplo", "access_token_expires_at": str(time.time() + 3600)}  # fmt: skip
#: The seller of the example: the connector searches the orders of this user id.
SETTINGS = {"user_id": str(ORDER["seller"]["id"])}


def _search(*orders: dict) -> dict:
    """An ``/orders/search`` page holding ``orders`` (completed: the page's ``results`` + ``paging`` wrapper, as the
    documentation's search answers show it; the orders inside are the example itself)."""
    return {"results": list(orders), "paging": {"total": len(orders), "offset": 0, "limit": 50}}


def _routes(order: dict) -> list[Route]:
    return [
        Route("GET", rf"/orders/{order['id']}", order),
        Route("GET", r"/orders/search", _search(order)),
    ]


@pytest.fixture
def ml():
    with answered_by(_routes(ORDER), "mercadolivre", settings=SETTINGS, credentials=CREDENTIALS) as (srv, conn):
        yield srv, conn


def _check_order(order) -> None:
    line, got = ORDER["order_items"][0], order.items[0]
    assert (order.order_id, order.status_raw, order.created_at) == (str(ORDER["id"]), ORDER["status"],
                                                                     ORDER["date_created"])  # fmt: skip
    assert len(order.items) == len(ORDER["order_items"])
    assert (got.channel_item_id, got.variation_id, got.title) == (line["item"]["id"], None, line["item"]["title"])
    assert (got.quantity, got.unit_price) == (line["quantity"], line["unit_price"])
    assert got.sku == ""  # the example line has no seller_sku: never the listing id
    assert order.total == ORDER["total_amount"]  # no shipping cost on the example's payment
    assert order.pack_id is None and order.buyer["nickname"] == ORDER["buyer"]["nickname"]
    assert (order.buyer["first_name"], order.buyer["last_name"]) == (ORDER["buyer"]["first_name"],
                                                                     ORDER["buyer"]["last_name"])  # fmt: skip
    # no shipping block: no shipment to read, no carrier made up
    assert order.carrier_raw is None and order.shipping_address == {}


def test_the_order_example_gives_its_order_line_total_and_buyer(ml):
    srv, conn = ml
    _check_order(conn.get_order(str(ORDER["id"])))
    assert not srv.calls("GET", r"^/shipments/") and not srv.unrouted


def test_the_order_example_found_by_the_search_is_the_same_order(ml):
    srv, conn = ml
    page = conn.fetch_orders(since="2013-05-01T00:00:00-03:00")
    assert len(page.orders) == 1
    _check_order(page.orders[0])
    (search,) = srv.calls("GET", r"^/orders/search")
    assert f"seller={SETTINGS['user_id']}" in search


def test_the_order_example_waits_for_a_seller_sku_then_its_listing_s_binding_fills_it(workspace):
    """The example's line names only its listing: the order waits in quarantine with what to do (never written with
    the listing id as SKU); once the listing is bound to a SKU, that SKU fills the line and the wait is over."""
    from kit.jobs import run_job

    with answered_by(_routes(copy.deepcopy(ORDER)), "mercadolivre", **_OPTIONS, workspace=workspace) as (_srv, conn):
        first = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
        listing = _bind(workspace, conn, ORDER, "GALAXY-01")
        second = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
    key = str(ORDER["id"])
    assert first.error is None and (first.applied, first.failed, first.quarantined) == (0, 0, 1), first.details
    reason = {d.key: d.reason for d in first.details if d.status == "quarantined"}[key]
    assert reason.startswith(f"o item 1 (anúncio {listing}) não tem SKU do vendedor no canal"), reason
    assert second.error is None and second.failed == 0, second.details
    assert not any("SKU do vendedor" in (d.reason or "") for d in second.details), second.details
    assert second.applied + second.quarantined == 1


#: The shopping-cart guide's order (x-format-new): a shipping id, ``last_updated``, a line with ``seller_custom_field``
#: null; and the shipments guide's answer (x-format-new): ``logistic`` me2 / drop_off.
CART_ORDER = documented_example("mercadolivre", "order_cart")
SHIPMENT = documented_example("mercadolivre", "shipment")
_OPTIONS = {"settings": SETTINGS, "credentials": CREDENTIALS}


def _bind(workspace, conn, order: dict, sku: str) -> str:
    """The order's first listing bound to ``sku`` (what the stock job's listing read records); its id."""
    from kit.jobs.state import JobState

    listing = order["order_items"][0]["item"]["id"]
    binding = {"sku": sku, "channel_id": listing, "variation_id": None}
    JobState(workspace, conn.channel.name).replace_bindings([binding])
    return listing


def test_the_cart_order_example_reads_its_shipment_example_for_carrier_and_service():
    routes = [Route("GET", rf"/orders/{CART_ORDER['id']}", CART_ORDER),
              Route("GET", rf"/shipments/{CART_ORDER['shipping']['id']}", SHIPMENT)]  # fmt: skip
    with answered_by(routes, "mercadolivre", **_OPTIONS) as (srv, conn):
        order = conn.get_order(str(CART_ORDER["id"]))
    logistic = SHIPMENT["logistic"]
    assert (order.carrier_raw, order.service_raw) == (logistic["mode"], logistic["type"])  # ME2: mode, logistic type
    assert (order.order_id, order.status_raw, order.updated_at) == (str(CART_ORDER["id"]), CART_ORDER["status"],
                                                                     CART_ORDER["last_updated"])  # fmt: skip
    line, got = CART_ORDER["order_items"][0], order.items[0]
    assert (got.sku, got.channel_item_id, got.variation_id, got.quantity) == ("", line["item"]["id"], None,
                                                                              line["quantity"])  # fmt: skip
    (shipment_call,) = [r for r in srv.requests if r["path"].startswith("/shipments/")]
    assert {k.lower(): v for k, v in shipment_call["headers"].items()}.get("x-format-new") == "true"
    assert not srv.unrouted


def test_a_line_without_its_unit_price_fails_the_order_instead_of_a_price_of_zero(workspace):
    """The cart order example, as stored, ends before its line's ``unit_price``: the kit never writes R$ 0,00 for it;
    the orders job reports the order failed in pt-BR (not written), whatever the SKU binding gives."""
    from kit.jobs import run_job

    routes = [Route("GET", r"/orders/search", _search(CART_ORDER)),
              Route("GET", rf"/shipments/{CART_ORDER['shipping']['id']}", SHIPMENT)]  # fmt: skip
    with answered_by(routes, "mercadolivre", **_OPTIONS, workspace=workspace) as (_srv, conn):
        _bind(workspace, conn, CART_ORDER, "TESTE-01")
        summary = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
    assert summary.error is None and (summary.applied, summary.failed) == (0, 1), summary.details
    (detail,) = summary.details
    assert detail.key == str(CART_ORDER["id"])
    assert detail.reason.startswith("a resposta do canal não traz o preço unitário do(s) item(ns) 1"), detail.reason
    assert not list((workspace.root / "outbox").rglob("*-orders-*.json"))


def test_a_failed_order_is_re_read_by_id_in_later_runs_and_written_once_it_passes(workspace, tmp_path, monkeypatch):
    """Mercado Livre is read by an update cursor: the cart order the search answered without its line's price is
    shown once. The kit keeps it failed and re-reads it with ``GET /orders/{id}`` every run; once that answer
    carries the price (here: the example completed with the ``unit_price`` the stored copy cut off) it is written
    once, and no later run reads or writes it again."""
    from connectors.test_vendor_examples_outbox import _confirm_everything
    from kit.jobs import run_job

    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    whole = copy.deepcopy(CART_ORDER)
    whole["order_items"][0]["unit_price"] = 80.0  # completed: the stored example stops before the line's price
    one = rf"/orders/{CART_ORDER['id']}$"
    routes = [Route("GET", r"/orders/search", _search(CART_ORDER)), Route("GET", one, CART_ORDER),
              Route("GET", rf"/shipments/{CART_ORDER['shipping']['id']}", SHIPMENT)]  # fmt: skip
    with answered_by(routes, "mercadolivre", **_OPTIONS, workspace=workspace) as (srv, conn):
        _bind(workspace, conn, CART_ORDER, "TESTE-01")
        first = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
        assert (first.applied, first.failed) == (0, 1) and not srv.calls("GET", one)
        srv.routes[0] = Route("GET", r"/orders/search", _search())  # the cursor is past it now
        second = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
        assert (second.applied, second.failed) == (0, 1) and len(srv.calls("GET", one)) == 1
        srv.routes[1] = Route("GET", one, whole)
        _confirm_everything(tmp_path / "mappings", conn.channel.name, [conn.get_order(str(CART_ORDER["id"]))])
        third = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
        fourth = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
    assert (third.applied, third.failed, fourth.applied, fourth.failed) == (1, 0, 0, 0), third.details
    assert len(srv.calls("GET", one)) == 3  # the mappings' read, the re-read that passed, and none after it
    written = [o for p in (workspace.root / "outbox").rglob("*-orders-*.json") for o in json.loads(
        p.read_text())["orders"]]  # fmt: skip
    assert [(o["order_id"], o["items"][0]["sku"], o["items"][0]["unit_price"]) for o in written] == [
        (str(CART_ORDER["id"]), "TESTE-01", 80.0)
    ]
