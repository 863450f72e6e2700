"""Netshoes connector: the contract suite plus Netshoes specifics (plan limit, shipping status, change reads)."""

from __future__ import annotations

import copy

import pytest
import requests

from connectors.contract import contract_suite, make_connector, publishing_suite
from connectors.roundtrip import assert_same_order
from kit.connectors.model import Invoice, ProductItem, Shipment
from kit.connectors.netshoes import CHANGE_STATUSES
from kit.errors import ChannelFatalError
from kit.sample import channel_values, generate_catalog, generate_orders
from kit.sandbox import start_sandbox
from kit.sandbox.netshoes import render_order

_Contract = contract_suite("netshoes", products=51, write_path="^/skus/")
FAST = (5000, 5000)
#: a product type without templates (required attributes), so the products job's ERP colour/size columns suffice
PLAIN_TYPE = "Acessórios Esportivos > Garrafas"


def netshoes_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for the Netshoes sandbox: families of two sizes, listed brand, colour and sizes."""
    node = next(c for c in connector.category_tree() if c["path"] == PLAIN_TYPE)
    brand = sandbox.state.data["lists"]["brands"][0]
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Garrafa térmica nova {k}", description=f"Descrição {k}", brand=brand,
            ean=None, ncm="96170010", weight_kg=0.5 + k / 10, height_cm=25.0, width_cm=8.0, length_cm=8.0,
            price=49.9, stock=5, category="ERP > Garrafas", channel_category=node["path"],
            attributes={"Cor": "cor-erp-preto", "Tamanho": f"tam-erp-{k % 2}"},
            channel_attributes={"Cor": "Preto", "Tamanho": ("P", "M")[k % 2]},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


TestNetshoesPublishing = publishing_suite("netshoes", item_factory=netshoes_items, created_statuses=("pending",))


class TestNetshoesContract(_Contract):
    def test_fetch_orders_keeps_raw_values_and_acks(self, connector):
        """Netshoes variant of the contract test (orders carry no update stamp).

        The contract's "only boundary orders come again" cannot hold: the API
        filters by order date and status only, so every run re-reads the
        statuses an order reaches on the channel's side (``Approved``,
        ``Canceled``). What must hold instead: nothing else comes again, and
        what comes again is the same version, so the orders job writes nothing.
        """
        from kit.jobs.adapters import order_to_dict, order_version

        page = connector.fetch_orders()
        assert page.orders and not page.has_more
        truth = channel_values("netshoes")
        carriers = {tuple(pair) for pair, _ in truth["carrier_service"]}
        statuses = {raw for raw, _ in truth["order_status"]}
        for order in page.orders:
            assert order.items and all(i.sku and i.quantity > 0 for i in order.items)
            assert (order.carrier_raw, order.service_raw) in carriers
            assert order.payment_raw is None and order.status_raw in statuses
        assert connector.ack_orders(page.orders) == 0
        again = connector.fetch_orders(cursor=page.cursor)
        before = {o.order_id: order_version(order_to_dict(o)) for o in page.orders}
        assert {o.order_id for o in again.orders} == {
            o.order_id for o in page.orders if o.status_raw in CHANGE_STATUSES
        }
        assert all(before[o.order_id] == order_version(order_to_dict(o)) for o in again.orders)


def test_plan_setting_sets_the_one_shared_bucket():
    from kit.connectors import connector_for

    with start_sandbox("netshoes", n_products=3, orders=0) as sbx:
        for plan, per_second in (("50", 50 / 60), ("250", 250 / 60)):
            channel = sbx.channel()
            channel.settings["plan"] = plan
            conn = connector_for(channel)
            assert {conn.rate_limit_for(f)[1].per_second for f in ("write", "read", "orders_read")} == {per_second}
            assert {conn.rate_limit_for(f)[0] for f in ("write", "read", "orders_read")} == {"default"}
            conn.close()


def _two_shippings(spec: dict) -> dict:
    """A rendered order split in two shippings (one item each) - a seller's order may have several."""
    order = render_order(spec)
    first = order["shippings"][0]
    second = copy.deepcopy(first)
    second["shippingCode"] = first["shippingCode"] + 1
    first["items"], second["items"] = first["items"][:1], first["items"][1:]
    order["shippings"].append(second)
    return order


def _spec(status: str, n_items: int = 2) -> dict:
    catalog = generate_catalog(6, seed=11)
    for spec in generate_orders(catalog, "netshoes", 60, seed=12):
        if len(spec["items"]) >= n_items:
            return dict(spec, status_raw=status)
    raise AssertionError("no sample order with enough items")


def test_invoice_and_tracking_update_every_shipping_of_the_order():
    spec = _spec("Approved")
    with start_sandbox("netshoes", rate_limit=FAST, orders=[_two_shippings(spec)], n_products=6, seed=11) as sbx:
        conn = make_connector(sbx)
        order_id = spec["order_id"]
        conn.send_invoice(order_id, Invoice(nfe_key="3" * 44, number="10", series="1"))
        conn.send_tracking(order_id, Shipment(carrier="Correios", code="BR1", service="PAC"))
        puts = [r["path"] for r in sbx.state.requests if r["method"] == "PUT"]
        codes = [s["shippingCode"] for s in sbx.state.data["orders"][order_id]["shippings"]]
        assert puts == [f"/orders/{order_id}/shippings/{c}/status/{s}" for s in ("invoiced", "shipped") for c in codes]
        assert {s["status"] for s in sbx.state.data["orders"][order_id]["shippings"]} == {"Shipped"}
        # A retried event is done, not sent again.
        sbx.state.clear_log()
        conn.send_tracking(order_id, Shipment(carrier="Correios", code="BR1"))
        assert [r["method"] for r in sbx.state.requests] == ["GET"]
        conn.close()


def test_the_sandbox_refuses_shipping_before_invoice_and_the_connector_says_so():
    spec = _spec("Approved")
    with start_sandbox("netshoes", rate_limit=FAST, orders=[render_order(spec)], n_products=6, seed=11) as sbx:
        conn = make_connector(sbx)
        with pytest.raises(ChannelFatalError) as info:
            conn.send_tracking(spec["order_id"], Shipment(carrier="Correios", code="BR1"))
        assert info.value.status == 409
        assert sbx.state.data["orders"][spec["order_id"]]["orderStatus"] == "Approved"
        conn.close()


def test_a_cancelled_order_is_not_invoiced():
    spec = _spec("Approved")
    with start_sandbox("netshoes", rate_limit=FAST, orders=[render_order(spec)], n_products=6, seed=11) as sbx:
        conn = make_connector(sbx)
        sbx.cancel_order(spec["order_id"])
        with pytest.raises(ChannelFatalError, match="cancelado"):
            conn.send_invoice(spec["order_id"], Invoice(nfe_key="3" * 44, number="10"))
        assert not [r for r in sbx.state.requests if r["method"] == "PUT"]
        conn.close()


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/skus/{sku}/stocks", {"country": "BR", "available": "5"}, 400),  # quantity as text
        ("/skus/{sku}/stocks", {"available": 5}, 400),  # country missing
        ("/skus/{sku}/prices", {"price": "9.90"}, 400),
        ("/orders/{order}/shippings/{code}/status/invoiced", {"number": "1", "line": "1", "key": "123"}, 400),
        ("/orders/{order}/shippings/{code}/status/invoiced", {"number": "1", "key": "3" * 44, "issueDate": "x"}, 400),
        ("/orders/{order}/shippings/{code}/status/shipped", {"carrier": "Correios"}, 400),
    ],
)
def test_the_sandbox_validates_bodies_like_the_channel(path, body, status):
    spec = _spec("Approved")
    with start_sandbox("netshoes", rate_limit=FAST, orders=[render_order(spec)], n_products=6, seed=11) as sbx:
        order = sbx.state.data["orders"][spec["order_id"]]
        url = sbx.url + path.format(
            sku=next(iter(sbx.state.data["skus"])), order=spec["order_id"], code=order["shippings"][0]["shippingCode"]
        )
        r = requests.put(url, json=body, headers=dict(sbx.credentials), timeout=5)
        assert r.status_code == status
        assert set(r.json()) >= {"type", "description"}  # ErrorResource


def test_render_order_round_trips_through_the_connector():
    catalog = generate_catalog(8, seed=3)
    specs = generate_orders(catalog, "netshoes", 15, seed=4)
    rendered = [render_order(s) for s in specs]
    with start_sandbox("netshoes", rate_limit=FAST, catalog=catalog, orders=rendered) as sbx:
        conn = make_connector(sbx)
        page = conn.fetch_orders(since="2026-11-01T00:00:00+00:00")
        by_id = {o.order_id: o for o in page.orders}
        assert set(by_id) == {s["order_id"] for s in specs}
        for spec in specs:
            assert_same_order(
                spec, by_id[spec["order_id"]], address_keys=("street", "number", "city", "state", "zipcode")
            )
            assert_same_order(spec, conn.get_order(spec["order_id"]))
        conn.close()
