"""Shared checks of the SOAP channels' tests: the bundled contract against the sandbox's, and render_order round trips."""

from __future__ import annotations

from datetime import datetime

import requests
import zeep

from connectors.contract import make_connector
from kit.connectors.ratelimit import reset_buckets
from kit.connectors.soap import BUNDLED
from kit.sample import generate_catalog, generate_orders
from kit.sandbox import start_sandbox

__all__ = ["signatures", "bundled_matches_sandbox", "round_trip"]


def signatures(client: zeep.Client) -> dict[str, str]:
    """Operation name -> zeep's input and output signature (names, types, headers) of every port."""
    out = {}
    for service in client.wsdl.services.values():
        for port in service.ports.values():
            for op in port.binding._operations.values():
                out[op.name] = f"{op.soapaction} | {op.input.signature()} -> {op.output.signature(as_output=True)}"
    return out


def bundled_matches_sandbox(sbx, channel_type: str) -> int:
    """Compare every service's bundled WSDL with the one the sandbox serves; returns how many were compared."""
    auth = (sbx.credentials["login"], sbx.credentials["password"]) if "login" in sbx.credentials else None
    compared = 0
    for path, (service, _) in sbx.contract.services.items():
        served = requests.get(f"{sbx.url}{path}?wsdl", auth=auth, timeout=10)
        assert served.status_code == 200, (path, served.status_code)
        from io import BytesIO

        from_sandbox = zeep.Client(zeep.wsdl.Document(BytesIO(served.content), zeep.Transport()))
        bundled = zeep.Client(str(BUNDLED / channel_type / f"{service}.wsdl"))
        assert signatures(bundled) == signatures(from_sandbox), service
        assert signatures(bundled), service
        compared += 1
    return compared


def round_trip(channel_type: str, n: int = 8) -> int:
    """Sample orders -> the sandbox's render_order -> the connector's normalisation: the same orders.

    Returns how many orders were compared field by field.
    """
    reset_buckets()
    catalog = generate_catalog(10, seed=11)
    specs = generate_orders(catalog, channel_type, n, seed=11)
    with start_sandbox(channel_type, catalog=catalog, orders=specs, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        orders = {o.order_id: o for o in conn.fetch_orders().orders}
        conn.close()
    assert set(orders) == {s["order_id"] for s in specs}
    for spec in specs:
        got = orders[spec["order_id"]]
        assert (got.status_raw, got.carrier_raw, got.service_raw, got.payment_raw) == (
            spec["status_raw"], spec["carrier_raw"], spec["service_raw"], spec["payment_raw"]
        ), spec["order_id"]  # fmt: skip
        assert datetime.fromisoformat(got.created_at) == datetime.fromisoformat(spec["created_at"])
        assert got.total == spec["total"]
        assert [(i.sku, i.quantity, i.unit_price) for i in got.items] == [
            (i["sku"], i["qty"], i["unit_price"]) for i in spec["items"]
        ]
        assert (got.buyer["name"], got.buyer["document"]) == (spec["buyer"]["name"], spec["buyer"]["document"])
        assert got.shipping_address == spec["shipping_address"]
    return len(specs)
