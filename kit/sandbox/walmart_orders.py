"""Walmart Marketplace orders for the sandbox: the documented order shape, the list filters, the line lifecycle.

Written from Walmart's Orders OpenAPI document (``../shared/specs/walmart/orders.json``:
``Order``, ``OrderLineType``, ``ShippingInfoType``, the ``GET /v3/orders``
parameters) and ``../shared/channel-apis.md`` §9.1, never from the connector:

* :func:`render_order` turns a neutral order of :func:`kit.sample.generate_orders`
  into a purchase order: epoch-millisecond dates, one ``orderLine`` per item with
  its ``PRODUCT`` charge (the line total), the shipping charge on the first line,
  a ``statusDate`` per line (the document's "date shown on the recent order
  status"), ``shippingInfo.methodCode`` and ``shipNode.type`` (who fulfils). An
  order names a carrier only on shipped lines (``trackingInfo.carrierName``).
* :func:`matches` applies the documented filters: ``status`` (of a line),
  created and last-modified windows, ``purchaseOrderId``, ``customerOrderId``, ``sku``.
* :func:`acknowledge`, :func:`ship`, :func:`cancel_lines` move lines through
  Created -> Acknowledged -> Shipped, or to Cancelled, each with a new ``statusDate``.
  What is refused (shipping a cancelled line, cancelling a shipped one, more than
  the line's quantity) is inferred from the operations' descriptions: the
  document lists no error cases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "METHOD_CODES",
    "CARRIERS",
    "CANCEL_REASONS",
    "OrderRefused",
    "render_order",
    "ms",
    "line_statuses",
    "last_modified",
    "matches",
    "acknowledge",
    "ship",
    "cancel_lines",
]

#: ``ShippingInfoType.methodCode`` / ``TrackingInfoType.methodCode`` enum.
METHOD_CODES = ("Standard", "Express", "OneDay", "Freight", "WhiteGlove", "Value")
#: ``CarrierNameType.carrier`` enum (the first entries; ``otherCarrier`` takes any name with a tracking URL).
CARRIERS = ("UPS", "USPS", "FedEx", "Airborne", "OnTrac", "DHL Ecommerce - US", "DHL", "LS", "UDS", "UPSMI",
            "FDX", "PILOT", "ESTES", "SAIA", "FDS Express", "Seko Worldwide", "HIT Delivery", "FEDEXSP",
            "RL Carriers", "Metropolitan Warehouse & Delivery", "China Post", "YunExpress", "Yellow Freight Sys",
            "AIT Worldwide Logistics", "Chukou1", "Sendle", "Landmark Global", "Sunyou", "Yanwen", "4PX", "GLS",
            "OSM Worldwide", "FIRST MILE", "AM Trucking", "CEVA", "India Post", "SF Express", "CNE",
            "TForce Freight", "AxleHire", "LSO", "Royal Mail", "ABF Freight System", "WanB", "Roadrunner Freight",
            "Meyer Distribution", "AAA Cooper", "Canada Post", "Southeastern Freight Lines", "Japan Post",
            "Correos de Mexico", "XPO Logistics", "JD Logistics", "YDH", "JCEX", "Flyt", "Deutsche Post",
            "Better Trucks", "Asendia", "SFC", "UBI", "ePost Global", "YF Logistics", "RXO", "Estes Express",
            "Shypmax", "WIN.IT America", "PITT OHIO", "PostNord Sweden", "Equick", "Whistl", "Tusou",
            "Shiprocket", "DTDC", "PTS")  # fmt: skip
#: ``orderCancellation...cancellationReason`` enum.
CANCEL_REASONS = (
    "CUSTOMER_REQUESTED_SELLER_TO_CANCEL",
    "SELLER_CANCEL_PRICING_ERROR",
    "SELLER_CANCEL_OUT_OF_STOCK",
    "SELLER_CANCEL_FRAUD_STOP_SHIPMENT",
    "SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE",
)
_OPEN = ("Created", "Acknowledged")


class OrderRefused(Exception):
    """Walmart refuses the change; ``(field, message)`` in ``args``."""


def ms(value: str | datetime) -> int:
    """ISO 8601 (any offset) or a datetime -> epoch milliseconds."""
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def _line(po: str, k: int, item: dict[str, Any], spec: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    qty, status, method = int(item["qty"]), str(spec["status_raw"]), str(spec.get("service_raw") or "Standard")
    changed = ms(spec["updated_at"])
    tax = {"taxName": "Tax1", "taxAmount": {"currency": "USD", "amount": 0.0}}
    charges = [{"chargeType": "PRODUCT", "chargeName": "ItemPrice", "tax": tax,
                "chargeAmount": {"currency": "USD", "amount": round(float(item["unit_price"]) * qty, 2)}}]  # fmt: skip
    if k == 0 and spec.get("shipping_cost"):
        charges.append({"chargeType": "SHIPPING", "chargeName": "Shipping", "tax": tax,
                        "chargeAmount": {"currency": "USD", "amount": float(spec["shipping_cost"])}})  # fmt: skip
    entry: dict[str, Any] = {"status": status, "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(qty)}}
    if status in ("Shipped", "Delivered"):
        entry["trackingInfo"] = {
            "shipDateTime": changed, "carrierName": {"carrier": "USPS"}, "methodCode": method,
            "trackingNumber": f"9400{po}{k}", "trackingURL": f"https://tools.usps.com/go/TrackConfirmAction?tLabels=9400{po}{k}",
        }  # fmt: skip
    if status == "Cancelled":
        entry["cancellationReason"] = "CUSTOMER_REQUESTED_SELLER_TO_CANCEL"
    return {
        "lineNumber": str(k + 1),
        "item": {"productName": names.get(str(item["sku"]), str(item["sku"])), "sku": str(item["sku"])},
        "charges": {"charge": charges},
        "orderLineQuantity": {"unitOfMeasurement": "EACH", "amount": str(qty)},
        "statusDate": changed,
        "orderLineStatuses": {"orderLineStatus": [entry]},
        "fulfillment": {"fulfillmentOption": "S2H", "shipMethod": method.upper()},
    }


def render_order(spec: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """A neutral order (:func:`kit.sample.generate_orders`) as ``GET /v3/orders`` lists it.

    ``carrier_raw`` is the fulfilment type (``shipNode.type``: Walmart names no carrier
    before a line ships); ``service_raw`` the ``methodCode``; there is no payment method.
    """
    po = str(spec["order_id"])
    placed = ms(spec["created_at"])
    where = spec["shipping_address"]
    return {
        "purchaseOrderId": po,
        "customerOrderId": str(int(po) + 4_000_000_000_000) if po.isdigit() else f"C{po}",
        "customerEmailId": f"{po}@relay.walmart.com",
        "orderType": "REGULAR",
        "orderDate": placed,
        "shippingInfo": {
            "phone": "5555555555",
            "estimatedDeliveryDate": placed + int(timedelta(days=5).total_seconds() * 1000),
            "estimatedShipDate": placed + int(timedelta(days=2).total_seconds() * 1000),
            "methodCode": str(spec.get("service_raw") or "Standard"),
            "postalAddress": {
                "name": str(spec["buyer"]["name"]),
                "address1": f"{where['street']}, {where['number']}",
                "city": where["city"],
                "state": where["state"],
                "postalCode": str(where["zipcode"]),
                "country": "USA",
                "addressType": "RESIDENTIAL",
            },
        },
        "orderLines": {"orderLine": [_line(po, k, item, spec, names or {}) for k, item in enumerate(spec["items"])]},
        "shipNode": {"type": str(spec.get("carrier_raw") or "SellerFulfilled")},
        "orderSummary": {"totalAmount": {"currencyAmount": float(spec["total"]), "currencyUnit": "USD"}},
    }


# -- reading ----------------------------------------------------------------------------------
def line_statuses(order: dict[str, Any]) -> list[str]:
    return [
        s["status"] for line in order["orderLines"]["orderLine"] for s in line["orderLineStatuses"]["orderLineStatus"]
    ]


def last_modified(order: dict[str, Any]) -> int:
    """When the order last changed: its newest line ``statusDate`` (epoch ms)."""
    return max(int(line.get("statusDate") or order["orderDate"]) for line in order["orderLines"]["orderLine"])


def matches(order: dict[str, Any], flt: dict[str, Any]) -> bool:
    """Does ``order`` pass the list filters (``flt`` holds parsed values: epoch-ms windows, strings)?"""
    if flt.get("status") and flt["status"] not in line_statuses(order):
        return False
    if not flt["created_from"] <= int(order["orderDate"]) <= flt["created_to"]:
        return False
    changed = last_modified(order)
    if flt.get("modified_from") is not None and changed < flt["modified_from"]:
        return False
    if flt.get("modified_to") is not None and changed > flt["modified_to"]:
        return False
    for key in ("purchaseOrderId", "customerOrderId"):
        if flt.get(key) and order[key] != flt[key]:
            return False
    return not flt.get("sku") or flt["sku"] in {ln["item"]["sku"] for ln in order["orderLines"]["orderLine"]}


# -- changing -----------------------------------------------------------------------------------
def _set(line: dict[str, Any], entry: dict[str, Any], now: int) -> None:
    line["orderLineStatuses"]["orderLineStatus"] = [entry]
    line["statusDate"] = now


def acknowledge(order: dict[str, Any]) -> None:
    """Created lines become Acknowledged; an order with every line cancelled cannot be acknowledged."""
    lines = order["orderLines"]["orderLine"]
    if all(s == "Cancelled" for s in line_statuses(order)):
        raise OrderRefused("purchaseOrderId", "the purchase order is cancelled and cannot be acknowledged")
    now = _now_ms()
    for line in lines:
        entry = line["orderLineStatuses"]["orderLineStatus"][0]
        if entry["status"] == "Created":
            _set(line, {**entry, "status": "Acknowledged"}, now)


def _find(order: dict[str, Any], number: Any) -> dict[str, Any]:
    for line in order["orderLines"]["orderLine"]:
        if line["lineNumber"] == number:
            return line
    raise OrderRefused("lineNumber", f"line {number} is not part of purchase order {order['purchaseOrderId']}")


def _quantity(line: dict[str, Any], given: dict[str, Any]) -> str:
    amount = (given.get("statusQuantity") or {}).get("amount")
    ordered = int(line["orderLineQuantity"]["amount"])
    if not isinstance(amount, str) or not amount.isdigit() or not 0 < int(amount) <= ordered:
        raise OrderRefused("statusQuantity.amount", f"statusQuantity.amount must be between 1 and {ordered}")
    return amount


def _tracking(info: Any) -> dict[str, Any]:
    if not isinstance(info, dict):
        raise OrderRefused("trackingInfo", "trackingInfo is required to ship a line")
    carrier = info.get("carrierName") or {}
    if carrier.get("carrier") not in CARRIERS and not (carrier.get("otherCarrier") and info.get("trackingURL")):
        raise OrderRefused(
            "carrierName", "carrierName.carrier must be a supported carrier, or otherCarrier with a trackingURL"
        )
    if info.get("methodCode") not in METHOD_CODES:
        raise OrderRefused("methodCode", f"methodCode must be one of {', '.join(METHOD_CODES)}")
    if not isinstance(info.get("shipDateTime"), int) or isinstance(info.get("shipDateTime"), bool):
        raise OrderRefused("shipDateTime", "shipDateTime must be epoch milliseconds (integer)")
    if not info.get("trackingNumber"):
        raise OrderRefused("trackingNumber", "trackingNumber is required")
    return info


def ship(order: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """Lines become Shipped with their tracking; a cancelled line or a quantity above the line's is refused."""
    if not lines:
        raise OrderRefused("orderLines", "orderShipment.orderLines.orderLine is required")
    planned = []
    for given in lines:
        line = _find(order, given.get("lineNumber"))
        entries = (given.get("orderLineStatuses") or {}).get("orderLineStatus") or [{}]
        entry = entries[0]
        if line["orderLineStatuses"]["orderLineStatus"][0]["status"] in ("Cancelled", "Refund"):
            raise OrderRefused("lineNumber", f"line {line['lineNumber']} is cancelled and cannot be shipped")
        if entry.get("status") != "Shipped":
            raise OrderRefused("status", "a shipping update sets the line status to Shipped")
        amount = _quantity(line, entry)
        planned.append((line, {"status": "Shipped", "statusQuantity": {"unitOfMeasurement": "EACH", "amount": amount},
                               "trackingInfo": _tracking(entry.get("trackingInfo"))}))  # fmt: skip
    now = _now_ms()
    for line, entry in planned:
        _set(line, entry, now)


def cancel_lines(order: dict[str, Any], lines: list[dict[str, Any]] | None, reason: str | None = None) -> None:
    """Lines (all when ``None``) become Cancelled; a shipped or delivered line cannot be."""
    targets = []
    for given in (
        lines if lines is not None else [{"lineNumber": ln["lineNumber"]} for ln in order["orderLines"]["orderLine"]]
    ):
        line = _find(order, given.get("lineNumber"))
        status = line["orderLineStatuses"]["orderLineStatus"][0]["status"]
        entry = ((given.get("orderLineStatuses") or {}).get("orderLineStatus") or [{}])[0]
        why = entry.get("cancellationReason") or reason
        if status not in _OPEN:
            raise OrderRefused("lineNumber", f"line {line['lineNumber']} is {status} and cannot be cancelled")
        if why not in CANCEL_REASONS:
            raise OrderRefused("cancellationReason", f"cancellationReason must be one of {', '.join(CANCEL_REASONS)}")
        amount = _quantity(line, entry) if lines is not None else line["orderLineQuantity"]["amount"]
        targets.append((line, {"status": "Cancelled", "cancellationReason": why,
                               "statusQuantity": {"unitOfMeasurement": "EACH", "amount": amount}}))  # fmt: skip
    now = _now_ms()
    for line, entry in targets:
        _set(line, entry, now)
