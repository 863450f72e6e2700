"""Magento 2 connector: the contract suite plus Magento specifics (bulk batches, per-item price errors)."""

from __future__ import annotations

from connectors.contract import contract_suite

TestMagentoContract = contract_suite("magento", products=250)


# -- Magento specifics ------------------------------------------------------------------------
import json  # noqa: E402

import pytest  # noqa: E402

from connectors.contract import make_connector  # noqa: E402
from kit.channels import Channel  # noqa: E402
from kit.connectors import connector_for  # noqa: E402
from kit.connectors.model import Invoice, PriceItem, Shipment, StockItem  # noqa: E402
from kit.errors import ConfigurationError  # noqa: E402
from kit.sandbox import start_sandbox  # noqa: E402


def test_stock_goes_in_bulk_batches_of_at_most_20_and_a_bad_sku_fails_alone():
    with start_sandbox("magento", n_products=60, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        skus = sorted(sbx.state.data["products"])[:45]
        items = [StockItem(s, 7) for s in skus[:30]] + [StockItem("GHOST-1", 3)] + [StockItem(s, 8) for s in skus[30:]]
        result = conn.update_stock(items)
        result.assert_accounted(items)
        assert result.counts == {"applied": 45, "failed": 1, "skipped": 0}
        ghost = next(r for r in result.items if r.sku == "GHOST-1")
        assert "GHOST-1" in ghost.reason
        posts = [json.loads(e["body"])["sourceItems"] for e in sbx.state.requests if e["method"] == "POST"]
        assert max(len(p) for p in posts) == 20
        assert all(sbx.state.data["sources"][(s, "default")]["quantity"] == (7 if s in skus[:30] else 8) for s in skus)


def test_base_prices_report_refused_skus_per_item():
    with start_sandbox("magento", n_products=10, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        sku = sorted(sbx.state.data["products"])[0]
        result = conn.update_prices([PriceItem(sku, 129.9), PriceItem("GHOST-2", 10.0)])
        assert [r.status for r in result.items] == ["applied", "failed"]
        assert "GHOST-2" in result.items[1].reason
        assert sbx.state.data["products"][sku]["price"] == 129.9


def test_orders_are_filtered_on_updated_at_and_the_cursor_moves_forward():
    with start_sandbox("magento", n_products=10, orders=12, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        page = conn.fetch_orders(since="2000-01-01T00:00:00-03:00")
        assert len(page.orders) == 12
        query = [e["query"] for e in sbx.state.requests if e["path"].endswith("/V1/orders")][0]
        assert query["searchCriteria[filter_groups][0][filters][0][field]"] == ["updated_at"]
        assert query["searchCriteria[filter_groups][0][filters][0][value]"] == ["2000-01-01 03:00:00"]  # UTC
        assert page.cursor == max(o.updated_at for o in page.orders)
        order = page.orders[0]
        conn.send_invoice(order, Invoice(nfe_key="4" * 44, number="55", series="1"))
        conn.send_tracking(order.order_id, Shipment(carrier="correios", code="BR9", service="PAC"))
        again = conn.fetch_orders(cursor=page.cursor)
        assert order.order_id in {o.order_id for o in again.orders}  # it changed: it comes back
        comment = sbx.state.data["orders"][int(order.order_id)]["status_histories"][-1]["comment"]
        assert "4" * 44 in comment


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
    with pytest.raises(ConfigurationError, match="base URL"):
        connector_for(channel)
