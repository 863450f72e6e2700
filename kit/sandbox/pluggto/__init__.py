"""Plug.to sandbox: OAuth2 (password / single-use refresh tokens, 1 h), products and SKUs, orders, shipments.

Written from ``../shared/channel-apis.md`` section 5 and developers.plugg.to;
it imports nothing from :mod:`kit.connectors`. Form-encoded ``POST
/oauth/token`` (refresh tokens are consumed on use), ``Authorization:
Bearer``, list envelopes ``{total, showing, limit, hash_prev, hash_next,
result[]}`` with wrapped records (``{"Product": {...}}``) and keyset paging
(``next=<hash_next>``), ``PUT /skus/{sku}``, orders newest first filtered by
``modified=<day>to<day>``, ``PUT /orders/{id}`` whose ``shipments[]`` update
the shipment with the same ``id`` and **create a new (duplicate) shipment
when the id is missing**, as Plug.to documents, and answer ``not_updated``
when nothing changes; a cancellation shows as ``canceled`` with a new
``modified``. See ``docs/channels.md``.
"""

from __future__ import annotations

from kit.sandbox import register_sandbox
from kit.sandbox.pluggto.server import ACCESS_TTL_S, PluggtoSandbox

__all__ = ["PluggtoSandbox", "ACCESS_TTL_S"]

register_sandbox("pluggto", PluggtoSandbox)
