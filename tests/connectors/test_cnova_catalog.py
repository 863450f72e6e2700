"""Via publishing specifics: loads, approval polled across runs, refusals, approved products that cannot change."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import requests

from connectors.contract import make_connector, write_publishing_inputs
from connectors.test_cnova import cnova_items
from kit.connectors.cnova_catalog import LOAD_PREFIX
from kit.errors import ChannelFatalError
from kit.sandbox import start_sandbox

FAST = (5000, 5000)


@pytest.fixture
def sbx():
    with start_sandbox("cnova", rate_limit=FAST, n_products=4, orders=0, seed=5, review_delay_s=None) as server:
        yield server


@pytest.fixture
def conn(sbx):
    connector = make_connector(sbx)
    connector.publish_poll_wait_s = 0.3  # the review is manual in these tests: the run's wait ends pending
    yield connector
    connector.close()


def _writes(sbx) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in sbx.state.requests if r["method"] in ("POST", "PUT", "DELETE")]


def test_a_load_carries_the_documented_product_and_waits_for_approval(sbx, conn):
    item = replace(cnova_items(sbx, conn, 1)[0], height_cm=0.4)
    report = conn.publish([item])
    result = report.items[0]
    assert result.status == "pending" and result.token and "Equipe de Cadastro" in result.reason
    [post] = [r for r in sbx.state.requests if r["method"] == "POST"]
    [body] = json.loads(post["body"])
    assert post["path"] == "/loads/products"
    assert body["dimensions"] == {"weight": 0.6, "length": 0.08, "width": 0.08, "height": 0.01}  # m and kg, up
    assert (body["categories"], body["productSellerId"], body["gtin"]) == (["Casa>Utilidades"], "FAM-000", [item.ean])
    assert body["price"] == {"default": 49.9, "offer": 49.9} and body["stock"] == {"quantity": 5}
    assert item.sku not in sbx.listings_by_ref()  # not on sellerItems before approval
    sbx.review(item.sku)
    [polled] = conn.poll_publish({item.sku: result.token})
    assert polled.status == "applied" and polled.channel_id == sbx.state.data["items"][item.sku]["skuSiteId"]


def test_pending_loads_are_polled_on_the_next_runs_never_sent_again(sbx, conn, tmp_path, workspace, monkeypatch):
    from kit.channels import ChannelRegistry
    from kit.jobs import run_job
    from kit.jobs.settings import set_job_settings

    ChannelRegistry(workspace).add(sbx.channel("via-pub"))
    items = cnova_items(sbx, conn, 3)
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    write_publishing_inputs(tmp_path, "via-pub", items)
    set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
    first = run_job("products", "via-pub", ws=workspace, connector=conn)
    assert first.ok and first.applied == 0 and "3 pendente" in first.render_pt(), first.render_pt()
    sbx.state.clear_log()
    second = run_job("products", "via-pub", ws=workspace, connector=conn)
    assert second.ok and second.applied == 0 and _writes(sbx) == [], _writes(sbx)
    for item in items:
        sbx.review(item.sku)
    third = run_job("products", "via-pub", ws=workspace, connector=conn)
    assert third.ok and third.applied == 3 and _writes(sbx) == [], third.render_pt()
    sbx.state.clear_log()
    fourth = run_job("products", "via-pub", ws=workspace, connector=conn)
    assert fourth.ok and fourth.applied == 0 and _writes(sbx) == []
    assert {i.sku: len(sbx.listings_by_ref()[i.sku]) for i in items} == {i.sku: 1 for i in items}


def test_a_refused_product_reports_the_reason_and_is_corrected_in_its_load(sbx, conn):
    item = replace(cnova_items(sbx, conn, 1)[0], channel_category="Eletroportáteis>Cozinha")
    pending = conn.publish([item]).items[0]
    sbx.state.data["loads"][item.sku]["review_at"] = 0.0  # the Equipe de Cadastro decides now
    [refused] = conn.poll_publish({item.sku: pending.token})
    assert refused.status == "failed" and "Voltagem" in refused.reason and "Via recusou" in refused.reason
    fixed = replace(item, channel_attributes={**item.channel_attributes, "Voltagem": "Bivolt"})
    sbx.state.clear_log()
    again = conn.publish([fixed]).items[0]
    assert again.status == "pending" and again.action == "update"
    assert _writes(sbx) == [("PUT", f"/loads/products/{item.sku}")]  # the same load corrected, not a new one
    sbx.review(item.sku)
    assert conn.poll_publish({item.sku: again.token})[0].status == "applied"
    assert sbx.listings_by_ref()[item.sku] == [sbx.state.data["items"][item.sku]["skuSiteId"]]


def test_an_approved_product_cannot_be_changed_and_says_so_per_sku(sbx, conn):
    item = cnova_items(sbx, conn, 1)[0]
    conn.publish([item])
    sbx.review(item.sku)
    site_id = sbx.state.data["items"][item.sku]["skuSiteId"]
    sbx.state.clear_log()
    report = conn.publish([replace(item, channel_id=site_id, title="Outro título")])
    result = report.items[0]
    assert result.status == "skipped" and "não pode ser alterado pela API" in result.reason
    assert _writes(sbx) == []
    r = requests.put(f"{sbx.url}/loads/products/{item.sku}", json=sbx.state.data["loads"][item.sku]["product"],
                     headers=dict(sbx.credentials), timeout=5)  # fmt: skip
    assert r.status_code == 422 and "AVAILABLE" in r.json()["errors"][0]["message"]


def test_a_product_on_the_marketplace_is_never_loaded_again(sbx, conn):
    listed = next(iter(sbx.state.data["items"]))  # sent by spreadsheet: no load of its own
    item = replace(cnova_items(sbx, conn, 1)[0], sku=listed)
    report = conn.publish([item])
    assert report.items[0].status == "skipped" and _writes(sbx) == []
    assert sbx.listings_by_ref()[listed] == [sbx.state.data["items"][listed]["skuSiteId"]]
    # What the lookup prevents: the same product loaded anyway becomes a second listing once approved.
    body = conn._product_body(item)
    assert requests.post(sbx.url + "/loads/products", json=[body], headers=dict(sbx.credentials), timeout=5).ok
    sbx.review(listed)
    assert len(sbx.listings_by_ref()[listed]) == 2


def test_a_found_load_is_bound_with_its_marker(sbx, conn):
    item = cnova_items(sbx, conn, 1)[0]
    conn.create_listing(item)
    assert conn.find_listings([item.sku, "NAO-EXISTE"])[item.sku].channel_id == f"{LOAD_PREFIX}{item.sku}"
    assert "NAO-EXISTE" not in conn.find_listings(["NAO-EXISTE"])


def test_a_load_with_a_bad_product_is_refused_whole_naming_the_sku(sbx, conn):
    item = replace(cnova_items(sbx, conn, 1)[0], image_urls=[])
    assert conn.publish([item]).items[0].status == "held"
    with pytest.raises(ChannelFatalError) as info:  # sent anyway: Via's 422 names the SKU and the rule
        conn.create_listing(item)
    assert info.value.status == 422 and f"{item.sku}: pelo menos uma imagem" in info.value.message
    assert item.sku not in sbx.state.data["loads"]


def test_a_description_with_forbidden_tags_fails_before_sending(sbx, conn):
    item = replace(cnova_items(sbx, conn, 1)[0], description="<p>Bom</p><script>alert(1)</script>")
    result = conn.publish([item]).items[0]
    assert result.status == "failed" and "script" in result.reason and _writes(sbx) == []


def test_categories_are_blocked_by_default_and_feed_the_depara_when_open():
    with start_sandbox("cnova", rate_limit=FAST, n_products=2, orders=0) as closed:
        conn = make_connector(closed)
        assert conn.catalog_value_lists() == {"category": [], "attribute": []}
        conn.close()
    with start_sandbox("cnova", rate_limit=FAST, n_products=2, orders=0, categories_open=True) as opened:
        conn = make_connector(opened)
        lists = conn.value_lists()
        assert {"Eletroportáteis>Cozinha", "Esporte>Futebol"} <= set(lists["category"]["category"])
        assert "Bivolt" in set(lists["attribute"]["value"])
        conn.close()


def test_many_skus_are_looked_up_from_the_two_lists_not_one_by_one(sbx, conn):
    from kit.connectors.cnova_catalog import PAGED_LOOKUP_MIN

    items = cnova_items(sbx, conn, PAGED_LOOKUP_MIN + 5)
    for item in items:
        conn.create_listing(item)
    approved = {i.sku for i in items[::2]}
    for sku in approved:
        sbx.review(sku)
    seeded = next(iter(sorted(set(sbx.state.data["items"]) - approved)))
    sbx.state.clear_log()
    found = conn.find_listings([*(i.sku for i in items), seeded, "NAO-EXISTE"])
    assert {s: r.channel_id for s, r in found.items() if s in approved} == {
        s: sbx.state.data["items"][s]["skuSiteId"] for s in approved
    }
    assert {found[i.sku].channel_id for i in items if i.sku not in approved} == {
        f"{LOAD_PREFIX}{i.sku}" for i in items if i.sku not in approved
    }
    assert found[seeded].channel_id == sbx.state.data["items"][seeded]["skuSiteId"] and "NAO-EXISTE" not in found
    assert {r["path"] for r in sbx.state.requests} == {"/sellerItems", "/loads/products"}
