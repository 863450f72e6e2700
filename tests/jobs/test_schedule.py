"""kit schedule / kit run-due: what is due, and what never runs."""

from __future__ import annotations

import json
import time

import pytest

from kit.jobs.runner import RunOutcome, record_run
from kit.jobs.schedule import crontab_text, due_jobs, interval_to_cron, run_due, systemd_text


def _channel(ws, name, *, enabled=True, golive="APTO"):
    from kit.channels import Channel, ChannelRegistry
    from kit.golive import record_result

    reg = ChannelRegistry(ws)
    reg.add(Channel(name=name, type="vtex", category="plataforma", company="11222333000181",
                    environment="sandbox", settings={"account": "demo"}))  # fmt: skip
    reg.update(name, {"jobs.products.enabled": "false"}, enabled=enabled)
    if golive:
        record_result(ws, {"channel": name, "verdict": golive, "finished_at": "2026-11-26T10:00:00"})


@pytest.mark.parametrize(
    "minutes,expr",
    [(1, "* * * * *"), (5, "*/5 * * * *"), (15, "*/15 * * * *"), (60, "0 * * * *"), (120, "0 */2 * * *"),
     (1440, "0 0 * * *"), (7, None), (90, None)],
)  # fmt: skip
def test_interval_to_cron(minutes, expr):
    assert interval_to_cron(minutes) == expr


def test_only_enabled_channels_that_passed_golive_are_due(workspace):
    _channel(workspace, "ok")
    _channel(workspace, "off", enabled=False)
    _channel(workspace, "nogo", golive="NÃO APTO")
    _channel(workspace, "nocheck", golive=None)
    due = {(d.channel, d.job): d for d in due_jobs(workspace)}
    assert {k for k, d in due.items() if d.due} == {
        ("ok", "stock"),
        ("ok", "prices"),
        ("ok", "orders"),
        ("ok", "status"),
    }
    assert due[("off", "stock")].code == "channel_disabled" and due[("off", "stock")].reason == "canal desligado"
    assert due[("nogo", "stock")].code == "golive_not_passed"
    assert due[("nocheck", "orders")].code == "golive_not_passed"
    assert due[("ok", "products")].code == "job_disabled"


def test_interval_elapsed_since_last_successful_real_start(workspace):
    _channel(workspace, "ok")
    now = time.time()
    base = {"channel": "ok", "finished_at": now, "counts": {}, "report_path": None}
    record_run(workspace, {**base, "job": "stock", "started_at": now - 60, "status": "ok", "exit_code": 0})
    record_run(workspace, {**base, "job": "orders", "started_at": now - 60, "status": "failed", "exit_code": 1})
    record_run(workspace, {**base, "job": "prices", "started_at": now - 60, "status": "ok", "exit_code": 0,
                           "dry_run": True})  # fmt: skip
    due = {d.job: d.due for d in due_jobs(workspace, now)}
    assert due == {"stock": False, "orders": True, "prices": True, "status": True, "products": False}
    later = {d.job: d.due for d in due_jobs(workspace, now + 15 * 60)}
    assert later["stock"] is True  # stock runs every 15 min by default


def test_a_recorded_start_in_the_future_is_due(workspace):
    """The clock stepped back: waiting for it to catch up would stop every job for as long as the step."""
    _channel(workspace, "ok")
    now = time.time()
    record_run(workspace, {"channel": "ok", "job": "stock", "started_at": now + 3 * 3600, "finished_at": now + 3 * 3600,
                           "status": "ok", "exit_code": 0, "counts": {}, "report_path": None})  # fmt: skip
    stock = next(d for d in due_jobs(workspace, now) if d.job == "stock")
    assert stock.due and stock.code == "clock_stepped_back" and "futuro" in stock.reason
    recent = next(d for d in due_jobs(workspace, now + 3 * 3600 + 30) if d.job == "stock")
    assert not recent.due  # once the clock is there again, the interval counts as usual


def test_run_due_runs_exactly_the_due_jobs(workspace):
    _channel(workspace, "ok")
    _channel(workspace, "off", enabled=False)
    calls = []

    def runner(job, channel, *, dry_run, ws):
        calls.append((channel, job))
        return RunOutcome(0, {"status": "ok"}, None)

    results = run_due(workspace, runner=runner)
    assert sorted(calls) == [("ok", "orders"), ("ok", "prices"), ("ok", "status"), ("ok", "stock")]
    assert all(r["exit_code"] == 0 for r in results)


def test_schedule_texts_name_run_due_and_per_job_lines(workspace):
    _channel(workspace, "ok")
    _channel(workspace, "off", enabled=False)
    cron = crontab_text(workspace)
    assert "* * * * * " in cron and "run-due" in cron
    assert "*/15 * * * *" in cron and "sync stock --channel ok" in cron
    assert "sync stock --channel off" not in cron and "# off: canal desligado, fora da agenda" in cron
    units = systemd_text(workspace)
    assert "OnCalendar=*-*-* *:*:00" in units and "OnUnitActiveSec=15min" in units


def test_cli_schedule_and_run_due_list(workspace, kit_cli):
    _channel(workspace, "ok")
    r = kit_cli("schedule")
    assert r.returncode == 0 and "run-due" in r.stdout
    assert kit_cli("schedule", "--systemd").returncode == 0
    r = kit_cli("run-due", "--list")
    assert r.returncode == 0 and "nunca rodou" in r.stdout
    assert r.stdout.splitlines()[0].split() == ["canal", "job", "devido", "por", "quê"]


def test_golive_for_another_environment_does_not_count(workspace):
    from kit.golive import record_result

    _channel(workspace, "env", golive=None)
    record_result(workspace, {"channel": "env", "verdict": "APTO", "environment": "production",
                              "finished_at": "2026-11-26T11:00:00"})  # fmt: skip
    due = {d.job: d for d in due_jobs(workspace) if d.channel == "env"}
    assert not due["stock"].due and due["stock"].code == "golive_not_passed"
    record_result(workspace, {"channel": "env", "verdict": "APTO", "environment": "sandbox",
                              "finished_at": "2026-11-26T12:00:00"})  # fmt: skip
    assert {d.job for d in due_jobs(workspace) if d.channel == "env" and d.due} == {
        "stock",
        "prices",
        "orders",
        "status",
    }


def test_cli_show_held_and_approve(workspace, kit_cli):
    from kit.jobs.state import JobState

    _channel(workspace, "ok")
    JobState(workspace, "ok").hold_price("SKU-1", 100.0, 40.0, 60.0)
    JobState(workspace, "ok").quarantine("O-1", "v1", "status 'x': sem mapeamento no de-para", {"order_id": "O-1"})
    r = kit_cli("sync", "prices", "--channel", "ok", "--show-held", "--json")
    assert r.returncode == 0 and [h["sku"] for h in json.loads(r.stdout)] == ["SKU-1"]
    r = kit_cli("sync", "prices", "--channel", "ok", "--show-held")  # for people: pt-BR headers and formats
    assert r.returncode == 0 and "preço de referência" in r.stdout.splitlines()[0]
    assert "R$ 100,00" in r.stdout and "R$ 40,00" in r.stdout and "60,0 %" in r.stdout
    r = kit_cli("sync", "orders", "--channel", "ok", "--show-held")
    assert r.returncode == 0 and "O-1" in r.stdout and "sem mapeamento" in r.stdout
    assert r.stdout.splitlines()[0].split() == ["pedido", "versão", "tentativas", "motivo"]
    assert kit_cli("sync", "prices", "--channel", "ok", "--approve", "SKU-1").returncode == 0
    assert JobState(workspace, "ok").approved_prices() == {"SKU-1": 40.0}
    assert kit_cli("sync", "stock", "--channel", "ok", "--show-held").returncode == 2
