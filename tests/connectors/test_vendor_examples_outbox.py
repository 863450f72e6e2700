"""The vendors' example orders, through the orders job, reach the ERP's outbox CSV with what they carry.

The connector tests (``test_vendor_examples_<channel>.py``) check the kit's :class:`Order`; this one checks the
columns the ERP's importer reads (buyer, shipping address, items), with the example's raw values mapped in
confirmed de-para tables so that every order is written.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import connectors.test_vendor_examples_magento as magento
import connectors.test_vendor_examples_vtex as vtex
import connectors.test_vendor_examples_walmart as walmart
from connectors.vendor_examples import answered_by

_TABLES = {
    "carrier_service": (["channel_carrier", "channel_service", "erp_carrier", "erp_service"], ("carrier_raw",
                                                                                               "service_raw")),
    "payment_method": (["channel_payment_method", "erp_payment_method"], ("payment_raw",)),
    "order_status": (["channel_status", "erp_status"], ("status_raw",)),
}  # fmt: skip


def _confirm_everything(root: Path, channel: str, orders: list[Any]) -> None:
    """Confirmed de-para rows mapping each raw value of ``orders`` to itself (the test is about the rest)."""
    for kind, (header, fields) in _TABLES.items():
        rows = {tuple(str(getattr(o, f) or "") for f in fields) for o in orders}
        rows = {r for r in rows if any(r)}
        path = root / channel / f"{kind}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow([*header, "method", "score", "confirmed", "note"])
            out.writerows([*r, *r, "manual", "", "true", ""] for r in sorted(rows))


def _vtex() -> tuple[dict, dict[str, Any]]:
    address, client = vtex.ORDER["shippingData"]["address"], vtex.ORDER["clientProfileData"]
    expected = {"order_id": vtex.ORDER["orderId"], "ship_zip": address["postalCode"], "ship_street": address["street"],
                "ship_number": address["number"], "ship_complement": address["complement"],
                "ship_district": address["neighborhood"], "ship_city": address["city"], "ship_state": address["state"],
                "buyer_name": f"{client['firstName']} {client['lastName']}", "buyer_email": client["email"],
                "buyer_document": client["document"], "buyer_phone": client["phone"],
                "item_sku": vtex.ORDER["items"][0]["refId"]}  # fmt: skip
    options = {"settings": {"account": vtex.ACCOUNT}, "credentials": vtex.CREDENTIALS}
    return {"routes": vtex.ROUTES, **options}, expected


def _walmart() -> tuple[dict, dict[str, Any]]:
    order = walmart.ORDERS["list"]["elements"]["order"][0]
    info = order["shippingInfo"]
    address = info["postalAddress"]
    expected = {"order_id": order["purchaseOrderId"], "ship_zip": address["postalCode"],
                "ship_street": address["address1"], "ship_complement": address["address2"], "ship_city": address["city"],
                "ship_state": address["state"], "buyer_name": address["name"], "buyer_email": order["customerEmailId"],
                "buyer_phone": info["phone"], "item_sku": order["orderLines"]["orderLine"][0]["item"]["sku"]}  # fmt: skip
    return {"routes": walmart.ROUTES, "credentials": walmart.CREDENTIALS}, expected


def _magento() -> tuple[dict, dict[str, Any]]:
    order = magento.ORDER
    address = order["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]
    expected = {"order_id": str(order["entity_id"]), "ship_zip": address["postcode"],
                "ship_street": ", ".join(address["street"]), "ship_city": address["city"],
                "ship_state": address["region_code"], "buyer_name": "Ana Souza", "buyer_email": order["customer_email"],
                "buyer_phone": address["telephone"], "item_sku": order["items"][0]["sku"]}  # fmt: skip
    options = {"settings": {"auth": "bearer"}, "credentials": magento.CREDENTIALS}
    return {"routes": magento.ROUTES, **options}, expected


@pytest.mark.parametrize("channel_type, case", [("vtex", _vtex), ("walmart", _walmart), ("magento", _magento)])
def test_the_example_order_reaches_the_outbox_csv_with_buyer_address_and_items(
    channel_type, case, workspace, tmp_path, monkeypatch
):
    from kit.jobs import run_job

    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    options, expected = case()
    with answered_by(options.pop("routes"), channel_type, workspace=workspace, **options) as (srv, conn):
        _confirm_everything(tmp_path / "mappings", conn.channel.name, conn.fetch_orders().orders)
        summary = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
    assert summary.error is None and summary.applied >= 1 and summary.failed == 0, (summary.error, summary.details)
    folder = workspace.root / "outbox" / conn.channel.name
    rows = []
    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows += list(csv.DictReader(fh, delimiter=";"))
    row = next(r for r in rows if r["order_id"] == expected["order_id"] and r["item_line"] == "1")
    assert {k: row[k] for k in expected} == expected
