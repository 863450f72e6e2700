"""Magento 2 / Adobe Commerce connector: MSI source items, base prices, orders by ``updated_at``, invoice, ship, publishing.

Declarations on the shared base; shapes from ``../shared/channel-apis.md``
section 3 (developer.adobe.com) and Adobe's admin REST schema 2.4.9
(``../shared/specs/magento/``; the tests check every request against it).
Capability/confidence table: ``docs/channels.md``.

Every merchant hosts their own store, so the channel needs a ``base_url``
(the store's host); calls go to ``{base_url}/rest/{store_code}/V1/...``.
Stock writes (assigned sources only, backorders kept sellable at 0): :mod:`kit.connectors.magento_stock`.
Authentication: OAuth 1.0a signing by default, Bearer as an option
(:mod:`kit.connectors.magento_auth`); ``test_connection`` says which the store accepts.
Publishing (products, configurables, attribute set, categories, media):
:mod:`kit.connectors.magento_catalog`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy
from kit.connectors.base import Connector, value_list_frame
from kit.connectors.magento_auth import AUTH_MODES, AUTO, BEARER, OAUTH1, OAUTH1_KEYS, MagentoAuth, oauth1_signer
from kit.connectors.magento_catalog import MagentoCatalogMixin
from kit.connectors.magento_stock import MagentoStockMixin
from kit.connectors.model import (
    ConnectionReport,
    Invoice,
    Order,
    OrderItem,
    OrdersPage,
    PriceItem,
    Shipment,
    WriteResult,
)
from kit.connectors.orderchecks import code, price
from kit.connectors.paginate import PagePaginator
from kit.errors import AuthenticationError, ChannelError, ChannelFatalError, ConfigurationError

__all__ = ["MagentoConnector", "search_params", "ORDER_STATES"]

# §3.7: input limiting allows 20 entities per synchronous request (the channel type's items_per_request).
DEFAULT_BULK = 20
# §3.7: max page size 300 with input limiting on; 100 keeps answers small.
PAGE_SIZE = 100
ORDER_PAGES_PER_FETCH = 20
TS = "%Y-%m-%d %H:%M:%S"
# §3.5 (🟡): core order states; statuses are per-merchant labels over them.
# A Brazilian store asks for the address in Magento's street lines (up to 4, "Number of Lines in a Street
# Address"): street, number, then district (3 lines) or complement and district (4 lines). Inferred: Magento names
# no line; applied only when the second line is a house number (else the lines stay one street, as sent).
STREET_LINES = {2: ("street", "number"), 3: ("street", "number", "neighborhood"),
                4: ("street", "number", "complement", "neighborhood")}  # fmt: skip
HOUSE_NUMBER = re.compile(r"^(n[º°o.]?\s*)?\d{1,6}\s*[a-z]?$|^s\.?\s*/?\s*n\.?[º°o]?$", re.IGNORECASE)
ORDER_STATES = ("new", "pending_payment", "processing", "complete", "closed", "canceled", "holded", "payment_review")


def search_params(
    filters: Sequence[tuple[str, Any, str]] = (),
    *,
    sort: Sequence[tuple[str, str]] = (),
    page: int | None = None,
    size: int | None = None,
) -> dict[str, Any]:
    """``searchCriteria`` query parameters; each filter is its own group (AND).

    The spelling is the schema's (``filterGroups``, ``conditionType``); Magento also
    accepts snake_case (README erratum 3 of ``shared/specs/magento``).
    """
    params: dict[str, Any] = {}
    for g, (field, value, condition) in enumerate(filters):
        prefix = f"searchCriteria[filterGroups][{g}][filters][0]"
        params[f"{prefix}[field]"] = field
        params[f"{prefix}[value]"] = value
        params[f"{prefix}[conditionType]"] = condition
    for s, (field, direction) in enumerate(sort):
        params[f"searchCriteria[sortOrders][{s}][field]"] = field
        params[f"searchCriteria[sortOrders][{s}][direction]"] = direction
    if size is not None:
        params["searchCriteria[pageSize]"] = size
    if page is not None:
        params["searchCriteria[currentPage]"] = page
    return params


class _SearchPager(PagePaginator):
    """Magento paging: ``searchCriteria[currentPage]``; stops on ``total_count`` (past the end it repeats the last page)."""

    def __init__(self, size: int, base: dict[str, Any], **kw: Any) -> None:
        super().__init__(
            size,
            page_param="searchCriteria[currentPage]",
            size_param="searchCriteria[pageSize]",
            records_path="items",
            total_path="total_count",
            **kw,
        )
        self.base = base

    def params(self, token: Any) -> dict[str, Any]:
        return {**self.base, **super().params(token)}


class MagentoConnector(MagentoStockMixin, MagentoCatalogMixin, Connector):
    """Magento 2 REST signed with OAuth 1.0a (an integration), or with a Bearer token (``settings.auth=bearer``)."""

    # Publishing (docs/publishing.md): products are created and updated through the REST API.
    publish_create = True
    publish_update = True
    # The EAV "required" rule refuses a simple product without price; the kit also needs the category
    # (navigation) and the weight (freight quotes).
    publish_required = ("title", "price", "weight_kg", "channel_category")
    # An update never sends the price (the prices job owns it) and keeps the weight when the ERP has none.
    publish_update_keeps = ("price", "weight_kg")
    # catalog_product_entity_varchar: a product name is at most 255 characters.
    publish_title_max = 255

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.store_code = self.settings.get("store_code") or "default"
        self.source_code = self.settings.get("source_code") or "default"
        self.http.base_url = f"{self.base_url}/rest/{self.store_code}/V1"
        self.bulk = self.type.per_request("stock") or DEFAULT_BULK

    def make_auth(self) -> AuthStrategy:
        mode = self.settings.get("auth") or AUTO
        if mode not in AUTH_MODES:
            raise ConfigurationError(
                f"autenticação do Magento desconhecida: {mode!r}",
                channel=self.channel.name,
                hint=f"rode 'kit channels set {self.channel.name} settings.auth=oauth1' (ou auto, bearer)",
            )
        return MagentoAuth(mode)

    # -- connection ------------------------------------------------------------
    def check_connection(self) -> dict[str, Any]:
        configs = self.get_json("store/storeConfigs")
        codes = [c.get("code") for c in configs or []]
        if self.store_code not in codes and self.store_code != "all":
            raise ChannelFatalError(
                f"o código de loja {self.store_code!r} não existe neste Magento",
                channel=self.channel.name,
                hint="códigos de loja existentes: " + ", ".join(str(c) for c in codes),
            )
        return {"store_codes": codes}

    def test_connection(self) -> ConnectionReport:
        """The base check, plus which authentication the store accepts (pt-BR, also in ``details["auth"]``).

        Both ways are tried on ``GET /V1/store/storeConfigs``: the OAuth 1.0a
        signature and the access token as a Bearer (refused by default since
        2.4.4). The kit keeps using the configured one (``settings.auth``).
        """
        report = super().test_connection()
        accepts = {OAUTH1: self._accepts(OAUTH1), BEARER: self._accepts(BEARER)}
        mode = self.auth.mode  # type: ignore[attr-defined]
        sentence = _auth_sentence(accepts)
        other = BEARER if mode == OAUTH1 else OAUTH1
        if accepts[mode] is False and accepts[other]:
            sentence += f"; mude a autenticação do canal para {_MODE_PT[other]} (settings.auth={other})"
        report.details = {**report.details, "auth": {"configured": mode, **accepts}}
        text = f"Autenticação: {sentence}. O kit usa {_MODE_PT[mode]}."
        report.message = text if report.ok else f"{report.message}. {text}"
        return report

    def _accepts(self, mode: str) -> bool | None:
        """Does the store accept ``mode``? ``None``: not tested (keys missing) or no clear answer."""
        auth: MagentoAuth = self.auth  # type: ignore[assignment]
        keys = OAUTH1_KEYS if mode == OAUTH1 else ("access_token",)
        if not auth.has(keys):
            return None
        url = self.http.url("store/storeConfigs")
        creds = auth.credentials(keys)
        if mode == OAUTH1:
            signed = requests.Request("GET", url, auth=oauth1_signer(creds)).prepare()
            value = signed.headers["Authorization"]
            header = value.decode() if isinstance(value, bytes) else str(value)
        else:
            header = f"Bearer {creds['access_token']}"
        try:
            self.request("GET", url, headers={"Authorization": header}, authenticate=False)
        except AuthenticationError:
            return False
        except ChannelError:
            return None
        return True

    def permission_probes(self) -> list[tuple[str, Any]]:
        return [
            ("Magento_Catalog::products", lambda: self.get_json("products", params=search_params(size=1, page=1))),
            (
                "Magento_InventoryApi::source_item",
                lambda: self.get_json("inventory/source-items", params=search_params(size=1, page=1)),
            ),
            ("Magento_Sales::actions_view", lambda: self.get_json("orders", params=search_params(size=1, page=1))),
        ]

    def _search(self, path: str, filters: Sequence[tuple[str, Any, str]] = (), **kw: Any) -> list[dict[str, Any]]:
        pager = _SearchPager(PAGE_SIZE, search_params(filters, **kw), channel=self.channel.name)
        return pager.all(lambda p: self.get_json(path, params=p))

    # -- catalogue -------------------------------------------------------------
    def list_listings(self):
        # A configurable parent is the family's page, not a sellable SKU: its children are the listings.
        products = [p for p in self._search("products") if p.get("type_id") != "configurable"]
        stock = {s["sku"]: s for s in self._search("inventory/source-items", [("source_code", self.source_code, "eq")])}
        rows = []
        for p in products:
            attrs = {a.get("attribute_code"): a.get("value") for a in p.get("custom_attributes") or []}
            s = stock.get(p["sku"], {})
            rows.append(
                {
                    "channel_id": p.get("id"),
                    "variation_id": None,
                    "sku": p["sku"],
                    "ean": attrs.get("ean") or attrs.get("gtin"),
                    "title": p.get("name"),
                    "price": p.get("price"),
                    "stock": int(s["quantity"]) if s.get("quantity") is not None else None,
                    "status": "active" if p.get("status") == 1 else "inactive",
                }
            )
        return self.listings_frame(rows)

    # -- writes ------------------------------------------------------------------
    def _bulk(self, path: str, key: str, rows: list[dict[str, Any]]) -> Any:
        return self.request("POST", path, json_data={key: rows}, family="write").json()

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``POST /V1/products/base-prices`` in batches; the answer lists the refused SKUs."""
        items = list(items)
        store_id = 0  # global scope; a store view's price would need its id

        def send(group: list[PriceItem]) -> dict[int, str] | None:
            answer = self._bulk(
                "products/base-prices",
                "prices",
                [{"price": round(float(it.price), 2), "store_id": store_id, "sku": it.sku} for it in group],
            )
            refused: dict[int, str] = {}
            for err in answer or []:
                params = err.get("parameters") or {}
                values = set(map(str, params.values() if isinstance(params, dict) else params))
                message = _render(err.get("message", "refused"), params)
                for pos, it in enumerate(group):
                    if it.sku in values:
                        refused[pos] = message
            return refused

        return self.run_writes(items, send, batch_size=self.bulk, what="prices")

    # -- orders ------------------------------------------------------------------
    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """Orders with ``updated_at >= cursor or since`` (UTC ``YYYY-MM-DD HH:MM:SS``), oldest first.

        The returned cursor is the newest ``updated_at`` seen. ``gteq`` makes the
        boundary inclusive: an order updated in that same second comes again,
        so consumers keep (order_id, updated_at) and drop repeats.
        """
        start = cursor or _magento_ts(since) or "1970-01-01 00:00:00"
        pager = _SearchPager(
            PAGE_SIZE,
            search_params([("updated_at", start, "gteq")], sort=[("updated_at", "ASC"), ("entity_id", "ASC")]),
            channel=self.channel.name,
            max_pages=ORDER_PAGES_PER_FETCH,
            stop_at_max=True,
        )
        raws: list[dict[str, Any]] = []
        pages = 0
        for page in pager.pages(lambda p: self.get_json("orders", params=p, family="orders_read")):
            raws.extend(page)
            pages += 1
        orders = [self.normalize_order(r) for r in raws]
        new_cursor = max((o.updated_at or "" for o in orders), default=start) or start
        return OrdersPage(orders, new_cursor, has_more=pages >= ORDER_PAGES_PER_FETCH)

    def get_order(self, order_id: str) -> Order:
        return self.normalize_order(self.get_json(f"orders/{order_id}", family="orders_read"))

    def normalize_order(self, raw: dict[str, Any]) -> Order:
        assignments = (raw.get("extension_attributes") or {}).get("shipping_assignments") or [{}]
        shipping = assignments[0].get("shipping") or {}
        method = shipping.get("method") or ""
        return Order(
            order_id=code(raw.get("entity_id")),
            channel=self.channel.name,
            status_raw=str(raw.get("status") or ""),
            created_at=raw.get("created_at"),
            updated_at=raw.get("updated_at"),
            items=[
                OrderItem(
                    sku=code(i.get("sku")),
                    quantity=int(float(i.get("qty_ordered") or 0)),
                    unit_price=price(i.get("price")),
                    channel_item_id=str(i.get("item_id")),
                    title=str(i.get("name") or ""),
                )
                for i in _order_lines(raw.get("items") or [])
            ],
            # §3.6: the shipping method is "{carrier_code}_{method_code}".
            carrier_raw=method.split("_", 1)[0] if method else None,
            service_raw=method or None,
            payment_raw=(raw.get("payment") or {}).get("method"),
            total=float(raw.get("grand_total") or 0),
            buyer={
                "name": f"{raw.get('customer_firstname', '')} {raw.get('customer_lastname', '')}".strip(),
                "email": raw.get("customer_email"),
                "document": raw.get("customer_taxvat"),
                "increment_id": raw.get("increment_id"),
                "phone": (shipping.get("address") or raw.get("billing_address") or {}).get("telephone"),
            },
            shipping_address=_address(shipping.get("address") or {}),
            raw=raw,
        )

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """``POST /V1/order/{id}/invoice`` (Magento's invoice), then the NF-e in an order comment.

        Magento has no NF-e field (§3.5 ❓): the key and number go in a status
        history comment, not visible to the customer.
        """
        order_id = order.order_id if isinstance(order, Order) else str(order)
        invoice_id = self.request(
            "POST", f"order/{order_id}/invoice", json_data={"capture": True, "notify": True}, family="write",
            idempotent=False,
        ).json()  # fmt: skip
        text = f"NF-e {invoice.number}{'-' + invoice.series if invoice.series else ''} chave {invoice.nfe_key}"
        self.request(
            "POST",
            f"orders/{order_id}/comments",
            json_data={
                "statusHistory": {
                    "comment": text,
                    "is_customer_notified": 0,
                    "is_visible_on_front": 0,
                    "parent_id": int(order_id),  # required by the schema (the order's entity_id)
                }
            },
            family="write",
        )
        return {"invoice_id": invoice_id, "comment": text}

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``POST /V1/order/{id}/ship`` with what is left to ship of every item, and one track.

        ``carrier`` is the store's carrier code. Magento refuses an item of another
        order or a quantity above the unshipped one, so the quantities come from the
        order as Magento has it now (``qty_ordered`` less shipped, refunded and canceled).
        """
        order = self.as_order(order)
        body = {
            "items": _items_to_ship(order),
            "notify": True,
            "tracks": [
                {
                    "track_number": shipment.code,
                    "title": shipment.service or shipment.carrier,
                    "carrier_code": shipment.carrier,
                }
            ],
        }
        shipment_id = self.request(
            "POST", f"order/{order.order_id}/ship", json_data=body, family="write", idempotent=False
        ).json()
        return {"shipment_id": shipment_id}

    # -- value lists -------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Magento's REST has no carrier/payment catalogue: values seen in the last 180 days of orders."""
        since = (datetime.now(UTC) - timedelta(days=180)).strftime(TS)
        raws = self._search("orders", [("created_at", since, "gteq")], sort=[("created_at", "DESC")])
        orders = [self.normalize_order(r) for r in raws]
        carriers = [{"carrier": o.carrier_raw, "service": o.service_raw} for o in orders if o.service_raw]
        payments = [{"payment_method": o.payment_raw} for o in orders if o.payment_raw]
        statuses = [{"status": s, "description": "state"} for s in ORDER_STATES]
        statuses += [{"status": o.status_raw} for o in orders if o.status_raw]
        catalog = self.catalog_value_lists()
        return {
            "carrier_service": value_list_frame("carrier_service", carriers),
            "payment_method": value_list_frame("payment_method", payments),
            "order_status": value_list_frame("order_status", statuses),
            "category": value_list_frame("category", catalog["category"]),
            "attribute": value_list_frame("attribute", catalog["attribute"]),
        }

    def close(self) -> None:
        images = getattr(self, "_images", None)
        if images is not None:
            images.close()
        super().close()

    def is_permission_error(self, exc: AuthenticationError) -> bool:
        # Magento answers 401 (not 403) when a valid token lacks an ACL resource; probes run
        # after check_connection succeeded, so a 401 there is a missing resource.
        return exc.status in (401, 403)


def _address(address: dict[str, Any]) -> dict[str, Any]:
    """Magento's address with its ``street`` lines as street, number, complement and district (``STREET_LINES``).

    One line (or a layout the lines do not fit) stays one ``street`` text, the lines joined; ``street_lines`` keeps
    them as sent.
    """
    out = dict(address)
    raw = address.get("street")
    lines = [str(x).strip() for x in raw] if isinstance(raw, list) else [str(raw).strip()] if raw else []
    names = STREET_LINES.get(len(lines))
    if names and HOUSE_NUMBER.match(lines[1]):
        out.update(zip(names, lines, strict=True))
    else:
        out["street"] = ", ".join(line for line in lines if line)
    out["street_lines"] = lines
    return out


def _order_lines(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines the ERP knows, from Magento's order items (parents and their children).

    A configurable lists its parent (the child's SKU and the price) and a 0-priced child: the parent is the line.
    A bundle whose children carry the prices (dynamic price; its own SKU is the concatenation of its children's, as
    in Adobe's "Review the order as an admin" example) is replaced by its children; a fixed-price bundle (0-priced
    children) stays one line.
    """
    children: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item.get("parent_item_id"):
            children.setdefault(str(item["parent_item_id"]), []).append(item)
    lines = []
    for item in items:
        if item.get("parent_item_id"):
            continue
        parts = children.get(str(item.get("item_id")), [])
        if item.get("product_type") == "bundle" and any(float(c.get("price") or 0) for c in parts):
            lines += parts
        else:
            lines.append(item)
    return lines


def _items_to_ship(order: Order) -> list[dict[str, Any]]:
    """``[{order_item_id, qty}]`` of the order's lines with something left to ship.

    Magento ships its own top-level items (a bundle, not the children :func:`_order_lines` gives the ERP).
    """
    raw_items = [i for i in (order.raw or {}).get("items") or [] if not i.get("parent_item_id")]
    if not raw_items:  # an order built without Magento's answer: its lines as they are
        return [{"order_item_id": int(line.channel_item_id), "qty": float(line.quantity)}
                for line in order.items if line.channel_item_id and line.quantity > 0]  # fmt: skip
    items = []
    for raw in raw_items:
        done = sum(float(raw.get(k) or 0) for k in ("qty_shipped", "qty_refunded", "qty_canceled"))
        qty = float(raw.get("qty_ordered") or 0) - done
        if qty > 0:
            items.append({"order_item_id": int(raw["item_id"]), "qty": qty})
    return items


_MODE_PT = {OAUTH1: "a assinatura OAuth 1.0a", BEARER: "o token de acesso como Bearer"}


def _auth_sentence(accepts: dict[str, bool | None]) -> str:
    """What the store accepts, in pt-BR, from the two probes of :meth:`MagentoConnector.test_connection`."""
    oauth, bearer = accepts[OAUTH1], accepts[BEARER]
    if oauth and bearer:
        return "a loja aceita a assinatura OAuth 1.0a e também o token de acesso como Bearer"
    if oauth:
        return (
            "a loja aceita a assinatura OAuth 1.0a e recusa o token de acesso como Bearer "
            "(o padrão do Magento 2.4.4 ou mais novo)"
        )
    if bearer:
        if oauth is None:
            return (
                "a loja aceita o token de acesso como Bearer; a assinatura OAuth 1.0a não foi testada "
                "(faltam consumer_key, consumer_secret ou access_token_secret da integração)"
            )
        return "a loja aceita o token como Bearer e recusa a assinatura OAuth 1.0a (confira as chaves da integração)"
    if oauth is None and bearer is False:
        return (
            "a loja recusa o token como Bearer: desde o Magento 2.4.4 um token de integração só vale assinado "
            "com OAuth 1.0a (ou com a opção 'Allow OAuth Access Tokens to be used as standalone Bearer tokens' "
            "ligada na loja); cadastre consumer_key, consumer_secret e access_token_secret da integração"
        )
    if oauth is False and bearer is False:
        return "a loja recusou as credenciais nas duas formas (OAuth 1.0a e Bearer): confira as chaves da integração"
    return "não foi possível confirmar a forma de autenticação aceita pela loja"


def _render(message: str, params: Any) -> str:
    """Fill Magento's placeholders: ``%name`` from a dict; from a list, ``%1``.. or the names in order.

    Price results carry their parameters as a list of strings (the schema's
    ``string[]``) while the message keeps named placeholders (``%fieldName``).
    """
    if isinstance(params, dict):
        for key, value in params.items():
            message = message.replace(f"%{key}", str(value))
    elif isinstance(params, list):
        for n, value in enumerate(params, 1):
            message = message.replace(f"%{n}", str(value))
        for name, value in zip(re.findall(r"%([A-Za-z_]\w*)", message), params, strict=False):
            message = message.replace(f"%{name}", str(value), 1)
    return message


def _magento_ts(value: str | None) -> str | None:
    """ISO 8601 (any offset) -> Magento's UTC ``YYYY-MM-DD HH:MM:SS``."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
    return dt.strftime(TS)


register_connector("magento", MagentoConnector)
