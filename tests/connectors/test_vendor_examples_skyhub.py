"""The SkyHub connector reads SkyHub's own example answers, not only our sandbox's.

SkyHub publishes no OpenAPI document: the examples are copied from desenvolvedores.skyhub.com.br into
``data/vendor_examples/skyhub/`` (each with its ``_source``) and served to the real connector on 127.0.0.1 by
:class:`ExampleChannel`.
"""

from __future__ import annotations

from urllib.parse import quote

from connectors.vendor_examples import (
    Route,
    answered_by,
    documented_example,
    run_orders,
)

#: "Consulta de pedidos": one order as the page shows it (code with a space, status object, carrier; no items).
ORDER = documented_example("skyhub", "order")
CREDENTIALS = {"user_email": "loja@example.com", "api_key": "exemplo-api-key", "account_manager_key": "exemplo-am"}
CODE_PATH = "/orders/" + quote(ORDER["code"], safe="")


def _queue_of(order: dict):
    """The queue hands out ``order`` once, then an empty JSON body (the documents answer 204 once the queue is empty;
    the connector treats both as the end)."""
    taken: list[bool] = []

    def answer(handler):
        return {} if taken else (taken.append(True) or order)

    return answer


def test_the_order_example_is_read_by_its_code_with_status_and_carrier():
    with answered_by([Route("GET", CODE_PATH, ORDER)], "skyhub", credentials=CREDENTIALS) as (srv, conn):
        order = conn.get_order(ORDER["code"])
    assert (order.order_id, order.status_raw, order.carrier_raw) == (ORDER["code"], ORDER["status"]["code"],
                                                                     ORDER["shipping_carrier"])  # fmt: skip
    assert order.items == [] and not srv.unrouted


def test_an_order_example_without_items_is_never_written_to_the_erp(workspace):
    """The page's order shows no items: the kit cannot hand the ERP an order without lines. It is not counted applied,
    not written to the outbox and not acknowledged; it fails with a pt-BR reason, so the channel keeps it."""

    routes = [Route("GET", r"/queues/orders", _queue_of(ORDER)), Route("DELETE", r"/queues/orders/.+", {})]
    summary, srv = run_orders(routes, "skyhub", workspace, credentials=CREDENTIALS)
    assert summary.error is None and summary.applied == 0, summary.details
    held = {d.key: d.reason for d in summary.details if d.status in ("failed", "quarantined")}
    assert "não traz nenhum item" in held[ORDER["code"]], summary.details
    assert not list((workspace.root / "outbox").rglob("*-orders-*.json"))
    assert not srv.calls("DELETE", r"^/queues/orders/")  # failed, not acknowledged: SkyHub keeps it in the queue


#: The API reference's "queues Overview": every field the queue's order carries, with placeholder values.
QUEUED = documented_example("skyhub", "queue_order")


def test_the_queue_example_gives_its_lines_buyer_address_and_status():
    routes = [Route("GET", r"/queues/orders", _queue_of(QUEUED))]
    with answered_by(routes, "skyhub", credentials=CREDENTIALS) as (srv, conn):
        page = conn.fetch_orders()
    (order,) = page.orders
    line, got = QUEUED["items"][0], order.items[0]
    assert (order.order_id, order.status_raw, order.ack_token) == (QUEUED["code"], QUEUED["status"]["code"],
                                                                   QUEUED["code"])  # fmt: skip
    assert (got.sku, got.channel_item_id, got.quantity, got.unit_price) == (line["id"], line["product_id"],
                                                                            line["qty"], line["special_price"])  # fmt: skip
    assert order.buyer == {"name": QUEUED["customer"]["name"], "email": QUEUED["customer"]["email"],
                           "document": QUEUED["customer"]["vat_number"]}  # fmt: skip
    assert order.shipping_address == QUEUED["shipping_address"] and order.service_raw == QUEUED["shipping_method"]
    assert len(srv.calls("GET", r"^/queues/orders")) == 2  # the order, then the empty queue


def test_the_queue_example_through_the_orders_job_waits_for_its_de_para_and_is_acknowledged(workspace):
    """Placeholder dates ("datetime") and codes ("foo") are not a traceback: the order is stored durably (quarantine:
    no de-para tables yet, the reason in pt-BR) and only then deleted from the queue."""

    routes = [Route("GET", r"/queues/orders", _queue_of(QUEUED)), Route("DELETE", r"/queues/orders/.+", {})]
    summary, srv = run_orders(routes, "skyhub", workspace, credentials=CREDENTIALS)
    assert summary.error is None and (summary.applied, summary.failed, summary.quarantined) == (0, 0, 1), summary
    (detail,) = summary.details
    assert detail.key == QUEUED["code"] and "sem tabela de de-para" in detail.reason
    assert srv.calls("DELETE", r"^/queues/orders/") == [f"/queues/orders/{QUEUED['code']}"]
