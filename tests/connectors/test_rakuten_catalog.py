"""Rakuten publishing beyond the shared contract: what an update keeps (the store's prices and the fields the kit does
not own), what no operation carries (said per SKU), categories by path or code, and the catalogue services being
needed only when a product is published."""

from __future__ import annotations

import dataclasses

import pytest

from connectors.contract import make_connector
from connectors.test_rakuten import rakuten_items
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox


@pytest.fixture
def store():
    reset_buckets()
    with start_sandbox("rakuten", rate_limit=(5000, 5000), n_products=4, orders=0) as sbx:
        yield sbx


@pytest.fixture
def conn(store):
    connector = make_connector(store)
    yield connector
    connector.close()


def _standalone(store, conn, **over):
    return dataclasses.replace(rakuten_items(store, conn, 1)[0], **{"sku": "AVULSO-1", "parent_sku": None, **over})


def test_a_standalone_product_carries_its_ean_and_says_what_it_could_not_send(store, conn):
    item = _standalone(store, conn, ean="789123456789")  # a GTIN-12: EAN13 with its leading zero
    result = conn.publish([item]).items[0]
    assert (result.status, result.action, result.channel_id, result.product_id) == ("applied", "create", "AVULSO-1",
                                                                                     "AVULSO-1")  # fmt: skip
    product = store.state.data["products"]["AVULSO-1"]
    assert product["EAN13"] == "0789123456789" and product["NomeProduto"] == item.title
    assert float(product["PesoEmbalagemProduto"]) == pytest.approx(item.weight_kg)
    assert "imagens não enviadas" in result.note and "marca não enviada" in result.note and "NCM" in result.note
    assert "EAN" not in result.note
    bare = dataclasses.replace(item, sku="AVULSO-2", image_urls=[], brand="", ncm=None, ean=None)
    assert conn.publish([bare]).items[0].note == ""  # nothing is said about fields the item does not have


def test_an_update_keeps_the_stores_prices_and_what_the_kit_does_not_own(store, conn):
    item = _standalone(store, conn)
    conn.publish([item])
    product = store.state.data["products"]["AVULSO-1"]
    product.update(PrecoCheioProduto=99.0, PrecoPor=79.0, Texto3Produto="garantia 1 ano", Numero2Produto=7)
    store.state.data["skus"]["AVULSO-1"]["PrecoPor"] = 79.0
    changed = dataclasses.replace(item, title="Produto novo, nome novo", price=10.0, weight_kg=2.5, active=False,
                                  channel_id="AVULSO-1")  # fmt: skip
    result = conn.publish([changed]).items[0]
    assert (result.status, result.action) == ("applied", "update")
    product = store.state.data["products"]["AVULSO-1"]
    assert (float(product["PrecoCheioProduto"]), float(product["PrecoPor"])) == (99.0, 79.0)
    assert store.state.data["skus"]["AVULSO-1"]["PrecoPor"] == 79.0  # the prices job owns prices
    assert product["Texto3Produto"] == "garantia 1 ano" and float(product["Numero2Produto"]) == 7
    assert product["NomeProduto"] == "Produto novo, nome novo" and float(product["PesoEmbalagemProduto"]) == 2.5
    assert product["StatusProduto"] == 2 and store.state.data["skus"]["AVULSO-1"]["Ativo"] is False


def test_a_sku_of_another_product_is_refused_with_the_reason_and_no_empty_product_is_made(store, conn):
    bound = dataclasses.replace(_standalone(store, conn), sku="SKU-000001", channel_id="SKU-000001",
                                parent_sku="OUTRA-FAMILIA")  # fmt: skip
    result = conn.publish([bound]).items[0]
    assert result.status == "failed" and "não no produto OUTRA-FAMILIA" in result.reason
    assert "OUTRA-FAMILIA" not in store.state.data["products"]
    unbound = dataclasses.replace(bound, channel_id=None)  # found by PartNumber first: never created a second time
    again = conn.publish([unbound]).items[0]
    assert (again.status, again.action) == ("failed", "update") and "não no produto OUTRA-FAMILIA" in again.reason
    assert "OUTRA-FAMILIA" not in store.state.data["products"]


def test_categories_by_code_or_path_and_an_unknown_one_fails_with_what_to_do(store, conn):
    child = next(code for code, c in store.state.data["categories"].items() if c["PaiInterno"])
    by_code = dataclasses.replace(_standalone(store, conn), channel_category=child)
    by_slash = dataclasses.replace(by_code, sku="AVULSO-2", channel_category=store.category_paths()[child].replace(
        " > ", "/"))  # fmt: skip
    unknown = dataclasses.replace(by_code, sku="AVULSO-3", channel_category="Nada > Disso")
    report = conn.publish([by_code, by_slash, unknown])
    assert [r.status for r in report.items] == ["applied", "applied", "failed"]
    assert "não existe na árvore de categorias" in report.items[2].reason and "kit depara" in report.items[2].reason
    assert store.state.data["product_categories"]["AVULSO-2"] == [child]
    lists = conn.value_lists()
    assert set(lists["category"]["code"]) == set(store.state.data["categories"])


def test_the_catalogue_services_are_needed_only_to_publish(store):
    contract = store.contract
    store.contract = dataclasses.replace(contract, services={p: s for p, s in contract.services.items()
                                                             if s[0] in ("sku", "estoque", "pedido")})  # fmt: skip
    conn = make_connector(store)
    assert conn.test_connection().ok  # a store without produto.asmx still syncs stock, prices and orders
    result = conn.publish([_standalone(store, conn, channel_category=None, parent_sku=None)])
    assert result.items[0].status == "held"  # held before anything is read: no category
    item = dataclasses.replace(_standalone(store, conn), channel_category="CAT001")
    failed = conn.publish([item]).items[0]
    assert failed.status == "failed" and "a loja não serviu o WSDL" in failed.reason
    conn.close()


def test_the_products_job_reports_per_sku_what_could_not_be_sent(store, conn, workspace, tmp_path, monkeypatch):
    from connectors.contract import write_publishing_inputs
    from kit.channels import ChannelRegistry
    from kit.jobs import run_job
    from kit.jobs.settings import set_job_settings

    ChannelRegistry(workspace).add(store.channel("rakuten-notas"))
    items = rakuten_items(store, conn, 3)
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    write_publishing_inputs(tmp_path, "rakuten-notas", items)
    set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
    summary = run_job("products", "rakuten-notas", ws=workspace, connector=conn)
    assert summary.ok and summary.applied == 3, summary.render_pt()
    notes = summary.extra["applied_notes"]
    assert set(notes) == {i.sku for i in items} and all("imagens não enviadas" in n for n in notes.values())
    assert any("SKUs aplicados com ressalva" in line and "imagens não enviadas" in line for line in summary.notes)


def test_a_product_the_store_paused_stays_paused_and_the_report_says_so(store, conn):
    item, off = _standalone(store, conn), _standalone(store, conn, sku="AVULSO-2", active=False)
    conn.publish([item, off])
    products, skus = store.state.data["products"], store.state.data["skus"]
    assert [(products[s]["StatusProduto"], skus[s]["Ativo"]) for s in ("AVULSO-1", "AVULSO-2")] == [
        (1, True), (2, False)]  # fmt: skip  # creation takes the ERP's state, as before
    products["AVULSO-1"]["StatusProduto"] = 2  # the store pauses it in its admin (product and SKU)
    skus["AVULSO-1"]["Ativo"] = False
    result = conn.publish([dataclasses.replace(item, title="Nome novo", channel_id="AVULSO-1")]).items[0]
    assert (result.status, result.action) == ("applied", "update")
    assert (products["AVULSO-1"]["StatusProduto"], skus["AVULSO-1"]["Ativo"]) == (2, False)  # not reactivated
    assert products["AVULSO-1"]["NomeProduto"] == "Nome novo"  # the content is still updated
    assert "pausado na loja" in result.note and "reative no canal" in result.note
    skus["AVULSO-1"]["Ativo"] = True  # paused on the product only: the SKU's own status is kept as well
    result = conn.publish([dataclasses.replace(item, title="Outro nome", channel_id="AVULSO-1")]).items[0]
    assert (products["AVULSO-1"]["StatusProduto"], skus["AVULSO-1"]["Ativo"]) == (2, True)
    assert "pausado na loja" in result.note


def test_the_products_job_keeps_a_sku_the_store_paused_and_says_so(store, conn, workspace, tmp_path, monkeypatch):
    from connectors.contract import write_publishing_inputs
    from kit.channels import ChannelRegistry
    from kit.jobs import run_job
    from kit.jobs.settings import set_job_settings

    ChannelRegistry(workspace).add(store.channel("rakuten-pausa"))
    items = rakuten_items(store, conn, 3)
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    write_publishing_inputs(tmp_path, "rakuten-pausa", items)  # every ERP row active ("Sim")
    set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
    assert run_job("products", "rakuten-pausa", ws=workspace, connector=conn).applied == 3
    paused = items[1].sku
    store.state.data["skus"][paused]["Ativo"] = False  # the store pauses one SKU in its admin
    summary = run_job("products", "rakuten-pausa", ws=workspace, connector=conn, full=True)  # every SKU updated
    assert summary.ok and summary.applied == 3, summary.render_pt()
    assert store.state.data["skus"][paused]["Ativo"] is False  # not reactivated
    assert all(store.state.data["skus"][i.sku]["Ativo"] for i in items if i.sku != paused)
    assert "pausado na loja" in summary.extra["applied_notes"][paused]
    assert not any("pausado" in n for s, n in summary.extra["applied_notes"].items() if s != paused)
    assert any("SKUs aplicados com ressalva" in line and paused in line and "reative no canal" in line
               for line in summary.notes)  # fmt: skip
