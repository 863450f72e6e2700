"""The dashboard's data (runs, lag, failures, quarantine), its retry button, and the notebook."""

from __future__ import annotations

import json
import re
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


def test_failed_orders_frame_of_an_empty_workspace_has_its_headers(workspace):
    frame = history.failed_orders_frame(workspace)  # an old workspace: no order_failed table yet
    assert frame.empty and list(frame.columns) == list(history.FAILED_ORDER_HEADS)
    assert history.failed_orders_note(frame) == "Nenhum pedido com falha."
    assert "<th>o que fazer</th>" in history.table_html(frame).data


def test_failed_orders_the_orders_job_kept_are_listed_with_their_reason_and_a_dismissed_one_is_not(
    channel, workspace, tmp_path
):
    from kit.jobs import run_job
    from kit.jobs.state import JobState
    from tests.jobs.conftest import FakeConnector, make_order
    from tests.jobs.test_orders import write_mappings

    write_mappings(tmp_path / "mappings")
    unpriced, no_lines, no_number = make_order(2), make_order(3), make_order(4)
    unpriced.items[0].unit_price = None
    no_lines.items = []
    no_number.order_id = ""
    queue = FakeConnector([], orders=[make_order(1), unpriced, no_lines, no_number], page_size=10)
    assert run_job("orders", "loja", ws=workspace, connector=queue).failed == 3
    assert JobState(workspace, "loja").dismiss_failed(["ORD-0003"], "ana", "cancelado no canal") == 1

    frame = history.failed_orders_frame(workspace)
    rows = {r["pedido"]: r for r in frame.to_dict("records")}
    (nameless,) = [ref for ref in rows if ref.startswith("sem-numero-")]
    assert sorted(rows) == sorted(["ORD-0002", nameless])  # the written one and the dismissed one are not listed
    stored = {r["ref"]: r["reason"] for r in JobState(workspace, "loja").failed_orders()}
    assert {ref: r["motivo"] for ref, r in rows.items()} == stored and "preço unitário" in rows["ORD-0002"]["motivo"]
    row = rows["ORD-0002"]
    assert (row["canal"], row["tentativas"]) == ("loja", 1)
    for col in ("primeira falha", "última tentativa"):
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", row[col])
    assert row["o que fazer"].startswith("corrija no canal")
    assert 'kit sync orders --channel loja --dismiss ORD-0002 --reason "por quê"' in row["o que fazer"]
    assert (
        f"--dismiss {nameless} " in rows[nameless]["o que fazer"]
        and "não pode ser relido" in rows[nameless]["o que fazer"]
    )
    assert history.failed_orders_note(frame) == "2 pedidos com falha aguardam correção ou descarte:"


def _channel(ws, name="loja", *, enabled=True):
    from kit.channels import Channel, ChannelRegistry

    ChannelRegistry(ws).add(Channel(name=name, type="vtex", category="plataforma", company="11222333000181",
                                    environment="sandbox", settings={"account": "demo"}))  # fmt: skip
    if enabled:
        with ws.table("channels") as table:
            from tinydb import Query

            table.update({"enabled": True}, Query().name == name)


def _failed_run_with_report(ws, tmp_path, *, full=True, since="2026-11-01"):
    """A failed stock run that left a papermill notebook (its parameters in the metadata) and a JSON summary."""
    now = time.time()
    report = tmp_path / "reports" / "loja" / "stock" / "20261120T100000Z.ipynb"
    report.parent.mkdir(parents=True)
    params = {"channel": "loja", "dry_run": False, "full": full, "since": since, "max_items": None,
              "workspace": str(ws.root), "summary_path": "/x/.k.json", "safety_stock": 2}  # fmt: skip
    report.write_text(json.dumps({"cells": [], "metadata": {"papermill": {"parameters": params}}}), encoding="utf-8")
    summary = {"status": "failed", "full": full, "dry_run": False, "error": None, "counts": {"applied": 1, "failed": 2},
               "details": [{"key": "SKU-1", "status": "failed", "reason": "o canal recusou o SKU: estoque negativo"},
                           {"key": "SKU-2", "status": "failed", "reason": "o canal recusou o SKU: estoque negativo"}]}  # fmt: skip
    report.with_suffix(".json").write_text(json.dumps(summary), encoding="utf-8")
    record_run(ws, {"channel": "loja", "job": "stock", "started_at": now - 60, "finished_at": now - 50,
                    "status": "failed", "exit_code": 1, "counts": {"applied": 1, "failed": 2},
                    "report_path": str(report), "dry_run": False})  # fmt: skip
    return report


class FakeRunner:
    def __init__(self, exit_code=0, counts=None):
        self.calls, self.exit_code, self.counts = [], exit_code, counts or {"applied": 3}

    def __call__(self, job, channel, **kw):
        self.calls.append((channel, job, kw))
        status = "ok" if self.exit_code == 0 else "failed"
        return RunOutcome(self.exit_code, {"status": status, "counts": self.counts}, "new.ipynb")


def test_failures_table_has_the_reason_in_full(workspace, tmp_path):
    _failed_run_with_report(workspace, tmp_path)
    bad = history.failures(workspace)
    assert "reason" in bad.columns
    assert bad.loc[0, "reason"] == "itens com falha: o canal recusou o SKU: estoque negativo (2)"
    shown = history.pt(bad)
    assert "motivo" in shown.columns and shown.loc[0, "relatório"] == "20261120T100000Z.ipynb"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", shown.loc[0, "início"])  # short, in the company's zone
    html = history.table_html(shown).data
    assert "white-space:normal" in html and "estoque negativo (2)" in html and "<th>motivo</th>" in html


def test_retry_reruns_the_failed_run_with_its_parameters(workspace, tmp_path):
    _channel(workspace)
    _runs(workspace)  # stock failed last, orders ok
    _failed_run_with_report(workspace, tmp_path)
    runner = FakeRunner()
    results = history.retry_failed(workspace, runner, probe=lambda ch: lambda: (True, ""))
    assert [(c, j) for c, j, _ in runner.calls] == [("loja", "stock")]
    kw = runner.calls[0][2]
    assert kw["full"] is True and kw["since"] == "2026-11-01" and kw["dry_run"] is False
    assert kw["params"] == {"safety_stock": 2} and kw["forced"] is None
    assert results[0].outcome == "OK" and "--full" in results[0].parameters and "3 aplicados" in results[0].did


def test_retry_respects_the_manual_sync_gate(workspace, tmp_path):
    _channel(workspace, enabled=False)
    _failed_run_with_report(workspace, tmp_path)
    runner = FakeRunner()
    refused = history.retry_failed(workspace, runner)
    assert runner.calls == [] and refused[0].outcome == "recusada" and "desligado" in refused[0].reason
    no_reason = history.retry_failed(workspace, runner, force=True, reason="  ")
    assert runner.calls == [] and "motivo" in no_reason[0].reason
    forced = history.retry_failed(workspace, runner, force=True, reason="cliente pediu", by="ana",
                                  probe=lambda ch: lambda: (True, ""))  # fmt: skip
    assert len(runner.calls) == 1 and forced[0].outcome == "OK"
    assert runner.calls[0][2]["forced"] == {"reason": "cliente pediu", "by": "ana",
                                            "refusal": "o canal loja está desligado"}  # fmt: skip


def test_a_rerun_that_sent_nothing_while_the_channel_is_down_is_not_ok(workspace, tmp_path):
    _channel(workspace)
    _failed_run_with_report(workspace, tmp_path)
    nothing = FakeRunner(counts={"applied": 0, "failed": 0, "skipped": 5})
    down = history.retry_failed(workspace, nothing, probe=lambda ch: lambda: (False, "a conexão falhou"))
    assert down[0].outcome == "falhou" and "nada foi enviado e o canal não respondeu" in down[0].reason
    up = history.retry_failed(workspace, nothing, probe=lambda ch: lambda: (True, ""))
    assert up[0].outcome == "nada a enviar"
    broken = history.retry_failed(workspace, FakeRunner(exit_code=1, counts={"failed": 4}))
    assert broken[0].outcome == "falhou"


def test_retry_button_reports_what_the_reruns_did(workspace, tmp_path):
    _channel(workspace)
    _runs(workspace)
    runner = FakeRunner()
    panel = history.RetryPanel(workspace, runner=runner, probe=lambda ch: lambda: (True, ""))
    panel.button.click()
    assert [(c, j) for c, j, _ in runner.calls] == [("loja", "stock")]
    assert panel.status.value == "1 execução repetida: 1 OK."
    with workspace.table("channels") as table:
        from tinydb import Query

        table.update({"enabled": False}, Query().name == "loja")
    panel.button.click()
    assert len(runner.calls) == 1 and panel.status.value == "1 execução repetida: 1 recusada."
    panel.force.value, panel.reason.value = True, "teste de homologação"
    panel.button.click()
    assert len(runner.calls) == 2 and runner.calls[1][2]["forced"]["reason"] == "teste de homologação"


def test_chart_has_one_panel_per_channel_and_the_legend_outside(workspace):
    _runs(workspace)
    now = time.time()
    record_run(workspace, {"channel": "outra", "job": "stock", "started_at": now - 30, "finished_at": now - 20,
                           "status": "ok", "exit_code": 0, "counts": {"applied": 4}, "report_path": "r.ipynb"})  # fmt: skip
    fig = history.plot_history(workspace)
    axes = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in axes] == ["Canal loja", "Canal outra"]
    for ax in axes:
        legend = ax.get_legend()
        box = legend.get_window_extent().transformed(ax.transAxes.inverted())
        assert box.x0 >= 1.0  # entirely right of the plot area: it never hides a point
    fig.clf()


@pytest.mark.notebook
@pytest.mark.timeout(120)
def test_painel_notebook_runs_with_history(workspace, tmp_path):
    import papermill

    _runs(workspace)
    from kit.jobs.state import JobState

    JobState(workspace, "loja").quarantine(
        "ORD-1", "v1", "forma de pagamento 'X': sem mapeamento", {"order_id": "ORD-1"}
    )
    JobState(workspace, "loja").record_failed("ORD-7", "ORD-7", "v1", "pedido sem itens", {"order_id": "ORD-7"})
    out = tmp_path / "painel.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "painel.ipynb"), str(out), parameters={"workspace": str(workspace.root)},
        kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    text = out.read_text()
    assert "3 execuções registradas; 1 com falha" in text
    assert "1 pedidos em quarentena" in text and "ORD-1" in text
    assert "1 pedido com falha aguarda correção ou descarte" in text and "pedido sem itens" in text
    assert "--dismiss ORD-7" in text
    assert "image/png" in text
    assert "motivo" in text and "Traceback" not in text
