"""stock and prices: delta, zero-request re-run, stock formula, price guard, retries."""

from __future__ import annotations

import pytest

from kit.jobs import approve_prices, run_job
from kit.jobs.push import guard_drop_pct, stock_quantities
from tests.jobs.conftest import write_csv


def _stock(tmp_path, rows):
    write_csv(tmp_path / "erp" / "stock.csv", ["sku", "available", "reserved", "warehouse"], rows)


def _prices(tmp_path, rows):
    write_csv(tmp_path / "erp" / "prices.csv", ["sku", "price", "list_price"], rows)


def _sent(fake, name):
    return {i.sku: i for _, items in fake.writes(name) for i in items}


def test_stock_formula_sums_warehouses_and_floors_at_zero():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "sku": ["A", "A", "B", "C"],
            "available": [10, 5, 3, 2.7],
            "reserved": [2, None, 1, 0],
            "warehouse": ["CD1", "CD2", "CD1", "CD1"],
        }
    )
    assert stock_quantities(frame, safety_stock=2) == {"A": 11, "B": 0, "C": 0}
    assert stock_quantities(frame, safety_stock=0, warehouse="CD2") == {"A": 5}


def test_stock_delta_and_zero_request_rerun(channel, fake, tmp_path, workspace):
    _stock(tmp_path, [["SKU-001", 10, 1, "CD"], ["SKU-002", 5, 0, "CD"], ["SKU-003", 7, 2, "CD"]])
    s1 = run_job("stock", "loja", ws=workspace, connector=fake)
    assert s1.ok and s1.applied == 3
    assert {k: v.quantity for k, v in _sent(fake, "update_stock").items()} == {"SKU-001": 9, "SKU-002": 5, "SKU-003": 5}
    assert len(fake.writes("update_stock")) == 2  # batch size 2: 2 requests for 3 items
    fake.calls.clear()
    s2 = run_job("stock", "loja", ws=workspace, connector=fake)
    assert s2.ok and s2.applied == 0 and s2.skipped == 3
    assert fake.calls == []  # no update and not even a listing refresh
    _stock(tmp_path, [["SKU-001", 10, 1, "CD"], ["SKU-002", 6, 0, "CD"], ["SKU-003", 7, 2, "CD"]])
    s3 = run_job("stock", "loja", ws=workspace, connector=fake)
    assert s3.applied == 1 and list(_sent(fake, "update_stock")) == ["SKU-002"]
    fake.calls.clear()
    s4 = run_job("stock", "loja", ws=workspace, connector=fake, full=True)
    assert s4.applied == 3 and len(_sent(fake, "update_stock")) == 3


def test_listings_the_erp_stock_export_does_not_hold_are_named_and_left_as_they_are(channel, fake, tmp_path, workspace):
    """A listing whose SKU left the ERP's export keeps selling its last stock: the report says so (never zeroed on
    a guess: the export may be partial); a SKU the export holds with a bad value is not among them."""
    _stock(tmp_path, [["SKU-001", 10, 1, "CD"], ["SKU-002", "abc", 0, "CD"], ["SKU-003", 7, 2, "CD"]])
    s = run_job("stock", "loja", ws=workspace, connector=fake)
    assert s.extra["listings_not_in_erp"] == {"count": 2, "skus": ["SKU-004", "SKU-005"]}
    assert any(n.startswith("2 anúncio(s) no canal com SKU fora da exportação de estoque do ERP (SKU-004, SKU-005)")
               for n in s.notes)  # fmt: skip
    assert set(_sent(fake, "update_stock")) == {"SKU-001", "SKU-003"}  # nothing sent for SKU-004/005


def test_failed_items_are_retried_and_unknown_skus_reported(channel, fake, tmp_path, workspace):
    _stock(tmp_path, [["SKU-001", 1, 0, "CD"], ["SKU-002", 2, 0, "CD"], ["SKU-999", 3, 0, "CD"]])
    fake.refuse["SKU-002"] = "quantity out of range"
    s1 = run_job("stock", "loja", ws=workspace, connector=fake)
    assert (s1.applied, s1.failed, s1.skipped) == (1, 1, 1)
    assert not s1.ok and s1.exit_code == 1
    reasons = {d.key: d.reason for d in s1.details}
    assert "quantity out of range" in reasons["SKU-002"] and "SKU-999" in reasons
    fake.refuse.clear()
    fake.calls.clear()
    s2 = run_job("stock", "loja", ws=workspace, connector=fake)
    assert s2.ok and s2.applied == 1 and list(_sent(fake, "update_stock")) == ["SKU-002"]
    # SKU-999 missed the last refresh: no new listing refresh for it.
    assert ("list_listings", None) not in fake.calls


def test_safety_stock_parameter_and_setting(channel, fake, tmp_path, workspace):
    from kit.jobs.settings import set_job_settings

    _stock(tmp_path, [["SKU-001", 10, 1, "CD"], ["SKU-002", 2, 0, "CD"]])
    set_job_settings(workspace, "loja", {"safety_stock": 3})
    run_job("stock", "loja", ws=workspace, connector=fake)
    assert {k: v.quantity for k, v in _sent(fake, "update_stock").items()} == {"SKU-001": 6, "SKU-002": 0}
    fake.calls.clear()
    run_job("stock", "loja", ws=workspace, connector=fake, params={"safety_stock": 0})
    assert {k: v.quantity for k, v in _sent(fake, "update_stock").items()} == {"SKU-001": 9, "SKU-002": 2}


def test_dry_run_sends_nothing_and_keeps_snapshot(channel, fake, tmp_path, workspace):
    _stock(tmp_path, [["SKU-001", 10, 0, "CD"]])
    s = run_job("stock", "loja", ws=workspace, connector=fake, dry_run=True)
    assert s.ok and s.applied == 0 and fake.writes() == []
    assert workspace.states.get_all("loja", "stock") == {}
    assert run_job("stock", "loja", ws=workspace, connector=fake).applied == 1


def test_max_items_leaves_the_rest_for_next_run(channel, fake, tmp_path, workspace):
    _stock(tmp_path, [[f"SKU-00{i}", i, 0, "CD"] for i in range(1, 6)])
    s = run_job("stock", "loja", ws=workspace, connector=fake, max_items=2)
    assert s.applied == 2 and s.skipped == 3
    assert run_job("stock", "loja", ws=workspace, connector=fake).applied == 3


def test_guard_drop_pct():
    assert guard_drop_pct(100, 60) == 40.0
    assert guard_drop_pct(None, 60) is None
    assert guard_drop_pct(100, 120) == -20.0


def test_price_guard_holds_big_drops_until_approved(channel, fake, tmp_path, workspace):
    # Channel prices are 100.00; SKU-002 drops 50 % (held), SKU-001 drops 10 % (sent).
    _prices(tmp_path, [["SKU-001", "90.00", "120.00"], ["SKU-002", "50.00", ""], ["SKU-003", "130.00", ""]])
    s1 = run_job("prices", "loja", ws=workspace, connector=fake)
    assert (s1.applied, s1.held, s1.failed) == (2, 1, 0)
    assert s1.ok  # a hold is for review, not a failure
    sent = _sent(fake, "update_prices")
    assert set(sent) == {"SKU-001", "SKU-003"} and sent["SKU-001"].list_price == 120.0
    held = {d.key: d.reason for d in s1.details if d.status == "held"}
    assert "SKU-002" in held and "50,0 %" in held["SKU-002"] and "R$ 100,00" in held["SKU-002"]
    fake.calls.clear()
    # Still held on the next run, nothing else sent.
    s2 = run_job("prices", "loja", ws=workspace, connector=fake)
    assert s2.held == 1 and fake.writes() == []
    # A drop against the last *sent* price: SKU-001 90 -> 40 is held too.
    _prices(tmp_path, [["SKU-001", "40.00", "120.00"], ["SKU-002", "50.00", ""], ["SKU-003", "130.00", ""]])
    s3 = run_job("prices", "loja", ws=workspace, connector=fake)
    assert s3.held == 2 and fake.writes() == []
    assert approve_prices(workspace, "loja", ["SKU-002"]) == 1
    s4 = run_job("prices", "loja", ws=workspace, connector=fake)
    assert s4.applied == 1 and s4.held == 1 and list(_sent(fake, "update_prices")) == ["SKU-002"]


def test_invalid_price_fails_with_reason(channel, fake, tmp_path, workspace):
    _prices(tmp_path, [["SKU-001", "0", ""], ["SKU-002", "99.00", ""]])
    s = run_job("prices", "loja", ws=workspace, connector=fake)
    assert s.failed == 1 and s.applied == 1 and not s.ok


def test_missing_erp_file_is_an_input_error(channel, fake, workspace):
    s = run_job("stock", "loja", ws=workspace, connector=fake)
    assert s.status == "failed" and s.exit_code == 2 and "não há exportação de stock" in s.error


@pytest.mark.parametrize("job", ["stock", "prices"])
def test_unknown_channel_is_a_config_error(workspace, job):
    s = run_job(job, "nope", ws=workspace)
    assert s.exit_code == 2 and "não há canal chamado" in s.error


def test_since_must_be_an_iso_date(workspace):
    from kit.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="não é uma data ISO"):
        run_job("orders", "loja", ws=workspace, since="ontem")


def _age_bindings(workspace, channel: str, seconds: float) -> None:
    import time

    workspace.states.put_many(channel, "binding_meta", [("refreshed_at", time.time() - seconds)])


def test_the_guard_compares_with_the_channel_price_in_every_path(channel, fake, tmp_path, workspace):
    """The channel's price, not the kit's memory: a store raised behind the kit is guarded, --full included."""
    _prices(tmp_path, [[f"SKU-00{i}", "100.00", ""] for i in range(1, 6)])
    assert run_job("prices", "loja", ws=workspace, connector=fake).applied == 5  # last sent: 100 everywhere
    for row in fake.listings:  # someone raised two prices on the channel itself
        row["price"] = {"SKU-001": 400.0, "SKU-002": 400.0}.get(row["sku"], row["price"])
    fake.calls.clear()
    full = run_job("prices", "loja", ws=workspace, connector=fake, full=True)
    assert (full.applied, full.held) == (3, 2), full.details
    assert set(_sent(fake, "update_prices")) == {"SKU-003", "SKU-004", "SKU-005"}
    held = {d.key: d.reason for d in full.details if d.status == "held"}
    assert "75,0 %" in held["SKU-001"] and "R$ 400,00" in held["SKU-001"] and "anúncio" in held["SKU-001"]
    # A delta run: the listing table is a day old, so it is read again before comparing.
    fake.listings[3]["price"] = 500.0  # SKU-004 raised too
    _age_bindings(workspace, "loja", 2 * 86400)
    _prices(tmp_path, [["SKU-001", "100.00", ""], ["SKU-002", "100.00", ""], ["SKU-003", "100.00", ""],
                       ["SKU-004", "95.00", ""], ["SKU-005", "95.00", ""]])  # fmt: skip
    fake.calls.clear()
    delta = run_job("prices", "loja", ws=workspace, connector=fake)
    assert ("list_listings", None) in fake.calls
    assert set(_sent(fake, "update_prices")) == {"SKU-005"}  # 100 -> 95 against the channel's 100
    assert {d.key for d in delta.details if d.status == "held"} == {"SKU-004"}  # 95 against the channel's 500
    # Approving one sends only that one; the holds of the --full run still wait.
    assert approve_prices(workspace, "loja", ["SKU-004"]) == 1
    fake.calls.clear()
    after = run_job("prices", "loja", ws=workspace, connector=fake)
    assert list(_sent(fake, "update_prices")) == ["SKU-004"] and after.held == 0
    from kit.jobs.state import JobState

    assert {h["sku"] for h in JobState(workspace, "loja").holds() if h["decision"] == "pending"} == {
        "SKU-001",
        "SKU-002",
    }


def test_a_read_before_write_is_the_reference_where_the_connector_offers_it(channel, fake, tmp_path, workspace):
    live = {"SKU-001": 300.0, "SKU-002": 100.0}
    fake.current_prices = lambda items: {n: live.get(i.sku) for n, i in enumerate(items)}
    _prices(tmp_path, [["SKU-001", "100.00", ""], ["SKU-002", "99.00", ""]])
    s = run_job("prices", "loja", ws=workspace, connector=fake)
    assert (s.applied, s.held) == (1, 1) and list(_sent(fake, "update_prices")) == ["SKU-002"]
    assert "lido no canal agora" in next(d.reason for d in s.details if d.key == "SKU-001")


def test_one_bad_erp_value_is_one_failed_item(channel, fake, tmp_path, workspace):
    (tmp_path / "erp" / "stock.csv").write_text(
        "sku;available;reserved\nSKU-001;10;0\nSKU-002;;0\nSKU-003;1e400;0\nSKU-004;5;0\n", encoding="utf-8"
    )
    s = run_job("stock", "loja", ws=workspace, connector=fake)
    assert (s.applied, s.failed) == (2, 2) and s.error is None, (s.error, s.details)
    assert set(_sent(fake, "update_stock")) == {"SKU-001", "SKU-004"}
    reasons = {d.key: d.reason for d in s.details if d.status == "failed"}
    assert "linha 3" in reasons["SKU-002"] and "linha 4" in reasons["SKU-003"]
    (tmp_path / "erp" / "prices.csv").write_text(
        "sku;price\nSKU-001;90,00\nSKU-002;\nSKU-003;1e400\nSKU-004;95,00\n", encoding="utf-8"
    )
    p = run_job("prices", "loja", ws=workspace, connector=fake)
    assert (p.applied, p.failed) == (2, 2) and p.error is None, (p.error, p.details)
    assert set(_sent(fake, "update_prices")) == {"SKU-001", "SKU-004"}


def test_text_in_an_erp_number_cell_fails_that_sku_only(channel, fake, tmp_path, workspace):
    """The reader refuses 'dez' as a quantity; the job sets that row aside and sends the rest."""
    (tmp_path / "erp" / "stock.csv").write_text(
        "sku;available;reserved\nSKU-001;10;0\nSKU-002;dez;0\nSKU-003;7;0\n", encoding="utf-8"
    )
    s = run_job("stock", "loja", ws=workspace, connector=fake)
    assert (s.applied, s.failed) == (2, 1) and s.error is None, (s.error, s.details)
    assert set(_sent(fake, "update_stock")) == {"SKU-001", "SKU-003"}
    reason = next(d.reason for d in s.details if d.key == "SKU-002")
    assert "linha 3" in reason and "'dez'" in reason
