"""Netshoes connector: the contract suite plus Netshoes specifics (plan limit, shipping status bodies)."""

from __future__ import annotations

from connectors.contract import contract_suite
from kit.connectors.model import Invoice, Shipment

TestNetshoesContract = contract_suite("netshoes", products=51, write_path="^/skus/")


def test_plan_setting_sets_the_one_shared_bucket():
    from kit.connectors import connector_for
    from kit.sandbox import start_sandbox

    with start_sandbox("netshoes", n_products=3, orders=0) as sbx:
        for plan, per_second in (("50", 50 / 60), ("250", 250 / 60)):
            channel = sbx.channel()
            channel.settings["plan"] = plan
            conn = connector_for(channel)
            assert {conn.rate_limit_for(f)[1].per_second for f in ("write", "read", "orders_read")} == {per_second}
            assert {conn.rate_limit_for(f)[0] for f in ("write", "read", "orders_read")} == {"default"}
            conn.close()


def test_shipping_status_updates_use_the_order_shipping_code():
    from connectors.contract import make_connector
    from kit.sandbox import start_sandbox

    with start_sandbox("netshoes", rate_limit=(5000, 5000), n_products=5, orders=2) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders(since="2000-01-01T00:00:00+00:00").orders[0]
        conn.send_invoice(order, Invoice(nfe_key="3" * 44, number="10", series="1"))
        conn.send_tracking(order, Shipment(carrier="Correios", code="BR1", service="PAC"))
        paths = [r["path"] for r in sbx.state.requests if r["method"] == "PUT"]
        assert paths == [f"/orders/{order.order_id}/shippings/1/status"] * 2
        assert sbx.state.data["status_updates"] == [(order.order_id, "Invoiced"), (order.order_id, "Shipped")]
        conn.close()
