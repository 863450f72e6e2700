"""Backoff for failing jobs: exponential, capped, read from the run history, cleared by a success."""

from __future__ import annotations

import time

import pytest

from kit.jobs.runner import record_run
from kit.jobs.schedule import due_jobs
from kit.scale.backoff import BASE_S, CAP_S, backoff_s, streaks_from_rows


def _run(channel, job, start, status, code=None, **extra):
    return {"channel": channel, "job": job, "started_at": start, "finished_at": start + 1, "status": status,
            "exit_code": code if code is not None else (0 if status == "ok" else 1), "counts": {},
            "report_path": None, **extra}  # fmt: skip


@pytest.mark.parametrize("failures,wait", [(0, 0), (1, BASE_S), (2, 2 * BASE_S), (3, 4 * BASE_S), (7, CAP_S),
                                           (500, CAP_S)])  # fmt: skip
def test_the_wait_doubles_and_is_capped(failures, wait):
    assert backoff_s(failures) == wait


def test_a_streak_counts_failures_since_the_last_success_only():
    rows = [
        _run("a", "stock", 100, "failed"),
        _run("a", "stock", 200, "ok"),
        _run("a", "stock", 300, "failed", 2),
        _run("a", "stock", 350, "locked", 3),  # a refusal neither counts nor clears
        _run("a", "stock", 400, "failed"),
        _run("a", "stock", 450, "ok", dry_run=True),  # a simulation proves nothing about the channel
    ]
    streak = streaks_from_rows(reversed(rows))[("a", "stock")]
    assert (streak.last_ok_start, streak.failures, streak.last_failure_start) == (200, 2, 400)
    assert streak.next_attempt_at() == 400 + 2 * BASE_S
    cleared = streaks_from_rows([*rows, _run("a", "stock", 500, "ok")])[("a", "stock")]
    assert cleared.failures == 0 and cleared.next_attempt_at() is None


def test_a_failing_job_waits_out_its_backoff_then_is_due_again(workspace):
    from tests.jobs.test_schedule import _channel

    _channel(workspace, "loja")
    now = time.time()
    for n, start in enumerate((now - 600, now - 500, now - 100)):
        record_run(workspace, _run("loja", "stock", start, "failed", 2 if n == 2 else 1))
    stock = next(d for d in due_jobs(workspace, now) if d.job == "stock")
    assert not stock.due and stock.code == "backoff" and stock.failures == 3
    assert stock.next_attempt_at == pytest.approx(now - 100 + 4 * BASE_S)
    assert "3 falhas seguidas (código 2)" in stock.reason and "próxima tentativa em 3 min" in stock.reason
    later = next(d for d in due_jobs(workspace, now - 100 + 4 * BASE_S) if d.job == "stock")
    assert later.due and later.code == "never_ran"
    others = {d.job for d in due_jobs(workspace, now) if d.due}
    assert others == {"prices", "orders", "status"}  # one failing job holds back only itself


def test_a_failure_recorded_in_the_future_does_not_stop_the_job(workspace):
    """The clock stepped back after a failure: waiting for it would stop the job for as long as the step."""
    from tests.jobs.test_schedule import _channel

    _channel(workspace, "loja")
    now = time.time()
    record_run(workspace, _run("loja", "stock", now + 3 * 3600, "failed"))
    assert next(d for d in due_jobs(workspace, now) if d.job == "stock").due


def test_run_due_list_json_shows_the_backoff(workspace, kit_cli):
    import json

    from tests.jobs.test_schedule import _channel

    _channel(workspace, "loja")
    record_run(workspace, _run("loja", "orders", time.time() - 10, "failed"))
    r = kit_cli("run-due", "--list", "--json")
    assert r.returncode == 0, r.stderr
    orders = next(row for row in json.loads(r.stdout) if row["job"] == "orders")
    assert orders["due"] is False and orders["code"] == "backoff" and orders["failures"] == 1
    assert orders["next_attempt_at"] > time.time() and orders["type"] == "vtex"
    assert orders["connection"] == "canais_kit_loja"
    assert orders["secret_env"]["app_key"].startswith("KIT_SECRET__") and orders["credentials_ref"]


def test_an_airflow_retry_runs_through_the_backoff(workspace):
    """Airflow decides when its retries run: the backoff its own failure started must not skip them."""
    from kit.jobs.runner import RunOutcome
    from kit.jobs.schedule import run_due
    from tests.jobs.test_schedule import _channel

    _channel(workspace, "loja")
    record_run(workspace, _run("loja", "stock", time.time() - 5, "failed"))
    ran = []

    def runner(job, channel, *, dry_run, ws):
        ran.append((channel, job))
        return RunOutcome(0, {"status": "ok"}, None)

    assert run_due(workspace, runner=runner, channel="loja", job="stock") == []  # backing off: not even listed
    rows = run_due(workspace, runner=runner, channel="loja", job="stock", backoff=False)
    assert ran == [("loja", "stock")] and rows[0]["status"] == "ok"
