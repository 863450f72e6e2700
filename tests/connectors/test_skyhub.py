"""SkyHub connector: the contract suite plus SkyHub specifics (queue, encoded codes, per-endpoint buckets)."""

from __future__ import annotations

from connectors.contract import contract_suite
from kit.connectors.model import Invoice, Shipment

TestSkyhubContract = contract_suite("skyhub", products=250, acks=True, write_path="^/(products|variations)/")


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


def test_invoice_and_shipment_reach_an_order_whose_code_has_spaces():
    from connectors.contract import make_connector
    from kit.sandbox import start_sandbox

    with start_sandbox("skyhub", rate_limit=(5000, 5000), n_products=6, orders=0) as sbx:
        order = sbx.make_order(status="payment_received")
        order["code"] = "Lojas Americanas-1000000000099"
        sbx.add_order(order)
        conn = make_connector(sbx)
        fetched = conn.fetch_orders().orders[0]
        conn.send_invoice(fetched, Invoice(nfe_key="3" * 44, number="1"))
        conn.send_tracking(
            fetched, Shipment(carrier="Correios", code="BR123", service="SEDEX", url="https://t.example/BR123")
        )
        stored = sbx.state.data["orders"][order["code"]]
        assert stored["status"]["code"] == "order_shipped" and stored["invoices"] == [{"key": "3" * 44}]
        assert stored["shipments"][-1]["track"]["code"] == "BR123"
        assert [i["sku"] for i in stored["shipments"][-1]["items"]] == [i.sku for i in fetched.items]
        assert all("%20" in r["path"] for r in sbx.state.requests if r["method"] == "POST")
        conn.close()


def test_skus_past_the_paging_wall_are_still_written(monkeypatch):
    import kit.connectors.skyhub as skyhub
    from connectors.contract import make_connector
    from kit.connectors.model import StockItem
    from kit.sandbox import start_sandbox

    monkeypatch.setattr(skyhub, "MAX_DEEP_RECORDS", 200)  # SkyHub's wall is 10,000 records
    with start_sandbox("skyhub", rate_limit=(5000, 5000), n_products=250, orders=0, variation_share=False) as sbx:
        conn = make_connector(sbx)
        assert len(conn.list_listings()) == 200
        last = sorted(sbx.state.data["products"])[-1]
        result = conn.update_stock([StockItem(last, 42), StockItem("NOT-ON-SKYHUB", 1)])
        assert [r.status for r in result.items] == ["applied", "failed"]
        assert "404" in result.items[1].reason
        assert sbx.state.data["products"][last]["qty"] == 42
        conn.close()
