"""The dashboard's data (runs, lag, failures, quarantine), its retry button, and the notebook."""

from __future__ import annotations

import time

import pytest

from kit.jobs import history
from kit.jobs.runner import RunOutcome, record_run
from tests.conftest import ROOT


def _runs(ws):
    now = time.time()
    base = {"channel": "loja", "counts": {"applied": 3, "failed": 0}, "report_path": "r.ipynb"}
    record_run(ws, {**base, "job": "stock", "started_at": now - 3600, "finished_at": now - 3590, "status": "ok",
                    "exit_code": 0})  # fmt: skip
    record_run(ws, {**base, "job": "stock", "started_at": now - 60, "finished_at": now - 50, "status": "failed",
                    "exit_code": 1, "counts": {"applied": 1, "failed": 2}})  # fmt: skip
    record_run(ws, {**base, "job": "orders", "started_at": now - 120, "finished_at": now - 100, "status": "ok",
                    "exit_code": 0})  # fmt: skip
    return now


def test_last_runs_lag_and_failures(workspace):
    now = _runs(workspace)
    last = history.last_runs(workspace, now)
    rows = {r["job"]: r for r in last.to_dict("records")}
    assert rows["stock"]["status"] == "failed" and rows["stock"]["failed"] == 2
    assert 59 <= rows["stock"]["lag_min"] <= 61  # since the last *successful* start
    bad = history.failures(workspace)
    assert list(bad["job"]) == ["stock"]
    assert history.plot_history(workspace) is not None


def test_empty_workspace_is_friendly(workspace):
    assert history.runs_frame(workspace).empty and history.last_runs(workspace).empty
    assert history.plot_history(workspace) is None and history.quarantine_frame(workspace).empty
    assert history.retry_failed(workspace) == []


def test_retry_button_reruns_only_failed_jobs(workspace):
    _runs(workspace)
    calls = []

    def runner(job, channel, ws):
        calls.append((channel, job))
        return RunOutcome(0, {"status": "ok"}, "new.ipynb")

    panel = history.RetryPanel(workspace, runner=runner)
    panel.button.click()
    assert calls == [("loja", "stock")]
    assert "1 execuções repetidas: 1 OK" in panel.status.value


@pytest.mark.notebook
@pytest.mark.timeout(120)
def test_painel_notebook_runs_with_history(workspace, tmp_path):
    import papermill

    _runs(workspace)
    from kit.jobs.state import JobState

    JobState(workspace, "loja").quarantine(
        "ORD-1", "v1", "forma de pagamento 'X': sem mapeamento", {"order_id": "ORD-1"}
    )
    out = tmp_path / "painel.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "painel.ipynb"), str(out), parameters={"workspace": str(workspace.root)},
        kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    text = out.read_text()
    assert "3 execuções registradas; 1 com falha" in text
    assert "1 pedidos em quarentena" in text and "ORD-1" in text
    assert "image/png" in text
