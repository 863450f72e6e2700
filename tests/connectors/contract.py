"""The connector contract suite: the same tests for every channel, in one line each.

Usage, in ``tests/connectors/test_<type>.py``::

    from connectors.contract import contract_suite

    TestVtexContract = contract_suite("vtex")

Options (keyword arguments of :func:`contract_suite`): ``products`` (catalogue
size in the sandbox; pick it so listings take several pages),
``sandbox_options`` (extra arguments of ``start_sandbox``), ``refreshes``
(True when the channel's tokens expire and the connector must refresh them
transparently, e.g. OAuth2), ``acks`` (True when ``ack_orders`` removes orders
from a queue/feed), ``lines_without_sku`` (True when the channel sends order lines
without the seller SKU, naming only their listing: Mercado Livre).

Publishing (docs/publishing.md) is a second, separate suite a channel opts into with one line::

    TestVtexPublishing = publishing_suite("vtex", item_factory=vtex_items)

Every test runs against the channel's real sandbox on 127.0.0.1 with small
retry delays, so the suite takes seconds.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from kit.channeltypes import RateLimit
from kit.connectors import connector_for
from kit.connectors.http import RetryPolicy, Timeouts
from kit.connectors.model import APPLIED, FAILED, PriceItem, StockItem
from kit.connectors.ratelimit import reset_buckets
from kit.errors import AuthenticationError, ChannelFatalError, ChannelTransientError
from kit.sample import channel_values
from kit.sandbox import start_sandbox

__all__ = [
    "contract_suite",
    "ChannelContract",
    "FAST_RETRY",
    "FAULT_RETRY",
    "TEST_TIMEOUTS",
    "TEST_RATE",
    "make_connector",
    "small_rise",
    "publishing_suite",
    "PublishingContract",
    "write_publishing_inputs",
]

#: Small delays so retries cost milliseconds in tests.
FAST_RETRY = RetryPolicy(max_attempts=6, base_delay_s=0.005, max_delay_s=0.05, retry_after_cap_s=0.02, budget_s=30)
#: For tests that inject faults on a share of requests: enough attempts that an honest
#: connector cannot lose an item by bad luck (0.35 ** 15 is about 1e-7 per request).
FAULT_RETRY = RetryPolicy(max_attempts=15, base_delay_s=0.002, max_delay_s=0.02, retry_after_cap_s=0.02, budget_s=30)
#: A read timeout short enough that the sandbox's "timeout" fault (1.2 s) trips it, long enough
#: that an honest answer on a loaded CI machine does not.
TEST_TIMEOUTS = Timeouts(connect=2.0, read=0.5)
#: A client rate far above anything the tests need (the sandbox's own limit is what the 429 test lowers).
TEST_RATE = RateLimit(2000, 200, "tests", "configured")


def make_connector(sandbox, **options: Any):
    """A connector aimed at ``sandbox`` with the test retry policy, timeouts and rate."""
    channel = sandbox.channel()
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("timeouts", TEST_TIMEOUTS)
    options.setdefault("rate_limit", TEST_RATE)
    return connector_for(channel, **options)


def small_rise(price: Any, n: int = 0) -> float:
    """A price a little above ``price`` (5 % and a few cents more, so it differs from the current one)."""
    return round(float(price) * 1.05 + 0.01 * (n + 1), 2)


class ChannelContract:
    """The contract every connector meets. Subclassed by :func:`contract_suite` (not collected itself)."""

    channel_type: str = ""
    products: int = 60
    sandbox_options: dict[str, Any] = {}
    refreshes: bool = False
    acks: bool = False
    #: the channel sends some order lines without the seller SKU (then they must name their listing)
    lines_without_sku: bool = False
    connector_attrs: dict[str, Any] = {}
    #: regex of the write endpoints (faulted by the persistent-5xx test); "" = the built-in guess
    write_path: str = ""
    #: HTTP statuses of a credentials error (SOAP 1.1 faults travel as 500)
    auth_statuses: tuple[int, ...] = (400, 401, 403)
    #: the connector method that reads pages ("call" for SOAP connectors)
    page_method: str = "get_json"

    @pytest.fixture
    def sandbox(self):
        reset_buckets()
        with start_sandbox(
            self.channel_type, rate_limit=(5000, 5000), n_products=self.products, **self.sandbox_options
        ) as sbx:
            yield sbx

    @pytest.fixture
    def connector(self, sandbox):
        conn = self.connector_for(sandbox)
        yield conn
        conn.close()

    def connector_for(self, sandbox, **options: Any):
        conn = make_connector(sandbox, **options)
        for key, value in self.connector_attrs.items():
            setattr(conn, key, value)
        return conn

    def sample_items(self, connector, n: int = 8) -> Any:
        listings = connector.list_listings()
        return listings[listings["sku"].notna()].head(n)

    # -- connection and listings ---------------------------------------------------
    def test_connection_ok(self, connector):
        report = connector.test_connection()
        assert report.ok, report.message
        assert report.missing_permissions == []

    def test_pagination_terminates_with_every_listing(self, sandbox, connector):
        listings = connector.list_listings()
        assert len(listings) == self.products  # one row per catalogue SKU (variation rows included)
        assert listings["sku"].is_unique
        assert list(listings.columns) == [
            "channel_id",
            "variation_id",
            "sku",
            "ean",
            "title",
            "price",
            "stock",
            "status",
        ]
        # bounded: far fewer requests than one per row per page size would allow in a loop
        assert len(sandbox.state.requests) < 4 * self.products + 20

    def test_pagination_refuses_a_channel_that_repeats_pages(self, connector, monkeypatch):
        first: dict[Any, Any] = {}
        real = getattr(connector, self.page_method)

        def stuck(*args, **kw):
            # The channel ignores the paging parameters: always the first page of each path (and SOAP operation).
            key = tuple(a for a in args if isinstance(a, str))
            if key not in first:
                first[key] = real(*args, **kw)
            return first[key]

        monkeypatch.setattr(connector, self.page_method, stuck)
        started = time.monotonic()
        with pytest.raises(ChannelFatalError, match="mesma página|repetiu"):
            connector.list_listings()
        assert time.monotonic() - started < 10

    # -- failures -----------------------------------------------------------------------
    def test_429_is_retried_within_the_budget(self, sandbox, connector):
        rows = self.sample_items(connector, 6)
        sandbox.state.clear_log()
        sandbox.set_rate_limit(100, burst=1)  # far below what the client sends
        # The time budget bounds the retries, not a count: under contention one request may draw
        # dozens of 429s in a row on a loaded machine (30 attempts once ran out in CI).
        conn = self.connector_for(sandbox, retry=RetryPolicy(10_000, 0.005, 0.05, 0.05, budget_s=20))
        assert len(conn.list_listings()) == self.products
        items = [StockItem(r.sku, 3, r.channel_id, r.variation_id) for r in rows.itertuples()]
        result = conn.update_stock(items)
        result.assert_accounted(items)
        assert result.failed == 0, result.failures()
        assert sandbox.state.count(429) > 0

    def test_wrong_credentials_give_a_clear_auth_error(self, sandbox):
        channel = sandbox.channel(store_credentials=False)
        from kit.secrets import SecretsStore

        wrong = {k: f"wrong-{k}-value-0000" for k in sandbox.credentials}
        SecretsStore().update(channel.credentials_ref, wrong)
        conn = connector_for(channel, retry=FAST_RETRY, timeouts=TEST_TIMEOUTS, rate_limit=TEST_RATE)
        for key, value in self.connector_attrs.items():
            setattr(conn, key, value)
        with pytest.raises(AuthenticationError) as info:
            conn.list_listings()
        err = info.value
        assert err.channel == channel.name
        assert err.status in self.auth_statuses
        for value in wrong.values():
            assert value not in str(err)
        report = conn.test_connection()
        assert not report.ok and report.missing_permissions

    def test_expired_token_is_refreshed_or_reported(self, sandbox, connector):
        connector.list_listings()
        sandbox.faults.update(expire_tokens=True)
        if self.refreshes:
            assert len(connector.list_listings()) == self.products
        else:
            # Keys that do not expire: rotate them on the channel side; the error must be clear.
            sandbox.credentials = {k: v + "-rotated" for k, v in sandbox.credentials.items()}
            with pytest.raises(AuthenticationError, match="recusou as credenciais"):
                connector.list_listings()

    def test_5xx_is_retried(self, sandbox):
        connector = self.connector_for(sandbox, retry=FAULT_RETRY)
        rows = self.sample_items(connector)
        sandbox.faults.update(error_rate=0.3, seed=7)  # seed 7: the first draws include failures
        assert len(connector.list_listings()) == self.products
        items = [StockItem(r.sku, 11, r.channel_id, r.variation_id) for r in rows.itertuples()]
        result = connector.update_stock(items)
        result.assert_accounted(items)
        assert result.failed == 0, result.failures()
        assert sandbox.state.count(503) > 0

    def test_persistent_5xx_is_reported_per_item(self, sandbox, connector):
        rows = self.sample_items(connector, 4)
        sandbox.faults.update(error_rate=1.0, path_pattern=self.write_path_pattern())
        items = [StockItem(r.sku, 1, r.channel_id, r.variation_id) for r in rows.itertuples()]
        result = connector.update_stock(items)
        result.assert_accounted(items)
        assert result.counts[FAILED] == len(items)
        assert all("503" in r.reason for r in result.items)
        with pytest.raises(ChannelTransientError) as info:
            sandbox.faults.update(path_pattern="")
            connector.list_listings()
        assert info.value.status == 503 and info.value.request_id

    def write_path_pattern(self) -> str:
        return self.write_path or {"vtex": "inventory", "magento": "source-items", "mercadolivre": "^/items/"}.get(
            self.channel_type, ""
        )

    def test_malformed_json_is_a_clear_fatal_error(self, sandbox, connector):
        sandbox.faults.update(malformed_rate=1.0)
        with pytest.raises(ChannelFatalError, match="(JSON|XML) malformado"):
            connector.list_listings()

    def test_timeouts_and_dropped_connections_are_retried(self, sandbox):
        connector = self.connector_for(sandbox, retry=FAULT_RETRY)
        rows = self.sample_items(connector)
        sandbox.faults.update(timeout_rate=0.2, timeout_s=1.2, drop_rate=0.15, seed=3)
        items = [StockItem(r.sku, 21, r.channel_id, r.variation_id) for r in rows.itertuples()]
        result = connector.update_stock(items)
        result.assert_accounted(items)
        assert result.failed == 0, result.failures()

    # -- writes -------------------------------------------------------------------------
    def test_every_input_item_is_accounted_for(self, connector):
        rows = self.sample_items(connector, 5)
        items = [StockItem(r.sku, 4) for r in rows.itertuples()]
        items += [StockItem("NO-SUCH-SKU-1", 1), StockItem(rows.iloc[0].sku, 6), StockItem("NO-SUCH-SKU-2", 2)]
        result = connector.update_stock(items)
        result.assert_accounted(items)
        unknown = [r for r in result.items if r.sku.startswith("NO-SUCH")]
        assert all(r.status != APPLIED and r.reason for r in unknown)
        assert sum(result.counts.values()) == len(items)

    def test_updates_show_in_listings(self, connector):
        rows = self.sample_items(connector, 5)
        stock = [StockItem(r.sku, 100 + n) for n, r in enumerate(rows.itertuples())]
        # A small rise on each listing's own price: a fixed price would be a deep cut for some listings,
        # which a channel may refuse (Via refuses a cut past half).
        prices = [
            PriceItem(r.sku, small_rise(r.price, n))
            for n, r in enumerate(rows.itertuples())
            if n == 0 or r.variation_id is None
        ]
        assert connector.update_stock(stock).applied == len(stock)
        assert connector.update_prices(prices).applied == len(prices)
        after = connector.list_listings().set_index("sku")
        for item in stock:
            assert after.loc[item.sku, "stock"] == item.quantity
        for item in prices:
            assert after.loc[item.sku, "price"] == pytest.approx(item.price)

    # -- orders and value lists -------------------------------------------------------------
    def test_fetch_orders_keeps_raw_values_and_acks(self, connector):
        page = connector.fetch_orders()
        assert page.orders
        truth = channel_values(self.channel_type)
        carriers = {tuple(pair) for pair, _ in truth["carrier_service"]}
        payments = {raw for raw, _ in truth["payment_method"]}
        statuses = {raw for raw, _ in truth["order_status"]}
        for order in page.orders:
            assert order.items and all(i.quantity > 0 for i in order.items)
            assert all(i.sku or (self.lines_without_sku and i.channel_item_id) for i in order.items)
            assert (order.carrier_raw, order.service_raw) in carriers
            # Marketplaces that collect payment themselves expose no payment method.
            assert order.payment_raw in payments if payments else order.payment_raw is None
            assert order.status_raw in statuses
        acked = connector.ack_orders(page.orders)
        again = connector.fetch_orders(cursor=page.cursor)
        if self.acks:
            assert acked >= len(page.orders)
            assert not {o.order_id for o in again.orders} & {o.order_id for o in page.orders}
        else:
            assert acked == 0
            # Inclusive cursor: only orders at the boundary instant may come again.
            assert all(o.updated_at == page.cursor for o in again.orders)

    def test_value_lists_cover_the_raw_values_of_orders(self, connector):
        lists = connector.value_lists()
        assert set(lists) >= {"carrier_service", "payment_method", "order_status"}
        carriers = set(zip(lists["carrier_service"]["carrier"], lists["carrier_service"]["service"], strict=True))
        payments = set(lists["payment_method"]["payment_method"])
        statuses = set(lists["order_status"]["status"])
        for order in connector.fetch_orders().orders:
            assert (order.carrier_raw, order.service_raw) in carriers
            if order.payment_raw is not None:  # None: the marketplace collects payment itself
                assert order.payment_raw in payments
            assert order.status_raw in statuses

    # -- the order lifecycle after import ------------------------------------------------------
    def test_an_order_cancelled_after_import_reaches_the_outbox_once(self, sandbox, workspace, tmp_path, monkeypatch):
        """Import, cancel on the channel, import again: one update with the cancelled status, no duplicate."""
        from kit.channels import ChannelRegistry
        from kit.jobs import run_job
        from tests.jobs.conftest import write_truth_mappings

        name = f"contract-{self.channel_type}"
        ChannelRegistry(workspace).add(sandbox.channel(name))
        monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
        write_truth_mappings(tmp_path / "mappings", name, self.channel_type)
        connector = self.connector_for(sandbox)
        first = run_job("orders", name, ws=workspace, connector=connector)
        assert first.ok and first.applied > 0, first.render_pt()
        before = _outbox(workspace, name)
        target = next(o for o in before if o["erp"].get("status") != "Cancelado")
        sandbox.cancel_order(target["order_id"])
        second = run_job("orders", name, ws=workspace, connector=connector)
        assert second.ok, second.render_pt()
        after = _outbox(workspace, name)
        new = after[len(before) :]
        assert [(o["order_id"], o["erp"]["status"]) for o in new] == [(target["order_id"], "Cancelado")]
        keys = [(o["order_id"], o["version"]) for o in after]
        assert len(keys) == len(set(keys))  # nothing written twice
        third = run_job("orders", name, ws=workspace, connector=connector)
        assert third.ok and third.applied == 0 and len(_outbox(workspace, name)) == len(after)


def _outbox(workspace, channel: str) -> list[dict[str, Any]]:
    """Every order written to ``channel``'s outbox, batch files in the order they were written."""
    import json

    folder = workspace.root / "outbox" / channel
    batches = sorted(folder.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    return [o for path in batches for o in json.loads(path.read_text(encoding="utf-8"))["orders"]]


def contract_suite(channel_type: str, **options: Any) -> type:
    """A test class running :class:`ChannelContract` against ``channel_type``'s sandbox."""
    name = "".join(part.title() for part in channel_type.split("_"))
    return type(f"Test{name}Contract", (ChannelContract,), {"channel_type": channel_type, **options})


# ------------------------------------------------------------------------------------------ publishing
class PublishingContract:
    """The publishing contract (docs/publishing.md). Subclassed by :func:`publishing_suite` (not collected).

    A channel opts in with one line, giving ``item_factory(sandbox, connector, n)``: ``n`` valid
    :class:`~kit.connectors.model.ProductItem` (unbound) for its sandbox, with ``category`` /
    ``channel_category`` and ``attributes`` / ``channel_attributes`` filled as the de-para would;
    ``incomplete`` names a required field the channel itself refuses when it is missing. The
    sandbox must offer ``listings_by_ref()`` (seller SKU -> the channel's listing ids).
    Asynchronous channels list ``"pending"`` in ``created_statuses`` (a direct ``create_listing``
    answers before the channel finished; ``publish`` polls within its bounded wait); a channel
    whose API cannot change an accepted listing sets ``updates=False`` (a publish of existing
    listings is then skipped per SKU, with the reason).
    """

    channel_type: str = ""
    products: int = 6
    item_factory: Any = None
    incomplete: str = "weight_kg"
    created_statuses: tuple[str, ...] = ("applied",)
    updates: bool = True
    #: HTTP statuses of the channel's refusal of an incomplete product; None: refused inside a 200 answer
    #: (SOAP results: Rakuten's Codigo, EZ Commerce's Status) or as a SOAP fault
    refusal_status: tuple[int, int] | None = (400, 500)
    #: the channel can look a seller SKU up (find_listings): a re-publish of a listed SKU is an update;
    #: False (no read, EZ Commerce): it is saved again by the seller SKU (an upsert), still one listing
    finds_existing: bool = True

    @pytest.fixture
    def sandbox(self):
        reset_buckets()
        with start_sandbox(self.channel_type, rate_limit=(5000, 5000), n_products=self.products, orders=0) as sbx:
            yield sbx

    @pytest.fixture
    def connector(self, sandbox):
        conn = make_connector(sandbox)
        yield conn
        conn.close()

    def items(self, sandbox, connector, n: int = 6) -> list:
        return type(self).item_factory(sandbox, connector, n)

    @staticmethod
    def counts(sandbox, skus) -> dict[str, int]:
        listed = sandbox.listings_by_ref()
        return {s: len(listed.get(s, [])) for s in skus}

    def test_publish_creates_the_missing_listings_once(self, sandbox, connector):
        items = self.items(sandbox, connector)
        report = connector.publish(items)
        report.assert_accounted(items)
        assert report.counts["applied"] == len(items), report.to_frame().to_string()
        assert {r.action for r in report.items} == {"create"}
        assert self.counts(sandbox, [i.sku for i in items]) == {i.sku: 1 for i in items}
        again = connector.publish(items)  # the kit lost its records: found by SKU, updated, not created
        again.assert_accounted(items)
        self.assert_updated(again, items)
        assert self.counts(sandbox, [i.sku for i in items]) == {i.sku: 1 for i in items}

    def assert_updated(self, report, items) -> None:
        """Existing listings were updated, or (``updates=False``) skipped per SKU with the reason."""
        if self.updates or not self.finds_existing:  # no read (EZ Commerce): saved again by seller SKU, an upsert
            assert {r.action for r in report.items} == {self.relisted} and report.counts["applied"] == len(items)
        else:
            assert [r.status for r in report.items] == ["skipped"] * len(items), report.to_frame().to_string()
            assert all(r.reason for r in report.items)

    def test_an_incomplete_product_is_held_and_the_channel_refuses_it_too(self, sandbox, connector):
        from dataclasses import replace

        item = replace(self.items(sandbox, connector, 1)[0], **{self.incomplete: None})
        report = connector.publish([item])
        report.assert_accounted([item])
        assert report.items[0].status == "held" and report.items[0].fix
        assert self.counts(sandbox, [item.sku]) == {item.sku: 0}
        with pytest.raises(ChannelFatalError) as info:  # sent anyway, the channel refuses it with its reason
            connector.create_listing(item)
        assert info.value.message
        if self.refusal_status is not None:
            assert info.value.status and self.refusal_status[0] <= info.value.status < self.refusal_status[1]
        assert self.counts(sandbox, [item.sku]) == {item.sku: 0}

    def test_a_crash_between_created_and_the_binding_never_duplicates(self, sandbox, connector):
        items = self.items(sandbox, connector, 3)
        for item in items:  # the channel said "created"; the kit died before writing the binding down
            assert connector.create_listing(item).status in self.created_statuses
        report = connector.publish(items)
        report.assert_accounted(items)
        assert [r.action for r in report.items] == [self.relisted] * len(items)
        assert self.counts(sandbox, [i.sku for i in items]) == {i.sku: 1 for i in items}

    def test_every_item_is_accounted_for(self, sandbox, connector):
        from dataclasses import replace

        good = self.items(sandbox, connector, 4)
        items = [*good, replace(good[0], sku=good[0].sku + "-X", channel_category=None),
                 replace(good[1], sku=good[1].sku + "-Y", title="")]  # fmt: skip
        report = connector.publish(items)
        report.assert_accounted(items)
        assert sum(report.counts.values()) == len(items)
        assert [r.status for r in report.items[-2:]] == ["held", "held"]

    def test_the_products_job_creates_then_a_second_run_sends_nothing(self, sandbox, connector, workspace, tmp_path,
                                                                       monkeypatch):  # fmt: skip
        from kit.channels import ChannelRegistry
        from kit.jobs import run_job
        from kit.jobs.settings import set_job_settings

        name = f"publish-{self.channel_type}"
        ChannelRegistry(workspace).add(sandbox.channel(name))
        items = self.items(sandbox, connector, 5)
        monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
        write_publishing_inputs(tmp_path, name, items)
        set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
        first = run_job("products", name, ws=workspace, connector=connector)
        assert first.ok and first.applied >= len(items), first.render_pt()
        assert self.counts(sandbox, [i.sku for i in items]) == {i.sku: 1 for i in items}
        sandbox.state.clear_log()
        second = run_job("products", name, ws=workspace, connector=connector)
        assert second.ok and second.applied == 0 and second.failed == 0, second.render_pt()
        assert [e["path"] for e in self.write_requests(sandbox)] == []

    @property
    def relisted(self) -> str:
        """The action of a re-publish of SKUs the channel already lists (the kit having lost its records)."""
        return "update" if self.finds_existing else "create"

    @staticmethod
    def write_requests(sandbox) -> list:
        """The sandbox's logged requests that change something (lookups by POST are reads).

        A sandbox whose reads are POSTs too (SOAP) says which with ``is_read_request(entry)``.
        """
        is_read = getattr(sandbox, "is_read_request", None)
        writes = [e for e in sandbox.state.requests if e["method"] in ("POST", "PUT", "PATCH", "DELETE")]
        if is_read is not None:
            return [e for e in writes if not is_read(e)]
        reads = {"stockkeepingunitidsbyrefids"}
        return [e for e in writes if not any(r in e["path"] for r in reads)]


ERP_PRODUCT_HEADER = ["sku", "ean", "title", "brand", "category", "ncm", "weight_kg", "height_cm", "width_cm",
                      "length_cm", "price", "stock", "active", "color", "size", "parent_sku", "image_urls"]  # fmt: skip


def write_publishing_inputs(root, channel: str, items: list) -> None:
    """An ERP products export of ``items`` and the de-para tables they need."""
    import csv

    rows = [[i.sku, i.ean or "", i.title, i.brand, i.category, i.ncm or "", i.weight_kg, i.height_cm, i.width_cm,
             i.length_cm, i.price or 10, i.stock or 1, "Sim", i.attributes.get("Cor", ""),
             i.attributes.get("Tamanho", ""), i.parent_sku or "", " ".join(i.image_urls)] for i in items]  # fmt: skip
    (root / "erp").mkdir(parents=True, exist_ok=True)
    with open(root / "erp" / "products.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(ERP_PRODUCT_HEADER)
        w.writerows(rows)
    folder = root / "mappings" / channel
    folder.mkdir(parents=True, exist_ok=True)
    cats = sorted({(i.category, i.channel_category) for i in items if i.channel_category})
    attrs = sorted({(k, v, ck, cv) for i in items for (k, v), (ck, cv) in
                    zip(i.attributes.items(), i.channel_attributes.items(), strict=False)})  # fmt: skip
    for kind, head, data in (
        ("category", ["erp_category", "channel_category"], cats),
        ("attribute", ["erp_attribute", "erp_value", "channel_attribute", "channel_value"], attrs),
    ):
        with open(folder / f"{kind}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([*head, "method", "score", "confirmed", "note"])
            w.writerows([[*r, "manual", "", "true", ""] for r in data])


def publishing_suite(channel_type: str, item_factory: Any, **options: Any) -> type:
    """A test class running :class:`PublishingContract` against ``channel_type``'s sandbox."""
    name = "".join(part.title() for part in channel_type.split("_"))
    attrs = {"channel_type": channel_type, "item_factory": staticmethod(item_factory), **options}
    return type(f"Test{name}Publishing", (PublishingContract,), attrs)
