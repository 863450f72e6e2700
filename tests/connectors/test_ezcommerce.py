"""EZ Commerce (SOAP/WCF) connector: the contract suite adapted to a channel without a catalogue read.

EZ Commerce's catalogue service only writes (``Salvar*``/``Excluir*``), so
``list_listings`` is refused clearly, the sample SKUs come from the sandbox's
store, and the failure tests (429, expired credentials, 5xx, malformed XML)
read through ``fetch_orders`` (``PedidosDisponiveis``) instead.
"""

from __future__ import annotations

import time

import pytest

from connectors.contract import FAST_RETRY, FAULT_RETRY, TEST_RATE, ChannelContract, make_connector
from kit.connectors import connector_for
from kit.connectors.base import OperationNotSupported
from kit.connectors.http import RetryPolicy
from kit.connectors.model import Invoice, PriceItem, Shipment, StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.errors import AuthenticationError, ChannelFatalError, ChannelTransientError
from kit.sandbox import start_sandbox
from kit.secrets import SecretsStore


class TestEzcommerceContract(ChannelContract):
    channel_type = "ezcommerce"
    products = 60
    acks = True
    write_path = "catalogows"
    page_method = "call"

    def connector_for(self, sandbox, **options):
        self.store = sandbox
        return super().connector_for(sandbox, **options)

    def sample_items(self, connector, n: int = 8):
        return self.store.listings_frame().head(n)

    def test_pagination_terminates_with_every_listing(self, connector):
        with pytest.raises(OperationNotSupported, match="has no API for list_listings"):
            connector.list_listings()

    def test_pagination_refuses_a_channel_that_repeats_pages(self, sandbox, connector, monkeypatch):
        # The queue never empties while nothing is confirmed: one fetch reads it once, in bounded time.
        started = time.monotonic()
        first = connector.fetch_orders()
        second = connector.fetch_orders()
        assert {o.order_id for o in first.orders} == {o.order_id for o in second.orders}
        assert len({o.order_id for o in first.orders}) == len(first.orders) == len(sandbox.state.data["orders"])
        assert time.monotonic() - started < 10

    def test_429_is_retried_within_the_budget(self, sandbox, connector):
        rows = self.sample_items(connector, 6)
        sandbox.state.clear_log()
        sandbox.set_rate_limit(20, burst=1)
        conn = make_connector(sandbox, retry=RetryPolicy(10_000, 0.005, 0.05, 0.02, budget_s=20))  # budget-bound
        for _ in range(5):
            assert conn.fetch_orders().orders
        items = [StockItem(r.sku, 3) for r in rows.itertuples()]
        result = conn.update_stock(items)
        result.assert_accounted(items)
        assert result.failed == 0, result.failures()
        assert sandbox.state.count(429) > 0

    def test_wrong_credentials_give_a_clear_auth_error(self, sandbox):
        channel = sandbox.channel(store_credentials=False)
        wrong = {k: f"wrong-{k}-value-0000" for k in sandbox.credentials}
        SecretsStore().update(channel.credentials_ref, wrong)
        conn = connector_for(channel, retry=FAST_RETRY, rate_limit=TEST_RATE)
        with pytest.raises(AuthenticationError) as info:
            conn.fetch_orders()
        assert info.value.channel == channel.name and info.value.status == 401
        assert not any(value in str(info.value) for value in wrong.values())
        report = conn.test_connection()
        assert not report.ok and report.missing_permissions == ["credentials"]

    def test_5xx_is_retried(self, sandbox):
        connector = self.connector_for(sandbox, retry=FAULT_RETRY)
        rows = self.sample_items(connector)
        sandbox.faults.update(error_rate=0.3, seed=7)
        assert len(connector.fetch_orders().orders) == len(sandbox.state.data["orders"])
        items = [StockItem(r.sku, 11) for r in rows.itertuples()]
        result = connector.update_stock(items)
        result.assert_accounted(items)
        assert result.failed == 0, result.failures()
        assert sandbox.state.count(503) > 0

    def test_expired_token_is_refreshed_or_reported(self, sandbox, connector):
        connector.fetch_orders()
        sandbox.credentials = {k: v + "-rotated" for k, v in sandbox.credentials.items()}
        with pytest.raises(AuthenticationError, match="rejected the credentials"):
            connector.fetch_orders()

    def test_persistent_5xx_is_reported_per_item(self, sandbox, connector):
        rows = self.sample_items(connector, 4)
        sandbox.faults.update(error_rate=1.0, path_pattern=self.write_path)
        items = [StockItem(r.sku, 1) for r in rows.itertuples()]
        result = connector.update_stock(items)
        result.assert_accounted(items)
        assert result.failed == len(items) and all("503" in r.reason for r in result.items)
        sandbox.faults.update(path_pattern="")
        with pytest.raises(ChannelTransientError) as info:
            connector.fetch_orders()
        assert info.value.status == 503 and info.value.request_id

    def test_malformed_json_is_a_clear_fatal_error(self, sandbox, connector):
        sandbox.faults.update(malformed_rate=1.0)
        with pytest.raises(ChannelFatalError, match="malformed XML"):
            connector.fetch_orders()

    def test_updates_show_in_listings(self, sandbox, connector):
        rows = self.sample_items(connector, 5)
        stock = [StockItem(r.sku, 100 + n) for n, r in enumerate(rows.itertuples())]
        prices = [PriceItem(r.sku, 50.0 + n, list_price=80.0) for n, r in enumerate(rows.itertuples())]
        assert connector.update_stock(stock).applied == len(stock)
        assert connector.update_prices(prices).applied == len(prices)
        after = sandbox.listings_frame().set_index("sku")
        for item in stock:
            assert after.loc[item.sku, "stock"] == item.quantity
        for item in prices:
            assert after.loc[item.sku, "price"] == pytest.approx(item.price)


def test_batches_follow_items_per_request_and_results_map_to_items():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=250, orders=1) as sbx:
        conn = make_connector(sbx, retry=FAST_RETRY)
        skus = sorted(sbx.state.data["products"])
        items = [StockItem(s, 7) for s in skus] + [StockItem("NOPE-1", 1)]
        items.insert(120, StockItem("NOPE-2", 2))
        result = conn.update_stock(items)
        result.assert_accounted(items)
        assert [r.sku for r in result.failures()] == ["NOPE-2", "NOPE-1"]
        assert all("não encontrado" in r.reason for r in result.failures())
        calls = [r for r in sbx.state.requests if r["path"] == "/catalogows.svc"]
        assert len(calls) == 3  # 252 items in batches of 100
        assert all(p["stock"] == 7 for p in sbx.state.data["products"].values())
        conn.close()


def test_confirmed_protocols_leave_the_queue_and_status_updates_carry_invoice_and_tracking():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=10, orders=4) as sbx:
        conn = make_connector(sbx, retry=FAST_RETRY)
        page = conn.fetch_orders()
        assert conn.ack_orders(page.orders[:3]) == 3
        assert sbx.waiting() == [page.orders[3].order_id]
        conn.send_invoice(page.orders[0], Invoice(nfe_key="3" * 44, number="55", series="2"))
        conn.send_tracking(page.orders[0], Shipment(carrier="Correios", code="BR9", url="https://t.example/BR9"))
        assert sbx.state.data["status_calls"][-1]["ChaveNotaFiscal"] == "3" * 44
        assert sbx.state.data["packages"][-1]["CodigoObjeto"] == "BR9"
        assert sbx.state.data["orders"][page.orders[0].order_id]["Status"] == "Despachado"
        conn.close()
