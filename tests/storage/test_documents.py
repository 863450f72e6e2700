"""Configuration documents (channels, job settings and cursors, go-live results, gate events), on both backends."""

from __future__ import annotations

import json

import pytest

from kit.channels import Channel, ChannelRegistry
from kit.errors import ConfigurationError
from tests.storage.helpers import finish, spawn


def _channel(name: str) -> Channel:
    return Channel(name=name, type="vtex", category="plataforma", company="11222333000181", environment="sandbox",
                   settings={"account": "loja"})  # fmt: skip


def test_channels_round_trip(ws):
    reg = ChannelRegistry(ws)
    reg.add(_channel("b-loja"))
    reg.add(_channel("a-loja"))
    with pytest.raises(ConfigurationError, match="o canal .a-loja. já existe"):
        reg.add(_channel("a-loja"))
    reg.update("a-loja", {"jobs.stock.batch_size": "7", "settings.account": "outra"}, enabled=True)
    got = reg.get("a-loja")
    assert (got.jobs["stock"].batch_size, got.settings["account"], got.enabled) == (7, "outra", True)
    assert [c.name for c in reg.list()] == ["a-loja", "b-loja"]
    reg.remove("b-loja")
    assert [c.name for c in reg.list()] == ["a-loja"]
    with pytest.raises(ConfigurationError, match="não há canal chamado .b-loja."):
        reg.get("b-loja")


def test_job_settings_and_the_orders_cursor(ws):
    from kit.jobs.orders import get_cursor, set_cursor
    from kit.jobs.settings import job_settings, set_job_settings

    set_job_settings(ws, None, {"safety_stock": "2", "price_guard_pct": "25"})
    set_job_settings(ws, "loja", {"safety_stock": "5"})
    assert job_settings(ws, "loja")["safety_stock"] == 5 and job_settings(ws, "loja")["price_guard_pct"] == 25.0
    assert job_settings(ws, "outra")["safety_stock"] == 2
    set_cursor(ws, "loja", cursor="2026-11-20T10:00:00Z")
    set_cursor(ws, "loja", cursor="2026-11-21T10:00:00Z", page=2)
    cursor = get_cursor(ws, "loja")
    assert (cursor["cursor"], cursor["page"], cursor["job"]) == ("2026-11-21T10:00:00Z", 2, "orders")


def test_golive_results_confirmations_and_gate_events(ws):
    from kit.golive.gate import gate_events
    from kit.golive.results import (
        confirmations,
        latest_result,
        list_results,
        record_confirmation,
        record_result,
        update_result,
    )

    first = record_result(ws, {"channel": "loja", "verdict": "NÃO APTO", "finished_at": "2026-11-20T10:00:00+00:00"})
    second = record_result(ws, {"channel": "loja", "verdict": "APTO", "finished_at": "2026-11-21T10:00:00+00:00",
                                "counts": {"bloqueio": 0, "aviso": 3}})  # fmt: skip
    record_result(ws, {"channel": "outra", "verdict": "APTO", "finished_at": "2026-11-22T10:00:00+00:00"})
    update_result(ws, second, {"html_path": "/r/golive.html"})
    assert [r["id"] for r in list_results(ws, "loja")] == [first, second]
    latest = latest_result(ws, "loja")
    assert latest["verdict"] == "APTO" and latest["html_path"] == "/r/golive.html" and latest["counts"]["aviso"] == 3
    record_confirmation(ws, "loja", "other_erp", by="Maria", note="conferido")
    assert confirmations(ws, "loja")["other_erp"]["by"] == "Maria"
    with ws.table("golive", "gate") as table:
        table.insert({"channel": "loja", "event": "enable", "forced": True, "reason": "teste"})
    assert [e["reason"] for e in gate_events(ws, "loja")] == ["teste"]


def test_a_failed_block_writes_nothing(ws):
    ChannelRegistry(ws).add(_channel("loja"))
    with pytest.raises(RuntimeError):
        with ws.table("channels") as table:
            table.update({"enabled": True})
            table.insert({"name": "half"})
            raise RuntimeError("midway")
    if ws.backend.name == "postgres":  # one transaction: nothing of the block stays
        assert [c.name for c in ChannelRegistry(ws).list()] == ["loja"]
        assert ChannelRegistry(ws).get("loja").enabled is False
    else:  # each tinydb operation is its own atomic file write: what ran before the error stays, whole
        with ws.table("channels") as table:
            assert sorted(r["name"] for r in table.all()) == ["half", "loja"]


COUNTER = """
import sys
from kit.store import Workspace

ws = Workspace()
for _ in range(int(sys.argv[1])):
    with ws.table("jobs", "counter") as table:
        row = table.get(doc_id=1)
        if row is None:
            table.insert({"n": 1})
        else:
            table.update({"n": row["n"] + 1}, doc_ids=[1])
ws.close()
"""


@pytest.mark.timeout(240)
def test_a_block_is_one_read_modify_write_across_processes(ws):
    procs = [spawn(COUNTER, "25") for _ in range(4)]
    for proc in procs:
        finish(proc, timeout=200)
    with ws.table("jobs", "counter") as table:
        assert table.get(doc_id=1)["n"] == 100  # no increment lost to a concurrent one


ADDER = """
import sys
from kit.cli import main

failed = 0
for i in range(10):
    failed += main(["channels", "add", f"p{sys.argv[1]}-c{i:02d}", "--type", "vtex", "--company", "11222333000181",
                    "--environment", "sandbox"]) != 0
sys.exit(1 if failed else 0)
"""


@pytest.mark.timeout(240)
def test_processes_adding_channels_through_the_cli(ws, kit_cli):
    procs = [spawn(ADDER, str(p)) for p in range(4)]
    for proc in procs:
        finish(proc, timeout=200)
    listed = kit_cli("channels", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    names = [c["name"] for c in json.loads(listed.stdout)]
    assert sorted(names) == sorted(f"p{p}-c{i:02d}" for p in range(4) for i in range(10))
    with ws.table("channels") as table:
        docs = table.all()
    assert len(docs) == 40 and len({d.doc_id for d in docs}) == 40


def test_the_schema_version_is_recorded_once(ws):
    from kit import store
    from kit.store import Workspace

    assert ws.schema_version == store.SCHEMA_VERSION
    again = Workspace()
    try:
        with again.table("meta") as meta:
            assert len(meta.all()) == 1
    finally:
        again.close()
