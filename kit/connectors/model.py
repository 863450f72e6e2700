"""Value objects every connector speaks: items to write, results, orders.

A write returns a :class:`WriteResult` holding exactly one :class:`ItemResult`
per input item (``applied``, ``failed`` with a reason, or ``skipped`` with a
reason); :meth:`WriteResult.assert_accounted` checks it. Orders are normalized
to :class:`Order`, keeping the channel's raw carrier/service, payment and
status values for de-para.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "APPLIED",
    "FAILED",
    "SKIPPED",
    "ITEM_STATUSES",
    "LISTING_COLUMNS",
    "StockItem",
    "PriceItem",
    "ItemResult",
    "WriteResult",
    "OrderItem",
    "Order",
    "OrdersPage",
    "ConnectionReport",
    "Invoice",
    "Shipment",
]

APPLIED, FAILED, SKIPPED = "applied", "failed", "skipped"
ITEM_STATUSES = (APPLIED, FAILED, SKIPPED)

#: Columns of the DataFrame returned by ``Connector.list_listings()``.
LISTING_COLUMNS = ["channel_id", "variation_id", "sku", "ean", "title", "price", "stock", "status"]


@dataclass(slots=True)
class StockItem:
    """Available quantity of one SKU (optionally at one channel id / warehouse)."""

    sku: str
    quantity: int
    channel_id: str | None = None
    variation_id: str | None = None
    warehouse: str | None = None


@dataclass(slots=True)
class PriceItem:
    """Selling price (and optional list/"from" price) of one SKU, in BRL."""

    sku: str
    price: float
    list_price: float | None = None
    channel_id: str | None = None
    variation_id: str | None = None


@dataclass(slots=True)
class ItemResult:
    """What happened to one input item of a write."""

    sku: str
    status: str  # applied | failed | skipped
    reason: str = ""
    attempts: int = 0
    channel_id: str | None = None

    def __post_init__(self) -> None:
        if self.status not in ITEM_STATUSES:
            raise ValueError(f"item status must be one of {ITEM_STATUSES}, got {self.status!r}")


@dataclass(slots=True)
class WriteResult:
    """One :class:`ItemResult` per input item, in input order."""

    items: list[ItemResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """``{"applied": n, "failed": n, "skipped": n}`` (every key present)."""
        c = Counter(r.status for r in self.items)
        return {s: c.get(s, 0) for s in ITEM_STATUSES}

    @property
    def applied(self) -> int:
        return self.counts[APPLIED]

    @property
    def failed(self) -> int:
        return self.counts[FAILED]

    @property
    def skipped(self) -> int:
        return self.counts[SKIPPED]

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def failures(self) -> list[ItemResult]:
        return [r for r in self.items if r.status == FAILED]

    def assert_accounted(self, inputs: Sequence[StockItem | PriceItem] | Iterable[Any]) -> None:
        """Raise ``AssertionError`` unless every input item has exactly one result.

        Items are matched by position and SKU: the i-th result answers the
        i-th input, so two inputs with the same SKU each need their own result.
        """
        inputs = list(inputs)
        if len(inputs) != len(self.items):
            raise AssertionError(f"{len(inputs)} input items but {len(self.items)} results")
        for i, (item, res) in enumerate(zip(inputs, self.items, strict=True)):
            if item.sku != res.sku:
                raise AssertionError(f"result {i} is for sku {res.sku!r}, input {i} is {item.sku!r}")
            if res.status == FAILED and not res.reason:
                raise AssertionError(f"result {i} (sku {res.sku!r}) failed without a reason")
        total = sum(self.counts.values())
        if total != len(inputs):
            raise AssertionError(f"counts add up to {total}, not {len(inputs)}")

    def to_frame(self):
        """The results as a DataFrame (sku, status, reason, attempts, channel_id)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "sku": r.sku,
                    "status": r.status,
                    "reason": r.reason,
                    "attempts": r.attempts,
                    "channel_id": r.channel_id,
                }
                for r in self.items
            ],
            columns=["sku", "status", "reason", "attempts", "channel_id"],
        )


@dataclass(slots=True)
class OrderItem:
    """One line of an order."""

    sku: str
    quantity: int
    unit_price: float
    channel_item_id: str | None = None
    variation_id: str | None = None
    title: str = ""


@dataclass(slots=True)
class Order:
    """An order in one shape for every channel; ``*_raw`` keep the channel's own words."""

    order_id: str
    channel: str
    status_raw: str
    created_at: str | None = None
    updated_at: str | None = None
    items: list[OrderItem] = field(default_factory=list)
    carrier_raw: str | None = None
    service_raw: str | None = None
    payment_raw: str | None = None
    total: float | None = None
    buyer: dict[str, Any] = field(default_factory=dict)
    shipping_address: dict[str, Any] = field(default_factory=dict)
    pack_id: str | None = None
    ack_token: str | None = None  # feed handle / queue receipt used by ack_orders
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OrdersPage:
    """A page of orders and where to continue (``cursor``; ``has_more``)."""

    orders: list[Order]
    cursor: str | None = None
    has_more: bool = False


@dataclass(slots=True)
class ConnectionReport:
    """Result of ``test_connection()``: can the kit talk to the channel?"""

    ok: bool
    message: str
    missing_permissions: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Shipment:
    """A shipment of an order as the ERP reports it: carrier, tracking code and where to follow it.

    Attributes:
        carrier: the carrier as the channel names it (after de-para), e.g. "Correios".
        code: the tracking code.
        url: where the buyer follows the shipment.
        service: the carrier's service (e.g. "SEDEX"), where the channel asks for it.
        invoice_number: the NF-e number this shipment carries (channels that tie tracking to an invoice).
        shipped_at: ISO 8601 date-time the carrier took the parcel (default: now, where the channel needs one).
    """

    carrier: str
    code: str
    url: str | None = None
    service: str | None = None
    invoice_number: str | None = None
    shipped_at: str | None = None


@dataclass(slots=True)
class Invoice:
    """The NF-e of an order as the ERP issued it.

    Attributes:
        nfe_key: the 44-digit access key (chave de acesso).
        number: the NF-e number.
        series: the NF-e series.
        issued_at: ISO 8601 date-time of issue (default: now, where the channel needs one).
        value: the invoice total in BRL (default: the order total, where the channel needs one).
        xml: the authorised NF-e XML, where the channel takes the document itself.
        shipment: tracking sent together with the invoice, for channels whose invoice call carries it.
    """

    nfe_key: str
    number: str
    series: str | None = None
    issued_at: str | None = None
    value: float | None = None
    xml: str | bytes | None = None
    shipment: Shipment | None = None
