"""Rakuten (IKCWebservice, SOAP) connector: the contract suite plus envelope, header keys and Codigo refusals."""

from __future__ import annotations

from connectors.contract import contract_suite, make_connector
from kit.connectors.model import StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox

TestRakutenContract = contract_suite(
    "rakuten", products=120, acks=True, write_path="estoque", auth_statuses=(500,), page_method="call"
)


def test_envelope_carries_keys_in_the_soap_header_and_the_soap_action():
    reset_buckets()
    with start_sandbox("rakuten", rate_limit=(5000, 5000), n_products=3, orders=1) as sbx:
        conn = make_connector(sbx)
        result = conn.update_stock([StockItem("SKU-000001", 9)])
        assert result.applied == 1
        sent = [r for r in sbx.state.requests if r["path"] == "/ikcwebservice/estoque.asmx"][-1]
        body = sent["body"].decode()
        assert "<ns0:clsSoapHeader" in body or "clsSoapHeader" in body
        assert sbx.credentials["a1"] in body and sbx.credentials["a2"] in body
        assert sent["headers"]["SOAPAction"] == '"http://www.ikeda.com.br/Salvar"'
        assert sbx.state.data["skus"]["SKU-000001"]["QtdEstoque"] == 9
        conn.close()


def test_a_codigo_other_than_1_fails_the_item_with_the_channel_description():
    reset_buckets()
    with start_sandbox("rakuten", rate_limit=(5000, 5000), n_products=3, orders=1) as sbx:
        conn = make_connector(sbx)
        result = conn.update_stock([StockItem("SKU-000002", 1), StockItem("NOT-THERE", 1)])
        assert [r.status for r in result.items] == ["applied", "failed"]
        assert "Codigo 2" in result.items[1].reason and "não encontrado" in result.items[1].reason
        assert result.items[1].attempts == 1  # a refusal is not retried
        conn.close()
