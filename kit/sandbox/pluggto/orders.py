"""Plug.to sandbox: orders in the documented shape, their list, updates and cancellation.

From ``../shared/channel-apis.md`` §5.3 and developers.plugg.to (get one
order, update invoice, update order tracking status, list invoices):

* an order: ``id, external, status, total, subtotal, shipping, discount,
  created, modified, receiver_*, payer_* (cpf...), delivery_type, items[{sku,
  quantity, price, total, name, variation{sku}}], payments[{payment_type,
  payment_method, payment_installments, payment_total}], shipments[{id,
  shipping_company, shipping_method, ...}], status_history``;
* ``GET /orders`` filtered by ``created``/``modified`` (``YYYY-MM-DD`` or
  ``<from>to<to>``) and ``status``, in the list envelope, newest first, the
  next page asked with ``next=<hash_next>`` (🟡: the parameter integrations use);
* ``PUT /orders/{id}`` with ``status`` (one of the documented values) and
  ``shipments[]``: a shipment with the **existing** ``id`` is updated, one
  without an id is *created* (a duplicate, as documented); a change that
  changes nothing answers ``{"error": true, "type": "not_updated", ...
  "details": "Changes not found in the order"}`` (the HTTP status is not
  documented: 400 here, ``not_updated_status`` to change it);
* a cancellation shows as ``status: canceled`` with a new ``modified``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kit.sandbox.base import BadRequest, Request, route
from kit.sandbox.pluggto.common import ORDER_STATUSES, date_window, keyset_page, now, plg_date, plg_error

__all__ = ["OrderRoutes", "render_order", "cancel", "apply_update"]

_PAYMENT_NAMES = {"credit": "Cartão de crédito", "debit": "Cartão de débito", "boleto": "Boleto", "pix": "Pix",
                  "marketplace": "Mercado Pago"}  # fmt: skip
_NFE_FIELDS = ("nfe_key", "nfe_link", "nfe_number", "nfe_serie", "nfe_date", "cfops")
_TRACK_FIELDS = ("shipping_company", "shipping_method", "track_code", "track_url", "date_shipped", "status")


def _people(spec: dict[str, Any]) -> dict[str, Any]:
    buyer, address = spec.get("buyer") or {}, spec.get("shipping_address") or {}
    first, _, last = str(buyer.get("name") or "").partition(" ")
    fields: dict[str, Any] = {}
    for who in ("receiver", "payer"):
        fields.update({
            f"{who}_name": first, f"{who}_lastname": last, f"{who}_address": address.get("street"),
            f"{who}_address_number": address.get("number"), f"{who}_zipcode": address.get("zipcode"),
            f"{who}_city": address.get("city"), f"{who}_state": address.get("state"), f"{who}_country": "BR",
            f"{who}_email": f"cliente.{str(spec['order_id'])[-6:]}@example.com",
        })  # fmt: skip
    fields["payer_cpf"] = buyer.get("document")
    return fields


def render_order(spec: dict[str, Any], variation_skus: set[str]) -> dict[str, Any]:
    """A neutral order spec as Plug.to's order (``variation_skus``: SKUs sold as a product's variation)."""
    created = datetime.fromisoformat(spec["created_at"])
    items = []
    for line in spec["items"]:
        sku, price = str(line["sku"]), round(float(line["unit_price"]), 2)
        items.append({"sku": sku, "original_sku": sku, "quantity": int(line["qty"]), "price": price,
                      "total": round(price * int(line["qty"]), 2), "name": sku,
                      "variation": {"sku": sku if sku in variation_skus else None}})  # fmt: skip
    shipping = round(float(spec.get("shipping_cost") or 0), 2)
    oid = str(spec["order_id"])
    payment = spec.get("payment_raw")
    return {
        "id": oid,
        "external": f"EXT-{oid[-8:]}",
        "status": spec["status_raw"],
        "total": round(float(spec["total"]), 2),
        "subtotal": round(float(spec["total"]) - shipping, 2),
        "shipping": shipping,
        "discount": 0.0,
        "created": plg_date(created),
        "modified": plg_date(datetime.fromisoformat(spec["updated_at"])),
        **_people(spec),
        "delivery_type": "standard",
        "items": items,
        "payments": [
            {
                "payment_type": payment,
                "payment_method": _PAYMENT_NAMES.get(str(payment), str(payment)),
                "payment_installments": 1,
                "payment_total": round(float(spec["total"]), 2),
            }
        ],  # fmt: skip
        "shipments": [
            {
                "id": f"shp{oid[-12:]}",
                "shipping_company": spec["carrier_raw"],
                "shipping_method": spec["service_raw"],
                "status": None,
            }
        ],  # fmt: skip
        "status_history": [{"status": spec["status_raw"], "date": plg_date(created)}],
        "tags": {"has_invoice_key": None, "has_track": None},
    }


def cancel(order: dict[str, Any], when: datetime) -> None:
    """The channel cancels the order: ``status: canceled`` and a new ``modified``."""
    order["status"] = "canceled"
    order["modified"] = plg_date(when)
    order["status_history"].append({"status": "canceled", "date": order["modified"]})


def _update_problem(body: Any) -> str | None:
    if not isinstance(body, dict) or not body:
        return "body must be an object with the fields to change"
    if "status" in body and body["status"] not in ORDER_STATUSES:
        return "The status contain a value not allowed"
    shipments = body.get("shipments", [])
    if not isinstance(shipments, list) or not all(isinstance(s, dict) for s in shipments):
        return "shipments must be a list of objects"
    for s in shipments:
        key = s.get("nfe_key")
        if key is not None and not str(key).isdigit():
            return "nfe_key: send numbers only"
    return None


def apply_update(order: dict[str, Any], body: dict[str, Any], when: datetime) -> bool:
    """Apply a ``PUT /orders/{id}`` body; ``False`` when it changes nothing (``not_updated``)."""
    changed = False
    for sent in body.get("shipments") or []:
        current = next((s for s in order["shipments"] if sent.get("id") and s["id"] == sent["id"]), None)
        if current is None:  # documented: without the existing id a new shipment is created
            order["shipments"].append({**sent, "id": f"shp{order['id'][-12:]}-{len(order['shipments']) + 1}"})
            changed = True
        elif any(current.get(k) != v for k, v in sent.items()):
            current.update(sent)
            changed = True
    if body.get("status") and body["status"] != order["status"]:
        order["status"] = body["status"]
        order["status_history"].append({"status": body["status"], "date": plg_date(when)})
        changed = True
    if changed:
        order["modified"] = plg_date(when)
    return changed


class OrderRoutes:
    """``/orders`` and ``/orders/{id}`` (a mixin of the sandbox)."""

    state: Any
    not_updated_status: int

    @route("GET", "/orders")
    def orders_list(self, req: Request) -> Any:
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: (o["created"], o["id"]), reverse=True)
        for name in ("created", "modified"):
            if req.q(name):
                start, end = date_window(req.q(name) or "", name)
                rows = [o for o in rows if start <= datetime.fromisoformat(o[name].replace("Z", "+00:00")) < end]
        if req.q("status"):
            rows = [o for o in rows if o["status"] == req.q("status")]
        return keyset_page(rows, req, lambda o: o["created"], "Order", newest_first=True)

    @route("GET", "/orders/{orderId}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        return {"Order": order} if order is not None else plg_error(404, "not_found", "Order not found")

    @route("PUT", "/orders/{orderId}")
    def order_put(self, req: Request) -> Any:
        body = req.json()
        problem = _update_problem(body)
        if problem:
            raise BadRequest(problem)
        with self.state.lock:
            order = self.state.data["orders"].get(req.params["orderId"])
            if order is None:
                return plg_error(404, "not_found", "Order not found")
            if not apply_update(order, body, now()):
                return plg_error(self.not_updated_status, "not_updated", "Changes not found in the order")
            return {"Order": order}
