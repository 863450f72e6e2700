"""Netshoes publishing specifics: whole families, templates, listed values, the asynchronous catalogue sync."""

from __future__ import annotations

from dataclasses import replace

import pytest
import requests

from connectors.contract import make_connector, write_publishing_inputs
from connectors.test_netshoes import netshoes_items
from kit.connectors.model import ProductItem
from kit.errors import ChannelFatalError
from kit.sandbox import start_sandbox

FAST = (5000, 5000)
TEMPLATED = "Corrida > Tênis"  # templates: "Altura do Cano", "Pisada"


@pytest.fixture
def sbx():
    with start_sandbox("netshoes", rate_limit=FAST, n_products=4, orders=0, seed=5) as server:
        yield server


@pytest.fixture
def conn(sbx):
    connector = make_connector(sbx)
    yield connector
    connector.close()


def _writes(sbx) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in sbx.state.requests if r["method"] in ("POST", "PUT", "PATCH")]


def _shoe(sku: str, **changes) -> ProductItem:
    item = ProductItem(
        sku, f"Tênis de corrida {sku}", description="Tênis leve", brand="Mizuno", ean="7891234567895",
        weight_kg=0.8, height_cm=12.0, width_cm=20.0, length_cm=32.0, category="Calçados > Tênis",
        channel_category=TEMPLATED, attributes={"Cor": "preto", "Tamanho": "40"},
        channel_attributes={"Cor": "Preto", "Tamanho": "40", "Altura do Cano": "Cano Baixo", "Pisada": "Neutra"},
        image_urls=["https://img.example.com/tenis.jpg"], parent_sku="TENIS-1",
    )  # fmt: skip
    return replace(item, **changes)


def test_a_family_goes_in_one_request_with_every_size(sbx, conn):
    family = [_shoe(f"TENIS-1-{size}", channel_attributes={**_shoe("x").channel_attributes, "Tamanho": size})
              for size in ("38", "40", "42")]  # fmt: skip
    report = conn.publish(family)
    assert report.counts["applied"] == 3, report.to_frame().to_string()
    posts = [r for r in sbx.state.requests if r["method"] == "POST"]
    assert [r["path"] for r in posts] == ["/products"]
    body = requests.compat.json.loads(posts[0]["body"])
    assert body["productId"] == "TENIS-1" and [s["size"] for s in body["skus"]] == ["38", "40", "42"]
    assert (body["department"], body["productType"]) == ("Corrida", "Tênis")
    assert {a["name"] for a in body["attributes"]} == {"Altura do Cano", "Pisada"}
    assert sbx.listings_by_ref()["TENIS-1-40"] == ["TENIS-1"]


def test_a_new_size_of_a_listed_family_is_added_to_its_product(sbx, conn):
    assert conn.publish([_shoe("TENIS-1-38")]).counts["applied"] == 1
    sbx.state.clear_log()
    added = _shoe("TENIS-1-44", channel_attributes={**_shoe("x").channel_attributes, "Tamanho": "44"})
    report = conn.publish([added])
    assert report.items[0].status == "applied" and report.items[0].action == "create"
    assert ("POST", "/products/TENIS-1/skus") in _writes(sbx) and ("POST", "/products") not in _writes(sbx)
    assert sbx.listings_by_ref()["TENIS-1-44"] == ["TENIS-1"]


def test_a_family_with_an_incomplete_size_is_held_whole(sbx, conn):
    family = [_shoe("TENIS-1-38"), _shoe("TENIS-1-40", weight_kg=None)]
    report = conn.publish(family)
    assert [r.status for r in report.items] == ["held", "held"]
    assert "peso" in report.items[1].fix and "TENIS-1-40" in report.items[0].fix
    assert _writes(sbx) == []


def test_a_missing_template_is_held_and_the_channel_refuses_it_too(sbx, conn):
    attrs = {k: v for k, v in _shoe("x").channel_attributes.items() if k != "Pisada"}
    item = _shoe("TENIS-9-40", parent_sku="TENIS-9", channel_attributes=attrs)
    report = conn.publish([item])
    assert report.items[0].status == "held" and "Pisada" in report.items[0].fix
    assert conn.category_requirements(TEMPLATED).source.startswith("Netshoes")
    with pytest.raises(ChannelFatalError) as info:  # sent anyway: Netshoes' own 400 names the template
        conn.create_listing(item)
    assert info.value.status == 400 and "Pisada" in info.value.message
    assert "TENIS-9-40" not in sbx.listings_by_ref()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"brand": "Marca Desconhecida"}, ["marca", "inclusão"]),
        ({"channel_attributes": {**_shoe("x").channel_attributes, "Cor": "Preto Fosco"}}, ["cor", "lista"]),
        ({"channel_attributes": {**_shoe("x").channel_attributes, "Tamanho": "XG"}}, ["tamanho", "lista"]),
    ],
)
def test_values_outside_netshoes_lists_fail_before_sending(sbx, conn, changes, words):
    report = conn.publish([_shoe("TENIS-1-40", **changes)])
    result = report.items[0]
    assert result.status == "failed" and all(w in result.reason.lower() for w in words), result.reason
    assert _writes(sbx) == []


def test_the_sandbox_refuses_values_outside_its_lists(sbx):
    body = {"productId": "P1", "department": "Corrida", "productType": "Tênis", "brand": "Mizuno",
            "attributes": [{"name": "Altura do Cano", "value": "Baixo"}, {"name": "Pisada", "value": "Neutra"}],
            "skus": [{"sku": "P1-1", "name": "Tênis", "description": "d", "images": [{"url": "ftp://x/a.jpg"}],
                      "height": 1, "width": 1, "depth": 1, "weight": 0, "color": "Preto Fosco", "eanIsbn": "123"}]}  # fmt: skip
    r = requests.post(sbx.url + "/products", json=body, headers=dict(sbx.credentials), timeout=5)
    assert r.status_code == 400
    notes = " | ".join(r.json()["notifications"])
    for words in ("weight", "image url", "color 'Preto Fosco'", "eanIsbn"):
        assert words in notes, notes


def test_creation_stays_pending_until_the_catalogue_syncs_and_is_never_sent_twice(tmp_path, workspace, monkeypatch):
    from kit.channels import ChannelRegistry
    from kit.jobs import run_job
    from kit.jobs.settings import set_job_settings

    with start_sandbox("netshoes", rate_limit=FAST, n_products=4, orders=0, sync_delay_s=None) as sbx:
        conn = make_connector(sbx)
        conn.publish_poll_wait_s = 0.3  # the catalogue does not finish within the run's wait
        ChannelRegistry(workspace).add(sbx.channel("ns-pub"))
        items = netshoes_items(sbx, conn, 4)
        monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
        write_publishing_inputs(tmp_path, "ns-pub", items)
        set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
        first = run_job("products", "ns-pub", ws=workspace, connector=conn)
        assert first.ok and first.applied == 0 and "4 pendente" in first.render_pt(), first.render_pt()
        assert [s["statusMatch"] for s in sbx.state.data["sync"].values()] == ["PROCESSANDO_INTEGRACAO_CATALOGO"] * 4
        sbx.state.clear_log()
        second = run_job("products", "ns-pub", ws=workspace, connector=conn)  # polled, not sent again
        assert second.applied == 0 and not [w for w in _writes(sbx)], _writes(sbx)
        sbx.complete_sync()
        third = run_job("products", "ns-pub", ws=workspace, connector=conn)
        assert third.ok and third.applied == 4 and not _writes(sbx), third.render_pt()
        sbx.state.clear_log()
        fourth = run_job("products", "ns-pub", ws=workspace, connector=conn)  # nothing changed: nothing sent
        assert fourth.ok and fourth.applied == 0 and _writes(sbx) == []
        assert {i.sku: len(sbx.listings_by_ref()[i.sku]) for i in items} == {i.sku: 1 for i in items}
        conn.close()


def test_an_update_while_the_catalogue_processes_is_pending_then_applied(sbx, conn):
    item = _shoe("TENIS-1-40")
    conn.publish_poll_wait_s = 0
    assert conn.create_listing(item).status == "pending"
    result = conn.update_listing(replace(item, channel_id="TENIS-1", title="Tênis novo"))
    assert result.status == "pending" and result.token  # 409 "being processed": not applied, not failed
    sbx.complete_sync()
    polled = conn.poll_publish({item.sku: result.token})
    assert [(r.status, r.channel_id) for r in polled] == [("applied", "TENIS-1")]
    again = conn.update_listing(replace(item, channel_id="TENIS-1", title="Tênis novo"))
    assert again.status == "applied"
    assert sbx.state.data["skus"]["TENIS-1-40"]["name"] == "Tênis novo"


def test_an_unknown_product_type_stays_pending_on_the_channel(sbx, conn):
    body = {"productId": "P2", "department": "Corrida", "productType": "Patinete", "brand": "Mizuno",
            "skus": [{"sku": "P2-1", "name": "Patinete", "description": "d", "images": [{"url": "https://x/a.jpg"}],
                      "height": 1, "width": 1, "depth": 1, "weight": 1}]}  # fmt: skip
    assert requests.post(sbx.url + "/products", json=body, headers=dict(sbx.credentials), timeout=5).status_code == 201
    sbx.complete_sync()
    [result] = conn.poll_publish({"P2-1": "P2|P2-1"})
    assert result.status == "pending" and "PENDENTE_TIPO_PRODUTO" in result.reason


def test_value_lists_feed_the_depara_builder_with_the_tree_and_attributes(conn):
    lists = conn.value_lists()
    categories = set(lists["category"]["category"])
    assert {"Corrida > Tênis", "Acessórios Esportivos > Garrafas"} <= categories
    attrs = lists["attribute"]
    assert {"Altura do Cano", "Pisada", "Cor", "Tamanho", "Sabor"} <= set(attrs["attribute"])
    assert "Azul+Branco" in set(attrs[attrs["attribute"] == "Cor"]["value"])
    assert conn.category_requirements("corrida > tênis").attributes[0].name == "Altura do Cano"


def test_an_error_body_reaches_the_user_with_its_notifications(sbx, conn):
    with pytest.raises(ChannelFatalError) as info:
        conn.request("POST", "/products", json_data={"productId": "X"}, family="catalog")
    assert "Invalid product." in info.value.message and "department is required" in info.value.message


def test_an_update_without_erp_images_keeps_the_skus_images(sbx, conn):
    sku, record = next(iter(sbx.state.data["skus"].items()))  # listed before the kit: it has its images
    images = list(record["images"])
    item = ProductItem(sku, "Título novo", brand=record["brand"], weight_kg=1.0, height_cm=2.0, width_cm=3.0,
                       length_cm=4.0, channel_id=record["productId"])  # fmt: skip
    report = conn.publish([item])
    assert report.items[0].status == "applied", report.to_frame().to_string()
    assert sbx.state.data["skus"][sku]["images"] == images and sbx.state.data["skus"][sku]["name"] == "Título novo"
    held = conn.publish([replace(item, sku="NOVO-SEM-IMAGEM", channel_id=None, channel_category=TEMPLATED)])
    assert held.items[0].status == "held" and "imagens" in held.items[0].fix  # a create still needs them
