"""Magento 2 connector: the contract suite, every exchange checked against Adobe's schema, OAuth 1.0a, orders."""

from __future__ import annotations

from connectors.contract import contract_suite, publishing_suite
from connectors.openapi import magento_spec, traffic_fixtures
from kit.connectors.model import ProductItem
from kit.sandbox.magento_catalog import png_bytes


def magento_items(sandbox, connector, n: int, *, variants: bool = True) -> list[ProductItem]:
    """``n`` new products for the Magento sandbox: a category of its tree, a brand and colours of its options, an
    image it serves; families of two (``FAM-<k // 2>``) whose members differ in colour (a configurable each)."""
    tree = connector.category_tree()
    leaf = next((c for c in tree if c["path"].endswith("Camisetas")), max(tree, key=lambda c: c["level"]))
    options = sandbox.state.data["attributes"]
    brand = next(o["label"] for o in options["manufacturer"]["options"] if o["value"])
    colours = [o["label"] for o in options["color"]["options"] if o["value"]]
    image = sandbox.add_file("erp-camiseta.png", png_bytes())
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Camiseta nova {k} {colours[k % len(colours)]}", description=f"Descrição {k}",
            brand=brand, ean=None, ncm="61091000", weight_kg=0.5 + k / 10, height_cm=3.0, width_cm=20.0,
            length_cm=30.0, price=49.9, stock=5, category="ERP > Camisetas", channel_category=leaf["path"],
            attributes={"Cor": f"cor-erp-{k}"} if variants else {},
            channel_attributes={"color": colours[k % len(colours)]} if variants else {},
            image_urls=[image], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


def magento_standalone_items(sandbox, connector, n: int) -> list[ProductItem]:
    """As :func:`magento_items` without variant attributes (the kill test gives a whole family one template)."""
    return magento_items(sandbox, connector, n, variants=False)


TestMagentoContract = contract_suite("magento", products=250)
# Magento refuses a simple product without a price (the EAV "required" rule); it takes one without weight.
TestMagentoPublishing = publishing_suite("magento", item_factory=magento_items, incomplete="price")
spec_check, check_traffic, unchecked_traffic = traffic_fixtures(magento_spec)


# -- Magento specifics ------------------------------------------------------------------------
import hashlib  # noqa: E402
import hmac  # noqa: E402
import json  # noqa: E402
from base64 import b64encode  # noqa: E402
from datetime import datetime  # noqa: E402

import pytest  # noqa: E402
import requests  # noqa: E402
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1  # noqa: E402

from connectors.contract import FAST_RETRY, TEST_RATE, TEST_TIMEOUTS, make_connector  # noqa: E402
from kit.channels import Channel  # noqa: E402
from kit.connectors import connector_for  # noqa: E402
from kit.connectors.magento_auth import oauth1_signer  # noqa: E402
from kit.connectors.model import Invoice, PriceItem, Shipment, StockItem  # noqa: E402
from kit.errors import ChannelFatalError, ConfigurationError  # noqa: E402
from kit.sample import generate_catalog, generate_orders  # noqa: E402
from kit.sandbox import start_sandbox  # noqa: E402
from kit.secrets import SecretsStore  # noqa: E402

pytestmark = pytest.mark.figures  # prints the spec check's totals: `make test` runs it in one process


def _signed(sbx, method: str, path: str, **kw) -> requests.Response:
    """A request signed as an integration would, outside the connector."""
    auth = oauth1_signer(sbx.credentials)
    return requests.request(method, sbx.url + path, auth=auth, timeout=5, **kw)


def test_stock_goes_in_bulk_batches_of_at_most_20_and_a_bad_sku_fails_alone():
    with start_sandbox("magento", n_products=60, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        skus = sorted(sbx.state.data["products"])[:46]
        gone = skus.pop()  # deleted in the store after the kit read its source items: Magento refuses it
        items = [StockItem(s, 7) for s in skus[:30]] + [StockItem(gone, 3)] + [StockItem(s, 8) for s in skus[30:]]
        read = conn._source_items

        def read_then_delete(wanted):
            answer = read(wanted)
            del sbx.state.data["products"][gone]
            return answer

        conn._source_items = read_then_delete
        result = conn.update_stock(items)
        result.assert_accounted(items)
        assert result.counts == {"applied": 45, "failed": 1, "skipped": 0}
        failed = next(r for r in result.items if r.sku == gone)
        assert gone in failed.reason
        posts = [json.loads(e["body"])["sourceItems"] for e in sbx.state.requests if e["method"] == "POST"]
        assert max(len(p) for p in posts) == 20
        assert all(sbx.state.data["sources"][(s, "default")]["quantity"] == (7 if s in skus[:30] else 8) for s in skus)
        # the request count: one source-items search per 20 SKUs (46 SKUs: 3), no stock item read (no 0)
        searches = [e for e in sbx.state.requests if e["method"] == "GET" and "source-items" in e["path"]]
        assert len(searches) == 3 and not [e for e in sbx.state.requests if "stockItems" in e["path"]]


def test_an_unknown_sku_is_held_and_never_sent():
    with start_sandbox("magento", n_products=5, orders=0, rate_limit=(5000, 5000)) as sbx:
        result = make_connector(sbx).update_stock([StockItem("GHOST-1", 3)])
        assert result.skipped == 1 and "GHOST-1" in result.items[0].reason
        assert "nenhuma origem de estoque" in result.items[0].reason
        assert not [e for e in sbx.state.requests if e["method"] == "POST"]


def test_stock_at_zero_keeps_a_backorderable_product_in_stock():
    """Out of stock (status 0) stops backorder sales (magento/magento2#10304): at 0 only a product without them."""
    with start_sandbox("magento", n_products=10, orders=0, rate_limit=(5000, 5000)) as sbx:
        sources = sbx.state.data["sources"]
        backorder, plain, already_out = [s for s in sorted(sbx.state.data["products"])][:3]
        for sku in (backorder, plain):
            sources[(sku, "default")].update(quantity=4.0, status=1)
        sources[(already_out, "default")].update(quantity=0.0, status=0)
        sbx.set_backorders(backorder, 1)
        result = make_connector(sbx).update_stock([StockItem(s, 0) for s in (backorder, plain, already_out)])
        assert result.applied == 3
        assert {s: (sources[(s, "default")]["quantity"], sources[(s, "default")]["status"])
                for s in (backorder, plain, already_out)} == {backorder: (0, 1), plain: (0, 0), already_out: (0, 0)}  # fmt: skip
        reads = [e["path"] for e in sbx.state.requests if "stockItems" in e["path"]]
        assert sorted(reads) == sorted(f"/rest/default/V1/stockItems/{s}" for s in (backorder, plain))
        # back above 0: in stock again
        assert make_connector(sbx).update_stock([StockItem(plain, 2)]).applied == 1
        assert sources[(plain, "default")]["status"] == 1


def test_a_sku_not_assigned_to_the_source_is_held_and_not_assigned_to_it():
    """POST source-items assigns the SKU to the source it names (Adobe): the kit writes only where the SKU is."""
    with start_sandbox("magento", n_products=10, orders=0, rate_limit=(5000, 5000)) as sbx:
        sources = sbx.state.data["sources"]
        sku = sorted(sbx.state.data["products"])[0]
        sources[(sku, "loja_sp")] = {**sources.pop((sku, "default")), "source_code": "loja_sp"}
        result = make_connector(sbx).update_stock([StockItem(sku, 9)])
        assert result.skipped == 1
        assert "origem de estoque 'default'" in result.items[0].reason and "loja_sp" in result.items[0].reason
        assert (sku, "default") not in sources and not [e for e in sbx.state.requests if e["method"] == "POST"]
        # the item's own warehouse, where the SKU is: written
        assert make_connector(sbx).update_stock([StockItem(sku, 9, warehouse="loja_sp")]).applied == 1
        assert sources[(sku, "loja_sp")]["quantity"] == 9 and (sku, "default") not in sources


def test_base_prices_report_refused_skus_per_item():
    with start_sandbox("magento", n_products=10, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        sku = sorted(sbx.state.data["products"])[0]
        result = conn.update_prices([PriceItem(sku, 129.9), PriceItem("GHOST-2", 10.0)])
        assert [r.status for r in result.items] == ["applied", "failed"]
        assert result.items[1].reason == "Requested product doesn't exist. SKU = GHOST-2."
        assert sbx.state.data["products"][sku]["price"] == 129.9


def test_orders_are_filtered_on_updated_at_and_the_cursor_moves_forward():
    with start_sandbox("magento", n_products=10, orders=12, rate_limit=(5000, 5000), seed=2) as sbx:
        conn = make_connector(sbx)
        page = conn.fetch_orders(since="2000-01-01T00:00:00-03:00")
        assert len(page.orders) == 12
        query = [e["query"] for e in sbx.state.requests if e["path"].endswith("/V1/orders")][0]
        assert query["searchCriteria[filterGroups][0][filters][0][field]"] == ["updated_at"]
        assert query["searchCriteria[filterGroups][0][filters][0][value]"] == ["2000-01-01 03:00:00"]  # UTC
        assert page.cursor == max(o.updated_at for o in page.orders)
        order = next(o for o in page.orders if o.status_raw in ("pending", "processing"))
        conn.send_invoice(order, Invoice(nfe_key="4" * 44, number="55", series="1"))
        conn.send_tracking(order.order_id, Shipment(carrier="correios", code="BR9", service="PAC"))
        held = sbx.state.data["orders"][int(order.order_id)]
        assert held["state"] == "complete"  # fully invoiced and shipped
        again = conn.fetch_orders(cursor=page.cursor)
        assert order.order_id in {o.order_id for o in again.orders}  # it changed: it comes back
        assert "4" * 44 in held["status_histories"][-1]["comment"]


def test_ship_takes_only_what_is_left_and_magento_refuses_foreign_items_and_extra_quantities():
    with start_sandbox("magento", n_products=10, orders=12, rate_limit=(5000, 5000), seed=2) as sbx:
        conn = make_connector(sbx)
        order = next(o for o in conn.fetch_orders().orders if o.status_raw in ("pending", "processing"))
        first = order.items[0]
        body = {"items": [{"order_item_id": int(first.channel_item_id), "qty": 1}]}
        assert _signed(sbx, "POST", f"/rest/default/V1/order/{order.order_id}/ship", json=body).status_code == 200
        conn.send_tracking(order.order_id, Shipment(carrier="correios", code="BR1", service="PAC"))
        ship = [json.loads(e["body"]) for e in sbx.state.requests if e["path"].endswith("/ship")][-1]
        left = [(int(i.channel_item_id), i.quantity - (1 if i is first else 0)) for i in order.items]
        assert [(i["order_item_id"], i["qty"]) for i in ship["items"]] == [(k, q) for k, q in left if q > 0]
        other = next(o for o in sbx.state.data["orders"].values() if o["entity_id"] != int(order.order_id))
        foreign = {"items": [{"order_item_id": other["items"][0]["item_id"], "qty": 1}]}
        wrong = _signed(sbx, "POST", f"/rest/default/V1/order/{order.order_id}/ship", json=foreign)
        assert wrong.status_code == 400 and "not part of the original order" in wrong.json()["message"]
        again = _signed(sbx, "POST", f"/rest/default/V1/order/{order.order_id}/ship", json=body)
        assert again.status_code == 400  # complete now: nothing left to ship


def test_a_missing_acl_resource_is_reported_by_name():
    with start_sandbox("magento", n_products=5, orders=1) as sbx:
        sbx.state.data["denied_resources"].add("Magento_InventoryApi::source_item")
        report = make_connector(sbx).test_connection()
        assert not report.ok
        assert report.missing_permissions == ["Magento_InventoryApi::source_item"]


def test_a_magento_channel_needs_a_base_url():
    channel = Channel(
        name="m", type="magento", category="plataforma", company="11222333000181", environment="production"
    )
    with pytest.raises(ConfigurationError, match="URL da API"):
        connector_for(channel)


# -- OAuth 1.0a -----------------------------------------------------------------------------------------
# OAuth Core 1.0, Appendix A.5 (the photos.example.net example): consumer dpf43f3p2l4k3l03 / kd94hf93k423kf44,
# token nnch734d00sl2jdk / pfkkdhi9sl3r4s00, nonce kllo9940pd9333jh, timestamp 1191242096.
VECTOR = {"consumer_key": "dpf43f3p2l4k3l03", "consumer_secret": "kd94hf93k423kf44",
          "access_token": "nnch734d00sl2jdk", "access_token_secret": "pfkkdhi9sl3r4s00"}  # fmt: skip
VECTOR_URL = "http://photos.example.net/photos?file=vacation.jpg&size=original"
VECTOR_BASE = (
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03"
    "%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3D{method}%26oauth_timestamp%3D1191242096"
    "%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
)


def _vector_signature(**options) -> str:
    signer = oauth1_signer(VECTOR, nonce="kllo9940pd9333jh", timestamp="1191242096", **options)
    header = requests.Request("GET", VECTOR_URL, auth=signer).prepare().headers["Authorization"]
    header = header.decode() if isinstance(header, bytes) else header
    from oauthlib.oauth1.rfc5849 import utils

    return utils.unescape(dict(utils.parse_authorization_header(header))["oauth_signature"])


def test_oauth1_signing_matches_the_published_example_and_an_independent_hmac_sha256():
    assert _vector_signature(signature_method=SIGNATURE_HMAC_SHA1) == "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
    key = b"kd94hf93k423kf44&pfkkdhi9sl3r4s00"
    expected = b64encode(hmac.new(key, VECTOR_BASE.format(method="HMAC-SHA256").encode(), hashlib.sha256).digest())
    assert _vector_signature() == expected.decode()  # the connector's default: HMAC-SHA256


def test_the_sandbox_verifies_signatures_nonces_and_timestamps():
    with start_sandbox("magento", n_products=3, orders=0) as sbx:
        path = "/rest/default/V1/store/storeConfigs"
        assert _signed(sbx, "GET", path).status_code == 200
        good = requests.Request("GET", sbx.url + path, auth=oauth1_signer(sbx.credentials)).prepare()
        assert requests.Session().send(good, timeout=5).status_code == 200
        replay = requests.Session().send(good, timeout=5)
        assert replay.status_code == 401 and "nonce" in replay.json()["message"]
        wrong = dict(sbx.credentials, consumer_secret="not-the-secret")
        forged = requests.get(sbx.url + path, auth=oauth1_signer(wrong), timeout=5)
        assert forged.status_code == 401 and "signature is invalid" in forged.json()["message"]
        stale = requests.get(sbx.url + path, auth=oauth1_signer(sbx.credentials, timestamp="1191242096"), timeout=5)
        assert stale.status_code == 401 and "timestamp" in stale.json()["message"]
        bearer = {"Authorization": f"Bearer {sbx.credentials['access_token']}"}
        assert requests.get(sbx.url + path, headers=bearer, timeout=5).status_code == 401
        sbx.allow_bearer = True  # "Allow OAuth Access Tokens to be used as standalone Bearer tokens"
        assert requests.get(sbx.url + path, headers=bearer, timeout=5).status_code == 200


def test_every_retry_is_signed_again_with_a_fresh_nonce():
    with start_sandbox("magento", n_products=30, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        sbx.faults.update(error_rate=0.4, seed=7)
        assert len(conn.list_listings()) == 30
        nonces = [e["headers"]["Authorization"].split('oauth_nonce="')[1].split('"')[0] for e in sbx.state.requests]
        assert sbx.state.count(503) > 0 and len(nonces) == len(set(nonces))


def test_connection_tells_which_authentication_the_store_accepts():
    with start_sandbox("magento", n_products=3, orders=0) as sbx:
        report = make_connector(sbx).test_connection()
        assert report.ok and report.details["auth"] == {"configured": "oauth1", "oauth1": True, "bearer": False}
        assert "aceita a assinatura OAuth 1.0a e recusa o token de acesso como Bearer" in report.message
        sbx.allow_bearer = True
        assert "e também o token de acesso como Bearer" in make_connector(sbx).test_connection().message
        sbx.allow_bearer = False
        ref = sbx.channel().credentials_ref  # a channel set up with the token only
        for key in ("consumer_key", "consumer_secret", "access_token_secret"):
            SecretsStore().delete(ref, key)
        sbx.credentials = {"access_token": sbx.credentials["access_token"]}
        token_only = make_connector(sbx)
        report = token_only.test_connection()
        assert token_only.auth.mode == "bearer" and not report.ok
        assert "cadastre consumer_key, consumer_secret e access_token_secret" in report.message


def test_numeric_text_is_cast_and_other_text_refused_as_magento_does(unchecked_traffic):
    with start_sandbox("magento", n_products=3, orders=0) as sbx:
        sku = sorted(sbx.state.data["products"])[0]
        item = {"sku": sku, "source_code": "default", "quantity": "7", "status": 1}
        path = "/rest/default/V1/inventory/source-items"
        assert _signed(sbx, "POST", path, json={"sourceItems": [item]}).status_code == 200
        assert sbx.state.data["sources"][(sku, "default")]["quantity"] == 7
        refused = _signed(sbx, "POST", path, json={"sourceItems": [dict(item, quantity="sete")]})
        assert refused.status_code == 400 and 'The "float" type was expected' in refused.json()["message"]
        missing = _signed(sbx, "POST", path, json={"sourceItems": [{"sku": sku, "quantity": 1}]})
        assert missing.status_code == 400


# -- the order shape ------------------------------------------------------------------------------------
def _instant(value: str) -> datetime:
    text = value.replace(" ", "T")
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.fromisoformat(text + "+00:00")


def test_rendered_orders_come_back_the_same_through_the_connector():
    catalog = generate_catalog(20, 5)
    specs = generate_orders(catalog, "magento", 30, seed=5)
    with start_sandbox("magento", catalog=catalog, orders=specs, rate_limit=(5000, 5000)) as sbx:
        got = {o.order_id: o for o in make_connector(sbx).fetch_orders().orders}
    assert len(got) == len(specs)
    for spec in specs:
        order = got[spec["order_id"]]
        assert (order.status_raw, order.carrier_raw, order.service_raw, order.payment_raw) == (
            spec["status_raw"], spec["carrier_raw"], spec["service_raw"], spec["payment_raw"])  # fmt: skip
        assert [(i.sku, i.quantity, i.unit_price) for i in order.items] == [
            (i["sku"], i["qty"], i["unit_price"]) for i in spec["items"]
        ]
        assert order.total == pytest.approx(spec["total"])
        assert (order.buyer["name"], order.buyer["document"]) == (spec["buyer"]["name"], spec["buyer"]["document"])
        assert _instant(order.created_at) == _instant(spec["created_at"])
        assert _instant(order.updated_at) == _instant(spec["updated_at"])
        address, where = order.shipping_address, spec["shipping_address"]
        assert (address["street"], address["number"], address["postcode"]) == (
            where["street"], where["number"], where["zipcode"])  # fmt: skip


def test_magento_cannot_cancel_a_complete_order():
    with start_sandbox("magento", n_products=10, orders=25, seed=2) as sbx:
        complete = next(o for o in sbx.state.data["orders"].values() if o["state"] == "complete")
        with pytest.raises(ValueError, match="cannot cancel"):
            sbx.cancel_order(str(complete["entity_id"]))


def test_the_exercise_covers_every_operation_the_connector_relies_on(spec_check):
    with start_sandbox("magento", n_products=30, orders=12, rate_limit=(5000, 5000), seed=2) as sbx:
        conn = make_connector(sbx)
        conn.test_connection()
        skus = list(conn.list_listings()["sku"].head(5))
        conn.update_stock([StockItem(s, 3) for s in skus] + [StockItem("GHOST", 1)])
        conn.update_prices([PriceItem(s, 10.5) for s in skus] + [PriceItem("GHOST", 1.0)])
        order = next(o for o in conn.fetch_orders().orders if o.status_raw in ("pending", "processing"))
        conn.send_invoice(order, Invoice(nfe_key="3" * 44, number="7"))
        conn.send_tracking(order.order_id, Shipment(carrier="correios", code="BR7", service="PAC"))
        conn.value_lists()
        report = magento_spec().check_log(sbx.state.requests)
    assert not report.problems, report.text()
    assert report.operations >= {
        "GET /V1/store/storeConfigs", "GET /V1/products", "GET /V1/inventory/source-items",
        "POST /V1/inventory/source-items", "POST /V1/products/base-prices", "GET /V1/orders",
        "GET /V1/orders/{id}", "POST /V1/order/{orderId}/invoice", "POST /V1/orders/{id}/comments",
        "POST /V1/order/{orderId}/ship",
    }  # fmt: skip


def test_the_validator_refuses_what_the_schema_refuses(spec_check):
    spec = magento_spec()
    entry = {"method": "POST", "path": "/rest/default/V1/inventory/source-items", "query": {}, "status": 200,
             "headers": {"Content-Type": "application/json"}, "response": [],
             "body": json.dumps({"sourceItems": [{"sku": "A", "source_code": "default", "quantity": "7"}]}).encode()}  # fmt: skip
    problems = spec.check_log([entry]).problems
    assert any("quantity" in p and "'7' is not of type 'number'" in p for p in problems), problems
    entry = dict(entry, path="/rest/default/V1/order/abc/ship", body=b"{}", response=5)
    assert any("orderId='abc': not a integer" in p for p in spec.check_log([entry]).problems)


# -- publishing ----------------------------------------------------------------------------------------
from dataclasses import replace  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from threading import Thread  # noqa: E402

import kit.connectors.magento_media as magento_media  # noqa: E402
from kit.connectors.ratelimit import reset_buckets  # noqa: E402


@pytest.fixture
def store():
    reset_buckets()
    with start_sandbox("magento", n_products=10, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        yield sbx, conn
        conn.close()


def _writes(sbx) -> list[tuple[str, str]]:
    return [(e["method"], e["path"]) for e in sbx.state.requests if e["method"] in ("POST", "PUT", "DELETE")]


def test_a_family_becomes_one_configurable_with_its_children_options_and_links(store):
    sbx, conn = store
    colour, other = (o["label"] for o in sbx.state.data["attributes"]["color"]["options"][1:3])
    size = next(o["label"] for o in sbx.state.data["attributes"]["size"]["options"] if o["value"])
    items = [replace(i, parent_sku="FAM-A", title=f"Camiseta Lisa {c} Tam. {size}", channel_attributes={"color": c,
             "size": size}) for i, c in zip(magento_items(sbx, conn, 2), (colour, other), strict=True)]  # fmt: skip
    report = conn.publish(items)
    assert report.counts["applied"] == 2, report.to_frame().to_string()
    products = sbx.state.data["products"]
    parent = products["FAM-A"]
    assert parent["type_id"] == "configurable" and parent["name"] == "Camiseta Lisa"
    assert [products[i.sku]["visibility"] for i in items] == [1, 1]  # children are not visible alone
    assert sbx.state.data["children"]["FAM-A"] == [i.sku for i in items]
    options = {o["label"]: sorted(v["value_index"] for v in o["values"]) for o in sbx.state.data["options"]["FAM-A"]}
    assert set(options) == {"Color", "Size"} and len(options["Color"]) == 2
    assert {r.product_id for r in report.items} == {str(parent["id"])}
    sbx.state.clear_log()
    again = conn.publish(items)  # the kit lost its records: found by SKU, updated, nothing made twice
    assert [r.action for r in again.items] == ["update", "update"]
    assert not [w for w in _writes(sbx) if w[0] == "POST"]  # no second option, link or image
    assert sbx.state.data["children"]["FAM-A"] == [i.sku for i in items]


def test_a_crash_between_the_child_and_its_link_links_it_once_on_the_next_run(store):
    sbx, conn = store
    items = magento_items(sbx, conn, 3)[1:]  # NOVO-002 and NOVO-003: one family
    sbx.faults.update(error_rate=1.0, error_status=400, path_pattern=r"/child$")  # the link is never made
    first = conn.publish(items)
    assert [r.status for r in first.items] == ["failed", "failed"] and "HTTP 400" in first.items[0].reason
    assert {i.sku for i in items} <= set(sbx.state.data["products"])  # the children exist, unlinked
    sbx.faults.clear()
    second = conn.publish(items)
    assert [(r.status, r.action) for r in second.items] == [("applied", "update")] * 2
    assert sbx.state.data["children"]["FAM-001"] == [i.sku for i in items]
    assert {s: len(v) for s, v in sbx.listings_by_ref().items() if s.startswith(("NOVO", "FAM"))} == {
        "NOVO-002": 1, "NOVO-003": 1, "FAM-001": 1}  # fmt: skip
    assert len(sbx.state.data["options"]["FAM-001"]) == 1


def test_two_children_with_the_same_values_fail_with_magentos_reason(store):
    sbx, conn = store
    a, b = magento_items(sbx, conn, 3)[1:]
    report = conn.publish([a, replace(b, channel_attributes=a.channel_attributes)])
    assert report.items[0].status == "applied" and report.items[1].status == "failed"
    assert "have the same set of attribute values" in report.items[1].reason


def test_a_family_without_a_variant_attribute_is_published_as_standalone_products_and_says_so(store):
    sbx, conn = store
    items = magento_standalone_items(sbx, conn, 3)[1:]
    report = conn.publish(items)
    assert report.counts["applied"] == 2
    assert "FAM-001" not in sbx.state.data["products"]
    assert [sbx.state.data["products"][i.sku]["visibility"] for i in items] == [4, 4]
    assert "publicado como produto avulso: a família FAM-001" in report.items[0].note
    assert "medidas (o Magento não tem atributos" in report.items[0].note  # no measure attributes configured


def test_category_brand_ean_ncm_and_website_go_where_the_store_keeps_them(store):
    sbx, conn = store
    item = replace(magento_items(sbx, conn, 1, variants=False)[0], parent_sku=None, ean="7891234567895",
                   channel_category="Roupas > Camisetas")  # fmt: skip
    assert conn.publish([item]).items[0].status == "applied"
    saved = sbx.state.data["products"][item.sku]
    attrs = {a["attribute_code"]: a["value"] for a in saved["custom_attributes"]}
    brand_id = next(o["value"] for o in sbx.state.data["attributes"]["manufacturer"]["options"]
                    if o["label"] == item.brand)  # fmt: skip
    assert attrs["manufacturer"] == brand_id and attrs["ean"] == item.ean and attrs["ncm"] == item.ncm
    assert attrs["url_key"] == "camiseta-nova-1-" + item.title.split()[-1].lower() + "-novo-001"
    camisetas = sbx.ensure_category("Roupas > Camisetas")
    assert saved["extension_attributes"]["category_links"] == [{"position": 0, "category_id": str(camisetas)}]
    assert saved["extension_attributes"]["website_ids"] == [1] and saved["price"] == 49.9
    store_own = {"position": 3, "category_id": str(sbx.ensure_category("Promoções"))}
    saved["extension_attributes"]["category_links"].append(store_own)  # the merchant adds it in the admin
    assert conn.publish([replace(item, channel_id=str(saved["id"]), title="Outro nome")]).items[0].action == "update"
    saved = sbx.state.data["products"][item.sku]
    assert store_own in saved["extension_attributes"]["category_links"] and saved["name"] == "Outro nome"
    assert saved["price"] == 49.9  # an update never sends the price (the prices job owns it)


def test_an_unknown_category_brand_or_option_fails_the_item_with_what_to_fix(store):
    sbx, conn = store
    base = replace(magento_items(sbx, conn, 1)[0], parent_sku=None)
    report = conn.publish([replace(base, sku="X-1", channel_category="Roupas > Inexistente"),
                           replace(base, sku="X-2", brand="Marca Nova"),
                           replace(base, sku="X-3", channel_attributes={"color": "Furta-cor"})])  # fmt: skip
    assert [r.status for r in report.items] == ["failed"] * 3
    assert "não existe na árvore de categorias" in report.items[0].reason
    assert "'Marca Nova' não é uma opção do atributo 'manufacturer'" in report.items[1].reason
    assert "'Furta-cor' não é uma opção do atributo 'color'" in report.items[2].reason
    assert not {"X-1", "X-2", "X-3"} & set(sbx.state.data["products"])


def test_the_attribute_sets_required_attribute_holds_the_item_and_magento_refuses_it_too(store):
    sbx, _ = store
    channel = sbx.channel()
    channel.settings["attribute_set"] = "Moda"
    conn = connector_for(channel, retry=FAST_RETRY, timeouts=TEST_TIMEOUTS, rate_limit=TEST_RATE)
    item = replace(magento_items(sbx, conn, 1)[0], parent_sku=None, ean="7891234567895")
    held = conn.publish([item]).items[0]
    assert held.status == "held" and "atributo obrigatório 'material'" in held.fix and "Algodão" in held.fix
    with pytest.raises(ChannelFatalError, match='The "Material" attribute value is empty'):
        conn.create_listing(item)
    no_ean = conn.publish([replace(item, ean=None, channel_attributes={"material": "Algodão"})]).items[0]
    assert no_ean.status == "held" and "EAN/GTIN" in no_ean.fix  # filled from the product, not the de-para
    with pytest.raises(ChannelFatalError, match='The "EAN" attribute value is empty'):
        conn.create_listing(replace(item, ean=None, channel_attributes={"material": "Algodão"}))
    done = conn.publish([replace(item, channel_attributes={**item.channel_attributes, "material": "Algodão"})])
    assert done.items[0].status == "applied"
    assert sbx.state.data["products"][item.sku]["attribute_set_id"] == 10


class _Images(BaseHTTPRequestHandler):
    """An ERP's image host: a PNG, a page that is not an image, a 404, a slow one, a large one."""

    def log_message(self, *args):
        return

    def do_GET(self):
        import time as _time

        body, kind = png_bytes(), "image/png"
        if self.path == "/page.jpg":
            body, kind = b"<html>not an image</html>", "image/jpeg"
        elif self.path == "/slow.png":
            body = png_bytes() + bytes(500)  # sent 16 bytes every 50 ms: about 2 s
        elif self.path == "/big.png":
            body = png_bytes(400, 400, (1, 2, 3)) + bytes(300_000)
        elif self.path == "/missing.png":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if self.path != "/slow.png":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        step = 16 if self.path == "/slow.png" else len(body)
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            if self.path == "/slow.png":
                _time.sleep(0.05)


@pytest.fixture
def image_host():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    server.daemon_threads, server.block_on_close = True, False
    Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_images_are_downloaded_within_bounds_and_sent_once_per_url(store, image_host, monkeypatch):
    sbx, conn = store
    item = replace(magento_items(sbx, conn, 1, variants=False)[0], parent_sku=None,
                   image_urls=[f"{image_host}/a.png", f"{image_host}/b.png"])  # fmt: skip
    assert conn.publish([item]).items[0].status == "applied"
    gallery = sbx.state.data["media"][item.sku]
    assert [e["types"] for e in gallery] == [["image", "small_image", "thumbnail"], []]
    sbx.state.data["media"][item.sku].append({"id": 999, "media_type": "image", "label": "da loja", "position": 9,
                                              "disabled": False, "types": [], "file": "/l/o/loja.jpg"})  # fmt: skip
    bound = replace(item, channel_id=str(sbx.state.data["products"][item.sku]["id"]))
    sbx.state.clear_log()
    conn.publish([bound])  # same URLs: nothing uploaded or deleted
    assert not [w for w in _writes(sbx) if "/media" in w[1]]
    conn.publish([replace(bound, image_urls=[f"{image_host}/b.png", f"{image_host}/c.png"])])
    media = [w for w in _writes(sbx) if "/media" in w[1]]
    assert [m[0] for m in media] == ["DELETE", "POST"]  # a.png's entry out, c.png's in; the store's own kept
    assert {e["id"] for e in sbx.state.data["media"][item.sku]} >= {999}
    assert len(sbx.state.data["media"][item.sku]) == 3
    monkeypatch.setattr(magento_media, "MAX_IMAGE_BYTES", 200_000)
    monkeypatch.setattr(magento_media, "TOTAL_S", 0.3)
    bad = {"missing.png": "HTTP 404", "page.jpg": "não é uma imagem JPEG, PNG ou GIF", "big.png": "o limite é",
           "slow.png": "passou de 0 s"}  # fmt: skip
    for n, (name, why) in enumerate(bad.items()):
        result = conn.publish([replace(item, sku=f"IMG-{n}", image_urls=[f"{image_host}/{name}"])]).items[0]
        assert result.status == "failed" and f"imagem {image_host}/{name}: " in result.reason, result
        assert why in result.reason and "corrija a URL da imagem" in result.reason


def test_value_lists_give_the_category_tree_and_the_sets_options(store):
    _, conn = store
    lists = conn.value_lists()
    assert "Default Category/Roupas/Camisetas" in set(lists["category"]["category"])
    colours = lists["attribute"][lists["attribute"]["attribute"] == "color"]
    assert len(colours) >= 3 and colours["code"].str.isdigit().all()


def test_the_publishing_exercise_covers_every_catalogue_operation(spec_check, capsys):
    with start_sandbox("magento", n_products=10, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        items = magento_items(sbx, conn, 4)
        conn.publish(items)
        rerun = make_connector(sbx)  # a new run reads the families back (options, children)
        rerun.publish([replace(i, image_urls=[sbx.add_file("novo.png", png_bytes(3, 3))]) for i in items])
        conn.value_lists()
        catalogue = [e for e in sbx.state.requests if "/V1/orders" not in e["path"]]
        report = magento_spec().check_log(catalogue)
    assert not report.problems, report.text()
    with capsys.disabled():
        print(
            f"\nmagento publishing exercise: {report.requests} catalogue requests and {report.responses} answers "
            f"validated against shared/specs/magento ({len(report.operations)} operations)"
        )
    assert report.operations >= {
        "GET /V1/products", "GET /V1/products/{sku}", "POST /V1/products", "PUT /V1/products/{sku}",
        "POST /V1/products/{sku}/media", "DELETE /V1/products/{sku}/media/{entryId}", "GET /V1/categories",
        "GET /V1/products/attribute-sets/sets/list", "GET /V1/products/attribute-sets/{attributeSetId}/attributes",
        "GET /V1/configurable-products/{sku}/options/all", "POST /V1/configurable-products/{sku}/options",
        "GET /V1/configurable-products/{sku}/children", "POST /V1/configurable-products/{sku}/child",
    }  # fmt: skip


def test_a_product_the_store_disabled_stays_disabled_and_hidden_and_the_report_says_so(store):
    sbx, conn = store
    active, dropped, off = (replace(i, parent_sku=None) for i in magento_items(sbx, conn, 3, variants=False))
    off = replace(off, active=False)
    report = conn.publish([active, dropped, off])
    products = sbx.state.data["products"]
    assert [(products[i.sku]["status"], products[i.sku]["visibility"]) for i in (active, dropped, off)] == [
        (1, 4), (1, 4), (2, 4)]  # fmt: skip  # creation takes the ERP's state, as before
    products[active.sku].update(status=2, visibility=1)  # the merchant disables and hides it in the admin
    bound = [replace(i, channel_id=r.channel_id, title=f"{i.title} novo") for i, r in zip((active, dropped), report.items[:2],
             strict=True)]  # fmt: skip
    again = conn.publish([bound[0], replace(bound[1], active=False)])  # the ERP stops selling the second one
    assert [r.status for r in again.items] == ["applied", "applied"]
    assert (products[active.sku]["status"], products[active.sku]["visibility"]) == (2, 1)  # not reactivated
    assert products[active.sku]["name"] == bound[0].title  # the content is still updated
    assert "pausado na loja" in again.items[0].note and "reative no canal" in again.items[0].note
    assert (products[dropped.sku]["status"], products[dropped.sku]["visibility"]) == (2, 4)  # a deactivation goes
    assert "pausado" not in again.items[1].note
