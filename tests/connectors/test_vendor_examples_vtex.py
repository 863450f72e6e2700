"""The VTEX connector reads VTEX's own example answers (``../shared/specs/vtex``), not only our sandbox's.

Each read path of :mod:`kit.connectors.vtex` gets the example the OpenAPI document gives for that answer, and the
test checks that what the example carries reaches the kit's shapes (listing row, order, value lists).
"""

from __future__ import annotations

import pytest

from connectors.vendor_examples import Route, answered_by, response_examples

ACCOUNT = "exemplo"
CREDENTIALS = {"app_key": "vtexappkey-exemplo-KIT01", "app_token": "EXEMPLOTOKEN0123456789"}


def _example(file: str, method: str, path: str, status: str = "200"):
    return response_examples("vtex", file, method, path, status)["example"]


def _catalog(method: str, path: str):
    return _example("catalog-api.json", method, path)


SKU_IDS = _catalog("GET", "/api/catalog_system/pvt/sku/stockkeepingunitids")
SKU = _catalog("GET", "/api/catalog_system/pvt/sku/stockkeepingunitbyid/{skuId}")
REFIDS = _catalog("POST", "/api/catalog_system/pub/sku/stockkeepingunitidsbyrefids")
INVENTORY = _example("logistics-api.json", "GET", "/api/logistics/pvt/inventory/skus/{skuId}")
PRICE = _example("pricing-api.json", "GET", "/pricing/prices/{itemId}")
FEED = _example("orders-api.json", "GET", "/api/orders/feed")
ORDER = _example("orders-api.json", "GET", "/api/oms/pvt/orders/{orderId}")
ORDER_LIST = _example("orders-api.json", "GET", "/api/oms/pvt/orders")
POLICIES = _example("logistics-api.json", "GET", "/api/logistics/pvt/shipping-policies")
TREE = _catalog("GET", "/api/catalog_system/pub/category/tree/{categoryLevels}")
FIELDS = _catalog("GET", "/api/catalog_system/pub/specification/field/listByCategoryId/{categoryId}")
FIELD = _catalog("GET", "/api/catalog_system/pub/specification/fieldGet/{fieldId}")
FIELD_VALUES = _catalog("GET", "/api/catalog_system/pub/specification/fieldvalue/{fieldId}")
PRODUCT = _catalog("GET", "/api/catalog_system/pvt/products/productgetbyrefid/{refId}")
BRANDS = _catalog("GET", "/api/catalog_system/pvt/brand/list")

ROUTES = [
    Route("GET", r"/api/catalog_system/pvt/sku/stockkeepingunitids", SKU_IDS),
    Route("GET", r"/api/catalog_system/pvt/sku/stockkeepingunitbyid/\d+", SKU),
    Route("POST", r"/api/catalog_system/pub/sku/stockkeepingunitidsbyrefids", REFIDS),
    Route("GET", r"/api/logistics/pvt/inventory/skus/\d+", INVENTORY),
    Route("GET", rf"/{ACCOUNT}/pricing/prices/\d+", PRICE),
    Route("GET", r"/api/orders/feed", FEED),
    Route("POST", r"/api/orders/feed", {}),
    Route("GET", r"/api/oms/pvt/orders/[^/]+", ORDER),
    Route("GET", r"/api/oms/pvt/orders", ORDER_LIST),
    Route("GET", r"/api/logistics/pvt/shipping-policies", POLICIES),
    Route("GET", r"/api/catalog_system/pub/category/tree/\d+", TREE),
    Route("GET", r"/api/catalog_system/pub/specification/field/listByCategoryId/\d+", FIELDS),
    Route("GET", r"/api/catalog_system/pub/specification/fieldGet/\d+", FIELD),
    Route("GET", r"/api/catalog_system/pub/specification/fieldvalue/\d+", FIELD_VALUES),
    Route("GET", r"/api/catalog_system/pvt/products/productgetbyrefid/[^/]+", PRODUCT),
    Route("GET", r"/api/catalog_system/pvt/brand/list", BRANDS),
]


@pytest.fixture
def vtex():
    """The example channel and a VTEX connector aimed at it, on the example's second warehouse."""
    warehouse = INVENTORY["balance"][1]["warehouseId"]
    settings = {"account": ACCOUNT, "warehouse_id": warehouse}
    with answered_by(ROUTES, "vtex", settings=settings, credentials=CREDENTIALS) as (srv, conn):
        yield srv, conn


def test_listings_keep_the_sku_inventory_and_price_of_the_examples(vtex):
    srv, conn = vtex
    frame = conn.list_listings()
    assert list(frame["channel_id"]) == [str(i) for i in SKU_IDS]
    row = frame.iloc[0]
    alt = SKU["AlternateIds"]
    assert (row["sku"], row["ean"], row["title"]) == (alt["RefId"], alt["Ean"], SKU["NameComplete"])
    assert row["price"] == PRICE["basePrice"] and row["status"] == "active"
    wh = INVENTORY["balance"][1]
    assert row["stock"] == wh["totalQuantity"] - wh["reservedQuantity"]
    assert not srv.unrouted and frame.attrs["bad_values"] == []


@pytest.mark.parametrize("balance", [None, []], ids=["null", "empty"])
def test_an_inventory_answer_without_balance_is_no_stock_in_the_warehouse(balance):
    inventory = {**INVENTORY, "balance": balance}
    routes = [Route("GET", r"/api/logistics/pvt/inventory/skus/\d+", inventory), *ROUTES]
    with answered_by(routes, "vtex", settings={"account": ACCOUNT}, credentials=CREDENTIALS) as (srv, conn):
        frame = conn.list_listings()
    assert list(frame["stock"]) == [0] * len(SKU_IDS) and list(frame["price"]) == [PRICE["basePrice"]] * len(SKU_IDS)


def test_refids_resolve_to_the_example_sku_ids(vtex):
    _, conn = vtex
    ref, sku_id = next(iter(REFIDS.items()))
    assert conn.resolve_sku_ids([ref, "NAO-EXISTE"]) == {ref: sku_id}


def test_the_feed_example_gives_the_order_of_the_order_example(vtex):
    srv, conn = vtex
    page = conn.fetch_orders()
    assert [o.ack_token for o in page.orders] == [",".join(e["handle"] for e in FEED)]
    assert srv.calls("GET", r"/api/oms/pvt/orders/") == [f"/api/oms/pvt/orders/{FEED[0]['orderId']}"]
    order = page.orders[0]
    assert (order.order_id, order.status_raw, order.created_at) == (ORDER["orderId"], ORDER["status"],
                                                                     ORDER["creationDate"])  # fmt: skip
    item = ORDER["items"][0]
    got = order.items[0]
    unit = item["priceDefinition"]["total"] / item["quantity"] / 100
    assert (got.sku, got.quantity, got.unit_price) == (item["refId"], item["quantity"], unit)
    assert len(order.items) == len(ORDER["items"]) and order.total == ORDER["value"] / 100
    logistics = ORDER["shippingData"]["logisticsInfo"][0]
    assert (order.carrier_raw, order.service_raw) == (logistics["deliveryCompany"], logistics["selectedSla"])
    payment = ORDER["paymentData"]["transactions"][0]["payments"][0]
    assert order.payment_raw == payment["paymentSystemName"]
    client = ORDER["clientProfileData"]
    assert order.buyer["name"] == f"{client['firstName']} {client['lastName']}"
    assert (order.buyer["email"], order.buyer["document"]) == (client["email"], client["document"])
    assert order.shipping_address["postalCode"] == ORDER["shippingData"]["address"]["postalCode"]
    assert conn.ack_orders(page.orders) == len(FEED)


def test_value_lists_come_from_the_policy_order_list_and_catalogue_examples(vtex):
    _, conn = vtex
    lists = conn.value_lists()
    carriers = set(lists["carrier_service"]["carrier"])
    assert {p["shippingMethod"] for p in POLICIES["items"]} <= carriers
    payments = set(lists["payment_method"]["payment_method"])
    assert payments == {o["paymentNames"] for o in ORDER_LIST["list"] if o["paymentNames"]}
    categories = set(lists["category"]["category"])
    first = TREE[0]
    assert f"{first['name']}/{first['children'][0]['name']}" in categories
    assert FIELD["Name"] in set(lists["attribute"]["attribute"])


def test_publishing_lookups_read_the_product_brand_tree_and_specification_examples(vtex):
    srv, conn = vtex
    assert conn.product_by_refid(PRODUCT["RefId"])["Id"] == PRODUCT["Id"]
    brand = BRANDS[-1]
    assert conn.brand_id(f" {brand['name'].upper()} ") == brand["id"]
    leaf = TREE[0]["children"][0]
    assert conn.category_id(f"{TREE[0]['name']} > {leaf['name']}") == leaf["id"]
    required = conn.category_requirements(str(leaf["id"])).attributes
    active = [f for f in FIELDS if f["IsActive"]]
    # every active field of the category is answered by the one fieldGet example (required, free text: no values)
    assert [(a.name, a.values, a.group) for a in required] == [(FIELD["Name"], (), FIELD["FieldGroupName"])] * len(
        active
    )
    assert not srv.calls("GET", r"/fieldvalue/")  # FieldTypeId 1 (Texto) has no closed list to read


def _item_variant(**changes):
    """The order example with its first item changed (a shape VTEX's documents describe, not in the example)."""
    import copy

    order = copy.deepcopy(ORDER)
    order["items"][0].update(changes)
    return order


@pytest.mark.parametrize(
    "changes, line",
    [
        # three units sold as 333 + 333 + 334 cents: priceDefinition keeps the line's 10,00
        ({"quantity": 3, "sellingPrice": 333, "priceDefinition": {"sellingPrices": [{"value": 333, "quantity": 2},
          {"value": 334, "quantity": 1}], "calculatedSellingPrice": 333, "total": 1000}}, 10.0),
        # a gift: sold at 0, not at its list price
        ({"isGift": True, "sellingPrice": 0, "priceDefinition": {"sellingPrices": [{"value": 0, "quantity": 1}],
          "calculatedSellingPrice": 0, "total": 0}}, 0.0),
        # no priceDefinition (older orders): sellingPrice
        ({"priceDefinition": None}, ORDER["items"][0]["sellingPrice"] * ORDER["items"][0]["quantity"] / 100),
    ],
    ids=["rounded-units", "gift", "no-price-definition"],
)  # fmt: skip
def test_an_item_s_unit_price_keeps_its_line_total(changes, line):
    routes = [Route("GET", r"/api/oms/pvt/orders/[^/]+", _item_variant(**changes)), *ROUTES]
    with answered_by(routes, "vtex", settings={"account": ACCOUNT}, credentials=CREDENTIALS) as (srv, conn):
        item = conn.get_order(ORDER["orderId"]).items[0]
    assert round(item.unit_price * item.quantity, 2) == line


def test_an_update_merges_the_sku_and_product_examples_into_puts_the_document_accepts():
    from connectors.openapi import ApiSpec
    from connectors.test_vtex import VTEX_ERRATA, VTEX_FILES
    from kit.connectors.model import APPLIED as OK
    from kit.connectors.model import ProductItem

    sku, product = _catalog("GET", "/api/catalog/pvt/stockkeepingunit/{skuId}"), _catalog(
        "GET", "/api/catalog/pvt/product/{productId}")  # fmt: skip
    files = _catalog("GET", "/api/catalog/pvt/stockkeepingunit/{skuId}/file")
    routes = [
        Route("GET", r"/api/catalog/pvt/stockkeepingunit/\d+", sku),
        Route("GET", r"/api/catalog/pvt/product/\d+", product),
        Route("PUT", r"/api/catalog/pvt/product/\d+", _catalog("PUT", "/api/catalog/pvt/product/{productId}")),
        Route("PUT", r"/api/catalog/pvt/stockkeepingunit/\d+", _catalog("PUT", "/api/catalog/pvt/stockkeepingunit/{skuId}")),
        Route("GET", r"/api/catalog/pvt/stockkeepingunit/\d+/file", files),
        Route("DELETE", r"/api/catalog/pvt/stockkeepingunit/\d+/file", {}),
        Route("POST", r"/api/catalog/pvt/stockkeepingunit/\d+/file",
              _catalog("POST", "/api/catalog/pvt/stockkeepingunit/{skuId}/file")),
        Route("POST", r"/api/catalog/pvt/stockkeepingunit/\d+/ean/\d+", {}),
        *ROUTES,
    ]  # fmt: skip
    leaf = TREE[0]["children"][0]
    item = ProductItem(sku["RefId"], "Tênis novo", description="Descrição nova", brand=BRANDS[0]["name"],
                       ean="7891234567895", ncm="64041900", weight_kg=0.8, height_cm=12.0, width_cm=20.0,
                       length_cm=30.0, price=199.9, channel_category=f"{TREE[0]['name']}/{leaf['name']}",
                       image_urls=["https://img.example.com/tenis-1.jpg"], channel_id=str(sku["Id"]),
                       product_id=str(sku["ProductId"]))  # fmt: skip
    with answered_by(routes, "vtex", settings={"account": ACCOUNT}, credentials=CREDENTIALS) as (srv, conn):
        result = conn.update_listing(item)
    assert (result.status, result.channel_id, result.product_id) == (OK, str(sku["Id"]), str(sku["ProductId"]))
    report = ApiSpec.load("vtex", VTEX_FILES, VTEX_ERRATA).check_log(srv.log())
    assert not report.problems, report.text()
    assert {"PUT /api/catalog/pvt/product/{productId}", "PUT /api/catalog/pvt/stockkeepingunit/{skuId}"} <= set(
        report.operations
    ), report.operations
    put = next(r for r in srv.log() if r["method"] == "PUT" and r["path"].endswith(f"/product/{sku['ProductId']}"))
    import json

    sent = json.loads(put["body"])
    # what the kit does not own is kept from the product example (a PUT erases what it leaves out)
    assert (sent["LinkId"], sent["Name"], sent["CategoryId"]) == (product["LinkId"], "Tênis novo", leaf["id"])
