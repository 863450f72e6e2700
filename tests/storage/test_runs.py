"""Run history: append, the last run per (channel, job), retention, the runs.json migration, on both backends."""

from __future__ import annotations

import json
import time

import pytest

from kit.errors import ConfigurationError, StoreError
from tests.storage.helpers import finish, spawn


def _run(job: str, status: str, started: float, **extra) -> dict:
    return {"channel": "loja", "job": job, "status": status, "started_at": started, "finished_at": started + 2,
            "exit_code": 0 if status == "ok" else 1, "counts": {"applied": 1}, "report_path": None, **extra}  # fmt: skip


def test_last_run_per_pair_without_reading_the_history(ws):
    now = time.time()
    runs = ws.runs
    runs.append(_run("stock", "ok", now - 300))
    runs.append(_run("stock", "failed", now - 200))
    runs.append(_run("stock", "ok", now - 100, dry_run=True))  # a dry run is not a real success
    runs.append(_run("stock", "failed", now - 50))
    runs.append(_run("stock", "locked", now - 40))  # a locked attempt neither fails nor succeeds
    runs.append(_run("orders", "ok", now - 10))
    last = runs.last()
    stock = last[("loja", "stock")]
    assert stock.last["status"] == "locked" and stock.last_ok_started_at == pytest.approx(now - 300)
    assert stock.failed_streak == 2 and stock.runs == 5
    assert last[("loja", "orders")].failed_streak == 0
    assert set(runs.last("outra")) == set() and set(runs.last("loja")) == {("loja", "stock"), ("loja", "orders")}
    runs.append(_run("stock", "ok", now))
    assert runs.last()[("loja", "stock")].failed_streak == 0
    # A run that started earlier but is recorded later (a long run) does not replace the latest start.
    runs.append(_run("stock", "failed", now - 1000))
    assert runs.last()[("loja", "stock")].last["started_at"] == pytest.approx(now)


def test_records_come_back_whole_with_their_host(ws):
    rid = ws.runs.append(_run("stock", "ok", 1000.0, forced={"by": "Ana", "reason": "teste"}))
    (row,) = ws.runs.rows()
    assert row["id"] == rid and row["forced"] == {"by": "Ana", "reason": "teste"} and row["counts"] == {"applied": 1}
    assert row["host"]  # the machine that ran it
    ws.runs.append(_run("stock", "ok", 2000.0, host="outra-maquina"))
    assert ws.runs.rows()[-1]["host"] == "outra-maquina"


def test_rows_filter_and_limit(ws):
    for i in range(10):
        ws.runs.append(_run("stock" if i % 2 else "orders", "ok", 1000.0 + i))
    assert [r["started_at"] for r in ws.runs.rows(job="stock")] == [1001.0, 1003.0, 1005.0, 1007.0, 1009.0]
    assert [r["started_at"] for r in ws.runs.rows(limit=3)] == [1007.0, 1008.0, 1009.0]  # newest 3, oldest first
    assert [r["started_at"] for r in ws.runs.rows(since=1008.0)] == [1008.0, 1009.0]
    assert ws.runs.rows(channel="outra") == [] and ws.runs.count() == 10


def test_retention_prunes_while_appending_and_keeps_the_last_runs(ws, monkeypatch):
    from kit.storage.runs import PRUNE_EVERY

    old = time.time() - 30 * 86400
    ws.runs.bulk_load([{**_run("orders", "ok", old + i), "channel": f"c{i % 3}"} for i in range(PRUNE_EVERY + 50)])
    assert ws.runs.count() == PRUNE_EVERY + 50
    ws.runs.retention_days = 7  # as KIT_RUN_RETENTION_DAYS=7 would set it
    appended = 0
    while ws.runs.count() > appended:  # the next multiple of PRUNE_EVERY prunes the old rows
        ws.runs.append(_run("stock", "ok", time.time()))
        appended += 1
        assert appended <= PRUNE_EVERY
    assert all(r["job"] == "stock" for r in ws.runs.rows())
    last = ws.runs.last()
    assert {("c0", "orders"), ("c1", "orders"), ("c2", "orders")} <= set(last)  # never pruned: the due check needs it
    assert last[("c0", "orders")].last_ok_started_at is not None


def test_prune_by_date_and_by_batch(ws):
    for i in range(20):
        ws.runs.append(_run("stock", "ok", 1000.0 + i))
    assert ws.runs.prune(1010.0, max_rows=4) == 4
    assert ws.runs.prune(1010.0) == 6
    assert ws.runs.rows()[0]["started_at"] == 1010.0 and ws.runs.count() == 10


@pytest.mark.parametrize("value", ["abc", "-1", "nan"])
def test_a_bad_retention_setting_is_refused_when_the_workspace_opens(backend, monkeypatch, value):
    from kit.store import Workspace

    monkeypatch.setenv("KIT_RUN_RETENTION_DAYS", value)
    with pytest.raises(ConfigurationError, match="KIT_RUN_RETENTION_DAYS"):
        Workspace()


def test_the_runs_table_view_appends_and_refuses_rewrites(ws):
    with ws.table("runs") as table:
        table.insert(_run("stock", "ok", 1000.0))
        table.insert(_run("stock", "failed", 1001.0))
        assert [r["status"] for r in table.all()] == ["ok", "failed"]
    assert ws.runs.count() == 2 and ws.runs.last()[("loja", "stock")].failed_streak == 1
    with pytest.raises(StoreError, match="só aceita novos registros"):
        with ws.table("runs") as table:
            table.remove(doc_ids=[1])
    assert ws.runs.count() == 2


def test_an_insert_through_the_view_does_not_read_the_history(ws, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("the whole history was read for an insert")

    monkeypatch.setattr(ws.runs, "rows", no_reading)
    with ws.table("runs") as table:
        table.insert(_run("stock", "ok", 1000.0))
    assert ws.runs.count() == 1


APPENDER = """
import sys, time
from kit.store import Workspace

ws = Workspace()
for i in range(int(sys.argv[2])):
    ws.runs.append({"channel": "loja", "job": "stock", "status": "ok" if i % 2 else "failed",
                    "started_at": time.time(), "worker": sys.argv[1]})
ws.close()
"""


@pytest.mark.timeout(240)
def test_processes_appending_at_once_lose_nothing(ws):
    procs = [spawn(APPENDER, str(p), "40") for p in range(4)]
    for proc in procs:
        finish(proc, timeout=200)
    assert ws.runs.count() == 160
    assert ws.runs.last()[("loja", "stock")].runs == 160
    assert sorted({r["worker"] for r in ws.runs.rows()}) == ["0", "1", "2", "3"]


def test_schema_2_moves_runs_json_into_the_run_history(tmp_path, monkeypatch):
    """A workspace of schema 1 (runs in tinydb's runs.json) opens with its runs in the run history, once."""
    from kit.store import Workspace

    monkeypatch.delenv("KIT_DATABASE_URL", raising=False)
    root = tmp_path / "old"
    Workspace(root).close()
    meta = json.loads((root / "meta.json").read_text())
    meta["_default"]["1"]["schema"] = 1
    (root / "meta.json").write_text(json.dumps(meta))
    rows = {str(i): _run("stock" if i % 2 else "orders", "ok" if i != 3 else "failed", 1000.0 + i) for i in range(1, 6)}
    (root / "runs.json").write_text(json.dumps({"_default": rows}))
    (root / "runs.json.bak").write_text(json.dumps({"_default": {}}))
    ws = Workspace(root)
    try:
        assert ws.schema_version == 2
        assert [r["started_at"] for r in ws.runs.rows()] == [1001.0, 1002.0, 1003.0, 1004.0, 1005.0]
        assert ws.runs.last()[("loja", "stock")].failed_streak == 0 and ws.runs.last()[("loja", "stock")].runs == 3
        assert not (root / "runs.json").exists() and (root / "runs.json.migrated").exists()
        assert (root / "runs.json.bak.migrated").exists()
    finally:
        ws.close()
    again = Workspace(root)
    try:
        assert again.runs.count() == 5  # not imported twice
    finally:
        again.close()


def test_an_interrupted_migration_is_not_imported_twice(tmp_path, monkeypatch):
    """The import and its marker are one transaction: a crash before the rename and the version bump re-runs
    the migration, which finds the marker and only renames the file."""
    from kit.storage.runs import SQLiteRunHistory, import_legacy_runs

    legacy = tmp_path / "runs.json"
    legacy.write_text(json.dumps({"_default": {"1": _run("stock", "ok", 1.0), "2": _run("stock", "ok", 2.0)}}))
    history = SQLiteRunHistory(tmp_path / "runs.sqlite")
    monkeypatch.setattr("kit.storage.runs.os.replace", lambda *a: (_ for _ in ()).throw(OSError("power cut")))
    with pytest.raises(OSError, match="power cut"):
        import_legacy_runs(legacy, history)
    monkeypatch.undo()
    assert import_legacy_runs(legacy, history) == 0 and history.count() == 2
    assert not legacy.exists()
    history.close()


def test_a_corrupt_runs_json_is_reported_not_dropped(tmp_path):
    from kit.storage.runs import SQLiteRunHistory, import_legacy_runs

    legacy = tmp_path / "runs.json"
    legacy.write_text('{"_default": {')
    history = SQLiteRunHistory(tmp_path / "runs.sqlite")
    with pytest.raises(StoreError, match="não pôde ser levado para o histórico de execuções"):
        import_legacy_runs(legacy, history)
    assert legacy.read_text() == '{"_default": {' and history.count() == 0
    history.close()


def test_a_report_written_on_one_machine_is_found_from_another(ws, tmp_path):
    from kit.storage.reports import locate_report

    written = "/mnt/maquina-a/relatorios/loja/stock/20261120T100000Z.ipynb"
    ws.runs.append(_run("stock", "ok", 1000.0, report_path=written, host="maquina-a"))
    (record,) = ws.runs.rows()
    assert record["reports_root"] == "/mnt/maquina-a/relatorios"
    assert record["report_rel"] == "loja/stock/20261120T100000Z.ipynb"
    assert locate_report(record, tmp_path) is None  # not mounted here yet
    here = tmp_path / "loja" / "stock" / "20261120T100000Z.ipynb"  # the shared root, mounted elsewhere
    here.parent.mkdir(parents=True)
    here.write_text("{}")
    assert locate_report(record, tmp_path) == here
    ws.runs.append(_run("orders", "ok", 1001.0, report_path="relatorio-solto.ipynb"))
    assert "report_rel" not in ws.runs.rows()[-1]  # not the runner's layout: kept as given
