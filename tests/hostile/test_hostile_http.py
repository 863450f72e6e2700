"""A hostile channel at the HTTP level: redirects, drips, huge answers.

Every test is bounded by its own watch (a thread joined with a timeout), so a
client that would hang fails fast instead of waiting for pytest's timeout.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from connectors.contract import make_connector

from hostile.conftest import KEY, RETRY, TIMEOUTS
from hostile.server import HostileServer
from kit.connectors.model import APPLIED, Invoice, Order, PriceItem, Shipment, StockItem
from kit.errors import ChannelFatalError, ChannelTransientError, KitError

WATCH_S = 20.0  # far above every bound below; only a client that ignores its bounds reaches it


def watched(fn, *args: Any, **kw: Any) -> tuple[Any, BaseException | None, float]:
    """Run ``fn`` in a thread; fail the test if it is still running after :data:`WATCH_S`."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn(*args, **kw)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    t0 = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(WATCH_S)
    elapsed = time.monotonic() - t0
    if thread.is_alive():
        pytest.fail(f"the client was still busy after {WATCH_S:.0f} s: it ignores its time bound")
    return out.get("value"), out.get("error"), elapsed


# -- redirects -----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["PUT", "POST", "PATCH", "DELETE", "GET"])
def test_a_redirect_is_not_success_and_is_never_followed(hostile, connect, status, method):
    with HostileServer() as elsewhere:
        hostile.answer = lambda h: h.redirect(status, f"{elsewhere.url}/catch?from=kit")
        conn = connect()
        _, error, _ = watched(conn.request, method, "/stock/SKU-1", json_data={"value": 1}, family="write")
        assert isinstance(error, ChannelFatalError), error
        assert error.status == status and "redirecionamento" in error.message
        assert elsewhere.requests == []  # the credentials never went along
        assert len(hostile.requests) == 1  # a failure, not a retry loop
        assert hostile.requests[0]["headers"].get("X-Hostile-Key") == KEY


def _writes(server: HostileServer) -> int:
    with server.lock:
        return sum(1 for r in server.requests if r["method"] in ("POST", "PUT", "PATCH", "DELETE"))


def _channel_types() -> list[str]:
    from kit.connectors import registered_types
    from kit.sandbox import sandbox_types

    return sorted(set(sandbox_types()) & set(registered_types()))


@pytest.mark.parametrize("channel_type", _channel_types())
def test_redirected_writes_are_never_applied_on_any_channel(channel_type):
    """Every connector, every write path: a channel answering 302 (empty body) to everything applies nothing."""
    from kit.connectors.base import OperationNotSupported
    from kit.sandbox import start_sandbox

    with (
        start_sandbox(channel_type, n_products=6, orders=2, rate_limit=(5000, 5000)) as sbx,
        HostileServer() as elsewhere,
    ):
        with HostileServer(lambda h: h.redirect(302, f"{elsewhere.url}/moved")) as hostile:
            conn = make_connector(sbx, base_url=hostile.url, retry=RETRY, timeouts=TIMEOUTS)
            links = sbx.links()[:3]
            stock = [StockItem(sku, 5, cid, vid) for sku, cid, vid in links]
            prices = [PriceItem(sku, 99.9, None, cid, vid) for sku, cid, vid in links]
            for write, items in ((conn.update_stock, stock), (conn.update_prices, prices)):
                try:
                    result = write(items)
                except OperationNotSupported:
                    continue
                except KitError:
                    continue  # refused before any item (a token request redirected): nothing applied either
                result.assert_accounted(items)
                assert [r.status for r in result.items if r.status == APPLIED] == [], (write.__name__, result.items)
            with make_connector(sbx) as real:  # an order as the channel gives it (items, ids), sent to the hostile one
                orders = real.fetch_orders().orders
            order = orders[0] if orders else Order(order_id="1001", channel=channel_type, status_raw="invoiced")
            shipment = Shipment(carrier="Correios", code="BR123", url="https://rastreio.example", invoice_number="1")
            for send in (
                lambda: conn.send_invoice(order, Invoice(nfe_key="3" * 44, number="1", series="1", value=10.0)),
                lambda: conn.send_tracking(order, shipment),
            ):
                before = _writes(hostile)
                try:
                    send()
                except KitError:
                    continue  # refused: the status job keeps it for the next run
                # Returned: only honest when it did not need to write (e.g. every item already marked sent).
                assert _writes(hostile) == before, f"{channel_type}: a redirected write was counted as sent"
            conn.close()
            assert elsewhere.requests == []


def test_a_redirected_write_does_not_move_the_snapshot(hostile, connect, workspace, tmp_path):
    from kit.jobs import run_job
    from kit.jobs.settings import set_job_settings

    listings = [{"channel_id": str(i), "sku": f"S{i}", "price": 10.0, "stock": 1} for i in range(3)]

    def answer(h):
        if h.command == "GET":
            return h.reply(200, {"items": listings})
        return h.redirect(302, "/login")

    hostile.answer = answer
    erp = tmp_path / "erp"
    erp.mkdir()
    (erp / "stock.csv").write_text("sku;available\nS0;4\nS1;5\nS2;6\n", encoding="utf-8")
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    summary = run_job("stock", "hostil", ws=workspace, connector=connect())
    assert (summary.applied, summary.failed) == (0, 3), summary.details
    assert workspace.states.get_all("hostil", "stock") == {}  # nothing counted as applied
    hostile.answer = lambda h: h.reply(200, {"items": listings}) if h.command == "GET" else h.reply(200, {})
    again = run_job("stock", "hostil", ws=workspace, connector=connect())
    assert again.applied == 3  # sent again, now that the channel says it applied them


# -- drips ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_dripping_channel_is_cut_at_its_wall_clock_bound(hostile, connect, in_headers):
    hostile.answer = lambda h: h.drip(0.2, in_headers=in_headers)
    conn = connect()
    _, error, elapsed = watched(conn.get_json, "/listings")
    assert isinstance(error, ChannelTransientError), error
    # Each attempt stops at TIMEOUTS.total; the whole request at the budget (the read timeout never trips).
    assert elapsed < RETRY.budget_s + 2.0, elapsed
    assert len(hostile.requests) <= RETRY.max_attempts


def test_a_write_cut_by_its_deadline_is_failed_and_a_non_idempotent_one_is_not_resent(hostile, connect):
    hostile.answer = lambda h: h.drip(0.2)
    conn = connect()
    result, error, elapsed = watched(conn.update_stock, [StockItem("S1", 3, "1")])
    assert error is None and result.failed == 1, (error, result)
    assert elapsed < RETRY.budget_s + 2.0  # an idempotent PUT is retried, inside the budget
    with hostile.lock:
        hostile.requests.clear()
    _, error, elapsed = watched(conn.request, "POST", "/orders/ack", json_data={}, idempotent=False, family="write")
    assert isinstance(error, ChannelTransientError), error
    assert elapsed < TIMEOUTS.total + 2.0
    # It may have reached the channel: never sent twice. A loaded machine may read the request after the client
    # gave up on it (and a PUT attempt cut before may be read late): count the POSTs once the server has read one.
    acks = _posts_seen(hostile, "/orders/ack", settle_s=1.0)
    assert acks == 1, hostile.requests


def _posts_seen(hostile, path: str, *, settle_s: float, wait_s: float = 30.0) -> int:
    """The POSTs to ``path`` the server read: waits (up to ``wait_s``) for the first, then ``settle_s`` more."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        with hostile.lock:
            if any(r["method"] == "POST" and r["path"] == path for r in hostile.requests):
                break
        time.sleep(0.05)
    time.sleep(settle_s)
    with hostile.lock:
        return sum(1 for r in hostile.requests if r["method"] == "POST" and r["path"] == path)


# -- size ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
def test_a_huge_answer_is_refused(hostile, connect, declared):
    total = 80 * 1024 * 1024
    hostile.answer = lambda h: h.stream(total, declared=10**10 if declared else None)
    conn = connect()
    conn.http.max_response_bytes = 1024 * 1024
    _, error, _ = watched(conn.get_json, "/listings")
    assert isinstance(error, ChannelFatalError), error
    assert "tamanho máximo" in error.message
    assert len(hostile.requests) == 1  # refused at once, not retried
