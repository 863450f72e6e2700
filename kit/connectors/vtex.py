"""VTEX connector: inventory per SKU and warehouse, pricing, RefId mapping, Feed v3 orders, invoices, publishing.

Declarations only; the request loop, retries and rate limiting are the base's.
Shapes follow the official OpenAPI documents (``../shared/specs/vtex/``) and
``../shared/channel-apis.md`` section 2; the capability/confidence table is in
``docs/channels.md``.

Addresses: the account host ``https://{account}.{environment_host}.com.br``
(``channel.base_url`` overrides it) and pricing at
``https://api.vtex.com/{account}/pricing``. With a ``base_url`` override
(a sandbox or a proxy), pricing is served by the same host at
``{base_url}/{account}/pricing/...``: only the address differs, never the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy, StaticHeaders
from kit.connectors.base import Connector, value_list_frame
from kit.connectors.model import (
    UNLIMITED_STOCK,
    Held,
    Invoice,
    ListingsDelta,
    Order,
    OrderItem,
    OrdersPage,
    PriceItem,
    Shipment,
    StockItem,
    WriteResult,
)
from kit.connectors.orderchecks import code
from kit.connectors.paginate import FeedPaginator, PagePaginator
from kit.connectors.responses import RETRY, TRANSIENT, ResponseRule
from kit.connectors.vtex_catalog import VtexCatalogMixin
from kit.connectors.vtex_pricing import UnsafePriceRecord, price_body
from kit.errors import ChannelFatalError, ConfigurationError
from kit.scrub import scrub

__all__ = ["VtexConnector", "ORDER_STATUSES"]

T = TypeVar("T", StockItem, PriceItem)

PRICING_HOST = "https://api.vtex.com"
# §2.2: stockkeepingunitids pagesize max 1000.
SKU_IDS_PAGE_SIZE = 1000
#: a listing read in full: the SKU, its inventory and its price (list_listings)
READS_PER_LISTING = 3
# §2.2 (🟡): RefId -> skuId in one POST; the batch size is not documented, kit choice.
REFID_BATCH = 50
# §2.5: feed maxlot max 10.
FEED_MAXLOT = 10
FEED_LOTS_PER_FETCH = 10
#: logistics-api.json: lead time "by default it is set to 0 days"; sent only to a warehouse without inventory yet.
DEFAULT_LEAD_TIME = "00:00:00"
# §2.7 (✅ help.vtex.com "Order flow and status"): the statuses the API uses.
ORDER_STATUSES = (
    "order-created", "order-accepted", "on-order-completed", "on-order-completed-ffm", "payment-pending",
    "payment-approved", "request-cancel", "cancel", "canceled", "window-to-change-payment",
    "window-to-change-seller", "waiting-for-authorization", "waiting-for-fulfillment",
    "waiting-ffmt-authorization", "waiting-for-manual-authorization", "authorize-fulfillment",
    "window-to-cancel", "ready-for-handling", "start-handling", "handling", "ready-for-invoicing", "invoice",
    "invoiced", "waiting-for-seller-confirmation", "waiting-for-seller-decision", "payment-denied",
)  # fmt: skip


def _cents(value: float | None) -> int:
    return int(round(float(value or 0) * 100))


def _unit_price(item: dict[str, Any]) -> float:
    """The unit price of an OMS order item in reais (OMS money is cents).

    orders-api.json: ``sellingPrice`` "can present rounding discrepancies, so we recommend retrieving pricing
    information from the ``priceDefinition`` field": its ``total`` over the quantity keeps the line total (3 units
    sold as 333 + 333 + 334 cents). A gift's 0 stays 0 (``sellingPrice or price`` billed it at the list price).
    """
    quantity = item.get("quantity") or 0
    total = (item.get("priceDefinition") or {}).get("total")
    if total is not None and quantity:
        return float(total) / quantity / 100
    selling = item.get("sellingPrice")
    return float(selling if selling is not None else item.get("price") or 0) / 100


class VtexConnector(VtexCatalogMixin, Connector):
    """VTEX (``X-VTEX-API-AppKey`` / ``X-VTEX-API-AppToken``); publishing in :mod:`kit.connectors.vtex_catalog`."""

    # Publishing (docs/publishing.md): the Catalog API creates and updates products and SKUs.
    publish_create = True
    publish_update = True
    # catalog-api.json: product Name "Limited to 150 characters".
    publish_title_max = 150

    response_rules = (
        # logistics-api.json: 423 Locked = concurrent updates of one SKU/warehouse; wait and retry.
        ResponseRule(423, RETRY, TRANSIENT, "a VTEX travou o estoque do SKU (atualização simultânea)"),
    )
    default_headers = {"Content-Type": "application/json", "Accept": "application/json"}

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.account = self.settings.get("account") or ""
        if not self.account:
            raise ConfigurationError(
                "o nome da conta VTEX (account) não está configurado",
                channel=self.channel.name,
                hint=f"rode 'kit channels set {self.channel.name} settings.account=<accountName>'",
            )
        self.pricing_base = (
            f"{self.base_url}/{self.account}"
            if self.channel.base_url or kw.get("base_url")
            else f"{PRICING_HOST}/{self.account}"
        )
        self.warehouse = self.settings.get("warehouse_id") or "1_1"
        self.page_size = SKU_IDS_PAGE_SIZE
        self._sku_ids: dict[str, str] = {}

    def make_auth(self) -> AuthStrategy:
        return StaticHeaders({"X-VTEX-API-AppKey": "app_key", "X-VTEX-API-AppToken": "app_token"})

    # -- connection ------------------------------------------------------------
    def check_connection(self) -> dict[str, Any]:
        ids = self.get_json("/api/catalog_system/pvt/sku/stockkeepingunitids", params={"page": 1, "pagesize": 1})
        return {"account": self.account, "sample_sku_ids": ids}

    def permission_probes(self) -> list[tuple[str, Any]]:
        sku = self._first_sku_id()
        probes: list[tuple[str, Any]] = [("Orders feed (OMS: View order / Feed)", self._probe_feed)]
        if sku:
            probes[:0] = [
                ("Logistics inventory", lambda: self.get_json(f"/api/logistics/pvt/inventory/skus/{sku}")),
                ("Pricing (Read prices)", lambda: self.get_json(f"{self.pricing_base}/pricing/prices/{sku}")),
            ]
        return probes

    def _probe_feed(self) -> None:
        # Read nothing: a GET with maxlot would hide events for a while. The config read is side-effect free.
        self.get_json("/api/orders/feed/config")

    def _first_sku_id(self) -> str | None:
        ids = self.get_json("/api/catalog_system/pvt/sku/stockkeepingunitids", params={"page": 1, "pagesize": 1})
        return str(ids[0]) if ids else None

    # -- catalogue -------------------------------------------------------------
    def sku_ids(self) -> list[str]:
        pager = PagePaginator(self.page_size, page_param="page", size_param="pagesize", channel=self.channel.name)
        return [
            str(i)
            for i in pager.all(lambda p: self.get_json("/api/catalog_system/pvt/sku/stockkeepingunitids", params=p))
        ]

    def resolve_sku_ids(self, refs: Sequence[str], *, family: str = "read") -> dict[str, str]:
        """RefId (the ERP's SKU) -> VTEX skuId, cached; unknown RefIds are left out."""
        missing = list(dict.fromkeys(r for r in refs if r not in self._sku_ids))
        for start in range(0, len(missing), REFID_BATCH):
            chunk = missing[start : start + REFID_BATCH]
            found = self.request(
                "POST", "/api/catalog_system/pub/sku/stockkeepingunitidsbyrefids", json_data=chunk, family=family
            ).json()
            for ref, sku_id in (found or {}).items():
                if sku_id:
                    self._sku_ids[str(ref)] = str(sku_id)
        return {r: self._sku_ids[r] for r in refs if r in self._sku_ids}

    def list_listings(self):
        """Every listing: the SKU ids (1000 a page), then 3 reads per SKU (SKU, inventory, price)."""
        return self.listings_frame(self._listing_rows(self.sku_ids()))

    def listings_delta(self, known: set[str]) -> ListingsDelta:
        """The listings new since the kit's binding table (``known``: its channel ids), and the ids gone.

        VTEX's catalogue has no "changed since" filter (§2.2), so the delta is what
        the id list shows: ids the kit does not know are read in full (3 requests
        each), ids it knows are not read again, ids it knows that are gone are
        ``removed``. A no-change run costs ``ceil(listings / 1000)`` requests instead
        of ``3 x listings + ceil(listings / 1000)``. What the id list cannot show (a
        RefId, title or status edited in VTEX's admin) waits for the next full read.
        """
        ids = self.sku_ids()
        new = [i for i in ids if i not in known]
        pages = len(ids) // self.page_size + 1  # the id list ends on a short (or empty) page
        changed = self.listings_frame(self._listing_rows(new))
        return ListingsDelta(changed, set(known) - set(ids), len(ids), pages + READS_PER_LISTING * len(new))

    def _listing_rows(self, ids: list[str]) -> list[dict[str, Any]]:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(self._listing_row, ids))

    def _listing_row(self, sku_id: str) -> dict[str, Any]:
        sku = self.get_json(f"/api/catalog_system/pvt/sku/stockkeepingunitbyid/{sku_id}")
        inv = self.get_json(f"/api/logistics/pvt/inventory/skus/{sku_id}")
        try:
            price = self.get_json(f"{self.pricing_base}/pricing/prices/{sku_id}")
        except ChannelFatalError as exc:
            if exc.status != 404:
                raise
            price = {}
        here = [
            b
            for b in (inv or {}).get("balance") or []  # null, as well as [], when no warehouse holds the SKU
            if b.get("warehouseId") == self.warehouse
        ]
        # hasUnlimitedQuantity (logistics-api.json): always available, the quantity never decreases; its
        # totalQuantity (often 0) is not a stock, so the listing says "unlimited" and has no number.
        unlimited = any(b.get("hasUnlimitedQuantity") is True for b in here)
        stock = None if unlimited else sum(int(b.get("totalQuantity") or 0) - int(b.get("reservedQuantity") or 0)
                                           for b in here)  # fmt: skip
        alt = sku.get("AlternateIds") or {}
        ref = alt.get("RefId")
        if ref:
            self._sku_ids[str(ref)] = str(sku_id)
        return {
            "channel_id": sku_id,
            "variation_id": None,
            "sku": ref,
            "ean": alt.get("Ean"),
            "title": sku.get("NameComplete") or sku.get("SkuName"),
            "price": price.get("basePrice"),
            "stock": stock,
            "status": "active" if sku.get("IsActive") else "inactive",
            UNLIMITED_STOCK: unlimited,
        }

    # -- writes ------------------------------------------------------------------
    def _with_ids(self, items: Sequence[T]) -> list[T]:
        """Copies of ``items`` with ``channel_id`` (skuId) filled from their RefId where known."""
        unresolved = [it.sku for it in items if not it.channel_id]
        found = self.resolve_sku_ids(unresolved) if unresolved else {}
        return [it if it.channel_id else replace(it, channel_id=found.get(it.sku)) for it in items]

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """The quantity of each SKU in its warehouse, and nothing else the store set (one item per call).

        logistics-api.json has two writes. ``PUT .../skus/{skuId}/warehouses/{warehouseId}`` requires
        ``quantity``, ``unlimitedQuantity`` and ``leadTime`` and sets all three: a kit that does not know the
        SKU's lead time (fabrication/handling days the store set, e.g. 8 days made to order) would reset it, and
        the store would promise dates it cannot keep. ``PATCH .../warehouses/{warehouseId}/quantity`` takes only
        ``quantity`` and ``unlimitedQuantity`` (both required; VTEX's 2024-06-13 release note: "exclusively the
        quantity"), so the lead time is never sent and stays. Both require ``unlimitedQuantity``, and ``false``
        switches "always available" off, so the SKU's inventory is read first (``GET .../inventory/skus/{skuId}``)
        and a SKU unlimited in that warehouse right now is *held* (:class:`~kit.connectors.model.Held`, with the
        reason), never written: the job's binding table may be a day older than a change in the admin.

        A SKU with no inventory in the warehouse yet has no lead time to keep: it gets the PUT with the
        documented default lead time (0). An inventory answer the kit cannot read fails the item, unwritten.
        Requests: one read and one write per SKU (2 x N, plus the RefId lookups, 50 a call), always: an inventory
        the listing read saw a minute ago is not reused, as the store may have made the SKU unlimited since (the
        read right before the write leaves a window of one round trip). Logistics publishes no rate limit; both
        go through the account's bucket. ``quantity`` is never left out (that zeroes the stock).
        """
        items = self._with_ids(list(items))

        def send(group: list[StockItem]) -> dict[int, str] | None:
            item = group[0]
            wh = item.warehouse or self.warehouse
            quantity = max(0, int(item.quantity))
            path = f"/api/logistics/pvt/inventory/skus/{item.channel_id}/warehouses/{wh}"
            here = self._balance_now(str(item.channel_id), wh)
            if isinstance(here, str):
                return {0: here}
            if here is not None and here["hasUnlimitedQuantity"]:
                return {0: Held(_unlimited_now(item.channel_id, wh, quantity))}
            if here is None:
                body: dict[str, Any] = {"quantity": quantity, "unlimitedQuantity": False, "leadTime": DEFAULT_LEAD_TIME}
                self.request("PUT", path, json_data=body, family="write")
            else:
                body = {"quantity": quantity, "unlimitedQuantity": False}
                self.request("PATCH", f"{path}/quantity", json_data=body, family="write")
            return None

        return self.run_writes(items, send, skip=_not_on_channel, what="stock")

    def _balance_now(self, sku_id: str, warehouse: str) -> dict[str, Any] | str | None:
        """The SKU's inventory record in ``warehouse`` as VTEX has it now (``GET .../inventory/skus/{skuId}``),
        ``None`` without one, or why the answer cannot be used (pt-BR)."""
        inv = self.get_json(f"/api/logistics/pvt/inventory/skus/{sku_id}")
        if not isinstance(inv, dict) or not isinstance(inv.get("balance"), list | None):  # null: no warehouse yet
            return f"a VTEX não devolveu o inventário do SKU {sku_id} (balance): o estoque não foi enviado"
        balance = inv.get("balance") or []
        here = next((b for b in balance if isinstance(b, dict) and b.get("warehouseId") == warehouse), None)
        if here is not None and not isinstance(here.get("hasUnlimitedQuantity"), bool):
            return (
                f"a VTEX não disse se o estoque do SKU {sku_id} no armazém {warehouse} é ilimitado "
                "(hasUnlimitedQuantity): o estoque não foi enviado, para não desligar um estoque ilimitado"
            )
        return here

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``GET`` then ``PUT {pricing}/pricing/prices/{skuId}``, one pair per item.

        The PUT replaces the whole price record (pricing-api.json): the current record is read
        first and sent back with the new ``basePrice`` (and the list price by the shared "de" rule), so
        the store's fixed prices, cost price and list price stay (:mod:`kit.connectors.vtex_pricing`).
        Never all three of base/cost/markup (VTEX refuses them). Two requests per SKU, both paced by
        the account's bucket (§2.4 limits only pricing writes: the GET costs time, never a 429).
        """
        items = self._with_ids(list(items))

        def send(group: list[PriceItem]) -> None:
            item = group[0]
            path = f"{self.pricing_base}/pricing/prices/{item.channel_id}"
            try:
                body = price_body(item, self.get_json_or_none(path))  # 404: the SKU has no price yet
            except UnsafePriceRecord as exc:
                raise ChannelFatalError(
                    f"o preço não foi enviado: o registro de preço atual do SKU na VTEX não pode ser reenviado "
                    f"intacto ({exc}) e o envio apagaria os preços fixos da loja; confira os preços fixos do SKU "
                    "no admin da VTEX (Preços) e rode de novo",
                    channel=self.channel.name,
                ) from None
            self.request("PUT", path, json_data=body, family="write")

        return self.run_writes(items, send, skip=_not_on_channel, what="prices")

    # -- orders ------------------------------------------------------------------
    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """Read the Feed v3 (up to 10 lots of 10 events); commit with :meth:`ack_orders`.

        The feed is its own cursor: ``since`` and ``cursor`` are not used (a
        backfill by date would use List orders, which VTEX says is not for
        integrations). Several events of one order give one :class:`Order`
        whose ``ack_token`` carries all their handles.
        """
        pager = FeedPaginator(lot_size=FEED_MAXLOT, max_lots=FEED_LOTS_PER_FETCH, channel=self.channel.name)
        events = pager.all(
            lambda p: self.get_json("/api/orders/feed", params={"maxlot": FEED_MAXLOT}, family="orders_read")
        )
        handles: dict[str, list[str]] = {}
        for ev in events:
            handles.setdefault(str(ev["orderId"]), []).append(str(ev["handle"]))
        orders = []
        for order_id, hs in handles.items():
            order = self.get_order(order_id)
            order.ack_token = ",".join(hs)
            orders.append(order)
        return OrdersPage(orders, None, has_more=len(events) >= FEED_MAXLOT * FEED_LOTS_PER_FETCH)

    def get_order(self, order_id: str) -> Order:
        return self.normalize_order(self.get_json(f"/api/oms/pvt/orders/{order_id}", family="orders_read"))

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        logistics = (raw.get("shippingData") or {}).get("logisticsInfo") or [{}]
        first = logistics[0] if logistics else {}
        couriers = first.get("deliveryIds") or [{}]
        payments = [
            p for t in (raw.get("paymentData") or {}).get("transactions") or [] for p in t.get("payments") or []
        ]
        client = raw.get("clientProfileData") or {}
        return Order(
            order_id=code(raw.get("orderId")),
            channel=self.channel.name,
            status_raw=str(raw.get("status") or ""),
            created_at=raw.get("creationDate"),
            updated_at=raw.get("lastChange"),
            items=[
                OrderItem(
                    sku=code(i.get("refId") or i.get("id")),
                    quantity=int(i.get("quantity") or 0),
                    unit_price=_unit_price(i),
                    channel_item_id=str(i.get("id")),
                    title=str(i.get("name") or ""),
                )
                for i in raw.get("items") or []
            ],
            carrier_raw=first.get("deliveryCompany") or couriers[0].get("courierName"),
            service_raw=first.get("selectedSla"),
            payment_raw=payments[0].get("paymentSystemName") if payments else None,
            total=(raw.get("value") or 0) / 100,
            buyer={
                "name": f"{client.get('firstName', '')} {client.get('lastName', '')}".strip(),
                "email": client.get("email"),
                "document": client.get("document"),
                "document_type": client.get("documentType"),
                "phone": client.get("phone"),
            },
            shipping_address=dict((raw.get("shippingData") or {}).get("address") or {}),
            raw=raw,
        )

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """Commit the feed handles of ``orders`` (``POST /api/orders/feed``)."""
        handles = [h for o in orders if o.ack_token for h in o.ack_token.split(",") if h]
        for start in range(0, len(handles), 100):
            chunk = handles[start : start + 100]
            self.request("POST", "/api/orders/feed", json_data={"handles": chunk}, family="orders_read")
        return len(handles)

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """``POST /api/oms/pvt/orders/{orderId}/invoice`` (type Output, items always sent, cents)."""
        order = self.as_order(order)
        items = [
            {"id": it.channel_item_id or it.sku, "price": _cents(it.unit_price), "quantity": it.quantity}
            for it in order.items
        ]
        body: dict[str, Any] = {
            "type": "Output",
            "issuanceDate": invoice.issued_at or datetime.now(UTC).isoformat(timespec="seconds"),
            "invoiceNumber": invoice.number if not invoice.series else f"{invoice.number}-{invoice.series}",
            "invoiceValue": str(_cents(invoice.value if invoice.value is not None else order.total)),
            "invoiceKey": invoice.nfe_key,
            "items": items,
        }
        if invoice.xml is not None:
            body["embeddedInvoice"] = invoice.xml.decode("utf-8") if isinstance(invoice.xml, bytes) else invoice.xml
        tracking = invoice.shipment
        if tracking:
            body.update(
                {
                    "trackingNumber": tracking.code,
                    "trackingUrl": tracking.url,
                    "courier": tracking.carrier or order.carrier_raw or "",
                }
            )
        return self.request(
            "POST", f"/api/oms/pvt/orders/{order.order_id}/invoice", json_data=body, family="write", idempotent=True
        ).json()

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``PATCH /api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}`` (tracking of an invoice)."""
        order = self.as_order(order)
        packages = (order.raw.get("packageAttachment") or {}).get("packages") or []
        invoice_number = shipment.invoice_number
        if invoice_number:
            # send_invoice names an invoice "<number>-<series>": the ERP may give just the number.
            known = [str(p.get("invoiceNumber")) for p in packages]
            if str(invoice_number) not in known:
                prefixed = [k for k in known if k.startswith(f"{invoice_number}-")]
                if len(prefixed) == 1:
                    invoice_number = prefixed[0]
        else:
            if not packages:
                raise ChannelFatalError(
                    "o pedido VTEX não tem nota fiscal à qual ligar o rastreio",
                    channel=self.channel.name,
                    hint="envie a nota fiscal antes (send_invoice), ou informe invoice_number",
                )
            invoice_number = packages[-1]["invoiceNumber"]
        body = {
            "trackingNumber": shipment.code,
            "trackingUrl": shipment.url,
            "courier": shipment.carrier,
            "dispatchedDate": shipment.shipped_at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return self.request(
            "PATCH", f"/api/oms/pvt/orders/{order.order_id}/invoice/{invoice_number}", json_data=body, family="write"
        ).json()

    # -- go-live evidence ----------------------------------------------------------
    def integration_evidence(self) -> list[dict[str, Any]]:
        """Another system already receiving this account's orders through our app key.

        VTEX keeps one orders feed or hook per app key (§2.1, §2.5). An orders hook
        configured on the key the kit uses means another system (an old ERP, an
        integrator) gets the orders pushed to it: a blocker. Feeds and hooks of
        *other* app keys are not visible to this key, so an empty answer does not
        prove there is no other integration: the go-live checklist item stays.
        """
        try:
            config = self.get_json("/api/orders/hook/config")
        except ChannelFatalError as exc:
            if exc.status == 404:  # no hook on this key
                return []
            raise
        url = str(((config or {}).get("hook") or {}).get("url") or "")
        if not url:
            return []
        shown = scrub(url.split("?", 1)[0])
        return [
            {
                "severity": "bloqueio",
                "field": "orders.hook",
                "value": shown,
                "expected": "nenhum hook de pedidos de outro sistema nesta appKey",
                "message": f"Esta appKey já tem um hook de pedidos enviando os pedidos para {shown}: outro sistema "
                "recebe os pedidos deste canal. A VTEX permite um feed ou hook por appKey: use uma appKey exclusiva "
                "para o ERP, ou remova o hook (DELETE /api/orders/hook/config) se ele não é mais usado.",
            }
        ]

    # -- value lists -------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Carriers from shipping policies; payment names from the last 90 days of List orders; documented statuses."""
        policies = PagePaginator(
            100, page_param="page", size_param="perPage", records_path="items", total_path="paging.total"
        ).all(lambda p: self.get_json("/api/logistics/pvt/shipping-policies", params=p))
        carriers = [
            {"carrier": p.get("shippingMethod") or p.get("name"), "service": p.get("name"), "code": p.get("id")}
            for p in policies
        ]
        now = datetime.now(UTC)
        window = f"creationDate:[{(now - timedelta(days=90)).strftime('%Y-%m-%dT%H:%M:%S.000Z')} TO {now.strftime('%Y-%m-%dT%H:%M:%S.999Z')}]"
        names: list[dict[str, Any]] = []
        # §2.5: List orders serves at most 30 pages of 100.
        pager = PagePaginator(
            100, page_param="page", size_param="per_page", records_path="list", total_path="paging.total",
            max_pages=30, stop_at_max=True,
        )  # fmt: skip
        for page in pager.pages(lambda p: self.get_json("/api/oms/pvt/orders", params={**p, "f_creationDate": window})):
            for row in page:
                for name in str(row.get("paymentNames") or "").split(","):
                    if name.strip():
                        names.append({"payment_method": name.strip()})
        statuses = [{"status": s} for s in ORDER_STATUSES]
        catalog = self.catalog_value_lists()
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", names),
            "order_status": value_list_frame("order_status", statuses),
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
        }


def _not_on_channel(item: StockItem | PriceItem) -> str | None:
    return None if item.channel_id else "SKU (RefId) não encontrado na VTEX"


def _unlimited_now(sku_id: Any, warehouse: str, quantity: int) -> str:
    """Why a SKU found unlimited right before the write is held (pt-BR, with what to do)."""
    return (
        f"o SKU {sku_id} está com estoque ilimitado na VTEX agora (armazém {warehouse}, sempre disponível para "
        f"venda): o estoque do ERP ({quantity}) não foi enviado, pois desligaria o estoque ilimitado; se o ERP deve "
        "controlar este estoque, desligue o estoque ilimitado do SKU na VTEX e rode de novo; se não, tire o SKU da "
        "exportação de estoque do ERP"
    )


register_connector("vtex", VtexConnector)
