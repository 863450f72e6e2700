"""Mercado Livre sandbox: OAuth (single-use refresh tokens), the seller and the application.

* §1.1: ``POST /oauth/token`` with a form-urlencoded body; the refresh token is
  single use (``invalid_grant`` on reuse); access tokens last 6 h and are
  sent as ``Authorization: Bearer``.
* developers.mercadolivre.com.br/gerencie-seu-aplicativo: ``GET
  /applications/{app_id}`` answers the application's details, among them
  ``max_requests_per_hour`` (18000 in the page's example), and
  ``GET /users/{user_id}/applications`` the apps the seller authorized.
"""

from __future__ import annotations

import secrets as _secrets
import time
from typing import Any
from urllib.parse import parse_qs

from kit.sandbox.base import Reply, Request, route
from kit.sandbox.mercadolivre.common import SELLER_ID, SITE, ml_error

__all__ = ["AuthRoutes", "ACCESS_TTL_S", "APP_QUOTA_PER_HOUR"]

ACCESS_TTL_S = 21600  # §1.1: 6 h
#: The application's request quota in the official page's example (GET /applications/{id}).
APP_QUOTA_PER_HOUR = 18000


class AuthRoutes:
    """OAuth, ``/users/me``, the seller's authorized apps and the application's details (a mixin)."""

    state: Any
    credentials: dict[str, str]
    faults: Any
    seed: int
    app_quota_per_hour: int

    def default_credentials(self) -> dict[str, str]:
        return {
            "client_id": "5503910054141466",
            "client_secret": f"sbxmlsecret{self.seed:04d}abcdefghijkl",
            "refresh_token": f"TG-sbx{self.seed:04d}-initialrefresh-000000",
        }

    def seed_auth(self) -> None:
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
            return ml_error(401, "unauthorized", "authorization value not present")
        expiry = data["access_tokens"].get(token)
        if expiry is None or expiry < time.time():
            return ml_error(401, "invalid_token", "invalid access token")
        if data.get("denied_scopes") and any(req.path.startswith(p) for p in data["denied_scopes"]):
            return ml_error(403, "forbidden", "PA_UNAUTHORIZED_RESULT_FROM_POLICIES")
        return None

    @route("POST", "/oauth/token")
    def oauth_token(self, req: Request) -> Any:
        ctype = req.header("Content-Type") or ""
        if "application/x-www-form-urlencoded" not in ctype:
            return ml_error(400, "invalid_request", "parameters must go in a form-urlencoded body")
        form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8")).items()}
        if (form.get("client_id"), form.get("client_secret")) != (
            self.credentials["client_id"],
            self.credentials["client_secret"],
        ):
            return ml_error(401, "invalid_client", "invalid client_id or client_secret")
        if form.get("grant_type") != "refresh_token":
            return ml_error(400, "unsupported_grant_type", "only refresh_token is supported by the sandbox")
        data = self.state.data
        with self.state.lock:
            data["token_calls"] += 1
            old = form.get("refresh_token")
            if old not in data["refresh_tokens"]:
                return ml_error(
                    400,
                    "invalid_grant",
                    "Error validating grant. Your authorization code or refresh token may be expired or it was "
                    "already used",
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

    @route("GET", "/users/me")
    def users_me(self, req: Request) -> Any:
        return {"id": SELLER_ID, "nickname": "LOJA_SANDBOX", "site_id": SITE, "tags": ["normal", "brand"]}

    @route("GET", "/users/{user_id}/applications")
    def user_applications(self, req: Request) -> Any:
        # §1.1 grant management: a bare array of {user_id, app_id, date_created, scopes}
        if req.params["user_id"] != str(SELLER_ID):
            return ml_error(403, "forbidden", "caller.id does not match the user_id")
        with self.state.lock:
            return [dict(a) for a in self.state.data["applications"]]

    @route("GET", "/applications/{app_id}")
    def application(self, req: Request) -> Any:
        """The application's details, as on the official "Gerencie seu aplicativo" page."""
        if req.params["app_id"] != str(self.credentials["client_id"]):
            return ml_error(404, "not_found", f"Application {req.params['app_id']} not found")
        return {
            "id": int(app_id) if (app_id := str(self.credentials["client_id"])).isdigit() else app_id,
            "site_id": SITE,
            "name": "ERP Sandbox",
            "thumbnail": None,
            "url": "http://apps.mercadolivre.com.br/erp-sandbox",
            "sandbox_mode": True,
            "project_id": None,
            "active": True,
            "max_requests_per_hour": self.app_quota_per_hour,
            "scopes": ["offline_access", "read", "write"],
            "certification_status": "not_certified",
        }
