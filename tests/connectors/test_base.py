"""The shared base: response table, backoff, rate limiter, paginators, registry, write accounting, scrubbing."""

from __future__ import annotations

import logging
import random
import threading
import time

import pytest
import requests

from connectors.contract import make_connector
from kit.channeltypes import RateLimit
from kit.connectors import connector_class, register_connector, registered_types
from kit.connectors.base import Connector
from kit.connectors.http import RetryPolicy, _retry_after
from kit.connectors.model import FAILED, ItemResult, StockItem, WriteResult
from kit.connectors.paginate import CursorPaginator, FeedPaginator, OffsetPaginator, PagePaginator
from kit.connectors.ratelimit import TokenBucket, bucket_for, reset_buckets
from kit.connectors.responses import (
    FAIL,
    RATE_LIMITED,
    REFRESH_THEN_RETRY,
    RETRY,
    MalformedBody,
    ResponseRule,
    ResponseTable,
)
from kit.errors import ChannelFatalError
from kit.sandbox import register_sandbox, start_sandbox
from kit.sandbox.base import Reply, SandboxServer, route


# -- the response table -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("match", "action"),
    [
        (401, REFRESH_THEN_RETRY),
        (403, FAIL),
        (404, FAIL),
        (429, RATE_LIMITED),
        (500, RETRY),
        (503, RETRY),
        (422, FAIL),
        (301, FAIL),  # a redirect is never a success (and never followed)
        (302, FAIL),
        (304, FAIL),
        (307, FAIL),
        (101, FAIL),  # nor anything else outside 2xx
        (requests.exceptions.ReadTimeout(), RETRY),
        (requests.exceptions.ConnectionError(), RETRY),
        (MalformedBody("x"), FAIL),
    ],
)
def test_default_table(match, action):
    table = ResponseTable()
    rule = table.for_status(match) if isinstance(match, int) else table.for_exception(match)
    assert rule is not None and rule.action == action


def test_success_has_no_rule_and_overrides_come_first():
    table = ResponseTable([ResponseRule(423, RETRY, "transient", "locked"), ResponseRule(404, RETRY, "transient", "x")])
    assert table.for_status(200) is None and table.for_status(204) is None
    assert table.for_status(423).action == RETRY
    assert table.for_status(404).action == RETRY  # a channel row wins over the default


def test_rule_rejects_unknown_action():
    with pytest.raises(ValueError):
        ResponseRule(500, "explode", "transient", "x")


# -- backoff and Retry-After ----------------------------------------------------------------
def test_full_jitter_backoff_is_bounded_and_grows():
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=4.0)
    rng = random.Random(1)
    for attempt in range(1, 10):
        ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
        draws = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8  # full jitter spans the whole range


def test_retry_after_seconds_and_http_date():
    class R:
        def __init__(self, value):
            self.headers = {"Retry-After": value}

    assert _retry_after(R("7")) == 7.0
    assert 55 < _retry_after(R(time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60)))) <= 60
    assert _retry_after(R("soon")) is None


# -- rate limiter -----------------------------------------------------------------------------
def test_token_bucket_holds_the_rate_across_threads():
    bucket = TokenBucket(200, 5)
    count = 0
    lock = threading.Lock()

    def worker():
        nonlocal count
        for _ in range(25):
            bucket.acquire()
            with lock:
                count += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert count == 200
    assert elapsed >= (200 - 5) / 200 * 0.95  # no faster than the rate allows


def test_buckets_are_shared_per_account_and_family():
    reset_buckets()
    limit = RateLimit(10, 10, "t")
    assert bucket_for("acct", "write", limit) is bucket_for("acct", "write", limit)
    assert bucket_for("acct", "write", limit) is not bucket_for("acct", "orders_read", limit)
    assert bucket_for("other", "write", limit) is not bucket_for("acct", "write", limit)
    assert bucket_for("acct", "write", RateLimit(3, 3, "t")).rate == 3  # reconfigured in place


def test_a_bucket_file_is_one_bucket_for_every_store_that_opens_it(tmp_path):
    from kit.connectors.ratelimit import SQLiteBuckets

    path = tmp_path / "buckets.sqlite"
    one, two = SQLiteBuckets(path), SQLiteBuckets(path)  # as two processes would
    limit = RateLimit(50, 5, "t")
    a, b = one.bucket("acct", "write", limit), two.bucket("acct", "write", limit)
    assert [a.reserve() for _ in range(5)] == [0.0] * 5  # the burst, spent through one
    wait = b.reserve()  # the other sees it spent
    assert 0.0 < wait <= 1 / 50 + 0.01
    b.penalize(1.0)  # a 429 seen by one holds back the other too
    assert a.reserve() >= 0.9
    assert one.bucket("other", "write", limit).reserve() == 0.0  # another account: its own bucket
    assert path.stat().st_mode & 0o077 == 0
    one.close()
    two.close()


def test_the_default_bucket_store_is_shared_through_the_workspace(tmp_path, monkeypatch):
    from kit.connectors import ratelimit

    monkeypatch.setenv("KIT_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.delenv(ratelimit.BUCKETS_ENV, raising=False)
    assert isinstance(ratelimit.current_store(), ratelimit.SQLiteBuckets)
    assert (tmp_path / "ws" / "ratelimit.sqlite").exists()
    monkeypatch.setenv(ratelimit.BUCKETS_ENV, "memory")
    assert isinstance(ratelimit.current_store(), ratelimit.MemoryBuckets)


def test_the_shared_bucket_file_never_holds_an_account_name(tmp_path, monkeypatch):
    """An account may be named by a credential (Mercado Livre's app id): the file keeps only a digest."""
    from kit.connectors import ratelimit

    monkeypatch.setenv(ratelimit.BUCKETS_ENV, str(tmp_path / "buckets.sqlite"))
    ratelimit.use_buckets(None)
    secret = "mercadolivre-app|5503-secret-client-id|http://x"
    bucket = ratelimit.bucket_for(secret, "write", RateLimit(5, 5, "t"))
    bucket.reserve()
    ratelimit.current_store().close()
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert written and b"5503-secret-client-id" not in written
    assert ratelimit.bucket_for(secret, "write", RateLimit(5, 5, "t")) is not None  # reopens on use


def test_connectors_of_one_account_share_a_bucket():
    with start_sandbox("vtex", n_products=5, orders=0) as sbx:
        a, b = make_connector(sbx), make_connector(sbx)
        assert a.bucket("write") is b.bucket("write")


# -- paginators ------------------------------------------------------------------------------------
def test_offset_paginator_stops_on_total_and_short_pages():
    data = list(range(23))
    calls = []

    def fetch(params):
        calls.append(params)
        o, n = params["offset"], params["limit"]
        return {"results": data[o : o + n], "paging": {"total": len(data)}}

    assert OffsetPaginator(10, records_path="results", total_path="paging.total").all(fetch) == data
    assert len(calls) == 3


def test_page_paginator_stops_on_total_even_if_the_channel_repeats_the_last_page():
    data = list(range(25))

    def fetch(params):  # Magento serves the last page again past the end
        page = min(params["p"], 3)
        return {"items": data[(page - 1) * 10 : page * 10], "total_count": 25}

    pager = PagePaginator(10, page_param="p", size_param="s", records_path="items", total_path="total_count")
    assert pager.all(fetch) == data


def test_cursor_paginator_refuses_a_repeated_cursor():
    pages = iter([{"r": [1], "c": "A"}, {"r": [2], "c": "B"}, {"r": [3], "c": "A"}, {"r": [4], "c": "C"}])
    pager = CursorPaginator("c", cursor_param="cursor", records_path="r", channel="x")
    with pytest.raises(ChannelFatalError, match="repetiu um cursor de paginação"):
        pager.all(lambda p: next(pages))


def test_paginator_refuses_identical_consecutive_pages():
    pager = OffsetPaginator(2, records_path="r")
    with pytest.raises(ChannelFatalError, match="mesma página"):
        pager.all(lambda p: {"r": ["a", "b"]})


def test_feed_paginator_reads_until_empty_or_max_lots():
    lots = [[{"handle": f"h{i}{j}"} for j in range(3)] for i in range(2)] + [[]]
    it = iter(lots)
    assert len(FeedPaginator(lot_size=3, max_lots=10).all(lambda p: next(it))) == 6
    endless = FeedPaginator(lot_size=1, max_lots=4)
    counter = iter(range(100))
    assert len(endless.all(lambda p: [{"handle": str(next(counter))}])) == 4


# -- registry -------------------------------------------------------------------------------------
def test_registry_knows_the_three_channels_and_refuses_duplicates():
    assert {"mercadolivre", "vtex", "magento"} <= set(registered_types())
    with pytest.raises(ValueError, match="already registered"):
        register_connector("vtex", type("Dup", (Connector,), {}))
    with pytest.raises(ValueError, match="already registered"):
        register_sandbox("vtex", type("DupSbx", (SandboxServer,), {}))
    with pytest.raises(Exception, match="tipo de canal desconhecido .no-such-type."):
        register_connector("no-such-type", type("X", (Connector,), {}))
    assert connector_class("vtex").type_name == "vtex"


# -- write accounting -------------------------------------------------------------------------------
def test_assert_accounted_catches_missing_misordered_and_reasonless_results():
    items = [StockItem("A", 1), StockItem("B", 2)]
    WriteResult([ItemResult("A", "applied"), ItemResult("B", FAILED, "refused")]).assert_accounted(items)
    with pytest.raises(AssertionError):
        WriteResult([ItemResult("A", "applied")]).assert_accounted(items)
    with pytest.raises(AssertionError):
        WriteResult([ItemResult("B", "applied"), ItemResult("A", "applied")]).assert_accounted(items)
    with pytest.raises(AssertionError):
        WriteResult([ItemResult("A", "applied"), ItemResult("B", FAILED)]).assert_accounted(items)
    with pytest.raises(ValueError):
        ItemResult("A", "lost")


class _FlakySandbox(SandboxServer):
    """A tiny channel for base tests: PUT /things/{sku} stores a quantity; 'BAD' is refused."""

    type_name = "magento"  # borrows a declared type for limits; not registered

    def seed_data(self, catalog, orders):
        self.state.data["things"] = {}

    @route("PUT", "/things/{sku}")
    def put(self, req):
        if req.params["sku"] == "BAD":
            return Reply(422, {"message": "sku refused"})
        self.state.data["things"][req.params["sku"]] = req.json()["q"]
        return {"ok": True}


def test_run_writes_accounts_for_every_item_even_when_send_raises(monkeypatch):
    with _FlakySandbox(rate_limit=(5000, 5000)).start() as sbx:
        sbx.faults.update(error_rate=0.2, seed=5)
        conn = make_connector(_as_magento(sbx), retry=RetryPolicy(15, 0.001, 0.01, 0.01, 20))
        items = [StockItem(f"S{i}", i) for i in range(60)] + [StockItem("BAD", 1), StockItem("SKIP", 1)]

        def send(group):
            if group[0].sku == "S7":
                raise RuntimeError("a bug in the connector")
            conn.request("PUT", f"{sbx.url}/things/{group[0].sku}", json_data={"q": group[0].quantity}, family="write")

        result = conn.run_writes(items, send, skip=lambda it: "not listed" if it.sku == "SKIP" else None)
        result.assert_accounted(items)
        by_sku = {r.sku: r for r in result.items}
        assert by_sku["BAD"].status == FAILED and "422" in by_sku["BAD"].reason
        assert by_sku["S7"].status == FAILED and "RuntimeError" in by_sku["S7"].reason
        assert by_sku["SKIP"].status == "skipped"
        assert result.counts == {"applied": 59, "failed": 2, "skipped": 1}
        assert len(sbx.state.data["things"]) == 59


def _as_magento(sbx):
    """A magento-typed channel pointing at a base-test sandbox (credentials: a dummy token)."""
    sbx.credentials = {"access_token": "dummy-token-for-base-tests"}
    sbx.channel_settings = lambda: {}
    return sbx


# -- secrets never leak ---------------------------------------------------------------------------------
def test_errors_and_debug_logs_never_carry_keys_or_query_strings(caplog):
    with start_sandbox("vtex", n_products=5, orders=0) as sbx:
        conn = make_connector(sbx)
        token = sbx.credentials["app_token"]
        sbx.faults.update(error_rate=1.0)
        with caplog.at_level(logging.DEBUG, logger="kit.connectors"):
            with pytest.raises(Exception) as info:
                conn.get_json("/api/catalog_system/pvt/sku/stockkeepingunitids", params={"page": 1, "secret": "q"})
        text = str(info.value) + caplog.text
        assert token not in text
        assert "secret=q" not in text and "page=1" not in text
        assert "stockkeepingunitids" in caplog.text  # one line per request was logged
