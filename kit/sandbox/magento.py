"""Magento 2 sandbox: REST ``/rest/{store_code}/V1`` with searchCriteria, MSI source items, base prices, orders.

Written from ``../shared/channel-apis.md`` §3 and Adobe's admin REST schema
2.4.9 (``../shared/specs/magento``, with the errata of its README), never
from the connector. What a client meets here:

* **Authentication** (§3.1): an integration signs every request with OAuth 1.0a
  (HMAC-SHA256 or HMAC-SHA1); the signature is verified with oauthlib's RFC 5849
  functions, a nonce is accepted once and a timestamp only within
  :data:`TIMESTAMP_WINDOW_S`. The access token alone as a Bearer is refused, as
  Magento 2.4.4+ does by default (``allow_bearer = True`` is the store setting
  "Allow OAuth Access Tokens to be used as standalone Bearer tokens"). A missing
  ACL resource answers 401 naming it.
* **searchCriteria** in both spellings (``filterGroups``/``filter_groups``,
  ``conditionType``/``condition_type``; README erratum 3), paging that serves
  the *last* page again past the end (clients stop on ``total_count``).
* **Input limiting** on, as 2.4.3 shipped it (§3.7): 20 entities per request,
  page size at most 300.
* **Types** as Magento's REST deserializer checks them: a number or integer
  field given text that is not a number is refused (Magento casts numeric text).
* **Stock (MSI)**: a source item is the pair (SKU, source); ``POST
  /V1/inventory/source-items`` *assigns* the SKU to a source it is not in yet
  (Adobe, "Manage source items": ``sku``/``source_code`` "required to assign or
  unassign a source"); a product created through the API is assigned to the
  ``default`` source ("Commerce also assigns newly-created products to the
  default source"). ``GET /V1/stockItems/{sku}`` is the legacy stock item
  (the default source's quantity and status, and the product's backorders
  setting: :meth:`MagentoSandbox.set_backorders`; the effective value, as
  Magento's ``getBackorders`` answers it when the product uses the store's
  configuration).
* **Orders**: rendered from the sample generator (:func:`render_order`), with
  Magento's state machine for invoice, ship and cancel
  (:mod:`kit.sandbox.magento_orders`); responses as the schema declares them
  (the invoice and ship calls answer the new id as an integer).

See ``docs/channels.md``.
"""

from __future__ import annotations

import random
import re
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from oauthlib.oauth1.rfc5849 import signature, utils

from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route
from kit.sandbox.magento_catalog import MagentoCatalogRoutes
from kit.sandbox.magento_orders import OrderRefused, cancel, invoice, magento_time, render_order, ship
from kit.sandbox.orders import recent

__all__ = ["MagentoSandbox", "parse_search_criteria", "search", "INPUT_LIMIT", "TIMESTAMP_WINDOW_S"]

INPUT_LIMIT = 20  # §3.7: list inputs of at most 20 entities when input limiting is on
MAX_PAGE_SIZE = 300  # §3.7
#: How far an OAuth timestamp may be from the store's clock (Magento's nonce generator: 600 s).
TIMESTAMP_WINDOW_S = 600
_SIGNERS = {"HMAC-SHA256": signature.sign_hmac_sha256_with_client, "HMAC-SHA1": signature.sign_hmac_sha1_with_client}
_UNAUTHORIZED = "The consumer isn't authorized to access %resources."

_KEY = re.compile(r"searchCriteria\[(\w+)\](?:\[(\d+)\])?(?:\[(\w+)\])?(?:\[(\d+)\])?(?:\[(\w+)\])?")
_SPELLING = {"filterGroups": "filter_groups", "sortOrders": "sort_orders", "conditionType": "condition_type"}


def parse_search_criteria(query: dict[str, list[str]]) -> dict[str, Any]:
    """``searchCriteria[...]`` query keys (either spelling) -> {filter_groups, sort, page_size, current_page}."""
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    out: dict[str, Any] = {"page_size": None, "current_page": 1}
    for key, values in query.items():
        m = _KEY.fullmatch(key)
        if not m:
            continue
        value = values[0]
        top = _SPELLING.get(m.group(1), m.group(1))
        if top in ("pageSize", "currentPage"):
            if not re.fullmatch(r"\d+", value):
                raise BadRequest(f'The "{value}" value\'s type is invalid. The "int" type was expected.')
            out["page_size" if top == "pageSize" else "current_page"] = int(value)
        elif top == "filter_groups" and m.group(2) is not None and m.group(4) is not None:
            name = _SPELLING.get(m.group(5), m.group(5))
            groups.setdefault(int(m.group(2)), {}).setdefault(int(m.group(4)), {})[name] = value
        elif top == "sort_orders" and m.group(2) is not None:
            sorts.setdefault(int(m.group(2)), {})[m.group(3)] = value
    out["filter_groups"] = [list(groups[g][f] for f in sorted(groups[g])) for g in sorted(groups)]
    out["sort"] = [sorts[s] for s in sorted(sorts)]
    return out


def _matches(row: dict[str, Any], flt: dict[str, str]) -> bool:
    field, value, cond = flt.get("field"), flt.get("value", ""), flt.get("condition_type", "eq")
    have = row.get(field)
    if cond == "in":
        return str(have) in value.split(",")
    if cond in ("gt", "gteq", "lt", "lteq"):
        a, b = str(have or ""), value
        return {"gt": a > b, "gteq": a >= b, "lt": a < b, "lteq": a <= b}[cond]
    if cond == "like":
        return re.fullmatch(re.escape(value).replace("%", ".*"), str(have or "")) is not None
    if cond == "neq":
        return str(have) != value
    return str(have) == value


def search(rows: list[dict[str, Any]], criteria: dict[str, Any]) -> dict[str, Any]:
    """Filter (AND of groups, OR inside a group), sort, page like Magento's repositories."""
    found = [r for r in rows if all(any(_matches(r, f) for f in group) for group in criteria["filter_groups"])]
    for order in reversed(criteria["sort"]):
        found.sort(key=lambda r, f=order.get("field"): str(r.get(f) or ""), reverse=order.get("direction") == "DESC")
    size = criteria["page_size"]
    total = len(found)
    if size:
        if size > MAX_PAGE_SIZE:
            raise BadRequest(f"Maximum SearchCriteria pageSize is {MAX_PAGE_SIZE}")
        pages = max(1, -(-total // size))
        page = min(max(1, criteria["current_page"]), pages)  # Magento serves the last page past the end
        found = found[(page - 1) * size : page * size]
    return {"items": found, "total_count": total}


def _search_result(rows: list[dict[str, Any]], criteria: dict[str, Any]) -> dict[str, Any]:
    """A ``*-search-results-interface`` body: items, total_count and the criteria echoed back."""
    res = search(rows, criteria)
    echoed: dict[str, Any] = {
        "filter_groups": [{"filters": group} for group in criteria["filter_groups"]],
        "current_page": criteria["current_page"],
    }
    if criteria["page_size"]:
        echoed["page_size"] = criteria["page_size"]
    if criteria["sort"]:
        echoed["sort_orders"] = criteria["sort"]
    return {**res, "search_criteria": echoed}


def _number(value: Any, kind: str) -> float:
    """Magento's REST cast: numbers and numeric text pass, anything else is refused with its message."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        ok = True
    if not ok or (kind == "int" and not re.fullmatch(r"-?\d+(\.0+)?", str(value).strip())):
        raise BadRequest(
            f'The "{value}" value\'s type is invalid. The "{kind}" type was expected. Verify and try again.'
        )
    return float(value)


#: Status mix of a live store's recent orders (inferred): most wait for invoicing or shipping, a few are
#: finished, canceled, held or in payment review. The generator draws statuses uniformly.
LIVE_MIX = (("pending", 25), ("processing", 40), ("complete", 15), ("canceled", 8), ("holded", 4),
            ("payment_review", 4), ("pending_payment", 2), ("closed", 2))  # fmt: skip


def _live_mix(specs: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    names, weights = zip(*LIVE_MIX, strict=True)
    return [dict(spec, status_raw=rng.choices(names, weights)[0]) for spec in specs]


def _limit(items: Any, name: str) -> Reply | None:
    if not isinstance(items, list) or not items:
        raise BadRequest(f'"{name}" is required. Enter and try again.')
    if len(items) > INPUT_LIMIT:
        return Reply(
            400,
            {"message": "The number of entities exceeds the limit of %limit.", "parameters": {"limit": INPUT_LIMIT}},
        )
    return None


class MagentoSandbox(MagentoCatalogRoutes, SandboxServer):
    """A Magento 2.4 store with MSI, store code ``default`` and source ``default``; catalogue in :mod:`.magento_catalog`."""

    DEFAULT_ORDERS = 25

    def default_credentials(self) -> dict[str, str]:
        n = f"{self.seed:04d}"
        return {
            "consumer_key": f"sbxmagentoconsumer{n}key0000000",
            "consumer_secret": f"sbxmagentoconsumer{n}secret00000",
            "access_token": f"sbxmagentointegration{n}tokenabcdef",
            "access_token_secret": f"sbxmagentointegration{n}secret00000",
        }

    def channel_settings(self) -> dict[str, str]:
        return {"store_code": "default", "source_code": "default"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        from kit.sample import generate_orders

        products, sources = {}, {}
        for n, p in enumerate(catalog):
            sku = str(p["sku"])
            products[sku] = {
                "id": 100 + n,
                "sku": sku,
                "name": p["title"],
                "price": float(p["price"]),
                "status": 1 if p.get("active", True) else 2,
                "type_id": "simple",
                "attribute_set_id": 4,
                "visibility": 4,
                "weight": p.get("weight_kg"),
                "custom_attributes": [{"attribute_code": "ean", "value": str(p.get("ean") or "")}],
            }
            sources[(sku, "default")] = {
                "sku": sku,
                "source_code": "default",
                "quantity": float(p.get("stock") or 0),
                "status": 1 if int(p.get("stock") or 0) > 0 else 0,
            }
        self.allow_bearer = False
        self.state.data.update(products=products, sources=sources, orders={}, shipments={}, invoices={}, nonces=set())
        self.seed_catalog(catalog)
        self.state.data["denied_resources"] = set()
        if not isinstance(orders, list):
            count = orders if isinstance(orders, int) else self.DEFAULT_ORDERS
            specs = generate_orders(catalog, "magento", count, seed=self.seed) if count and catalog else []
            orders = recent(_live_mix(specs, random.Random(self.seed)))
        self.seed_orders(orders)

    def render_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A neutral order (:func:`kit.sample.generate_orders`) in Magento's documented order shape."""
        names = {sku: p["name"] for sku, p in self.state.data["products"].items()}
        return render_order(spec, names)

    def add_order(self, order: dict[str, Any]) -> None:
        """Add an order: Magento's JSON (has ``entity_id``) or a neutral one (rendered first)."""
        if "entity_id" not in order:
            order = self.render_order(order)
        with self.state.lock:
            self.state.data["orders"][int(order["entity_id"])] = order

    def make_order(self) -> dict[str, Any]:
        """One more order from the sample generator, with the next free id, placed now."""
        from kit.sample import generate_orders

        catalog = [{"sku": p["sku"], "price": p["price"]} for p in self.state.data["products"].values()]
        n = len(self.state.data["orders"]) + 1
        spec = recent(generate_orders(catalog, "magento", n, seed=self.seed)[-1:])[0]
        spec["order_id"] = str(max(self.state.data["orders"], default=100_000_000) + 1)
        return self.render_order(spec)

    def cancel_order(self, order_id: str) -> None:
        """The merchant (or the payment gateway) cancels the order: state ``canceled``, a new ``updated_at``.

        A held order is released first and an order in payment review is denied (both end
        canceled, as in the admin). Magento cannot cancel a complete, closed or fully
        invoiced order (only a credit memo undoes those): that raises ``ValueError``.
        """
        with self.state.lock:
            order = self.state.data["orders"][int(order_id)]
            if order["state"] in ("holded", "payment_review"):
                order["state"] = "processing" if any(i.get("qty_invoiced") for i in order["items"]) else "new"
            if not cancel(order):
                raise ValueError(f"Magento cannot cancel order {order_id} in state {order['state']!r}")

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, str(p["id"]), None) for sku, p in self.state.data["products"].items()]

    def set_backorders(self, sku: str, backorders: int, *, use_config: bool = False) -> None:
        """The product's "Backorders" (0 no, 1 allow qty below 0, 2 allow and notify), as the admin sets it."""
        with self.state.lock:
            self.state.data.setdefault("stock_config", {})[sku] = {"backorders": backorders, "use_config": use_config}

    def stock_levels(self) -> dict[str, float]:
        return {sku: src["quantity"] for (sku, code), src in self.state.data["sources"].items() if code == "default"}

    # -- authentication -----------------------------------------------------------------------
    def _unauthorized(self, resource: str = "self") -> Reply:
        return Reply(401, {"message": _UNAUTHORIZED, "parameters": {"resources": resource}})

    def check_auth(self, req: Request) -> Reply | None:
        auth = req.header("Authorization") or ""
        if auth.startswith("OAuth "):
            problem = self._verify_oauth(req, auth)
            if problem is not None:
                return problem
        elif not (self.allow_bearer and auth == f"Bearer {self.credentials.get('access_token')}"):
            return self._unauthorized()
        for resource, pattern in (
            ("Magento_Catalog::products", r"/V1/(products|configurable-products)"),
            ("Magento_Catalog::categories", r"/V1/categories"),
            ("Magento_InventoryApi::source_item", r"/V1/inventory/"),
            ("Magento_Sales::actions_view", r"/V1/orders?\b"),
        ):
            if resource in self.state.data["denied_resources"] and re.search(pattern, req.path):
                return self._unauthorized(resource)
        return None

    def _verify_oauth(self, req: Request, header: str) -> Reply | None:
        """RFC 5849 §3.2 as Magento applies it: known consumer and token, fresh timestamp, unused nonce, signature."""
        try:
            oauth = {k: utils.unescape(v) for k, v in utils.parse_authorization_header(header)}
        except ValueError:
            return self._unauthorized()
        creds = self.credentials
        needed = ("oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_nonce", "oauth_timestamp")
        if any(not oauth.get(k) for k in (*needed, "oauth_signature")):
            return Reply(401, {"message": "oauth_problem=parameter_absent"})
        if oauth["oauth_consumer_key"] != creds.get("consumer_key") or oauth["oauth_token"] != creds.get(
            "access_token"
        ):
            return self._unauthorized()
        sign = _SIGNERS.get(oauth["oauth_signature_method"])
        if sign is None:
            return Reply(401, {"message": f"Signature method {oauth['oauth_signature_method']} is not supported"})
        if (
            not oauth["oauth_timestamp"].isdigit()
            or abs(time.time() - int(oauth["oauth_timestamp"])) > TIMESTAMP_WINDOW_S
        ):
            return Reply(401, {"message": "The timestamp is out of range or invalid"})
        uri = f"http://{req.header('Host') or '127.0.0.1'}{req.path}"
        form = req.body if "x-www-form-urlencoded" in (req.header("Content-Type") or "") else None
        params = signature.collect_parameters(
            uri_query=urlencode([(k, v) for k, vs in req.query.items() for v in vs]),
            body=form,
            headers={"Authorization": header},
        )
        base = signature.signature_base_string(
            req.method, signature.base_string_uri(uri), signature.normalize_parameters(params)
        )
        keys = SimpleNamespace(
            client_secret=creds.get("consumer_secret", ""), resource_owner_secret=creds.get("access_token_secret", "")
        )
        expected = sign(base, keys)
        if not signature.safe_string_equals(expected, oauth["oauth_signature"]):
            return Reply(401, {"message": "The signature is invalid. Verify and try again."})
        nonce = (oauth["oauth_consumer_key"], oauth["oauth_nonce"])
        with self.state.lock:
            if nonce in self.state.data["nonces"]:
                return Reply(401, {"message": "The nonce is already being used by the consumer."})
            self.state.data["nonces"].add(nonce)
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"message": message})

    def admin(self, req: Request) -> Reply:
        return self.serve_file(req) or super().admin(req)

    def rate_limited_reply(self, retry_after: int) -> Reply:
        return Reply(429, {"message": "Too Many Requests"}, self.retry_after_headers(retry_after))

    # -- store, catalogue, stock, prices ------------------------------------------------------
    @route("GET", "/rest/{store}/V1/store/storeConfigs")
    def store_configs(self, req: Request) -> Any:
        base = self.url + "/"
        return [
            {
                "id": 1,
                "code": "default",
                "website_id": 1,
                "locale": "pt_BR",
                "base_currency_code": "BRL",
                "default_display_currency_code": "BRL",
                "timezone": "America/Sao_Paulo",
                "weight_unit": "kgs",
                "base_url": base,
                "base_link_url": base,
                "base_static_url": base + "static/",
                "base_media_url": base + "media/",
                "secure_base_url": base,
                "secure_base_link_url": base,
                "secure_base_static_url": base + "static/",
                "secure_base_media_url": base + "media/",
            }
        ]

    @route("GET", "/rest/{store}/V1/products")
    def products(self, req: Request) -> Any:
        return _search_result(list(self.state.data["products"].values()), parse_search_criteria(req.query))

    @route("GET", "/rest/{store}/V1/inventory/source-items")
    def source_items(self, req: Request) -> Any:
        return _search_result(list(self.state.data["sources"].values()), parse_search_criteria(req.query))

    @route("GET", "/rest/{store}/V1/stockItems/{sku}")
    def stock_item(self, req: Request) -> Any:
        sku = req.params["sku"]
        product = self.state.data["products"].get(sku)
        if product is None:
            raise BadRequest(f'The Product with the "{sku}" SKU doesn\'t exist.', 404)
        source = self.state.data["sources"].get((sku, "default")) or {"quantity": 0.0, "status": 0}
        config = self.state.data.get("stock_config", {}).get(sku, {"backorders": 0, "use_config": True})
        return {"item_id": int(product["id"]), "product_id": int(product["id"]), "stock_id": 1,
                "qty": float(source["quantity"]), "is_in_stock": bool(source["status"]), "is_qty_decimal": False,
                "show_default_notification_message": False, "use_config_min_qty": True, "min_qty": 0,
                "use_config_min_sale_qty": 1, "min_sale_qty": 1, "use_config_max_sale_qty": True,
                "max_sale_qty": 10000, "use_config_backorders": config["use_config"],
                "backorders": config["backorders"], "use_config_notify_stock_qty": True, "notify_stock_qty": 1,
                "use_config_qty_increments": True, "qty_increments": 0, "use_config_enable_qty_inc": True,
                "enable_qty_increments": False, "use_config_manage_stock": True, "manage_stock": True,
                "low_stock_date": None, "is_decimal_divided": False, "stock_status_changed_auto": 0}  # fmt: skip

    @route("POST", "/rest/{store}/V1/inventory/source-items")
    def source_items_save(self, req: Request) -> Any:
        items = (req.json() or {}).get("sourceItems")
        refused = _limit(items, "sourceItems")
        if refused:
            return refused
        errors = []
        for it in items:
            sku = str(it.get("sku") or "")
            for field in ("sku", "source_code", "quantity", "status"):
                if it.get(field) is None:
                    errors.append({"message": '"%field" is required.', "parameters": {"field": field}})
            if "quantity" in it:
                _number(it["quantity"], "float")
            if "status" in it:
                _number(it["status"], "int")
            if sku and sku not in self.state.data["products"]:
                errors.append({"message": 'Product with SKU "%sku" does not exist.', "parameters": {"sku": sku}})
        if errors:  # MSI validates the whole list; nothing is saved
            return Reply(400, {"message": "Validation Failed", "errors": errors})
        with self.state.lock:
            for it in items:
                key = (str(it["sku"]), str(it["source_code"]))
                self.state.data["sources"][key] = {
                    "sku": key[0],
                    "source_code": key[1],
                    "quantity": float(it["quantity"]),
                    "status": int(float(it["status"])),
                }
        return []  # a void service answers an empty array (README erratum 4: no 2xx documented)

    @route("POST", "/rest/{store}/V1/products/base-prices")
    def base_prices(self, req: Request) -> Any:
        prices = (req.json() or {}).get("prices")
        refused = _limit(prices, "prices")
        if refused:
            return refused
        for p in prices:
            for field, kind in (("price", "float"), ("store_id", "int"), ("sku", None)):
                if p.get(field) is None:
                    raise BadRequest(f'"{field}" is required. Enter and try again.')
                if kind:
                    _number(p[field], kind)
        failed = []
        with self.state.lock:
            for p in prices:
                sku, price = str(p["sku"]), float(p["price"])
                if sku not in self.state.data["products"]:
                    # Price results carry their parameters as a list of strings (the schema's string[]).
                    failed.append({"message": "Requested product doesn't exist. SKU = %SKU.", "parameters": [sku]})
                elif price < 0:
                    failed.append(
                        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["Price", str(price)]}
                    )
                else:
                    self.state.data["products"][sku]["price"] = price
        return failed

    # -- orders --------------------------------------------------------------------------------
    @route("GET", "/rest/{store}/V1/orders")
    def orders(self, req: Request) -> Any:
        with self.state.lock:
            rows = list(self.state.data["orders"].values())
        return _search_result(rows, parse_search_criteria(req.query))

    def _order(self, req: Request) -> dict[str, Any]:
        try:
            return self.state.data["orders"][int(req.params["id"])]
        except (KeyError, ValueError):
            raise BadRequest(
                "The entity that was requested doesn't exist. Verify the entity and try again.", 404
            ) from None

    @route("GET", "/rest/{store}/V1/orders/{id}")
    def order(self, req: Request) -> Any:
        return self._order(req)

    def _lines(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        lines = body.get("items") or []
        for line in lines:
            for field, kind in (("order_item_id", "int"), ("qty", "float")):
                if line.get(field) is None:
                    raise BadRequest(f'"{field}" is required. Enter and try again.')
                _number(line[field], kind)
        return lines

    @route("POST", "/rest/{store}/V1/order/{id}/invoice")
    def invoice(self, req: Request) -> Any:
        body = req.json() or {}
        with self.state.lock:
            order = self._order(req)
            try:
                invoice(order, self._lines(body))
            except OrderRefused as exc:
                raise BadRequest(str(exc)) from None
            invoice_id = len(self.state.data["invoices"]) + 1
            self.state.data["invoices"][invoice_id] = {"order_id": order["entity_id"], **body}
        return invoice_id

    @route("POST", "/rest/{store}/V1/order/{id}/ship")
    def ship(self, req: Request) -> Any:
        body = req.json() or {}
        for track in body.get("tracks") or []:
            missing = [f for f in ("track_number", "title", "carrier_code") if not track.get(f)]
            if missing:
                raise BadRequest(f'"{missing[0]}" is required. Enter and try again.')
        with self.state.lock:
            order = self._order(req)
            try:
                ship(order, self._lines(body))
            except OrderRefused as exc:
                raise BadRequest(str(exc)) from None
            shipment_id = len(self.state.data["shipments"]) + 1
            self.state.data["shipments"][shipment_id] = {"order_id": order["entity_id"], **body}
        return shipment_id

    @route("POST", "/rest/{store}/V1/orders/{id}/cancel")
    def cancel(self, req: Request) -> Any:
        with self.state.lock:
            return cancel(self._order(req))

    @route("POST", "/rest/{store}/V1/orders/{id}/comments")
    def comment(self, req: Request) -> Any:
        history = (req.json() or {}).get("statusHistory")
        if not isinstance(history, dict):
            raise BadRequest('"statusHistory" is required. Enter and try again.')
        for field in ("comment", "is_customer_notified", "is_visible_on_front"):
            if history.get(field) is None:
                raise BadRequest(f'"{field}" is required. Enter and try again.')
        with self.state.lock:
            order = self._order(req)
            order["status_histories"].append(
                {**history, "parent_id": order["entity_id"], "created_at": magento_time(datetime.now(UTC))}
            )
        return True


register_sandbox("magento", MagentoSandbox)
