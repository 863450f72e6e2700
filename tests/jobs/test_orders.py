"""orders: outbox written once, quarantine and retry, ack after the durable write, reconcile."""

from __future__ import annotations

import csv
import json
from collections import Counter

from kit.jobs import run_job
from kit.jobs.outbox import CSV_COLUMNS
from tests.jobs.conftest import FakeConnector, make_order


def write_csv(path, header, rows):
    """A de-para table in the shared layout (UTF-8, comma)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


MAPPED_PAYMENTS = [["Pix", "Pix", "exact", "100", "true", ""]]


def write_mappings(root, *, payments=MAPPED_PAYMENTS, channel="loja"):
    write_csv(
        root / channel / "carrier_service.csv",
        ["channel_carrier", "channel_service", "erp_carrier", "erp_service", "method", "score", "confirmed", "note"],
        [["Correios", "Sedex", "Correios", "SEDEX", "alias", "100", "true", ""]],
    )
    write_csv(
        root / channel / "payment_method.csv",
        ["channel_payment_method", "erp_payment_method", "method", "score", "confirmed", "note"],
        payments,
    )
    write_csv(
        root / channel / "order_status.csv",
        ["channel_status", "erp_status", "method", "score", "confirmed", "note"],
        [
            ["payment-approved", "Pagamento aprovado", "manual", "", "true", ""],
            ["handling", "Em separação", "fuzzy", "80", "false", "not reviewed yet"],
        ],
    )


def outbox_orders(folder):
    seen = Counter()
    for path in folder.rglob("*-orders-*.json"):
        for o in json.loads(path.read_text())["orders"]:
            seen[(o["order_id"], o["version"])] += 1
    return seen


def test_orders_written_once_with_erp_values(channel, workspace, tmp_path):
    write_mappings(tmp_path / "mappings")
    fake = FakeConnector([], [make_order(i) for i in range(1, 8)], page_size=3)
    s = run_job("orders", "loja", ws=workspace, connector=fake)
    assert s.ok and s.applied == 7 and s.quarantined == 0
    assert fake.queue == [] and sorted(fake.acked) == [f"ORD-{i:04d}" for i in range(1, 8)]
    folder = workspace.root / "outbox" / "loja"
    seen = outbox_orders(folder)
    assert len(seen) == 7 and set(seen.values()) == {1}
    doc = json.loads(next(folder.glob("*.json")).read_text())
    assert doc["orders"][0]["erp"] == {"carrier": "Correios", "service": "SEDEX", "payment_method": "Pix",
                                       "status": "Pagamento aprovado"}  # fmt: skip
    with open(next(folder.glob("*.csv")), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["carrier"] == "Correios" and rows[0]["buyer_name"] == "Maria" and rows[0]["ship_zip"] == "01001000"
    # The channel sends the same orders again (a polling channel): nothing new is written.
    fake.queue = [make_order(i) for i in range(1, 8)]
    s2 = run_job("orders", "loja", ws=workspace, connector=fake)
    assert s2.applied == 0 and s2.skipped == 7
    assert outbox_orders(folder) == seen
    # A new version of one order is a new entry.
    changed = make_order(3)
    changed.updated_at = "2026-11-21T08:00:00Z"
    fake.queue = [changed]
    assert run_job("orders", "loja", ws=workspace, connector=fake).applied == 1
    assert sum(outbox_orders(folder).values()) == 8


def test_unmapped_values_go_to_quarantine_and_come_back_once(channel, workspace, tmp_path):
    write_mappings(tmp_path / "mappings")
    orders = [make_order(1), make_order(2, payment="Crediário da Loja"), make_order(3, status="handling")]
    fake = FakeConnector([], orders)
    s = run_job("orders", "loja", ws=workspace, connector=fake)
    assert (s.applied, s.quarantined) == (1, 2)
    assert fake.queue == []  # quarantined orders are kept by the kit, so the queue can be acknowledged
    reasons = {d.key: d.reason for d in s.details if d.status == "quarantined"}
    assert "Crediário da Loja" in reasons["ORD-0002"]
    assert "handling" in reasons["ORD-0003"]  # an unconfirmed suggestion is not a mapping
    # Still unmapped: reported again, nothing written.
    s2 = run_job("orders", "loja", ws=workspace, connector=fake)
    assert (s2.applied, s2.quarantined) == (0, 2)
    write_mappings(
        tmp_path / "mappings", payments=MAPPED_PAYMENTS + [["Crediário da Loja", "Crediário", "manual", "", "true", ""]]
    )
    s3 = run_job("orders", "loja", ws=workspace, connector=fake)
    assert (s3.applied, s3.quarantined) == (1, 1)
    s4 = run_job("orders", "loja", ws=workspace, connector=fake)
    assert (s4.applied, s4.quarantined) == (0, 1)
    seen = outbox_orders(workspace.root / "outbox" / "loja")
    assert sorted(k[0] for k in seen) == ["ORD-0001", "ORD-0002"] and set(seen.values()) == {1}


def test_a_line_without_a_seller_sku_waits_until_its_listing_has_one(channel, workspace, tmp_path):
    """Mercado Livre sends no seller SKU for a listing made without one: the listing id is not a SKU, so the
    order waits in quarantine (acknowledged: the kit keeps it), and goes out once the listing is bound to a SKU."""
    from kit.connectors.model import OrderItem
    from kit.jobs.state import JobState

    write_mappings(tmp_path / "mappings")
    order = make_order(1)
    order.items = [OrderItem(sku="", quantity=2, unit_price=5.0, channel_item_id="MLB9", variation_id="77")]
    fake = FakeConnector([], [order, make_order(2)])
    s = run_job("orders", "loja", ws=workspace, connector=fake)
    assert (s.applied, s.quarantined) == (1, 1) and fake.queue == []
    reason = {d.key: d.reason for d in s.details if d.status == "quarantined"}["ORD-0001"]
    assert reason.startswith("o item 1 (anúncio MLB9/77) não tem SKU do vendedor no canal: preencha no anúncio")
    assert (run_job("orders", "loja", ws=workspace, connector=fake).quarantined) == 1  # still waiting
    JobState(workspace, "loja").replace_bindings([{"sku": "A-9", "channel_id": "MLB9", "variation_id": "77"}])
    s3 = run_job("orders", "loja", ws=workspace, connector=fake)
    assert (s3.applied, s3.quarantined) == (1, 0)
    written = [
        o for p in (workspace.root / "outbox" / "loja").rglob("*-orders-*.json") for o in json.loads(p.read_text())["orders"]
    ]  # fmt: skip
    assert {o["order_id"]: [i["sku"] for i in o["items"]] for o in written} == {
        "ORD-0001": ["A-9"],
        "ORD-0002": ["SKU-002"],
    }


def test_crash_after_file_before_ledger_is_reconciled(channel, workspace, tmp_path, monkeypatch):
    from kit.jobs.state import JobState

    write_mappings(tmp_path / "mappings")
    fake = FakeConnector([], [make_order(i) for i in range(1, 5)], page_size=10)
    real = JobState.record_written

    def boom(self, keys, batch_file):
        raise RuntimeError("killed between rename and ledger commit")

    monkeypatch.setattr(JobState, "record_written", boom)
    try:
        run_job("orders", "loja", ws=workspace, connector=fake)
    except RuntimeError:
        pass
    assert fake.acked == []  # never acknowledged before the ledger
    monkeypatch.setattr(JobState, "record_written", real)
    s = run_job("orders", "loja", ws=workspace, connector=fake)
    assert s.ok and s.applied == 0 and s.skipped == 4  # recovered from the outbox, not written twice
    assert any("Recuperados 4" in n for n in s.notes)
    assert fake.queue == []
    seen = outbox_orders(workspace.root / "outbox" / "loja")
    assert len(seen) == 4 and set(seen.values()) == {1}


def test_missing_csv_is_rebuilt_from_json(channel, workspace, tmp_path, monkeypatch):
    from kit.jobs import outbox

    write_mappings(tmp_path / "mappings")
    fake = FakeConnector([], [make_order(1)])
    real_write_csv = outbox._write_csv
    monkeypatch.setattr(outbox, "_write_csv", lambda path, orders: (_ for _ in ()).throw(OSError("disk full")))
    s = run_job("orders", "loja", ws=workspace, connector=fake)
    assert not s.ok and "disk full" in s.error and fake.acked == []
    monkeypatch.setattr(outbox, "_write_csv", real_write_csv)
    run_job("orders", "loja", ws=workspace, connector=fake)
    folder = workspace.root / "outbox" / "loja"
    assert len(list(folder.glob("*.json"))) == 1 and len(list(folder.glob("*.csv"))) == 1
    assert fake.queue == [] and len(outbox_orders(folder)) == 1


def test_dry_run_writes_and_acks_nothing(channel, workspace, tmp_path):
    write_mappings(tmp_path / "mappings")
    fake = FakeConnector([], [make_order(1), make_order(2)])
    s = run_job("orders", "loja", ws=workspace, connector=fake, dry_run=True)
    assert s.ok and s.applied == 0 and s.skipped == 2
    assert fake.acked == [] and not (workspace.root / "outbox" / "loja").exists()


def test_a_channel_that_always_has_more_cannot_loop_forever(channel, workspace, tmp_path, monkeypatch):
    import kit.jobs.orders as orders_job
    from kit.connectors.model import OrdersPage

    write_mappings(tmp_path / "mappings")
    monkeypatch.setattr(orders_job, "MAX_PAGES_PER_RUN", 5)

    class Endless(FakeConnector):
        def fetch_orders(self, since=None, cursor=None):
            self.calls.append(("fetch_orders", cursor))
            return OrdersPage([make_order(1)], cursor=None, has_more=True)

    fake = Endless([])
    s = run_job("orders", "loja", ws=workspace, connector=fake)
    assert s.ok and s.applied == 1 and s.skipped == 4
    assert len([c for c in fake.calls if c[0] == "fetch_orders"]) == 5


def test_a_future_since_is_refused(channel, workspace):
    import pytest

    from kit.errors import ConfigurationError
    from kit.jobs.orders import get_cursor

    with pytest.raises(ConfigurationError, match="no futuro") as info:
        run_job("orders", "loja", ws=workspace, since="2099-01-01")
    assert info.value.exit_code == 2
    assert get_cursor(workspace, "loja").get("since") is None


def test_the_cursor_never_moves_past_now(channel, workspace, tmp_path):
    """The stored since is the newest update the channel returned, never later than now."""
    import time
    from datetime import UTC, datetime

    from kit.jobs.core import parse_instant
    from kit.jobs.orders import get_cursor, set_cursor

    write_mappings(tmp_path / "mappings")
    ahead = make_order(2)
    ahead.updated_at = "2099-05-05T10:00:00Z"  # a channel whose clock (or data) is in the future
    fake = FakeConnector([], [make_order(1), ahead, make_order(3)])
    assert run_job("orders", "loja", ws=workspace, connector=fake).applied == 3
    stored = parse_instant(get_cursor(workspace, "loja")["since"])
    assert stored <= datetime.fromtimestamp(time.time() + 1, UTC)
    # Text comparison put "2026-11-20T10:03:00-03:00" before "...10:02:00Z"; as instants it is later.
    set_cursor(workspace, "loja", since=None, cursor=None)
    first, second = make_order(4), make_order(5)
    first.updated_at, second.updated_at = "2026-11-20T10:02:00Z", "2026-11-20T10:03:00-03:00"
    run_job("orders", "loja", ws=workspace, connector=FakeConnector([], [second, first]))
    assert get_cursor(workspace, "loja")["since"] == "2026-11-20T10:03:00-03:00"


def test_a_stored_cursor_in_the_future_is_dropped(channel, workspace, tmp_path):
    from kit.jobs.orders import set_cursor

    write_mappings(tmp_path / "mappings")
    set_cursor(workspace, "loja", since="2099-01-01T00:00:00Z", cursor="2099-01-01T00:00:00Z")  # an old bug's cursor
    fake = FakeConnector([], [make_order(1)])
    s = run_job("orders", "loja", ws=workspace, connector=fake)
    assert fake.since_asked[0] is None and fake.calls[0] == ("fetch_orders", None)  # the channel's own look-back
    assert s.applied == 1 and any("futuro" in n for n in s.notes)
