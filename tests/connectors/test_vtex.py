"""VTEX connector: the contract suite plus VTEX specifics (RefId mapping, feed, invoice)."""

from __future__ import annotations

from connectors.contract import contract_suite, publishing_suite
from kit.connectors.model import ProductItem


def vtex_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for the VTEX sandbox: a leaf category of its tree, a seeded brand, an accepted colour."""
    leaf = next(c for c in connector.category_tree() if c["leaf"])
    brand = next(iter(sandbox.state.data["brands"].values()))["name"]
    colour = next(a for a in connector.category_requirements(leaf["path"]).attributes if a.name == "Cor").values[0]
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Produto novo {k}", description=f"Descrição {k}", brand=brand,
            ean=None, ncm="61091000", weight_kg=0.5 + k / 10, height_cm=3.0, width_cm=20.0, length_cm=30.0,
            price=49.9, stock=5, category=f"ERP > Categoria {leaf['id']}", channel_category=leaf["path"],
            attributes={"Cor": f"cor-erp-{colour}"}, channel_attributes={"Cor": colour},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


TestVtexContract = contract_suite("vtex", acks=True, connector_attrs={"page_size": 25})
TestVtexPublishing = publishing_suite("vtex", item_factory=vtex_items)


# -- the sandbox cannot drift from VTEX's published API --------------------------------
import json  # noqa: E402

import pytest  # noqa: E402

from connectors.contract import make_connector  # noqa: E402
from connectors.openapi import SPECS, ApiSpec, Erratum  # noqa: E402
from kit.connectors.model import Invoice, PriceItem, Shipment, StockItem  # noqa: E402
from kit.sandbox import start_sandbox  # noqa: E402
from kit.sandbox.vtex import ACCOUNT  # noqa: E402

pytestmark = pytest.mark.figures  # prints the spec check's totals: `make test` runs it in one process

VTEX_FILES = ("catalog-api.json", "logistics-api.json", "orders-api.json", "pricing-api.json")


def _getprice_decimals(doc: dict) -> None:
    # pricing-api.json "Getprice" declares listPrice/costPrice/markup/basePrice as int32, yet the
    # same document's examples and the PUT body use decimals (e.g. "value": 666.66, "basePrice": 100.0).
    doc["components"]["schemas"]["Getprice"]["properties"].update(
        {k: {"type": "number", "nullable": True} for k in ("listPrice", "costPrice", "markup", "basePrice")}
    )


#: Where the published documents contradict VTEX's own examples, each correction with its evidence (never to hide
#: a sandbox bug); and the one thing the single-host sandbox does differently from VTEX's hosts.
VTEX_ERRATA = (
    Erratum("vtex-Getprice", "pricing-api.json: the Getprice schema types listPrice/costPrice/markup/basePrice int32; "
            "the document's own examples and PUT body carry decimals (666.66, 100.0)",
            patch=_getprice_decimals, file="pricing-api.json"),
    Erratum("vtex-pricing-host", "not a defect of the documents: pricing-api.json's server is "
            "https://api.vtex.com/{accountName}; the sandbox, one host for every API, serves it under /{account}",
            path_prefix=rf"^/{ACCOUNT}(?=/pricing/)"),
)  # fmt: skip


@pytest.fixture(scope="module")
def vtex_spec() -> ApiSpec:
    if not SPECS.is_dir():
        pytest.fail(f"the channel specifications are not at {SPECS} (CI keeps ../shared beside the clone)")
    return ApiSpec.load("vtex", VTEX_FILES, VTEX_ERRATA)


def _exercise(sbx) -> None:
    conn = make_connector(sbx)
    listings = conn.list_listings()
    skus = list(listings["sku"].head(6))
    sbx.admin_inventory(skus[1], unlimitedQuantity=True)  # held at write time: read, not written
    conn.update_stock([StockItem(s, 10 + n) for n, s in enumerate(skus)] + [StockItem("NOT-A-REFID", 1)])
    conn.update_stock([StockItem(skus[0], 4, warehouse="2_1")])  # no inventory there yet: the PUT sets it
    store_set = sbx.state.data["prices"][sbx.state.data["by_ref"][skus[0]]]  # fixed prices and a cost, as a store sets
    store_set.update(costPrice=12.5, markup=60, fixedPrices=[
        {"tradePolicyId": "1", "value": 18.9, "listPrice": None, "minQuantity": 1},
        {"tradePolicyId": "2", "value": 17.5, "listPrice": 22.9, "minQuantity": 2,
         "dateRange": {"from": "2026-12-01T00:00:00-03:00", "to": "2026-12-31T23:59:00-03:00"}}])  # fmt: skip
    conn.update_prices([PriceItem(s, 19.9 + n, list_price=29.9 + n) for n, s in enumerate(skus)])
    conn.update_prices([PriceItem(skus[0], 21.9)])  # read back and sent with the store's prices (GET + PUT)
    page = conn.fetch_orders()
    order = page.orders[0]
    tracking = Shipment(carrier="Correios", code="BR1", url="https://t.example/BR1")
    invoice = Invoice("35" + "1" * 42, "1001", series="1", value=order.total, xml="<nfeProc/>", shipment=tracking)
    conn.send_invoice(order, invoice)
    conn.send_tracking(order.order_id, Shipment(carrier="Correios", code="BR2", url="https://t.example/BR2"))
    conn.ack_orders(page.orders)
    conn.value_lists()
    conn.test_connection()
    conn.close()


def _exercise_publishing(sbx) -> None:
    from dataclasses import replace

    conn = make_connector(sbx)
    items = vtex_items(sbx, conn, 4)
    items[0] = replace(items[0], ean="7891234567895", image_urls=["https://img.example.com/a.jpg",
                                                                   "https://img.example.com/b.png"])  # fmt: skip
    conn.publish(items)  # creates: product, SKU, EAN, images, specifications
    changed = [replace(i, title=i.title + " v2", image_urls=["https://img.example.com/c.jpg"]) for i in items]
    conn.publish(changed)  # found by RefId: updates (GET + PUT product and SKU, the kit's images replaced one by one)
    conn.publish([replace(items[1], sku="NOVO-RUIM", weight_kg=None)])  # held: nothing sent
    conn.value_lists()
    conn.close()


def test_every_request_and_response_matches_the_vtex_openapi_documents(vtex_spec):
    with start_sandbox("vtex", rate_limit=(5000, 5000), n_products=30) as sbx:
        _exercise(sbx)
        _exercise_publishing(sbx)
        log = list(sbx.state.requests)
    assert len(log) > 50
    for entry in log:
        if entry["method"] in ("PUT", "PATCH") and "/inventory/" in entry["path"]:
            assert "quantity" in json.loads(entry["body"]), "an inventory write without quantity zeroes the stock"
    report = vtex_spec.check_log(log)
    assert not report.problems, report.text()
    assert report.requests == report.responses == len(log)  # nothing dropped, every answer checked
    bodies = sum(1 for e in log if e["body"])
    used = ", ".join(sorted(report.errata_used | {e.key for e in VTEX_ERRATA if e.patch}))
    print(f"VTEX OpenAPI: {len(log)} requests ({bodies} with a body) and their answers validated, "
          f"{len(report.operations)} operations; errata applied: {used}")  # fmt: skip
    operations = report.operations
    # the exercise covered the operations the connector relies on
    for expected in (
        "GET /api/logistics/pvt/inventory/skus/{skuId}",
        "PATCH /api/logistics/pvt/inventory/skus/{skuId}/warehouses/{warehouseId}/quantity",
        "PUT /api/logistics/pvt/inventory/skus/{skuId}/warehouses/{warehouseId}",
        "PUT /pricing/prices/{itemId}",
        "GET /api/orders/feed",
        "POST /api/orders/feed",
        "POST /api/oms/pvt/orders/{orderId}/invoice",
        "PATCH /api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}",
        "POST /api/catalog_system/pub/sku/stockkeepingunitidsbyrefids",
        "POST /api/catalog/pvt/product",
        "PUT /api/catalog/pvt/product/{productId}",
        "POST /api/catalog/pvt/stockkeepingunit",
        "PUT /api/catalog/pvt/stockkeepingunit/{skuId}",
        "POST /api/catalog/pvt/stockkeepingunit/{skuId}/ean/{ean}",
        "POST /api/catalog/pvt/stockkeepingunit/{skuId}/file",
        "DELETE /api/catalog/pvt/stockkeepingunit/{skuId}/file/{skuFileId}",
        "GET /pricing/prices/{itemId}",
        "PUT /api/catalog/pvt/stockkeepingunit/{skuId}/specificationvalue",
        "GET /api/catalog_system/pvt/products/productgetbyrefid/{refId}",
        "GET /api/catalog_system/pub/category/tree/{categoryLevels}",
        "GET /api/catalog_system/pub/specification/fieldGet/{fieldId}",
    ):
        assert expected in operations


def test_refids_are_mapped_in_batches_and_unknown_ones_skipped():
    with start_sandbox("vtex", n_products=120, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        refs = sorted(sbx.state.data["by_ref"])[:110]
        result = conn.update_stock([StockItem(r, 3) for r in refs] + [StockItem("UNKNOWN-REF", 1)])
        assert result.counts == {"applied": 110, "failed": 0, "skipped": 1}
        lookups = [e for e in sbx.state.requests if "stockkeepingunitidsbyrefids" in e["path"]]
        assert len(lookups) == 3 and all(len(json.loads(e["body"])) <= 50 for e in lookups)
        assert all(sbx.state.data["inventory"][(sbx.state.data["by_ref"][r], "1_1")]["quantity"] == 3 for r in refs)


def test_prices_go_to_the_pricing_path_of_the_account():
    with start_sandbox("vtex", n_products=5, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        ref = sorted(sbx.state.data["by_ref"])[0]
        assert conn.update_prices([PriceItem(ref, 10.5, list_price=12.0)]).applied == 1
        put = [e for e in sbx.state.requests if e["method"] == "PUT"][-1]
        assert put["path"] == f"/{ACCOUNT}/pricing/prices/{sbx.state.data['by_ref'][ref]}"
        assert json.loads(put["body"]) == {"basePrice": 10.5, "listPrice": 12.0}


def test_production_pricing_host_is_api_vtex_com():
    from kit.channels import Channel
    from kit.connectors import connector_for

    channel = Channel(
        name="v", type="vtex", category="plataforma", company="11222333000181", environment="production",
        settings={"account": "minhaloja"},
    )  # fmt: skip
    conn = connector_for(channel)
    assert conn.base_url == "https://minhaloja.vtexcommercestable.com.br"
    assert conn.pricing_base == "https://api.vtex.com/minhaloja"


def test_feed_events_are_committed_only_by_ack():
    with start_sandbox("vtex", n_products=10, orders=12, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        first = conn.fetch_orders()
        assert len(first.orders) == 12 and all(o.ack_token for o in first.orders)
        assert len(sbx.state.data["feed"]) == 12  # read, not committed
        assert conn.ack_orders(first.orders[:5]) == 5
        assert len(sbx.state.data["feed"]) == 7


def test_missing_pricing_permission_is_named():
    with start_sandbox("vtex", n_products=5, orders=1) as sbx:
        sbx.state.data["denied_paths"] = (f"/{ACCOUNT}/pricing",)
        report = make_connector(sbx).test_connection()
        assert not report.ok and report.missing_permissions == ["Pricing (Read prices)"]


def test_tracking_finds_the_invoice_by_the_erp_number_without_its_series():
    """send_invoice names the invoice "<number>-<series>"; the ERP's export gives the bare number."""
    with start_sandbox("vtex", n_products=5, orders=2, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders().orders[0]
        conn.send_invoice(order, Invoice(nfe_key="3" * 44, number="4521", series="2", value=order.total))
        conn.send_tracking(order.order_id, Shipment(carrier="Correios", code="BR9", invoice_number="4521"))
        patch = [e for e in sbx.state.requests if e["method"] == "PATCH"][-1]
        assert patch["path"].endswith("/invoice/4521-2")
        packages = sbx.state.data["orders"][order.order_id]["packageAttachment"]["packages"]
        assert [p.get("trackingNumber") for p in packages] == ["BR9"]


def test_render_order_round_trips_through_the_connector():
    """render_order (VTEX's documented order shape, from the sample generator) is what the connector normalises."""
    from datetime import datetime

    with start_sandbox("vtex", n_products=12, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        for _ in range(5):
            spec = sbx.order_spec()
            sbx.add_order(sbx.render_order(spec))
            order = conn.get_order(spec["order_id"])
            assert order.order_id == spec["order_id"] and order.status_raw == spec["status_raw"]
            assert (order.carrier_raw, order.service_raw, order.payment_raw) == (
                spec["carrier_raw"], spec["service_raw"], spec["payment_raw"])  # fmt: skip
            assert [(i.sku, i.quantity, i.unit_price) for i in order.items] == [
                (it["sku"], it["qty"], it["unit_price"]) for it in spec["items"]]  # fmt: skip
            assert order.total == pytest.approx(spec["total"])
            assert order.buyer["name"] == spec["buyer"]["name"] and order.buyer["document"] == spec["buyer"]["document"]
            when = datetime.fromisoformat(order.created_at.replace("Z", "+00:00"))
            assert when == datetime.fromisoformat(spec["created_at"])
            address = order.shipping_address
            assert (address["street"], address["number"], address["city"], address["state"]) == tuple(
                spec["shipping_address"][k] for k in ("street", "number", "city", "state"))  # fmt: skip
            assert address["postalCode"].replace("-", "") == spec["shipping_address"]["zipcode"]


def test_cancel_order_shows_in_the_feed_and_the_order():
    with start_sandbox("vtex", n_products=5, orders=3, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        page = conn.fetch_orders()
        conn.ack_orders(page.orders)
        target = page.orders[0]
        sbx.cancel_order(target.order_id)
        again = conn.fetch_orders()
        assert [(o.order_id, o.status_raw) for o in again.orders] == [(target.order_id, "canceled")]
        assert again.orders[0].updated_at > target.updated_at


# -- stock writes change the quantity and nothing else the store set --------------------------------
EIGHT_DAYS = "8.00:00:00"  # logistics-api.json leadTime format DD.HH:MM:SS (its own example)


def test_a_stock_write_keeps_the_lead_time_the_store_set():
    """The PUT resets a lead time it is not sent (logistics-api.json): a made-to-order SKU's 8 days must stay."""
    with start_sandbox("vtex", n_products=3, orders=0, rate_limit=(5000, 5000)) as sbx:
        ref = sorted(sbx.state.data["by_ref"])[0]
        sbx.admin_inventory(ref, leadTime=EIGHT_DAYS)
        conn = make_connector(sbx)
        result = conn.update_stock([StockItem(ref, 5)])
        conn.close()
        after = sbx.state.data["inventory"][(sbx.state.data["by_ref"][ref], "1_1")]
    assert result.counts == {"applied": 1, "failed": 0, "skipped": 0}
    assert after == {"quantity": 5, "unlimitedQuantity": False, "leadTime": EIGHT_DAYS}


def test_a_sku_set_unlimited_after_the_listing_read_is_held_at_write_time_and_stays_unlimited():
    with start_sandbox("vtex", n_products=3, orders=0, rate_limit=(5000, 5000)) as sbx:
        refs = sorted(sbx.state.data["by_ref"])
        conn = make_connector(sbx)
        listings = conn.list_listings().set_index("sku")
        assert not listings["stock"].isna().any()  # the kit read every SKU as finite...
        sbx.admin_inventory(refs[0], unlimitedQuantity=True, quantity=0)  # ...then the store made one unlimited
        result = conn.update_stock([StockItem(r, 6) for r in refs])
        conn.close()
        inventory = {r: sbx.state.data["inventory"][(sbx.state.data["by_ref"][r], "1_1")] for r in refs}
    assert result.counts == {"applied": 2, "failed": 0, "skipped": 0, "held": 1}
    held = result.items[0]
    assert (held.sku, held.status) == (refs[0], "held")
    assert "estoque ilimitado na VTEX agora" in held.reason and "(6) não foi enviado" in held.reason
    assert inventory[refs[0]]["unlimitedQuantity"] is True and inventory[refs[0]]["quantity"] == 0
    assert [inventory[r]["quantity"] for r in refs[1:]] == [6, 6]
    result.assert_accounted([StockItem(r, 6) for r in refs])


def test_stock_requests_are_one_inventory_read_and_one_write_per_sku():
    """Bounded: 2 x N logistics requests for N SKUs (and one RefId lookup per 50), even right after a listing read
    (the store may have made a SKU unlimited since: the read is the one right before the write)."""
    n = 20
    with start_sandbox("vtex", n_products=n, orders=0, rate_limit=(5000, 5000)) as sbx:
        refs = sorted(sbx.state.data["by_ref"])
        ids = {r: sbx.state.data["by_ref"][r] for r in refs}
        conn = make_connector(sbx)
        conn.list_listings()
        start = len(sbx.state.requests)
        assert conn.update_stock([StockItem(r, 2) for r in refs]).applied == n
        sent = _logistics_since(sbx, start)
        conn.close()
    reads = [("GET", f"/api/logistics/pvt/inventory/skus/{ids[r]}") for r in refs]
    patches = [("PATCH", f"/api/logistics/pvt/inventory/skus/{ids[r]}/warehouses/1_1/quantity") for r in refs]
    assert sorted(sent) == sorted(reads + patches)
    print(f"VTEX stock, {n} SKUs: {len(sent)} logistics requests ({n} inventory reads + {n} PATCH quantity)")


def _logistics_since(sbx, start: int) -> list[tuple[str, str]]:
    return [(e["method"], e["path"]) for e in list(sbx.state.requests)[start:] if "/api/logistics/" in e["path"]]


def test_an_inventory_answer_that_does_not_say_unlimited_or_not_fails_the_sku_unwritten():
    with start_sandbox("vtex", n_products=2, orders=0, rate_limit=(5000, 5000)) as sbx:
        refs = sorted(sbx.state.data["by_ref"])
        conn = make_connector(sbx)
        real = conn.get_json

        def without_the_flag(path, **kw):
            answer = real(path, **kw)
            if "/inventory/skus/" in path and answer["skuId"] == str(sbx.state.data["by_ref"][refs[0]]):
                for b in answer["balance"]:
                    del b["hasUnlimitedQuantity"]
            return answer

        conn.get_json = without_the_flag
        before = dict(sbx.state.data["inventory"][(sbx.state.data["by_ref"][refs[0]], "1_1")])
        result = conn.update_stock([StockItem(r, 9) for r in refs])
        conn.close()
        after = sbx.state.data["inventory"][(sbx.state.data["by_ref"][refs[0]], "1_1")]
    assert result.counts == {"applied": 1, "failed": 1, "skipped": 0}
    assert "hasUnlimitedQuantity" in result.items[0].reason and after == before


def test_a_warehouse_without_inventory_yet_gets_the_put_with_the_default_lead_time():
    """No record there: the PATCH has nothing to update (the sandbox answers 400), the PUT sets quantity and lead 0."""
    with start_sandbox("vtex", n_products=2, orders=0, rate_limit=(5000, 5000)) as sbx:
        ref = sorted(sbx.state.data["by_ref"])[0]
        sku_id = sbx.state.data["by_ref"][ref]
        conn = make_connector(sbx)
        assert conn.update_stock([StockItem(ref, 4, warehouse="2_1")]).applied == 1
        conn.close()
        writes = [(e["method"], e["path"]) for e in sbx.state.requests if e["method"] in ("PUT", "PATCH")]
        assert writes == [("PUT", f"/api/logistics/pvt/inventory/skus/{sku_id}/warehouses/2_1")]
        assert sbx.state.data["inventory"][(sku_id, "2_1")] == {
            "quantity": 4, "unlimitedQuantity": False, "leadTime": "00:00:00"}  # fmt: skip


def test_the_sandbox_patch_quantity_keeps_the_lead_time_and_refuses_what_the_document_requires():
    import requests

    with start_sandbox("vtex", n_products=2, orders=0, rate_limit=(5000, 5000)) as sbx:
        ref = sorted(sbx.state.data["by_ref"])[0]
        sku_id = sbx.state.data["by_ref"][ref]
        sbx.admin_inventory(ref, leadTime=EIGHT_DAYS)
        conn = make_connector(sbx)
        headers = {**conn.default_headers, "X-VTEX-API-AppKey": sbx.default_credentials()["app_key"],
                   "X-VTEX-API-AppToken": sbx.default_credentials()["app_token"]}  # fmt: skip
        conn.close()
        url = f"{sbx.url}/api/logistics/pvt/inventory/skus/{sku_id}/warehouses/%s/quantity"
        with requests.Session() as http:
            ok = http.patch(url % "1_1", json={"quantity": 3, "unlimitedQuantity": False}, headers=headers, timeout=5)
            half = http.patch(url % "1_1", json={"quantity": 5}, headers=headers, timeout=5)
            nowhere = http.patch(url % "2_1", json={"quantity": 5, "unlimitedQuantity": False}, headers=headers,
                                 timeout=5)  # fmt: skip
        assert (ok.status_code, half.status_code, nowhere.status_code) == (204, 400, 400)
        assert sbx.state.data["inventory"][(sku_id, "1_1")] == {
            "quantity": 3, "unlimitedQuantity": False, "leadTime": EIGHT_DAYS}  # fmt: skip
        assert (sku_id, "2_1") not in sbx.state.data["inventory"]
