"""The Walmart connector reads Walmart's own example answers (``../shared/specs/walmart``), not only our sandbox's.

Each read path of :mod:`kit.connectors.walmart` (token, items, inventories, orders list and detail, feeds and feed
status, taxonomy) gets the example the OpenAPI document gives for that answer; the test checks that what the
example carries reaches the kit's shapes (listing row, order, publish result, value lists).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.vendor_examples import (
    Route,
    answered_by,
    response_examples,
    run_orders,
)
from kit.connectors.model import APPLIED, FAILED

CREDENTIALS = {"client_id": "exemplo-wm-client", "client_secret": "exemploWMsecret0123"}

TOKEN = response_examples("walmart", "authentication.json", "POST", "/v3/token")["clientCredentialsRes"]
ITEM_PAGES = response_examples("walmart", "items.json", "GET", "/v3/items")
ITEMS = ITEM_PAGES["Get All Items"]
ITEM = response_examples("walmart", "items.json", "GET", "/v3/items/{id}")["example"]
TAXONOMY = response_examples("walmart", "items.json", "GET", "/v3/items/taxonomy")["example"]
INVENTORIES = response_examples("walmart", "inventory.json", "GET", "/v3/inventories")["example"]
ORDERS = response_examples("walmart", "orders.json", "GET", "/v3/orders")["example"]
ORDER = response_examples("walmart", "orders.json", "GET", "/v3/orders/{purchaseOrderId}")
FEEDS = response_examples("walmart", "feeds.json", "GET", "/v3/feeds")["example"]
FEED = response_examples("walmart", "feeds.json", "GET", "/v3/feeds/{feedId}")["example"]
FEED_SENT = response_examples("walmart", "items.json", "POST", "/v3/feeds")["example"]
ACK = response_examples("walmart", "orders.json", "POST", "/v3/orders/{purchaseOrderId}/acknowledge")["example"]


def _paged(first: dict, cursor_param: str, cursor: str, last: dict):
    """The example as the first page; the request carrying its cursor gets ``last`` (the examples show no end)."""
    return lambda handler: last if parse_qs(urlsplit(handler.path).query).get(cursor_param) == [cursor] else first


ROUTES = [
    Route("POST", r"/v3/token", TOKEN),
    Route(
        "GET", r"/v3/items", _paged(ITEMS, "nextCursor", ITEMS["nextCursor"], {"ItemResponse": [], "totalItems": 0})
    ),  # fmt: skip
    Route("GET", r"/v3/items/taxonomy", TAXONOMY),
    Route("GET", r"/v3/items/[^/]+", ITEM),
    Route(
        "GET",
        r"/v3/inventories",
        _paged(
            INVENTORIES,
            "nextCursor",
            INVENTORIES["meta"]["nextCursor"],
            {"meta": {"totalCount": 0}, "elements": {"inventories": []}},
        ),
    ),  # fmt: skip
    Route(
        "GET",
        r"/v3/orders",
        _paged(ORDERS, "soIndex", "31", {"list": {"meta": {"totalCount": 0}, "elements": {"order": []}}}),
    ),  # fmt: skip
    Route("GET", r"/v3/orders/[^/]+", lambda h: ORDER["ORDER"] if h.path.endswith(_PO) else ORDER["ATTRIBUTES"]),
    Route("POST", r"/v3/orders/[^/]+/acknowledge", ACK),
    Route(
        "GET",
        r"/v3/feeds",
        _paged(
            FEEDS,
            "offset",
            str(len(FEEDS["results"]["feed"])),
            {"totalResults": FEEDS["totalResults"], "results": {"feed": []}},
        ),
    ),  # fmt: skip
    Route("POST", r"/v3/feeds", FEED_SENT),
    Route("GET", r"/v3/feeds/[^/]+", FEED),
]
_PO = ORDER["ORDER"]["order"]["purchaseOrderId"]


@pytest.fixture
def walmart():
    settings = {"feed_wait_s": "2", "feed_poll_s": "0.05"}
    with answered_by(ROUTES, "walmart", settings=settings, credentials=CREDENTIALS) as (srv, conn):
        yield srv, conn


@pytest.mark.parametrize("name", sorted(ITEM_PAGES))
def test_listings_keep_sku_wpid_gtin_price_and_status_of_the_items_example(name):
    page = ITEM_PAGES[name]
    last = {"ItemResponse": [], "totalItems": 0}
    routes = [Route("GET", r"/v3/items", _paged(page, "nextCursor", page["nextCursor"], last)), *ROUTES]
    with answered_by(routes, "walmart", credentials=CREDENTIALS) as (srv, conn):
        frame = conn.list_listings()
    assert list(frame["sku"]) == [i["sku"] for i in page["ItemResponse"]]
    for row, item in zip(frame.to_dict("records"), page["ItemResponse"], strict=True):
        assert (row["channel_id"], row["ean"], row["title"]) == (item["wpid"], item["gtin"], item["productName"])
        assert (row["price"], row["status"]) == (item["price"]["amount"], item["publishedStatus"])
    # The inventories example names other SKUs than the items examples: their stock stays unknown, not 0.
    assert frame["stock"].isna().all() and frame.attrs["bad_values"] == []
    assert srv.calls("GET", r"^/v3/inventories") and not srv.unrouted


def _expected_order(raw: dict) -> dict:
    line = raw["orderLines"]["orderLine"][0]
    product = next(c for c in line["charges"]["charge"] if c["chargeType"] == "PRODUCT")
    qty = int(line["orderLineQuantity"]["amount"])
    return {"sku": line["item"]["sku"], "quantity": qty, "unit_price": product["chargeAmount"]["amount"] / qty,
            "status": line["orderLineStatuses"]["orderLineStatus"][0]["status"],
            "address": raw["shippingInfo"]["postalAddress"], "service": raw["shippingInfo"]["methodCode"]}  # fmt: skip


def test_the_orders_list_example_gives_every_purchase_order(walmart):
    srv, conn = walmart
    page = conn.fetch_orders()
    raws = ORDERS["list"]["elements"]["order"]
    assert [o.order_id for o in page.orders] == [r["purchaseOrderId"] for r in raws]
    for order, raw in zip(page.orders, raws, strict=True):
        want = _expected_order(raw)
        item = order.items[0]
        assert (item.sku, item.quantity, item.unit_price) == (want["sku"], want["quantity"], want["unit_price"])
        assert (order.status_raw, order.service_raw) == (want["status"], want["service"])
        assert order.shipping_address == want["address"] and order.buyer["name"] == want["address"]["name"]
        assert order.buyer["email"] == raw["customerEmailId"] and order.created_at.startswith("20")
    assert srv.calls("GET", r"^/v3/orders\?.*soIndex=31")  # followed meta.nextCursor as given
    created = [o for o in page.orders if o.status_raw == "Created"]
    assert created and conn.ack_orders(page.orders) >= len(created)
    assert len(srv.calls("POST", r"/acknowledge$")) == len(created)


@pytest.mark.parametrize("name", sorted(ORDER))
def test_the_order_examples_give_one_order_with_its_line(walmart, name):
    _, conn = walmart
    raw = ORDER[name]["order"]
    order = conn.get_order(raw["purchaseOrderId"])
    want = _expected_order(raw)
    assert order.order_id == raw["purchaseOrderId"] and len(order.items) == len(raw["orderLines"]["orderLine"])
    item = order.items[0]
    assert (item.sku, item.quantity, item.unit_price) == (want["sku"], want["quantity"], want["unit_price"])
    assert (order.status_raw, order.carrier_raw) == (want["status"], raw["shipNode"]["type"])
    # No orderSummary in the examples: the total is what the lines charge, each charge's tax included.
    charges = [c for line in raw["orderLines"]["orderLine"] for c in line["charges"]["charge"]]
    taxes = [c["tax"]["taxAmount"]["amount"] for c in charges if c.get("tax")]
    assert order.total == pytest.approx(sum(c["chargeAmount"]["amount"] for c in charges) + sum(taxes))


def test_a_subscription_discount_lowers_the_unit_price_and_the_total_counts_it_and_the_line_tax(walmart):
    """orders.json ``ChargeType``: a ``PRODUCT`` charge named ``SubscriptionDiscount`` is a subscription order's
    discount. Added to the order example (with a second unit and a line tax) the unit price is what is paid per
    unit, the discount's sign as sent or not (the document gives none), and the total without ``orderSummary``
    adds every charge's tax."""
    import copy

    from kit.connectors.walmart import SUBSCRIPTION_DISCOUNT

    _, conn = walmart
    for sign in (-1, 1):
        raw = copy.deepcopy(ORDER["ORDER"]["order"])
        raw.pop("orderSummary", None)
        line = raw["orderLines"]["orderLine"][0]
        line["orderLineQuantity"]["amount"] = "2"
        price = {"chargeType": "PRODUCT", "chargeName": "ItemPrice", "chargeAmount": {"currency": "USD", "amount": 40},
                 "tax": {"taxName": "Tax1", "taxAmount": {"currency": "USD", "amount": 3.2}}}  # fmt: skip
        discount = {"chargeType": "PRODUCT", "chargeName": SUBSCRIPTION_DISCOUNT,
                    "chargeAmount": {"currency": "USD", "amount": sign * 4}}  # fmt: skip
        line["charges"]["charge"] = [price, discount]
        _valid_order(raw)
        order = conn.normalize_order(raw)
        assert order.items[0].unit_price == 18.0, sign  # (40 - 4) / 2
        assert order.total == pytest.approx(36 + 3.2 + _other_lines(raw)), sign


def _valid_order(raw: dict) -> None:
    """``raw`` is an ``Order`` of Walmart's ``orders.json`` (the changed example stays a documented shape)."""
    import jsonschema

    from connectors.openapi import to_json_schema, walmart_spec

    doc = next(op.doc for op in walmart_spec().ops if op.file == "orders.json")
    jsonschema.Draft4Validator(to_json_schema(doc["components"]["schemas"]["Order"], doc)).validate(raw)


def _other_lines(raw: dict) -> float:
    """What the example's other lines charge (tax included)."""
    charges = [c for line in raw["orderLines"]["orderLine"][1:] for c in line["charges"]["charge"]]
    return sum(c["chargeAmount"]["amount"] + ((c.get("tax") or {}).get("taxAmount") or {}).get("amount", 0)
               for c in charges)  # fmt: skip


def test_a_line_without_a_product_charge_has_no_price_not_zero(walmart):
    import copy

    _, conn = walmart
    raw = copy.deepcopy(ORDER["ORDER"]["order"])
    raw["orderLines"]["orderLine"][0]["charges"]["charge"] = []
    assert conn.normalize_order(raw).items[0].unit_price is None


def test_an_item_of_the_feed_status_example_is_applied_and_one_it_does_not_name_fails(walmart):
    _, conn = walmart
    row = FEED["itemDetails"]["itemIngestionStatus"][0]
    token = f"MP_ITEM:{FEED['feedId']}"
    results = {r.sku: r for r in conn.poll_publish({row["sku"]: token, "SKU-FORA-DO-FEED": token})}
    assert (results[row["sku"]].status, results[row["sku"]].channel_id) == (APPLIED, row["wpid"])
    missing = results["SKU-FORA-DO-FEED"]
    assert missing.status == FAILED and "não informou este SKU" in missing.reason


def test_find_listings_reads_the_item_example_by_sku(walmart):
    _, conn = walmart
    item = ITEM["ItemResponse"][0]
    found = conn.find_listings([item["sku"], "OUTRO-SKU"])
    assert {s: ref.channel_id for s, ref in found.items()} == {item["sku"]: item["wpid"]}


def test_value_lists_carry_the_taxonomy_example(walmart):
    _, conn = walmart
    categories = set(conn.value_lists()["category"]["category"])
    first = TAXONOMY["payload"][0]
    assert {f"{first['category']} > {s['subCategoryName']}" for s in first["subcategory"]} <= categories


def _without_number_and_sku(handler):
    """The orders list example with the first order's number and the second order's SKU left out."""
    import copy

    body = copy.deepcopy(ORDERS)
    body["list"]["meta"].pop("nextCursor")
    first, second = body["list"]["elements"]["order"][:2]
    first["purchaseOrderId"] = None
    del second["orderLines"]["orderLine"][0]["item"]["sku"]
    return body


def test_an_order_without_its_number_fails_and_one_without_a_sku_waits_in_quarantine(workspace):
    """No number: failed and not acknowledged (the channel keeps it). A line without a SKU (and no bound listing
    to take it from): held durably in quarantine with what to do, retried every run, so it can be acknowledged."""

    routes = [Route("GET", r"/v3/orders", _without_number_and_sku), *ROUTES]
    summary, srv = run_orders(routes, "walmart", workspace, credentials=CREDENTIALS)
    raws = ORDERS["list"]["elements"]["order"]
    assert summary.error is None and summary.applied == 0, (summary.error, summary.details)
    failed = {d.key: d.reason for d in summary.details if d.status == "failed"}
    assert failed == {
        "(sem número)": "a resposta do canal não traz o número do pedido: o pedido não foi gravado na caixa de saída; "
        "confira-o no painel do canal",
    }
    waiting = {d.key: d.reason for d in summary.details if d.status == "quarantined"}
    assert (
        waiting[raws[1]["purchaseOrderId"]].startswith("o item 1 (anúncio ")
        and "não tem SKU do vendedor" in (waiting[raws[1]["purchaseOrderId"]])
    )
    assert summary.failed == 1 and summary.quarantined == len(raws) - 1  # the rest wait for their de-para tables
    acked = {p.split("/")[3] for p in srv.calls("POST", r"/acknowledge$")}
    created = {r["purchaseOrderId"] for r in raws[1:] if _expected_order(r)["status"] == "Created"}
    assert acked == created


def test_a_new_listing_sent_in_a_feed_takes_its_outcome_from_the_feed_status_example(walmart):
    from kit.connectors.model import ProductItem

    srv, conn = walmart
    row = FEED["itemDetails"]["itemIngestionStatus"][0]
    sub = TAXONOMY["payload"][0]
    category = f"{sub['category']} > {sub['subcategory'][1]['subCategoryName']}"
    items = [ProductItem(sku, f"Produto {sku}", brand="Marca", ean="7891234567895", price=19.9, weight_kg=1.0,
                         channel_category=category, image_urls=["https://img.example.com/1.jpg"])
             for sku in (row["sku"], "SKU-FORA-DO-FEED")]  # fmt: skip
    results = {r.sku: r for r in conn.send_listings(items)}
    assert (results[row["sku"]].status, results[row["sku"]].channel_id) == (APPLIED, row["wpid"])
    assert results["SKU-FORA-DO-FEED"].status == FAILED
    assert FEED_SENT["feedId"] in results["SKU-FORA-DO-FEED"].reason
    # The feeds example shows no item feed in flight: one feed sent, its status read by the id Walmart gave.
    assert len(srv.calls("POST", r"^/v3/feeds")) == 1 and srv.calls("GET", r"^/v3/feeds/" + FEED_SENT["feedId"][:8])


def test_every_request_of_the_read_paths_is_one_the_documents_declare(walmart):
    from connectors.openapi import walmart_spec

    srv, conn = walmart
    conn.list_listings()
    conn.ack_orders(conn.fetch_orders().orders)
    conn.get_order(_PO)
    conn.find_listings([ITEM["ItemResponse"][0]["sku"]])
    conn.poll_publish({"X": f"MP_ITEM:{FEED['feedId']}"})
    report = walmart_spec().check_log(srv.log())
    assert not report.problems, report.text()
    assert len(report.operations) >= 7, report.operations
