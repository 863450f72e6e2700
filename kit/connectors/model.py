"""Value objects every connector speaks: items to write, results, orders, listings to publish.

A write returns a :class:`WriteResult` holding exactly one :class:`ItemResult`
per input item (``applied``, ``failed`` with a reason, ``skipped`` with a
reason, or ``held`` with a reason: not sent on purpose because the channel
showed, right before the write, that it would harm the listing, e.g. VTEX
stock switched to unlimited); :meth:`WriteResult.assert_accounted` checks it. Orders are normalized
to :class:`Order`, keeping the channel's raw carrier/service, payment and
status values for de-para.

Publishing (``docs/publishing.md``): a :class:`ProductItem` is one ERP SKU as a
channel listing needs it; ``Connector.publish(items)`` answers a
:class:`PublishReport` with exactly one :class:`PublishResult` per item, whose
status is one of :data:`PUBLISH_STATUSES`: ``applied`` (the channel said so),
``held`` (not sent: ``fix`` says what to fix), ``failed`` (the channel's
reason), ``pending`` (accepted asynchronously: ``token`` is polled later) or
``skipped`` (nothing to do, or the channel does not allow it: ``reason``).
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
    "WRITE_STATUSES",
    "Held",
    "LISTING_COLUMNS",
    "UNLIMITED_STOCK",
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
    "HELD",
    "PENDING",
    "PUBLISH_STATUSES",
    "CREATE",
    "UPDATE",
    "ProductItem",
    "ListingRef",
    "PublishSupport",
    "RequiredAttribute",
    "CategoryRequirements",
    "PublishResult",
    "PublishReport",
    "ListingsDelta",
]

APPLIED, FAILED, SKIPPED = "applied", "failed", "skipped"
ITEM_STATUSES = (APPLIED, FAILED, SKIPPED)
HELD, PENDING = "held", "pending"
#: Where one item of a stock/price write can end: ``held`` only where a connector holds at write time.
WRITE_STATUSES = (*ITEM_STATUSES, HELD)
#: Where one item of a publish can end (docs/publishing.md).
PUBLISH_STATUSES = (APPLIED, HELD, FAILED, PENDING, SKIPPED)
#: What a publish does to one listing.
CREATE, UPDATE = "create", "update"

#: Columns of the DataFrame returned by ``Connector.list_listings()``.
LISTING_COLUMNS = ["channel_id", "variation_id", "sku", "ean", "title", "price", "stock", "status"]
#: Column a channel with unlimited stock adds to ``list_listings()`` (VTEX ``hasUnlimitedQuantity``): ``True``
#: where the listing is always available whatever its quantity; its ``stock`` is then empty, never a number.
UNLIMITED_STOCK = "unlimited_stock"


class Held(str):
    """A reason a write's ``send`` returns for an item it did not send on purpose: the item is ``held``, not failed.

    ``Connector.run_writes`` tells it from a refusal (a plain ``str``) by its type.
    """

    __slots__ = ()


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
    status: str  # applied | failed | skipped | held
    reason: str = ""
    attempts: int = 0
    channel_id: str | None = None

    def __post_init__(self) -> None:
        if self.status not in WRITE_STATUSES:
            raise ValueError(f"item status must be one of {WRITE_STATUSES}, got {self.status!r}")


@dataclass(slots=True)
class WriteResult:
    """One :class:`ItemResult` per input item, in input order."""

    items: list[ItemResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """``{"applied": n, "failed": n, "skipped": n}`` (every key present), and ``"held": n`` when any was held."""
        c = Counter(r.status for r in self.items)
        counts = {s: c.get(s, 0) for s in ITEM_STATUSES}
        if c.get(HELD):
            counts[HELD] = c[HELD]
        return counts

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
    def held(self) -> int:
        return self.counts.get(HELD, 0)

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
            if res.status in (FAILED, HELD) and not res.reason:
                raise AssertionError(f"result {i} (sku {res.sku!r}) {res.status} without a reason")
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
    unit_price: float | None  # None: the channel's answer has no price (the orders job fails the order)
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


# --------------------------------------------------------------------------- publishing
@dataclass(slots=True)
class ProductItem:
    """One ERP SKU as a channel listing needs it (the products job builds it; see docs/publishing.md).

    ERP values are kept as the ERP has them; ``channel_category`` and
    ``channel_attributes`` are the same values after de-para (kinds ``category``
    and ``attribute``), in the channel's words. ``channel_id`` / ``variation_id``
    / ``product_id`` are set when the SKU is already bound to a listing (an
    update); a create leaves them empty and the result carries them.

    Attributes:
        sku: the ERP SKU (the channel's seller SKU / RefId).
        title: the listing title.
        description: long description (may be empty).
        brand: brand name as the ERP has it.
        ean: GTIN/EAN (digits) or ``None``.
        ncm: NCM (8 digits) or ``None``.
        weight_kg, height_cm, width_cm, length_cm: packaged weight and dimensions.
        price: selling price in BRL (channels that need a price to create a listing).
        stock: available quantity (channels that need one to create a listing).
        category: the ERP category.
        channel_category: the channel's category (id or path) after de-para; ``None`` when unmapped.
        attributes: ERP attributes (``{"Cor": "Azul", "Tamanho": "M"}``).
        channel_attributes: channel attribute name -> channel value, after de-para.
        image_urls: image addresses (http/https), first is the main one.
        parent_sku: the variation family (the ERP's parent code); ``None`` for a standalone SKU.
        active: the ERP says the product is sold.
        channel_id: the bound listing's id on the channel (SKU id, item id...).
        variation_id: the bound variation's id, where the channel has one.
        product_id: the channel's parent/product id, where it has one (VTEX product, ML item).
        same_code_listings: listings of the channel whose seller SKU is this SKU written another way
            (:func:`kit.skucode.code_keys`: leading zeros, case, separators), found by the products job in
            the binding table; a create of such an item is held (never a second listing, never bound on a guess).
    """

    sku: str
    title: str
    description: str = ""
    brand: str = ""
    ean: str | None = None
    ncm: str | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    width_cm: float | None = None
    length_cm: float | None = None
    price: float | None = None
    stock: int | None = None
    category: str = ""
    channel_category: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    channel_attributes: dict[str, str] = field(default_factory=dict)
    image_urls: list[str] = field(default_factory=list)
    parent_sku: str | None = None
    active: bool = True
    channel_id: str | None = None
    variation_id: str | None = None
    product_id: str | None = None
    same_code_listings: tuple[ListingRef, ...] = ()

    @property
    def family(self) -> str:
        """The variation family's key: the parent SKU, else the SKU itself."""
        return self.parent_sku or self.sku

    @property
    def bound(self) -> bool:
        """True when the SKU is bound to a listing (a publish updates it)."""
        return bool(self.channel_id)


@dataclass(slots=True)
class ListingRef:
    """An existing listing found on the channel by seller SKU (``Connector.find_listings``)."""

    sku: str
    channel_id: str
    variation_id: str | None = None
    product_id: str | None = None


@dataclass(slots=True)
class PublishSupport:
    """What the channel's API allows for one SKU (``Connector.publish_support``).

    Attributes:
        create: a listing can be created through the API.
        update: an existing listing can be updated through the API.
        reason: why not (pt-BR), shown per SKU when the action is not allowed.
    """

    create: bool
    update: bool
    reason: str = ""


@dataclass(slots=True)
class RequiredAttribute:
    """An attribute a channel category requires.

    Attributes:
        name: the attribute's name on the channel (what ``channel_attributes`` is keyed by).
        values: the values the channel accepts (empty: free text).
        sku_level: a variation (SKU) attribute rather than a product attribute.
        group: the channel's grouping of the attribute (VTEX specification group).
        code: the channel's id of the attribute (VTEX FieldId, ML attribute id).
        field: the :class:`ProductItem` field that carries the attribute, when the kit fills it from
            the ERP product itself rather than from ``channel_attributes`` (Mercado Livre's ``GTIN``
            is the item's ``ean``); empty for de-para attributes.
    """

    name: str
    values: tuple[str, ...] = ()
    sku_level: bool = False
    group: str = ""
    code: str = ""
    field: str = ""


@dataclass(slots=True)
class CategoryRequirements:
    """What a channel category requires of a listing (``Connector.category_requirements``)."""

    category: str
    attributes: list[RequiredAttribute] = field(default_factory=list)
    source: str = ""

    def missing(self, item: ProductItem) -> list[RequiredAttribute]:
        """The required attributes ``item`` lacks (or carries with a value the channel does not accept)."""
        have = {k.casefold(): v for k, v in item.channel_attributes.items() if v not in (None, "")}
        out = []
        for attr in self.attributes:
            if attr.field:
                if getattr(item, attr.field, None) in (None, "", [], {}):
                    out.append(attr)
                continue
            value = have.get(attr.name.casefold())
            if value is None or (attr.values and value not in attr.values):
                out.append(attr)
        return out


@dataclass(slots=True)
class PublishResult:
    """What happened to one :class:`ProductItem` of a publish.

    Attributes:
        sku: the item's SKU.
        status: one of :data:`PUBLISH_STATUSES`.
        action: :data:`CREATE`, :data:`UPDATE` or ``""`` (nothing was sent).
        reason: failed: the channel's reason; skipped: why nothing was sent.
        fix: held: what is missing and how to fix it (pt-BR, for the report).
        channel_id, variation_id, product_id: the listing the item is (now) bound to.
        token: pending: what ``Connector.poll_publish`` takes to learn the outcome.
        attempts: HTTP attempts spent on the item.
        note: applied: what the channel could not carry for this SKU, with why (pt-BR; e.g. images on a
            channel without an image operation), so nothing is dropped silently.
    """

    sku: str
    status: str
    action: str = ""
    reason: str = ""
    fix: str = ""
    channel_id: str | None = None
    variation_id: str | None = None
    product_id: str | None = None
    token: str | None = None
    attempts: int = 0
    note: str = ""

    def __post_init__(self) -> None:
        if self.status not in PUBLISH_STATUSES:
            raise ValueError(f"publish status must be one of {PUBLISH_STATUSES}, got {self.status!r}")


@dataclass(slots=True)
class PublishReport:
    """One :class:`PublishResult` per input :class:`ProductItem`, in input order."""

    items: list[PublishResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Results per status (every status present)."""
        c = Counter(r.status for r in self.items)
        return {s: c.get(s, 0) for s in PUBLISH_STATUSES}

    def created(self) -> list[PublishResult]:
        """Results of listings this publish created."""
        return [r for r in self.items if r.status == APPLIED and r.action == CREATE]

    def by_status(self, status: str) -> list[PublishResult]:
        return [r for r in self.items if r.status == status]

    def assert_accounted(self, inputs: Sequence[ProductItem]) -> None:
        """Raise ``AssertionError`` unless every input has exactly one result, in order, with its why."""
        inputs = list(inputs)
        if len(inputs) != len(self.items):
            raise AssertionError(f"{len(inputs)} products but {len(self.items)} results")
        for i, (item, res) in enumerate(zip(inputs, self.items, strict=True)):
            if item.sku != res.sku:
                raise AssertionError(f"result {i} is for sku {res.sku!r}, input {i} is {item.sku!r}")
            if res.status == FAILED and not res.reason:
                raise AssertionError(f"result {i} (sku {res.sku!r}) failed without a reason")
            if res.status == HELD and not res.fix:
                raise AssertionError(f"result {i} (sku {res.sku!r}) held without saying what to fix")
            if res.status == PENDING and not res.token:
                raise AssertionError(f"result {i} (sku {res.sku!r}) pending without a token to poll")
            if res.status == APPLIED and not res.channel_id:
                raise AssertionError(f"result {i} (sku {res.sku!r}) applied without the listing's id")

    def to_frame(self):
        """The results as a DataFrame (one row per item)."""
        import pandas as pd

        cols = ["sku", "status", "action", "reason", "fix", "channel_id", "variation_id", "product_id", "token", "note"]
        return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in self.items], columns=cols)


@dataclass(slots=True)
class ListingsDelta:
    """What a connector's incremental listing read found (``Connector.listings_delta``).

    Attributes:
        changed: listings new (or changed, where the channel can tell) since the
            kit's binding table, as a ``list_listings()`` frame.
        removed: channel ids the kit knows that the channel no longer lists.
        listed: how many listings the channel has now.
        requests: read requests the delta cost (for the report and the capacity planner).
    """

    changed: Any
    removed: set[str] = field(default_factory=set)
    listed: int = 0
    requests: int = 0
