"""Mercado Livre sandbox: orders in the documented shape, their search, packs and cancellation.

From ``../shared/channel-apis.md`` §1.5, §1.8 and §1.10:

* an order: ``id, status, status_detail, date_created, date_closed,
  last_updated, date_last_updated, pack_id, shipping{id}, order_items[{item{id,
  title, variation_id, seller_sku, seller_custom_field, variation_attributes},
  quantity, unit_price, full_unit_price, sale_fee, currency_id}], total_amount,
  paid_amount, currency_id, buyer{id, nickname}, seller{id}, payments[], tags``;
  ``total_amount`` is the items' total; each payment carries
  ``transaction_amount`` (items), ``shipping_cost`` and ``total_paid_amount``
  (both), §1.7's interest formula;
* ``GET /orders/search?seller=`` (required) filtered by ``order.status`` and
  ``order.date_*.from|to`` (ISO 8601 with offset), ``sort=date_asc|date_desc``
  (by creation), ``offset``/``limit`` (≤ 51, 🟡);
* a line carries ``seller_sku`` only when its listing carried the ``SELLER_SKU``
  attribute when it was sold: the documented examples ("Receive an order", the
  cart order) show lines without it. The sandbox serves every
  :data:`ORDERS_WITHOUT_SELLER_SKU_EVERY`-th order's lines that way, from
  listings that carry the attribute now (a seller who filled the SKUs in after
  those sales): inferred, the documents do not say which orders lack it, so a
  kit must bind such a line through its listing (the binding table) or hold it;
* a cancellation after import shows as ``status: cancelled`` with a new
  ``date_last_updated`` (the field §1.5 says to sync on); the payments are
  refunded or cancelled and the shipment is cancelled.
"""

from __future__ import annotations

from typing import Any

from kit.sandbox.base import Request, route
from kit.sandbox.mercadolivre.common import PAYMENT_TYPES, SELLER_ID, ml_date, ml_error, now, parse_date
from kit.sandbox.mercadolivre.shipments import render_shipment

__all__ = ["OrderRoutes", "render_order", "ORDERS_MAX_LIMIT", "ORDERS_WITHOUT_SELLER_SKU_EVERY", "cancel"]

ORDERS_MAX_LIMIT = 51
#: Every n-th rendered order has lines without ``seller_sku`` (documented examples; which ones is inferred).
ORDERS_WITHOUT_SELLER_SKU_EVERY = 4
SORTS = ("date_asc", "date_desc")
DATE_FILTERS = ("date_created", "date_closed", "date_last_updated")
#: Order status -> the status of its payment (§1.5, §1.8).
PAYMENT_STATUS = {
    "paid": "approved",
    "partially_paid": "approved",
    "partially_refunded": "approved",
    "payment_in_process": "in_process",
    "cancelled": "cancelled",
    "invalid": "rejected",
}


def _order_item(
    line: dict[str, Any], listing: tuple[str, dict[str, Any], dict[str, Any]], with_sku: bool
) -> dict[str, Any]:
    item_id, item, holder = listing
    variation = holder if holder is not item else None
    price = float(line["unit_price"])
    sold = {
        "id": item_id,
        "title": item["title"],
        "category_id": item.get("category_id"),
        "variation_id": variation["id"] if variation else None,
        "seller_sku": str(line["sku"]),
        "seller_custom_field": None,
        "variation_attributes": (variation or {}).get("attribute_combinations", []),
    }
    if not with_sku:  # as "Receive an order" shows it: no seller_sku key at all
        del sold["seller_sku"]
    return {
        "item": sold,
        "quantity": int(line["qty"]),
        "unit_price": price,
        "full_unit_price": price,
        "sale_fee": round(price * 0.12, 2),
        "currency_id": "BRL",
    }


def _payment(spec: dict[str, Any], status: str, items_total: float, shipping: float) -> dict[str, Any]:
    method = spec.get("payment_raw") or "account_money"
    return {
        "id": 30000000000 + int(str(spec["order_id"])[-6:]),
        "order_id": int(spec["order_id"]),
        "status": PAYMENT_STATUS.get(status, "pending"),
        "transaction_amount": items_total,
        "shipping_cost": shipping,
        "total_paid_amount": round(items_total + shipping, 2),
        "installments": 1,
        "currency_id": "BRL",
        "payment_method_id": method,
        "payment_type": PAYMENT_TYPES.get(method, method),
        "date_approved": ml_date(parse_date(spec["created_at"])) if status in ("paid", "partially_paid") else None,
    }


def render_order(
    spec: dict[str, Any], listings: dict[str, tuple[str, dict[str, Any], dict[str, Any]]], n: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A neutral order spec (:func:`kit.sample.generate_orders`) as Mercado Livre's order and its shipment.

    Args:
        spec: the neutral order.
        listings: SKU -> (item id, item, the item or variation holding the SKU).
        n: a sequence number for the ids the spec does not carry (buyer, shipment).
    """
    created, updated = parse_date(spec["created_at"]), parse_date(spec["updated_at"])
    status = str(spec["status_raw"])
    with_sku = n % ORDERS_WITHOUT_SELLER_SKU_EVERY != 0
    lines = [_order_item(line, listings[str(line["sku"])], with_sku) for line in spec["items"]]
    items_total = round(sum(x["quantity"] * x["unit_price"] for x in lines), 2)
    shipping = round(float(spec.get("shipping_cost") or 0), 2)
    payment = _payment(spec, status, items_total, shipping)
    order_id = int(spec["order_id"])
    shipment_id = 44000000000 + n
    order = {
        "id": order_id,
        "status": status,
        "status_detail": None,
        "date_created": ml_date(created),
        "date_closed": ml_date(created),
        "last_updated": ml_date(updated),
        "date_last_updated": ml_date(updated),
        "pack_id": spec.get("pack_id"),
        "shipping": {"id": shipment_id},
        "order_items": lines,
        "total_amount": items_total,
        "paid_amount": payment["total_paid_amount"] if payment["status"] == "approved" else 0,
        "currency_id": "BRL",
        "buyer": {"id": 987000 + n, "nickname": f"COMPRADOR{n}"},
        "seller": {"id": SELLER_ID},
        "payments": [payment],
        "tags": (["paid"] if payment["status"] == "approved" else ["not_paid"])
        + (["pack_order"] if spec.get("pack_id") else []),
    }
    return order, render_shipment(spec, order, shipment_id)


def cancel(order: dict[str, Any], shipment: dict[str, Any] | None) -> None:
    """What Mercado Livre shows after a cancellation: status, reason, a new ``date_last_updated``."""
    stamp = ml_date(now())
    order["status"] = "cancelled"
    order["status_detail"] = {"code": "cancelled_by_buyer", "description": "The buyer cancelled the purchase"}
    order["last_updated"] = order["date_last_updated"] = stamp
    order["tags"] = [t for t in order.get("tags") or [] if t != "paid"] + ["not_delivered"]
    for payment in order.get("payments") or []:
        payment["status"] = "refunded" if payment["status"] == "approved" else "cancelled"
    order["paid_amount"] = 0
    if shipment is not None:
        shipment["status"], shipment["substatus"] = "cancelled", None
        shipment["last_updated"] = stamp


def _search_filters(req: Request) -> tuple[list[tuple[str, str, Any]], str | None]:
    """(field, bound, instant) filters of an orders search, or the reason the query is refused."""
    out = []
    for field in DATE_FILTERS:
        for bound in ("from", "to"):
            value = req.q(f"order.{field}.{bound}")
            if value is None:
                continue
            try:
                out.append((field, bound, parse_date(value)))
            except ValueError:
                return [], f"order.{field}.{bound} must be an ISO 8601 date-time with offset"
    return out, None


class OrderRoutes:
    """``/orders/search``, ``/orders/{id}``, ``/packs/{id}`` (a mixin of the sandbox)."""

    state: Any

    @route("GET", "/orders/search")
    def orders_search(self, req: Request) -> Any:
        seller = req.q("seller")
        if not seller:
            return ml_error(400, "bad_request", "the seller (or buyer) parameter is required")
        if seller != str(SELLER_ID):
            return ml_error(403, "forbidden", "invalid caller: the seller does not match the token")
        sort = req.q("sort") or "date_asc"
        filters, problem = _search_filters(req)
        try:
            offset, limit = int(req.q("offset", "0") or 0), int(req.q("limit", "50") or 50)
        except ValueError:
            problem = "offset and limit must be numbers"
        if problem is None and (sort not in SORTS or offset < 0 or not 1 <= limit <= ORDERS_MAX_LIMIT):
            problem = f"sort must be one of {', '.join(SORTS)}; 0 <= offset; 1 <= limit <= {ORDERS_MAX_LIMIT}"
        if problem:
            return ml_error(400, "bad_request", problem)
        with self.state.lock:
            orders = [dict(o) for o in self.state.data["orders"].values()]
        status = req.q("order.status")
        orders = [o for o in orders if (not status or o["status"] == status) and _matches(o, filters)]
        orders.sort(key=lambda o: (parse_date(o["date_created"]), o["id"]), reverse=sort == "date_desc")
        return {
            "query": str(SELLER_ID),
            "results": orders[offset : offset + limit],
            "sort": {"id": sort, "name": "Date ascending" if sort == "date_asc" else "Date descending"},
            "available_sorts": [{"id": s, "name": s} for s in SORTS if s != sort],
            "filters": [],
            "paging": {"total": len(orders), "offset": offset, "limit": limit},
            "display": "hidden",
        }

    @route("GET", "/orders/{order_id}")
    def order_get(self, req: Request) -> Any:
        try:
            return self.state.data["orders"][int(req.params["order_id"])]
        except (KeyError, ValueError):
            return ml_error(404, "not_found", f"Order {req.params['order_id']} not found")

    @route("GET", "/packs/{pack_id}")
    def pack_get(self, req: Request) -> Any:
        try:
            return self.state.data["packs"][int(req.params["pack_id"])]
        except (KeyError, ValueError):
            return ml_error(404, "not_found", "pack not found")


def _matches(order: dict[str, Any], filters: list[tuple[str, str, Any]]) -> bool:
    for field, bound, when in filters:
        value = parse_date(order[field])
        if (bound == "from" and value < when) or (bound == "to" and value > when):
            return False
    return True
