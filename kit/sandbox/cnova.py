"""Via / Casas Bahia (ex-Cnova) sandbox: sellerItems, stock and prices, orders by status, trackings.

Written from the channel's documents, never from the connector
(``../shared/channel-apis.md`` §7 and the sources it names):

* the generated Cnova v2 SDK ``ballke-dev/ViaVarejoSDK`` (models and the
  operation texts of the v2 swagger): ``SellerItem`` ``{skuSellerId, skuSiteId,
  title, brand, gtin[], status[{active, site}], prices[{default, offer, site}],
  stocks[{quantity, reserved, crossDockingTime, warehouse}]}``; ``GET
  /sellerItems`` lists only Extra's items unless ``site`` is given; prices may
  not drop below half the current one in one change (422, "Alteração não
  permitida, variação de preço muito grande."); ``_offset``/``_limit`` are
  required; orders per status ``/orders/status/{new|approved|sent|...}``
  filtered by ``<statusDate>={from},{to}`` (``*`` for an open end); the
  consolidated order status codes (``NEW``, ``PEN``, ``PAY``, ``SHP``, ``DLV``);
  ``Errors {errors[{code, httpStatus, type, message}]}``; ``NewTracking``
  ``{items[], occurredAt, url, number, sellerDeliveryId, cte, carrier{name, cnpj}, invoice{...}}``;
* developers.grupocasasbahia.com.br: pages are capped at 50, silently;
* a production integration (Conecta Lá): the invoice is its own event,
  ``POST /orders/{id}/trackings/invoice`` ``{items, occurredAt, invoice}``, and
  ``/trackings/sent`` carries carrier and tracking; ``crossDockingTime`` in a
  stock update is optional.

Product loads, their approval and the categories: :mod:`kit.sandbox.cnova_catalog`.

Inferred here (worst plausible case, see ``docs/channels.md``): an item ships
only after it was invoiced; a cancelled order shows in
``/orders/status/canceled`` with status ``CAN`` and a new ``updatedAt``; the
carrier's name before shipping travels in ``freight.carrier`` (not documented).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.cnova_catalog import CnovaCatalogRoutes
from kit.sandbox.util import iso_utc, parse_date, recent_specs

__all__ = ["CnovaSandbox", "STATUS_DATE", "STATUS_CODE", "render_order"]

#: order list endpoint (status) -> the date its filter reads (the v2 SDK's operation texts)
STATUS_DATE = {
    "new": "purchasedAt",
    "approved": "approvedAt",
    "sent": "sentAt",
    "partiallySent": "sentAt",
    "delivered": "deliveredAt",
    "partiallyDelivered": "sentAt",
    "canceled": "canceledAt",
}
#: endpoint state -> ``order.status`` code (documented: NEW, PEN, PAY, SHP, DLV; CAN inferred)
STATUS_CODE = {
    "new": "NEW",
    "approved": "PAY",
    "sent": "SHP",
    "partiallySent": "SHP",
    "delivered": "DLV",
    "partiallyDelivered": "DLV",
    "canceled": "CAN",
}
SITE = "CB"
PRICE_DROP_FLOOR = 0.5  # "Não é permitido a alteração com valores 50% menores que o valor atual."


def _dt(value: str) -> str:
    return parse_date(value).astimezone(UTC).isoformat(timespec="milliseconds")


def render_order(spec: dict[str, Any], site: str = SITE) -> dict[str, Any]:
    """A Via order (``GET /orders/{id}``) from a neutral order spec.

    Args:
        spec: one order of :func:`kit.sample.generate_orders`; ``status_raw``
            is the list endpoint the order sits in (``new``, ``approved``...).
        site: the selling site (``CB``, ``EX``, ``PF``).

    Returns:
        The order as the channel serves it (one ``items`` entry per unit), with
        the sandbox's private ``_state``/``_dates`` (never served).
    """
    state = str(spec["status_raw"])
    order_id = str(spec["order_id"])
    purchased = _dt(spec["created_at"])
    updated = _dt(spec["updated_at"])
    lines = []
    for it in spec["items"]:
        for _ in range(int(it["qty"])):
            lines.append({"id": f"{order_id}-{len(lines) + 1}", "skuSellerId": str(it["sku"]), "name": str(it["sku"]),
                          "salePrice": round(float(it["unit_price"]), 2), "sent": state in ("sent", "delivered")})  # fmt: skip
    addr = spec.get("shipping_address") or {}
    buyer = spec.get("buyer") or {}
    address = {"address": addr.get("street"), "number": addr.get("number"), "complement": "", "quarter": "Centro",
               "city": addr.get("city"), "state": addr.get("state"), "countryId": "BR", "zipCode": addr.get("zipcode"),
               "recipientName": buyer.get("name")}  # fmt: skip
    dates = {field: None for field in set(STATUS_DATE.values())}
    dates["purchasedAt"] = purchased
    if state != "new":
        dates[STATUS_DATE[state]] = updated
        dates["approvedAt"] = dates["approvedAt"] or updated
    freight = round(float(spec.get("shipping_cost") or 0), 2)
    return {
        "id": order_id,
        "orderSiteId": f"{site}-{order_id}",
        "site": site,
        "paymentType": 1,
        "purchasedAt": purchased,
        "approvedAt": dates["approvedAt"],
        "updatedAt": updated,
        "status": STATUS_CODE[state],
        "totalAmount": round(float(spec["total"]), 2),
        "totalDiscountAmount": 0.0,
        "customer": {
            "id": f"C{order_id}",
            "name": buyer.get("name"),
            "documentNumber": buyer.get("document"),
            "type": "PF",
        },  # fmt: skip
        "billing": dict(address),
        "shipping": address,
        "freight": {
            "actualAmount": freight,
            "chargedAmount": freight,
            "transitTime": 5,
            "crossDockingTime": 2,
            "type": spec.get("service_raw"),
            "carrier": spec.get("carrier_raw"),
        },  # fmt: skip
        "items": lines,
        "trackings": [],
        "seller": {"id": "sbx", "name": "Loja Sandbox"},
        "_state": state,
        "_dates": dates,
    }


def _public(order: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in order.items() if not k.startswith("_")}


class CnovaSandbox(CnovaCatalogRoutes, SandboxServer):
    """In-memory Via seller selling on site ``CB``.

    Args:
        page_cap: the largest page served whatever ``_limit`` asks (Via: 50).
        review_delay_s: seconds the Equipe de Cadastro takes to decide on a loaded
            product (``None``: only :meth:`review` decides).
        categories_open: ``GET /categories`` answers (Via blocks it by default).
    """

    site = SITE

    def __init__(
        self, *, page_cap: int = 50, review_delay_s: float | None = 0.3, categories_open: bool = False, **kw: Any
    ) -> None:
        self.page_cap = page_cap
        self.review_delay_s = review_delay_s
        self.categories_open = categories_open
        super().__init__(**kw)

    def default_credentials(self) -> dict[str, str]:
        return {"client_id": f"sbx-via-{self.seed:04d}", "access_token": f"sbxVIAaccess{self.seed:04d}tokenQW"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        items: dict[str, dict[str, Any]] = {}
        for n, p in enumerate(catalog):
            price = float(p.get("price") or 0)
            items[str(p["sku"])] = {
                "skuSellerId": str(p["sku"]),
                "skuSiteId": str(9000000 + n),
                "title": p["title"],
                "brand": p.get("brand"),
                "gtin": [str(p.get("ean") or "")],
                "status": [{"active": bool(p.get("active", True)), "site": SITE}],
                "prices": [{"site": SITE, "default": round(price * 1.15, 2), "offer": price}],
                "stocks": [
                    {"warehouse": 1, "quantity": int(p.get("stock") or 0), "reserved": 0, "crossDockingTime": 3}
                ],
            }
        self.catalog = catalog
        self.state.data.update(items=items, orders={}, trackings=[], loads={}, duplicates=[])
        self.seed_orders(orders)

    def seed_orders(self, orders: int | list[dict[str, Any]] | None) -> None:
        """Ready-made orders (channel shape), or ``orders`` sample orders rendered by :func:`render_order`."""
        if isinstance(orders, list):
            for order in orders:
                self.add_order(order)
            return
        count = orders if isinstance(orders, int) else self.DEFAULT_ORDERS
        if count and self.catalog:
            for spec in self._specs(count):
                self.add_order(render_order(spec))

    def _specs(self, count: int) -> list[dict[str, Any]]:
        from kit.sample import generate_orders

        return recent_specs(generate_orders(self.catalog, self.type_name, count, self.seed), days_ago=4)

    def make_order(self) -> dict[str, Any]:
        return render_order(self._specs(len(self.state.data["orders"]) + 1)[-1])

    def add_order(self, order: dict[str, Any]) -> None:
        order.setdefault("_state", next((s for s, c in STATUS_CODE.items() if c == order.get("status")), "new"))
        order.setdefault("_dates", {"purchasedAt": order.get("purchasedAt"), "approvedAt": order.get("approvedAt")})
        with self.state.lock:
            self.state.data["orders"][str(order["id"])] = order

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, it["skuSiteId"], None) for sku, it in self.state.data["items"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: sum(s["quantity"] for s in it["stocks"]) for sku, it in self.state.data["items"].items()}

    def cancel_order(self, order_id: str) -> None:
        """The buyer or Via cancels: the order moves to ``/orders/status/canceled`` with a new ``updatedAt``."""
        now = iso_utc(datetime.now(UTC))
        with self.state.lock:
            order = self.state.data["orders"][str(order_id)]
            order.update(_state="canceled", status=STATUS_CODE["canceled"], updatedAt=now)
            order["_dates"]["canceledAt"] = now

    # -- behaviour -------------------------------------------------------------------
    def check_auth(self, req: Request) -> Reply | None:
        cid, token = req.header("client_id"), req.header("access_token")
        if (cid, token) != (self.credentials["client_id"], self.credentials["access_token"]):
            return self.error_reply(401, "Unauthorized: invalid client_id or access_token")
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        kind = "validation" if status in (400, 422) else "error"
        return Reply(
            status, {"errors": [{"code": str(status), "httpStatus": str(status), "type": kind, "message": message}]}
        )

    def _window(self, req: Request) -> tuple[int, int]:
        if req.q("_offset") is None or req.q("_limit") is None:
            raise BadRequest("_offset and _limit are required")
        try:
            offset, limit = int(req.q("_offset") or ""), int(req.q("_limit") or "")
        except ValueError:
            raise BadRequest("_offset and _limit must be integers") from None
        if offset < 0 or limit < 1:
            raise BadRequest("_offset must be >= 0 and _limit >= 1")
        return offset, min(limit, self.page_cap)  # capped silently, as Via does

    @staticmethod
    def _meta(total: int, offset: int, limit: int) -> list[dict[str, str]]:
        return [
            {"key": "totalRows", "value": str(total)},
            {"key": "offset", "value": str(offset)},
            {"key": "limit", "value": str(limit)},
        ]

    @route("GET", "/sellerItems")
    def seller_items(self, req: Request) -> Any:
        offset, limit = self._window(req)
        site = req.q("site") or "EX"  # "Se o parâmetro não for informado, serão trazidos apenas produtos do Extra."
        with self.state.lock:
            self._review_due()
            rows = [
                it for k, it in sorted(self.state.data["items"].items()) if any(s["site"] == site for s in it["status"])
            ]
        return {"sellerItems": rows[offset : offset + limit], "metadata": self._meta(len(rows), offset, limit)}

    def _item(self, req: Request) -> dict[str, Any]:
        item = self.state.data["items"].get(unquote(req.params["sku"]))
        if item is None:
            raise BadRequest(f"sellerItem {unquote(req.params['sku'])} não encontrado", status=404)
        return item

    @route("GET", "/sellerItems/{sku}")
    def seller_item(self, req: Request) -> Any:
        with self.state.lock:
            self._review_due()
            return self._item(req)

    @route("PUT", "/sellerItems/{sku}/stock")
    def stock_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("the body must be a Stock object")
        for field in ("quantity", "crossDockingTime", "warehouse"):
            value = body.get(field)
            if field in body and (type(value) is not int or value < 0):
                raise BadRequest(f"{field} must be a non-negative integer")
        if "quantity" not in body:
            raise BadRequest("quantity is required")
        with self.state.lock:
            item = self._item(req)
            stock = next((s for s in item["stocks"] if s["warehouse"] == body.get("warehouse", 1)), None)
            if stock is None:
                stock = {"warehouse": body.get("warehouse", 1), "quantity": 0, "reserved": 0, "crossDockingTime": 0}
                item["stocks"].append(stock)
            stock["quantity"] = body["quantity"]
            if "crossDockingTime" in body:  # left as the seller set it unless sent
                stock["crossDockingTime"] = body["crossDockingTime"]
        return Reply(204)

    @route("PUT", "/sellerItems/{sku}/prices")
    def prices_put(self, req: Request) -> Any:
        body = req.json() or {}
        default, offer, site = body.get("default"), body.get("offer"), body.get("site")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in (default, offer)):
            raise BadRequest("default and offer must be positive numbers")
        if offer > default:
            raise BadRequest("offer must not be greater than default")
        with self.state.lock:
            item = self._item(req)
            current = next((p for p in item["prices"] if p["site"] == (site or SITE)), None)
            if current is not None and offer < current["offer"] * PRICE_DROP_FLOOR:
                return self.error_reply(422, "Alteração não permitida, variação de preço muito grande.")
            item["prices"] = [p for p in item["prices"] if p is not current]
            item["prices"].append({"site": site or SITE, "default": float(default), "offer": float(offer)})
        return Reply(204)

    # -- orders ----------------------------------------------------------------------------
    @route("GET", "/orders/status/{status}")
    def orders_by_status(self, req: Request) -> Any:
        status = req.params["status"]
        if status not in STATUS_DATE:
            return self.error_reply(404, f"resource {req.path} not found")
        field = STATUS_DATE[status]
        offset, limit = self._window(req)
        start, end = _range(req.q(field), field)
        with self.state.lock:
            rows = [o for o in self.state.data["orders"].values() if o["_state"] == status]
            rows = [
                o
                for o in rows
                if (start is None and end is None)
                or (
                    o["_dates"].get(field)
                    and (start is None or parse_date(o["_dates"][field]) >= start)
                    and (end is None or parse_date(o["_dates"][field]) <= end)
                )
            ]
            rows.sort(key=lambda o: (o["_dates"].get(field) or "", o["id"]))
            page = [_public(o) for o in rows[offset : offset + limit]]
        return {"orders": page, "metadata": self._meta(len(rows), offset, limit)}

    @route("GET", "/orders/{orderId}")
    def order_get(self, req: Request) -> Any:
        with self.state.lock:
            order = self.state.data["orders"].get(req.params["orderId"])
            return _public(order) if order is not None else self.error_reply(404, "Pedido não encontrado")

    def _tracking_target(self, req: Request) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
        """The order, the body and its item ids, or the channel's refusal."""
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("the body must be a NewTracking object")
        items = body.get("items")
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise BadRequest("items (the order item ids, as text) are required")
        if body.get("occurredAt"):
            try:
                parse_date(body["occurredAt"])
            except ValueError:
                raise BadRequest("occurredAt must be an ISO 8601 date-time") from None
        order = self.state.data["orders"].get(req.params["orderId"])
        if order is None:
            raise BadRequest("Pedido não encontrado", status=404)
        if not set(items) <= {i["id"] for i in order["items"]}:
            raise BadRequest("items do not belong to the order")
        if order["_state"] in ("new", "canceled"):
            raise BadRequest(f"pedido {order['id']} está {order['_state']}: operação não permitida", status=422)
        return order, body, items

    @route("POST", "/orders/{orderId}/trackings/invoice")
    def trackings_invoice(self, req: Request) -> Any:
        with self.state.lock:
            order, body, items = self._tracking_target(req)
            invoice = body.get("invoice")
            if not isinstance(invoice, dict):
                raise BadRequest("invoice is required")
            missing = [f for f in ("number", "serie", "issuedAt", "accessKey") if not invoice.get(f)]
            if missing:
                raise BadRequest(f"invoice fields missing: {', '.join(missing)}")
            key = str(invoice["accessKey"])
            if len(key) != 44 or not key.isdigit():
                raise BadRequest("invoice.accessKey must have 44 digits")
            order["trackings"].append(dict(body, controlPoint="NFS", description="Nota Fiscal emitida"))
            order["updatedAt"] = iso_utc(datetime.now(UTC))
            self.state.data["trackings"].append((order["id"], "invoice", body))
        return Reply(201)

    @route("POST", "/orders/{orderId}/trackings/sent")
    def trackings_sent(self, req: Request) -> Any:
        with self.state.lock:
            order, body, items = self._tracking_target(req)
            if not body.get("number") or not (body.get("carrier") or {}).get("name"):
                raise BadRequest("number (tracking) and carrier.name are required")
            invoiced = {i for t in order["trackings"] if t.get("controlPoint") == "NFS" for i in t["items"]}
            if not set(items) <= invoiced:
                raise BadRequest("itens sem nota fiscal: envie a nota (trackings/invoice) antes do envio", status=422)
            now = iso_utc(datetime.now(UTC))
            for line in order["items"]:
                line["sent"] = line["sent"] or line["id"] in items
            order["trackings"].append(dict(body, controlPoint="ETR", description="Entrega em andamento"))
            state = "sent" if all(line["sent"] for line in order["items"]) else "partiallySent"
            order.update(_state=state, status=STATUS_CODE[state], updatedAt=now)
            order["_dates"]["sentAt"] = now
            self.state.data["trackings"].append((order["id"], "sent", body))
        return Reply(201)


def _range(value: str | None, field: str) -> tuple[datetime | None, datetime | None]:
    """``{from},{to}`` / ``{from},*`` / ``*,{to}`` -> the two ends (``None`` = open)."""
    if not value:
        return None, None
    first, sep, last = value.partition(",")
    if not sep:
        raise BadRequest(f"{field} must be '{{from}},{{to}}' ('*' for an open end)")
    try:
        start = None if first == "*" else parse_date(first)
        end = None if last == "*" else parse_date(last)
    except ValueError:
        raise BadRequest(f"{field} must be '{{from}},{{to}}' with ISO 8601 dates ('*' for an open end)") from None
    return start, end


register_sandbox("cnova", CnovaSandbox)
