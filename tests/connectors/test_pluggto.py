"""Plug.to connector: the contract suite plus token rotation and shipment ids."""

from __future__ import annotations

import requests

from connectors.contract import contract_suite, make_connector
from kit.connectors.model import Invoice, Shipment
from kit.connectors.ratelimit import reset_buckets
from kit.sandbox import start_sandbox
from kit.secrets import SecretsStore

TestPluggtoContract = contract_suite("pluggto", products=250, refreshes=True, write_path="^/skus/")


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
