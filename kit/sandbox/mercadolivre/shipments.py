"""Mercado Livre sandbox: shipments (Mercado Envios), NF-e upload, ME1 tracking and the site's catalogues.

From ``../shared/channel-apis.md`` §1.6-§1.8:

* ``GET /shipments/{id}`` with ``x-format-new: true`` answers the current
  shape (``logistic{direction, mode, type}``, ``shipping_option``, ``destination``...);
  without the header the legacy shape (``mode``, ``logistic_type``, ``receiver_address``);
* ``POST /shipments/{id}/invoice_data/?siteId=MLB``: the authorised NF-e XML as
  the raw body (``application/xml``/``text/xml``, ≤ 1 MB), ME2 outside Full
  only; it clears ``invoice_pending`` (🟡);
* ME1: ``PUT /shipments/{id}`` ``{service_id, tracking_number}`` first, then
  ``POST /shipments/{id}/seller_notifications`` with an allowed status pair (✅);
* a cancelled shipment takes neither an invoice nor tracking.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from kit.sandbox.base import BadRequest, Request, route
from kit.sandbox.mercadolivre.common import PAYMENT_TYPES, SITE, is_int, ml_error

__all__ = ["ShipmentRoutes", "render_shipment", "ME1_SERVICE_IDS", "NFE_MAX_BYTES"]

NFE_MAX_BYTES = 1_000_000  # §1.7
#: ME1 shipping methods of the sandbox's site catalogue (name -> service id).
ME1_SERVICE_IDS = {"Correios PAC": 11, "Correios SEDEX": 12}
ME2_METHODS = {"Normal": 100009, "Expresso": 182}
#: §1.6 allowed (status, substatus) pairs of an ME1 seller notification.
NOTIFICATION_PAIRS = {
    ("shipped", None),
    ("shipped", "out_for_delivery"),
    ("delivered", None),
    ("not_delivered", "returning_to_sender"),
}


def _shipment_status(order_status: str, mode: str, service: str) -> tuple[str, str | None]:
    if order_status in ("cancelled", "invalid"):
        return "cancelled", None
    if order_status not in ("paid", "partially_paid", "partially_refunded"):
        return "pending", None
    if mode == "me2" and service != "fulfillment":
        return "ready_to_ship", "invoice_pending"  # BR: the label waits for the NF-e (§1.6)
    return "ready_to_ship", None


def _option(mode: str, service: str) -> dict[str, Any] | None:
    if mode == "custom":
        return None
    if mode == "me1":
        return {"id": 900000 + ME1_SERVICE_IDS.get(service, 0), "shipping_method_id": ME1_SERVICE_IDS.get(service),
                "name": service}  # fmt: skip
    name = "Expresso" if service in ("self_service", "cross_docking") else "Normal"
    return {"id": 910000 + ME2_METHODS[name], "shipping_method_id": ME2_METHODS[name], "name": name}


def render_shipment(spec: dict[str, Any], order: dict[str, Any], shipment_id: int) -> dict[str, Any]:
    """The order's shipment: carrier = ``logistic.mode``, service = its type (ME2) or method name (ME1)."""
    mode, service = str(spec["carrier_raw"]), str(spec["service_raw"])
    status, substatus = _shipment_status(order["status"], mode, service)
    address = spec.get("shipping_address") or {}
    return {
        "id": shipment_id,
        "order_id": order["id"],
        "pack_id": order.get("pack_id"),
        "status": status,
        "substatus": substatus,
        "logistic": {"direction": "forward", "mode": mode, "type": service if mode == "me2" else "default"},
        "shipping_option": _option(mode, service),
        "tracking_number": None,
        "tracking_method": None,
        "service_id": None,
        "declared_value": order["total_amount"],
        "source": {"site_id": SITE},
        "last_updated": order["date_last_updated"],
        "destination": {
            "receiver_name": (spec.get("buyer") or {}).get("name"),
            "shipping_address": {
                "address_line": f"{address.get('street', '')} {address.get('number', '')}".strip(),
                "street_name": address.get("street"),
                "street_number": address.get("number"),
                "zip_code": address.get("zipcode"),
                "city": {"name": address.get("city")},
                "state": {"id": f"BR-{address.get('state')}"},
                "country": {"id": "BR", "name": "Brasil"},
            },
        },
    }


def _legacy(shipment: dict[str, Any]) -> dict[str, Any]:
    """The shape answered without ``x-format-new`` (no ``logistic``, no ``destination``)."""
    logistic = shipment["logistic"]
    return {
        "id": shipment["id"],
        "order_id": shipment["order_id"],
        "status": shipment["status"],
        "substatus": shipment["substatus"],
        "mode": logistic["mode"],
        "logistic_type": logistic["type"],
        "shipping_option": shipment["shipping_option"],
        "tracking_number": shipment["tracking_number"],
        "receiver_address": (shipment.get("destination") or {}).get("shipping_address"),
    }


class ShipmentRoutes:
    """Shipment endpoints and the site's shipping/payment catalogues (a mixin of the sandbox)."""

    state: Any

    def _shipment(self, req: Request) -> dict[str, Any]:
        try:
            return self.state.data["shipments"][int(req.params["shipment_id"])]
        except (KeyError, ValueError):
            raise BadRequest("shipment not found", 404) from None

    @route("GET", "/shipments/{shipment_id}")
    def shipment_get(self, req: Request) -> Any:
        shipment = self._shipment(req)
        return shipment if (req.header("x-format-new") or "").lower() == "true" else _legacy(shipment)

    @route("POST", "/shipments/{shipment_id}/invoice_data")
    def shipment_invoice(self, req: Request) -> Any:
        shipment = self._shipment(req)
        problem = _nfe_problem(req, shipment)
        if problem:
            return ml_error(*problem)
        with self.state.lock:
            self.state.data["invoices"][shipment["id"]] = req.body
            if shipment["substatus"] == "invoice_pending":
                shipment["substatus"] = "ready_to_print"
        return {"shipment_id": shipment["id"], "status": shipment["status"], "substatus": shipment["substatus"]}

    @route("PUT", "/shipments/{shipment_id}")
    def shipment_put(self, req: Request) -> Any:
        shipment = self._shipment(req)
        if shipment["logistic"]["mode"] != "me1":
            return ml_error(400, "invalid_shipment_mode", "tracking can only be informed for ME1 shipments")
        if shipment["status"] == "cancelled":
            return ml_error(400, "invalid_shipment_status", "the shipment is cancelled")
        body = req.json() or {}
        if not isinstance(body.get("tracking_number"), str) or not body["tracking_number"]:
            return ml_error(400, "bad_request", "tracking_number (text) is required")
        if not is_int(body.get("service_id")):
            return ml_error(400, "bad_request", "service_id must be a number")
        with self.state.lock:
            shipment["tracking_number"] = body["tracking_number"]
            shipment["service_id"] = body["service_id"]
        return shipment

    @route("POST", "/shipments/{shipment_id}/seller_notifications")
    def shipment_notify(self, req: Request) -> Any:
        shipment = self._shipment(req)
        if shipment["logistic"]["mode"] != "me1":
            return ml_error(400, "invalid_shipment_mode", "notifications are only for ME1 shipments")
        body = req.json() or {}
        pair = (body.get("status"), body.get("substatus"))
        if pair not in NOTIFICATION_PAIRS:
            return ml_error(400, "bad_request", f"status/substatus {pair} is not allowed")
        if not shipment.get("tracking_number"):
            return ml_error(400, "bad_request", "inform the tracking number (PUT /shipments/{id}) first")
        if shipment["status"] == "cancelled":
            return ml_error(400, "invalid_shipment_status", "the shipment is cancelled")
        with self.state.lock:
            shipment["status"], shipment["substatus"] = pair
            self.state.data["notifications"].append({"shipment_id": shipment["id"], **body})
        return {"id": shipment["id"], "status": shipment["status"]}

    @route("GET", "/sites/{site_id}/shipping_methods")
    def shipping_methods(self, req: Request) -> Any:
        out = [
            {"id": method_id, "name": name, "type": "standard", "deliver_to": "address", "status": "active",
             "shipping_modes": ["me1"], "company_id": 17500240, "company_name": "Correios", "min_time": 48,
             "max_time": 240}
            for name, method_id in ME1_SERVICE_IDS.items()
        ]  # fmt: skip
        for name, method_id in ME2_METHODS.items():
            out.append(
                {"id": method_id, "name": name, "type": "express" if name == "Expresso" else "standard",
                 "deliver_to": "address", "status": "active", "shipping_modes": ["me2"], "company_id": 17500840,
                 "company_name": "Mercado Envios", "min_time": 24, "max_time": 120}
            )  # fmt: skip
        return out

    @route("GET", "/sites/{site_id}/payment_methods")
    def payment_methods(self, req: Request) -> Any:
        return [
            {"id": pid, "name": pid.replace("_", " ").title(), "payment_type_id": ptype, "status": "active"}
            for pid, ptype in PAYMENT_TYPES.items()
        ]


def _nfe_problem(req: Request, shipment: dict[str, Any]) -> tuple[int, str, str] | None:
    """Why an NF-e upload is refused (status, error, message), or ``None``."""
    if req.q("siteId") != SITE:
        return 400, "bad_request", "siteId is required"
    ctype = (req.header("Content-Type") or "").split(";")[0].strip()
    if ctype not in ("application/xml", "text/xml"):
        return 400, "bad_request", "the NF-e must be sent as XML (Content-Type application/xml)"
    if len(req.body) > NFE_MAX_BYTES:
        return 413, "payload_too_large", "the NF-e XML must be at most 1 MB"
    try:
        root = ET.fromstring(req.body)
    except ET.ParseError as exc:
        return 400, "invalid_xml", f"the NF-e XML does not parse: {exc}"
    if "NFe" not in root.tag and "nfeProc" not in root.tag:
        return 400, "invalid_xml", "the XML is not an NF-e (root must be NFe or nfeProc)"
    if shipment["logistic"]["mode"] != "me2" or shipment["logistic"]["type"] == "fulfillment":
        return 400, "invalid_shipment", "NF-e import is only for ME2 shipments not in Full"
    if shipment["status"] == "cancelled":
        return 400, "invalid_shipment_status", "the shipment is cancelled"
    return None
