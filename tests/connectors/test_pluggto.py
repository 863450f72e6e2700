"""Plug.to connector: the contract suite plus token rotation and shipment ids.

Publishing specifics (arrays merged by id, families): ``test_pluggto_publishing.py``.
"""

from __future__ import annotations

import requests

from connectors.contract import contract_suite, make_connector, publishing_suite
from kit.connectors.model import Invoice, ProductItem, Shipment
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox
from kit.secrets import SecretsStore


def pluggto_items(sandbox, connector, n: int) -> list[ProductItem]:
    """``n`` new products for Plug.to: a free-text category path, a colour per SKU (no call: tokens rotate)."""
    colours = ["Preto", "Branco", "Azul", "Vermelho", "Cinza", "Verde", "Rosa", "Amarelo"]
    return [
        ProductItem(
            f"NOVO-{k:03d}", f"Produto novo {k}", description=f"Descrição {k}", brand="Ipê", ean=None,
            ncm="96170010", weight_kg=0.5 + k / 10, height_cm=3.0, width_cm=20.0, length_cm=30.0, price=49.9,
            stock=5, category="ERP > Utilidades", channel_category="Casa > Utilidades",
            attributes={"Cor": f"cor-erp-{colours[k % 8]}"}, channel_attributes={"cor": colours[k % 8]},
            image_urls=[f"https://img.example.com/novo-{k}.jpg"], parent_sku=f"FAM-{k // 2:03d}",
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


TestPluggtoContract = contract_suite("pluggto", products=250, refreshes=True, write_path="^/skus/")
# Plug.to asks only for the SKU; a product without a name is what it refuses here (inferred, see the sandbox).
TestPluggtoPublishing = publishing_suite("pluggto", item_factory=pluggto_items, incomplete="title")


def test_password_grant_then_rotating_refresh_token_is_persisted():
    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=20, orders=2) as sbx:
        conn = make_connector(sbx)
        conn.list_listings()  # no token stored yet: password grant
        ref = conn.channel.credentials_ref
        first = SecretsStore().get_all(ref)
        assert first["refresh_token"] in sbx.state.data["refresh_tokens"]
        sbx.faults.update(expire_tokens=True)
        conn.list_listings()  # 401 -> refresh grant, new pair stored before use
        second = SecretsStore().get_all(ref)
        assert second["refresh_token"] != first["refresh_token"]
        assert first["refresh_token"] not in sbx.state.data["refresh_tokens"]  # consumed
        assert second["access_token"] in sbx.state.data["access_tokens"]
        # Another process starting now reuses the stored, still valid access token: no token call.
        calls = sbx.state.data["token_calls"]
        other = make_connector(sbx, rate_limit=None)
        other.list_listings()
        assert sbx.state.data["token_calls"] == calls
        conn.close()
        other.close()


def test_invoice_and_tracking_reuse_the_existing_shipment_id():
    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=10, orders=3) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders(since="2000-01-01").orders[0]
        conn.send_invoice(order.order_id, Invoice(nfe_key="3" * 44, number="77", series="1"))
        conn.send_tracking(
            order.order_id, Shipment(carrier="Correios", code="BR1", url="https://t.example/BR1", service="PAC")
        )
        shipments = sbx.state.data["orders"][order.order_id]["shipments"]
        assert len(shipments) == 1, shipments
        assert shipments[0]["nfe_key"] == "3" * 44 and shipments[0]["track_code"] == "BR1"
        bodies = [r["body"] for r in sbx.state.requests if r["method"] == "PUT" and r["path"].startswith("/orders/")]
        assert bodies and all(b'"id": "shp' in b or b'"id":"shp' in b for b in bodies)
        # Control: the sandbox does create the duplicate when the id is left out.
        token = SecretsStore().get(conn.channel.credentials_ref, "access_token")
        requests.put(
            f"{sbx.url}/orders/{order.order_id}",
            json={"status": "invoiced", "shipments": [{"nfe_key": "4" * 44}]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        ).raise_for_status()
        assert len(sbx.state.data["orders"][order.order_id]["shipments"]) == 2
        conn.close()


# -- a retried status: not_updated is applied, other errors are failures --------------------------
import pytest  # noqa: E402

from kit.errors import ChannelFatalError  # noqa: E402


@pytest.mark.parametrize("status", [400, 200])
def test_a_change_plugg_to_already_holds_is_applied_not_retried_forever(status):
    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=10, orders=3, not_updated_status=status) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders(since="2000-01-01").orders[0]
        invoice = Invoice(nfe_key="3" * 44, number="77", series="1", issued_at="2026-11-20T10:00:00")
        assert conn.send_invoice(order.order_id, invoice).get("not_updated") is None
        # The answer was lost: the status job sends the same invoice again; Plug.to answers not_updated.
        again = conn.send_invoice(order.order_id, invoice)
        assert again == {"not_updated": True, "details": "Changes not found in the order"}
        answers = [r["status"] for r in sbx.state.requests if r["method"] == "PUT"]
        assert answers == [200, status]
        stored = sbx.state.data["orders"][order.order_id]["shipments"]
        assert len(stored) == 1 and stored[0]["nfe_date"] == "2026-11-20T13:00:00.000Z"  # BRT -> UTC
        conn.close()


def test_any_other_error_body_is_a_failure_whatever_its_http_status(monkeypatch):
    """A 200 whose body says ``"error": true`` is never counted applied (an ambiguous answer is a failure)."""
    from types import SimpleNamespace

    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=10, orders=3) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders(since="2000-01-01").orders[0]
        real = conn.request

        def locked(method, path, **kw):
            if method != "PUT":
                return real(method, path, **kw)
            body = {"error": True, "type": "invalid", "details": "Pedido bloqueado"}
            return SimpleNamespace(json=lambda: body, status=200, request_id="r-1")

        monkeypatch.setattr(conn, "request", locked)
        with pytest.raises(ChannelFatalError, match="Pedido bloqueado"):
            conn.send_tracking(order.order_id, Shipment(carrier="Correios", code="BR1"))
        conn.close()


def test_the_sandbox_refuses_an_unknown_status_and_a_key_with_letters():
    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=10, orders=2) as sbx:
        conn = make_connector(sbx)
        oid = next(iter(sbx.state.data["orders"]))
        with pytest.raises(ChannelFatalError, match="status contain a value not allowed"):
            conn.request("PUT", f"/orders/{oid}", json_data={"status": "faturado"})
        with pytest.raises(ChannelFatalError, match="numbers only"):
            conn.request("PUT", f"/orders/{oid}", json_data={"status": "invoiced", "shipments": [{"nfe_key": "NF1"}]})
        with pytest.raises(ChannelFatalError, match="integer"):
            conn.request("PUT", f"/skus/{next(iter(sbx.state.data['by_sku']))}", json_data={"quantity": "7"})
        conn.close()


# -- paging: next=<hash_next>, newest first, a cut-short fetch resumes ----------------------------
def test_orders_are_paged_with_next_and_a_cut_short_fetch_resumes_without_skipping(monkeypatch):
    import kit.connectors.pluggto as plg

    monkeypatch.setattr(plg, "PAGE_LIMIT", 4)
    monkeypatch.setattr(plg, "ORDER_PAGES_PER_FETCH", 2)
    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=20, orders=19) as sbx:
        conn = make_connector(sbx)
        seen, cursor, calls = [], None, 0
        while True:
            page = conn.fetch_orders(since="2000-01-01", cursor=cursor)
            seen += [o.order_id for o in page.orders]
            calls += 1
            if not page.has_more:
                break
            cursor = page.cursor
        assert sorted(seen) == sorted(sbx.state.data["orders"]) and len(seen) == len(set(seen))
        assert calls == 3  # 19 orders, 4 a page, 2 pages a call
        listed = [r["query"] for r in sbx.state.requests if r["path"] == "/orders"]
        hashes = [q.get("next", [None])[0] for q in listed]
        assert hashes[0] is None and all(hashes[1:])  # every later page asked with next=<hash_next>
        assert len(set(hashes[1:])) == len(hashes) - 1
        conn.close()


def test_sandbox_variations_are_the_catalogue_families():
    from kit.sample import generate_catalog

    catalog = generate_catalog(120, seed=4)
    families: dict[str, set[str]] = {}
    for row in catalog:
        if row["parent_sku"]:
            families.setdefault(row["parent_sku"], set()).add(row["sku"])
    with start_sandbox("pluggto", catalog=catalog, orders=0) as sbx:
        grouped = {p["sku"]: {v["sku"] for v in p["variations"]}
                   for p in sbx.state.data["products"].values() if p["variations"]}  # fmt: skip
    assert families and grouped == families


def test_orders_round_trip_through_the_sandbox_and_the_connector():
    from connectors.roundtrip import assert_round_trip

    assert_round_trip("pluggto", buyer=True)


# -- a status write never moves an order back, nor reopens a cancelled one --------------------------
@pytest.mark.parametrize("current", ["shipped", "delivered", "shipping_informed"])
def test_an_invoice_for_an_order_already_further_on_keeps_its_status_and_lands_the_nfe(current):
    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=10, orders=3) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders(since="2000-01-01").orders[0]
        sbx.state.data["orders"][order.order_id]["status"] = current  # the store moved it on
        conn.send_invoice(order.order_id, Invoice(nfe_key="3" * 44, number="77", series="1"))
        stored = sbx.state.data["orders"][order.order_id]
        assert stored["status"] == current  # was set back to "invoiced"
        assert len(stored["shipments"]) == 1 and stored["shipments"][0]["nfe_key"] == "3" * 44
        # a step forward still goes
        conn.send_tracking(order.order_id, Shipment(carrier="Correios", code="BR9"))
        assert stored["status"] == ("shipping_informed" if current == "shipping_informed" else current)
        conn.close()


def test_an_invoice_for_a_cancelled_order_is_refused_and_nothing_is_sent():
    reset_buckets()
    with start_sandbox("pluggto", rate_limit=(5000, 5000), n_products=10, orders=3) as sbx:
        conn = make_connector(sbx)
        order = conn.fetch_orders(since="2000-01-01").orders[0]
        sbx.cancel_order(order.order_id)
        with pytest.raises(ChannelFatalError, match="cancelado no Plug.to"):
            conn.send_invoice(order.order_id, Invoice(nfe_key="3" * 44, number="77", series="1"))
        assert sbx.state.data["orders"][order.order_id]["status"] == "canceled"
        assert not [r for r in sbx.state.requests if r["method"] == "PUT"]
        conn.close()
