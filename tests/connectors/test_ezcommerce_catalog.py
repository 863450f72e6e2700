"""EZ Commerce publishing beyond the shared contract: what SalvarProduto carries and what it cannot (said per SKU),
updates refused per SKU with the reason, a category that is not the store's number refused before anything is sent,
and the jobs binding SKUs by the ERP SKU."""

from __future__ import annotations

import dataclasses
import re

import pytest

from connectors.contract import make_connector
from connectors.test_ezcommerce import ezcommerce_items
from kit.connectors.ezcommerce_catalog import NO_UPDATE
from kit.connectors.model import StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox


@pytest.fixture
def store():
    reset_buckets()
    with start_sandbox("ezcommerce", rate_limit=(5000, 5000), n_products=4, orders=0) as sbx:
        yield sbx


@pytest.fixture
def conn(store):
    connector = make_connector(store)
    yield connector
    connector.close()


def _sent(store) -> str:
    return [e["body"].decode() for e in store.state.requests if e["method"] == "POST"][-1]


def test_a_product_is_saved_by_the_sku_with_what_the_erp_owns(store, conn):
    item = ezcommerce_items(store, conn, 1)[0]
    result = conn.publish([item]).items[0]
    assert (result.status, result.action, result.channel_id) == ("applied", "create", item.sku)
    record = store.state.data["records"][item.sku]
    assert (record["CodigoIntegracao"], record["Nome"], record["SiteCategoriaPrincipal"]) == (
        item.sku, item.title, int(item.channel_category))  # fmt: skip
    assert float(record["Peso"]) == pytest.approx(item.weight_kg) and float(record["Preco"]) == pytest.approx(49.9)
    assert "EstoqueAtual" not in _sent(store)  # the stock job owns the quantity
    for said in ("imagens não enviadas", "marca não enviada", "EAN não enviado", "NCM não enviado",
                 "atributos não enviados", "família não usada"):  # fmt: skip
        assert said in result.note
    plain = dataclasses.replace(item, sku="SIMPLES", ean=None, ncm=None, brand="", image_urls=[], attributes={},
                                channel_attributes={}, parent_sku=None)  # fmt: skip
    assert conn.publish([plain]).items[0].note == ""


def test_an_existing_product_is_not_updated_and_the_reason_is_said_per_sku(store, conn):
    item = dataclasses.replace(ezcommerce_items(store, conn, 1)[0], channel_id="SKU-000001", sku="SKU-000001")
    store.state.clear_log()
    result = conn.publish([item]).items[0]
    assert (result.status, result.reason) == ("skipped", NO_UPDATE)
    assert [e for e in store.state.requests if e["method"] == "POST"] == []


def test_a_category_that_is_not_the_stores_number_is_refused_before_sending(store, conn):
    item = dataclasses.replace(ezcommerce_items(store, conn, 1)[0], channel_category="Casa > Cozinha")
    store.state.clear_log()
    result = conn.publish([item]).items[0]
    assert result.status == "failed" and "não é um SiteCategoriaID" in result.reason and "kit depara" in result.reason
    assert store.state.requests == []
    unknown = dataclasses.replace(item, channel_category="999")  # a number the store does not have: its refusal
    refused = conn.publish([unknown]).items[0]
    assert refused.status == "failed" and re.search(r"SiteCategoriaPrincipal 999 não é uma categoria", refused.reason)


def test_bindings_by_sku_keep_what_the_products_job_recorded(conn):
    rows = conn.sku_bindings(["A", "B", "A"], {"B": {"channel_id": "B", "variation_id": None}})
    assert rows == [{"sku": "A", "channel_id": "A", "variation_id": None},
                    {"sku": "B", "channel_id": "B", "variation_id": None}]  # fmt: skip
    assert conn.bind_by_sku and conn.update_stock([StockItem("SKU-000002", 4, channel_id="SKU-000002")]).applied == 1


def test_creation_sends_the_erps_active_state_and_a_paused_product_is_never_saved_again(store, conn):
    on, off = (dataclasses.replace(i, parent_sku=None) for i in ezcommerce_items(store, conn, 2))
    report = conn.publish([on, dataclasses.replace(off, active=False)])
    assert [r.status for r in report.items] == ["applied", "applied"]
    products = store.state.data["products"]
    assert (products[on.sku]["active"], products[off.sku]["active"]) == (True, False)  # Ativo is always sent
    products[on.sku]["active"] = False  # the store pauses it; no read exists, so the kit must never save it again
    store.state.clear_log()
    again = conn.publish([dataclasses.replace(on, channel_id=on.sku, title="Nome novo")]).items[0]
    assert (again.status, again.reason) == ("skipped", NO_UPDATE)
    assert products[on.sku]["active"] is False and not [e for e in store.state.requests if e["method"] == "POST"]
