"""SkyHub (B2W / Americanas) sandbox: products and variations, the orders queue, invoice and shipments.

Written from ``../shared/channel-apis.md`` section 4 and the pages it names
(desenvolvedores.skyhub.com.br, skyhub-english.gitbook.io); it imports
nothing from :mod:`kit.connectors`. Three auth headers (401 without
``X-Accountmanager-Key``), 415 for bodies that are not UTF-8, 400 for a
PUT/POST without a body, page size capped at 100 and 400 past 10,000 records
with page paging (the ``next`` cursor goes on), one token bucket per
endpoint + method (writes 9/s, orders GET 1/s; 429 *without*
``Retry-After``), the queue (``GET /queues/orders`` hands out one order with
its current status and hides it for ``queue_visibility_s``, 5 minutes on
SkyHub; an order not deleted by then is delivered again; a cancellation puts
it back), 422 for a status transition the order does not allow, and
``volume_qty`` required on the invoice of Americanas Entrega Direct orders.
See ``docs/channels.md``.
"""

from __future__ import annotations

from kit.sandbox import register_sandbox
from kit.sandbox.skyhub.common import SITES, STATUS_TYPES
from kit.sandbox.skyhub.server import SkyhubSandbox

__all__ = ["SkyhubSandbox", "SITES", "STATUS_TYPES"]

register_sandbox("skyhub", SkyhubSandbox)
