"""Walmart connector: the contract suite, every exchange checked against Walmart's OpenAPI documents, orders."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.contract import contract_suite, make_connector, publishing_suite
from connectors.openapi import traffic_fixtures, walmart_spec
from kit.connectors.model import PriceItem, ProductItem, Shipment, StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.errors import ChannelFatalError, ChannelTransientError
from kit.sample import ean13, generate_catalog, generate_orders
from kit.sandbox import start_sandbox

pytestmark = pytest.mark.figures  # prints the spec check's totals: `make test` runs it in one process

TestWalmartContract = contract_suite(
    "walmart", products=120, refreshes=True, acks=True, write_path="^/v3/(inventory|price)"
)
spec_check, check_traffic, unchecked_traffic = traffic_fixtures(walmart_spec)


def walmart_items(sandbox, connector, n: int, *, variants: bool = True) -> list[ProductItem]:
    """``n`` new products for the Walmart sandbox: a subcategory of its taxonomy, valid EANs, an https image;
    families of two (``FAM-<k // 2>``) whose members differ in colour (one variant group each)."""
    path = next(r["path"] for r in connector.taxonomy() if r["category"] == "Clothing")
    colours = ("Blue", "Red", "Black", "White", "Green")
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Camiseta nova {k}", description=f"Camiseta de algodão {k}. Lavável à máquina.",
            brand="Carioca", ean=ean13(f"789{k:09d}"), ncm="61091000", weight_kg=0.5 + k / 10, height_cm=3.0,
            width_cm=20.0, length_cm=30.0, price=49.9, stock=5, category="ERP > Camisetas", channel_category=path,
            attributes={"Cor": f"cor-erp-{k}"} if variants else {},
            channel_attributes={"color": colours[k % len(colours)]} if variants else {},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


def walmart_standalone_items(sandbox, connector, n: int) -> list[ProductItem]:
    """As :func:`walmart_items` without variant attributes (the kill test gives a whole family one template)."""
    return walmart_items(sandbox, connector, n, variants=False)


class TestWalmartPublishing(publishing_suite("walmart", item_factory=walmart_items)):
    def test_an_incomplete_product_is_held_and_the_channel_refuses_it_too(self, sandbox, connector):
        """Walmart refuses asynchronously: the feed is accepted (200) and the item ends DATA_ERROR, naming the field."""
        item = replace(self.items(sandbox, connector, 1)[0], weight_kg=None)
        report = connector.publish([item])
        assert report.items[0].status == "held" and "peso" in report.items[0].fix
        assert self.counts(sandbox, [item.sku]) == {item.sku: 0}
        with pytest.raises(ChannelFatalError) as info:  # sent anyway: Walmart's ingestion error is the reason
            connector.create_listing(item)
        assert "DATA_ERROR" in info.value.message and "ShippingWeight" in info.value.message
        assert self.counts(sandbox, [item.sku]) == {item.sku: 0}


@pytest.fixture
def walmart():
    reset_buckets()
    with start_sandbox("walmart", rate_limit=(5000, 5000), n_products=12, orders=0) as sbx:
        conn = make_connector(sbx)
        yield sbx, conn
        conn.close()


def test_correlation_id_is_new_on_every_call(walmart):
    sbx, conn = walmart
    conn.list_listings()  # one page of items, one of inventories
    conn.update_stock([StockItem(s, 1) for s in sorted(sbx.state.data["items"])[:5]])
    ids = sbx.state.data["correlation_ids"]
    calls = [e for e in sbx.state.requests if e["path"] != "/v3/token"]
    assert len(ids) == len(calls) == 2 + 5 and len(set(ids)) == len(ids)


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
    with pytest.raises(ChannelFatalError, match="como otherCarrier com URL de rastreio"):
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
        "POST /v3/token", "GET /v3/items", "GET /v3/inventories", "PUT /v3/inventory", "PUT /v3/price",
        "GET /v3/orders", "GET /v3/orders/{purchaseOrderId}", "POST /v3/orders/{purchaseOrderId}/acknowledge",
        "POST /v3/orders/{purchaseOrderId}/shipping",
    }  # fmt: skip


# -- publishing by item feeds --------------------------------------------------------------------------
from email.parser import BytesParser  # noqa: E402
from email.policy import HTTP  # noqa: E402

import kit.connectors.walmart_catalog as walmart_catalog  # noqa: E402
from kit.channels import ChannelRegistry  # noqa: E402
from kit.jobs import run_job  # noqa: E402
from kit.jobs.products import STATE_PENDING  # noqa: E402
from kit.jobs.settings import set_job_settings  # noqa: E402


def _feeds(sbx) -> list[tuple[str, dict]]:
    """(feedType, the feed file as JSON) of every upload in the sandbox's log."""
    out = []
    for e in sbx.state.requests:
        if e["method"] == "POST" and e["path"] == "/v3/feeds":
            ctype = {k.lower(): v for k, v in e["headers"].items()}["content-type"]
            msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + e["body"])
            part = next(msg.iter_parts())
            out.append((e["query"]["feedType"][0], json.loads(part.get_payload(decode=True))))
    return out


def _slow(sbx, **timing) -> None:
    sbx.feed_timing.update(timing)


def _connector(sbx, **settings):
    channel = sbx.channel()
    channel.settings.update({k: str(v) for k, v in settings.items()})
    from connectors.contract import FAST_RETRY, TEST_RATE, TEST_TIMEOUTS
    from kit.connectors import connector_for

    return connector_for(channel, retry=FAST_RETRY, timeouts=TEST_TIMEOUTS, rate_limit=TEST_RATE)


def test_one_feed_per_type_and_subcategory_and_every_item_accounted_for(walmart):
    sbx, conn = walmart
    other = next(r["path"] for r in conn.taxonomy() if r["category"] == "Computers")
    items = walmart_items(sbx, conn, 5)
    items[3] = replace(items[3], channel_category=other, parent_sku=None, channel_attributes={})
    items[4] = replace(items[4], brand="B" * 61)  # longer than Walmart's brand field
    existing = sorted(sbx.state.data["items"])[0]
    bound = replace(items[0], sku=existing, ean=sbx.state.data["items"][existing]["gtin"][1:], channel_id="WP",
                    parent_sku=None, channel_attributes={})  # fmt: skip
    report = conn.publish([*items, bound])
    report.assert_accounted([*items, bound])
    assert [r.status for r in report.items] == ["applied"] * 4 + ["failed", "applied"], report.to_frame().to_string()
    assert report.items[4].reason.startswith("DATA_ERROR: INVALID_ATTRIBUTE: Orderable.brand is longer than 60")
    assert [r.action for r in report.items] == ["create"] * 5 + ["update"]
    feeds = _feeds(sbx)
    assert sorted((kind, f["MPItemFeedHeader"]["subCategory"], len(f["MPItem"])) for kind, f in feeds) == [
        ("MP_ITEM", "clothing_other", 4), ("MP_ITEM", "computers", 1), ("MP_MAINTENANCE", "clothing_other", 1)]  # fmt: skip
    clothing = next(f for kind, f in feeds if kind == "MP_ITEM" and f["MPItemFeedHeader"]["subCategory"] != "computers")
    first = clothing["MPItem"][0]
    assert first["Orderable"]["productIdentifiers"] == {"productIdType": "GTIN", "productId": "0" + items[0].ean}
    assert first["Orderable"]["ShippingWeight"] == round(items[0].weight_kg * 2.20462, 3)  # pounds
    group = first["Visible"]["Clothing"]
    assert group["variantGroupId"] == "FAM-000" and group["variantAttributeNames"] == ["color"]
    assert group["mainImageUrl"] == items[0].image_urls[0] and group["keyFeatures"][0].startswith("Camiseta")
    assert sbx.state.data["items"][items[0].sku]["wpid"] == report.items[0].channel_id


def test_a_feed_still_processing_is_pending_and_a_rerun_polls_it_instead_of_sending_again(walmart):
    sbx, _ = walmart
    _slow(sbx, process_s=3.0)
    conn = _connector(sbx, feed_wait_s=0.3, feed_poll_s=0.05)
    items = walmart_items(sbx, conn, 3)
    first = conn.publish(items)
    assert [r.status for r in first.items] == ["pending"] * 3 and len({r.token for r in first.items}) == 1
    token = first.items[0].token
    # The kit died before recording "pending": the next run finds the SKUs in the feed Walmart is processing.
    again = conn.publish(items)
    assert [(r.status, r.token) for r in again.items] == [("pending", token)] * 3
    assert len(_feeds(sbx)) == 1
    assert {s: len(v) for s, v in sbx.listings_by_ref().items() if s.startswith("NOVO")} == {i.sku: 1 for i in items}
    _slow(sbx, process_s=0.0)
    polled = conn.poll_publish({i.sku: token for i in items})
    assert [(r.sku, r.status, r.action) for r in polled] == [(i.sku, "applied", "create") for i in items]
    assert all(r.channel_id.startswith("WP") for r in polled)


def test_a_feed_not_started_yet_holds_back_the_creates_rather_than_risk_a_second_setup(walmart):
    sbx, _ = walmart
    _slow(sbx, received_s=30.0)
    conn = _connector(sbx, feed_wait_s=0.2, feed_poll_s=0.05)
    items = walmart_items(sbx, conn, 2)
    assert [r.status for r in conn.publish(items).items] == ["pending", "pending"]
    later = conn.publish([*items, *walmart_items(sbx, conn, 3)[2:]])
    assert [r.status for r in later.items] == ["skipped"] * 3
    assert "ainda não começou a processar o feed" in later.items[0].reason
    assert len(_feeds(sbx)) == 1


def test_an_answer_lost_after_walmart_took_the_feed_never_makes_a_second_feed(walmart, monkeypatch):
    sbx, conn = walmart
    items = walmart_items(sbx, conn, 2)
    real = conn.request

    def lose_the_answer(method, path, **kw):
        response = real(method, path, **kw)
        if method == "POST" and path == "/v3/feeds":
            raise ChannelTransientError("read timeout", channel=conn.channel.name)
        return response

    monkeypatch.setattr(conn, "request", lose_the_answer)
    _slow(sbx, process_s=0.5)
    lost = conn.publish(items)
    assert [r.status for r in lost.items] == ["failed"] * 2
    assert "o Walmart pode ter recebido o feed" in lost.items[0].reason
    monkeypatch.setattr(conn, "request", real)
    found = conn.publish(items)  # the feed is found in flight (or its items already exist): polled, not resent
    assert [r.status for r in found.items] == ["applied"] * 2
    assert len(_feeds(sbx)) == 1
    assert {s: len(v) for s, v in sbx.listings_by_ref().items() if s.startswith("NOVO")} == {i.sku: 1 for i in items}


def test_a_feed_walmart_refuses_as_a_whole_fails_each_item_with_the_reason(walmart, monkeypatch, unchecked_traffic):
    sbx, conn = walmart
    monkeypatch.setattr(walmart_catalog, "SPEC_VERSION", "4.7")  # a header Walmart does not take
    report = conn.publish(walmart_items(sbx, conn, 2))
    assert [r.status for r in report.items] == ["failed"] * 2
    assert "recusou o feed" in report.items[0].reason and "INVALID_FEED_HEADER" in report.items[0].reason


def test_the_products_job_records_pending_items_and_polls_them_on_the_next_run(walmart, workspace, tmp_path,
                                                                                monkeypatch):  # fmt: skip
    from connectors.contract import write_publishing_inputs

    sbx, _ = walmart
    _slow(sbx, process_s=3.0)
    name = "wm-pending"
    channel = sbx.channel(name)
    channel.settings.update(feed_wait_s="0.2", feed_poll_s="0.05")
    ChannelRegistry(workspace).add(channel)
    conn = _connector(sbx, feed_wait_s=0.2, feed_poll_s=0.05)
    items = walmart_items(sbx, conn, 3)
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    write_publishing_inputs(tmp_path, name, items)
    set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
    first = run_job("products", name, ws=workspace, connector=conn)
    assert first.ok and first.applied == 0, first.render_pt()
    pending = workspace.states.get_all(name, STATE_PENDING)
    assert set(pending) == {i.sku for i in items} and len(set(pending.values())) == 1
    second = run_job("products", name, ws=workspace, connector=conn)  # still processing: polled, not resent
    assert second.applied == 0 and len(_feeds(sbx)) == 1, second.render_pt()
    _slow(sbx, process_s=0.0)
    sbx.state.clear_log()
    third = run_job("products", name, ws=workspace, connector=conn)
    assert third.ok and third.applied == 3, third.render_pt()
    assert not [v for v in workspace.states.get_all(name, STATE_PENDING).values() if v]
    assert not _feeds(sbx)  # the outcome came from polling the feed


def test_skus_are_found_one_by_one_or_in_one_pass_over_the_items_whichever_is_fewer_calls(walmart):
    sbx, conn = walmart
    few = conn.find_listings([sorted(sbx.state.data["items"])[0]])  # 12 items: one page, or one lookup
    assert list(few) == [sorted(sbx.state.data["items"])[0]]
    assert sum(e["path"].startswith("/v3/items/") for e in sbx.state.requests) == 1
    assert conn.find_listings(["GHOST-1"]) == {}
    sbx.state.clear_log()
    many = conn.find_listings([f"GHOST-{k}" for k in range(10)] + sorted(sbx.state.data["items"])[:3])
    assert len(many) == 3 and not [e for e in sbx.state.requests if e["path"].startswith("/v3/items/")]


def test_value_lists_give_the_taxonomy_and_the_variant_attributes(walmart):
    _, conn = walmart
    lists = conn.value_lists()
    assert "Clothing > Clothing Other" in set(lists["category"]["category"])
    assert "color" in set(lists["attribute"]["attribute"])


def test_the_feed_validator_refuses_a_feed_file_the_examples_do_not_allow(spec_check):
    from urllib3 import encode_multipart_formdata

    feed = {"MPItemFeedHeader": {"sellingChannel": "marketplace", "processMode": "REPLACE", "subset": "EXTERNAL",
                                 "locale": "en", "version": "4.8", "subCategory": "computers"},
            "MPItem": [{"Orderable": {"sku": "A", "productIdentifiers": {"productIdType": "GTIN", "productId": "1"},
                                      "brand": "B", "price": "9.90", "ShippingWeight": 1, "MustShipAlone": "No"},
                        "Visible": {"Computers": {"shortDescription": "x", "mainImageUrl": "https://x/y.jpg",
                                                  "keyFeatures": ["k"]}, "Other": {}}}]}  # fmt: skip
    body, ctype = encode_multipart_formdata({"file": ("feed.json", json.dumps(feed).encode(), "application/json")})
    entry = {"method": "POST", "path": "/v3/feeds", "query": {"feedType": ["MP_ITEM"]}, "status": 200, "body": body,
             "headers": {"Content-Type": ctype, "WM_SEC.ACCESS_TOKEN": "t", "WM_QOS.CORRELATION_ID": "c",
                         "WM_SVC.NAME": "Walmart Marketplace"}, "response": {"feedId": "F@A"}}  # fmt: skip
    problems = " | ".join(walmart_spec().check_log([entry]).problems)
    assert "'productName' is a required property" in problems
    assert "'9.90' is not of type 'number'" in problems
    assert "has too many properties" in problems  # Visible holds one category
    # An MP_MAINTENANCE item needs only its SKU and GTIN (a partial update); without the GTIN it is refused.
    header = {**feed["MPItemFeedHeader"], "sellingChannel": "mpmaintenance"}
    ids = {"productIdType": "GTIN", "productId": "06848390988881"}
    for orderable, ok in (({"sku": "A", "productIdentifiers": ids}, True), ({"sku": "A", "productName": "N"}, False)):
        upkeep = {"MPItemFeedHeader": header, "MPItem": [{"Orderable": orderable, "Visible": {"Computers": {}}}]}
        body, ctype = encode_multipart_formdata({"file": ("f.json", json.dumps(upkeep).encode(), "application/json")})
        found = walmart_spec().check_log([{**entry, "query": {"feedType": ["MP_MAINTENANCE"]}, "body": body,
                                           "headers": {**entry["headers"], "Content-Type": ctype}}]).problems  # fmt: skip
        assert (found == [], "'productIdentifiers' is a required property" in " ".join(found)) == (ok, not ok), found


def test_the_publishing_exercise_covers_every_feed_operation(spec_check, capsys):
    with start_sandbox("walmart", n_products=10, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        items = walmart_items(sbx, conn, 4)
        conn.publish(items)
        conn.publish([replace(i, title=i.title + " v2") for i in items])
        conn.publish(walmart_items(sbx, conn, 5)[4:])  # one SKU: looked up by GET /v3/items/{id}
        conn.value_lists()
        feeds = [e for e in sbx.state.requests if e["path"].startswith(("/v3/feeds", "/v3/items/"))]
        report = walmart_spec().check_log(feeds)
    assert not report.problems, report.text()
    assert report.operations >= {"POST /v3/feeds", "GET /v3/feeds", "GET /v3/feeds/{feedId}", "GET /v3/items/{id}",
                                 "GET /v3/items/taxonomy"}  # fmt: skip
    with capsys.disabled():
        print(
            f"\nwalmart publishing exercise: {report.requests} feed and item requests and {report.responses} answers "
            f"validated against shared/specs/walmart ({len(_feeds(sbx))} feed files against the V4.8 examples)"
        )


def test_an_update_without_a_mapped_category_is_held_a_feed_replaces_the_whole_item(walmart):
    sbx, conn = walmart
    sku = sorted(sbx.state.data["items"])[0]
    item = replace(walmart_items(sbx, conn, 1, variants=False)[0], sku=sku, channel_category=None, channel_id="WP",
                   parent_sku=None)  # fmt: skip
    result = conn.publish([item]).items[0]
    assert (result.status, result.action) == ("held", "update") and "MP_MAINTENANCE" in result.fix
    assert not _feeds(sbx)


def test_an_update_changes_only_what_the_erp_gives_and_keeps_the_sellers_own_settings(walmart):
    """MP_MAINTENANCE is a partial update (Walmart's "Bulk item maintenance" guide): the kit's update leaves out
    the price (the price job's, behind its guard), MustShipAlone (the seller's), and a description the ERP does
    not have (the title is not sent in its place), so what the seller set in Seller Center stays."""
    sbx, conn = walmart
    item = walmart_items(sbx, conn, 1, variants=False)[0]
    assert [r.status for r in conn.publish([item]).items] == ["applied"]
    content = sbx.state.data["content"][item.sku]
    content["Orderable"].update(MustShipAlone="Yes", price=79.9)  # set by the seller in Seller Center
    group = content["Visible"]["Clothing"]
    group["shortDescription"] = "Texto do vendedor"
    sbx.state.data["items"][item.sku]["price"] = {"currency": "USD", "amount": 79.9}
    bare = replace(item, title="Camiseta nova 1 (ERP)", description="", price=10.0,
                   channel_id=sbx.state.data["items"][item.sku]["wpid"])  # fmt: skip
    report = conn.publish([bare])
    assert [(r.status, r.action) for r in report.items] == [("applied", "update")], report.to_frame().to_string()
    sent = next(f for kind, f in _feeds(sbx) if kind == "MP_MAINTENANCE")["MPItem"][0]
    assert not {"price", "MustShipAlone"} & set(sent["Orderable"]) and sent["Orderable"]["ShippingWeight"] > 0
    assert not {"shortDescription", "keyFeatures"} & set(sent["Visible"]["Clothing"])
    after = sbx.state.data["content"][item.sku]
    assert after["Orderable"]["MustShipAlone"] == "Yes" and after["Orderable"]["productName"] == bare.title
    assert after["Visible"]["Clothing"]["shortDescription"] == "Texto do vendedor"
    assert sbx.state.data["items"][item.sku]["price"]["amount"] == 79.9
