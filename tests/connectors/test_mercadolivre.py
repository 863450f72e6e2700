"""Mercado Livre connector: the contract suite plus ML specifics (scan, variations, NF-e, ME1).

Publishing specifics (category attributes, variations, pictures): ``test_mercadolivre_publishing.py``.
"""

from __future__ import annotations

from connectors.contract import contract_suite, publishing_suite
from kit.connectors.model import ProductItem

#: A leaf of the sandbox's tree that asks for a colour but no size nor GTIN (sized and GTIN leaves: other tests).
ML_LEAF = "Casa > Utilidades"


def ml_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for the ML sandbox: a leaf of its tree, a colour per SKU (families need distinct ones).

    The colours are read from the sandbox, not through ``connector``: a call would spend the single-use
    refresh token that the kill test's worker processes hold too.
    """
    spec = next(a for a in sandbox.attributes_of(sandbox.leaf_for(ML_LEAF)) if a["id"] == "COLOR")
    colours = [v["name"] for v in spec["values"]]
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Produto novo {k}", description=f"Descrição {k}", brand="Ipê", ean=None,
            ncm="96170010", weight_kg=0.5 + k / 10, height_cm=3.0, width_cm=20.0, length_cm=30.0, price=49.9,
            stock=5, category="ERP > Utilidades", channel_category=ML_LEAF,
            attributes={"Cor": f"cor-erp-{colours[k % len(colours)]}"},
            channel_attributes={"Cor": colours[k % len(colours)]},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


mercadolivre_items = ml_items  # the name bench/bench_publish.py looks for

TestMercadoLivreContract = contract_suite("mercadolivre", products=130, refreshes=True, lines_without_sku=True)
TestMercadoLivrePublishing = publishing_suite("mercadolivre", item_factory=ml_items)


# -- Mercado Livre specifics ------------------------------------------------------------------
import json  # noqa: E402

import pytest  # noqa: E402

from connectors.contract import make_connector  # noqa: E402
from kit.connectors.base import NotApplicable  # noqa: E402
from kit.connectors.model import Invoice, PriceItem, Shipment, StockItem  # noqa: E402
from kit.errors import ChannelFatalError, ConfigurationError  # noqa: E402
from kit.sandbox import start_sandbox  # noqa: E402


def _queries(sbx, path_part):
    return [e for e in sbx.state.requests if path_part in e["path"]]


def test_listings_past_1000_use_scan_and_multiget_of_20():
    with start_sandbox("mercadolivre", n_products=1030, orders=0, variation_share=0.0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        listings = conn.list_listings()
        assert len(listings) == 1030 and listings["sku"].is_unique
        searches = _queries(sbx, "/items/search")
        assert any(e["query"].get("search_type") == ["scan"] for e in searches)
        assert all(e["status"] == 200 for e in searches)  # never asked for an offset past 1000
        multigets = [e for e in sbx.state.requests if e["path"] == "/items"]
        assert multigets and all(len(e["query"]["ids"][0].split(",")) <= 20 for e in multigets)


def _variation_item(sbx):
    return next(i for i in sbx.state.data["items"].values() if len(i["variations"]) >= 2)


def _item_skus(item):
    holders = item["variations"] or [item]
    return [next(a["value_name"] for a in h["attributes"] if a["id"] == "SELLER_SKU") for h in holders]


def test_sandbox_variations_are_the_catalogue_families_at_the_family_price():
    from kit.sample import generate_catalog

    catalog = generate_catalog(120, seed=4)
    by_sku = {r["sku"]: r for r in catalog}
    families = {}
    for r in catalog:
        if r["parent_sku"]:
            families.setdefault(r["parent_sku"], set()).add(r["sku"])
    with start_sandbox("mercadolivre", catalog=catalog, orders=0) as sbx:
        items = list(sbx.state.data["items"].values())
    grouped = [set(_item_skus(i)) for i in items if i["variations"]]
    assert grouped and sorted(map(sorted, grouped)) == sorted(map(sorted, families.values()))
    for item in items:
        skus = _item_skus(item)
        assert item["price"] == by_sku[skus[0]]["price"]
        assert {v["price"] for v in item["variations"]} <= {item["price"]}
        for v in item["variations"]:
            sku = next(a["value_name"] for a in v["attributes"] if a["id"] == "SELLER_SKU")
            combo = {c["id"]: c["value_name"] for c in v["attribute_combinations"]}
            assert combo.get("COLOR") == by_sku[sku]["color"]
    # A catalogue without families (no parent_sku) is served without variations.
    plain = [{k: v for k, v in r.items() if k != "parent_sku"} for r in catalog]
    with start_sandbox("mercadolivre", catalog=plain, orders=0) as sbx:
        assert not any(i["variations"] for i in sbx.state.data["items"].values())
        assert len(sbx.state.data["items"]) == len(plain)


def test_stock_of_one_variation_sends_every_variation_and_keeps_the_others():
    with start_sandbox("mercadolivre", n_products=40, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        item = _variation_item(sbx)
        before = {v["id"]: v["available_quantity"] for v in item["variations"]}
        target = item["variations"][0]
        sku = target["attributes"][0]["value_name"]
        result = conn.update_stock([StockItem(sku, 999)])
        assert result.applied == 1
        put = [e for e in sbx.state.requests if e["method"] == "PUT"][-1]
        sent = json.loads(put["body"])["variations"]
        assert {v["id"] for v in sent} == set(before)  # every variation id, always
        after = {v["id"]: v["available_quantity"] for v in sbx.state.data["items"][item["id"]]["variations"]}
        assert after == {**before, target["id"]: 999}


def test_different_prices_for_variations_of_one_listing_are_refused_per_item():
    with start_sandbox("mercadolivre", n_products=40, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        item = _variation_item(sbx)
        skus = [v["attributes"][0]["value_name"] for v in item["variations"][:2]]
        result = conn.update_prices([PriceItem(skus[0], 10.0), PriceItem(skus[1], 12.0)])
        assert result.failed == 2 and "um único preço para todas as variações" in result.items[0].reason
        assert not [e for e in sbx.state.requests if e["method"] == "PUT"]
        same = conn.update_prices([PriceItem(skus[0], 10.0), PriceItem(skus[1], 10.0)])
        assert same.applied == 2
        assert {v["price"] for v in sbx.state.data["items"][item["id"]]["variations"]} == {10.0}


def test_orders_are_searched_by_date_last_updated_and_shipments_map_to_carrier_service():
    with start_sandbox("mercadolivre", n_products=30, orders=30, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        page = conn.fetch_orders(since="2020-01-01T00:00:00-03:00")
        assert len(page.orders) == 30
        search = _queries(sbx, "/orders/search")[0]["query"]
        assert search["order.date_last_updated.from"] == ["2020-01-01T00:00:00-03:00"]
        assert "order.last_updated.from" not in search  # silently ignored by ML (§1.5)
        for order in page.orders:
            shipment = sbx.state.data["shipments"][int(order.raw["shipping"]["id"])]
            mode = shipment["logistic"]["mode"]
            assert order.carrier_raw == mode
            if mode == "me2":
                assert order.service_raw == shipment["logistic"]["type"]
        packed = [o for o in page.orders if o.raw.get("pack_id")]
        assert all(o.pack_id == str(o.raw["pack_id"]) for o in packed)


def test_nfe_xml_upload_for_me2_and_clear_errors_otherwise():
    with start_sandbox("mercadolivre", n_products=30, orders=40, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        orders = conn.fetch_orders(since="2020-01-01T00:00:00Z").orders
        me2 = next(o for o in orders if o.carrier_raw == "me2" and o.service_raw != "fulfillment")
        with pytest.raises(ConfigurationError, match="precisa do XML autorizado da NF-e"):
            conn.send_invoice(me2, Invoice(nfe_key="3" * 44, number="10"))
        xml = '<?xml version="1.0"?><nfeProc versao="4.00"><NFe><infNFe Id="NFe' + "3" * 44 + '"/></NFe></nfeProc>'
        answer = conn.send_invoice(me2, Invoice(nfe_key="3" * 44, number="10", xml=xml))
        shipment_id = int(me2.raw["shipping"]["id"])
        assert answer["substatus"] != "invoice_pending"
        upload = _queries(sbx, "/invoice_data")[-1]
        assert upload["headers"]["Content-Type"] == "application/xml" and upload["query"]["siteId"] == ["MLB"]
        assert sbx.state.data["invoices"][shipment_id] == xml.encode()
        full = [o for o in orders if o.service_raw == "fulfillment"]
        if full:
            with pytest.raises(ChannelFatalError):
                conn.send_invoice(full[0], Invoice(nfe_key="3" * 44, number="11", xml=xml))


def test_me1_tracking_then_shipped_notification_and_me2_refused():
    with start_sandbox("mercadolivre", n_products=30, orders=40, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        orders = conn.fetch_orders(since="2020-01-01T00:00:00Z").orders
        me1 = next(o for o in orders if o.carrier_raw == "me1")
        conn.send_tracking(me1, Shipment(carrier="Correios", code="OP123456789BR", service=me1.service_raw))
        shipment = sbx.state.data["shipments"][int(me1.raw["shipping"]["id"])]
        assert shipment["tracking_number"] == "OP123456789BR" and shipment["status"] == "shipped"
        calls = [e["method"] + " " + e["path"] for e in sbx.state.requests if "/shipments/" in e["path"]]
        assert calls.index(f"PUT /shipments/{shipment['id']}") < calls.index(
            f"POST /shipments/{shipment['id']}/seller_notifications"
        )  # tracking before the status (§1.6)
        me2 = next(o for o in orders if o.carrier_raw == "me2")
        with pytest.raises(NotApplicable, match="só informa o rastreio de envios ME1"):
            conn.send_tracking(me2, Shipment(carrier="Correios", code="X"))


def test_scan_tolerates_a_constant_scroll_id_but_refuses_a_repeated_page():
    from kit.connectors.mercadolivre import _ScanPaginator

    def pager():
        return _ScanPaginator("scroll_id", cursor_param="scroll_id", base_params={"search_type": "scan"},
                              records_path="results")  # fmt: skip

    pages = iter([{"results": ["A", "B"], "scroll_id": "S"}, {"results": ["C"], "scroll_id": "S"},
                  {"results": [], "scroll_id": "S"}])  # fmt: skip
    assert pager().all(lambda p: next(pages)) == ["A", "B", "C"]
    stuck = iter([{"results": ["A"], "scroll_id": "S"}, {"results": ["B"], "scroll_id": "S"}] + [
        {"results": ["A"], "scroll_id": "S"}] * 3)  # fmt: skip
    with pytest.raises(ChannelFatalError, match="repetiu"):
        pager().all(lambda p: next(stuck))


# -- the application's quota sets the pace -------------------------------------------------------
def test_the_default_rate_is_the_documented_application_quota():
    from kit.channeltypes import get_type
    from kit.connectors.mercadolivre import app_rate

    declared = get_type("mercadolivre").rate_limit
    # 18000 requests per hour (GET /applications/{id}, official example), never more in any sliding hour
    assert declared.per_second * 3600 + declared.burst == pytest.approx(18000)
    assert declared.confidence == "confirmed" and "max_requests_per_hour" in declared.source
    assert app_rate(18000).per_second == pytest.approx(declared.per_second)


def test_the_connector_reads_the_quota_and_paces_every_seller_of_the_app_from_one_bucket():
    from kit.connectors.mercadolivre_quota import reset_app_quotas
    from kit.connectors.ratelimit import reset_buckets

    reset_buckets()
    reset_app_quotas()
    try:
        with start_sandbox("mercadolivre", n_products=10, orders=0, app_quota_per_hour=36000) as sbx:
            conn = make_connector(sbx, rate_limit=None)
            assert conn.rate_limit_for("write")[1].per_second == pytest.approx((18000 - 300) / 3600)
            report = conn.test_connection()
            assert report.ok and report.details["app_requests_per_hour"] == 36000
            _, limit = conn.rate_limit_for("write")
            assert limit.per_second == pytest.approx((36000 - 300) / 3600) and limit.burst == 300
            assert len(_queries(sbx, "/applications/")) == 1
            # Another seller's channel on the same app: no second read, and the same bucket.
            other = make_connector(sbx, rate_limit=None)
            other.list_listings()
            assert len(_queries(sbx, "/applications/")) == 1
            assert other.bucket("write") is conn.bucket("orders_read")
            assert other.rate_limit_for("write")[1].per_second == pytest.approx(limit.per_second)
            conn.close()
            other.close()
    finally:
        reset_app_quotas()
        reset_buckets()


def test_an_unreadable_quota_keeps_the_documented_default():
    from kit.connectors.mercadolivre_quota import reset_app_quotas

    reset_app_quotas()
    with start_sandbox("mercadolivre", n_products=5, orders=0, rate_limit=(5000, 5000)) as sbx:
        sbx.state.data["denied_scopes"] = ["/applications/"]
        conn = make_connector(sbx, rate_limit=None)
        assert conn.test_connection().ok
        assert conn.rate_limit_for("write")[1].per_second == pytest.approx((18000 - 300) / 3600)
        assert [e["status"] for e in _queries(sbx, "/applications/")] == [403]
        conn.close()
    reset_app_quotas()


# -- the sandbox as a witness ------------------------------------------------------------------------
def test_sandbox_answers_the_legacy_shipment_without_x_format_new():
    with start_sandbox("mercadolivre", n_products=10, orders=3) as sbx:
        conn = make_connector(sbx)
        sid = next(iter(sbx.state.data["shipments"]))
        legacy = conn.get_json(f"/shipments/{sid}")
        assert "logistic" not in legacy and "mode" in legacy
        assert "logistic" in conn.get_json(f"/shipments/{sid}", headers={"x-format-new": "true"})
        conn.close()


def test_sandbox_refuses_a_quantity_sent_as_text_and_an_order_search_without_seller():
    with start_sandbox("mercadolivre", n_products=10, orders=2, variation_share=0.0) as sbx:
        conn = make_connector(sbx)
        item_id = next(iter(sbx.state.data["items"]))
        with pytest.raises(ChannelFatalError, match="integer"):
            conn.request("PUT", f"/items/{item_id}", json_data={"available_quantity": "5"})
        with pytest.raises(ChannelFatalError, match="seller"):
            conn.get_json("/orders/search", params={"order.date_last_updated.from": "2026-01-01T00:00:00-03:00"})
        with pytest.raises(ChannelFatalError, match="ISO 8601"):
            conn.get_json("/orders/search", params={"seller": "123456789", "order.date_last_updated.from": "ontem"})
        conn.close()


def test_a_cancelled_order_takes_neither_invoice_nor_tracking():
    with start_sandbox("mercadolivre", n_products=30, orders=40, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        orders = conn.fetch_orders(since="2020-01-01T00:00:00Z").orders
        me2 = next(o for o in orders if o.carrier_raw == "me2" and o.service_raw != "fulfillment")
        sbx.cancel_order(me2.order_id)
        xml = '<?xml version="1.0"?><nfeProc versao="4.00"><NFe><infNFe Id="NFe' + "3" * 44 + '"/></NFe></nfeProc>'
        with pytest.raises(ChannelFatalError, match="cancelled"):
            conn.send_invoice(me2.order_id, Invoice(nfe_key="3" * 44, number="10", xml=xml))
        conn.close()


def test_orders_round_trip_through_the_sandbox_and_the_connector():
    from connectors.roundtrip import assert_round_trip

    # Mercado Livre orders carry no buyer name or CPF (billing info is a separate resource, §1.7); some lines come
    # without seller_sku (as the documented examples show): their listing's SKU is the one bound to it.
    assert_round_trip("mercadolivre", buyer=False, bind=True)


def test_an_order_line_of_a_listing_without_seller_sku_has_no_sku_not_the_listing_id():
    """§1.5: ``seller_sku`` is null when the listing has none; the listing id goes to ``channel_item_id`` only (the
    orders job takes the SKU from the listing's binding, or holds the order)."""
    with start_sandbox("mercadolivre", n_products=5, orders=3, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        raw = conn.fetch_orders(since="2020-01-01T00:00:00Z").orders[0].raw
    line = raw["order_items"][0]
    line["item"].update(seller_sku=None, seller_custom_field=None)
    item = conn.normalize_order(raw).items[0]
    assert (item.sku, item.channel_item_id) == ("", line["item"]["id"])


def _variation_sku(variation) -> str:
    return next(a["value_name"] for a in variation["attributes"] if a["id"] == "SELLER_SKU")


def test_a_sale_between_the_read_and_the_write_of_a_variation_is_not_undone():
    """Variation B sells while the job writes A: B keeps its new quantity (was sent back as read: oversell)."""
    with start_sandbox("mercadolivre", n_products=40, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        item = _variation_item(sbx)
        var_a, var_b = item["variations"][0], item["variations"][1]
        var_b["available_quantity"] = 5
        read = conn.get_json

        def read_then_sell(path, *args, **kw):
            answer = read(path, *args, **kw)
            if path == f"/items/{item['id']}":
                sbx.sell(_variation_sku(var_b), 2)  # a buyer takes 2 of B after the connector read the item
            return answer

        conn.get_json = read_then_sell
        result = conn.update_stock([StockItem(_variation_sku(var_a), 7, channel_id=item["id"],
                                              variation_id=str(var_a["id"]))])  # fmt: skip
        assert result.applied == 1, result.items
        after = {v["id"]: v["available_quantity"] for v in sbx.state.data["items"][item["id"]]["variations"]}
        assert after[var_a["id"]] == 7 and after[var_b["id"]] == 3
        sent = json.loads([e for e in sbx.state.requests if e["method"] == "PUT"][-1]["body"])["variations"]
        assert {v["id"] for v in sent} == set(after)  # every variation still named: none deleted
        assert [v for v in sent if v["id"] != var_a["id"] and set(v) != {"id"}] == []  # the others by id alone


def test_a_stock_write_the_put_answer_does_not_confirm_is_reported_failed():
    with start_sandbox("mercadolivre", n_products=40, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        item = _variation_item(sbx)
        target = item["variations"][0]
        send = conn.request

        def ignored(method, path, *args, **kw):
            answer = send(method, path, *args, **kw)
            if method == "PUT":
                sbx.state.data["items"][item["id"]]["variations"][0]["available_quantity"] = 1
                return send("GET", path)  # the item as ML holds it: the quantity not taken
            return answer

        conn.request = ignored
        result = conn.update_stock([StockItem(_variation_sku(target), 9)])
        assert result.failed == 1 and "não confirmou a quantidade" in result.items[0].reason


@pytest.mark.parametrize("with_variations", [False, True])
def test_stock_of_a_full_listing_is_held_and_never_sent(with_variations):
    """Full (``logistic_type: fulfillment``): ML manages the stock in its warehouse (§1.3): held with a reason."""
    with start_sandbox("mercadolivre", n_products=40, orders=0, rate_limit=(5000, 5000)) as sbx:
        items = sbx.state.data["items"].values()
        item = _variation_item(sbx) if with_variations else next(i for i in items if not i["variations"])
        item["shipping"]["logistic_type"] = "fulfillment"
        holder = item["variations"][0] if with_variations else item
        before = holder["available_quantity"]
        conn = make_connector(sbx)
        bound = StockItem(_variation_sku(holder), before + 10, channel_id=item["id"],
                          variation_id=str(holder["id"]) if with_variations else None)  # fmt: skip
        result = conn.update_stock([bound])
        assert result.skipped == 1 and "Mercado Envios Full" in result.items[0].reason
        assert not [e for e in sbx.state.requests if e["method"] == "PUT"]
        assert holder["available_quantity"] == before
        # listed by SKU (no binding): the listings read says Full, the same hold
        again = make_connector(sbx).update_stock([StockItem(_variation_sku(holder), before + 10)])
        assert again.skipped == 1 and "Full" in again.items[0].reason
        assert not [e for e in sbx.state.requests if e["method"] == "PUT"]
        # prices are the seller's on Full too
        assert make_connector(sbx).update_prices([PriceItem(_variation_sku(holder), 77.0)]).applied == 1


def test_the_sandbox_refuses_a_quantity_for_a_full_listing():
    with start_sandbox("mercadolivre", n_products=10, orders=0, variation_share=0.0) as sbx:
        item = next(iter(sbx.state.data["items"].values()))
        item["shipping"]["logistic_type"] = "fulfillment"
        conn = make_connector(sbx)
        with pytest.raises(ChannelFatalError, match="fulfillment"):
            conn.request("PUT", f"/items/{item['id']}", json_data={"available_quantity": 3}, family="write")
        assert conn.request("PUT", f"/items/{item['id']}", json_data={"price": 12.5}, family="write").status == 200


def test_when_the_logistic_type_cannot_be_read_nothing_is_sent_and_every_item_fails():
    with start_sandbox("mercadolivre", n_products=10, orders=0, variation_share=0.0, rate_limit=(5000, 5000)) as sbx:
        item_id = next(iter(sbx.state.data["items"]))
        sbx.faults.update(error_rate=1.0, path_pattern="^/items$")
        result = make_connector(sbx).update_stock([StockItem("X-1", 3, channel_id=item_id)])
        result.assert_accounted([StockItem("X-1", 3, channel_id=item_id)])
        assert result.failed == 1 and "503" in result.items[0].reason
        assert not [e for e in sbx.state.requests if e["method"] == "PUT"]


def test_the_full_check_costs_one_multiget_per_20_bound_listings_and_none_after_the_listings_read():
    with start_sandbox("mercadolivre", n_products=30, orders=0, variation_share=0.0, rate_limit=(5000, 5000)) as sbx:
        listings = list(sbx.state.data["items"].values())[:25]
        bound = [StockItem(_variation_sku(i), 4, channel_id=i["id"]) for i in listings]
        assert make_connector(sbx).update_stock(bound).applied == 25
        multigets = [e for e in sbx.state.requests if e["path"] == "/items"]
        assert [len(e["query"]["ids"][0].split(",")) for e in multigets] == [20, 5]
        assert all(e["query"]["attributes"] == ["id,shipping"] for e in multigets)
        assert len([e for e in sbx.state.requests if e["method"] == "PUT"]) == 25
        sbx.state.clear_log()
        conn = make_connector(sbx)
        conn.list_listings()
        listed = len([e for e in sbx.state.requests if e["path"] == "/items"])
        assert conn.update_stock(bound).applied == 25
        assert len([e for e in sbx.state.requests if e["path"] == "/items"]) == listed  # known from the listings
