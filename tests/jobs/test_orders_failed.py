"""orders: an order failed without acknowledgement (no number, no lines, no price) is never lost on a cursor channel.

The channel shows an order once (again only if it changes there); the kit keeps it failed in the workspace and
re-reads it by id every run until it passes (written once) or a person dismisses it.
"""

from __future__ import annotations

import copy
import json

from kit.connectors.model import OrdersPage
from kit.errors import ChannelFatalError
from kit.jobs import run_job
from kit.jobs.state import JobState
from tests.jobs.conftest import FakeConnector, make_order
from tests.jobs.test_orders import outbox_orders, write_mappings


class CursorChannel:
    """A channel read by an update cursor (Mercado Livre's ``order.date_last_updated.from``): no queue, no ack.

    ``listed`` is what the search answers; ``current`` what ``GET /orders/{id}`` answers (the same order, read alone).
    """

    def __init__(self, orders):
        self.listed = {o.order_id: o for o in orders}
        self.current = {o.order_id: copy.deepcopy(o) for o in orders}
        self.reads: list[str] = []

    def fetch_orders(self, since=None, cursor=None):
        start = cursor or since or ""
        found = sorted((o for o in self.listed.values() if o.updated_at > start), key=lambda o: o.updated_at)
        newest = max((o.updated_at for o in found), default=start or None)
        return OrdersPage(found, cursor=newest, has_more=False)

    def get_order(self, order_id):
        self.reads.append(order_id)
        if order_id not in self.current:
            raise ChannelFatalError(f"pedido {order_id} não encontrado no canal", status=404)
        return copy.deepcopy(self.current[order_id])


def _unpriced(n):
    order = make_order(n)
    order.items[0].unit_price = None
    return order


def test_a_failed_order_on_a_cursor_channel_is_re_read_by_id_until_it_passes_and_written_once(
    channel, workspace, tmp_path
):
    write_mappings(tmp_path / "mappings")
    chan = CursorChannel([make_order(1), _unpriced(2)])
    chan.current["ORD-0002"] = _unpriced(2)  # read alone, still without its price
    first = run_job("orders", "loja", ws=workspace, connector=chan)
    assert (first.applied, first.failed) == (1, 1)
    assert [r["order_id"] for r in JobState(workspace, "loja").failed_orders()] == ["ORD-0002"]
    assert chan.reads == []  # seen in this run's pages: not read again

    second = run_job("orders", "loja", ws=workspace, connector=chan)  # the cursor is past it: only the re-read sees it
    assert (second.applied, second.failed) == (0, 1) and chan.reads == ["ORD-0002"]
    assert not second.ok and "preço unitário" in {d.key: d.reason for d in second.details}["ORD-0002"]

    chan.current["ORD-0002"] = make_order(2)  # the channel's answer for the order now carries its price
    third = run_job("orders", "loja", ws=workspace, connector=chan)
    assert (third.applied, third.failed) == (1, 0) and third.ok
    assert JobState(workspace, "loja").failed_orders() == []

    fourth = run_job("orders", "loja", ws=workspace, connector=chan)
    assert (fourth.applied, fourth.failed) == (0, 0) and chan.reads == ["ORD-0002", "ORD-0002"]  # no more re-reads
    seen = outbox_orders(workspace.root / "outbox" / "loja")
    assert sorted(k[0] for k in seen) == ["ORD-0001", "ORD-0002"] and set(seen.values()) == {1}


def test_a_failed_order_seen_again_in_the_pages_is_taken_there_and_not_re_read(channel, workspace, tmp_path):
    write_mappings(tmp_path / "mappings")
    chan = CursorChannel([_unpriced(2)])
    assert run_job("orders", "loja", ws=workspace, connector=chan).failed == 1
    fixed = make_order(2)
    fixed.updated_at = "2026-11-21T09:00:00Z"  # changed on the channel: the cursor brings it back
    chan.listed["ORD-0002"] = chan.current["ORD-0002"] = fixed
    again = run_job("orders", "loja", ws=workspace, connector=chan)
    assert (again.applied, again.failed) == (1, 0) and chan.reads == []
    assert JobState(workspace, "loja").failed_orders() == []
    assert sum(outbox_orders(workspace.root / "outbox" / "loja").values()) == 1


def test_a_person_dismisses_a_failed_order_and_it_is_no_longer_re_read(channel, workspace, tmp_path, kit_cli):
    write_mappings(tmp_path / "mappings")
    chan = CursorChannel([_unpriced(2), _unpriced(3)])
    del chan.current["ORD-0003"]  # gone from the channel: the re-read fails, the order stays failed
    run_job("orders", "loja", ws=workspace, connector=chan)
    second = run_job("orders", "loja", ws=workspace, connector=chan)
    reasons = {d.key: d.reason for d in second.details if d.status == "failed"}
    assert set(reasons) == {"ORD-0002", "ORD-0003"}
    assert "não foi possível reler o pedido: pedido ORD-0003 não encontrado" in reasons["ORD-0003"]

    held = json.loads(kit_cli("sync", "orders", "--channel", "loja", "--show-held", "--json").stdout)
    assert sorted((h["order_id"], h["held"]) for h in held) == [("ORD-0002", "failed"), ("ORD-0003", "failed")]
    shown = kit_cli("sync", "orders", "--channel", "loja", "--show-held")
    assert shown.returncode == 0 and "Pedidos com falha" in shown.stdout and "ORD-0003" in shown.stdout
    refused = kit_cli("sync", "orders", "--channel", "loja", "--dismiss", "ORD-0003")
    assert refused.returncode == 2 and "--dismiss precisa de um motivo" in refused.stderr
    unknown = kit_cli("sync", "orders", "--channel", "loja", "--dismiss", "ORD-0009", "--reason", "x")
    assert unknown.returncode == 2 and "ORD-0009" in unknown.stderr and "Traceback" not in unknown.stderr
    done = kit_cli(
        "sync", "orders", "--channel", "loja", "--dismiss", "ORD-0003", "--reason", "cancelado", "--by", "ana"
    )
    assert done.returncode == 0 and "1 pedido(s) com falha descartado(s)" in done.stdout, done.stderr

    chan.reads.clear()
    third = run_job("orders", "loja", ws=workspace, connector=chan)
    assert chan.reads == ["ORD-0002"] and {d.key for d in third.details if d.status == "failed"} == {"ORD-0002"}
    (gone,) = [r for r in JobState(workspace, "loja").failed_orders(pending_only=False) if r["order_id"] == "ORD-0003"]
    assert (gone["order_id"], gone["outcome"], gone["dismissed_by"], gone["note"]) == (
        "ORD-0003",
        "dismissed",
        "ana",
        "cancelado",
    )
    assert not list((workspace.root / "outbox").rglob("*-orders-*.json"))


def test_a_dry_run_re_reads_but_keeps_nothing(channel, workspace, tmp_path):
    write_mappings(tmp_path / "mappings")
    chan = CursorChannel([_unpriced(2)])
    dry = run_job("orders", "loja", ws=workspace, connector=chan, dry_run=True)
    assert dry.failed == 1 and JobState(workspace, "loja").failed_orders() == []  # not kept by a simulation
    assert run_job("orders", "loja", ws=workspace, connector=chan).failed == 1  # kept by a real run
    chan.current["ORD-0002"] = make_order(2)
    again = run_job("orders", "loja", ws=workspace, connector=chan, dry_run=True)
    assert chan.reads == ["ORD-0002"] and (again.failed, again.skipped) == (0, 1)  # would be written
    assert [r["order_id"] for r in JobState(workspace, "loja").failed_orders()] == ["ORD-0002"]  # still kept
    assert not list((workspace.root / "outbox").rglob("*-orders-*.json"))


def test_the_quarantine_retry_runs_the_checks_of_a_fresh_read(channel, workspace, tmp_path):
    """An order quarantined before the checks existed (its line without a price) is not written at R$ 0,00 or
    "None" once its de-para exists: it fails like a fresh read, is kept, and is re-read by id until it passes."""
    from kit.jobs.adapters import order_to_dict, order_version

    write_mappings(tmp_path / "mappings")
    old = order_to_dict(_unpriced(5))
    old["version"] = order_version(old)
    JobState(workspace, "loja").quarantine("ORD-0005", old["version"], "status 'x': sem mapeamento", old)
    chan = CursorChannel([])
    chan.current["ORD-0005"] = _unpriced(5)
    first = run_job("orders", "loja", ws=workspace, connector=chan)
    assert (first.applied, first.failed) == (0, 1) and chan.reads == ["ORD-0005"]
    assert not list((workspace.root / "outbox").rglob("*-orders-*.json"))
    state = JobState(workspace, "loja")
    assert state.quarantined() == [] and [r["order_id"] for r in state.failed_orders()] == ["ORD-0005"]
    chan.current["ORD-0005"] = make_order(5)
    assert run_job("orders", "loja", ws=workspace, connector=chan).applied == 1
    written = [
        o for p in (workspace.root / "outbox").rglob("*-orders-*.json") for o in json.loads(p.read_text())["orders"]
    ]
    assert [(o["order_id"], o["items"][0]["unit_price"]) for o in written] == [("ORD-0005", 10.0)]


def test_re_reads_are_bounded_per_run_and_a_channel_without_a_single_order_read_still_reports(
    channel, workspace, tmp_path, monkeypatch
):
    import kit.jobs.orders as orders_job

    write_mappings(tmp_path / "mappings")
    monkeypatch.setattr(orders_job, "MAX_FAILED_REREADS", 2)
    chan = CursorChannel([_unpriced(n) for n in range(1, 6)])
    chan.current = {f"ORD-{n:04d}": _unpriced(n) for n in range(1, 6)}
    assert run_job("orders", "loja", ws=workspace, connector=chan).failed == 5
    second = run_job("orders", "loja", ws=workspace, connector=chan)
    assert len(chan.reads) == 2 and second.failed == 5  # the other three reported, read on a later run
    later = sum(1 for d in second.details if d.reason.endswith("(relido numa próxima execução)"))
    assert later == 3
    run_job("orders", "loja", ws=workspace, connector=chan)
    assert len(chan.reads) == 4 and len(set(chan.reads)) == 4  # the least recently tried go first

    queue = FakeConnector([], [])  # a connector of no single-order read
    queue.queue = []
    s = run_job("orders", "loja", ws=workspace, connector=queue)
    assert s.failed == 5 and all("não foi possível reler o pedido" in d.reason for d in s.details), s.details


def test_an_order_a_person_dismissed_is_acknowledged_so_a_queue_stops_sending_it(channel, workspace, tmp_path):
    write_mappings(tmp_path / "mappings")
    queue = FakeConnector([], orders=[make_order(1), _unpriced(2)])
    first = run_job("orders", "loja", ws=workspace, connector=queue)
    assert (first.applied, first.failed) == (1, 1) and queue.acked == ["ORD-0001"]  # the failed one stays queued
    assert [o.order_id for o in queue.queue] == ["ORD-0002"]
    assert JobState(workspace, "loja").dismiss_failed(["ORD-0002"], "ana", "pedido de teste do canal") == 1

    second = run_job("orders", "loja", ws=workspace, connector=queue)
    assert (second.applied, second.failed) == (0, 0)
    assert {d.key: d.reason for d in second.details}["ORD-0002"].startswith("descartado por ana: pedido de teste")
    assert queue.queue == [] and queue.acked == ["ORD-0001", "ORD-0002"]  # taken off the queue, never written
    assert sum(outbox_orders(workspace.root / "outbox" / "loja").values()) == 1
