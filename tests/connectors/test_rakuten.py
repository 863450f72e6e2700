"""Rakuten (IKCWebservice, SOAP) connector: the contract suite, where the keys travel, Codigo refusals, the
order lifecycle, and the WSDL deciding the contract."""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest

from connectors.contract import ChannelContract, make_connector, publishing_suite
from connectors.soap_helpers import bundled_matches_sandbox, round_trip
from kit.connectors.model import Invoice, PriceItem, ProductItem, Shipment, StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox

NS = "http://www.ikeda.com.br"


class TestRakutenContract(ChannelContract):
    channel_type = "rakuten"
    products = 120
    acks = True
    write_path = "estoque"
    auth_statuses = (500,)  # SOAP 1.1 faults travel as HTTP 500
    page_method = "call"

    def test_pagination_refuses_a_channel_that_repeats_pages(self, sandbox, connector):
        # The documented sku.Listar has no paging parameters: one call lists the store, bounded by construction.
        sandbox.state.clear_log()
        assert len(connector.list_listings()) == self.products
        calls = [r for r in sandbox.state.requests if r["path"].endswith("sku.asmx") and r["method"] == "POST"]
        assert len(calls) == 1

    def test_updates_show_in_listings(self, connector):
        # sku.Listar carries no stock (the documented clsProdutoCaracteristica has none): stock is read back
        # with estoque.Retornar, prices with sku.Listar.
        rows = self.sample_items(connector, 5)
        stock = [StockItem(r.sku, 100 + n) for n, r in enumerate(rows.itertuples())]
        prices = [PriceItem(r.sku, 50.0 + n) for n, r in enumerate(rows.itertuples())]
        assert connector.update_stock(stock).applied == len(stock)
        assert connector.update_prices(prices).applied == len(prices)
        after = connector.list_listings().set_index("sku")
        for item in stock:
            assert connector.stock_of(item.sku)[0] == item.quantity
        for item in prices:
            assert after.loc[item.sku, "price"] == pytest.approx(item.price)


def rakuten_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for the Rakuten sandbox: a child category of its tree (as a path), families of two."""
    leaf = next(code for code, c in sorted(sandbox.state.data["categories"].items()) if c["PaiInterno"])
    path = sandbox.category_paths()[leaf]
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Produto novo {k}", description=f"Descrição {k}", brand="Marca da Casa",
            ean="7891234567895", ncm="61091000", weight_kg=0.5 + k / 10, height_cm=3.0, width_cm=20.0,
            length_cm=30.0, price=49.9, stock=5, category=f"ERP > {path}", channel_category=path,
            attributes={"Cor": f"cor-erp-{k}"}, channel_attributes={"Cor": ("Azul", "Verde")[k % 2]},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


TestRakutenPublishing = publishing_suite("rakuten", item_factory=rakuten_items, refusal_status=None)


@pytest.fixture
def store():
    reset_buckets()
    with start_sandbox("rakuten", rate_limit=(5000, 5000), n_products=4, orders=3) as sbx:
        yield sbx


def _posts(sbx, path: str) -> list[str]:
    return [r["body"].decode() for r in sbx.state.requests if r["method"] == "POST" and r["path"].endswith(path)]


def test_keys_travel_in_the_soap_header_the_wsdl_declares(store):
    conn = make_connector(store)
    assert conn.update_stock([StockItem("SKU-000001", 9)]).applied == 1
    body = _posts(store, "estoque.asmx")[-1]
    header = re.search(r"<soap-env:Header>(.*)</soap-env:Header>", body).group(1)
    assert "clsSoapHeader" in header and store.credentials["a1"] in header and store.credentials["a2"] in header
    salvar = re.search(r"<ns0:Salvar .*</ns0:Salvar>", body).group(0)
    assert store.credentials["a1"] not in salvar
    sent = [r for r in store.state.requests if r["path"].endswith("estoque.asmx")][-1]
    assert sent["headers"]["SOAPAction"] == f'"{NS}/Salvar"'
    assert store.state.data["skus"]["SKU-000001"]["Qtde"] == 9
    conn.close()


def test_a_wsdl_with_the_keys_as_body_parameters_decides_their_place(store, tmp_path):
    """Where a store's WSDL declares A1/A2 as parameters of the call, the connector sends them there."""
    folder = tmp_path / "wsdl"
    folder.mkdir()
    for service in ("sku", "estoque", "pedido"):
        shutil.copy(conn_bundled(service), folder / f"{service}.wsdl")
    text = (folder / "estoque.wsdl").read_text(encoding="utf-8")
    params = '<s:element minOccurs="0" maxOccurs="1" name="A1" type="s:string" />'
    params += '<s:element minOccurs="0" maxOccurs="1" name="A2" type="s:string" />'
    text = text.replace('name="TipoAlteracao" type="s:int" />', 'name="TipoAlteracao" type="s:int" />' + params, 1)
    text = re.sub(r"<wsoap:header [^>]*/>", "", text, count=1)  # Salvar's header only
    (folder / "estoque.wsdl").write_text(text, encoding="utf-8")
    store.channel_settings = lambda: {"loja": "1234", "wsdl": str(folder)}
    conn = make_connector(store)
    result = conn.update_stock([StockItem("SKU-000002", 3)])
    body = _posts(store, "estoque.asmx")[-1]
    assert "<soap-env:Header" not in body
    assert re.search(r"<ns0:TipoAlteracao>3</ns0:TipoAlteracao><ns0:A1>[^<]+</ns0:A1><ns0:A2>", body)
    # The sandbox follows the documented header placement, so it refuses: the store's WSDL, not the kit, decides.
    assert result.failed == 1 and "A1" in result.items[0].reason
    conn.close()


def conn_bundled(service: str):
    from kit.connectors.soap import BUNDLED

    return BUNDLED / "rakuten" / f"{service}.wsdl"


def test_a_codigo_other_than_1_fails_the_item_with_the_channel_description(store):
    conn = make_connector(store)
    result = conn.update_prices([PriceItem("SKU-000002", 10.0), PriceItem("NOT-THERE", 10.0)])
    assert [r.status for r in result.items] == ["applied", "failed"]
    assert "Codigo 2" in result.items[1].reason and "não encontrado" in result.items[1].reason
    assert result.items[1].attempts == 1  # a refusal is not retried
    conn.close()


def test_a_stock_push_keeps_the_stores_minimum_unless_a_setting_fixes_it(store):
    store.state.data["skus"]["SKU-000003"]["QtdeMinimo"] = 4
    conn = make_connector(store)
    assert conn.update_stock([StockItem("SKU-000003", 12)]).applied == 1
    assert store.state.data["skus"]["SKU-000003"]["QtdeMinimo"] == 4
    assert "<ns0:QtdMinima>4</ns0:QtdMinima>" in _posts(store, "estoque.asmx")[-1]
    store.channel_settings = lambda: {"loja": "1234", "wsdl": "loja", "qtd_minima": "2"}
    fixed = make_connector(store)
    assert fixed.update_stock([StockItem("SKU-000003", 11)]).applied == 1
    assert store.state.data["skus"]["SKU-000003"]["QtdeMinimo"] == 2
    conn.close()
    fixed.close()


def test_invoice_records_number_and_series_without_a_key_and_tracking_ships(store):
    conn = make_connector(store)
    order = conn.fetch_orders().orders[0]
    before = store.state.data["orders"][int(order.order_id)]["PedidoStatus"]
    answer = conn.send_invoice(order.order_id, Invoice(nfe_key="3" * 44, number="5521", series="2"))
    stored = store.state.data["orders"][int(order.order_id)]
    assert answer["nfe_key_sent"] is False and "3" * 44 not in _posts(store, "pedido.asmx")[-1]
    assert (stored["PedidoStatus"], stored["NumeroNF"], stored["SerieNF"]) == (before, "5521", "2")
    conn.send_tracking(order.order_id, Shipment(carrier="Correios", code="QB123456789BR"))
    assert (stored["PedidoStatus"], stored["Sedex"], stored["NumeroNF"]) == (17, "QB123456789BR", "5521")
    conn.close()


def test_the_inferred_contract_is_said_plainly_and_a_missing_wsdl_is_reported(store):
    store.channel_settings = lambda: {"loja": "1234", "wsdl": "inferido"}
    inferred = make_connector(store)
    report = inferred.test_connection()
    assert report.ok and "contrato inferido" in report.message and report.details["contract"] == "inferido"
    assert inferred.update_stock([StockItem("SKU-000001", 5)]).applied == 1
    store.contract = dataclasses.replace(store.contract, services={})  # this store serves no WSDL (404)
    store.channel_settings = lambda: {"loja": "1234", "wsdl": "loja"}
    report = make_connector(store).test_connection()
    assert not report.ok and "não foi possível ler o contrato SOAP" in report.message
    assert "settings.wsdl" in report.message


def test_the_bundled_inferred_contract_is_the_sandboxs_reading_of_the_documents(store):
    assert bundled_matches_sandbox(store, "rakuten") == 6  # sku, estoque, pedido + produto, ProdutoCategoria, categoria


def test_render_order_round_trips_through_the_connector():
    assert round_trip("rakuten") >= 5
