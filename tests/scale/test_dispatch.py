"""A pass runs due jobs side by side: never more than N at once, nor more than M of one channel account."""

from __future__ import annotations

import concurrent.futures as cf
import os
import threading
import time
from collections import Counter

import pytest

from kit.errors import ConfigurationError
from kit.jobs.runner import RunOutcome
from kit.jobs.schedule import run_due
from kit.scale.dispatch import PassLimits, _dispatch
from kit.scale.worker import RunRequest


class Recorder:
    """A job that takes a moment and notes how many ran at once, in total and per account."""

    def __init__(self, seconds: float = 0.15) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.total = self.peak_total = 0
        self.done: list[tuple[str, str]] = []

    def __call__(self, request: RunRequest) -> dict:
        with self.lock:
            self.now[request.account] += 1
            self.total += 1
            self.peak[request.account] = max(self.peak[request.account], self.now[request.account])
            self.peak_total = max(self.peak_total, self.total)
        time.sleep(self.seconds)
        with self.lock:
            self.now[request.account] -= 1
            self.total -= 1
            self.done.append((request.channel, request.job))
        return {"channel": request.channel, "job": request.job, "status": "ok", "exit_code": 0}


@pytest.mark.parametrize("parallel,per_account", [(4, 2), (3, 1), (8, 3)])
def test_bounds_per_machine_and_per_account_hold_and_every_job_runs_once(parallel, per_account):
    requests = [RunRequest(f"c{i}", job, account=f"acct{i % 2}") for i in range(6) for job in ("stock", "orders")]
    work = Recorder()
    limits = PassLimits(parallel, per_account)
    rows = _dispatch(requests, limits, work, lambda: cf.ThreadPoolExecutor(parallel))
    assert sorted(work.done) == sorted((r.channel, r.job) for r in requests)  # each once
    assert len(rows) == len(requests) and all(r["exit_code"] == 0 for r in rows)
    assert work.peak_total <= parallel
    assert max(work.peak.values()) <= per_account
    assert work.peak_total == min(parallel, 2 * per_account)  # and the room is used: they do run side by side


def test_a_job_that_raises_fails_alone():
    def work(request):
        if request.channel == "bad":
            raise RuntimeError("boom")
        return {"channel": request.channel, "job": request.job, "status": "ok", "exit_code": 0}

    requests = [RunRequest("bad", "stock", "a"), RunRequest("good", "stock", "b")]
    rows = _dispatch(requests, PassLimits(2, 1), work, lambda: cf.ThreadPoolExecutor(2))
    by = {r["channel"]: r for r in rows}
    assert by["good"]["exit_code"] == 0
    assert by["bad"]["exit_code"] == 1 and "RuntimeError: boom" in by["bad"]["error"]


@pytest.mark.parametrize("value", ["0", "-1", "x", "100000"])
def test_limits_from_the_environment_are_checked(monkeypatch, value):
    monkeypatch.setenv("KIT_RUN_DUE_PARALLEL", value)
    with pytest.raises(ConfigurationError, match="execuções simultâneas"):
        PassLimits.from_env()


def test_limits_default_and_arguments_win(monkeypatch):
    monkeypatch.setenv("KIT_RUN_DUE_PER_ACCOUNT", "3")
    limits = PassLimits.from_env(parallel=5)
    assert (limits.parallel, limits.per_account, limits.mode) == (5, 3, "setting")
    monkeypatch.delenv("KIT_RUN_DUE_PER_ACCOUNT")
    assert PassLimits.from_env().parallel == max(2, min(16, 2 * (os.cpu_count() or 1)))


def test_run_due_checks_each_job_again_under_its_lock(workspace):
    """A job another process ran after the list was made is not run again."""
    from kit.jobs.runner import record_run
    from tests.jobs.test_schedule import _channel

    for name in ("a", "b", "c"):
        _channel(workspace, name)
    ran = []

    def runner(job, channel, *, dry_run, ws):
        ran.append((channel, job))
        if channel == "a" and job == "stock":  # meanwhile, someone else completes b's stock
            record_run(ws, {"channel": "b", "job": "stock", "started_at": time.time(), "finished_at": time.time(),
                            "status": "ok", "exit_code": 0, "counts": {}, "report_path": None})  # fmt: skip
        return RunOutcome(0, {"status": "ok"}, None)

    rows = run_due(workspace, runner=runner, limits=PassLimits(1, 1), job="stock")
    assert ("b", "stock") not in ran and sorted(ran) == [("a", "stock"), ("c", "stock")]
    assert {r["channel"]: r["status"] for r in rows} == {"a": "ok", "b": "not_due", "c": "ok"}


def test_a_held_job_lock_is_reported_locked_and_recorded(workspace):
    from kit.jobs.locks import job_lock
    from tests.jobs.test_schedule import _channel

    _channel(workspace, "a")
    with job_lock(workspace, "a", "orders"):
        rows = run_due(workspace, runner=lambda *a, **k: RunOutcome(0, {"status": "ok"}, None), job="orders")
    assert rows == [{"channel": "a", "job": "orders", "status": "locked", "exit_code": 3,
                     "error": rows[0]["error"]}]  # fmt: skip
    assert "está em andamento" in rows[0]["error"]
    with workspace.table("runs") as runs:
        assert [(r["job"], r["status"], r["exit_code"]) for r in runs.all()] == [("orders", "locked", 3)]
