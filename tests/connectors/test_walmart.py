"""Walmart connector: the contract suite, every exchange checked against Walmart's OpenAPI documents, orders."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.contract import contract_suite, make_connector
from connectors.openapi import traffic_fixtures, walmart_spec
from kit.connectors.model import PriceItem, Shipment, StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.errors import ChannelFatalError
from kit.sample import generate_catalog, generate_orders
from kit.sandbox import start_sandbox

TestWalmartContract = contract_suite(
    "walmart", products=120, refreshes=True, acks=True, write_path="^/v3/(inventory|price)"
)
spec_check, check_traffic, unchecked_traffic = traffic_fixtures(walmart_spec)


@pytest.fixture
def walmart():
    reset_buckets()
    with start_sandbox("walmart", rate_limit=(5000, 5000), n_products=12, orders=0) as sbx:
        conn = make_connector(sbx)
        yield sbx, conn
        conn.close()


def test_correlation_id_is_new_on_every_call(walmart):
    sbx, conn = walmart
    conn.list_listings()
    ids = sbx.state.data["correlation_ids"]
    assert len(ids) == 1 + 12 and len(set(ids)) == len(ids)


def test_token_is_renewed_before_it_expires_without_a_401(walmart):
    sbx, conn = walmart
    conn.list_listings()
    assert sbx.state.data["token_calls"] == 1
    conn.auth._expires_at = time.time() + 60  # inside the renewal margin (120 s)
    conn.list_listings()
    assert sbx.state.data["token_calls"] == 2
    assert sbx.state.count(401) == 0


def _orders_queries(sbx) -> list[dict]:
    return [{k: v[0] for k, v in r["query"].items()} for r in sbx.state.requests if r["path"] == "/v3/orders"]


def test_new_orders_follow_next_cursor_and_acknowledged_ones_leave_the_created_list(walmart):
    sbx, conn = walmart
    for _ in range(230):
        sbx.add_order(sbx.make_order(status="Created"))
    page = conn.fetch_orders()
    assert len({o.order_id for o in page.orders}) == 230 and not page.has_more
    created = [q for q in _orders_queries(sbx) if q.get("status") == "Created" or "hasMoreElements" in q]
    assert [q.get("hasMoreElements") for q in created] == [None, "true", "true"]  # first page, then nextCursor twice
    assert all(q.get("poIndex") and q.get("sellerId") for q in created[1:])  # sent back as Walmart wrote it
    assert conn.ack_orders(page.orders) == 230
    assert conn.fetch_orders(cursor=page.cursor).orders == []


def test_a_cancellation_after_the_acknowledgement_is_read_from_the_changes(walmart):
    sbx, conn = walmart
    for _ in range(3):
        sbx.add_order(sbx.make_order(status="Created"))
    first = conn.fetch_orders()
    conn.ack_orders(first.orders)
    target = first.orders[1]
    sbx.cancel_order(target.order_id)
    later = conn.fetch_orders(cursor=first.cursor)
    assert [(o.order_id, o.status_raw) for o in later.orders] == [(target.order_id, "Cancelled")]
    assert later.orders[0].updated_at > target.updated_at  # a new version of the order
    changes = [q for q in _orders_queries(sbx) if "lastModifiedStartDate" in q][-1]
    horizon = datetime.fromisoformat(changes["createdStartDate"].replace("Z", "+00:00"))
    assert datetime.now(UTC) - horizon > timedelta(days=170)  # not the 7-day default
    assert conn.ack_orders(later.orders) == 0  # a cancelled order is not acknowledged


def test_the_carrier_side_is_the_fulfilment_type_and_tracking_uses_walmarts_carriers(walmart):
    sbx, conn = walmart
    sbx.add_order(sbx.make_order(status="Created"))
    order = conn.fetch_orders().orders[0]
    assert order.carrier_raw == "SellerFulfilled" and order.service_raw in ("Standard", "Express", "OneDay", "Value")
    assert "carrierName" not in order.raw["shippingInfo"]  # not a field of Walmart's order
    with pytest.raises(ChannelFatalError, match="otherCarrier with a tracking URL"):
        conn.send_tracking(order.order_id, Shipment(carrier="Correios", code="BR1"))
    conn.send_tracking(order.order_id, Shipment(carrier="Loggi", code="LG1", url="https://loggi.example/LG1"))
    body = json.loads([r for r in sbx.state.requests if r["path"].endswith("/shipping")][-1]["body"])
    tracking = body["orderShipment"]["orderLines"]["orderLine"][0]["orderLineStatuses"]["orderLineStatus"][0]
    assert tracking["trackingInfo"]["carrierName"] == {"otherCarrier": "Loggi"}
    assert tracking["trackingInfo"]["methodCode"] == order.service_raw
    assert conn.get_order(order.order_id).status_raw == "Shipped"


def test_walmart_refuses_to_ship_a_cancelled_line(walmart):
    sbx, conn = walmart
    sbx.add_order(sbx.make_order(status="Created"))
    order = conn.fetch_orders().orders[0]
    sbx.cancel_order(order.order_id)
    with pytest.raises(ChannelFatalError, match="HTTP 400|cancelled"):
        conn.send_tracking(order, Shipment(carrier="USPS", code="9400"))


def test_error_body_detail_reaches_the_item_reason(walmart):
    sbx, conn = walmart
    result = conn.update_stock([StockItem("NO-SUCH-SKU", 3)])
    assert result.failed == 1
    assert "HTTP 404" in result.items[0].reason and "not found" in result.items[0].reason


def test_a_quantity_sent_as_text_is_refused(walmart, unchecked_traffic):
    sbx, conn = walmart
    sku = sorted(sbx.state.data["items"])[0]
    headers = {**conn.auth.headers(), "Content-Type": "application/json"}
    body = {"sku": sku, "quantity": {"unit": "EACH", "amount": "5"}}
    answer = requests.put(f"{sbx.url}/v3/inventory", params={"sku": sku}, json=body, headers=headers, timeout=5)
    assert answer.status_code == 400 and "not text" in answer.json()["errors"][0]["description"]
    answer = requests.get(f"{sbx.url}/v3/orders", params={"limit": "500"}, headers=conn.auth.headers(), timeout=5)
    assert answer.status_code == 400  # "cannot be larger than 200"


def test_rendered_orders_come_back_the_same_through_the_connector():
    catalog = generate_catalog(20, 5)
    specs = [dict(s, status_raw="Created") for s in generate_orders(catalog, "walmart", 30, seed=5)]
    with start_sandbox("walmart", catalog=catalog, orders=specs, rate_limit=(5000, 5000)) as sbx:
        for spec in specs:  # the generator's fixed day is months ago: place them now, spacing kept
            order = sbx.state.data["orders"][spec["order_id"]]
            order["orderDate"] = int(time.time() * 1000) - 3_600_000
        got = {o.order_id: o for o in make_connector(sbx).fetch_orders().orders}
    assert len(got) == len(specs)
    for spec in specs:
        order = got[spec["order_id"]]
        assert (order.status_raw, order.carrier_raw, order.service_raw, order.payment_raw) == (
            spec["status_raw"], spec["carrier_raw"], spec["service_raw"], None)  # fmt: skip
        assert [(i.sku, i.quantity, i.unit_price) for i in order.items] == [
            (i["sku"], i["qty"], i["unit_price"]) for i in spec["items"]
        ]
        assert order.total == pytest.approx(spec["total"])
        assert order.buyer["name"] == spec["buyer"]["name"]  # Walmart carries no CPF/document
        assert datetime.fromisoformat(order.updated_at) == datetime.fromisoformat(spec["updated_at"])
        where = spec["shipping_address"]
        assert order.shipping_address["address1"] == f"{where['street']}, {where['number']}"
        assert order.shipping_address["postalCode"] == where["zipcode"]


def test_the_exercise_covers_every_operation_the_connector_relies_on(spec_check):
    with start_sandbox("walmart", n_products=15, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        conn.test_connection()
        skus = list(conn.list_listings()["sku"].head(4))
        conn.update_stock([StockItem(s, 3) for s in skus] + [StockItem("GHOST", 1)])
        conn.update_prices([PriceItem(s, 10.5) for s in skus])
        page = conn.fetch_orders()
        conn.ack_orders(page.orders)
        conn.send_tracking(page.orders[0].order_id, Shipment(carrier="USPS", code="9400111"))
        sbx.cancel_order(page.orders[-1].order_id)
        conn.fetch_orders(cursor=page.cursor)
        conn.value_lists()
        report = walmart_spec().check_log(sbx.state.requests)
    assert not report.problems, report.text()
    assert report.operations >= {
        "POST /v3/token", "GET /v3/items", "GET /v3/inventory", "PUT /v3/inventory", "PUT /v3/price",
        "GET /v3/orders", "GET /v3/orders/{purchaseOrderId}", "POST /v3/orders/{purchaseOrderId}/acknowledge",
        "POST /v3/orders/{purchaseOrderId}/shipping",
    }  # fmt: skip
