"""VTEX writes change only what the kit owns: the store's fixed/cost/list prices, tax code, description, images stay."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from connectors.contract import make_connector
from connectors.test_vtex import vtex_items
from kit.connectors.model import PriceItem
from kit.sandbox import start_sandbox
from kit.sandbox.vtex import ACCOUNT

#: What a store configured itself on a SKU's price (pricing-api.json GetPrice example shapes).
STORE_FIXED = [
    {"tradePolicyId": "2", "value": 89.9, "listPrice": None, "minQuantity": 1},
    {"tradePolicyId": "1", "value": 79.9, "listPrice": 99.9, "minQuantity": 3,
     "dateRange": {"from": "2026-12-01T00:00:00-03:00", "to": "2026-12-31T23:59:00-03:00"}},
]  # fmt: skip


@pytest.fixture
def vtex():
    with start_sandbox("vtex", n_products=4, orders=0, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        yield sbx, conn
        conn.close()


def _store_prices(sbx, ref: str) -> int:
    """Give the SKU ``ref`` a cost price, a list price and fixed prices as a store sets them; its skuId."""
    sku_id = sbx.state.data["by_ref"][ref]
    sbx.state.data["prices"][sku_id] = {
        "basePrice": 100.0, "listPrice": 150.0, "costPrice": 60.0, "markup": 67,
        "fixedPrices": [dict(f) for f in STORE_FIXED],
    }  # fmt: skip
    return sku_id


def _fixed(record: dict) -> list[dict]:
    return [{"listPrice": None, **f} for f in record["fixedPrices"]]


@pytest.mark.parametrize("erp_list_price", [None, 140.0], ids=["erp-sem-preco-de", "erp-com-preco-de"])
def test_a_price_push_changes_the_base_price_and_keeps_the_store_prices(vtex, erp_list_price):
    sbx, conn = vtex
    ref = sorted(sbx.state.data["by_ref"])[0]
    sku_id = _store_prices(sbx, ref)
    result = conn.update_prices([PriceItem(ref, 120.0, list_price=erp_list_price)])
    assert result.applied == 1
    record = sbx.state.data["prices"][sku_id]
    assert record["basePrice"] == 120.0
    assert record["listPrice"] == (erp_list_price if erp_list_price is not None else 150.0)
    assert record["costPrice"] == 60.0  # the store's cost price (the markup follows the new base price)
    assert _fixed(record) == STORE_FIXED  # every fixed price, the scheduled one included


def test_without_an_erp_list_price_a_list_price_showing_no_discount_follows_the_new_price(vtex):
    """The store shows no "de" (list = base): keeping its list price over a lower new price would invent one."""
    sbx, conn = vtex
    ref = sorted(sbx.state.data["by_ref"])[3]
    sku_id = _store_prices(sbx, ref)
    sbx.state.data["prices"][sku_id]["listPrice"] = 100.0  # = basePrice
    assert conn.update_prices([PriceItem(ref, 90.0)]).applied == 1
    record = sbx.state.data["prices"][sku_id]
    assert (record["basePrice"], record["listPrice"], record["costPrice"]) == (90.0, 90.0, 60.0)
    assert _fixed(record) == STORE_FIXED
    sbx.state.data["prices"][sku_id]["listPrice"] = 150.0  # a "de" the new price passes: it follows the price
    assert conn.update_prices([PriceItem(ref, 160.0)]).applied == 1
    assert sbx.state.data["prices"][sku_id]["listPrice"] == 160.0


def test_a_price_push_reads_the_record_once_and_writes_it_once(vtex):
    sbx, conn = vtex
    refs = sorted(sbx.state.data["by_ref"])[:3]
    for ref in refs:
        _store_prices(sbx, ref)
    before = len(sbx.state.requests)
    assert conn.update_prices([PriceItem(r, 50.0 + n) for n, r in enumerate(refs)]).applied == 3
    pricing = [(e["method"], e["path"]) for e in list(sbx.state.requests)[before:] if "/pricing/" in e["path"]]
    paths = {f"/{ACCOUNT}/pricing/prices/{sbx.state.data['by_ref'][r]}" for r in refs}
    assert sorted(pricing) == sorted([("GET", p) for p in paths] + [("PUT", p) for p in paths])


def test_a_sku_without_a_price_gets_the_base_price_alone(vtex):
    sbx, conn = vtex
    ref = sorted(sbx.state.data["by_ref"])[1]
    sku_id = sbx.state.data["by_ref"][ref]
    del sbx.state.data["prices"][sku_id]  # a SKU created in the admin, never priced: the GET answers 404
    assert conn.update_prices([PriceItem(ref, 33.3)]).applied == 1
    put = [e for e in sbx.state.requests if e["method"] == "PUT" and "/pricing/" in e["path"]][-1]
    assert json.loads(put["body"]) == {"basePrice": 33.3}
    assert sbx.state.data["prices"][sku_id]["basePrice"] == 33.3


def test_a_price_record_the_kit_cannot_send_back_is_reported_failed_and_not_written(vtex):
    sbx, conn = vtex
    ref = sorted(sbx.state.data["by_ref"])[2]
    sku_id = _store_prices(sbx, ref)
    sbx.state.data["prices"][sku_id]["fixedPrices"].append({"tradePolicyId": "3", "value": 10.0, "listPrice": None,
                                                             "minQuantity": None})  # fmt: skip
    result = conn.update_prices([PriceItem(ref, 120.0)])
    assert result.counts == {"applied": 0, "failed": 1, "skipped": 0}
    assert "preços fixos" in result.items[0].reason
    assert not [e for e in sbx.state.requests if e["method"] == "PUT" and "/pricing/" in e["path"]]
    assert sbx.state.data["prices"][sku_id]["basePrice"] == 100.0


# -- catalogue updates: what the ERP does not give stays as the store has it ------------------------------------
def _published(sbx, conn, **changes):
    """One new listing published by the kit (found again by RefId on the next publish); (item, skuId, productId)."""
    item = replace(vtex_items(sbx, conn, 1)[0], **changes)
    result = conn.publish([item])
    assert result.counts["applied"] == 1, result
    sku_id = int(sbx.state.data["by_ref"][item.sku])
    return item, sku_id, sbx.state.data["skus"][sku_id]["ProductId"]


def test_an_update_without_ncm_or_description_keeps_the_store_tax_code_and_description(vtex):
    sbx, conn = vtex
    item, _, product_id = _published(sbx, conn)
    product = sbx.state.data["products"][product_id]
    product.update(TaxCode="61091000", Description="Descrição escrita pela loja")
    result = conn.publish([replace(item, title=item.title + " v2", ncm=None, description="")])
    assert result.counts["applied"] == 1
    product = sbx.state.data["products"][product_id]
    assert product["Name"] == item.title + " v2"  # what the kit owns is updated
    assert (product["TaxCode"], product["Description"]) == ("61091000", "Descrição escrita pela loja")
    conn.publish([replace(item, title=item.title + " v3", ncm="62034200", description="Descrição do ERP")])
    product = sbx.state.data["products"][product_id]
    assert (product["TaxCode"], product["Description"]) == (
        "62034200",
        "Descrição do ERP",
    )  # the ERP's, when it has them


def _store_image(sbx, sku_id: int, name: str = "foto-da-loja") -> int:
    """An image the store uploaded in VTEX's admin (a name the kit never gives); its skuFileId."""
    sku = sbx.state.data["skus"][sku_id]
    with sbx.state.lock:
        entry = sbx.add_file(sku, {"Name": name, "Url": "https://loja.example/foto.jpg"}, main=False)
    entry["Position"] = 5
    return entry["Id"]


def _images(sbx, sku_id: int) -> list[tuple[str, str]]:
    return [(f["Name"], f["_source"]) for f in sorted(sbx.state.data["skus"][sku_id]["_files"], key=lambda f: f["Id"])]


def test_an_update_keeps_the_store_images_and_sends_nothing_when_the_erp_images_did_not_change(vtex):
    sbx, conn = vtex
    item, sku_id, _ = _published(
        sbx, conn, image_urls=["https://img.example.com/a.jpg", "https://img.example.com/b.png"]
    )
    _store_image(sbx, sku_id)
    before = _images(sbx, sku_id)
    sent = len(sbx.state.requests)
    assert conn.publish([replace(item, title=item.title + " v2")]).counts["applied"] == 1
    assert _images(sbx, sku_id) == before
    files = [e for e in list(sbx.state.requests)[sent:] if "/file" in e["path"] and e["method"] != "GET"]
    assert files == []  # unchanged images: not sent again


def test_changed_erp_images_replace_only_the_kit_images(vtex):
    sbx, conn = vtex
    item, sku_id, _ = _published(
        sbx, conn, image_urls=["https://img.example.com/a.jpg", "https://img.example.com/b.png"]
    )
    store_file = _store_image(sbx, sku_id)
    assert conn.publish([replace(item, image_urls=["https://img.example.com/c.jpg"])]).counts["applied"] == 1
    files = sbx.state.data["skus"][sku_id]["_files"]
    assert store_file in [f["Id"] for f in files]  # the store's image stays
    sources = sorted(f["_source"] for f in files)
    assert sources == ["https://img.example.com/c.jpg", "https://loja.example/foto.jpg"]
    main = [f["_source"] for f in files if f["IsMain"]]
    assert main == ["https://img.example.com/c.jpg"]  # the kit's image was the main one: its new one is
    deletes = [e["path"] for e in sbx.state.requests if e["method"] == "DELETE"]
    assert deletes and all(p.rsplit("/", 2)[-2] == "file" for p in deletes)  # one file at a time, never all


@pytest.mark.parametrize("store_name", ["foto-da-loja", "NOVO-001-1"], ids=["nome-livre", "nome-sku-posicao"])
def test_a_sku_with_only_the_store_images_is_left_alone_with_a_note(vtex, store_name):
    sbx, conn = vtex
    item, sku_id, _ = _published(sbx, conn, image_urls=["https://img.example.com/a.jpg"])
    assert item.sku == "NOVO-001"
    sbx.state.data["skus"][sku_id]["_files"].clear()  # as a store that removed them and uploaded its own
    _store_image(sbx, sku_id, store_name)  # "{sku}-{n}": how stores (and earlier kit versions) name photos
    result = conn.publish([replace(item, image_urls=["https://img.example.com/c.jpg"])])
    assert result.counts["applied"] == 1
    assert _images(sbx, sku_id) == [(store_name, "https://loja.example/foto.jpg")]
    assert "imagens" in result.items[0].note and "admin da VTEX" in result.items[0].note
