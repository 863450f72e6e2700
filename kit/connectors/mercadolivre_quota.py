"""Mercado Livre's application quota: one hourly budget per application, shared by every seller it serves.

developers.mercadolivre.com.br/gerencie-seu-aplicativo: ``GET
/applications/{app_id}`` answers the application's details, among them
``max_requests_per_hour`` (18000 in the official example). The quota belongs
to the application (the kit's ``client_id``), not to a seller: every channel
of the same app is paced from one token bucket. :class:`AppQuota` is the
connector's mixin: it reads the quota once per process and turns it into a
rate with :func:`app_rate`; until then the declared default (the documented
18000/h, ``kit/channeltypes.py``) applies.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from kit.channeltypes import RateLimit
from kit.connectors.ratelimit import DEFAULT_FAMILY, TokenBucket, bucket_for
from kit.errors import AuthenticationError, ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["AppQuota", "app_rate", "APP_BURST", "reset_app_quotas"]

log = logging.getLogger("kit.connectors.mercadolivre")

_QUOTA_SRC = "developers.mercadolivre.com.br/gerencie-seu-aplicativo (max_requests_per_hour)"
#: Requests one burst may spend of the application's hourly quota; the rest is spread evenly, so
#: any sliding hour stays within the quota (rate x 3600 + burst = quota).
APP_BURST = 300
#: (base URL, app id) -> the quota read from GET /applications/{app_id}, shared by every connector.
_APP_QUOTAS: dict[tuple[str, str], int] = {}
_QUOTAS_LOCK = threading.Lock()


def app_rate(quota_per_hour: int) -> RateLimit:
    """The pace for an application's hourly quota: a burst of :data:`APP_BURST`, the rest spread over the hour."""
    burst = max(1, min(APP_BURST, quota_per_hour // 10))
    return RateLimit((quota_per_hour - burst) / 3600, burst, f"{_QUOTA_SRC}: {quota_per_hour}/h", "confirmed")


def reset_app_quotas() -> None:
    """Forget the quotas read so far (tests)."""
    with _QUOTAS_LOCK:
        _APP_QUOTAS.clear()


class AppQuota:
    """The connector's rate from its application's quota (a mixin of the Mercado Livre connector)."""

    _app_id: str | None = None
    _quota_checked: bool = False
    channel: Channel
    secrets: Any
    base_url: str
    account_key: str
    _rate_overrides: dict[str, RateLimit]

    @property
    def app_id(self) -> str:
        """The kit's application (``client_id``); its quota is shared by every seller it serves."""
        if self._app_id is None:
            self._app_id = str(self.secrets.get(self.channel.credentials_ref, "client_id") or "")
        return self._app_id

    def rate_limit_for(self, family: str) -> tuple[str, RateLimit]:
        """The application's quota once read (lowered by a configured channel rate); explicit overrides win."""
        name, limit = super().rate_limit_for(family)  # type: ignore[misc]
        if name != DEFAULT_FAMILY or DEFAULT_FAMILY in self._rate_overrides:
            return name, limit
        quota = _APP_QUOTAS.get((self.base_url, self.app_id))
        if quota is None:
            return name, limit
        app = app_rate(quota)
        configured = self.channel.rate_limit_per_second
        if configured and configured < app.per_second:
            return name, RateLimit(configured, app.burst, "configuração do canal", "configured")
        return name, app

    def bucket(self, family: str) -> TokenBucket:
        """One bucket per application (not per seller): the quota belongs to the app."""
        name, limit = self.rate_limit_for(family)
        account = f"mercadolivre-app|{self.app_id or self.account_key}|{self.base_url}"
        return bucket_for(account, name, limit)

    def app_quota(self) -> int | None:
        """``max_requests_per_hour`` of the kit's application (``GET /applications/{app_id}``), read once."""
        key = (self.base_url, self.app_id)
        if key in _APP_QUOTAS or self._quota_checked or not self.app_id:
            return _APP_QUOTAS.get(key)
        self._quota_checked = True
        try:
            body = self.get_json(f"/applications/{self.app_id}")  # type: ignore[attr-defined]
        except (AuthenticationError, ChannelFatalError) as exc:
            if exc.status not in (403, 404):
                raise
            # The token may not see the app's details: the declared default (the documented 18000/h) stays.
            log.info("%s: application quota not readable (%s); using the default rate", self.channel.name, exc)
            return None
        quota = body.get("max_requests_per_hour") if isinstance(body, dict) else None
        if not isinstance(quota, int) or isinstance(quota, bool) or quota <= 0:
            return None
        with _QUOTAS_LOCK:
            _APP_QUOTAS[key] = quota
        return quota
