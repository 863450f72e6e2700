"""Mercado Livre sandbox: OAuth with rotating refresh tokens, items (scan past 1000, multiget 20), orders, shipments.

Behaviour a client must cope with, as documented (or, where ❓, the worst
plausible case): single-use refresh tokens (``invalid_grant`` on reuse),
6 h access tokens (expirable on demand with ``faults.expire_tokens``),
``offset`` refused past 1000 results (``search_type=scan`` + ``scroll_id``),
multiget capped at 20 ids, variations left out of a ``PUT /items/{id}`` are
*deleted* (unconfirmed; the connector always sends every variation), one
price across variations, ME1-only tracking, NF-e XML upload for ME2.
See ``docs/channels.md``.
"""

from __future__ import annotations

import secrets as _secrets
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route

__all__ = ["MercadoLivreSandbox", "SELLER_ID"]

SELLER_ID = 123456789
SITE = "MLB"
MAX_OFFSET = 1000  # §1.2: past 1000 results, use search_type=scan
MULTIGET_MAX = 20  # §1.2
SCROLL_PAGE_MAX = 100
ORDERS_MAX_LIMIT = 51
ACCESS_TTL_S = 21600  # §1.1: 6 h
# Payment method id -> payment type (Mercado Pago), for the sandbox's own catalogue.
PAYMENT_TYPES = {
    "account_money": "account_money",
    "ticket": "ticket",
    "bolbradesco": "ticket",
    "pix": "bank_transfer",
    "bank_transfer": "bank_transfer",
    "credit_card": "credit_card",
    "visa": "credit_card",
    "master": "credit_card",
    "debit_card": "debit_card",
}
ME1_SERVICE_IDS = {"Correios PAC": 11, "Correios SEDEX": 12}


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000-00:00")


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _combination(row: dict[str, Any]) -> list[dict[str, str]]:
    """A variation's ``attribute_combinations``: its colour and size (the title's last word if neither)."""
    out = []
    if str(row.get("color") or "").strip():
        out.append({"id": "COLOR", "name": "Cor", "value_name": str(row["color"]).strip()})
    if str(row.get("size") or "").strip():
        out.append({"id": "SIZE", "name": "Tamanho", "value_name": str(row["size"]).strip()})
    return out or [{"id": "COLOR", "name": "Cor", "value_name": str(row["title"]).split()[-1]}]


class MercadoLivreSandbox(SandboxServer):
    """Seller ``123456789`` on site MLB.

    Listings with variations come from the catalogue's variation families
    (rows sharing a ``parent_sku``): one item per family, one variation per
    SKU, the family's price (its first SKU's) on the item and every variation.
    A catalogue without ``parent_sku`` gives simple listings only.

    Args (besides the base's):
        variation_share: share of the catalogue's families listed as one item
            with variations (the others as one item per SKU); 0 disables variations.
    """

    def __init__(self, *args: Any, variation_share: float = 1.0, **kw: Any) -> None:
        self.variation_share = variation_share
        super().__init__(*args, **kw)

    def default_credentials(self) -> dict[str, str]:
        return {
            "client_id": "5503910054141466",
            "client_secret": f"sbxmlsecret{self.seed:04d}abcdefghijkl",
            "refresh_token": f"TG-sbx{self.seed:04d}-initialrefresh-000000",
        }

    def channel_settings(self) -> dict[str, str]:
        return {"user_id": str(SELLER_ID), "site_id": SITE}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        data = self.state.data
        data["refresh_tokens"] = {self.credentials["refresh_token"]}
        data["access_tokens"] = {}  # token -> expiry (epoch s)
        data["expires_in"] = ACCESS_TTL_S
        data["token_calls"] = 0
        # GET /users/{user_id}/applications: the apps this seller authorized (the kit's own app only)
        data["applications"] = [
            {
                "user_id": SELLER_ID,
                "app_id": self.credentials["client_id"],
                "date_created": "2026-01-05T10:00:00.000-03:00",
                "scopes": ["offline_access", "read", "write"],
            }
        ]
        items: dict[str, dict[str, Any]] = {}
        n = 0
        next_variation = 174000000000
        for group in self._listing_groups(list(catalog)):
            n += 1
            item_id = f"{SITE}{4000000000 + n}"
            p = group[0]
            if len(group) > 1:
                variations = []
                for v in group:
                    next_variation += 1
                    variations.append(
                        {
                            "id": next_variation,
                            "price": float(p["price"]),
                            "available_quantity": int(v.get("stock") or 0),
                            "attribute_combinations": _combination(v),
                            "attributes": [
                                {"id": "SELLER_SKU", "name": "SKU", "value_name": str(v["sku"])},
                                {
                                    "id": "GTIN",
                                    "name": "Código universal de produto",
                                    "value_name": str(v.get("ean") or ""),
                                },
                            ],
                            "seller_custom_field": None,
                        }
                    )
            else:
                variations = []
            items[item_id] = {
                "id": item_id,
                "site_id": SITE,
                "title": str(p["title"]),
                "seller_id": SELLER_ID,
                "category_id": "MLB1234",
                "price": float(p["price"]),
                "base_price": float(p["price"]),
                "currency_id": "BRL",
                "available_quantity": sum(v["available_quantity"] for v in variations)
                if variations
                else int(p.get("stock") or 0),
                "buying_mode": "buy_it_now",
                "listing_type_id": "gold_special",
                "condition": "new",
                "status": "active" if p.get("active", True) else "paused",
                "permalink": f"https://produto.mercadolivre.com.br/{item_id}",
                "seller_custom_field": None,
                "attributes": []
                if variations
                else [
                    {"id": "SELLER_SKU", "name": "SKU", "value_name": str(p["sku"])},
                    {"id": "GTIN", "name": "Código universal de produto", "value_name": str(p.get("ean") or "")},
                ],
                "variations": variations,
                "shipping": {"mode": "me2", "logistic_type": "drop_off", "free_shipping": False},
                "last_updated": _iso(datetime.now(UTC)),
            }
        data["items"] = items
        data["orders"], data["shipments"], data["packs"], data["scrolls"] = {}, {}, {}, {}
        data["invoices"], data["notifications"] = {}, []
        if isinstance(orders, list):
            for o in orders:
                data["orders"][int(o["id"])] = o
        else:
            for _ in range(orders if isinstance(orders, int) else 25):
                self.add_order()

    def _listing_groups(self, rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Catalogue rows per listing, in catalogue order: a family (same ``parent_sku``) is one listing."""
        groups: list[list[dict[str, Any]]] = []
        family: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            parent = str(row.get("parent_sku") or "").strip()
            if not parent or not self.variation_share:
                groups.append([row])
            elif parent in family:
                family[parent].append(row)
            else:
                family[parent] = [row]
                groups.append(family[parent])
        out: list[list[dict[str, Any]]] = []
        for group in groups:
            if len(group) > 1 and self.variation_share < 1 and self.rng.random() >= self.variation_share:
                out.extend([row] for row in group)  # this family listed SKU by SKU
            else:
                out.append(group)
        return out

    def add_order(self, when: datetime | None = None) -> dict[str, Any]:
        """Create an order (sometimes two in one pack) with its shipment."""
        rng, data = self.rng, self.state.data
        values = channel_values("mercadolivre")
        (mode, service), _ = rng.choice(values["carrier_service"])
        payment, _ = rng.choice(values["payment_method"])
        status, _ = rng.choice(values["order_status"])
        n = len(data["orders"]) + 1
        created = when or datetime.now(UTC).replace(microsecond=0) - timedelta(days=15) + timedelta(minutes=53 * n)
        order_id = 2000009000000000 + n
        shipment_id = 44000000000 + n
        pack_id = 2000005000000000 + n if rng.random() < 0.2 else None
        item = data["items"][rng.choice(sorted(data["items"]))]
        variation = rng.choice(item["variations"]) if item["variations"] else None
        attrs = (variation or item)["attributes"]
        sku = next((a["value_name"] for a in attrs if a["id"] == "SELLER_SKU"), None)
        qty = rng.randint(1, 3)
        total = round(item["price"] * qty, 2)
        order = {
            "id": order_id,
            "status": status,
            "status_detail": None,
            "date_created": _iso(created),
            "date_closed": _iso(created + timedelta(minutes=1)),
            "last_updated": _iso(created + timedelta(minutes=2)),
            "date_last_updated": _iso(created + timedelta(minutes=2)),
            "pack_id": pack_id,
            "shipping": {"id": shipment_id},
            "order_items": [
                {
                    "item": {
                        "id": item["id"],
                        "title": item["title"],
                        "variation_id": variation["id"] if variation else None,
                        "seller_sku": sku,
                        "seller_custom_field": None,
                        "variation_attributes": (variation or {}).get("attribute_combinations", []),
                    },
                    "quantity": qty,
                    "unit_price": item["price"],
                    "sale_fee": round(item["price"] * 0.12, 2),
                    "currency_id": "BRL",
                }
            ],
            "total_amount": total,
            "paid_amount": total,
            "currency_id": "BRL",
            "buyer": {"id": 987000 + n, "nickname": f"COMPRADOR{n}"},
            "seller": {"id": SELLER_ID},
            "payments": [
                {
                    "id": str(30000000000 + n),
                    "status": "approved" if status == "paid" else "pending",
                    "transaction_amount": total,
                    "total_paid_amount": total,
                    "shipping_cost": 0,
                    "installments": 1,
                    "currency_id": "BRL",
                    "payment_method_id": payment,
                    "payment_type": PAYMENT_TYPES.get(payment, payment),
                    "date_approved": _iso(created + timedelta(minutes=1)),
                }
            ],
            "tags": ["paid", "pack_order"] if pack_id else ["paid"],
        }
        me1_name = service if mode == "me1" else None
        shipment = {
            "id": shipment_id,
            "order_id": order_id,
            "pack_id": pack_id,
            "status": "ready_to_ship" if status == "paid" else "pending",
            "substatus": "invoice_pending" if mode == "me2" and service != "fulfillment" else None,
            "logistic": {"direction": "forward", "mode": mode, "type": service if mode != "me1" else None},
            "shipping_option": None
            if mode == "custom"
            else {
                "shipping_method_id": ME1_SERVICE_IDS.get(me1_name or "", 100009),
                "name": me1_name or ("Expresso" if service in ("self_service", "cross_docking") else "Normal"),
            },
            "tracking_number": None,
            "tracking_method": None,
            "service_id": None,
            "declared_value": total,
            "source": {"site_id": SITE},
            "destination": {
                "receiver_name": f"Comprador {n}",
                "shipping_address": {
                    "address_line": "Rua Sandbox 10",
                    "zip_code": "30110-000",
                    "city": {"name": "Belo Horizonte"},
                    "state": {"id": "BR-MG", "name": "Minas Gerais"},
                    "country": {"id": "BR"},
                },
            },
        }
        with self.state.lock:
            data["orders"][order_id] = order
            data["shipments"][shipment_id] = shipment
            if pack_id:
                data["packs"][pack_id] = {
                    "id": pack_id,
                    "status": "released",
                    "orders": [{"id": order_id}],
                    "shipment": {"id": shipment_id},
                }
        return order

    def _sku_index(self) -> dict[str, tuple[str, dict[str, Any]]]:
        index = {}
        for item_id, item in self.state.data["items"].items():
            for holder in [item, *item["variations"]]:
                for attr in holder["attributes"]:
                    if attr["id"] == "SELLER_SKU":
                        index[attr["value_name"]] = (item_id, holder)
        return index

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [
            (sku, item_id, str(holder["id"]) if holder.get("id") != item_id else None)
            for sku, (item_id, holder) in self._sku_index().items()
        ]

    def stock_levels(self) -> dict[str, float]:
        return {sku: holder["available_quantity"] for sku, (_, holder) in self._sku_index().items()}

    # -- auth -----------------------------------------------------------------------
    def _error(self, status: int, error: str, message: str) -> Reply:
        return Reply(status, {"message": message, "error": error, "status": status, "cause": []})

    def error_reply(self, status: int, message: str) -> Reply:
        return self._error(
            status,
            {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(status, "internal_error"),
            message,
        )

    def rate_limited_reply(self, retry_after: int) -> Reply:
        # §1.9: ML documents a 429 without Retry-After.
        return Reply(
            429,
            {"message": "Too many requests", "error": "local_rate_limited", "status": 429, "cause": []},
            self.retry_after_headers(retry_after),
        )

    def check_auth(self, req: Request) -> Reply | None:
        if req.path == "/oauth/token":
            return None
        data = self.state.data
        if self.faults.expire_tokens:
            with self.state.lock:
                for token in data["access_tokens"]:
                    data["access_tokens"][token] = 0.0
                self.faults.expire_tokens = False
        auth = req.header("Authorization") or ""
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if not token:
            return self._error(401, "unauthorized", "authorization value not present")
        expiry = data["access_tokens"].get(token)
        if expiry is None or expiry < time.time():
            return self._error(401, "invalid_token", "invalid access token")
        if data.get("denied_scopes") and any(req.path.startswith(p) for p in data["denied_scopes"]):
            return self._error(403, "forbidden", "PA_UNAUTHORIZED_RESULT_FROM_POLICIES")
        return None

    @route("POST", "/oauth/token")
    def oauth_token(self, req: Request) -> Any:
        ctype = req.header("Content-Type") or ""
        if "application/x-www-form-urlencoded" not in ctype:
            return self._error(400, "invalid_request", "parameters must go in a form-urlencoded body")
        form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8")).items()}
        if (
            form.get("client_id") != self.credentials["client_id"]
            or form.get("client_secret") != self.credentials["client_secret"]
        ):
            return self._error(401, "invalid_client", "invalid client_id or client_secret")
        if form.get("grant_type") != "refresh_token":
            return self._error(400, "unsupported_grant_type", "only refresh_token is supported by the sandbox")
        data = self.state.data
        with self.state.lock:
            data["token_calls"] += 1
            old = form.get("refresh_token")
            if old not in data["refresh_tokens"]:
                return self._error(
                    400,
                    "invalid_grant",
                    "Error validating grant. Your authorization code or refresh token may be expired or it was already used",
                )
            data["refresh_tokens"].discard(old)  # single use
            access = f"APP_USR-{self.credentials['client_id']}-{_secrets.token_hex(12)}-{SELLER_ID}"
            refresh = f"TG-{_secrets.token_hex(12)}-{SELLER_ID}"
            data["refresh_tokens"].add(refresh)
            data["access_tokens"][access] = time.time() + data["expires_in"]
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": data["expires_in"],
            "scope": "offline_access read write",
            "user_id": SELLER_ID,
            "refresh_token": refresh,
        }

    # -- users / items --------------------------------------------------------------
    @route("GET", "/users/me")
    def users_me(self, req: Request) -> Any:
        return {"id": SELLER_ID, "nickname": "LOJA_SANDBOX", "site_id": SITE, "tags": ["normal", "brand"]}

    @route("GET", "/users/{user_id}/applications")
    def user_applications(self, req: Request) -> Any:
        # §1.1 grant management: a bare array of {user_id, app_id, date_created, scopes}
        if req.params["user_id"] != str(SELLER_ID):
            return self._error(403, "forbidden", "caller.id does not match the user_id")
        with self.state.lock:
            return [dict(a) for a in self.state.data["applications"]]

    def _seller_items(self, req: Request) -> list[str]:
        ids = sorted(self.state.data["items"])
        sku = req.q("seller_sku")
        status = req.q("status")
        out = []
        for item_id in ids:
            item = self.state.data["items"][item_id]
            if status and item["status"] != status:
                continue
            if sku:
                attrs = item["attributes"] + [a for v in item["variations"] for a in v["attributes"]]
                if not any(a["id"] == "SELLER_SKU" and a["value_name"] == sku for a in attrs):
                    continue
            out.append(item_id)
        return out

    @route("GET", "/users/{user_id}/items/search")
    def items_search(self, req: Request) -> Any:
        if req.params["user_id"] != str(SELLER_ID):
            return self._error(403, "forbidden", "caller.id does not match the user_id")
        limit = int(req.q("limit", "50") or 50)
        if req.q("search_type") == "scan":
            limit = min(limit, SCROLL_PAGE_MAX)
            scroll = req.q("scroll_id")
            with self.state.lock:
                if scroll:
                    state = self.state.data["scrolls"].pop(scroll, None)
                    if state is None:
                        return self._error(400, "bad_request", "invalid or expired scroll_id")
                    ids, pos = state
                else:
                    ids, pos = self._seller_items(req), 0
                page = ids[pos : pos + limit]
                new_scroll = _secrets.token_urlsafe(18)
                self.state.data["scrolls"][new_scroll] = (ids, pos + len(page))
            return {
                "seller_id": str(SELLER_ID),
                "results": page,
                "paging": {"total": len(ids), "limit": limit},
                "scroll_id": new_scroll,
            }
        offset = int(req.q("offset", "0") or 0)
        if limit > 100:
            return self._error(400, "bad_request", "limit must be lower or equal to 100")
        if offset + limit > MAX_OFFSET:
            return self._error(
                400, "bad_request", "The offset is greater than 1000; use search_type=scan to page past 1000 results"
            )
        ids = self._seller_items(req)
        return {
            "seller_id": str(SELLER_ID),
            "results": ids[offset : offset + limit],
            "paging": {"total": len(ids), "offset": offset, "limit": limit},
        }

    @route("GET", "/items")
    def items_multiget(self, req: Request) -> Any:
        ids = [i for i in (req.q("ids") or "").split(",") if i]
        if not ids:
            return self._error(400, "bad_request", "ids parameter is required")
        if len(ids) > MULTIGET_MAX:
            return self._error(400, "bad_request", f"Too many ids; the maximum is {MULTIGET_MAX}")
        attributes = [a for a in (req.q("attributes") or "").split(",") if a]
        out = []
        for item_id in ids:
            item = self.state.data["items"].get(item_id)
            if item is None:
                out.append(
                    {"code": 404, "body": {"message": f"Item with id {item_id} not found", "error": "not_found"}}
                )
            else:
                body = {k: v for k, v in item.items() if not attributes or k in attributes or k == "id"}
                out.append({"code": 200, "body": body})
        return out

    @route("GET", "/items/{item_id}")
    def item_get(self, req: Request) -> Any:
        item = self.state.data["items"].get(req.params["item_id"])
        if item is None:
            return self._error(404, "not_found", f"Item with id {req.params['item_id']} not found")
        return item

    @route("PUT", "/items/{item_id}")
    def item_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        with self.state.lock:
            item = self.state.data["items"].get(req.params["item_id"])
            if item is None:
                return self._error(404, "not_found", f"Item with id {req.params['item_id']} not found")
            if item["status"] == "closed":
                return self._error(400, "validation_error", "Item in status closed can not be modified")
            if item["variations"] and ("available_quantity" in body or "price" in body) and "variations" not in body:
                return self._error(
                    400,
                    "validation_error",
                    "item has variations: available_quantity and price must be sent per variation",
                )
            if "variations" in body:
                sent = body["variations"]
                if not isinstance(sent, list):
                    raise BadRequest("variations must be a list")
                current = {v["id"]: v for v in item["variations"]}
                for v in sent:
                    if v.get("id") not in current:
                        return self._error(
                            400, "validation_error", f"variation {v.get('id')} does not belong to the item"
                        )
                prices = {float(v.get("price", current[v["id"]]["price"])) for v in sent}
                if len(prices) > 1:
                    return self._error(400, "validation_error", "all variations must have the same price")
                kept = []
                for v in sent:  # variations left out are deleted (worst plausible case, §1.3 ❓)
                    merged = dict(current[v["id"]])
                    if "available_quantity" in v:
                        merged["available_quantity"] = max(0, int(v["available_quantity"]))
                    if "price" in v:
                        merged["price"] = float(v["price"])
                    kept.append(merged)
                item["variations"] = kept
                item["available_quantity"] = sum(v["available_quantity"] for v in kept)
                if kept:
                    item["price"] = kept[0]["price"]
            if "available_quantity" in body:
                item["available_quantity"] = max(0, int(body["available_quantity"]))
            if "price" in body:
                price = body["price"]
                if not isinstance(price, (int, float)) or price <= 0:
                    return self._error(400, "validation_error", "price must be a positive number")
                item["price"] = float(price)
            item["last_updated"] = _iso(datetime.now(UTC))
            return dict(item)

    # -- orders / shipments ----------------------------------------------------------
    @route("GET", "/orders/search")
    def orders_search(self, req: Request) -> Any:
        if req.q("seller") != str(SELLER_ID):
            return self._error(403, "forbidden", "invalid caller: the seller does not match the token")
        offset = int(req.q("offset", "0") or 0)
        limit = min(int(req.q("limit", "50") or 50), ORDERS_MAX_LIMIT)
        since, until = req.q("order.date_last_updated.from"), req.q("order.date_last_updated.to")
        status = req.q("order.status")
        orders = list(self.state.data["orders"].values())
        if since:
            orders = [o for o in orders if _parse_iso(o["date_last_updated"]) >= _parse_iso(since)]
        if until:
            orders = [o for o in orders if _parse_iso(o["date_last_updated"]) <= _parse_iso(until)]
        if status:
            orders = [o for o in orders if o["status"] == status]
        orders.sort(key=lambda o: (o["date_created"], o["id"]), reverse=req.q("sort") == "date_desc")
        return {
            "query": str(SELLER_ID),
            "results": orders[offset : offset + limit],
            "sort": {"id": req.q("sort") or "date_asc", "name": "Date ascending"},
            "available_sorts": [{"id": "date_desc", "name": "Date descending"}],
            "filters": [],
            "paging": {"total": len(orders), "offset": offset, "limit": limit},
            "display": "hidden",
        }

    @route("GET", "/orders/{order_id}")
    def order_get(self, req: Request) -> Any:
        try:
            return self.state.data["orders"][int(req.params["order_id"])]
        except (KeyError, ValueError):
            return self._error(404, "not_found", f"Order {req.params['order_id']} not found")

    @route("GET", "/packs/{pack_id}")
    def pack_get(self, req: Request) -> Any:
        try:
            return self.state.data["packs"][int(req.params["pack_id"])]
        except (KeyError, ValueError):
            return self._error(404, "not_found", "pack not found")

    def _shipment(self, req: Request) -> dict[str, Any]:
        try:
            return self.state.data["shipments"][int(req.params["shipment_id"])]
        except (KeyError, ValueError):
            raise BadRequest("shipment not found", 404) from None

    @route("GET", "/shipments/{shipment_id}")
    def shipment_get(self, req: Request) -> Any:
        return self._shipment(req)

    @route("POST", "/shipments/{shipment_id}/invoice_data")
    def shipment_invoice(self, req: Request) -> Any:
        shipment = self._shipment(req)
        if req.q("siteId") != SITE:
            return self._error(400, "bad_request", "siteId is required")
        ctype = (req.header("Content-Type") or "").split(";")[0].strip()
        if ctype not in ("application/xml", "text/xml"):
            return self._error(400, "bad_request", "the NF-e must be sent as XML (Content-Type application/xml)")
        if len(req.body) > 1_000_000:
            return self._error(413, "payload_too_large", "the NF-e XML must be at most 1 MB")
        try:
            root = ET.fromstring(req.body)
        except ET.ParseError as exc:
            return self._error(400, "invalid_xml", f"the NF-e XML does not parse: {exc}")
        if "NFe" not in root.tag and "nfeProc" not in root.tag:
            return self._error(400, "invalid_xml", "the XML is not an NF-e (root must be NFe or nfeProc)")
        if shipment["logistic"]["mode"] != "me2" or shipment["logistic"]["type"] == "fulfillment":
            return self._error(400, "invalid_shipment", "NF-e import is only for ME2 shipments not in Full")
        with self.state.lock:
            self.state.data["invoices"][shipment["id"]] = req.body
            if shipment["substatus"] == "invoice_pending":
                shipment["substatus"] = "ready_to_print"
        return {"shipment_id": shipment["id"], "status": shipment["status"], "substatus": shipment["substatus"]}

    @route("PUT", "/shipments/{shipment_id}")
    def shipment_put(self, req: Request) -> Any:
        shipment = self._shipment(req)
        if shipment["logistic"]["mode"] != "me1":
            return self._error(400, "invalid_shipment_mode", "tracking can only be informed for ME1 shipments")
        body = req.json() or {}
        if not body.get("tracking_number") or not isinstance(body.get("service_id"), int):
            return self._error(400, "bad_request", "service_id (number) and tracking_number are required")
        with self.state.lock:
            shipment["tracking_number"] = body["tracking_number"]
            shipment["service_id"] = body["service_id"]
        return shipment

    @route("POST", "/shipments/{shipment_id}/seller_notifications")
    def shipment_notify(self, req: Request) -> Any:
        shipment = self._shipment(req)
        if shipment["logistic"]["mode"] != "me1":
            return self._error(400, "invalid_shipment_mode", "notifications are only for ME1 shipments")
        body = req.json() or {}
        pair = (body.get("status"), body.get("substatus"))
        allowed = {
            ("shipped", None),
            ("shipped", "out_for_delivery"),
            ("delivered", None),
            ("not_delivered", "returning_to_sender"),
        }
        if pair not in allowed:
            return self._error(400, "bad_request", f"status/substatus {pair} is not allowed")
        if not shipment.get("tracking_number"):
            return self._error(400, "bad_request", "inform the tracking number (PUT /shipments/{id}) first")
        with self.state.lock:
            shipment["status"], shipment["substatus"] = pair
            self.state.data["notifications"].append({"shipment_id": shipment["id"], **body})
        return {"id": shipment["id"], "status": shipment["status"]}

    # -- site catalogues ---------------------------------------------------------------
    @route("GET", "/sites/{site_id}/shipping_methods")
    def shipping_methods(self, req: Request) -> Any:
        out = []
        for name, method_id in ME1_SERVICE_IDS.items():
            out.append(
                {"id": method_id, "name": name, "type": "standard", "deliver_to": "address", "status": "active",
                 "shipping_modes": ["me1"], "company_id": 17500240, "company_name": "Correios", "min_time": 48,
                 "max_time": 240}
            )  # fmt: skip
        out.append(
            {"id": 100009, "name": "Normal", "type": "standard", "deliver_to": "address", "status": "active",
             "shipping_modes": ["me2"], "company_id": 17500840, "company_name": "Mercado Envios", "min_time": 24,
             "max_time": 120}
        )  # fmt: skip
        out.append(
            {"id": 182, "name": "Expresso", "type": "express", "deliver_to": "address", "status": "active",
             "shipping_modes": ["me2"], "company_id": 17500840, "company_name": "Mercado Envios", "min_time": 24,
             "max_time": 72}
        )  # fmt: skip
        return out

    @route("GET", "/sites/{site_id}/payment_methods")
    def payment_methods(self, req: Request) -> Any:
        return [
            {"id": pid, "name": pid.replace("_", " ").title(), "payment_type_id": ptype, "status": "active"}
            for pid, ptype in PAYMENT_TYPES.items()
        ]


register_sandbox("mercadolivre", MercadoLivreSandbox)
