"""SkyHub sandbox: orders in the documented shape, the integration queue, invoice and shipments.

From ``../shared/channel-apis.md`` §4.3 and desenvolvedores.skyhub.com.br
("consumo de pedidos - queues", "atualização de pedidos", comunicado "atributo
data faturamento", gitbook "HTTP Response Status Codes"):

* an order is created or changed by the marketplace -> it enters the queue;
  ``GET /queues/orders`` hands out one order at a time, **with its current
  status** (new, approved, cancelled...), and hides it until the
  visibility timeout (5 minutes) unless ``DELETE /queues/orders/{code}``
  removed it; the seller's own updates (invoice, shipments) do not queue it;
* order fields: ``code, channel, placed_at, updated_at, total_ordered,
  interest, shipping_cost, shipping_method, shipping_carrier, calculation_type,
  estimated_delivery, shipping_address, billing_address, customer{name, email,
  vat_number, phones}, items[{id, product_id, name, qty, original_price,
  special_price}], status{code, label, type}, sync_status, invoices[],
  shipments[], payments[{method, value, parcels, status, transaction_date,
  sefaz}]`` (the queue page's example);
* ``POST /orders/{code}/invoice`` ``{"status": "order_invoiced", "invoice":
  {"key": <44 digits>, "issue_date"}, "volume_qty"}``: ``volume_qty`` for
  Americanas Entrega Direct labels (here required for those orders, ❓);
* ``POST /orders/{code}/shipments``: items of the order and ``track{code}``;
  not for Americanas Entrega orders (the marketplace tracks them);
* a status change the order's state does not allow answers **422**
  ("invalid transition from order status"); errors are ``{"error": "..."}``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Reply, Request, route
from kit.sandbox.skyhub.common import (
    DEEP_PAGING_MAX,
    PAGE_MAX,
    STATUS_TYPES,
    is_int,
    now,
    sky_date,
    sky_error,
    status_of,
)

__all__ = ["OrderRoutes", "render_order", "cancel", "is_direct", "PAYMENT_LABELS"]

PAYMENT_LABELS = {
    "CREDIT_CARD": "Cartão de Crédito",
    "BOLETO": "Boleto",
    "PIX": "Pix",
    "VOUCHER": "Vale",
    "AME_DIGITAL": "Ame Digital",
}
#: Status codes an invoice / a shipment may be posted from (422 otherwise).
INVOICE_FROM = ("payment_received", "order_invoiced")
SHIPMENT_FROM = ("order_invoiced", "order_shipped")


def _address(spec: dict[str, Any]) -> dict[str, Any]:
    a = spec.get("shipping_address") or {}
    return {
        "full_name": (spec.get("buyer") or {}).get("name"),
        "street": a.get("street"),
        "number": a.get("number"),
        "detail": "",
        "neighborhood": "Centro",
        "city": a.get("city"),
        "region": a.get("state"),
        "country": "BR",
        "postcode": a.get("zipcode"),
    }


def render_order(spec: dict[str, Any], products: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """A neutral order spec as SkyHub's order JSON.

    Args:
        spec: the neutral order (:func:`kit.sample.generate_orders`).
        products: sold SKU -> (its product's sku, the product's name).
    """
    placed, updated = datetime.fromisoformat(spec["created_at"]), datetime.fromisoformat(spec["updated_at"])
    buyer = spec.get("buyer") or {}
    code = str(spec["order_id"])
    items = []
    for line in spec["items"]:
        product, name = products.get(str(line["sku"]), (str(line["sku"]), str(line["sku"])))
        price = round(float(line["unit_price"]), 2)
        items.append({"id": str(line["sku"]), "product_id": product, "name": name, "qty": int(line["qty"]),
                      "original_price": price, "special_price": price})  # fmt: skip
    method = spec.get("payment_raw")
    service = str(spec["service_raw"])
    return {
        "code": code,
        "channel": code.rsplit("-", 1)[0],
        "placed_at": sky_date(placed),
        "updated_at": sky_date(updated),
        "total_ordered": round(float(spec["total"]), 2),
        "interest": 0,
        "shipping_cost": round(float(spec.get("shipping_cost") or 0), 2),
        "shipping_method": service,
        "shipping_carrier": spec["carrier_raw"],
        "calculation_type": service if service.lower().startswith("b2wentrega") else None,
        "estimated_delivery": sky_date(placed + timedelta(days=7)),
        "shipping_address": _address(spec),
        "billing_address": _address(spec),
        "customer": {
            "name": buyer.get("name"),
            "email": f"cliente.{code.rsplit('-', 1)[-1]}@example.com",
            "date_of_birth": None,
            "gender": None,
            "vat_number": buyer.get("document"),
            "phones": ["21 30000000"],
        },
        "items": items,
        "payments": [
            {
                "method": method,
                "description": PAYMENT_LABELS.get(str(method), str(method)),
                "parcels": 1,
                "value": round(float(spec["total"]), 2),
                "status": None,
                "transaction_date": sky_date(placed),
                "sefaz": {"name_payment": PAYMENT_LABELS.get(str(method), str(method))},
            }
        ],  # fmt: skip
        "status": status_of(str(spec["status_raw"])),
        "sync_status": "NOT_SYNCED",
        "invoices": [],
        "shipments": [],
        "tags": [],
    }


def is_direct(order: dict[str, Any]) -> bool:
    """An Americanas Entrega (B2W Entrega / Direct) order: the marketplace ships and tracks it."""
    return str(order.get("calculation_type") or "").lower().startswith("b2wentrega")


def cancel(order: dict[str, Any]) -> None:
    """The marketplace cancels the order: status ``order_canceled`` and a new ``updated_at``."""
    order["status"] = status_of("order_canceled")
    order["updated_at"] = sky_date(now())


def _invoice_problem(order: dict[str, Any], body: Any) -> tuple[int, str] | None:
    if not isinstance(body, dict) or body.get("status") != "order_invoiced":
        return 400, 'body must be {"status": "order_invoiced", "invoice": {"key": ...}}'
    invoice = body.get("invoice")
    key = str((invoice or {}).get("key") or "") if isinstance(invoice, dict) else ""
    if len(key) != 44 or not key.isdigit():
        return 400, "invoice.key must be the NF-e key: 44 digits"
    issue = invoice.get("issue_date")
    if issue is not None:
        try:
            if datetime.fromisoformat(str(issue)).tzinfo is None:
                raise ValueError
        except ValueError:
            return 400, 'invoice.issue_date must look like "2019-01-27T12:30:00-03:00"'
    volumes = body.get("volume_qty")
    if volumes is not None and (not is_int(volumes) or volumes < 1):
        return 400, "volume_qty must be an integer >= 1"
    if is_direct(order) and volumes is None:
        return 400, "volume_qty is required to invoice an Americanas Entrega Direct order (it prints the labels)"
    if order["status"]["code"] not in INVOICE_FROM:
        return 422, f"invalid transition from order status {order['status']['code']} to order_invoiced"
    return None


def _shipment_problem(order: dict[str, Any], body: Any) -> tuple[int, str] | None:
    if not isinstance(body, dict):
        body = {}
    shipment = body.get("shipment")
    track = (shipment or {}).get("track") if isinstance(shipment, dict) else None
    if body.get("status") != "order_shipped" or not isinstance(track, dict) or not track.get("code"):
        return 400, 'body must be {"status": "order_shipped", "shipment": {"code", "items", "track": {"code"}}}'
    sold = {i["id"]: i["qty"] for i in order["items"]}
    lines = shipment.get("items")
    if not isinstance(lines, list) or not lines:
        return 400, "shipment.items must list the skus shipped"
    for line in lines:
        if not isinstance(line, dict) or line.get("sku") not in sold or not is_int(line.get("qty")):
            return 400, f"shipment item {line!r} is not an item of the order (sku and integer qty)"
        if not 1 <= line["qty"] <= sold[line["sku"]]:
            return 400, f"shipment qty of {line['sku']} must be between 1 and {sold[line['sku']]}"
    if is_direct(order):
        return 422, "Americanas Entrega orders are tracked by the marketplace"
    if any(s.get("code") == shipment.get("code") for s in order["shipments"]):
        return 422, f"shipment {shipment.get('code')} already exists"
    if order["status"]["code"] not in SHIPMENT_FROM:
        return 422, f"invalid transition from order status {order['status']['code']} to order_shipped"
    return None


class OrderRoutes:
    """The queue, ``/orders`` and ``/statuses`` (a mixin of the sandbox)."""

    state: Any
    queue_visibility_s: float

    @route("GET", "/queues/orders")
    def queue_next(self, req: Request) -> Any:
        at = time.monotonic()
        with self.state.lock:
            for code, visible_at in self.state.data["queue"].items():
                if visible_at <= at:
                    self.state.data["queue"][code] = at + self.queue_visibility_s
                    return self.state.data["orders"][code]  # the order as it is now
        return Reply(204)

    @route("DELETE", "/queues/orders/{code}")
    def queue_delete(self, req: Request) -> Any:
        with self.state.lock:
            if self.state.data["queue"].pop(unquote(req.params["code"]), None) is None:
                return sky_error(404, "Order not found in the queue")
        return Reply(204)

    @route("GET", "/orders")
    def orders_list(self, req: Request) -> Any:
        try:
            page = int(req.q("page", "1") or 1)
            per_page = max(1, min(int(req.q("per_page", "100") or 100), PAGE_MAX))
        except ValueError:
            raise BadRequest("page and per_page must be numbers") from None
        if page < 1 or page * per_page > DEEP_PAGING_MAX:
            raise BadRequest(f"deep paging is not allowed past {DEEP_PAGING_MAX} records; use filters")
        wanted = set(req.query.get("filters[statuses][]", []))
        bounds = [_day(req.q(f"filters[{k}]")) for k in ("start_date", "end_date")]
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: o["placed_at"])
        rows = [o for o in rows if (not wanted or o["status"]["code"] in wanted) and _within(o, *bounds)]
        return {"orders": rows[(page - 1) * per_page : page * per_page], "total": len(rows)}

    @route("GET", "/orders/{code}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(unquote(req.params["code"]))
        return order if order is not None else sky_error(404, "Order not found")

    @route("POST", "/orders/{code}/invoice")
    def order_invoice(self, req: Request) -> Any:
        body = req.json()
        with self.state.lock:
            order = self.state.data["orders"].get(unquote(req.params["code"]))
            if order is None:
                return sky_error(404, "Order not found")
            problem = _invoice_problem(order, body)
            if problem:
                return sky_error(*problem)
            invoice = body["invoice"]
            order["invoices"] = [{"key": invoice["key"], "number": invoice["key"][25:34],
                                  "line": invoice["key"][22:25], "issue_date": invoice.get("issue_date")}]  # fmt: skip
            order["volume_qty"] = body.get("volume_qty")
            order["status"] = status_of("order_invoiced")
            order["updated_at"] = sky_date(now())
        return Reply(201, {"message": "invoice registered"})

    @route("POST", "/orders/{code}/shipments")
    def order_shipments(self, req: Request) -> Any:
        body = req.json() or {}
        with self.state.lock:
            order = self.state.data["orders"].get(unquote(req.params["code"]))
            if order is None:
                return sky_error(404, "Order not found")
            problem = _shipment_problem(order, body)
            if problem:
                return sky_error(*problem)
            order["shipments"].append(body["shipment"])
            order["status"] = status_of("order_shipped")
            order["updated_at"] = sky_date(now())
        return Reply(201, {"message": "shipment registered"})

    @route("GET", "/statuses")
    def statuses(self, req: Request) -> Any:
        return [status_of(code) for code in STATUS_TYPES]


def _day(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y")
    except ValueError:
        raise BadRequest("filters dates must be DD/MM/YYYY") from None


def _within(order: dict[str, Any], start: datetime | None, end: datetime | None) -> bool:
    day = datetime.fromisoformat(order["placed_at"]).replace(tzinfo=None)
    return (start is None or day >= start) and (end is None or day < end + timedelta(days=1))
