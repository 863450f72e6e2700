"""Plug.to connector: OAuth2 (password + rotating refresh), SKU stock and price, orders by modified date, shipments.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 5 (developers.plugg.to, plugg-to/pluggto-php). What is confirmed and
what is inferred, per operation: ``docs/channels.md``.

* Auth: :class:`PluggtoAuth` is the base's
  :class:`~kit.connectors.auth.OAuth2Refresh` (1 h access token; the refresh
  token is consumed on use and the new one is persisted atomically, under the
  secrets lock, before the new access token is used) whose
  :meth:`~PluggtoAuth.initial_grant` is the password grant with the user's
  API login: used when no refresh token is stored or Plug.to refuses it.
* Lists carry ``total, showing, limit, hash_prev, hash_next, result[]``; the
  next page is asked with ``next=<hash_next>`` (the parameter integrations use;
  the published Postman collection's order request could not be read, so it
  stays inferred). The orders list runs newest first: a fetch cut short keeps
  its place in the cursor (:func:`resume_cursor`) instead of jumping to the
  newest order and skipping the older ones.
* Invoice and tracking are ``PUT /orders/{id}`` with ``shipments[]`` that
  carry the **existing** shipment id; without it Plug.to creates a duplicate
  shipment, so the connector reads the order first. Plug.to answers
  ``{"error": true, "type": "not_updated"}`` when the order already holds what
  was sent (a retry of a change it took): that is applied, not a failure; any
  other ``error: true`` answer is a failure, whatever its HTTP status.
* Publishing (``docs/publishing.md``): products and variations created and
  updated with ``PUT /skus/{sku}``, in :mod:`kit.connectors.pluggto_catalog`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import requests

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy, OAuth2Refresh
from kit.connectors.base import Connector, value_list_frame
from kit.connectors.listprice import PriceReads, StorePrices, list_price_to_send, pages_of
from kit.connectors.model import (
    Invoice,
    Order,
    OrderItem,
    OrdersPage,
    PriceItem,
    Shipment,
    StockItem,
    WriteResult,
)
from kit.connectors.orderchecks import code, price
from kit.connectors.paginate import CursorPaginator
from kit.connectors.pluggto_catalog import PluggtoCatalogMixin
from kit.connectors.responses import CHANNEL, IGNORE, ResponseRule, ResponseTable
from kit.errors import ChannelFatalError, KitError

__all__ = ["PluggtoConnector", "PluggtoAuth", "PluggtoResponses", "ORDER_STATUSES", "resume_cursor"]

#: §5.3 (🟡 official SDK validation list).
ORDER_STATUSES = (
    "pending", "paid", "approved", "waiting_invoice", "invoiced", "invoice_error", "shipping_informed", "shipped",
    "shipping_error", "delivered", "canceled", "under_review",
)  # fmt: skip
#: The order's flow, for a status write that never moves it back (inferred: Plug.to documents the values, not the
#: transitions). An error state ranks as the step it failed: an invoice error before the invoice, a shipping error
#: before the shipment is informed. ``canceled`` ends the flow; ``under_review`` and unknown values rank -1.
STATUS_FLOW = (
    "pending", "paid", "approved", "waiting_invoice", "invoiced", "shipping_informed", "shipped", "delivered",
)  # fmt: skip
_STATUS_RANK = {**{s: n for n, s in enumerate(STATUS_FLOW)}, "invoice_error": 3, "shipping_error": 4}
PAGE_LIMIT = 100
ORDER_PAGES_PER_FETCH = 20
DEFAULT_LOOKBACK_DAYS = 30
EPOCH = "1970-01-01T00:00:00+00:00"
#: §5.1: access tokens last 1 hour; refresh 5 minutes early.
TOKEN_MARGIN_S = 300.0


class PluggtoAuth(OAuth2Refresh):
    """OAuth2 with rotating refresh tokens; the password grant when there is none (or it is refused)."""

    def initial_grant(self) -> dict[str, str] | None:
        assert self.secrets is not None
        username = self.secrets.get(self.ref, "username")
        password = self.secrets.get(self.ref, "password")
        if not (username and password):
            return None
        return {"grant_type": "password", "username": username, "password": password}


def _error_body(content: bytes) -> dict[str, Any] | None:
    """Plug.to's error body (``{"error": true, "type", "message", "details"}``), or ``None``."""
    try:
        body = json.loads(content or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) and body.get("error") is True else None


class PluggtoResponses(ResponseTable):
    """Plug.to's rows: ``not_updated`` is no failure (the order already holds the change); details to the user."""

    def for_response(self, raw: requests.Response) -> ResponseRule | None:
        body = _error_body(raw.content) if 400 <= raw.status_code < 500 else None
        if body is not None and body.get("type") == "not_updated":
            return ResponseRule(raw.status_code, IGNORE, CHANNEL, "o pedido já está com esta alteração")
        return super().for_response(raw)

    def detail(self, raw: requests.Response) -> str | None:
        body = _error_body(raw.content)
        return str(body.get("details") or body.get("message"))[:300] if body else None


def resume_cursor(start: str, hash_next: str, newest: str) -> str:
    """A cursor that resumes a cut-short fetch: the window start, the next page, the newest change seen."""
    return json.dumps({"from": start, "next": hash_next, "newest": newest}, separators=(",", ":"))


def _instant(value: str) -> datetime:
    """An ISO date-time or date as an aware datetime (naive values are UTC)."""
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _utc(value: str | None) -> str:
    """A date-time "in UTC format" as the update pages show it ("2024-07-15T18:07:07.000Z"); now when absent.

    A date without a time is sent as the date (the older pages' examples); a time without
    an offset is taken as Brazil's (-03:00), where the ERP issued it.
    """
    if value and "T" not in str(value):
        return str(value)[:10]
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else datetime.now(UTC)
    except ValueError:
        return str(value)[:10]
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone(timedelta(hours=-3)))
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _unwrap(record: Any, key: str) -> dict[str, Any]:
    """Plug.to wraps each record: ``{"Product": {...}}`` / ``{"Order": {...}}``."""
    if isinstance(record, dict) and isinstance(record.get(key), dict):
        return record[key]
    return record if isinstance(record, dict) else {}


class PluggtoConnector(PluggtoCatalogMixin, Connector):
    """Plug.to hub (``Authorization: Bearer``, tokens rotated and persisted)."""

    default_headers = {"Content-Type": "application/json", "Accept": "application/json"}
    response_table_class = PluggtoResponses
    # Publishing (docs/publishing.md): PUT /skus/{sku} creates or changes a product by SKU (developers.plugg.to).
    publish_create = True
    publish_update = True
    # Plug.to itself asks only for the sku (SDK); the sales channels behind it need these (inferred).
    publish_required = (
        "title", "brand", "channel_category", "price", "weight_kg", "height_cm", "width_cm", "length_cm",
    )  # fmt: skip
    # No title limit published by Plug.to: 150, the kit's conservative default (the channels behind it differ).
    publish_title_max = 150

    def make_auth(self) -> AuthStrategy:
        return PluggtoAuth("/oauth/token", margin_s=TOKEN_MARGIN_S)

    def _pager(self, base_params: dict[str, Any], **kw: Any) -> CursorPaginator:
        return CursorPaginator(
            "hash_next", cursor_param="next", base_params={"limit": PAGE_LIMIT, **base_params},
            records_path="result", channel=self.channel.name, **kw,
        )  # fmt: skip

    def check_connection(self) -> dict[str, Any]:
        user = self.get_json("/users") or {}
        user = _unwrap(user, "User")
        return {"user_id": user.get("id"), "name": user.get("name")}

    def _warm_token(self) -> None:
        """Get a token before writes fan out: threads would queue on it, then burst past the rate limit."""
        try:
            self.auth.headers()
        except KitError:
            pass  # each write reports the error on its items

    # -- catalogue -------------------------------------------------------------------
    def list_listings(self):
        rows = []
        for record in self._pager({}).all(lambda p: self.get_json("/products", params=p)):
            p = _unwrap(record, "Product")
            variations = p.get("variations") or []
            for v in variations or [p]:
                rows.append(
                    {
                        "channel_id": p.get("id"),
                        "variation_id": v.get("id") if variations else None,
                        "sku": v.get("sku"),
                        "ean": v.get("ean"),
                        "title": p.get("name"),
                        "price": v.get("special_price") or v.get("price"),
                        "stock": v.get("quantity"),
                        "status": "active" if p.get("status", True) else "inactive",
                    }
                )
        return self.listings_frame(rows)

    def _put_sku(self, sku: str, body: dict[str, Any]) -> None:
        self.request("PUT", f"/skus/{quote(sku, safe='')}", json_data=body, family="write")

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``PUT /skus/{sku}`` ``{"quantity": N}`` (🟡; a variation SKU is addressed the same way)."""
        self._warm_token()
        return self.run_writes(
            items, lambda g: self._put_sku(g[0].sku, {"quantity": max(0, int(g[0].quantity))}), what="stock"
        )

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``PUT /skus/{sku}`` ``{"price": list, "special_price": selling}`` (🟡).

        Without an ERP list price the SKU is read first (``GET /skus/{sku}``; or the whole listing once when it
        has fewer pages than SKUs to read): a "de" (``price`` above ``special_price``) the store shows is left
        out of the write (the SDK sends only the fields it has) unless the new selling price passes it
        (:func:`~kit.connectors.listprice.list_price_to_send`).
        """
        self._warm_token()
        reads = PriceReads(lambda i: self._store_prices(i.sku), self._listing_pages, self._every_price).prepare(items)

        def send(group: list[PriceItem]) -> None:
            item = group[0]
            selling = round(float(item.price), 2)
            store = reads(item)
            listed = list_price_to_send(selling, item.list_price, store)
            self._put_sku(item.sku, {"special_price": selling} if listed is None else
                          {"price": listed, "special_price": selling})  # fmt: skip

        return self.run_writes(items, send, what="prices")

    def _listing_pages(self) -> int | None:
        return pages_of((self.get_json("/products", params={"limit": 1}) or {}).get("total"), PAGE_LIMIT)

    def _every_price(self) -> dict[str, StorePrices]:
        """The prices of every product and variation, by SKU (the whole listing)."""
        out: dict[str, StorePrices] = {}
        for record in self._pager({}).all(lambda p: self.get_json("/products", params=p)):
            p = _unwrap(record, "Product")
            for rec in [p, *(p.get("variations") or [])]:
                out[str(rec.get("sku"))] = StorePrices.of(rec.get("price"), rec.get("special_price"))
        return out

    def _store_prices(self, sku: str) -> StorePrices | None:
        """The prices the SKU (a product or one of its variations) shows now (``None``: not found)."""
        product = _unwrap(self.get_json_or_none(f"/skus/{quote(sku, safe='')}"), "Product")
        record = next((v for v in product.get("variations") or [] if str(v.get("sku")) == sku), None)
        if record is None and str(product.get("sku")) == sku:
            record = product
        return StorePrices.of(record.get("price"), record.get("special_price")) if record else None

    # -- orders --------------------------------------------------------------------------
    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """``GET /orders?modified=<from>to<to>`` (whole days), newest first, then kept from the exact cursor on.

        The filter works by day (in a time zone the documents do not give), so
        the window opens a day early and the orders are compared with the
        cursor (the newest ``modified`` seen, inclusive) on this side. A fetch
        that stops after :data:`ORDER_PAGES_PER_FETCH` pages returns a
        :func:`resume_cursor`: the next call goes on from the next page.
        """
        resume = json.loads(cursor) if cursor and cursor.startswith("{") else None
        start = (resume or {}).get("from") or cursor or since
        start = start or (datetime.now(UTC) - timedelta(days=DEFAULT_LOOKBACK_DAYS)).isoformat()
        day_from = (_instant(start) - timedelta(days=1)).date().isoformat()
        params: dict[str, Any] = {"modified": f"{day_from}to{datetime.now(UTC).date().isoformat()}"}
        pager = self._pager(params, max_pages=ORDER_PAGES_PER_FETCH, stop_at_max=True)
        if resume:
            pager.base_params["next"] = resume["next"]
        pages, last_next = 0, None
        orders: list[Order] = []

        def fetch(p: dict[str, Any]) -> Any:
            nonlocal last_next
            body = self.get_json("/orders", params=p, family="orders_read")
            last_next = body.get("hash_next") if isinstance(body, dict) else None
            return body

        for page in pager.pages(fetch):
            pages += 1
            orders.extend(self.normalize_order(_unwrap(r, "Order")) for r in page)
        if resume or cursor or since:
            floor = _instant(start)
            # An order without ``modified`` cannot be placed before the cursor: kept (the job tells versions apart).
            orders = [o for o in orders if not o.updated_at or _instant(o.updated_at) >= floor]
        orders.sort(key=lambda o: (_instant(o.updated_at or EPOCH), o.order_id))
        seen = [o.updated_at for o in orders if o.updated_at] + [(resume or {}).get("newest") or start]
        newest = max(seen, key=_instant)
        if pages >= ORDER_PAGES_PER_FETCH and last_next:
            return OrdersPage(orders, resume_cursor(start, last_next, newest), has_more=True)
        return OrdersPage(orders, newest, has_more=False)

    def get_order(self, order_id: str) -> Order:
        body = self.get_json(f"/orders/{quote(str(order_id), safe='')}", family="orders_read")
        return self.normalize_order(_unwrap(body, "Order"))

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        shipments = raw.get("shipments") or [{}]
        payments = raw.get("payments") or [{}]
        return Order(
            order_id=code(raw.get("id")),  # none: the orders job reports the order failed (orderchecks)
            channel=self.channel.name,
            status_raw=str(raw.get("status") or ""),
            created_at=raw.get("created"),
            updated_at=raw.get("modified"),
            items=[
                OrderItem(
                    sku=code((i.get("variation") or {}).get("sku")) or code(i.get("sku")),
                    quantity=int(i.get("quantity") or 0),
                    unit_price=price(i.get("price")),
                    channel_item_id=str(i.get("sku")),
                    title=str(i.get("name") or ""),
                )
                for i in raw.get("items") or []
            ],
            carrier_raw=shipments[0].get("shipping_company") if shipments else None,
            service_raw=shipments[0].get("shipping_method") if shipments else None,
            payment_raw=payments[0].get("payment_type") if payments else None,
            total=raw.get("total"),
            buyer={
                "name": f"{raw.get('payer_name') or ''} {raw.get('payer_lastname') or ''}".strip(),
                "email": raw.get("payer_email"),
                "document": raw.get("payer_cpf") or raw.get("payer_cnpj"),
            },
            shipping_address={k.removeprefix("receiver_"): v for k, v in raw.items() if k.startswith("receiver_")},
            raw=raw,
        )

    def _update_shipment(self, order: Order | str, status: str, fields: dict[str, Any]) -> dict[str, Any]:
        # Always read the order: the existing shipment id must be sent back, or Plug.to creates a duplicate.
        order_id = order.order_id if isinstance(order, Order) else str(order)
        fresh = self.get_order(order_id)
        existing = [s for s in fresh.raw.get("shipments") or [] if s.get("id")]
        shipment = {"id": existing[0]["id"], **fields} if existing else dict(fields)
        path = f"/orders/{quote(order_id, safe='')}"
        body = {"status": self._status_to_send(order_id, str(fresh.raw.get("status") or ""), status, path),
                "shipments": [shipment]}  # fmt: skip
        response = self.request("PUT", path, json_data=body, family="write")
        answer = response.json() or {}
        if isinstance(answer, dict) and answer.get("error") is True:
            if answer.get("type") == "not_updated":  # already in that state (a retry of a change it took)
                return {"not_updated": True, "details": answer.get("details")}
            raise ChannelFatalError(
                f"o Plug.to recusou a atualização: {answer.get('details') or answer.get('message') or answer}",
                channel=self.channel.name,
                method="PUT",
                path=path,
                status=response.status,
                request_id=response.request_id,
            )
        return answer

    def _status_to_send(self, order_id: str, current: str, target: str, path: str) -> str:
        """``target``, unless the order is already past it (its current status is sent again: the shipment data
        still lands, the order never moves back); a cancelled order is refused with a pt-BR reason."""
        if current == "canceled":
            raise ChannelFatalError(
                f"o pedido {order_id} está cancelado no Plug.to: a nota/rastreio não foi enviada",
                channel=self.channel.name,
                method="PUT",
                path=path,
                hint="confira o pedido no ERP (cancele a nota ou trate a devolução); o kit não reabre um pedido",
            )
        return current if _STATUS_RANK.get(current, -1) > _STATUS_RANK.get(target, -1) else target

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """``PUT /orders/{id}`` ``{"status":"invoiced","shipments":[{"id":<existing>,"nfe_key",...}]}``."""
        fields: dict[str, Any] = {
            "nfe_key": invoice.nfe_key,
            "nfe_number": str(invoice.number),
            "nfe_serie": str(invoice.series or "1"),
            "nfe_date": _utc(invoice.issued_at),
        }
        tracking = invoice.shipment
        if tracking:
            fields.update(track_code=tracking.code, track_url=tracking.url, shipping_company=tracking.carrier)
        return self._update_shipment(order, "invoiced", fields)

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``PUT /orders/{id}`` ``{"status":"shipping_informed","shipments":[{"id":<existing>,"track_code",...}]}``."""
        fields = {
            "shipping_company": shipment.carrier,
            "shipping_method": shipment.service,
            "track_code": shipment.code,
            "track_url": shipment.url,
            "date_shipped": _utc(shipment.shipped_at),
            "status": "shipped",
        }
        return self._update_shipment(order, "shipping_informed", {k: v for k, v in fields.items() if v is not None})

    # -- value lists ------------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Documented statuses; carriers/services and payment types seen in the last 30 days of orders; the
        categories and attributes the account's products use (publishing de-para)."""
        orders = self.fetch_orders().orders
        carriers = [{"carrier": o.carrier_raw, "service": o.service_raw} for o in orders if o.carrier_raw]
        payments = [
            {"payment_method": p.get("payment_type"), "description": p.get("payment_method")}
            for o in orders
            for p in o.raw.get("payments") or []
            if p.get("payment_type")
        ]
        catalog = self.catalog_value_lists()
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", payments),
            "order_status": value_list_frame("order_status", [{"status": s} for s in ORDER_STATUSES]),
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
        }


register_connector("pluggto", PluggtoConnector)
