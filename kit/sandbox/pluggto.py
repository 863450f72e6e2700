"""Plug.to sandbox: OAuth2 (password / single-use refresh tokens, 1 h), products and SKUs, orders, shipments.

Follows ``../shared/channel-apis.md`` section 5: form-encoded ``POST
/oauth/token`` (refresh tokens are consumed on use), ``Authorization: Bearer``,
list envelopes ``{total, showing, limit, hash_prev, hash_next, result[]}``
with wrapped records (``{"Product": {...}}``), ``PUT /skus/{sku}``, orders by
``modified=<day>to<day>``, and ``PUT /orders/{id}`` whose ``shipments[]``
update the shipment with the same ``id``, and **create a new (duplicate)
shipment when the id is missing**, as Plug.to documents. See ``docs/channels.md``.
"""

from __future__ import annotations

import secrets as _secrets
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote

from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route

__all__ = ["PluggtoSandbox", "ACCESS_TTL_S"]

ACCESS_TTL_S = 3600
MAX_LIMIT = 100


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class PluggtoSandbox(SandboxServer):
    """In-memory Plug.to user; every sixth catalogue SKU pair becomes variations of one product."""

    def default_credentials(self) -> dict[str, str]:
        return {
            "client_id": f"sbx-pluggto-client-{self.seed:04d}",
            "client_secret": f"sbxPLUGGTOsecret{self.seed:04d}",
            "username": f"sbx-api-user-{self.seed:04d}",
            "password": f"sbxPLUGGTOpass{self.seed:04d}",
        }

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        products: dict[str, dict[str, Any]] = {}
        by_sku: dict[str, dict[str, Any]] = {}  # sku -> the record (product or variation) holding stock/price
        rows = list(catalog)
        i = 0
        while i < len(rows):
            p = rows[i]
            pid = f"plg{100000 + i}"
            group = rows[i : i + 2] if i % 6 == 4 and i + 1 < len(rows) else [p]
            variations = [
                {
                    "id": f"{pid}-{k}",
                    "sku": str(v["sku"]),
                    "ean": str(v.get("ean") or ""),
                    "quantity": int(v.get("stock") or 0),
                    "price": round(float(v.get("price") or 0) * 1.1, 2),
                    "special_price": float(v.get("price") or 0),
                }
                for k, v in enumerate(group)
            ]
            product = {"id": pid, "name": p["title"], "brand": p.get("brand"), "ncm": str(p.get("ncm") or "")}
            if len(group) > 1:
                product.update(sku=f"PAI-{p['sku']}", variations=variations)
                for v in variations:
                    by_sku[v["sku"]] = v
            else:
                product.update({k: v for k, v in variations[0].items() if k != "id"}, variations=[])
                by_sku[product["sku"]] = product
            products[pid] = product
            i += len(group)
        self.state.data.update(products=products, by_sku=by_sku, orders={}, user={"id": 129, "name": "Loja Sandbox"})
        self.state.data.update(refresh_tokens=set(), access_tokens={}, token_calls=0)
        self.seed_orders(orders)

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, None, None) for sku in self.state.data["by_sku"]]

    def stock_levels(self) -> dict[str, float]:
        return {sku: rec["quantity"] for sku, rec in self.state.data["by_sku"].items()}

    def make_order(self) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("pluggto")
        (carrier, method), _ = rng.choice(values["carrier_service"])
        payment, _ = rng.choice(values["payment_method"])
        status, _ = rng.choice(values["order_status"])
        n = len(self.state.data["orders"])
        oid = f"5f{n + 1:010d}"
        created = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2, minutes=-7 * n)
        skus = rng.sample(sorted(self.state.data["by_sku"]), k=min(2, len(self.state.data["by_sku"])))
        items = []
        for sku in skus:
            rec = self.state.data["by_sku"][sku]
            items.append(
                {
                    "sku": sku,
                    "quantity": rng.randint(1, 3),
                    "price": rec["special_price"],
                    "name": sku,
                    "variation": {"sku": sku},
                }
            )
        total = round(sum(i["price"] * i["quantity"] for i in items) + 10.0, 2)
        return {
            "id": oid,
            "external": f"EXT-{n + 1}",
            "status": status,
            "total": total,
            "subtotal": total - 10.0,
            "shipping": 10.0,
            "created": _iso(created),
            "modified": _iso(created + timedelta(minutes=2)),
            "receiver_name": "Cliente",
            "receiver_lastname": f"Sandbox {n + 1}",
            "receiver_address": "Rua Sandbox",
            "receiver_zipcode": "01310100",
            "receiver_city": "São Paulo",
            "receiver_state": "SP",
            "payer_name": "Cliente",
            "payer_lastname": f"Sandbox {n + 1}",
            "payer_email": f"c{n + 1}@example.com",
            "payer_cpf": "12345678909",
            "delivery_type": "standard",
            "items": items,
            "payments": [
                {"payment_type": payment, "payment_method": payment, "payment_installments": 1, "payment_total": total}
            ],
            "shipments": [{"id": f"shp{oid}", "shipping_company": carrier, "shipping_method": method, "status": None}],
        }

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["id"]] = order

    # -- auth ------------------------------------------------------------------------
    def _issue(self) -> dict[str, Any]:
        access = "plg-at-" + _secrets.token_hex(16)
        refresh = "plg-rt-" + _secrets.token_hex(16)
        self.state.data["access_tokens"][access] = time.time() + ACCESS_TTL_S
        self.state.data["refresh_tokens"].add(refresh)
        return {"access_token": access, "refresh_token": refresh, "expires_in": ACCESS_TTL_S, "token_type": "bearer"}

    @route("POST", "/oauth/token")
    def oauth_token(self, req: Request) -> Any:
        form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8")).items()}
        creds = self.credentials
        if (form.get("client_id"), form.get("client_secret")) != (creds["client_id"], creds["client_secret"]):
            return Reply(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        with self.state.lock:
            self.state.data["token_calls"] += 1
            grant = form.get("grant_type")
            if grant == "password":
                if (form.get("username"), form.get("password")) != (creds["username"], creds["password"]):
                    return Reply(400, {"error": "invalid_grant", "error_description": "Invalid username and password"})
            elif grant == "refresh_token":
                token = form.get("refresh_token")
                if token not in self.state.data["refresh_tokens"]:
                    return Reply(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"})
                self.state.data["refresh_tokens"].discard(token)  # consumed on use
            else:
                return Reply(400, {"error": "unsupported_grant_type", "error_description": f"{grant} not supported"})
            return self._issue()

    def check_auth(self, req: Request) -> Reply | None:
        if req.path == "/oauth/token":
            return None
        with self.state.lock:
            if self.faults.expire_tokens:
                for token in self.state.data["access_tokens"]:
                    self.state.data["access_tokens"][token] = 0.0
                self.faults.expire_tokens = False
            auth = req.header("Authorization") or ""
            token = auth.removeprefix("Bearer ").strip()
            expiry = self.state.data["access_tokens"].get(token)
        if not token or expiry is None:
            return Reply(401, {"error": "invalid_token", "error_description": "The access token provided is invalid"})
        if expiry < time.time():
            return Reply(401, {"error": "invalid_token", "error_description": "The access token provided has expired"})
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"error": True, "type": "error", "details": message, "message": message})

    # -- lists -------------------------------------------------------------------------
    @staticmethod
    def _envelope(rows: list[Any], req: Request, key: str) -> dict[str, Any]:
        try:
            limit = max(1, min(int(req.q("limit", "100") or 100), MAX_LIMIT))
            offset = int(req.q("next") or 0) if (req.q("next") or "0").isdigit() else -1
        except ValueError:
            raise BadRequest("limit must be a number") from None
        if offset < 0:
            raise BadRequest("invalid next hash")
        chunk = rows[offset : offset + limit]
        more = offset + limit < len(rows)
        return {
            "total": len(rows),
            "showing": len(chunk),
            "limit": limit,
            "hash_prev": str(max(0, offset - limit)) if offset else None,
            "hash_next": str(offset + limit) if more else None,
            "result": [{key: r} for r in chunk],
        }

    @route("GET", "/users")
    def users(self, req: Request) -> Any:
        return {"User": self.state.data["user"]}

    @route("GET", "/products")
    def products_list(self, req: Request) -> Any:
        with self.state.lock:
            rows = [self.state.data["products"][k] for k in sorted(self.state.data["products"])]
        return self._envelope(rows, req, "Product")

    @route("GET", "/skus/{sku}")
    def sku_get(self, req: Request) -> Any:
        rec = self.state.data["by_sku"].get(unquote(req.params["sku"]))
        return {"Product": rec} if rec is not None else self.error_reply(404, "Sku not found")

    @route("PUT", "/skus/{sku}")
    def sku_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not body:
            raise BadRequest("body must be an object with the fields to change")
        for key in ("quantity", "price", "special_price"):
            if key in body and (not isinstance(body[key], (int, float)) or body[key] < 0):
                raise BadRequest(f"{key} must be a non-negative number")
        with self.state.lock:
            rec = self.state.data["by_sku"].get(unquote(req.params["sku"]))
            if rec is None:
                return self.error_reply(404, "Sku not found")
            for key in ("quantity", "price", "special_price"):
                if key in body:
                    rec[key] = int(body[key]) if key == "quantity" else float(body[key])
        return {"Product": rec}

    @route("GET", "/orders")
    def orders_list(self, req: Request) -> Any:
        with self.state.lock:
            rows = sorted(self.state.data["orders"].values(), key=lambda o: (o["modified"], o["id"]))
        window = req.q("modified")
        if window:
            first, _, last = window.partition("to")
            try:
                start, end = date.fromisoformat(first), date.fromisoformat(last or first)
            except ValueError:
                raise BadRequest("modified must be YYYY-MM-DD or YYYY-MM-DDtoYYYY-MM-DD") from None
            rows = [o for o in rows if start <= date.fromisoformat(o["modified"][:10]) <= end]
        return self._envelope(rows, req, "Order")

    @route("GET", "/orders/{orderId}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        return {"Order": order} if order is not None else self.error_reply(404, "Order not found")

    @route("PUT", "/orders/{orderId}")
    def order_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("body must be an object")
        with self.state.lock:
            order = self.state.data["orders"].get(req.params["orderId"])
            if order is None:
                return self.error_reply(404, "Order not found")
            for shipment in body.get("shipments") or []:
                current = next(
                    (s for s in order["shipments"] if shipment.get("id") and s["id"] == shipment["id"]), None
                )
                if current is None:  # documented: without the existing id a new shipment is created
                    order["shipments"].append({**shipment, "id": f"shp{order['id']}-{len(order['shipments']) + 1}"})
                else:
                    current.update(shipment)
            if body.get("status"):
                order["status"] = body["status"]
            order["modified"] = _iso(datetime.now(UTC))
        return {"Order": order}


register_sandbox("pluggto", PluggtoSandbox)
