"""SkyHub connector: the contract suite plus SkyHub specifics (queue, encoded codes, per-endpoint buckets).

Publishing specifics (category list, brands, variations): ``test_skyhub_publishing.py``.
"""

from __future__ import annotations

from urllib.parse import quote

from connectors.contract import contract_suite, publishing_suite
from kit.connectors.model import Invoice, ProductItem, Shipment

#: A category of the sandbox's list that asks for a colour but no size, voltage nor EAN.
SKY_CATEGORY = "Casa > Utilidades"


def skyhub_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for the SkyHub sandbox: a category of its list, a listed brand, a colour of the list."""
    colours = [r["value"] for r in sandbox.category_for(SKY_CATEGORY)["attributes"] if r["name"] == "Cor"]
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Produto novo {k}", description=f"Descrição {k}", brand="Ipê", ean=None,
            ncm="96170010", weight_kg=0.5 + k / 10, height_cm=3.0, width_cm=20.0, length_cm=30.0, price=49.9,
            stock=5, category="ERP > Utilidades", channel_category=SKY_CATEGORY,
            attributes={"Cor": f"cor-erp-{colours[k % len(colours)]}"},
            channel_attributes={"Cor": colours[k % len(colours)]},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


TestSkyhubContract = contract_suite("skyhub", products=250, acks=True, write_path="^/(products|variations)/")
TestSkyhubPublishing = publishing_suite("skyhub", item_factory=skyhub_items)


def test_each_endpoint_and_method_has_its_own_bucket():
    from kit.connectors import connector_for
    from kit.sandbox import start_sandbox

    with start_sandbox("skyhub", n_products=3, orders=0) as sbx:
        conn = connector_for(sbx.channel())
        limits = {f: conn.rate_limit_for(f) for f in ("products:PUT", "variations:PUT", "orders:GET", "order:GET")}
        assert {f: lim.per_second for f, (_, lim) in limits.items()} == {
            "products:PUT": 9, "variations:PUT": 9, "orders:GET": 1, "order:GET": 1,
        }  # fmt: skip
        assert len({name for name, _ in limits.values()}) == 4  # four buckets, not one
        conn.close()


def _order(sbx, *, status: str = "payment_received", direct: bool = False, code: str | None = None):
    """A stored, queued order in ``status``: an Americanas Entrega Direct one or a seller-shipped one."""
    order = sbx.make_order(status=status)
    if code:
        order["code"] = code
    order["shipping_carrier"], order["shipping_method"] = ("B2W Entrega", "b2wentregadirect") if direct else (
        "Correios", "SEDEX")  # fmt: skip
    order["calculation_type"] = "b2wentregadirect" if direct else None
    return sbx.add_order(order)


def test_invoice_and_shipment_reach_an_order_whose_code_has_spaces():
    from connectors.contract import make_connector
    from kit.sandbox import start_sandbox

    with start_sandbox("skyhub", rate_limit=(5000, 5000), n_products=6, orders=0) as sbx:
        order = _order(sbx, code="Lojas Americanas-1000000000099")
        conn = make_connector(sbx)
        fetched = conn.fetch_orders().orders[0]
        conn.send_invoice(fetched, Invoice(nfe_key="3" * 44, number="1", issued_at="2026-11-20T10:00:00"))
        conn.send_tracking(
            fetched, Shipment(carrier="Correios", code="BR123", service="SEDEX", url="https://t.example/BR123")
        )
        stored = sbx.state.data["orders"][order["code"]]
        assert stored["status"]["code"] == "order_shipped" and stored["invoices"][0]["key"] == "3" * 44
        assert stored["invoices"][0]["issue_date"] == "2026-11-20T10:00:00-03:00"  # the ERP's local time, with BRT
        assert stored["shipments"][-1]["track"]["code"] == "BR123"
        assert [i["sku"] for i in stored["shipments"][-1]["items"]] == [i.sku for i in fetched.items]
        assert all("%20" in r["path"] for r in sbx.state.requests if r["method"] == "POST")
        conn.close()


NFE_TWO_VOLUMES = (
    '<?xml version="1.0"?><nfeProc xmlns="http://www.portalfiscal.inf.br/nfe"><NFe><infNFe>'
    "<transp><vol><qVol>1</qVol></vol><vol><qVol>1</qVol></vol></transp></infNFe></NFe></nfeProc>"
)


def test_direct_orders_are_invoiced_with_volume_qty_from_the_nfe():
    import json

    import pytest

    from connectors.contract import make_connector
    from kit.errors import ChannelFatalError
    from kit.sandbox import start_sandbox

    with start_sandbox("skyhub", rate_limit=(5000, 5000), n_products=6, orders=0) as sbx:
        two, one, seller = _order(sbx, direct=True), _order(sbx, direct=True), _order(sbx)
        conn = make_connector(sbx)
        conn.send_invoice(two["code"], Invoice(nfe_key="3" * 44, number="1", xml=NFE_TWO_VOLUMES))
        conn.send_invoice(one["code"], Invoice(nfe_key="4" * 44, number="2"))  # no XML: one volume
        conn.send_invoice(seller["code"], Invoice(nfe_key="5" * 44, number="3"))
        sent = {r["path"]: json.loads(r["body"]) for r in sbx.state.requests if r["path"].endswith("/invoice")}
        volumes = {path.split("/")[2]: body.get("volume_qty") for path, body in sent.items()}
        assert sorted(volumes.values(), key=str) == [1, 2, None]  # only Direct orders carry it
        assert sbx.state.data["orders"][two["code"]]["volume_qty"] == 2
        # The sandbox holds SkyHub's rule: a Direct invoice without volume_qty is refused.
        with pytest.raises(ChannelFatalError, match="volume_qty"):
            conn.request("POST", f"/orders/{quote(one['code'], safe='')}/invoice",
                         json_data={"status": "order_invoiced", "invoice": {"key": "4" * 44}}, family="orders:POST")  # fmt: skip
        conn.close()


def test_invoice_retried_after_skyhub_took_it_is_applied_and_shipping_first_is_refused():
    import pytest

    from connectors.contract import make_connector
    from kit.errors import ChannelFatalError
    from kit.sandbox import start_sandbox

    with start_sandbox("skyhub", rate_limit=(5000, 5000), n_products=6, orders=0) as sbx:
        early, done = _order(sbx), _order(sbx)
        conn = make_connector(sbx)
        with pytest.raises(ChannelFatalError, match="invalid transition.*status 422"):  # shipped before invoiced
            conn.send_tracking(early["code"], Shipment(carrier="Correios", code="BR9", service="SEDEX"))
        invoice = Invoice(nfe_key="6" * 44, number="9")
        conn.send_invoice(done["code"], invoice)
        conn.send_tracking(done["code"], Shipment(carrier="Correios", code="BR7", service="SEDEX"))
        # The answers were lost: the status job sends both again; SkyHub holds them (422), so they are done.
        assert conn.send_invoice(done["code"], invoice)["already_applied"]
        assert conn.send_tracking(done["code"], Shipment(carrier="Correios", code="BR7"))["already_applied"]
        with pytest.raises(ChannelFatalError, match="422"):  # another key on a shipped order: refused
            conn.send_invoice(done["code"], Invoice(nfe_key="7" * 44, number="10"))
        assert len(sbx.state.data["orders"][done["code"]]["shipments"]) == 1
        conn.close()


def test_products_past_the_10000_record_wall_are_listed_with_the_next_cursor():
    import pytest

    from connectors.contract import make_connector
    from kit.connectors.model import StockItem
    from kit.errors import ChannelFatalError
    from kit.sandbox import start_sandbox

    # deep_paging_max stands in for SkyHub's 10,000 records (page paging answers 400 past it).
    with start_sandbox("skyhub", rate_limit=(5000, 5000), n_products=250, orders=0, variation_share=False,
                       deep_paging_max=200) as sbx:  # fmt: skip
        conn = make_connector(sbx)
        assert len(conn.list_listings()) == 250
        listed = [r for r in sbx.state.requests if r["path"] == "/products"]
        assert len(listed) == 3 and all(r["status"] == 200 for r in listed)
        assert [r["query"].get("cursor") is not None for r in listed] == [False, True, True]
        last = sorted(sbx.state.data["products"])[-1]
        result = conn.update_stock([StockItem(last, 42), StockItem("NOT-ON-SKYHUB", 1)])
        assert [r.status for r in result.items] == ["applied", "skipped"]
        assert sbx.state.data["products"][last]["qty"] == 42
        # Page paging itself still stops at the wall.
        with pytest.raises(ChannelFatalError, match="deep paging"):
            conn.get_json("/products", params={"page": 3, "per_page": 100}, family="products:GET")
        conn.close()


def test_sandbox_variations_are_the_catalogue_families():
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox

    catalog = generate_catalog(120, seed=4)
    families: dict[str, set[str]] = {}
    for row in catalog:
        if row["parent_sku"]:
            families.setdefault(row["parent_sku"], set()).add(row["sku"])
    with start_sandbox("skyhub", catalog=catalog, orders=0) as sbx:
        products = sbx.state.data["products"]
        grouped = {sku: {v["sku"] for v in p["variations"]} for sku, p in products.items() if p["variations"]}
    assert families and grouped == families  # a product's variations are one family, never unrelated rows
    with start_sandbox("skyhub", catalog=catalog, orders=0, variation_share=False) as sbx:
        assert not any(p["variations"] for p in sbx.state.data["products"].values())


def test_orders_round_trip_through_the_sandbox_and_the_connector():
    from connectors.roundtrip import assert_round_trip

    assert_round_trip("skyhub", buyer=True)
