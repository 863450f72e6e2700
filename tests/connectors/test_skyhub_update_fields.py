"""SkyHub listing update: an ERP without description or NCM leaves the store's description and NBM as they are.

SkyHub updates only the fields sent (§4.2, "send only the fields you change"); the sandbox does the same.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from connectors.contract import make_connector
from connectors.test_skyhub import skyhub_items
from kit.sandbox import start_sandbox


@pytest.fixture
def sbx():
    with start_sandbox("skyhub", n_products=4, orders=0, rate_limit=(5000, 5000)) as server:
        yield server


def _product_puts(sbx, sku: str) -> list[dict]:
    return [json.loads(e["body"])["product"] for e in sbx.state.requests
            if e["method"] == "PUT" and e["path"] == f"/products/{sku}"]  # fmt: skip


def _published(sbx, simple: bool):
    conn = make_connector(sbx)
    items = skyhub_items(sbx, conn, 2)[1:]  # NOVO-002, family FAM-001
    if simple:
        items = [replace(i, parent_sku=None) for i in items]
    assert [r.status for r in conn.publish(items).items] == ["applied"]
    conn.close()
    item = items[0]
    product_sku = item.sku if simple else str(item.parent_sku)
    product = sbx.state.data["products"][product_sku]
    product.update(description="<p>Descrição escrita na loja</p>", nbm="96170090")  # the store's own
    sbx.state.clear_log()
    bound = replace(item, channel_id=product_sku, variation_id=None if simple else item.sku)
    return bound, product_sku, product


@pytest.mark.parametrize("simple", [True, False], ids=["simple", "variation"])
def test_no_description_or_ncm_in_the_erp_keeps_the_stores(sbx, simple):
    bound, product_sku, product = _published(sbx, simple)
    conn = make_connector(sbx)
    report = conn.publish([replace(bound, description=None, ncm=None, title=bound.title + " novo")])
    conn.close()
    assert [r.status for r in report.items] == ["applied"]
    (put,) = _product_puts(sbx, product_sku)
    assert "description" not in put and "nbm" not in put
    assert product["description"] == "<p>Descrição escrita na loja</p>"  # was replaced by the title
    assert product["nbm"] == "96170090"  # was cleared
    assert product["name"] == bound.title + " novo"  # the title the kit owns still goes


def test_the_erps_description_and_ncm_still_replace_the_stores(sbx):
    bound, product_sku, product = _published(sbx, True)
    conn = make_connector(sbx)
    report = conn.publish([replace(bound, description="Descrição do ERP", ncm="85167100")])
    conn.close()
    assert [r.status for r in report.items] == ["applied"]
    assert (product["description"], product["nbm"]) == ("Descrição do ERP", "85167100")
