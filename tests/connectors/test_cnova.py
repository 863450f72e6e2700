"""Via / Casas Bahia (Cnova) connector: the contract suite plus the silent page cap."""

from __future__ import annotations

from connectors.contract import contract_suite, make_connector
from kit.connectors.model import Invoice, Shipment
from kit.sandbox import start_sandbox

TestCnovaContract = contract_suite("cnova", products=120, write_path="^/sellerItems/")


def test_listings_and_orders_paginate_by_what_the_server_served():
    # The server serves 7 per page whatever _limit asks (50): nothing may be lost or repeated.
    with start_sandbox("cnova", rate_limit=(5000, 5000), n_products=40, orders=30, page_cap=7) as sbx:
        conn = make_connector(sbx)
        listings = conn.list_listings()
        assert sorted(listings["sku"]) == sorted(sbx.state.data["items"])
        offsets = [int(r["query"]["_offset"][0]) for r in sbx.state.requests if r["path"] == "/sellerItems"]
        assert offsets == [0, 7, 14, 21, 28, 35]
        assert all(r["query"]["_limit"] == ["50"] for r in sbx.state.requests if r["path"] == "/sellerItems")
        page = conn.fetch_orders(since="2000-01-01T00:00:00+00:00")
        assert sorted(o.order_id for o in page.orders) == sorted(sbx.state.data["orders"])
        conn.close()


def test_tracking_with_invoice_names_the_order_items():
    with start_sandbox("cnova", rate_limit=(5000, 5000), n_products=10, orders=3) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders(since="2000-01-01T00:00:00+00:00").orders[0]
        conn.send_invoice(
            order,
            Invoice(nfe_key="3" * 44, number="123", series="1", shipment=Shipment(carrier="Correios", code="BR123")),
        )
        sent = sbx.state.data["orders"][order.order_id]["trackings"][-1]
        assert sent["items"] == [i["id"] for i in order.raw["items"]]
        assert sent["invoice"]["accessKey"] == "3" * 44 and sent["number"] == "BR123"
        conn.close()
