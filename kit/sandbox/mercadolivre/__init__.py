"""Mercado Livre sandbox: OAuth with rotating refresh tokens, listings (scan past 1000, multiget 20), orders, shipments.

Written from ``../shared/channel-apis.md`` section 1 and the official pages it
names; it imports nothing from :mod:`kit.connectors`. Behaviour a client must
cope with, as documented (or, where ❓, the worst plausible case):
single-use refresh tokens (``invalid_grant`` on reuse), 6 h access tokens
(expirable on demand with ``faults.expire_tokens``), ``offset`` refused past
1000 results (``search_type=scan`` + ``scroll_id``), multiget capped at 20
ids, variations left out of a ``PUT /items/{id}`` are *deleted* (unconfirmed;
the connector always sends every variation), one price across variations,
the application's hourly quota (``GET /applications/{id}``), ME1-only
tracking, NF-e XML upload for ME2, a cancellation shown by ``status`` and
``date_last_updated``. See ``docs/channels.md``.
"""

from __future__ import annotations

from kit.sandbox import register_sandbox
from kit.sandbox.mercadolivre.common import SELLER_ID, SITE
from kit.sandbox.mercadolivre.server import MercadoLivreSandbox

__all__ = ["MercadoLivreSandbox", "SELLER_ID", "SITE"]

register_sandbox("mercadolivre", MercadoLivreSandbox)
