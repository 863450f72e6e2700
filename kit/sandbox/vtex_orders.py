"""VTEX sandbox, orders part: OMS orders, Feed v3, hook, invoices, cancellation, and ``render_order``.

``render_order(spec)`` turns a neutral order spec of the sample generator
(:func:`kit.sample.generate_orders`) into VTEX's documented order shape
(``orders-api.json`` "Get order"; money in integer cents): the inverse of the
connector's normalisation, so a round trip (render -> connector -> the same
order) can be tested. ``cancel_order`` shows a cancellation the way VTEX does
after import: the order's ``status`` becomes ``canceled`` with a new
``lastChange``, and the feed gets an event for it (``orders-api.json`` Feed v3;
channel-apis.md §2.5). Orders already invoiced cannot be cancelled (§2.5).

A mixin of :class:`kit.sandbox.vtex.VtexSandbox`; it imports nothing from
``kit.connectors``.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from kit.sample import channel_values
from kit.sandbox.base import BadRequest, Reply, Request, route

__all__ = ["VtexOrderRoutes", "FEED_VISIBILITY_S", "iso"]

FEED_VISIBILITY_S = 60.0  # uncommitted feed events reappear after this long
SHIPPING_CENTS = 1590


def iso(dt: datetime) -> str:
    """VTEX's timestamp form: UTC with milliseconds and ``Z``."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _cents(value: float) -> int:
    return int(round(float(value) * 100))


class VtexOrderRoutes:
    """Order routes and helpers (mixed into the VTEX sandbox)."""

    state: Any
    rng: Any

    # -- orders from the sample generator -------------------------------------------------
    def order_spec(self) -> dict[str, Any]:
        """One neutral order spec from :func:`kit.sample.generate_orders`, numbered after the ones held."""
        from kit.sample import generate_orders

        skus = self.state.data["skus"]
        catalog = [{"sku": s["RefId"], "price": self.state.data["prices"][sid]["basePrice"]}
                   for sid, s in sorted(skus.items()) if s.get("RefId")]  # fmt: skip
        spec = generate_orders(catalog, "vtex", 1, seed=self.rng.randrange(2**31))[0]
        n = len(self.state.data["orders"])
        created = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20, minutes=-37 * n)
        spec.update(
            order_id=f"v{7000001 + n}sbx-01",
            created_at=created.isoformat(),
            updated_at=(created + timedelta(minutes=5)).isoformat(),
        )
        return spec

    def make_order(self) -> dict[str, Any]:
        return self.render_order(self.order_spec())

    def render_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """VTEX's order (Get order) for a neutral spec: the inverse of the connector's normalisation."""
        skus, by_ref = self.state.data["skus"], self.state.data["by_ref"]
        items = []
        for it in spec["items"]:
            sid = by_ref.get(str(it["sku"]))
            sku = skus.get(sid, {})
            cents = _cents(it["unit_price"])
            items.append(
                {
                    "uniqueId": uuid.UUID(int=self.rng.getrandbits(128)).hex.upper(),
                    "id": str(sid if sid is not None else it["sku"]), "productId": str(sku.get("ProductId", "")),
                    "ean": (sku.get("_eans") or [""])[0], "quantity": int(it["qty"]), "seller": "1",
                    "name": sku.get("Name") or str(it["sku"]), "refId": str(it["sku"]), "price": cents,
                    "listPrice": cents, "sellingPrice": cents, "priceTags": [], "imageUrl": "", "detailUrl": "",
                }
            )  # fmt: skip
        shipping = _cents(spec.get("shipping_cost") or 0)
        total = sum(i["price"] * i["quantity"] for i in items)
        first, _, last = str(spec["buyer"]["name"]).partition(" ")
        created = datetime.fromisoformat(spec["created_at"])
        updated = datetime.fromisoformat(spec["updated_at"])
        return {
            "orderId": spec["order_id"], "sequence": str(spec["order_id"]).lstrip("v")[:7],
            "marketplaceOrderId": "", "origin": "Marketplace", "affiliateId": "", "salesChannel": "1",
            "status": spec["status_raw"], "statusDescription": spec["status_raw"], "value": total + shipping,
            "creationDate": iso(created), "lastChange": iso(updated),
            "totals": [{"id": "Items", "name": "Total dos Itens", "value": total},
                       {"id": "Shipping", "name": "Total do Frete", "value": shipping}],
            "items": items,
            "clientProfileData": {"email": f"{spec['order_id']}@example.com", "firstName": first, "lastName": last,
                                  "documentType": "cpf", "document": spec["buyer"]["document"],
                                  "isCorporate": False},
            "shippingData": self._shipping_data(spec, items, shipping),
            "paymentData": {"transactions": [{
                "isActive": True, "transactionId": uuid.UUID(int=self.rng.getrandbits(128)).hex.upper(),
                "payments": [{"id": uuid.UUID(int=self.rng.getrandbits(128)).hex.upper(),
                              "paymentSystem": str(self.rng.randint(1, 130)),
                              "paymentSystemName": spec["payment_raw"], "value": total + shipping,
                              "installments": 1}],
            }]},
            "packageAttachment": {"packages": []},
        }  # fmt: skip

    def _shipping_data(self, spec: dict[str, Any], items: list[dict[str, Any]], shipping: int) -> dict[str, Any]:
        carrier, sla = spec["carrier_raw"], spec["service_raw"]
        address = spec["shipping_address"]
        zipcode = str(address["zipcode"])
        delivery = "pickup-in-point" if carrier == "Retirada" else "delivery"
        return {
            "address": {
                "addressType": "residential", "receiverName": spec["buyer"]["name"],
                "postalCode": f"{zipcode[:5]}-{zipcode[5:]}", "city": address["city"], "state": address["state"],
                "country": "BRA", "street": address["street"], "number": address["number"],
                "neighborhood": "Centro", "complement": "",
            },
            "logisticsInfo": [
                {
                    "itemIndex": n, "selectedSla": sla, "selectedDeliveryChannel": delivery,
                    "deliveryCompany": carrier, "shippingEstimate": "3bd", "price": shipping if n == 0 else 0,
                    "deliveryIds": [{"courierId": carrier.lower().replace(" ", ""), "courierName": carrier,
                                     "dockId": "1", "warehouseId": "1_1", "quantity": it["quantity"]}],
                }
                for n, it in enumerate(items)
            ],
        }  # fmt: skip

    def add_order(self, order: dict[str, Any]) -> None:
        """Store an order and put a feed event for it (as a status change would)."""
        with self.state.lock:
            self.state.data["orders"][order["orderId"]] = order
            self._feed_event(order, "order-created")

    def _feed_event(self, order: dict[str, Any], last_state: str) -> None:
        self.state.data["feed"].append(
            {
                "eventId": uuid.UUID(int=self.rng.getrandbits(128)).hex,
                "handle": "AQEB" + uuid.UUID(int=self.rng.getrandbits(128)).hex + "==",
                "domain": "Fulfillment", "state": order["status"], "lastState": last_state,
                "orderId": order["orderId"], "lastChange": order["lastChange"],
                "currentChange": order["lastChange"], "_invisible_until": 0.0,
            }
        )  # fmt: skip

    def cancel_order(self, order_id: str) -> None:
        """The buyer or the store cancels an imported order: status ``canceled``, a new lastChange, a feed event.

        Raises:
            KeyError: no such order. ValueError: the order is invoiced (VTEX refuses; §2.5).
        """
        with self.state.lock:
            order = self.state.data["orders"][order_id]
            if order["status"] == "invoiced":
                raise ValueError(f"order {order_id} is invoiced: VTEX cannot cancel it (post a return invoice)")
            last = order["status"]
            previous = datetime.fromisoformat(order["lastChange"].replace("Z", "+00:00"))
            order.update(
                status="canceled", statusDescription="Cancelado",
                lastChange=iso(max(datetime.now(UTC), previous + timedelta(seconds=1))),
            )  # fmt: skip
            self._feed_event(order, last)

    @route("POST", "/api/oms/pvt/orders/{orderId}/cancel")
    def order_cancel(self, req: Request) -> Any:
        order_id = req.params["orderId"]
        if order_id not in self.state.data["orders"]:
            return self.error_reply(404, "Order not found")
        try:
            self.cancel_order(order_id)
        except ValueError as exc:
            return self.error_reply(403, str(exc))
        return {"date": iso(datetime.now(UTC)), "orderId": order_id, "receipt": uuid.uuid4().hex}

    @route("GET", "/api/orders/hook/config")
    def hook_config(self, req: Request) -> Any:
        hook = self.state.data.get("hook")
        if not hook:
            return self.error_reply(404, "Hook not configured for this appKey")
        return hook

    @route("POST", "/api/orders/hook/config")
    def hook_config_set(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not (body.get("hook") or {}).get("url"):
            raise BadRequest("hook.url is required")
        if (body.get("filter") or {}).get("type") not in ("FromWorkflow", "FromOrders"):
            raise BadRequest("filter.type must be FromWorkflow or FromOrders")
        with self.state.lock:
            self.state.data["hook"] = {"filter": body["filter"], "hook": body["hook"]}
        return Reply(200, b"", content_type="application/json")

    @route("DELETE", "/api/orders/hook/config")
    def hook_config_delete(self, req: Request) -> Any:
        with self.state.lock:
            self.state.data.pop("hook", None)
        return Reply(200, b"", content_type="application/json")

    @route("GET", "/api/orders/feed/config")
    def feed_config(self, req: Request) -> Any:
        if not self.state.data.get("feed_configured"):
            return self.error_reply(404, "Feed not configured for this appKey")
        return {
            "filter": {"type": "FromWorkflow", "status": ["ready-for-handling", "canceled", "invoiced"]},
            "queue": {"visibilityTimeoutInSeconds": int(FEED_VISIBILITY_S), "MessageRetentionPeriodInSeconds": 345600},
        }

    @route("GET", "/api/orders/feed")
    def feed_read(self, req: Request) -> Any:
        if not self.state.data.get("feed_configured"):
            return self.error_reply(404, "Feed not configured for this appKey")
        try:
            maxlot = int(req.q("maxlot", "10") or 10)
        except ValueError:
            raise BadRequest("maxlot must be a number") from None
        if not 1 <= maxlot <= 10:
            raise BadRequest("maxlot must be between 1 and 10")
        now = time.monotonic()
        out = []
        with self.state.lock:
            for ev in self.state.data["feed"]:
                if ev["_invisible_until"] <= now:
                    ev["_invisible_until"] = now + FEED_VISIBILITY_S
                    out.append({k: v for k, v in ev.items() if not k.startswith("_")})
                    if len(out) >= maxlot:
                        break
        return out

    @route("POST", "/api/orders/feed")
    def feed_commit(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("handles"), list):
            raise BadRequest("body must be {'handles': [...]}")
        handles = set(body["handles"])
        with self.state.lock:
            self.state.data["feed"] = [ev for ev in self.state.data["feed"] if ev["handle"] not in handles]
        return Reply(200, b"", content_type="application/json")

    @route("GET", "/api/oms/pvt/orders/{orderId}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        if order is None:
            return self.error_reply(404, "Order not found")
        return order

    @route("POST", "/api/oms/pvt/orders/{orderId}/invoice")
    def order_invoice(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        if order is None:
            return self.error_reply(404, "Order not found")
        body = req.json() or {}
        for key in ("type", "issuanceDate", "invoiceNumber", "invoiceValue", "items"):
            if key not in body:
                raise BadRequest(f"{key} is required")
        receipt = uuid.UUID(int=self.rng.getrandbits(128)).hex
        with self.state.lock:
            packages = order.setdefault("packageAttachment", {"packages": []})["packages"]
            packages[:] = [p for p in packages if p.get("invoiceNumber") != body["invoiceNumber"]]
            packages.append(
                {
                    "invoiceNumber": body["invoiceNumber"],
                    "invoiceKey": body.get("invoiceKey"),
                    "invoiceValue": int(body["invoiceValue"]),
                    "trackingNumber": body.get("trackingNumber"),
                    "trackingUrl": body.get("trackingUrl"),
                    "courier": body.get("courier"),
                    "type": body["type"],
                }
            )
            invoiced = sum(p["invoiceValue"] for p in packages if p["type"] == "Output")
            if invoiced >= order["value"]:
                order["status"] = "invoiced"
        return {"date": iso(datetime.now(UTC)), "orderId": order["orderId"], "receipt": receipt}

    @route("PATCH", "/api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}")
    def invoice_tracking(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        if order is None:
            return self.error_reply(404, "Order not found")
        body = req.json() or {}
        if not body.get("trackingNumber"):
            raise BadRequest("trackingNumber is required")
        for package in order.get("packageAttachment", {}).get("packages", []):
            if package["invoiceNumber"] == req.params["invoiceNumber"]:
                package.update({k: body.get(k) for k in ("trackingNumber", "trackingUrl", "courier")})
                break
        else:
            return self.error_reply(404, "Invoice not found")
        return {"date": iso(datetime.now(UTC)), "orderId": order["orderId"], "receipt": uuid.uuid4().hex}

    @route("GET", "/api/oms/pvt/orders")
    def order_list(self, req: Request) -> Any:
        """List orders (backfill only: no items; max 30 pages of at most 100)."""
        page = int(req.q("page", "1") or 1)
        per_page = min(int(req.q("per_page", "15") or 15), 100)
        if page > 30:
            raise BadRequest("page must be at most 30")
        orders = sorted(self.state.data["orders"].values(), key=lambda o: o["creationDate"])
        chunk = orders[(page - 1) * per_page : page * per_page]
        values = [o["value"] for o in orders] or [0]

        def stat(facets: bool = True) -> dict[str, Any]:
            inner = stat(False) if facets else None
            return {
                "Count": len(orders), "Max": max(values), "Mean": sum(values) // len(values), "Min": min(values),
                "Missing": 0, "StdDev": 0, "Sum": sum(values), "SumOfSquares": sum(v * v for v in values),
                "Facets": {
                    "origin": {"Fulfillment": inner, "Marketplace": inner}, "currencyCode": {"BRL": inner},
                } if facets else None,
            }  # fmt: skip

        return {
            "list": [
                {
                    "orderId": o["orderId"],
                    "creationDate": o["creationDate"],
                    "clientName": f"{o['clientProfileData']['firstName']} {o['clientProfileData']['lastName']}",
                    "items": None,
                    "totalValue": o["value"],
                    "paymentNames": ", ".join(
                        p["paymentSystemName"] for t in o["paymentData"]["transactions"] for p in t["payments"]
                    ),
                    "status": o["status"],
                    "statusDescription": o["statusDescription"],
                    "marketPlaceOrderId": None,
                    "sequence": o["sequence"],
                    "salesChannel": o["salesChannel"],
                    "affiliateId": o["affiliateId"],
                    "origin": o["origin"],
                    "workflowInErrorState": False,
                    "workflowInRetry": False,
                    "lastMessageUnread": None,
                    "ShippingEstimatedDate": None,
                    "ShippingEstimatedDateMax": None,
                    "ShippingEstimatedDateMin": None,
                    "orderIsComplete": True,
                    "listId": None,
                    "listType": None,
                    "authorizedDate": None,
                    "callCenterOperatorName": None,
                    "totalItems": sum(i["quantity"] for i in o["items"]),
                    "currencyCode": "BRL",
                }  # fmt: skip
                for o in chunk
            ],
            "facets": [],
            "paging": {
                "total": len(orders),
                "pages": max(1, -(-len(orders) // per_page)),
                "currentPage": page,
                "perPage": per_page,
            },  # fmt: skip
            "stats": {"stats": {"totalValue": stat(), "totalItems": stat()}},
        }

    @route("GET", "/api/logistics/pvt/shipping-policies")
    def shipping_policies(self, req: Request) -> Any:
        values = channel_values("vtex")["carrier_service"]
        items = [
            {"id": f"sp{n}", "name": sla, "shippingMethod": carrier, "isActive": True}
            for n, ((carrier, sla), _) in enumerate(values)
        ]
        return {"items": items, "paging": {"page": 1, "perPage": len(items), "total": len(items), "pages": 1}}
