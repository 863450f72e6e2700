"""Netshoes / Zattini sandbox: products and SKUs, stocks, prices, orders with shippings, shipping status.

Written from the channel's documents, never from the connector
(``../shared/channel-apis.md`` §6 and the sources it names):

* the official swagger SDK ``netshoes/marketplace-api-sdk-php`` (models:
  ``ProductResource``/``SkuResource`` with ``eanIsbn``, ``StockResource``
  ``{country, available}``, ``PriceResource``, list envelopes ``{items, links}``
  without a total, ``ErrorResource {type, description, notifications}``);
* ``gpupo/netshoes-sdk`` fixtures captured from the API (orders carry
  ``orderNumber``/``orderStatus``, dates as epoch milliseconds, shippings with
  ``customer.address``, ``sender``, ``transport``, ``invoice``), its status flow
  ``Created -> Approved -> Invoiced -> Shipped -> Delivered`` and the
  per-status update paths ``PUT /orders/{n}/shippings/{code}/status/{status}``
  (also in a 2026 integration that quotes the portal's swagger: invoiced
  ``{number, line, key, issueDate}``, shipped ``{carrier, trackingNumber,
  trackingLink, deliveredCarrierDate, estimatedDelivery}``, canceled
  ``{reasonCancellationCode}``, "after invoiced the order does not cancel").

A cancellation shows as ``orderStatus`` and the shipping's ``status`` turning
``Canceled`` with a ``cancellationReason``; orders carry no update stamp, so
nothing else changes (:meth:`NetshoesSandbox.cancel_order`). Product creation,
templates and the catalogue sync: :mod:`kit.sandbox.netshoes_catalog`. See
``docs/channels.md``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.netshoes_catalog import NetshoesCatalogRoutes
from kit.sandbox.util import epoch_ms, parse_date, recent_specs

__all__ = ["NetshoesSandbox", "parse_date", "SHIPPING_FLOW", "render_order"]

#: page size cap (a 2026 integration: "size max 50"; inferred)
MAX_PAGE_SIZE = 50
#: the order/shipping status flow (gpupo/netshoes-sdk README)
SHIPPING_FLOW = ("Created", "Approved", "Invoiced", "Shipped", "Delivered")
CANCELED = "Canceled"
#: path segment of ``.../status/{segment}`` -> the status it sets, and the statuses it may follow
TRANSITIONS = {
    "approved": ("Approved", ("Created",)),
    "invoiced": ("Invoiced", ("Approved",)),
    "shipped": ("Shipped", ("Invoiced",)),
    "delivered": ("Delivered", ("Shipped",)),
    "canceled": (CANCELED, ("Created", "Approved")),  # "depois de faturado o pedido não cancela"
}
#: fields each status body must carry (the swagger resources named above)
REQUIRED_FIELDS = {
    "invoiced": ("number", "line", "key", "issueDate"),
    "shipped": ("carrier", "trackingNumber"),
    "delivered": ("deliveryDate",),
    "canceled": ("reasonCancellationCode",),
}


def _ms(value: str) -> int:
    return epoch_ms(parse_date(value))


def _items(spec: dict[str, Any], catalog: dict[str, dict[str, Any]], number: str, status: str) -> list[dict[str, Any]]:
    """The spec's lines as Netshoes order items (``OrderItemResource``)."""
    items = []
    for k, it in enumerate(spec["items"], 1):
        info = catalog.get(str(it["sku"]), {})
        unit = round(float(it["unit_price"]), 2)
        items.append(
            {
                "itemId": int(f"{number[-6:]}{k:02d}"),
                "sku": str(it["sku"]),
                "ean": info.get("ean") or "",
                "name": info.get("name") or str(it["sku"]),
                "brand": info.get("brand") or "",
                "quantity": int(it["qty"]),
                "grossUnitValue": unit,
                "discountUnitValue": 0.0,
                "netUnitValue": unit,
                "totalGross": round(unit * int(it["qty"]), 2),
                "status": status,
            }  # fmt: skip
        )
    return items


def render_order(spec: dict[str, Any], catalog: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A Netshoes order (``GET /orders/{n}?expand=shippings,items``) from a neutral order spec.

    Args:
        spec: one order of :func:`kit.sample.generate_orders` (``order_id``,
            ``created_at``, ``status_raw``, ``carrier_raw``, ``service_raw``,
            ``items``, ``buyer``, ``shipping_address``, ``shipping_cost``, ``total``).
        catalog: SKU -> ``{"ean", "name", "brand"}`` to fill item details (optional).

    Returns:
        The order as the channel serves it: dates in epoch milliseconds, one
        shipping (code ``<order>1``) holding the items, customer and transport.
    """
    catalog = catalog or {}
    number = str(spec["order_id"])
    status = str(spec["status_raw"])
    placed = _ms(spec["created_at"])
    items = _items(spec, catalog, number, status)
    freight = round(float(spec.get("shipping_cost") or 0), 2)
    goods = round(sum(i["totalGross"] for i in items), 2)
    addr = spec.get("shipping_address") or {}
    buyer = spec.get("buyer") or {}
    shipping = {
        "shippingCode": int(f"{number[-7:]}1"),
        "status": status,
        "freightAmount": freight,
        "country": "BR",
        "deliveryTime": 7,
        "cancellationReason": "Solicitação do cliente" if status == CANCELED else None,
        "customer": {
            "document": buyer.get("document"),
            "customerName": buyer.get("name"),
            "recipientName": buyer.get("name"),
            "address": {
                "street": addr.get("street"),
                "number": addr.get("number"),
                "complement": "",
                "neighborhood": "Centro",
                "city": addr.get("city"),
                "state": addr.get("state"),
                "postalCode": addr.get("zipcode"),
            },
        },  # fmt: skip
        "sender": {"supplierCnpj": "11222333000181", "sellerCode": 1434, "sellerName": "Loja Sandbox"},
        "items": items,
        "invoice": None,
        "transport": {"carrier": spec.get("carrier_raw"), "deliveryService": spec.get("service_raw")},
    }
    return {
        "orderNumber": number,
        "originNumber": f"NS{number}",
        "originSite": "NETSHOES",
        "businessUnit": "NS",
        "orderDate": placed,
        "paymentDate": placed + 30 * 60_000,
        "agreedDate": placed + 30 * 60_000,
        "orderStatus": status,
        "orderType": "Sale",
        "totalQuantity": sum(i["quantity"] for i in items),
        "devolutionRequested": False,
        "exchangeRequested": False,
        "totalGross": round(goods + freight, 2),
        "totalDiscount": 0.0,
        "totalFreight": freight,
        "totalCommission": 0.0,
        "totalNet": goods,
        "shippings": [shipping],
    }


def _order_status(shippings: list[dict[str, Any]]) -> str:
    """The order's status: ``Canceled`` when every shipping is, else its least advanced active shipping."""
    active = [s["status"] for s in shippings if s["status"] != CANCELED]
    if not active:
        return CANCELED
    return min(active, key=lambda s: SHIPPING_FLOW.index(s) if s in SHIPPING_FLOW else 0)


class NetshoesSandbox(NetshoesCatalogRoutes, SandboxServer):
    """In-memory Netshoes seller; one product per catalogue SKU (business unit NS).

    Args:
        sync_delay_s: seconds a new SKU stays in catalogue processing before it is
            synchronised (``None``: until :meth:`complete_sync`).
    """

    def __init__(self, *, sync_delay_s: float | None = 0.3, **kw: Any) -> None:
        self.sync_delay_s = sync_delay_s
        super().__init__(**kw)

    def default_credentials(self) -> dict[str, str]:
        return {"client_id": f"sbx-netshoes-{self.seed:04d}", "access_token": f"sbxNSaccess{self.seed:04d}tokenXYZ"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        products: dict[str, dict[str, Any]] = {}
        skus: dict[str, dict[str, Any]] = {}
        for n, p in enumerate(catalog):
            product_id = f"NS{100000 + n}"
            sku = {
                "sku": str(p["sku"]),
                "eanIsbn": str(p.get("ean") or ""),
                "name": p["title"],
                "description": p["title"],
                "brand": p.get("brand"),
                "productId": product_id,
                "active": bool(p.get("active", True)),
                "available": int(p.get("stock") or 0),
                "price": float(p.get("price") or 0),
                # listed SKUs have what creation required: images and measures (kg, cm)
                "images": [{"url": f"https://static.netshoes.example/produtos/{p['sku']}/1.jpg"}],
                "height": float(p.get("height_cm") or 1), "width": float(p.get("width_cm") or 1),
                "depth": float(p.get("length_cm") or 1), "weight": float(p.get("weight_kg") or 0.1),
            }  # fmt: skip
            skus[sku["sku"]] = sku
            products[product_id] = {"productId": product_id, "brand": p.get("brand"), "department": p.get("category"),
                                    "skus": [sku]}  # fmt: skip
        self.catalog = catalog
        self.state.data.update(products=products, skus=skus, orders={}, status_updates=[])
        self.seed_catalog_lists([str(p["brand"]) for p in catalog if p.get("brand")])
        self.seed_orders(orders)

    def seed_orders(self, orders: int | list[dict[str, Any]] | None) -> None:
        """Ready-made orders (channel shape), or ``orders`` sample orders rendered by :func:`render_order`."""
        if isinstance(orders, list):
            for order in orders:
                self.add_order(order)
            return
        from kit.sample import generate_orders

        count = orders if isinstance(orders, int) else self.DEFAULT_ORDERS
        if count and self.catalog:
            for spec in recent_specs(generate_orders(self.catalog, self.type_name, count, self.seed)):
                self.add_order(render_order(spec, self._catalog_info()))

    def _catalog_info(self) -> dict[str, dict[str, Any]]:
        return {
            s: {"ean": v["eanIsbn"], "name": v["name"], "brand": v["brand"]} for s, v in self.state.data["skus"].items()
        }

    def make_order(self) -> dict[str, Any]:
        from kit.sample import generate_orders

        n = len(self.state.data["orders"]) + 1
        spec = recent_specs(generate_orders(self.catalog, self.type_name, n, self.seed))[-1]
        return render_order(spec, self._catalog_info())

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][str(order["orderNumber"])] = order

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, s["productId"], None) for sku, s in self.state.data["skus"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: s["available"] for sku, s in self.state.data["skus"].items()}

    def cancel_order(self, order_id: str) -> None:
        """The buyer or Netshoes cancels: order and every shipping turn ``Canceled`` with a reason.

        Netshoes orders carry no update stamp, so nothing else tells the change.
        """
        with self.state.lock:
            order = self.state.data["orders"][str(order_id)]
            for shipping in order["shippings"]:
                shipping["status"] = CANCELED
                shipping["cancellationReason"] = "Solicitação do cliente"
                for item in shipping.get("items") or []:
                    item["status"] = CANCELED
            order["orderStatus"] = CANCELED

    # -- behaviour ---------------------------------------------------------------------
    def check_auth(self, req: Request) -> Reply | None:
        cid, token = req.header("client_id"), req.header("access_token")
        if not cid or not token:
            return Reply(
                401, {"message": "Could not find a required APP in the request, identified by HEADER client_id."}
            )
        if cid != self.credentials["client_id"] or token != self.credentials["access_token"]:
            return Reply(401, {"message": "Could not find a required Access Token in the request."})
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        kind = {400: "Bad_Request", 404: "Resource_Not_Found", 409: "Conflict"}.get(status, "Error")
        return Reply(status, {"type": kind, "description": message, "notifications": [message], "links": []})

    def rate_limited_reply(self, retry_after: int) -> Reply:
        # producao page: "será retornado erro 429"; no Retry-After documented.
        return Reply(429, {"message": "API rate limit exceeded"}, self.retry_after_headers(retry_after))

    @staticmethod
    def _page(req: Request) -> tuple[int, int]:
        try:
            page = int(req.q("page", "0") or 0)
            size = min(int(req.q("size", "20") or 20), MAX_PAGE_SIZE)
        except ValueError:
            raise BadRequest("page and size must be integers") from None
        if page < 0 or size < 1:
            raise BadRequest("page must be >= 0 and size >= 1")
        return page, size

    @staticmethod
    def _listing(rows: list[Any], page: int, size: int, path: str) -> dict[str, Any]:
        links = [{"rel": "self", "href": f"{path}?page={page}&size={size}"}]
        return {"items": rows[page * size : (page + 1) * size], "links": links}

    @route("GET", "/products")
    def products_list(self, req: Request) -> Any:
        page, size = self._page(req)
        with self.state.lock:
            rows = [self._public(p) for p in sorted(self.state.data["products"].values(), key=lambda p: p["productId"])]
        return self._listing(rows, page, size, "/products")

    def _sku(self, req: Request) -> dict[str, Any]:
        sku = self.state.data["skus"].get(unquote(req.params["sku"]))
        if sku is None:
            raise BadRequest("Resource not found.", status=404)
        return sku

    @route("GET", "/skus/{sku}/stocks")
    def stock_get(self, req: Request) -> Any:
        sku = self._sku(req)
        return {"country": "BR", "available": sku["available"], "total": sku["available"], "reserved": 0}

    @route("PUT", "/skus/{sku}/stocks")
    def stock_put(self, req: Request) -> Any:
        body = req.json() or {}
        available = body.get("available")
        if body.get("country") != "BR" or type(available) is not int or available < 0:
            raise BadRequest('body must be {"country": "BR", "available": <non-negative integer>}')
        with self.state.lock:
            self._sku(req)["available"] = available
        return Reply(204)

    @route("GET", "/skus/{sku}/prices")
    def price_get(self, req: Request) -> Any:
        sku = self._sku(req)
        return {"sku": sku["sku"], "price": sku["price"]}

    @route("PUT", "/skus/{sku}/prices")
    def price_put(self, req: Request) -> Any:
        body = req.json() or {}
        price = body.get("price")
        if isinstance(price, bool) or not isinstance(price, (int, float)) or price <= 0:
            raise BadRequest("price must be a positive number")
        with self.state.lock:
            self._sku(req)["price"] = float(price)
        return Reply(204)

    @route("GET", "/skus/{sku}/bus/{buId}/status")
    def bu_status(self, req: Request) -> Any:
        """``{active, skuSynchronized, statusMatch, hasPrice, hasStock}`` (gpupo fixture ``status-pendente.json``)."""
        if req.params["buId"] not in ("NS", "ZT"):
            raise BadRequest("Resource not found.", status=404)
        with self.state.lock:
            sku = self._sku(req)
            status = self._status_match(str(sku["sku"]))
            return {"active": sku["active"], "skuSynchronized": status == "PROCESSADO_INTEGRACAO_CATALOGO",
                    "statusMatch": status, "hasPrice": sku["price"] > 0, "hasStock": sku["available"] > 0}  # fmt: skip

    # -- orders ------------------------------------------------------------------------------
    @route("GET", "/orders")
    def orders_list(self, req: Request) -> Any:
        page, size = self._page(req)
        try:
            start = _ms(req.q("orderStartDate")) if req.q("orderStartDate") else None
            end = _ms(req.q("orderEndDate")) if req.q("orderEndDate") else None
        except ValueError:
            raise BadRequest("orderStartDate/orderEndDate must be ISO 8601 date-times") from None
        status = (req.q("orderStatus") or "").lower()
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: (o["orderDate"], o["orderNumber"]))
            rows = [
                self._expanded(o, req.q("expand"))
                for o in rows
                if (start is None or o["orderDate"] >= start)
                and (end is None or o["orderDate"] <= end)
                and (not status or o["orderStatus"].lower() == status)
                and (not req.q("orderType") or o["orderType"] == req.q("orderType"))
            ]
        return self._listing(rows, page, size, "/orders")

    @staticmethod
    def _expanded(order: dict[str, Any], expand: str | None) -> dict[str, Any]:
        """A copy of ``order`` with only the sub-resources ``expand`` asks for."""
        parts = set((expand or "").split(","))
        out = {k: v for k, v in order.items() if k != "shippings"}
        if "shippings" in parts:
            out["shippings"] = [
                {k: v for k, v in s.items() if k != "items" or "items" in parts} for s in order["shippings"]
            ]
        return out

    @route("GET", "/orders/{orderNumber}")
    def order_get(self, req: Request) -> Any:
        with self.state.lock:
            order = self.state.data["orders"].get(req.params["orderNumber"])
            if order is None:
                return self.error_reply(404, "Resource not found.")
            return self._expanded(order, req.q("expand"))

    @route("PUT", "/orders/{orderNumber}/shippings/{shippingCode}/status/{status}")
    def shipping_status(self, req: Request) -> Any:
        segment = req.params["status"]
        if segment not in TRANSITIONS:
            return self.error_reply(404, f"resource {req.path} not found")
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        _check_status_body(segment, body)
        target, allowed_from = TRANSITIONS[segment]
        with self.state.lock:
            order = self.state.data["orders"].get(req.params["orderNumber"])
            shipping = next(
                (s for s in (order or {}).get("shippings", []) if str(s["shippingCode"]) == req.params["shippingCode"]),
                None,
            )
            if shipping is None:
                return self.error_reply(404, "Resource not found.")
            if shipping["status"] not in allowed_from:
                return self.error_reply(409, f"shipping is {shipping['status']}: it cannot change to {target}")
            self._apply(shipping, segment, body)
            shipping["status"] = target
            order["orderStatus"] = _order_status(order["shippings"])
            self.state.data["status_updates"].append((order["orderNumber"], shipping["shippingCode"], target))
        return Reply(200, {"status": target})

    @staticmethod
    def _apply(shipping: dict[str, Any], segment: str, body: dict[str, Any]) -> None:
        now = epoch_ms(datetime.now(UTC))
        if segment == "invoiced":
            shipping["invoice"] = {"number": str(body["number"]), "line": str(body["line"]),
                                   "accessKey": str(body["key"]), "date": _ms(body["issueDate"]), "shipDate": None}  # fmt: skip
        elif segment == "shipped":
            shipping["transport"] = dict(
                shipping.get("transport") or {}, carrier=body["carrier"], trackingNumber=body["trackingNumber"],
                trackingLink=body.get("trackingLink"), shipDate=now,
            )  # fmt: skip
        elif segment == "delivered":
            shipping["transport"] = dict(shipping.get("transport") or {}, deliveryDate=_ms(body["deliveryDate"]))
        elif segment == "canceled":
            shipping["cancellationReason"] = str(body["reasonCancellationCode"])


def _check_status_body(segment: str, body: dict[str, Any]) -> None:
    """Refuse a status body the channel would refuse: missing fields, a bad NF-e key or date."""
    missing = [f for f in REQUIRED_FIELDS.get(segment, ()) if body.get(f) in (None, "")]
    if missing:
        raise BadRequest(f"required fields missing for {segment}: {', '.join(missing)}")
    if "status" in body and str(body["status"]).lower() != segment:
        raise BadRequest(f"status {body['status']!r} does not match the path ({segment})")
    if segment == "invoiced":
        key = str(body["key"])
        if len(key) != 44 or not key.isdigit():
            raise BadRequest("key (NF-e access key) must have 44 digits")
        if not str(body["number"]).isdigit() or not str(body["line"]).isdigit():
            raise BadRequest("number and line (NF-e number and series) must be numeric")
    for field in ("issueDate", "deliveryDate", "deliveredCarrierDate", "estimatedDelivery"):
        if body.get(field):
            try:
                parse_date(str(body[field]))
            except ValueError:
                raise BadRequest(f"{field} must be an ISO 8601 date-time") from None


register_sandbox("netshoes", NetshoesSandbox)
