"""Walmart connector: the contract suite plus tokens, WM_* headers, cursor paging and error bodies."""

from __future__ import annotations

import time

import pytest

from connectors.contract import contract_suite, make_connector
from kit.connectors.model import StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox

TestWalmartContract = contract_suite(
    "walmart", products=120, refreshes=True, acks=True, write_path="^/v3/(inventory|price)"
)


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


def test_orders_follow_next_cursor_and_ack_empties_the_created_list(walmart):
    sbx, conn = walmart
    for _ in range(230):
        sbx.add_order(sbx.make_order(status="Created"))
    page = conn.fetch_orders(since="2000-01-01T00:00:00+00:00")
    assert len({o.order_id for o in page.orders}) == 230
    cursors = [r["query"].get("hasMoreElements") for r in sbx.state.requests if r["path"] == "/v3/orders"]
    assert cursors == [None, ["true"], ["true"]]  # first page, then twice the nextCursor query
    assert conn.ack_orders(page.orders) == 230
    assert conn.fetch_orders(since="2000-01-01T00:00:00+00:00").orders == []


def test_error_body_detail_reaches_the_item_reason(walmart):
    sbx, conn = walmart
    result = conn.update_stock([StockItem("NO-SUCH-SKU", 3)])
    assert result.failed == 1
    assert "HTTP 404" in result.items[0].reason and "not found" in result.items[0].reason
