"""The Plug.to sandbox server: OAuth (password grant, single-use refresh tokens, 1 h) and the user's store.

From ``../shared/channel-apis.md`` §5.1: form-encoded ``POST /oauth/token``
(``grant_type`` password, authorization_code or refresh_token; the refresh
token is consumed on use and a new one comes back), ``Authorization: Bearer``,
access tokens for 1 hour; ``GET /users`` identifies the user. Parts:
:mod:`~kit.sandbox.pluggto.catalog` (products, SKUs),
:mod:`~kit.sandbox.pluggto.orders` (orders). Orders come from the sample
order generator through :meth:`PluggtoSandbox.render_order`.
"""

from __future__ import annotations

import secrets as _secrets
import time
from typing import Any
from urllib.parse import parse_qs

from kit.sandbox._sample_orders import recent_specs
from kit.sandbox.base import Reply, Request, SandboxServer, route
from kit.sandbox.pluggto.catalog import CatalogRoutes, build_products
from kit.sandbox.pluggto.common import now, plg_error
from kit.sandbox.pluggto.orders import OrderRoutes, cancel, render_order

__all__ = ["PluggtoSandbox", "ACCESS_TTL_S"]

ACCESS_TTL_S = 3600  # §5.1: 1 hour


class PluggtoSandbox(CatalogRoutes, OrderRoutes, SandboxServer):
    """An in-memory Plug.to user.

    Args (besides the base's):
        not_updated_status: the HTTP status of a ``not_updated`` answer (undocumented; 400 by default).
    """

    def __init__(self, *args: Any, not_updated_status: int = 400, **kw: Any) -> None:
        self.not_updated_status = not_updated_status
        super().__init__(*args, **kw)

    def default_credentials(self) -> dict[str, str]:
        return {
            "client_id": f"sbx-pluggto-client-{self.seed:04d}",
            "client_secret": f"sbxPLUGGTOsecret{self.seed:04d}",
            "username": f"sbx-api-user-{self.seed:04d}",
            "password": f"sbxPLUGGTOpass{self.seed:04d}",
        }

    # -- data ---------------------------------------------------------------------
    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        products = build_products(list(catalog))
        by_sku = {}
        for p in products.values():
            for rec in p["variations"] or [p]:
                by_sku[rec["sku"]] = rec
        self.state.data.update(products=products, by_sku=by_sku, orders={}, user={"id": 129, "name": "Loja Sandbox"})
        self.state.data.update(refresh_tokens=set(), access_tokens={}, token_calls=0)
        self._catalog = list(catalog)
        if isinstance(orders, list):
            for order in orders:
                self.add_order(order)
        else:
            count = self.DEFAULT_ORDERS if orders is None else int(orders)
            for spec in recent_specs(self._catalog, "pluggto", count, self.seed):
                self.add_order(spec)

    def render_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A neutral order spec as Plug.to's order (not stored; see :meth:`add_order`)."""
        variation_skus = {v["sku"] for p in self.state.data["products"].values() for v in p["variations"]}
        return render_order(spec, variation_skus)

    def make_order(self) -> dict[str, Any]:
        """A new order in Plug.to's shape (the next sample spec), not stored."""
        count = len(self.state.data["orders"]) + 1
        return self.render_order(recent_specs(self._catalog, "pluggto", count, self.seed)[-1])

    def add_order(self, order: dict[str, Any]) -> dict[str, Any]:
        """Store an order (a neutral spec is rendered first)."""
        if "order_id" in order:
            order = self.render_order(order)
        with self.state.lock:
            self.state.data["orders"][order["id"]] = order
        return order

    def cancel_order(self, order_id: str) -> None:
        """The sales channel cancels: ``status: canceled`` and a new ``modified`` (the list's filter)."""
        with self.state.lock:
            cancel(self.state.data["orders"][order_id], now())

    def listings_by_ref(self) -> dict[str, list[str]]:
        """SKU -> every product or ``product/variation`` carrying it (tests: exactly one each)."""
        out: dict[str, list[str]] = {}
        for p in self.state.data["products"].values():
            for rec in p["variations"] or [p]:
                out.setdefault(rec["sku"], []).append(p["id"] if rec is p else f"{p['id']}/{rec['id']}")
        return out

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, None, None) for sku in self.state.data["by_sku"]]

    def stock_levels(self) -> dict[str, float]:
        return {sku: rec["quantity"] for sku, rec in self.state.data["by_sku"].items()}

    # -- auth ------------------------------------------------------------------------
    def _issue(self) -> dict[str, Any]:
        access = "plg-at-" + _secrets.token_hex(16)
        refresh = "plg-rt-" + _secrets.token_hex(16)
        self.state.data["access_tokens"][access] = time.time() + ACCESS_TTL_S
        self.state.data["refresh_tokens"].add(refresh)
        return {"access_token": access, "refresh_token": refresh, "expires_in": ACCESS_TTL_S, "token_type": "bearer"}

    @route("POST", "/oauth/token")
    def oauth_token(self, req: Request) -> Any:
        if "application/x-www-form-urlencoded" not in (req.header("Content-Type") or ""):
            return Reply(400, {"error": "invalid_request", "error_description": "send a form-urlencoded body"})
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
        return plg_error(status, "error", message)

    @route("GET", "/users")
    def users(self, req: Request) -> Any:
        return {"User": self.state.data["user"]}
