"""The connector base: what every channel connector inherits.

A channel module *declares*; this base *does*. A connector subclass sets:

* ``type_name`` (the :mod:`kit.channeltypes` name) and registers itself with
  :func:`kit.connectors.register_connector`;
* ``response_rules``: extra rows for the response table (a channel quirk);
* :meth:`Connector.make_auth`: which :mod:`~kit.connectors.auth` strategy;
* the interface methods it supports (the others raise
  :class:`OperationNotSupported`), built on :meth:`Connector.request` /
  :meth:`Connector.get_json` (the one request loop) and
  :meth:`Connector.run_writes` (per-item accounting, bulk chunks or a small
  thread pool under the shared rate limiter);
* for publishing (``docs/publishing.md``): ``publish_create`` /
  ``publish_update`` (what the API allows), ``publish_required``, and the hooks
  :meth:`Connector.find_listings`, :meth:`Connector.category_requirements`,
  :meth:`Connector.create_listing`, :meth:`Connector.update_listing` and, for
  asynchronous channels, :meth:`Connector.poll_publish` (``publish_poll_wait_s``:
  how long one publish waits for them); channels that register a variation
  family in one request set ``publish_family_together`` and implement
  :meth:`Connector.create_listings`. The loop itself is
  :func:`kit.connectors.publishing.publish`, behind :meth:`Connector.publish`.

See ``docs/channels.md`` for what each channel supports and how sure we are.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from kit.channels import Channel
from kit.channeltypes import ChannelType, RateLimit
from kit.connectors.auth import AuthStrategy, NoAuth
from kit.connectors.baseurl import resolve_base_url
from kit.connectors.http import HttpClient, Response, RetryPolicy, Timeouts
from kit.connectors.model import (
    APPLIED,
    FAILED,
    HELD,
    LISTING_COLUMNS,
    SKIPPED,
    UNLIMITED_STOCK,
    CategoryRequirements,
    ConnectionReport,
    Held,
    Invoice,
    ItemResult,
    ListingRef,
    Order,
    OrdersPage,
    PriceItem,
    ProductItem,
    PublishReport,
    PublishResult,
    PublishSupport,
    Shipment,
    StockItem,
    WriteResult,
)
from kit.connectors.ratelimit import DEFAULT_FAMILY, TokenBucket, bucket_for
from kit.connectors.responses import ResponseRule, ResponseTable
from kit.errors import AuthenticationError, ChannelError, ChannelFatalError, ConfigurationError, KitError
from kit.scrub import scrub
from kit.secrets import SecretsStore

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "Connector",
    "OperationNotSupported",
    "NotApplicable",
    "VALUE_LIST_COLUMNS",
    "value_list_frame",
    "resolve_base_url",
]

log = logging.getLogger("kit.connectors")

T = TypeVar("T", StockItem, PriceItem)

#: Columns of each ``value_lists()`` frame (the de-para builder reads them).
VALUE_LIST_COLUMNS = {
    "carrier_service": ["carrier", "service", "code", "description"],
    "payment_method": ["payment_method", "code", "description"],
    "order_status": ["status", "code", "description"],
    # publishing: the channel's category tree and its attributes (docs/publishing.md)
    "category": ["category", "code", "description"],
    "attribute": ["attribute", "value", "code", "description"],
}


class OperationNotSupported(ConfigurationError):
    """The channel has no API for this operation (see docs/channels.md)."""


class NotApplicable(ChannelError):
    """This operation does not apply to this record: the channel does it itself.

    E.g. tracking of a Mercado Envios (ME2) shipment, which Mercado Livre
    informs; a sync job records the event as skipped with the reason, once,
    instead of failing and retrying it on every run.
    """


def value_list_frame(kind: str, rows: list[dict[str, Any]]):
    """A value-list DataFrame with the fixed columns of ``kind``, duplicates dropped."""
    import pandas as pd

    columns = VALUE_LIST_COLUMNS[kind]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    key = columns[:2] if kind in ("carrier_service", "attribute") else columns[:1]
    return frame.drop_duplicates(subset=key).reset_index(drop=True)


def _groups(
    items: Sequence[Any], todo: list[int], group_key: Callable[[Any], Hashable] | None, batch_size: int
) -> list[list[int]]:
    """Positions ``todo`` of ``items`` grouped for sending: by ``group_key``, else in batches of ``batch_size``."""
    if group_key is not None:
        by_key: dict[Hashable, list[int]] = {}
        for i in todo:
            by_key.setdefault(group_key(items[i]), []).append(i)
        return list(by_key.values())
    size = max(1, batch_size)
    return [todo[j : j + size] for j in range(0, len(todo), size)]


class Connector:
    """Base of every channel connector. See the module docstring for what to declare.

    Args:
        channel: the channel configuration.
        secrets: where credentials are read (default: the user's secrets store).
        workspace: the workspace (optional; connectors may keep link tables there).
        base_url: override of the channel's API address.
        retry: bounds of the retry loop (tests pass tiny delays).
        timeouts: (connect, read) timeouts.
        rate_limit: a rate that replaces the channel's limit for the default
            family, or a mapping family -> RateLimit (benchmarks and sandboxes).
    """

    type_name: ClassVar[str] = ""
    response_rules: ClassVar[tuple[ResponseRule, ...]] = ()
    #: the table class the rules go into (SOAP channels classify faults in the body)
    response_table_class: ClassVar[type[ResponseTable]] = ResponseTable
    default_headers: ClassVar[dict[str, str]] = {}
    json_body: ClassVar[bool] = True
    #: threads used for one-item-per-request writes (all under the shared limiter)
    write_workers: ClassVar[int | None] = None  # None: sized from the rate (see :meth:`writers`)
    #: assumed round trip of one request, to size the pool so the rate limit, not latency, is the bound
    expected_latency_s: ClassVar[float] = 0.25
    MAX_WRITERS: ClassVar[int] = 64
    #: families with their own bucket; others share the channel's main bucket
    write_family: ClassVar[str] = "write"

    # -- publishing declarations (docs/publishing.md) --------------------------
    #: the API can create listings / update existing ones
    publish_create: ClassVar[bool] = False
    publish_update: ClassVar[bool] = False
    #: why not, per SKU (pt-BR; shown in the report when an action is not allowed)
    publish_unsupported: ClassVar[str] = ""
    #: ProductItem fields a listing must have before it is sent (else the item is held)
    publish_required: ClassVar[tuple[str, ...]] = (
        "title", "brand", "channel_category", "weight_kg", "height_cm", "width_cm", "length_cm",
    )  # fmt: skip
    #: longest title the channel accepts (None: no limit known)
    publish_title_max: ClassVar[int | None] = None
    #: required fields an update may leave empty: the connector keeps the channel's own (like an unmapped category)
    publish_update_keeps: ClassVar[tuple[str, ...]] = ()
    #: the rate family of catalogue writes (a bucket of its own where the type declares one)
    publish_family: ClassVar[str] = "catalog"
    #: items per call of :meth:`send_listings` (feeds, bulk endpoints); 0: one :meth:`create_listing` /
    #: :meth:`update_listing` call per item
    publish_batch: ClassVar[int] = 0
    #: the channel registers a variation family in one request (Netshoes: every size together): the loop hands
    #: a family's creates to :meth:`create_listings` at once, and holds them all when one of them is held
    publish_family_together: ClassVar[bool] = False
    #: asynchronous channels: how long one publish keeps polling its pending items (pauses growing up to
    #: ``publish_poll_interval_s``) before it leaves them pending for the next run; 0 = no wait
    publish_poll_wait_s: ClassVar[float] = 0.0
    publish_poll_interval_s: ClassVar[float] = 5.0
    #: no listing read, and every listing is keyed by the ERP SKU (the seller SKU is the channel's id):
    #: the jobs bind SKUs with :meth:`sku_bindings` instead of ``list_listings()`` (EZ Commerce)
    bind_by_sku: ClassVar[bool] = False

    def __init__(
        self,
        channel: Channel,
        *,
        secrets: SecretsStore | None = None,
        workspace: Workspace | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        rate_limit: RateLimit | dict[str, RateLimit] | None = None,
    ) -> None:
        self.channel = channel
        self.type: ChannelType = channel.channel_type
        self.secrets = secrets or SecretsStore()
        self.workspace = workspace
        self.base_url = (base_url or resolve_base_url(channel, self.type)).rstrip("/")
        self.settings: dict[str, str] = {s.key: str(s.default) for s in self.type.settings if s.default is not None}
        self.settings.update({k: str(v) for k, v in channel.settings.items()})
        if isinstance(rate_limit, RateLimit):
            rate_limit = {DEFAULT_FAMILY: rate_limit}
        self._rate_overrides: dict[str, RateLimit] = dict(rate_limit or {})
        self.account_key = f"{channel.type}|{channel.credentials_ref or channel.name}|{self.base_url}"
        self.auth = self.make_auth()
        self.http = HttpClient(
            channel=channel.name,
            base_url=self.base_url,
            auth=self.auth,
            limiter=self.bucket,
            table=self.response_table_class(self.response_rules),
            retry=retry,
            timeouts=timeouts,
            headers=dict(self.default_headers),
            json_body=self.json_body,
            pool_size=self.MAX_WRITERS + 8,
            channel_type=channel.type,
        )
        self.auth.bind(secrets=self.secrets, ref=channel.credentials_ref, channel=channel.name, client=self.http)
        self._local = threading.local()

    # -- declarations (hooks) ----------------------------------------------
    def make_auth(self) -> AuthStrategy:
        """The authentication strategy of this channel."""
        return NoAuth()

    # -- plumbing ------------------------------------------------------------
    @property
    def label(self) -> str:
        return self.type.label

    def rate_limit_for(self, family: str) -> tuple[str, RateLimit]:
        """The bucket name and limit a request of ``family`` is counted against."""
        if family in self._rate_overrides:
            return family, self._rate_overrides[family]
        if family in self.type.rate_limits:
            return family, self.type.rate_limits[family]
        return DEFAULT_FAMILY, self._rate_overrides.get(DEFAULT_FAMILY) or self.channel.rate_limit()

    def writers(self, family: str = "write") -> int:
        """Threads for concurrent writes: enough to keep ``rate x latency`` requests in flight."""
        if self.write_workers:
            return self.write_workers
        _, limit = self.rate_limit_for(family)
        return max(4, min(self.MAX_WRITERS, math.ceil(limit.per_second * self.expected_latency_s)))

    def bucket(self, family: str) -> TokenBucket:
        """The shared token bucket for ``family`` (same account = same bucket)."""
        name, limit = self.rate_limit_for(family)
        return bucket_for(self.account_key, name, limit)

    def request(self, method: str, path: str, **kw: Any) -> Response:
        """One call through the request loop (see :meth:`HttpClient.request`)."""
        response = self.http.request(method, path, **kw)
        self._local.attempts = getattr(self._local, "attempts", 0) + response.attempts
        return response

    def get_json(self, path: str, *, params: dict[str, Any] | None = None, family: str = "read", **kw: Any) -> Any:
        return self.request("GET", path, params=params, family=family, **kw).json()

    def get_json_or_none(
        self, path: str, *, params: dict[str, Any] | None = None, family: str = "read", **kw: Any
    ) -> Any:
        """:meth:`get_json`, or ``None`` when the channel answers 404 (the record does not exist there)."""
        try:
            return self.get_json(path, params=params, family=family, **kw)
        except ChannelFatalError as exc:
            if exc.status == 404:
                return None
            raise

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def unsupported(self, operation: str) -> OperationNotSupported:
        return OperationNotSupported(
            f"{self.label} não tem API para {operation}",
            channel=self.channel.name,
            hint="veja em docs/channels.md o que cada canal suporta",
        )

    # -- writes ----------------------------------------------------------------
    def run_writes(
        self,
        items: Sequence[T],
        send: Callable[[list[T]], dict[int, str] | None],
        *,
        group_key: Callable[[T], Hashable] | None = None,
        batch_size: int = 1,
        skip: Callable[[T], str | None] | None = None,
        workers: int | None = None,
        what: str = "items",
    ) -> WriteResult:
        """Send ``items`` and account for every one of them.

        Args:
            items: the input items, in order.
            send: sends one group (one request, or a few for one logical
                change) and returns ``{position in group: reason}`` for the
                items the channel refused, or ``None`` when all were applied;
                a :class:`~kit.connectors.model.Held` reason holds its item
                (not sent on purpose) instead of failing it. A
                :class:`KitError` fails the whole group with its message.
            group_key: items sharing a key go in the same group (e.g. the
                variations of one Mercado Livre listing).
            batch_size: items per group when there is no ``group_key`` (bulk
                endpoints: the channel's maximum batch).
            skip: returns a reason to skip an item without sending it.
            workers: concurrent groups (default: :meth:`writers`, sized from the rate limit).
            what: noun for log lines ("stock", "prices").

        Returns:
            A :class:`WriteResult` with one result per input item, in input order.
        """
        results: list[ItemResult | None] = [None] * len(items)
        todo: list[int] = []
        for i, item in enumerate(items):
            reason = skip(item) if skip else None
            if reason:
                results[i] = ItemResult(item.sku, SKIPPED, reason, 0, item.channel_id)
            else:
                todo.append(i)
        groups = _groups(items, todo, group_key, batch_size)

        def run(group: list[int]) -> None:
            self._send_group(items, group, send, results, what)

        n_workers = workers or self.writers(self.write_family)
        n_workers = max(1, min(n_workers, len(groups) or 1))
        if n_workers == 1:
            for g in groups:
                run(g)
        else:
            with ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix=f"kit-{self.type_name}") as pool:
                list(pool.map(run, groups))
        final = WriteResult([r for r in results if r is not None])
        if len(final.items) != len(items):  # defensive: the loop above fills every slot
            raise AssertionError("a write result went missing")
        counts = final.counts
        log.info(
            "%s: %s %d items: %d applied, %d failed, %d skipped, %d held",
            self.channel.name,
            what,
            len(items),
            counts[APPLIED],
            counts[FAILED],
            counts[SKIPPED],
            final.held,
        )
        return final

    def _send_group(
        self,
        items: Sequence[T],
        group: list[int],
        send: Callable[[list[T]], dict[int, str] | None],
        results: list[ItemResult | None],
        what: str,
    ) -> None:
        """Send the items at positions ``group`` in one call and fill their results (applied or failed, with why)."""
        self._local.attempts = 0
        batch = [items[i] for i in group]
        try:
            refused = send(batch) or {}
            error = None
        except KitError as exc:
            refused, error = {}, exc.message if not exc.status else f"HTTP {exc.status}: {exc.message}"
            self._local.attempts = getattr(self._local, "attempts", 0) + getattr(exc, "attempts", 0)
        except Exception as exc:  # never lose an item to an unexpected bug
            log.exception("unexpected error while sending %s to %s", what, self.channel.name)
            refused, error = {}, scrub(f"erro inesperado: {type(exc).__name__}: {exc}")
        attempts = getattr(self._local, "attempts", 0)
        for pos, i in enumerate(group):
            item = items[i]
            if error is not None:
                results[i] = ItemResult(item.sku, FAILED, error, attempts, item.channel_id)
            elif pos in refused:  # a Held reason: not sent on purpose (held); any other: the channel refused it
                status = HELD if isinstance(refused[pos], Held) else FAILED
                results[i] = ItemResult(item.sku, status, scrub(refused[pos]) or "refused", attempts, item.channel_id)
            else:
                results[i] = ItemResult(item.sku, APPLIED, "", attempts, item.channel_id)

    # -- the interface every channel offers ------------------------------------
    def check_connection(self) -> dict[str, Any]:
        """Hook: one cheap authenticated call; return details (account, user...)."""
        raise self.unsupported("testar a conexão (test_connection)")

    def permission_probes(self) -> list[tuple[str, Callable[[], Any]]]:
        """Hook: (permission name, call) pairs; a 403 on a call means that permission is missing."""
        return []

    def is_permission_error(self, exc: AuthenticationError) -> bool:
        """Hook: does this error mean "valid credentials, missing permission"? (default: 403)"""
        return exc.status == 403

    def test_connection(self) -> ConnectionReport:
        """Can the kit reach the channel with these credentials, and what is missing?"""
        try:
            details = self.check_connection()
        except AuthenticationError as exc:
            missing = ["credentials"] if exc.status != 403 else ["access"]
            return ConnectionReport(False, exc.message, missing, {"error": exc.to_dict()})
        except ConfigurationError as exc:
            return ConnectionReport(False, exc.message, [], {"error": exc.to_dict()})
        except ChannelError as exc:
            return ConnectionReport(False, exc.message, [], {"error": exc.to_dict()})
        missing: list[str] = []
        for name, probe in self.permission_probes():
            try:
                probe()
            except AuthenticationError as exc:
                if not self.is_permission_error(exc):
                    raise
                missing.append(name)
            except ChannelError:
                pass  # reachable and permitted; the resource itself may be empty
        if missing:
            return ConnectionReport(
                False,
                f"conectado a {self.label}, mas faltam permissões às credenciais: {', '.join(missing)}",
                missing,
                details,
            )
        return ConnectionReport(True, f"conectado a {self.label}", [], details)

    def list_listings(self):
        """Channel ids <-> seller SKU <-> variation, as a DataFrame (:data:`LISTING_COLUMNS`, plus
        :data:`UNLIMITED_STOCK` where a listing's stock is unlimited)."""
        raise self.unsupported("listar os anúncios (list_listings)")

    def listings_frame(self, rows: list[dict[str, Any]]):
        import numpy as np
        import pandas as pd

        def code(v: Any) -> str | None:
            return None if v is None or v == "" else str(v)

        data = {c: [r.get(c) for r in rows] for c in LISTING_COLUMNS}
        for col in ("channel_id", "variation_id", "sku", "ean"):
            data[col] = [code(v) for v in data[col]]
        frame = pd.DataFrame({c: pd.Series(data[c], dtype=object) for c in LISTING_COLUMNS}, columns=LISTING_COLUMNS)
        # One bad value is one bad listing: NaN, inf, garbage or a fractional/overflowing stock becomes empty
        # and is listed in attrs["bad_values"] (sku, channel_id, column, value) for the jobs to report.
        price = pd.to_numeric(frame["price"], errors="coerce")
        stock = pd.to_numeric(frame["stock"], errors="coerce")
        good_price = price.notna() & np.isfinite(price)
        good_stock = stock.notna() & np.isfinite(stock) & (stock.abs() < 2**53) & (stock % 1 == 0)
        bad = []
        for column, good in (("price", good_price), ("stock", good_stock)):
            given = frame[column].map(lambda v: v is not None and not (isinstance(v, str) and not v.strip()))
            for i in frame.index[given & ~good]:
                bad.append({"sku": frame.at[i, "sku"], "channel_id": frame.at[i, "channel_id"], "column": column,
                            "value": repr(frame.at[i, column])[:40]})  # fmt: skip
        frame["price"] = price.where(good_price)
        frame["stock"] = stock.where(good_stock).astype("Int64")
        if any(r.get(UNLIMITED_STOCK) for r in rows):  # only channels that have it, only when a listing has it
            frame[UNLIMITED_STOCK] = pd.Series([bool(r.get(UNLIMITED_STOCK)) for r in rows], dtype=bool)
        frame.attrs["bad_values"] = bad
        return frame

    def sku_bindings(
        self, skus: Sequence[str], recorded: Mapping[str, Mapping[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """Hook (``bind_by_sku`` channels): binding rows (:data:`LISTING_COLUMNS` keys) for ``skus``, no read.

        A SKU the products job recorded (``recorded``: sku -> ``{channel_id, variation_id}``, e.g. a
        variation of a family) keeps that listing; any other SKU is its own channel id.
        """
        recorded = recorded or {}
        rows = []
        for sku in dict.fromkeys(skus):
            ref = recorded.get(sku) or {}
            rows.append({"sku": sku, "channel_id": ref.get("channel_id") or sku,
                         "variation_id": ref.get("variation_id") or None})  # fmt: skip
        return rows

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        raise self.unsupported("atualizar estoque")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        raise self.unsupported("atualizar preços")

    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        raise self.unsupported("baixar pedidos")

    def get_order(self, order_id: str) -> Order:
        raise self.unsupported("ler um pedido")

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """Acknowledge orders where the channel has a queue or feed; returns how many. Default: nothing to do."""
        return 0

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        raise self.unsupported("enviar a nota fiscal (NF-e)")

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        raise self.unsupported("atualizar o rastreio")

    def value_lists(self) -> dict[str, Any]:
        """``{kind: DataFrame}`` of the channel's carriers/services, payment methods and statuses."""
        raise self.unsupported("listas de valores")

    def as_order(self, order: Order | str) -> Order:
        return order if isinstance(order, Order) else self.get_order(str(order))

    # -- publishing (docs/publishing.md) ----------------------------------------------
    def publish_support(self, item: ProductItem) -> PublishSupport:
        """Hook: what the API allows for ``item`` (default: the class declarations)."""
        reason = self.publish_unsupported or f"{self.label}: cadastro de anúncios pela API não suportado pelo kit"
        allowed = self.publish_create and self.publish_update
        return PublishSupport(self.publish_create, self.publish_update, "" if allowed else reason)

    def find_listings(self, skus: Sequence[str]) -> dict[str, ListingRef]:
        """Hook: existing listings of ``skus`` on the channel, found by seller SKU (idempotency before create).

        Default: one :meth:`list_listings` filtered by SKU. A channel with a
        lookup by SKU overrides it (VTEX: RefId; Mercado Livre: ``seller_sku``).
        """
        wanted = set(skus)
        found: dict[str, ListingRef] = {}
        for rec in self.list_listings().to_dict("records"):
            sku = rec.get("sku")
            if sku in wanted and rec.get("channel_id") and sku not in found:
                found[sku] = ListingRef(str(sku), str(rec["channel_id"]), rec.get("variation_id") or None)
        return found

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """Hook: the attributes ``channel_category`` requires (default: none known)."""
        return CategoryRequirements(str(channel_category))

    def create_listing(self, item: ProductItem) -> PublishResult:
        """Hook: create the listing of ``item`` (not bound); the result carries the new ids."""
        raise self.unsupported("criar anúncios")

    def update_listing(self, item: ProductItem) -> PublishResult:
        """Hook: update the bound listing of ``item`` (title, description, brand, EAN, NCM, measures, images...)."""
        raise self.unsupported("atualizar anúncios")

    def send_listings(self, items: Sequence[ProductItem]) -> list[PublishResult]:
        """Hook (bulk and feed channels, ``publish_batch`` > 0): create the unbound ``items``, update the bound ones.

        One result per item, in order; a result may be ``pending`` with a token (a feed
        still processing: :meth:`poll_publish` learns the outcome later). A :class:`KitError`
        fails every item of the call with its message. Default: one :meth:`create_listing` /
        :meth:`update_listing` per item.
        """
        from kit.connectors.publishing import send_one

        return [send_one(self, item) for item in items]

    def create_listings(self, items: Sequence[ProductItem]) -> list[PublishResult]:
        """Hook: create the listings of one variation family at once (``publish_family_together``).

        Returns one result per item, in order. Default: :meth:`create_listing` for each.
        """
        return [self.create_listing(item) for item in items]

    def poll_publish(self, tokens: dict[str, str]) -> list[PublishResult]:
        """Hook: the outcome of pending items (``sku -> token``); still pending ones come back ``pending``.

        Default: a channel that answers synchronously never leaves anything pending.
        """
        return []

    def publish(
        self,
        items: Sequence[ProductItem],
        *,
        on_result: Callable[[ProductItem, PublishResult], None] | None = None,
        workers: int | None = None,
    ) -> PublishReport:
        """Create or update listings: see :func:`kit.connectors.publishing.publish`."""
        from kit.connectors.publishing import publish

        return publish(self, items, on_result=on_result, workers=workers)
