"""EZ Commerce (SOAP/WCF) connector: the contract suite adapted to a channel without a catalogue read, the
documented list and status calls, the orders queue and its updates, and the WSDL deciding the contract.

EZ Commerce's catalogue service only writes (``Salvar*``/``Excluir*``), so
``list_listings`` is refused clearly, the sample SKUs come from the sandbox's
store, and the failure tests (429, expired credentials, 5xx, malformed XML)
read through ``fetch_orders`` (``PedidosDisponiveis``) instead.
"""

from __future__ import annotations

import re
import time

import pytest

from connectors.contract import FAST_RETRY, FAULT_RETRY, TEST_RATE, ChannelContract, make_connector, publishing_suite
from connectors.soap_helpers import bundled_matches_sandbox, round_trip
from kit.connectors import connector_for
from kit.connectors.base import OperationNotSupported
from kit.connectors.http import RetryPolicy
from kit.connectors.model import Invoice, PriceItem, ProductItem, Shipment, StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.errors import AuthenticationError, ChannelFatalError, ChannelTransientError, ConfigurationError
from kit.sandbox import start_sandbox
from kit.secrets import SecretsStore


def ezcommerce_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for the EZ Commerce sandbox: a child site category (its id, as the de-para gives it)."""
    leaf = max(sandbox.category_ids())
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Produto novo {k}", description=f"Descrição {k}", brand="Marca da Casa",
            ean="7891234567895", ncm="61091000", weight_kg=0.5 + k / 10, height_cm=3.0, width_cm=20.0,
            length_cm=30.0, price=49.9, stock=5, category=f"ERP > {sandbox.category_ids()[leaf]}",
            channel_category=str(leaf), attributes={"Cor": f"cor-erp-{k}"}, channel_attributes={"Cor": "Azul"},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


TestEzcommercePublishing = publishing_suite(
    "ezcommerce", item_factory=ezcommerce_items, refusal_status=None, finds_existing=False
)


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
        with pytest.raises(OperationNotSupported, match=r"não tem API para listar os anúncios \(list_listings\)"):
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
        with pytest.raises(AuthenticationError, match="recusou as credenciais"):
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
        with pytest.raises(ChannelFatalError, match="o canal respondeu com um XML malformado"):
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
        calls = [r for r in sbx.state.requests if r["path"] == "/catalogows.svc" and r["method"] == "POST"]
        assert len(calls) == 3  # 252 items in batches of 100
        assert b"<ns0:EstoqueAtual>7</ns0:EstoqueAtual>" in calls[0]["body"]
        assert b"EstoqueMinimo" not in calls[0]["body"]  # never sent unless the channel's setting says so
        assert all(p["stock"] == 7 for p in sbx.state.data["products"].values())
        conn.close()


def test_prices_go_as_preco_produto_without_a_promotion():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=3, orders=1) as sbx:
        conn = make_connector(sbx)
        result = conn.update_prices([PriceItem("SKU-000001", 19.9, list_price=29.9), PriceItem("SKU-000002", 0.0)])
        assert [r.status for r in result.items] == ["applied", "failed"]
        body = [r for r in sbx.state.requests if r["path"] == "/catalogows.svc"][-1]["body"].decode()
        assert re.search(r"<ns0:PrecoProduto>19\.90?</ns0:PrecoProduto>", body)
        assert "<ns0:Promocao>false</ns0:Promocao>" in body and "PrecoPromocao" not in body
        assert sbx.state.data["products"]["SKU-000001"]["price"] == 19.9
        conn.close()


def test_confirmed_protocols_leave_the_queue_and_status_updates_use_the_stores_status_ids():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=10, orders=4) as sbx:
        conn = make_connector(sbx, retry=FAST_RETRY)
        page = conn.fetch_orders()
        assert conn.ack_orders(page.orders[:3]) == 3
        assert sbx.waiting() == [int(page.orders[3].order_id)]
        answer = conn.send_invoice(page.orders[0], Invoice(nfe_key="3" * 44, number="55", series="2"))
        assert answer["nfe_sent"] is False  # AtualizarStatusPedido has no NF-e field
        conn.send_tracking(page.orders[0], Shipment(carrier="Correios", code="BR9", url="https://t.example/BR9"))
        invoiced, shipped = sbx.state.data["status_calls"][-2:]
        settings = sbx.channel_settings()
        assert invoiced["StatusID"] == int(settings["status_faturado"]) and "NumeroObjeto" not in invoiced
        assert (shipped["StatusID"], shipped["NumeroObjeto"]) == (int(settings["status_despachado"]), "BR9")
        assert sbx.state.data["orders"][int(page.orders[0].order_id)]["StatusDesc"] == "Despachado"
        conn.close()


def test_status_updates_need_the_stores_status_ids():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=3, orders=1) as sbx:
        sbx.channel_settings = lambda: {"wsdl": "loja"}
        conn = make_connector(sbx)
        with pytest.raises(ConfigurationError, match="StatusID") as info:
            conn.send_tracking("300001", Shipment(carrier="Correios", code="BR1"))
        assert "settings.status_despachado" in info.value.hint
        assert not sbx.state.data["status_calls"]
        conn.close()


def test_a_cancellation_comes_through_pedidos_atualizados_once():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=5, orders=3) as sbx:
        conn = make_connector(sbx)
        first = conn.fetch_orders()
        conn.ack_orders(first.orders)
        target = first.orders[1]
        sbx.cancel_order(target.order_id)
        again = conn.fetch_orders()
        assert [(o.order_id, o.status_raw, o.ack_token.split("|")[0]) for o in again.orders] == [
            (target.order_id, "Cancelado", "atualizado")
        ]
        assert conn.ack_orders(again.orders) == 1
        assert conn.fetch_orders().orders == []
        conn.close()


def test_the_inferred_contract_is_said_plainly():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=3, orders=2) as sbx:
        sbx.channel_settings = lambda: {"wsdl": "inferido", "status_faturado": "4", "status_despachado": "5"}
        conn = make_connector(sbx)
        report = conn.test_connection()
        assert report.ok and "contrato inferido" in report.message
        assert not any("wsdl" in str(r["query"]) for r in sbx.state.requests)  # nothing fetched from the store
        assert len(conn.fetch_orders().orders) == 2
        conn.close()


def test_the_bundled_inferred_contract_is_the_sandboxs_reading_of_the_documents():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=2, orders=1) as sbx:
        assert bundled_matches_sandbox(sbx, "ezcommerce") == 2


def test_render_order_round_trips_through_the_connector():
    assert round_trip("ezcommerce") >= 5
