"""Via / Casas Bahia (Cnova) connector: the contract suite plus the silent page cap, trackings and stock bodies."""

from __future__ import annotations

import json

import pytest
import requests

from connectors.contract import contract_suite, make_connector, publishing_suite
from connectors.roundtrip import assert_same_order
from kit.connectors.model import FAILED, Invoice, PriceItem, ProductItem, Shipment, StockItem
from kit.errors import ChannelFatalError
from kit.sample import generate_catalog, generate_orders
from kit.sandbox import start_sandbox
from kit.sandbox.cnova import render_order

_Contract = contract_suite("cnova", products=120, write_path="^/sellerItems/")
FAST = (5000, 5000)


def cnova_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for the Via sandbox: the seller's own category path, families by productSellerId."""
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Garrafa térmica nova {k}", description=f"<p>Descrição {k}</p>", brand="Atlântica",
            ean="7891234567895", ncm="96170010", weight_kg=0.5 + k / 10, height_cm=25.0, width_cm=8.0,
            length_cm=8.0, price=49.9, stock=5, category="Casa > Utilidades", channel_category="Casa>Utilidades",
            attributes={"Cor": "cor-erp-preto", "Tamanho": f"tam-erp-{k % 2}"},
            channel_attributes={"Cor": "Preto", "Capacidade": ("500 ml", "1 l")[k % 2]},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


TestCnovaPublishing = publishing_suite("cnova", item_factory=cnova_items, created_statuses=("pending",), updates=False)


class TestCnovaContract(_Contract):
    def test_a_price_cut_past_half_is_refused_and_reported(self, connector):
        """Via refuses a cut of more than half the current price (422); the item fails with the reason."""
        row = next(self.sample_items(connector, 1).itertuples())
        cut = connector.update_prices([PriceItem(row.sku, round(float(row.price) * 0.4, 2))])
        assert cut.counts[FAILED] == 1 and "variação de preço muito grande" in cut.items[0].reason
        assert connector.list_listings().set_index("sku").loc[row.sku, "price"] == pytest.approx(float(row.price))


def test_listings_and_orders_paginate_by_what_the_server_served():
    # The server serves 7 per page whatever _limit asks (50): nothing may be lost or repeated.
    with start_sandbox("cnova", rate_limit=FAST, n_products=40, orders=30, page_cap=7) as sbx:
        conn = make_connector(sbx)
        listings = conn.list_listings()
        assert sorted(listings["sku"]) == sorted(sbx.state.data["items"])
        reads = [r for r in sbx.state.requests if r["path"] == "/sellerItems"]
        assert [int(r["query"]["_offset"][0]) for r in reads] == [0, 7, 14, 21, 28, 35]
        assert all(r["query"]["_limit"] == ["50"] and r["query"]["site"] == ["CB"] for r in reads)
        page = conn.fetch_orders(since="2000-01-01T00:00:00+00:00")
        assert sorted(o.order_id for o in page.orders) == sorted(sbx.state.data["orders"])
        conn.close()


def test_stock_updates_leave_the_sellers_handling_time_alone_unless_asked():
    with start_sandbox("cnova", rate_limit=FAST, n_products=4, orders=0) as sbx:
        sku = sorted(sbx.state.data["items"])[0]
        conn = make_connector(sbx)
        assert conn.update_stock([StockItem(sku, 7)]).applied == 1
        sent = json.loads(sbx.state.requests[-1]["body"])
        assert sent == {"quantity": 7, "warehouse": 1}
        assert sbx.state.data["items"][sku]["stocks"][0] == {"warehouse": 1, "quantity": 7, "reserved": 0,
                                                              "crossDockingTime": 3}  # fmt: skip
        conn.close()
        channel = sbx.channel()
        channel.settings["cross_docking_days"] = "5"
        from connectors.contract import FAST_RETRY, TEST_RATE, TEST_TIMEOUTS
        from kit.connectors import connector_for

        conn = connector_for(channel, retry=FAST_RETRY, timeouts=TEST_TIMEOUTS, rate_limit=TEST_RATE)
        assert conn.update_stock([StockItem(sku, 8)]).applied == 1
        assert sbx.state.data["items"][sku]["stocks"][0]["crossDockingTime"] == 5
        conn.close()


def _approved_sandbox():
    """A sandbox holding approved orders (ready to invoice), each with two units or more."""
    catalog = generate_catalog(6, seed=11)
    specs = [dict(s, status_raw="approved") for s in generate_orders(catalog, "cnova", 6, seed=12)]
    return start_sandbox("cnova", rate_limit=FAST, catalog=catalog, orders=[render_order(s) for s in specs])


def _approved_order(sbx) -> str:
    return next(oid for oid, o in sorted(sbx.state.data["orders"].items()) if o["_state"] == "approved")


def test_invoice_and_shipment_are_separate_events():
    with _approved_sandbox() as sbx:
        conn = make_connector(sbx)
        order_id = _approved_order(sbx)
        conn.send_invoice(order_id, Invoice(nfe_key="3" * 44, number="123", series="1"))
        conn.send_tracking(order_id, Shipment(carrier="Correios", code="BR123", url="https://rastreio/BR123"))
        posts = [(r["path"], json.loads(r["body"])) for r in sbx.state.requests if r["method"] == "POST"]
        assert [p for p, _ in posts] == [f"/orders/{order_id}/trackings/invoice", f"/orders/{order_id}/trackings/sent"]
        invoice, sent = posts[0][1], posts[1][1]
        items = [i["id"] for i in sbx.state.data["orders"][order_id]["items"]]
        assert invoice["items"] == items == sent["items"]
        assert invoice["invoice"]["accessKey"] == "3" * 44 and "carrier" not in invoice and "number" not in invoice
        assert sent["number"] == "BR123" and sent["carrier"] == {"name": "Correios"} and "invoice" not in sent
        assert sbx.state.data["orders"][order_id]["_state"] == "sent"
        # Retried events are done, not sent again.
        sbx.state.clear_log()
        conn.send_invoice(order_id, Invoice(nfe_key="3" * 44, number="123", series="1"))
        conn.send_tracking(order_id, Shipment(carrier="Correios", code="BR123"))
        assert not [r for r in sbx.state.requests if r["method"] == "POST"]
        conn.close()


def test_shipping_before_the_invoice_is_refused():
    with _approved_sandbox() as sbx:
        conn = make_connector(sbx)
        order_id = _approved_order(sbx)
        with pytest.raises(ChannelFatalError) as info:
            conn.send_tracking(order_id, Shipment(carrier="Correios", code="BR123"))
        assert info.value.status == 422 and sbx.state.data["orders"][order_id]["_state"] == "approved"
        sbx.cancel_order(order_id)
        with pytest.raises(ChannelFatalError, match="cancelado"):
            conn.send_invoice(order_id, Invoice(nfe_key="3" * 44, number="123"))
        conn.close()


@pytest.mark.parametrize(
    ("path", "query", "body"),
    [
        ("/sellerItems/{sku}/stock", "", {"quantity": "5"}),  # quantity as text
        ("/sellerItems/{sku}/stock", "", {"quantity": 5, "crossDockingTime": "2"}),
        ("/sellerItems/{sku}/prices", "", {"default": 10, "offer": 12}),  # offer above default
        ("/orders/status/approved", "?approvedAt=2026-01-01,*", None),  # _offset/_limit missing
        ("/orders/status/approved", "?approvedAt=ontem&_offset=0&_limit=5", None),
    ],
)
def test_the_sandbox_validates_requests_like_the_channel(path, query, body):
    with start_sandbox("cnova", rate_limit=FAST, n_products=3, orders=2) as sbx:
        url = sbx.url + path.format(sku=sorted(sbx.state.data["items"])[0]) + query
        headers = dict(sbx.credentials)
        r = (
            requests.put(url, json=body, headers=headers, timeout=5)
            if body
            else requests.get(url, headers=headers, timeout=5)
        )
        assert r.status_code == 400
        assert r.json()["errors"][0]["message"]


def test_render_order_round_trips_through_the_connector():
    catalog = generate_catalog(8, seed=3)
    specs = generate_orders(catalog, "cnova", 15, seed=4)
    with start_sandbox("cnova", rate_limit=FAST, catalog=catalog, orders=[render_order(s) for s in specs]) as sbx:
        conn = make_connector(sbx)
        by_id = {o.order_id: o for o in conn.fetch_orders(since="2026-11-01T00:00:00+00:00").orders}
        assert set(by_id) == {s["order_id"] for s in specs}
        for spec in specs:
            assert_same_order(
                spec, by_id[spec["order_id"]], address_keys=("street", "number", "city", "state", "zipcode")
            )
            # By id only the consolidated status code is known: a partial state reads as its whole one.
            whole = {"partiallySent": "sent", "partiallyDelivered": "delivered"}.get(
                spec["status_raw"], spec["status_raw"]
            )
            assert_same_order(dict(spec, status_raw=whole), conn.get_order(spec["order_id"]))
            assert by_id[spec["order_id"]].updated_at is not None
        conn.close()
