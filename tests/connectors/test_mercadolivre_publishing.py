"""Mercado Livre publishing specifics: category attributes, variations from ERP families, pictures, settings.

The one-line publishing contract is in ``test_mercadolivre.py`` (``TestMercadoLivrePublishing``).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from connectors.contract import make_connector
from connectors.test_mercadolivre import ML_LEAF, ml_items
from kit.errors import ChannelFatalError
from kit.sandbox import start_sandbox


@pytest.fixture
def sbx():
    with start_sandbox("mercadolivre", n_products=6, orders=0, rate_limit=(5000, 5000)) as server:
        yield server


def _posted(sbx, path="/items"):
    return [json.loads(e["body"]) for e in sbx.state.requests if e["method"] == "POST" and e["path"] == path]


def _created(sbx, item_id):
    return sbx.state.data["items"][item_id]


def test_a_missing_required_attribute_is_held_with_the_fix_and_ml_refuses_it_too(sbx, conn):
    item = replace(ml_items(sbx, conn, 1)[0], attributes={}, channel_attributes={}, parent_sku=None)
    report = conn.publish([item])
    fix = report.items[0].fix
    assert report.items[0].status == "held" and "atributo obrigatório 'Cor'" in fix and "kit depara build" in fix
    assert "valores aceitos: Preto" in fix  # the category's closed list, from /categories/{id}/attributes
    assert not _posted(sbx)
    with pytest.raises(ChannelFatalError) as info:  # sent anyway: ML names the attribute in its cause
        conn.create_listing(item)
    assert info.value.status == 400 and "[COLOR]" in info.value.message


def test_a_value_outside_the_closed_list_is_held_with_the_accepted_values(sbx, conn):
    item = replace(ml_items(sbx, conn, 1)[0], channel_attributes={"Cor": "Furta-cor"})
    report = conn.publish([item])
    assert report.items[0].status == "held" and "'Furta-cor' não é aceito" in report.items[0].fix


def test_sized_and_gtin_categories_ask_for_size_and_ean(sbx, conn):
    base = ml_items(sbx, conn, 1)[0]
    shirt = replace(base, sku="CAM-1", channel_category="Roupas > Camisetas", parent_sku=None)
    charger = replace(base, sku="CAR-1", channel_category="Eletrônicos > Acessórios", parent_sku=None)
    report = conn.publish([shirt, charger])
    assert [r.status for r in report.items] == ["held", "held"]
    assert "atributo obrigatório 'Tamanho'" in report.items[0].fix
    assert "preencha no ERP: EAN/GTIN" in report.items[1].fix and "depara" not in report.items[1].fix
    fixed = [replace(shirt, channel_attributes={"Cor": "Azul", "Tamanho": "M"}), replace(charger, ean="7891234567895")]
    again = conn.publish(fixed)
    assert [r.status for r in again.items] == ["applied", "applied"], again.to_frame().to_string()
    item = _created(sbx, again.items[1].channel_id)
    assert {"id": "GTIN", "name": "Código universal de produto", "value_id": None, "value_name": "7891234567895"} in (
        item["attributes"]
    )


def test_a_family_is_one_item_and_a_later_member_joins_it_after_the_kit_forgot_it(sbx, conn):
    items = ml_items(sbx, conn, 3)  # NOVO-002 and NOVO-003 are family FAM-001
    conn.publish(items[1:2])
    fresh = make_connector(sbx)  # another run: nothing in memory, the family found by seller_custom_field
    report = fresh.publish(items[2:3])
    assert report.items[0].status == "applied" and report.items[0].action == "create"
    listed = sbx.listings_by_ref()
    item_id = listed["NOVO-002"][0].split("/")[0]
    assert listed["NOVO-003"] == [f"{item_id}/{report.items[0].variation_id}"]
    assert _created(sbx, item_id)["seller_custom_field"] == "FAM-001"
    searches = [e["query"] for e in sbx.state.requests if e["path"].endswith("/items/search")]
    assert {"sku": ["FAM-001"]} in searches
    put = [json.loads(e["body"]) for e in sbx.state.requests if e["method"] == "PUT"][-1]
    assert len(put["variations"]) == 2 and put["variations"][0] == {"id": _created(sbx, item_id)["variations"][0]["id"]}
    fresh.close()


def test_a_member_that_cannot_be_a_variation_is_listed_on_its_own(sbx, conn):
    items = ml_items(sbx, conn, 3)
    same = replace(items[2], channel_attributes=dict(items[1].channel_attributes))  # repeats NOVO-002's colour
    report = conn.publish([items[1], same])
    assert [r.status for r in report.items] == ["applied", "applied"]
    listed = sbx.listings_by_ref()
    assert "/" in listed["NOVO-002"][0] and "/" not in listed["NOVO-003"][0]  # an item of its own, no variations
    again = make_connector(sbx).publish([items[1], same])  # found by SELLER_SKU: updated, never a second listing
    assert {r.action for r in again.items} == {"update"}
    assert {s: len(v) for s, v in sbx.listings_by_ref().items() if s.startswith("NOVO")} == {
        "NOVO-002": 1,
        "NOVO-003": 1,
    }


def test_a_crash_after_a_variation_was_added_binds_it_on_the_rerun(sbx, conn):
    items = ml_items(sbx, conn, 3)
    conn.publish(items[1:2])
    assert conn.create_listing(items[2]).status == "applied"  # added; the kit died before the binding
    report = make_connector(sbx).publish(items[1:3])
    assert [r.action for r in report.items] == ["update", "update"]
    item_id = sbx.listings_by_ref()["NOVO-002"][0].split("/")[0]
    assert len(_created(sbx, item_id)["variations"]) == 2


def test_titles_over_the_category_limit_are_held_and_refused(sbx, conn):
    long = replace(ml_items(sbx, conn, 1)[0], title="T" * 61, parent_sku=None)
    report = conn.publish([long])
    assert report.items[0].status == "held" and "61 caracteres" in report.items[0].fix
    with pytest.raises(ChannelFatalError, match="longer than 60"):
        conn.create_listing(long)


def test_pictures_go_by_url_and_a_listing_without_pictures_is_refused(sbx, conn):
    item = replace(ml_items(sbx, conn, 1)[0], parent_sku=None,
                   image_urls=["https://img.example.com/a.jpg", "https://img.example.com/b.jpg"])  # fmt: skip
    result = conn.publish([item]).items[0]
    assert _posted(sbx)[-1]["pictures"] == [{"source": u} for u in item.image_urls]
    assert len(_created(sbx, result.channel_id)["pictures"]) == 2
    bare = replace(item, sku="SEM-FOTO", image_urls=[])
    failed = conn.publish([bare]).items[0]
    assert failed.status == "failed" and "at least one picture" in failed.reason


def test_listing_type_and_condition_come_from_the_channel_settings(sbx):
    channel = sbx.channel()
    channel.settings.update(listing_type_id="gold_pro", condition="used")
    from connectors.contract import FAST_RETRY, TEST_RATE
    from kit.connectors import connector_for

    conn = connector_for(channel, retry=FAST_RETRY, rate_limit=TEST_RATE)
    item = replace(ml_items(sbx, conn, 1)[0], parent_sku=None)
    result = conn.publish([item]).items[0]
    created = _created(sbx, result.channel_id)
    assert (created["listing_type_id"], created["condition"]) == ("gold_pro", "used")
    conn.close()


def test_updates_send_content_not_price_or_stock_and_respect_sales(sbx, conn):
    items = ml_items(sbx, conn, 3)
    created = conn.publish(items).items
    head = replace(items[0], channel_id=created[0].channel_id, variation_id=created[0].variation_id)  # FAM-000
    sbx.state.clear_log()
    result = conn.publish([replace(head, title="Produto novo 1 azul", description="Nova descrição")]).items[0]
    assert result.status == "applied" and result.action == "update"
    put = next(json.loads(e["body"]) for e in sbx.state.requests if e["method"] == "PUT" and e["path"].startswith(
        "/items/") and not e["path"].endswith("/description"))  # fmt: skip
    assert put["title"] == "Produto novo 1 azul" and "price" not in put and "available_quantity" not in put
    assert sbx.state.data["descriptions"][result.channel_id]["plain_text"] == "Nova descrição"
    _created(sbx, result.channel_id)["sold_quantity"] = 3  # the listing sold: ML freezes its title
    sbx.state.clear_log()
    kept = conn.publish([replace(head, title="Outro título")]).items[0]
    assert kept.status == "applied" and _created(sbx, result.channel_id)["title"] == "Produto novo 1 azul"


def test_updating_a_variation_keeps_the_other_variations_pictures(sbx, conn):
    items = ml_items(sbx, conn, 3)
    report = conn.publish(items[1:3])
    item_id = report.items[0].channel_id
    before = {v["id"]: list(v["picture_ids"]) for v in _created(sbx, item_id)["variations"]}
    changed = replace(items[2], channel_id=item_id, variation_id=report.items[1].variation_id,
                      image_urls=["https://img.example.com/novo-3-b.jpg"])  # fmt: skip
    assert conn.publish([changed]).items[0].status == "applied"
    after = {v["id"]: v["picture_ids"] for v in _created(sbx, item_id)["variations"]}
    first = int(report.items[0].variation_id)
    assert after[first] == before[first] and after[int(changed.variation_id)] != before[int(changed.variation_id)]
    sources = sbx.state.data["picture_sources"]
    assert {sources[p["id"]] for p in _created(sbx, item_id)["pictures"]} == {
        "https://img.example.com/novo-2.jpg", "https://img.example.com/novo-3-b.jpg"}  # fmt: skip


def test_category_tree_and_attributes_feed_the_depara_value_lists(sbx, conn):
    lists = conn.value_lists()
    categories = lists["category"]
    leaf = categories[categories["category"] == ML_LEAF]
    assert len(leaf) == 1 and leaf["description"].iloc[0] == "folha" and leaf["code"].iloc[0].startswith("MLB")
    assert conn.resolve_category(ML_LEAF) == leaf["code"].iloc[0] == conn.resolve_category(leaf["code"].iloc[0])
    attrs = lists["attribute"]
    colours = set(attrs.loc[attrs["attribute"] == "Cor", "value"])
    assert {"Preto", "Azul"} <= colours and not set(attrs["code"]) & {"BRAND", "SELLER_SKU", "GTIN"}
    with pytest.raises(ChannelFatalError, match="não existe na árvore"):
        conn.resolve_category("Casa > Não existe")
