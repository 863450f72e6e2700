"""Magento 2 sandbox: REST ``/rest/{store_code}/V1`` with searchCriteria, MSI source items, base prices, orders.

Behaviour copied from the platform where it matters to a client: bearer
token (401 with Magento's body when it is wrong or lacks an ACL resource),
``searchCriteria[pageSize]``/``[currentPage]`` paging that returns the *last*
page again past the end (clients must stop on ``total_count``), input
limiting of 20 entities per request (on here, as 2.4.3 shipped it), and
per-item errors from ``base-prices``. See ``docs/channels.md``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route

__all__ = ["MagentoSandbox", "parse_search_criteria"]

INPUT_LIMIT = 20  # §3.7: list inputs of at most 20 entities when input limiting is on
MAX_PAGE_SIZE = 300  # §3.7
TS = "%Y-%m-%d %H:%M:%S"

_KEY = re.compile(r"searchCriteria\[(\w+)\](?:\[(\d+)\])?(?:\[(\w+)\])?(?:\[(\d+)\])?(?:\[(\w+)\])?")


def parse_search_criteria(query: dict[str, list[str]]) -> dict[str, Any]:
    """``searchCriteria[...]`` query keys -> {filter_groups: [[{field, value, condition_type}]], sort, page, size}."""
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    out: dict[str, Any] = {"page_size": None, "current_page": 1}
    for key, values in query.items():
        m = _KEY.fullmatch(key)
        if not m:
            continue
        value = values[0]
        top = m.group(1)
        if top == "pageSize":
            out["page_size"] = int(value)
        elif top == "currentPage":
            out["current_page"] = int(value)
        elif top == "filter_groups" and m.group(2) is not None and m.group(4) is not None:
            groups.setdefault(int(m.group(2)), {}).setdefault(int(m.group(4)), {})[m.group(5)] = value
        elif top == "sortOrders" and m.group(2) is not None:
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


class MagentoSandbox(SandboxServer):
    """A Magento 2.4 store with MSI, store code ``default`` and source ``default``."""

    def default_credentials(self) -> dict[str, str]:
        return {"access_token": f"sbxmagentointegration{self.seed:04d}tokenabcdef"}

    def channel_settings(self) -> dict[str, str]:
        return {"store_code": "default", "source_code": "default"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
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
                "weight": p.get("weight_kg"),
                "custom_attributes": [{"attribute_code": "ean", "value": str(p.get("ean") or "")}],
            }
            sources[(sku, "default")] = {
                "sku": sku,
                "source_code": "default",
                "quantity": float(p.get("stock") or 0),
                "status": 1 if int(p.get("stock") or 0) > 0 else 0,
            }
        self.state.data.update(products=products, sources=sources, orders={}, invoices={}, shipments={}, comments={})
        self.state.data["denied_resources"] = set()
        if isinstance(orders, list):
            for o in orders:
                self.state.data["orders"][int(o["entity_id"])] = o
        else:
            for _ in range(orders if isinstance(orders, int) else 25):
                self.add_order(self.make_order())

    def make_order(self) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("magento")
        (_carrier, method), _ = rng.choice(values["carrier_service"])
        payment, _ = rng.choice(values["payment_method"])
        status, _ = rng.choice(values["order_status"])
        n = len(self.state.data["orders"]) + 1
        created = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10) + timedelta(minutes=41 * n)
        products = self.state.data["products"]
        chosen = rng.sample(sorted(products), k=min(len(products), rng.randint(1, 3)))
        items = []
        for k, sku in enumerate(chosen):
            p = products[sku]
            items.append(
                {
                    "item_id": n * 10 + k,
                    "sku": sku,
                    "name": p["name"],
                    "qty_ordered": float(rng.randint(1, 3)),
                    "price": p["price"],
                    "product_type": "simple",
                }
            )
        subtotal = round(sum(i["price"] * i["qty_ordered"] for i in items), 2)
        address = {
            "firstname": "Cliente",
            "lastname": f"Sandbox {n}",
            "street": ["Rua das Flores", "100"],
            "city": "Curitiba",
            "region_code": "PR",
            "postcode": "80010-000",
            "country_id": "BR",
            "telephone": "41999990000",
            "vat_id": "12345678909",
        }
        state = {"pending": "new", "pending_payment": "pending_payment", "processing": "processing"}.get(status, status)
        return {
            "entity_id": n,
            "increment_id": f"{100000000 + n}",
            "state": state,
            "status": status,
            "created_at": created.strftime(TS),
            "updated_at": (created + timedelta(minutes=3)).strftime(TS),
            "customer_email": f"cliente{n}@example.com",
            "customer_firstname": "Cliente",
            "customer_lastname": f"Sandbox {n}",
            "customer_taxvat": "12345678909",
            "grand_total": round(subtotal + 19.9, 2),
            "shipping_amount": 19.9,
            "items": items,
            "billing_address": address,
            "payment": {"method": payment},
            "shipping_description": method,
            "extension_attributes": {
                "shipping_assignments": [{"shipping": {"method": method, "address": address}}],
            },
            "status_histories": [],
        }

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][int(order["entity_id"])] = order

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, str(p["id"]), None) for sku, p in self.state.data["products"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: src["quantity"] for (sku, code), src in self.state.data["sources"].items() if code == "default"}

    # -- channel behaviour ------------------------------------------------------
    def check_auth(self, req: Request) -> Reply | None:
        auth = req.header("Authorization") or ""
        if auth != f"Bearer {self.credentials['access_token']}":
            return Reply(
                401,
                {"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": "self"}},
            )
        for resource, pattern in (
            ("Magento_Catalog::products", r"/V1/products"),
            ("Magento_InventoryApi::source_item", r"/V1/inventory/"),
            ("Magento_Sales::actions_view", r"/V1/orders?\b"),
        ):
            if resource in self.state.data["denied_resources"] and re.search(pattern, req.path):
                return Reply(
                    401,
                    {
                        "message": "The consumer isn't authorized to access %resources.",
                        "parameters": {"resources": resource},
                    },
                )
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"message": message})

    def _criteria(self, req: Request) -> dict[str, Any]:
        return parse_search_criteria(req.query)

    @route("GET", "/rest/{store}/V1/store/storeConfigs")
    def store_configs(self, req: Request) -> Any:
        return [
            {
                "id": 1,
                "code": "default",
                "website_id": 1,
                "locale": "pt_BR",
                "base_currency_code": "BRL",
                "default_display_currency_code": "BRL",
                "timezone": "America/Sao_Paulo",
                "base_url": self.url + "/",
            }
        ]

    @route("GET", "/rest/{store}/V1/products")
    def products(self, req: Request) -> Any:
        criteria = self._criteria(req)
        res = search(list(self.state.data["products"].values()), criteria)
        return {
            **res,
            "search_criteria": {"page_size": criteria["page_size"], "current_page": criteria["current_page"]},
        }

    @route("GET", "/rest/{store}/V1/inventory/source-items")
    def source_items(self, req: Request) -> Any:
        criteria = self._criteria(req)
        res = search(list(self.state.data["sources"].values()), criteria)
        return {
            **res,
            "search_criteria": {"page_size": criteria["page_size"], "current_page": criteria["current_page"]},
        }

    @route("POST", "/rest/{store}/V1/inventory/source-items")
    def source_items_save(self, req: Request) -> Any:
        body = req.json() or {}
        items = body.get("sourceItems")
        if not isinstance(items, list) or not items:
            raise BadRequest('"sourceItems" is required. Enter and try again.')
        if len(items) > INPUT_LIMIT:
            return Reply(
                400,
                {
                    "message": "The number of entities exceeds the limit of %limit.",
                    "parameters": {"limit": INPUT_LIMIT},
                },
            )
        errors = []
        for it in items:
            sku = str(it.get("sku") or "")
            if sku not in self.state.data["products"]:
                errors.append({"message": 'Product with SKU "%sku" does not exist.', "parameters": {"sku": sku}})
            if "quantity" not in it or it.get("source_code") is None:
                errors.append({"message": '"%field" is required.', "parameters": {"field": "quantity"}})
        if errors:  # MSI validates the whole list; nothing is saved
            return Reply(400, {"message": "Validation Failed", "errors": errors})
        with self.state.lock:
            for it in items:
                key = (str(it["sku"]), str(it["source_code"]))
                self.state.data["sources"][key] = {
                    "sku": key[0],
                    "source_code": key[1],
                    "quantity": float(it["quantity"]),
                    "status": int(it.get("status", 1)),
                }
        return []

    @route("POST", "/rest/{store}/V1/products/base-prices")
    def base_prices(self, req: Request) -> Any:
        body = req.json() or {}
        prices = body.get("prices")
        if not isinstance(prices, list) or not prices:
            raise BadRequest('"prices" is required. Enter and try again.')
        if len(prices) > INPUT_LIMIT:
            return Reply(
                400,
                {
                    "message": "The number of entities exceeds the limit of %limit.",
                    "parameters": {"limit": INPUT_LIMIT},
                },
            )
        failed = []
        with self.state.lock:
            for p in prices:
                sku = str(p.get("sku") or "")
                price = p.get("price")
                if sku not in self.state.data["products"]:
                    failed.append(
                        {"message": "Requested product doesn't exist. SKU = %SKU.", "parameters": {"SKU": sku}}
                    )
                elif not isinstance(price, (int, float)) or price < 0:
                    failed.append(
                        {
                            "message": "Invalid attribute %fieldName = %fieldValue.",
                            "parameters": {"SKU": sku, "fieldName": "Price", "fieldValue": str(price)},
                        }
                    )
                else:
                    self.state.data["products"][sku]["price"] = float(price)
        return failed

    @route("GET", "/rest/{store}/V1/orders")
    def orders(self, req: Request) -> Any:
        criteria = self._criteria(req)
        res = search(list(self.state.data["orders"].values()), criteria)
        return {
            **res,
            "search_criteria": {"page_size": criteria["page_size"], "current_page": criteria["current_page"]},
        }

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

    @route("POST", "/rest/{store}/V1/order/{id}/invoice")
    def invoice(self, req: Request) -> Any:
        order = self._order(req)
        with self.state.lock:
            if order["entity_id"] in self.state.data["invoices"]:
                raise BadRequest("The order does not allow an invoice to be created.")
            invoice_id = len(self.state.data["invoices"]) + 1
            self.state.data["invoices"][order["entity_id"]] = {"id": invoice_id, "body": req.json()}
            order["state"] = order["status"] = "processing"
            order["updated_at"] = datetime.now(UTC).strftime(TS)
        return str(invoice_id)

    @route("POST", "/rest/{store}/V1/order/{id}/ship")
    def ship(self, req: Request) -> Any:
        order = self._order(req)
        body = req.json() or {}
        for track in body.get("tracks") or []:
            if not track.get("track_number") or not track.get("carrier_code"):
                raise BadRequest("Please enter a tracking number and a carrier code.")
        with self.state.lock:
            shipment_id = len(self.state.data["shipments"]) + 1
            self.state.data["shipments"][shipment_id] = {"order_id": order["entity_id"], **body}
            order["state"] = order["status"] = "complete"
            order["updated_at"] = datetime.now(UTC).strftime(TS)
        return str(shipment_id)

    @route("POST", "/rest/{store}/V1/orders/{id}/comments")
    def comment(self, req: Request) -> Any:
        order = self._order(req)
        history = (req.json() or {}).get("statusHistory") or {}
        if not history.get("comment"):
            raise BadRequest('"comment" is required.')
        with self.state.lock:
            order["status_histories"].append(history)
        return True


register_sandbox("magento", MagentoSandbox)
