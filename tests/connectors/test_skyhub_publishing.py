"""SkyHub publishing specifics: the 2025 category list and brands, required attributes, EAN, families, updates.

The one-line publishing contract is in ``test_skyhub.py`` (``TestSkyhubPublishing``).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from connectors.contract import make_connector
from connectors.test_skyhub import SKY_CATEGORY, skyhub_items
from kit.errors import ChannelFatalError
from kit.sandbox import start_sandbox


@pytest.fixture
def sbx():
    with start_sandbox("skyhub", n_products=6, orders=0, rate_limit=(5000, 5000)) as server:
        yield server


def _sent(sbx, method, path_part):
    return [json.loads(e["body"]) for e in sbx.state.requests if e["method"] == method and path_part in e["path"]]


def test_the_category_list_is_read_ten_at_a_time_from_omnik_and_feeds_the_value_lists(sbx, conn):
    lists = conn.value_lists()
    pages = [e for e in sbx.state.requests if e["path"] == "/omnik/categories"]
    total = len(sbx.state.data["categories"])
    assert len(pages) == -(-total // 10) and all(e["query"]["limit"] == ["10"] for e in pages)
    cats = lists["category"]
    row = cats[cats["category"] == SKY_CATEGORY]
    assert len(row) == 1 and conn.category_entry(row["code"].iloc[0])["id"] == conn.category_entry(SKY_CATEGORY)["id"]
    attrs = lists["attribute"]
    assert {"Preto", "Azul"} <= set(attrs.loc[attrs["attribute"] == "Cor", "value"])
    assert "EAN obrigatório" in set(cats["description"])  # the electronics categories
    from kit.connectors.skyhub_catalog import OMNIK_URL

    prod = make_connector(sbx, base_url="https://api.skyhub.com.br")
    assert prod.omnik_base == OMNIK_URL and conn.omnik_base == f"{sbx.url}/omnik"
    prod.close()


def test_a_required_attribute_is_held_with_the_fix_and_skyhub_refuses_it_too(sbx, conn):
    shirt = replace(skyhub_items(sbx, conn, 1)[0], channel_category="Roupas > Camisetas", parent_sku=None)
    report = conn.publish([shirt])
    assert report.items[0].status == "held" and "atributo obrigatório 'Tamanho'" in report.items[0].fix
    assert not _sent(sbx, "POST", "/products")
    with pytest.raises(ChannelFatalError) as info:
        conn.create_listing(shirt)
    assert info.value.status == 422 and "requires the attribute Tamanho" in info.value.message
    sized = replace(shirt, channel_attributes={"Cor": "Azul", "Tamanho": "M"})
    assert conn.publish([sized]).items[0].status == "applied"


def test_an_ean_category_asks_for_the_ean(sbx, conn):
    charger = replace(skyhub_items(sbx, conn, 1)[0], channel_category="Eletrônicos > Acessórios", parent_sku=None)
    held = conn.publish([charger]).items[0]
    assert held.status == "held" and "preencha no ERP: EAN/GTIN" in held.fix
    with pytest.raises(ChannelFatalError, match="requires the EAN"):
        conn.create_listing(charger)
    assert conn.publish([replace(charger, ean="7891234567895")]).items[0].status == "applied"
    assert sbx.state.data["products"][charger.sku]["ean"] == "7891234567895"


def test_a_brand_outside_the_list_fails_with_what_to_do_and_prices_are_never_zero(sbx, conn):
    item = replace(skyhub_items(sbx, conn, 1)[0], parent_sku=None)
    failed = conn.publish([replace(item, brand="Marca Inventada")]).items[0]
    assert failed.status == "failed" and "Marca Inventada" in failed.reason and "lista de marcas" in failed.reason
    assert not _sent(sbx, "POST", "/products")
    zero = conn.publish([replace(item, price=0.0)]).items[0]
    assert zero.status == "held" and "preço" in zero.fix
    with pytest.raises(ChannelFatalError, match="price must be a number greater than 0"):
        conn.create_listing(replace(item, price=0.0))


def test_a_family_is_one_product_and_a_later_member_is_added_to_it(sbx, conn):
    items = skyhub_items(sbx, conn, 3)  # NOVO-002 and NOVO-003: family FAM-001
    conn.publish(items[1:2])
    product = sbx.state.data["products"]["FAM-001"]
    assert product["variation_attributes"] == ["Cor"] and [v["sku"] for v in product["variations"]] == ["NOVO-002"]
    fresh = make_connector(sbx)  # another run: the family's product found by its sku, the member added to it
    report = fresh.publish(items[2:3])
    assert (report.items[0].action, report.items[0].channel_id) == ("create", "FAM-001")
    assert _sent(sbx, "POST", "/products/FAM-001/variations")[0]["variation"]["sku"] == "NOVO-003"
    assert sbx.listings_by_ref()["NOVO-003"] == ["FAM-001/NOVO-003"]
    fresh.close()


def test_updates_send_content_keep_other_attributes_and_follow_the_first_variation(sbx, conn):
    items = skyhub_items(sbx, conn, 3)
    conn.publish(items[1:3])
    product = sbx.state.data["products"]["FAM-001"]
    product["specifications"] = [{"key": "Material", "value": "Aço"}]  # set on SkyHub's panel, not in the ERP
    sbx.state.clear_log()
    bound = [replace(i, channel_id="FAM-001", variation_id=i.sku, title=i.title + " novo") for i in items[1:3]]
    report = make_connector(sbx).publish(bound)
    assert [r.status for r in report.items] == ["applied", "applied"]
    puts = _sent(sbx, "PUT", "/products/FAM-001")
    assert all("qty" not in p["product"] and "price" not in p["product"] for p in puts)
    assert sbx.state.data["products"]["FAM-001"]["name"] == "Produto novo 2 novo"  # the first variation's title
    assert {"key": "Material", "value": "Aço"} in sbx.state.data["products"]["FAM-001"]["specifications"]
    variation = _sent(sbx, "PUT", "/variations/NOVO-003")[0]["variation"]
    assert variation["specifications"] == [{"key": "Cor", "value": items[2].channel_attributes["Cor"]}]


def test_the_lookup_before_create_reads_whichever_is_fewer_requests():
    with start_sandbox("skyhub", n_products=250, orders=0, rate_limit=(5000, 5000)) as big:
        conn = make_connector(big)
        items = [replace(i, parent_sku=None) for i in skyhub_items(big, conn, 2)]
        big.state.clear_log()
        assert conn.publish(items).counts["applied"] == 2
        gets = [e["path"] for e in big.state.requests if e["method"] == "GET" and e["path"].startswith("/products")]
        assert gets.count("/products") == 1 and {"/products/NOVO-001", "/products/NOVO-002"} <= set(gets)
        many = [replace(items[0], sku=f"LOTE-{k:03d}") for k in range(5)]  # 5 SKUs > 3 pages of products
        big.state.clear_log()
        again = conn.publish([*items, *many])
        assert [r.action for r in again.items] == ["update", "update"] + ["create"] * 5
        gets = [e["path"] for e in big.state.requests if e["method"] == "GET" and e["path"].startswith("/products/")]
        assert not [g for g in gets if "LOTE" in g]  # looked up through the listing, not one by one
        assert sorted(g for g in gets if "NOVO" in g) == ["/products/NOVO-001", "/products/NOVO-002"]  # the updates
        conn.close()


def test_category_and_brand_lookups_read_pages_only_until_found(sbx):
    conn = make_connector(sbx)
    first = next(iter(sbx.state.data["categories"].values()))
    assert conn.category_entry(first["path"])["id"] == first["id"]
    assert conn.brand_id(next(iter(sbx.state.data["brands"].values()))["name"])
    paths = [e["path"] for e in sbx.state.requests]
    assert paths.count("/omnik/categories") == 1 and paths.count("/brands") == 1  # the lists go on: not read
    assert len(sbx.state.data["categories"]) > 10 and len(sbx.state.data["brands"]) > 10
    conn.close()


def test_a_product_the_store_disabled_stays_disabled_and_the_report_says_so(sbx, conn):
    active, dropped, off = (replace(i, parent_sku=None) for i in skyhub_items(sbx, conn, 3))
    off = replace(off, active=False)
    assert conn.publish([active, dropped, off]).counts["applied"] == 3
    products = sbx.state.data["products"]
    assert [products[i.sku]["status"] for i in (active, dropped, off)] == ["enabled", "enabled", "disabled"]
    products[active.sku]["status"] = "disabled"  # the seller pauses it on SkyHub's panel
    bound = [replace(i, channel_id=i.sku, title=i.title + " novo") for i in (active, dropped)]
    report = make_connector(sbx).publish([bound[0], replace(bound[1], active=False)])  # the ERP drops the second
    assert [r.status for r in report.items] == ["applied", "applied"]
    assert products[active.sku]["status"] == "disabled" and products[active.sku]["name"] == bound[0].title
    assert "pausado na loja" in report.items[0].note and "reative no canal" in report.items[0].note
    assert products[dropped.sku]["status"] == "disabled" and not report.items[1].note  # a deactivation still goes


def test_a_family_the_store_disabled_stays_disabled_and_its_variations_say_so(sbx, conn):
    items = skyhub_items(sbx, conn, 3)[1:3]  # one family, FAM-001
    conn.publish(items)
    sbx.state.data["products"]["FAM-001"]["status"] = "disabled"  # the seller pauses the whole family
    bound = [replace(i, channel_id="FAM-001", variation_id=i.sku, title=i.title + " novo") for i in items]
    report = make_connector(sbx).publish(bound)
    assert [r.status for r in report.items] == ["applied", "applied"]
    assert sbx.state.data["products"]["FAM-001"]["status"] == "disabled"
    assert all("pausado na loja" in r.note for r in report.items)
