"""Authentication strategies: how a request proves who the kit is.

A strategy has two methods the request loop calls:

* :meth:`AuthStrategy.headers` returns the headers to add to a request;
* :meth:`AuthStrategy.refresh` is called once when the channel answers 401;
  it returns ``True`` if new credentials were obtained (the loop retries) or
  ``False`` (the loop raises :class:`~kit.errors.AuthenticationError`).

Credentials come from the :class:`~kit.secrets.SecretsStore` by the channel's
reference; values read are registered with the scrubber by the store.

:class:`OAuth2Refresh` implements Mercado Livre's rotation (6 h access token,
single-use refresh token): holding the reference's tokens in the token store
(:mod:`kit.storage.tokens`: the secrets file's lock on one machine, a database
row lock with ``KIT_DATABASE_URL``) it re-reads them, adopts a fresh access
token another process (or machine) already obtained, and otherwise calls the
token endpoint and persists the new refresh token, access token and expiry in
one atomic write *before* using the new token.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from kit.errors import AuthenticationError, ChannelFatalError
from kit.scrub import register_secret

if TYPE_CHECKING:
    from kit.connectors.http import HttpClient
    from kit.secrets import SecretsStore

__all__ = ["AuthStrategy", "NoAuth", "StaticHeaders", "BearerToken", "OAuth2Refresh"]


class AuthStrategy:
    """Base: no headers, cannot refresh. Subclasses override the two methods."""

    def __init__(self) -> None:
        self.secrets: SecretsStore | None = None
        self.ref: str = ""
        self.channel: str = ""
        self.client: HttpClient | None = None

    def bind(self, *, secrets: SecretsStore, ref: str, channel: str, client: HttpClient) -> None:
        """Called by the connector: where credentials live and how to call the channel."""
        self.secrets, self.ref, self.channel, self.client = secrets, ref, channel, client

    def require(self, key: str) -> str:
        assert self.secrets is not None
        return self.secrets.require(self.ref, key, channel=self.channel)

    def headers(self) -> dict[str, str]:
        return {}

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:  # noqa: ARG002
        return False


class NoAuth(AuthStrategy):
    """For endpoints (and sandboxes) that need nothing."""


class StaticHeaders(AuthStrategy):
    """Fixed headers whose values are credentials, e.g. VTEX's AppKey/AppToken.

    Args:
        mapping: header name -> credential key in the secrets store.
    """

    def __init__(self, mapping: dict[str, str]) -> None:
        super().__init__()
        self.mapping = dict(mapping)
        self._cache: dict[str, str] | None = None

    def headers(self) -> dict[str, str]:
        if self._cache is None:
            self._cache = {header: self.require(key) for header, key in self.mapping.items()}
        return dict(self._cache)

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:
        # Keys do not expire; re-read them once in case they were just changed.
        old = self._cache
        self._cache = None
        return old is not None and self.headers() != old


class BearerToken(AuthStrategy):
    """``Authorization: Bearer <token>`` from one credential (Magento integration/admin token)."""

    def __init__(self, key: str = "access_token") -> None:
        super().__init__()
        self.key = key
        self._token: str | None = None

    def headers(self) -> dict[str, str]:
        if self._token is None:
            self._token = self.require(self.key)
        return {"Authorization": f"Bearer {self._token}"}

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:
        old, self._token = self._token, None
        return old is not None and self.headers()["Authorization"] != f"Bearer {old}"


class OAuth2Refresh(AuthStrategy):
    """OAuth2 refresh-token grant with a rotating, single-use refresh token.

    Stored keys (under the channel's reference): ``client_id``,
    ``client_secret``, ``refresh_token``, ``access_token`` and
    ``access_token_expires_at`` (epoch seconds).

    Args:
        token_path: path (or absolute URL) of the token endpoint.
        margin_s: refresh this long before the stored expiry.
    """

    EXPIRES_KEY = "access_token_expires_at"

    def __init__(self, token_path: str = "/oauth/token", *, margin_s: float = 300.0) -> None:
        super().__init__()
        self.token_path = token_path
        self.margin_s = margin_s
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.RLock()
        self.refreshes = 0  # token endpoint calls made by this object (tests, logs)

    def _fresh(self, expires_at: float) -> bool:
        return expires_at - self.margin_s > time.time()

    def initial_grant(self) -> dict[str, str] | None:
        """Hook: form fields of a grant that needs no refresh token, or ``None`` (the default).

        Used when no refresh token is stored or the channel refuses it; e.g.
        Plug.to's ``grant_type=password`` with the user's API login. Client id
        and secret are added by :meth:`refresh`.
        """
        return None

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or not self._fresh(self._expires_at):
                assert self.secrets is not None
                values = self.secrets.get_all(self.ref)
                token, expires = values.get("access_token"), float(values.get(self.EXPIRES_KEY) or 0)
                if token and self._fresh(expires):
                    self._token, self._expires_at = token, expires
                else:
                    self.refresh({"Authorization": f"Bearer {token}"} if token else None)
            return {"Authorization": f"Bearer {self._token}"}

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:
        """Obtain a new access token, persisting the rotated refresh token first."""
        assert self.secrets is not None and self.client is not None
        stale = (rejected or {}).get("Authorization", "").removeprefix("Bearer ") or None
        with self._lock, self.secrets.tokens.locked(self.ref) as entry:
            stored = entry.get("access_token")
            expires = float(entry.get(self.EXPIRES_KEY) or 0)
            if stored and stored != stale and self._fresh(expires):
                # Another thread or process refreshed while we waited for the lock.
                self._token, self._expires_at = stored, expires
                return True
            client_id = self.secrets.get(self.ref, "client_id") or entry.get("client_id")
            client_secret = self.secrets.get(self.ref, "client_secret") or entry.get("client_secret")
            refresh_token = entry.get("refresh_token") or self.secrets.get(self.ref, "refresh_token")
            fallback = self.initial_grant()
            if not (client_id and client_secret and (refresh_token or fallback)):
                raise AuthenticationError(
                    "falta o client id, o client secret ou o refresh token do OAuth",
                    channel=self.channel,
                    hint=f"autorize o aplicativo como administrador da conta do vendedor e grave as chaves com "
                    f"'kit secrets set {self.channel} <chave>' (client_id, client_secret, refresh_token)",
                )
            grants: list[dict[str, str]] = []
            if refresh_token:
                grants.append({"grant_type": "refresh_token", "refresh_token": refresh_token})
            if fallback:
                grants.append(fallback)
            body: Any = None
            for n, grant in enumerate(grants):
                try:
                    body = self.client.request(
                        "POST",
                        self.token_path,
                        data={**grant, "client_id": client_id, "client_secret": client_secret},
                        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                        authenticate=False,
                        idempotent=False,  # a refresh token is single use: never resend after a lost answer
                        family="auth",
                    ).json()
                    break
                except (ChannelFatalError, AuthenticationError) as exc:
                    if isinstance(exc, ChannelFatalError) and exc.status not in (400, 401, 403):
                        raise  # e.g. a malformed answer: the channel's fault, not the grant's
                    if n + 1 < len(grants):
                        continue  # refresh token refused: the fallback grant needs none
                    if isinstance(exc, AuthenticationError):
                        raise
                    raise AuthenticationError(
                        "o canal recusou renovar o token de acesso (refresh token expirado ou já usado)",
                        channel=self.channel,
                        status=exc.status,
                        request_id=exc.request_id,
                        hint="autorize o aplicativo de novo e grave o novo refresh token com 'kit secrets set'",
                    ) from None
            if not isinstance(body, dict) or not body.get("access_token"):
                raise AuthenticationError(
                    "o endpoint de token respondeu sem token de acesso",
                    channel=self.channel,
                    hint="confira a URL de token e as credenciais do canal; se persistir, fale com o suporte do canal",
                )
            new_access = str(body["access_token"])
            new_refresh = str(body.get("refresh_token") or refresh_token or "")
            register_secret(new_access)
            register_secret(new_refresh)
            new_expiry = time.time() + float(body.get("expires_in") or 21600)
            entry["access_token"] = new_access
            entry["refresh_token"] = new_refresh
            entry[self.EXPIRES_KEY] = f"{new_expiry:.0f}"
            self.refreshes += 1
        # locked() has stored the new tokens (file replaced, or row committed): only now is the new token used.
        self._token, self._expires_at = new_access, new_expiry
        return True
