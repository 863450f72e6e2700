"""Per-SKU snapshots and the jobs' ledgers (bindings, price holds, orders, quarantine, status), on both backends."""

from __future__ import annotations

import time

import pytest

from kit.jobs.state import JobState, counts_from_state, reset_channel_state


def test_snapshots_upsert_read_count_and_replace(ws):
    st = ws.states
    assert st.put_many("ch", "stock", [("A", 1), ("B", {"qty": 2})]) == 2
    time.sleep(0.05)  # B's stamp well before ``before`` (within a millisecond, the window below would hold it too)
    before = time.time()
    st.put_many("ch", "stock", [("A", 5)])
    st.put_many("other", "stock", [("A", 9)])
    assert st.get_all("ch", "stock") == {"A": 5, "B": {"qty": 2}}
    assert st.get("ch", "stock", "B") == {"qty": 2} and st.get("ch", "stock", "Z") is None
    assert st.count("ch", "stock") == 2
    stamped = st.get_all_stamped("ch", "stock")
    assert stamped["A"][0] == 5 and stamped["A"][1] >= before - 0.001
    assert st.count_updated("ch", "stock", before - 0.001, time.time() + 1) == 1
    assert st.replace_kind("ch", "stock", [("C", 3)]) == 1
    assert st.get_all("ch", "stock") == {"C": 3}
    st.delete_kind("ch", "stock")
    assert st.count("ch", "stock") == 0 and st.count("other", "stock") == 1


def test_a_transaction_rolls_back_whole(ws):
    st = ws.states
    st.put_many("ch", "price", [("A", 1.0)])
    with pytest.raises(RuntimeError):
        with st.transaction():
            st.put_many("ch", "price", [("A", 2.0), ("B", 3.0)])  # nested: joins the outer transaction
            raise RuntimeError("midway")
    assert st.get_all("ch", "price") == {"A": 1.0}


def test_bindings_holds_ledgers_quarantine_and_status(ws):
    js = JobState(ws, "loja")
    rows = [{"sku": "A", "channel_id": "1", "price": 10}, {"sku": "A", "channel_id": "1", "price": 11},
            {"sku": "B", "channel_id": "2", "variation_id": "v1"}, {"sku": "", "channel_id": "3"}]  # fmt: skip
    assert js.replace_bindings(rows) == 3  # the row without a SKU is not a binding
    bound = js.bindings()
    assert bound["A"][0]["price"] == 11 and len(bound["A"]) == 1  # the later duplicate wins
    assert bound["B"][0]["variation_id"] == "v1" and js.bindings_refreshed_at() is not None

    js.hold_price("A", 100.0, 40.0, 60.0)
    js.hold_price("B", 100.0, 50.0, 50.0)
    assert js.decide_holds(["A"], "approved") == 1
    assert js.approved_prices() == {"A": 40.0}
    js.hold_price("A", 100.0, 30.0, 70.0)  # a different new price needs a new decision
    assert js.approved_prices() == {} and {h["sku"]: h["decision"] for h in js.holds()} == {"A": "pending",
                                                                                          "B": "pending"}  # fmt: skip
    js.clear_hold(["A"])
    assert [h["sku"] for h in js.holds()] == ["B"]

    assert js.record_written([("o1", "v1"), ("o2", "v1")], "batch-1") == 2
    assert js.record_written([("o1", "v1"), ("o3", "v1")], "batch-2") == 1  # written once, ever
    assert js.ledger_keys() == {("o1", "v1"), ("o2", "v1"), ("o3", "v1")} and js.ledger_count() == 3

    js.quarantine("o9", "v1", "pagamento 'X' sem de-para", {"order_id": "o9"})
    js.quarantine("o9", "v1", "pagamento 'X' sem de-para", {"order_id": "o9"})
    (q,) = js.quarantined()
    assert q["attempts"] == 2 and q["payload"] == {"order_id": "o9"}
    js.resolve_quarantine([("o9", "v1")])
    assert js.quarantined() == [] and len(js.quarantined(pending_only=False)) == 1

    js.record_status("o1", "invoice", "NF-1")
    js.record_status("o1", "invoice", "NF-1")
    assert js.status_sent() == {("o1", "invoice", "NF-1")}
    assert JobState(ws, "outra").ledger_count() == 0  # per channel


def test_counts_of_a_dead_run_come_from_the_store(ws):
    js = JobState(ws, "loja")
    since = time.time() - 1
    js.record_written([("o1", "v1"), ("o2", "v1")], "b")
    js.quarantine("o3", "v1", "r", {})
    ws.states.put_many("loja", "stock", [("A", 1), ("B", 2), ("C", 3)])
    until = time.time() + 1
    assert counts_from_state(ws, "loja", "orders", since, until)["applied"] == 2
    assert counts_from_state(ws, "loja", "orders", since, until)["quarantined"] == 1
    assert counts_from_state(ws, "loja", "stock", since, until)["applied"] == 3
    assert counts_from_state(ws, "loja", "stock", until + 10, until + 20)["applied"] == 0


def test_failed_orders_are_kept_dismissed_reopened_by_a_new_version_and_resolved(ws):
    js = JobState(ws, "loja")
    since = time.time() - 1
    js.record_failed("o1", "o1", "v1", "sem preço", {"order_id": "o1"})
    js.record_failed("o1", "o1", "v1", "sem preço", {"order_id": "o1"})
    js.record_failed("sem-numero-abc", "", "v1", "sem número", {})
    (one, nameless) = sorted(js.failed_orders(), key=lambda r: r["ref"])
    assert (one["attempts"], one["payload"], nameless["order_id"]) == (2, {"order_id": "o1"}, "")
    assert counts_from_state(ws, "loja", "orders", since, time.time() + 1)["failed"] == 2
    assert js.dismiss_failed(["o1"], "ana", "cancelado no canal") == 1
    assert js.dismissed("o1", "v1") == {"by": "ana", "note": "cancelado no canal"}
    js.record_failed("o1", "o1", "v1", "sem preço", {})  # the same version again: still dismissed
    assert [r["ref"] for r in js.failed_orders()] == ["sem-numero-abc"]
    js.record_failed("o1", "o1", "v2", "sem preço", {})  # a new version that still fails: reported again
    assert js.dismissed("o1", "v2") is None and {r["ref"] for r in js.failed_orders()} == {"o1", "sem-numero-abc"}
    js.resolve_failed(["o1"])
    (gone,) = [r for r in js.failed_orders(pending_only=False) if r["ref"] == "o1"]
    assert gone["outcome"] == "passed" and [r["ref"] for r in js.failed_orders()] == ["sem-numero-abc"]
    reset_channel_state(ws, "loja")
    assert js.failed_orders(pending_only=False) == []


def test_reset_channel_state_forgets_one_channel(ws):
    from kit.jobs.orders import get_cursor, set_cursor

    for name in ("loja", "outra"):
        js = JobState(ws, name)
        js.record_written([("o1", "v1")], "b")
        ws.states.put_many(name, "stock", [("A", 1)])
        set_cursor(ws, name, cursor="2026-11-20T10:00:00Z")
    reset_channel_state(ws, "loja")
    assert JobState(ws, "loja").ledger_count() == 0 and ws.states.count("loja", "stock") == 0
    assert get_cursor(ws, "loja") == {}
    assert JobState(ws, "outra").ledger_count() == 1 and get_cursor(ws, "outra")["cursor"]


def test_dashboard_reads_quarantine_and_holds(ws):
    from kit.jobs import history

    JobState(ws, "loja").quarantine("o9", "v1", "sem de-para", {})
    JobState(ws, "loja").hold_price("A", 100.0, 40.0, 60.0)
    assert list(history.quarantine_frame(ws)["pedido"]) == ["o9"]
    assert list(history.price_holds_frame(ws)["sku"]) == ["A"]


def test_dashboard_reads_failed_orders_of_every_channel_but_not_the_dismissed(ws):
    from kit.jobs import history

    JobState(ws, "loja").record_failed("o1", "o1", "v1", "pedido sem itens", {})
    JobState(ws, "loja").record_failed("o2", "o2", "v1", "sem preço", {})
    JobState(ws, "outra").record_failed("sem-numero-abc", "", "v1", "pedido sem número", {})  # not in the registry
    JobState(ws, "loja").dismiss_failed(["o2"], "ana", "cancelado no canal")
    frame = history.failed_orders_frame(ws)
    assert [(r["canal"], r["pedido"], r["motivo"], r["tentativas"]) for r in frame.to_dict("records")] == [
        ("loja", "o1", "pedido sem itens", 1),
        ("outra", "sem-numero-abc", "pedido sem número", 1),
    ]


def test_the_backup_step_knows_its_backend(ws):
    ws.states.put_many("loja", "stock", [("A", 1)])
    copy = ws.states.backup()
    if ws.backend.name == "files":
        assert copy is not None and copy.exists()
    else:
        assert copy is None  # the database keeps its own backups; there is no file to copy


def test_code_written_for_the_sqlite_connection_still_works(ws):
    """``ws.states.db`` (the SQLite connection's execute/executescript) works on both backends."""
    from kit.jobs.state import _SCHEMA

    ws.states.db.executescript(_SCHEMA)
    JobState(ws, "loja").record_written([("o1", "v1")], "b")
    assert ws.states.db.execute("SELECT COUNT(*) FROM order_ledger WHERE channel=?", ("loja",)).fetchone()[0] == 1
