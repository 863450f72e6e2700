"""Mercado Livre connector: listings by SELLER_SKU, stock/price per listing, orders, shipments, NF-e, ME1 tracking.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 1. Capability/confidence table: ``docs/channels.md``.

* OAuth2 with a rotating, single-use refresh token
  (:class:`~kit.connectors.auth.OAuth2Refresh`: persisted before use,
  safe across processes).
* Listings: ``/users/{id}/items/search`` (offset up to 1000, ``search_type=scan``
  beyond) then multiget of 20 ids; the SKU is the ``SELLER_SKU`` attribute of
  the item or of each variation.
* Stock and price: ``PUT /items/{id}``, one listing per request in a small
  thread pool under the shared rate limiter (:mod:`kit.connectors.mercadolivre_writes`:
  every variation id sent back, a quantity only on the variations written; Full
  listings' stock held).
* Publishing (``docs/publishing.md``): categories, attributes and value lists in
  :mod:`kit.connectors.mercadolivre_catalog`, listings created and updated in
  :mod:`kit.connectors.mercadolivre_publish`; listing type and condition are
  the channel's settings.
* Rate: Mercado Livre gives each *application* an hourly quota
  (``max_requests_per_hour``, 18000 in the official example), readable from
  ``GET /applications/{app_id}``. The connector reads it once per process and
  paces every seller of the app from one bucket (:func:`app_rate`); until it
  is read, the declared default (the documented 18000/h) applies.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy, OAuth2Refresh
from kit.connectors.base import Connector, NotApplicable, value_list_frame
from kit.connectors.mercadolivre_catalog import MercadoLivreCatalogMixin, MercadoLivreResponses
from kit.connectors.mercadolivre_publish import MercadoLivrePublishMixin
from kit.connectors.mercadolivre_quota import APP_BURST, AppQuota, app_rate
from kit.connectors.mercadolivre_writes import MercadoLivreWritesMixin, logistic_type
from kit.connectors.model import (
    Invoice,
    Order,
    OrderItem,
    OrdersPage,
    PriceItem,
    Shipment,
    StockItem,
)
from kit.connectors.orderchecks import code
from kit.connectors.paginate import CursorPaginator, OffsetPaginator
from kit.errors import AuthenticationError, ChannelFatalError, ConfigurationError

__all__ = ["MercadoLivreConnector", "ORDER_STATUSES", "ME2_LOGISTIC_TYPES", "app_rate", "APP_BURST"]


# §1.2: offset paging stops at 1000 results; scan pages hold up to 100; multiget takes 20 ids.
OFFSET_LIMIT_MAX = 1000
SEARCH_PAGE = 50
SCAN_PAGE = 100
MULTIGET_IDS = 20
# §1.5: orders search pages of 50; a third party stops at offset ~9950.
ORDERS_PAGE = 50
ORDERS_MAX_OFFSET = 9950
# §1.5 (🟡): order.status values; pending_cancel ❓.
ORDER_STATUSES = (
    "confirmed", "payment_required", "payment_in_process", "partially_paid", "paid", "partially_refunded",
    "cancelled", "invalid",
)  # fmt: skip
# §1.6 (✅): ME2 logistic types.
ME2_LOGISTIC_TYPES = ("drop_off", "xd_drop_off", "cross_docking", "fulfillment", "self_service")


def _instant(value: Any) -> datetime | None:
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _latest(values: Sequence[Any], default: str) -> str:
    """The latest of ISO date-times compared as instants (offsets differ), as written by the channel."""
    dated = [(when, str(v)) for v in values if v and (when := _instant(v)) is not None]
    return max(dated)[1] if dated else default


class _ScanPaginator(CursorPaginator):
    """Scan/scroll: the token is (scroll_id, first id of the page).

    Mercado Livre may hand back the same ``scroll_id`` on every page (❓), so
    the id alone cannot be the token; a page that repeats with the same
    scroll id is still refused.
    """

    def next_token(self, body: Any, records: list[Any], token: Any) -> Hashable | None:
        cursor = super().next_token(body, records, token)
        if cursor is None:
            return None
        self._last_scroll = cursor
        return (cursor, str(records[0]))

    def params(self, token: Any) -> dict[str, Any]:
        return {**self.base_params, self.cursor_param: token[0]}


def _attr(attrs: list[dict[str, Any]] | None, attr_id: str) -> str | None:
    for a in attrs or []:
        if a.get("id") == attr_id:
            return a.get("value_name") or a.get("value_id")
    return None


class MercadoLivreConnector(
    MercadoLivreWritesMixin, MercadoLivrePublishMixin, MercadoLivreCatalogMixin, AppQuota, Connector
):
    """Mercado Livre (``Authorization: Bearer APP_USR-...``, token refreshed and rotated as needed)."""

    response_table_class = MercadoLivreResponses
    # Publishing (docs/publishing.md): POST /items and PUT /items/{id} ("Publicar produtos").
    publish_create = True
    publish_update = True
    # POST /items needs a price (> 0) besides what every channel needs; pictures are refused by ML itself.
    publish_required = (
        "title", "brand", "channel_category", "price", "weight_kg", "height_cm", "width_cm", "length_cm",
    )  # fmt: skip
    # GET /categories/{id} settings.max_title_length: 60 on most MLB categories (🟡, the notes); a longer
    # category limit is not used, a shorter one is refused by ML with its cause.
    publish_title_max = 60

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.site_id = self.settings.get("site_id") or "MLB"
        self._user_id: str | None = self.settings.get("user_id") or None
        # sku -> (item_id, variation_id); item_id -> has variations
        self._links: dict[str, tuple[str, str | None]] | None = None
        self._has_variations: dict[str, bool] = {}
        self._logistic: dict[str, str | None] = {}  # item_id -> shipping.logistic_type

    def make_auth(self) -> AuthStrategy:
        # §1.1: POST /oauth/token, form-urlencoded; 6 h access token, single-use refresh token.
        return OAuth2Refresh("/oauth/token")

    @property
    def user_id(self) -> str:
        if not self._user_id:
            self._user_id = str(self.get_json("/users/me")["id"])
        return self._user_id

    # -- connection ----------------------------------------------------------------
    def check_connection(self) -> dict[str, Any]:
        quota = self.app_quota()
        me = self.get_json("/users/me")
        if self._user_id and str(me.get("id")) != str(self._user_id):
            raise ConfigurationError(
                f"o token é do vendedor {me.get('id')}, não do user_id configurado ({self._user_id})",
                channel=self.channel.name,
                hint="autorize o aplicativo com a conta certa do vendedor, ou corrija settings.user_id",
            )
        self._user_id = str(me.get("id"))
        return {
            "user_id": me.get("id"),
            "nickname": me.get("nickname"),
            "site_id": me.get("site_id"),
            "app_requests_per_hour": quota,
        }

    # -- go-live evidence -----------------------------------------------------------
    def integration_evidence(self) -> list[dict[str, Any]] | None:
        """Other applications this seller authorized to change the account (§1.1 grant management).

        ``GET /users/{user_id}/applications`` lists every app the seller granted,
        with its scopes. Another app with ``write`` can change listings, stock and
        prices: often an old ERP or an integrator, sometimes a harmless tool
        (a repricer, a chat). So it is a warning naming the app, and the
        consultant's checklist item stays; apps that can only read are left out.
        """
        own = str(self.secrets.get(self.channel.credentials_ref, "client_id") or "")  # the kit's app id
        try:
            apps = self.get_json(f"/users/{self.user_id}/applications")
        except (AuthenticationError, ChannelFatalError) as exc:
            if getattr(exc, "status", None) in (403, 404):  # the app may not see the grants: cannot tell
                return None
            raise
        if not isinstance(apps, list):
            return None
        out = []
        for app in apps:
            if not isinstance(app, dict):
                continue
            app_id = str(app.get("app_id") or "")
            scopes = [str(s) for s in (app.get("scopes") or [])]
            if not app_id or app_id == own or "write" not in scopes:
                continue
            since = str(app.get("date_created") or "")[:10]
            out.append(
                {
                    "severity": "aviso",
                    "field": "applications",
                    "value": app_id,
                    "expected": "nenhum outro aplicativo com permissão de escrita",
                    "message": f"O vendedor autorizou o aplicativo {app_id} (desde {since or '?'}) a alterar a conta "
                    f"({', '.join(scopes)}): se for outro ERP ou integrador, ele também mexe em anúncios, estoque e "
                    "preços. Confirme com o cliente; se não é mais usado, revogue a autorização no Mercado Livre.",
                }
            )
        return out

    def permission_probes(self) -> list[tuple[str, Any]]:
        since = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
        return [
            (
                "Publicação e sincronização (items)",
                lambda: self.get_json(f"/users/{self.user_id}/items/search", params={"limit": 1}),
            ),
            (
                "Vendas e envios (orders)",
                lambda: self.get_json(
                    "/orders/search",
                    params={"seller": self.user_id, "order.date_last_updated.from": since, "limit": 1},
                ),
            ),
        ]

    # -- listings ------------------------------------------------------------------------
    def item_ids(self) -> list[str]:
        """Every listing id of the seller (offset paging, or scan past 1000 results)."""
        self.app_quota()
        path = f"/users/{self.user_id}/items/search"
        first = self.get_json(path, params={"offset": 0, "limit": SEARCH_PAGE})
        total = int((first.get("paging") or {}).get("total") or 0)
        if total <= OFFSET_LIMIT_MAX:
            pager = OffsetPaginator(
                SEARCH_PAGE, records_path="results", total_path="paging.total", channel=self.channel.name
            )
            return [str(i) for i in pager.all(lambda p: self.get_json(path, params=p))]
        scan = _ScanPaginator(
            "scroll_id",
            cursor_param="scroll_id",
            base_params={"search_type": "scan", "limit": SCAN_PAGE},
            records_path="results",
            channel=self.channel.name,
        )
        return [str(i) for i in scan.all(lambda p: self.get_json(path, params=p))]

    def items(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Multiget in chunks of 20; items that answer 404 are left out."""
        out = []
        for start in range(0, len(ids), MULTIGET_IDS):
            chunk = ids[start : start + MULTIGET_IDS]
            for entry in self.get_json("/items", params={"ids": ",".join(chunk)}) or []:
                if entry.get("code") == 200 and isinstance(entry.get("body"), dict):
                    out.append(entry["body"])
        return out

    def list_listings(self):
        rows = []
        links: dict[str, tuple[str, str | None]] = {}
        for item in self.items(self.item_ids()):
            variations = item.get("variations") or []
            self._has_variations[item["id"]] = bool(variations)
            self._logistic[str(item["id"])] = logistic_type(item)
            if not variations:
                sku = _attr(item.get("attributes"), "SELLER_SKU") or item.get("seller_custom_field")
                rows.append(
                    {
                        "channel_id": item["id"],
                        "variation_id": None,
                        "sku": sku,
                        "ean": _attr(item.get("attributes"), "GTIN"),
                        "title": item.get("title"),
                        "price": item.get("price"),
                        "stock": item.get("available_quantity"),
                        "status": item.get("status"),
                    }
                )
                if sku:
                    links[str(sku)] = (item["id"], None)
            for v in variations:
                sku = _attr(v.get("attributes"), "SELLER_SKU") or v.get("seller_custom_field")
                rows.append(
                    {
                        "channel_id": item["id"],
                        "variation_id": v.get("id"),
                        "sku": sku,
                        "ean": _attr(v.get("attributes"), "GTIN"),
                        "title": item.get("title"),
                        "price": v.get("price", item.get("price")),
                        "stock": v.get("available_quantity"),
                        "status": item.get("status"),
                    }
                )
                if sku:
                    links[str(sku)] = (item["id"], str(v.get("id")))
        self._links = links
        return self.listings_frame(rows)

    def _link(self, item: StockItem | PriceItem) -> tuple[str, str | None] | None:
        if item.channel_id:
            return str(item.channel_id), (str(item.variation_id) if item.variation_id else None)
        if self._links is None:
            self.list_listings()
        assert self._links is not None
        return self._links.get(item.sku)

    # -- orders -------------------------------------------------------------------------------
    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """Orders with ``order.date_last_updated.from = cursor or since`` (ISO 8601), oldest first.

        The cursor returned is the newest ``date_last_updated`` seen; the
        boundary is inclusive, so consumers drop repeats by (order_id, updated_at).
        """
        self.app_quota()
        start = cursor or since or (datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="seconds")
        params = {"seller": self.user_id, "order.date_last_updated.from": start, "sort": "date_asc"}
        pager = OffsetPaginator(
            ORDERS_PAGE,
            records_path="results",
            total_path="paging.total",
            channel=self.channel.name,
            max_pages=ORDERS_MAX_OFFSET // ORDERS_PAGE + 1,
            stop_at_max=True,
        )
        raws: list[dict[str, Any]] = []
        for page in pager.pages(
            lambda p: self.get_json("/orders/search", params={**params, **p}, family="orders_read")
        ):
            raws.extend(page)
        shipments: dict[str, dict[str, Any]] = {}
        orders = []
        for raw in raws:
            sid = str((raw.get("shipping") or {}).get("id") or "")
            if sid and sid not in shipments:
                shipments[sid] = self.get_json(
                    f"/shipments/{sid}", headers={"x-format-new": "true"}, family="orders_read"
                )
            orders.append(self.normalize_order(raw, shipments.get(sid)))
        return OrdersPage(
            orders, _latest([o.updated_at for o in orders], start), has_more=len(raws) >= ORDERS_MAX_OFFSET
        )

    def get_order(self, order_id: str) -> Order:
        raw = self.get_json(f"/orders/{order_id}", headers={"x-format-new": "true"}, family="orders_read")
        sid = (raw.get("shipping") or {}).get("id")
        shipment = self.get_json(f"/shipments/{sid}", headers={"x-format-new": "true"}) if sid else None
        return self.normalize_order(raw, shipment)

    def normalize_order(self, raw: dict[str, Any], shipment: dict[str, Any] | None = None) -> Order:
        logistic = (shipment or {}).get("logistic") or {}
        mode = logistic.get("mode")
        option = (shipment or {}).get("shipping_option") or {}
        # carrier = mode; service = logistic type for ME2, the shipping method name for ME1,
        # the mode itself otherwise (custom / not_specified have no ML service) (§1.6).
        if mode == "me2":
            service = logistic.get("type")
        elif mode == "me1":
            service = option.get("name") or logistic.get("type")
        else:
            service = mode
        payments = [p for p in raw.get("payments") or [] if isinstance(p, dict)]
        pay = payments[0] if payments else {}
        # §1.7/§1.8: total_amount is the items; the buyer's shipping rides on the payment that carries it
        # (a rejected attempt and its retry repeat it: counted once).
        shipping = max((float(p.get("shipping_cost") or 0) for p in payments), default=0.0)
        items = []
        for line in raw.get("order_items") or []:
            it = line.get("item") or {}
            items.append(
                OrderItem(
                    sku=code(it.get("seller_sku")) or code(it.get("seller_custom_field")),  # never the listing id
                    quantity=int(line.get("quantity") or 0),
                    unit_price=None if line.get("unit_price") is None else float(line["unit_price"]),
                    channel_item_id=it.get("id"),
                    variation_id=str(it["variation_id"]) if it.get("variation_id") else None,
                    title=str(it.get("title") or ""),
                )
            )
        dest = (shipment or {}).get("destination") or {}
        return Order(
            order_id=str(raw["id"]),
            channel=self.channel.name,
            status_raw=str(raw.get("status") or ""),
            created_at=raw.get("date_created"),
            updated_at=raw.get("date_last_updated") or raw.get("last_updated"),
            items=items,
            carrier_raw=mode,
            service_raw=service,
            payment_raw=pay.get("payment_method_id") or pay.get("payment_type") or pay.get("payment_type_id"),
            total=round(float(raw.get("total_amount") or 0) + shipping, 2),
            buyer=dict(raw.get("buyer") or {}),
            shipping_address=dict(dest.get("shipping_address") or {}),
            pack_id=str(raw["pack_id"]) if raw.get("pack_id") else None,
            raw={**raw, "_shipment": shipment} if shipment else raw,
        )

    def _shipment_id(self, order: Order) -> str:
        sid = (order.raw.get("shipping") or {}).get("id")
        if not sid:
            raise ChannelFatalError(
                "o pedido do Mercado Livre não tem envio",
                channel=self.channel.name,
                hint="confira o pedido no Mercado Livre",
            )
        return str(sid)

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """NF-e XML as the raw body of ``POST /shipments/{id}/invoice_data/?siteId=MLB`` (§1.7 🟡; one per pack)."""
        if invoice.xml is None:
            raise ConfigurationError(
                "o Mercado Livre precisa do XML autorizado da NF-e, não só da chave",
                channel=self.channel.name,
                hint="informe o arquivo XML (coluna nfe_xml_path na exportação de envios)",
            )
        order = self.as_order(order)
        body = invoice.xml.encode("utf-8") if isinstance(invoice.xml, str) else invoice.xml
        return self.request(
            "POST",
            f"/shipments/{self._shipment_id(order)}/invoice_data/",
            params={"siteId": self.site_id},
            data=body,
            headers={"Content-Type": "application/xml"},
            family="write",
        ).json()

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """ME1 only (§1.6 ✅): ``PUT /shipments/{id}`` (service_id + tracking) then ``seller_notifications`` shipped.

        ``service`` is the ME1 ``service_id`` or a shipping method name from
        ``/sites/{site}/shipping_methods`` (matched by name, ❓).
        """
        order = self.as_order(order)
        sid = self._shipment_id(order)
        ml_shipment = order.raw.get("_shipment") or self.get_json(f"/shipments/{sid}", headers={"x-format-new": "true"})
        mode = (ml_shipment.get("logistic") or {}).get("mode")
        if mode != "me1":
            raise NotApplicable(
                f"o vendedor só informa o rastreio de envios ME1; este é {mode}",
                channel=self.channel.name,
                hint="o rastreio ME2 vem do Mercado Envios; não há nada a enviar",
            )
        service_id = self._service_id(shipment.service or shipment.carrier, ml_shipment)
        self.request(
            "PUT",
            f"/shipments/{sid}",
            json_data={"service_id": service_id, "tracking_number": shipment.code},
            family="write",
        )
        return self.request(
            "POST",
            f"/shipments/{sid}/seller_notifications",
            json_data={
                "payload": {
                    "service_id": service_id,
                    "comment": f"{shipment.carrier} {shipment.code}",
                    "date": shipment.shipped_at or datetime.now(UTC).isoformat(timespec="seconds"),
                },
                "tracking_number": shipment.code,
                "tracking_url": shipment.url,
                "status": "shipped",
                "substatus": None,
            },
            family="write",
        ).json()

    def _service_id(self, service: str | None, shipment: dict[str, Any]) -> int:
        if service and str(service).isdigit():
            return int(service)
        methods = self.get_json(f"/sites/{self.site_id}/shipping_methods")
        wanted = (service or (shipment.get("shipping_option") or {}).get("name") or "").strip().lower()
        for m in methods or []:
            if "me1" in (m.get("shipping_modes") or []) and str(m.get("name", "")).lower() == wanted:
                return int(m["id"])
        option_id = (shipment.get("shipping_option") or {}).get("shipping_method_id")
        if option_id:
            return int(option_id)
        raise ConfigurationError(
            f"nenhum service_id ME1 para {service!r}",
            channel=self.channel.name,
            hint="informe o service_id ME1, ou o nome de um método de envio listado em value_lists()",
        )

    # -- value lists ---------------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Carriers: (mode, logistic type) for ME2, (me1, method name) for ME1, (custom, custom); payment ids and types;
        statuses; the category tree and its attributes (publishing de-para)."""
        methods = self.get_json(f"/sites/{self.site_id}/shipping_methods") or []
        carriers = [{"carrier": "me2", "service": t, "description": "logistic type"} for t in ME2_LOGISTIC_TYPES]
        carriers += [
            {"carrier": "me1", "service": m.get("name"), "code": str(m.get("id")), "description": m.get("company_name")}
            for m in methods
            if "me1" in (m.get("shipping_modes") or [])
        ]
        carriers.append({"carrier": "custom", "service": "custom", "description": "own shipping"})
        payments_raw = self.get_json(f"/sites/{self.site_id}/payment_methods") or []
        payments = [{"payment_method": p.get("id"), "description": p.get("name")} for p in payments_raw]
        payments += [{"payment_method": p.get("payment_type_id"), "description": "payment type"} for p in payments_raw]
        statuses = [{"status": s} for s in ORDER_STATUSES]
        catalog = self.catalog_value_lists()
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", [p for p in payments if p["payment_method"]]),
            "order_status": value_list_frame("order_status", statuses),
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
        }


register_connector("mercadolivre", MercadoLivreConnector)
