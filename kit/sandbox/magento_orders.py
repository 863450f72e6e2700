"""Magento 2 orders for the sandbox: the documented order shape and the order's state machine.

Written from Adobe's admin REST schema 2.4.9 (``../shared/specs/magento``,
``sales-data-order-interface`` and its items, addresses and payment) and
``../shared/channel-apis.md`` §3.5, never from the connector:

* :func:`render_order` turns a neutral order of :func:`kit.sample.generate_orders`
  into Magento's order JSON (``entity_id``, ``increment_id``, UTC
  ``YYYY-MM-DD HH:MM:SS`` stamps, ``items[]`` with their invoiced/shipped/canceled
  quantities, ``payment.method``, the shipping method ``{carrier}_{method}`` in
  ``extension_attributes.shipping_assignments``).
* :func:`invoice`, :func:`ship` and :func:`cancel` change an order the way
  Magento's services do: an invoice or a shipment takes items and quantities that
  belong to the order and are still open (messages of Magento's
  ``Sales`` validators), a full invoice plus a full shipment makes the order
  ``complete``, and only an order with something left to invoice can be canceled.

``processing`` orders are rendered as authorized and not yet invoiced (a gateway
whose payment action is "authorize"): the ERP's invoice call then has work to do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = [
    "TS",
    "STATE_OF",
    "render_order",
    "magento_time",
    "invoice",
    "ship",
    "cancel",
    "qty_to_invoice",
    "qty_to_ship",
    "OrderRefused",
]

TS = "%Y-%m-%d %H:%M:%S"
# §3.5: statuses are labels over core states; the sample's statuses -> their state.
STATE_OF = {
    "pending": "new",
    "pending_payment": "pending_payment",
    "processing": "processing",
    "complete": "complete",
    "closed": "closed",
    "canceled": "canceled",
    "holded": "holded",
    "payment_review": "payment_review",
}
_CLOSED_STATES = ("canceled", "complete", "closed")


class OrderRefused(Exception):
    """Magento refuses the operation; ``str()`` is its message (400)."""


def magento_time(value: str | datetime) -> str:
    """ISO 8601 (any offset) or a datetime -> Magento's UTC ``YYYY-MM-DD HH:MM:SS``."""
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime(TS)


def _address(spec: dict[str, Any], entity_id: int, kind: str, email: str) -> dict[str, Any]:
    first, _, last = str(spec["buyer"]["name"]).partition(" ")
    where = spec["shipping_address"]
    return {
        "address_type": kind,
        "entity_id": entity_id * 10 + (1 if kind == "billing" else 2),
        "parent_id": entity_id,
        "firstname": first,
        "lastname": last or first,
        "street": [where["street"], str(where["number"])],
        "city": where["city"],
        "region_code": where["state"],
        "region": where["state"],
        "postcode": str(where["zipcode"]),
        "country_id": "BR",
        "telephone": "11999990000",
        "email": email,
        "vat_id": spec["buyer"].get("document"),
    }


def _item(entity_id: int, k: int, line: dict[str, Any], status: str, names: dict[str, str]) -> dict[str, Any]:
    qty = float(line["qty"])
    price = float(line["unit_price"])
    done = {"qty_invoiced": 0.0, "qty_shipped": 0.0, "qty_canceled": 0.0, "qty_refunded": 0.0}
    if status in ("complete", "closed"):
        done.update(qty_invoiced=qty, qty_shipped=qty)
    if status == "closed":
        done["qty_refunded"] = qty
    if status == "canceled":
        done["qty_canceled"] = qty
    return {
        "item_id": entity_id * 10 + k + 1,
        "order_id": entity_id,
        "sku": str(line["sku"]),
        "name": names.get(str(line["sku"]), str(line["sku"])),
        "product_type": "simple",
        "qty_ordered": qty,
        "price": price,
        "base_price": price,
        "original_price": price,
        "row_total": round(price * qty, 2),
        "base_row_total": round(price * qty, 2),
        "is_virtual": 0,
        **done,
    }


def render_order(spec: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """A neutral order (:func:`kit.sample.generate_orders`) as Magento's ``GET /V1/orders/{id}`` returns it.

    ``entity_id`` is the neutral ``order_id`` (digits); ``names`` maps SKUs to product names.
    """
    entity_id = int(spec["order_id"])
    status = str(spec["status_raw"])
    email = f"cliente{entity_id % 100000}@example.com"
    items = [_item(entity_id, k, line, status, names or {}) for k, line in enumerate(spec["items"])]
    shipping = float(spec.get("shipping_cost") or 0)
    total = float(spec["total"])
    first, _, last = str(spec["buyer"]["name"]).partition(" ")
    address = _address(spec, entity_id, "shipping", email)
    return {
        "entity_id": entity_id,
        "increment_id": str(spec["order_id"]),
        "store_id": 1,
        "state": STATE_OF.get(status, status),
        "status": status,
        "created_at": magento_time(spec["created_at"]),
        "updated_at": magento_time(spec["updated_at"]),
        "customer_email": email,
        "customer_firstname": first,
        "customer_lastname": last or first,
        "customer_is_guest": 1,
        "customer_taxvat": spec["buyer"].get("document"),
        "base_currency_code": "BRL",
        "order_currency_code": "BRL",
        "grand_total": total,
        "base_grand_total": total,
        "subtotal": round(total - shipping, 2),
        "shipping_amount": shipping,
        "base_shipping_amount": shipping,
        "total_qty_ordered": sum(i["qty_ordered"] for i in items),
        "total_invoiced": total if status in ("complete", "closed") else 0.0,
        "items": items,
        "billing_address": _address(spec, entity_id, "billing", email),
        "payment": {
            "entity_id": entity_id,
            "parent_id": entity_id,
            "method": spec.get("payment_raw"),
            # Required by the schema; Magento sends null where a gateway keeps nothing.
            "account_status": None,
            "additional_information": [],
            "cc_last4": None,
            "amount_ordered": total,
        },
        "shipping_description": str(spec.get("service_raw") or ""),
        "extension_attributes": {
            "shipping_assignments": [
                {
                    "shipping": {"method": spec.get("service_raw"), "address": address},
                    "items": items,
                }
            ]
        },
        "status_histories": [],
    }


# -- the state machine -------------------------------------------------------------------
def qty_to_invoice(item: dict[str, Any]) -> float:
    """``qty_ordered`` less invoiced and canceled (Magento's ``getQtyToInvoice``)."""
    return float(item["qty_ordered"]) - float(item.get("qty_invoiced") or 0) - float(item.get("qty_canceled") or 0)


def qty_to_ship(item: dict[str, Any]) -> float:
    """``qty_ordered`` less shipped, refunded and canceled (Magento's ``getQtyToShip``)."""
    done = sum(float(item.get(k) or 0) for k in ("qty_shipped", "qty_refunded", "qty_canceled"))
    return float(item["qty_ordered"]) - done


def _touch(order: dict[str, Any], now: datetime | None = None) -> None:
    order["updated_at"] = magento_time(now or datetime.now(UTC))


def _settle(order: dict[str, Any]) -> None:
    """After an invoice or a shipment: ``complete`` when nothing is left to invoice or ship, else ``processing``."""
    items = order["items"]
    if all(qty_to_invoice(i) <= 0 for i in items) and all(qty_to_ship(i) <= 0 for i in items):
        order["state"] = order["status"] = "complete"
    else:
        order["state"] = order["status"] = "processing"


def _quantities(order: dict[str, Any], lines: list[dict[str, Any]], mode: str) -> dict[int, float]:
    """``{item_id: qty}`` from the request's ``items`` (all open quantities when none are given)."""
    by_id = {int(i["item_id"]): i for i in order["items"]}
    open_qty = qty_to_invoice if mode == "invoice" else qty_to_ship
    if not lines:
        return {iid: open_qty(i) for iid, i in by_id.items() if open_qty(i) > 0}
    wanted: dict[int, float] = {}
    errors = []
    for line in lines:
        iid, qty = int(line["order_item_id"]), float(line["qty"])
        item = by_id.get(iid)
        if item is None:
            errors.append(
                "The invoice contains one or more items that are not part of the original order."
                if mode == "invoice"
                else f'The shipment contains product SKU "{iid}" that is not part of the original order.'
            )
        elif qty > open_qty(item) + 1e-9:
            what = (
                "invoice must not be greater than the uninvoiced"
                if mode == "invoice"
                else "ship must not be greater than the unshipped"
            )
            errors.append(f'The quantity to {what} quantity for product SKU "{item["sku"]}".')
        elif qty > 0:
            wanted[iid] = qty
    if errors:
        raise OrderRefused("\n".join(errors))
    return wanted


def invoice(order: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """``POST /V1/order/{id}/invoice``: refuses an order that cannot be invoiced or wrong items/quantities."""
    if order["state"] in (*_CLOSED_STATES, "holded", "payment_review") or all(
        qty_to_invoice(i) <= 0 for i in order["items"]
    ):
        raise OrderRefused("The order does not allow an invoice to be created.")
    wanted = _quantities(order, lines, "invoice")
    if not wanted:
        raise OrderRefused("Invoice Document Validation Error(s):\nYou can't create an invoice without products.")
    for item in order["items"]:
        item["qty_invoiced"] = float(item.get("qty_invoiced") or 0) + wanted.get(int(item["item_id"]), 0.0)
    _settle(order)
    _touch(order)


def ship(order: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """``POST /V1/order/{id}/ship``: refuses a closed/held order, foreign items and quantities above the unshipped."""
    if order["state"] in (*_CLOSED_STATES, "holded", "payment_review"):
        raise OrderRefused(f"A shipment cannot be created when an order has a status of {order['status']}")
    try:
        wanted = _quantities(order, lines, "ship")
    except OrderRefused as exc:
        raise OrderRefused(f"Shipment Document Validation Error(s):\n{exc}") from None
    if not wanted:
        raise OrderRefused("Shipment Document Validation Error(s):\nYou can't create a shipment without products.")
    for item in order["items"]:
        item["qty_shipped"] = float(item.get("qty_shipped") or 0) + wanted.get(int(item["item_id"]), 0.0)
    _settle(order)
    _touch(order)


def cancel(order: dict[str, Any], now: datetime | None = None) -> bool:
    """``POST /V1/orders/{id}/cancel``: ``False`` when Magento cannot cancel it (closed, held or fully invoiced)."""
    if order["state"] in (*_CLOSED_STATES, "holded", "payment_review"):
        return False
    if all(qty_to_invoice(i) <= 0 for i in order["items"]):
        return False  # fully invoiced: only a credit memo undoes it
    for item in order["items"]:
        item["qty_canceled"] = float(item.get("qty_canceled") or 0) + qty_to_invoice(item)
    order["state"] = order["status"] = "canceled"
    order["status_histories"].append(
        {"comment": "Pedido cancelado.", "is_customer_notified": 0, "is_visible_on_front": 0,
         "parent_id": order["entity_id"], "status": "canceled", "entity_name": "order"}
    )  # fmt: skip
    _touch(order, now)
    return True
