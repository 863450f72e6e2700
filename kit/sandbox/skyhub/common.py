"""What the parts of the SkyHub sandbox share: statuses, limits per endpoint, dates and the error body.

Sources: ``../shared/channel-apis.md`` section 4 and the pages it names
(desenvolvedores.skyhub.com.br, skyhub-english.gitbook.io).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from kit.sandbox.base import Reply

__all__ = [
    "SITES",
    "STATUS_TYPES",
    "STATUS_LABELS",
    "RATES",
    "OTHER_RATE",
    "PAGE_MAX",
    "DEEP_PAGING_MAX",
    "sky_error",
    "sky_date",
    "status_of",
    "is_int",
    "is_number",
]

#: Sites whose names prefix order codes ("Lojas Americanas-1000000000000", §4.3).
SITES = ("Lojas Americanas", "Submarino", "Shoptime")
#: §4.3 (✅): status.code -> status.type.
STATUS_TYPES = {
    "book_product": "NEW",
    "payment_received": "APPROVED",
    "order_invoiced": "INVOICED",
    "order_shipped": "SHIPPED",
    "complete": "DELIVERED",
    "order_canceled": "CANCELED",
    "shipment_exception": "SHIPMENT_EXCEPTION",
    "payment_overdue": "OVERDUE",
}
#: Labels as the queue page shows them ("Aprovado (SkyHub)"...).
STATUS_LABELS = {
    "book_product": "Pagamento Pendente (SkyHub)",
    "payment_received": "Aprovado (SkyHub)",
    "order_invoiced": "Faturado (SkyHub)",
    "order_shipped": "Pedido Enviado (SkyHub)",
    "complete": "Completo (entregue) (SkyHub)",
    "order_canceled": "Cancelado (SkyHub)",
    "shipment_exception": "Exceção de Entrega (SkyHub)",
    "payment_overdue": "Boleto Vencido (SkyHub)",
}
#: §4.4 (✅, desenvolvedores.skyhub.com.br/guias-api-skyhub/limite-de-requisicoes): requests per second per
#: store token, per endpoint + method; the list and the detail of orders each have their own bucket.
RATES: dict[str, float] = {
    "products:GET": 9, "products:POST": 9, "products:PUT": 9, "products:DELETE": 9,
    "variations:PUT": 9, "variations:DELETE": 9,
    "orders:POST": 9, "orders:PUT": 9, "orders:DELETE": 9, "orders:GET": 1, "order:GET": 1,
    "queues:GET": 9, "queues:DELETE": 9,
    "shipments:GET": 9, "shipments:POST": 9, "shipments:PUT": 9, "shipments:DELETE": 9,
    "stores:GET": 1, "stores:POST": 9, "stores:PUT": 9,
    "sac:GET": 9, "sac:POST": 9, "sac:PUT": 9,
    "fulfillment:GET": 1, "fulfillment:POST": 1,
    "rehub:GET": 27, "rehub:POST": 27, "rehub:PUT": 27,
}  # fmt: skip
#: §4.4: everything else, 1/s.
OTHER_RATE = 1.0
#: §4.2 (✅): per_page default = max = 100 (a larger per_page is silently capped).
PAGE_MAX = 100
#: §4.2 (✅): page paging stops at the first 10,000 records (400 past them); the products cursor goes on.
DEEP_PAGING_MAX = 10_000
SKY_TZ = timezone(timedelta(hours=-3))


def sky_error(status: int, message: str) -> Reply:
    """SkyHub's error body (gitbook "HTTP Response Status Codes"): ``{"error": "message"}``."""
    return Reply(status, {"error": message})


def sky_date(dt: datetime) -> str:
    """A date as SkyHub writes them ("2019-10-16T17:45:38-03:00")."""
    return dt.astimezone(SKY_TZ).strftime("%Y-%m-%dT%H:%M:%S-03:00")


def now() -> datetime:
    return datetime.now(UTC)


def status_of(code: str) -> dict[str, str]:
    """An order's ``status`` object for a status code."""
    return {"code": code, "label": STATUS_LABELS.get(code, code), "type": STATUS_TYPES.get(code, "NEW")}


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
