"""Plug.to publishing specifics: PUT /skus/{sku} creating, arrays merged by id, families, value lists.

The one-line publishing contract is in ``test_pluggto.py`` (``TestPluggtoPublishing``).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from connectors.contract import make_connector
from connectors.test_pluggto import pluggto_items
from kit.connectors.model import StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox


@pytest.fixture
def sbx():
    reset_buckets()
    with start_sandbox("pluggto", n_products=6, orders=0, rate_limit=(5000, 5000)) as server:
        yield server


def _product(sbx, sku):
    return next(p for p in sbx.state.data["products"].values() if p["sku"] == sku)


def _puts(sbx, sku):
    return [json.loads(e["body"]) for e in sbx.state.requests if e["method"] == "PUT" and e["path"] == f"/skus/{sku}"]


def test_a_standalone_product_is_one_put_by_sku_with_levels_attributes_and_photos(sbx, conn):
    item = replace(pluggto_items(sbx, conn, 1)[0], parent_sku=None, channel_category="Casa > Cozinha > Panelas")
    result = conn.publish([item]).items[0]
    body = _puts(sbx, item.sku)[0]
    assert [c["name"] for c in body["categories"]] == ["Casa", "Casa > Cozinha", "Casa > Cozinha > Panelas"]
    assert body["attributes"] == [{"code": "cor", "label": "cor", "value": {"code": "Branco", "label": "Branco"}}]
    assert body["photos"] == [{"url": item.image_urls[0], "order": 0}] and body["dimension"]["weight"] == 0.6
    assert result.channel_id == _product(sbx, item.sku)["id"]


def test_updates_send_the_entries_ids_so_nothing_is_added_twice(sbx, conn):
    item = replace(pluggto_items(sbx, conn, 1)[0], parent_sku=None)
    first = conn.publish([item]).items[0]
    bound = replace(item, channel_id=first.channel_id, title="Outro nome", channel_category="Casa > Banho",
                    channel_attributes={"cor": "Azul"})  # fmt: skip
    assert conn.publish([bound]).items[0].status == "applied"
    product = _product(sbx, item.sku)
    assert [a["value"]["code"] for a in product["attributes"]] == ["Azul"]  # changed by id, not added
    assert sorted(c["name"] for c in product["categories"]) == ["Casa", "Casa > Banho"]  # the old level removed
    assert product["name"] == "Outro nome" and len(product["photos"]) == 1
    sent = _puts(sbx, item.sku)[-1]
    assert sent["attributes"][0]["id"] == product["attributes"][0]["id"] and "price" not in sent
    # Control: resent without its id, Plug.to adds the attribute a second time (the documented merge).
    conn.request("PUT", f"/skus/{item.sku}", json_data={"attributes": [{"code": "cor", "value": {"code": "Azul"}}]})
    assert len(_product(sbx, item.sku)["attributes"]) == 2


def test_a_family_is_one_product_and_a_new_member_is_only_its_variation(sbx, conn):
    items = pluggto_items(sbx, conn, 3)  # NOVO-002 and NOVO-003: family FAM-001
    conn.publish(items[1:2])
    fresh = make_connector(sbx)
    report = fresh.publish(items[2:3])
    assert report.items[0].action == "create"
    added = _puts(sbx, "FAM-001")[-1]
    assert list(added) == ["variations"] and [v["sku"] for v in added["variations"]] == ["NOVO-003"]
    assert "id" not in added["variations"][0]  # a new entry: Plug.to gives it its id
    product = _product(sbx, "FAM-001")
    assert [v["sku"] for v in product["variations"]] == ["NOVO-002", "NOVO-003"] and product["name"] == "Produto novo 2"
    renamed = [replace(i, channel_id=product["id"], title=i.title + " novo") for i in items[1:3]]
    assert [r.status for r in fresh.publish(renamed).items] == ["applied", "applied"]
    assert _product(sbx, "FAM-001")["name"] == "Produto novo 2 novo"  # the first variation's title
    fresh.close()


def test_a_stock_write_for_an_sku_plugg_to_lacks_never_creates_a_product(sbx, conn):
    result = conn.update_stock([StockItem("NAO-EXISTE", 3)])
    assert result.items[0].status == "failed" and result.items[0].reason
    assert not [p for p in sbx.state.data["products"].values() if p["sku"] == "NAO-EXISTE"]


def test_value_lists_hold_the_categories_and_attributes_in_use(sbx, conn):
    conn.publish([replace(i, parent_sku=None) for i in pluggto_items(sbx, conn, 2)])
    lists = conn.value_lists()
    assert list(lists["category"]["category"]) == ["Casa > Utilidades"]  # the deepest level only
    assert {"Branco", "Azul"} <= set(lists["attribute"]["value"])
