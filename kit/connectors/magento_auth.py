"""Magento 2 authentication: OAuth 1.0a request signing (default) or a Bearer token.

Since Magento 2.4.4 an integration's access token is refused as a plain
``Authorization: Bearer`` unless the store enables "Allow OAuth Access Tokens
to be used as standalone Bearer tokens" (``../shared/channel-apis.md`` §3.1,
developer.adobe.com .../authentication/gs-authentication-token). An
integration therefore signs every request with OAuth 1.0a: consumer key and
secret plus access token and token secret, HMAC-SHA256.

Signing needs the method, URL, query and body of each send, which the request
loop's header hook does not see; so :class:`MagentoAuth` installs itself as the
``requests`` session's ``auth``: requests calls it for every prepared request,
retries included, each with a fresh nonce and timestamp (Magento refuses a
nonce used twice). The signing itself is :class:`requests_oauthlib.OAuth1`.

A request that already carries an ``Authorization`` header (the Bearer probe
of ``test_connection``) is left as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

from kit.connectors.auth import AuthStrategy

if TYPE_CHECKING:
    from kit.connectors.http import HttpClient
    from kit.secrets import SecretsStore

__all__ = ["MagentoAuth", "AUTO", "OAUTH1", "BEARER", "AUTH_MODES", "OAUTH1_KEYS", "oauth1_signer"]

AUTO, OAUTH1, BEARER = "auto", "oauth1", "bearer"
#: ``auto``: OAuth 1.0a when the integration's four keys are stored, else the access token as a Bearer
#: (channels set up before signing existed keep working; ``test_connection`` says what the store accepts).
AUTH_MODES = (AUTO, OAUTH1, BEARER)
#: Credentials of an integration (Magento admin > System > Integrations), OAuth 1.0a.
OAUTH1_KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


def oauth1_signer(credentials: dict[str, str], **client_options: Any) -> OAuth1:
    """A ``requests`` auth that signs with OAuth 1.0a HMAC-SHA256 from an integration's four keys.

    ``client_options`` go to :class:`oauthlib.oauth1.Client` (tests pass a fixed
    ``nonce``/``timestamp``/``signature_method`` to check a known signature).
    """
    options = {"signature_method": SIGNATURE_HMAC_SHA256, **client_options}
    return OAuth1(
        credentials["consumer_key"],
        client_secret=credentials["consumer_secret"],
        resource_owner_key=credentials["access_token"],
        resource_owner_secret=credentials["access_token_secret"],
        **options,
    )


class MagentoAuth(AuthStrategy, requests.auth.AuthBase):
    """OAuth 1.0a signing (``mode="oauth1"``) or ``Authorization: Bearer <access_token>`` (``mode="bearer"``).

    ``mode="auto"`` becomes one of the two when the connector binds it: OAuth 1.0a
    when all of :data:`OAUTH1_KEYS` are stored.
    """

    def __init__(self, mode: str = AUTO) -> None:
        AuthStrategy.__init__(self)
        self.mode = mode
        self._signer: OAuth1 | None = None
        self._keys: tuple[str, ...] | None = None
        self._token: str | None = None

    def bind(self, *, secrets: SecretsStore, ref: str, channel: str, client: HttpClient) -> None:
        super().bind(secrets=secrets, ref=ref, channel=channel, client=client)
        if self.mode == AUTO:
            self.mode = OAUTH1 if self.has(OAUTH1_KEYS) else BEARER
        if self.mode == OAUTH1:
            client.session.auth = self

    def credentials(self, keys: tuple[str, ...] = OAUTH1_KEYS) -> dict[str, str]:
        """The stored keys (a missing one is a :class:`~kit.errors.ConfigurationError` naming it)."""
        return {key: self.require(key) for key in keys}

    def has(self, keys: tuple[str, ...]) -> bool:
        """Are all ``keys`` stored?"""
        assert self.secrets is not None
        return all(self.secrets.get(self.ref, key) for key in keys)

    # -- the request loop's hooks ----------------------------------------------------------
    def headers(self) -> dict[str, str]:
        if self.mode == BEARER:
            if self._token is None:
                self._token = self.require("access_token")
            return {"Authorization": f"Bearer {self._token}"}
        if self._signer is None:
            self._load()
        return {}

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:
        """Keys do not expire: re-read them once in case they were just changed."""
        if self.mode == BEARER:
            old, self._token = self._token, None
            return old is not None and self.headers()["Authorization"] != f"Bearer {old}"
        old = self._keys
        self._load()
        return old is not None and self._keys != old

    def _load(self) -> None:
        creds = self.credentials()
        self._keys = tuple(creds[k] for k in OAUTH1_KEYS)
        self._signer = oauth1_signer(creds)

    # -- requests' auth hook ------------------------------------------------------------------
    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.mode != OAUTH1 or "Authorization" in r.headers:
            return r
        if self._signer is None:
            self._load()
        assert self._signer is not None
        return self._signer(r)
