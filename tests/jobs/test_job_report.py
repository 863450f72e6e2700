"""The HTML report of a job run (kit.jobs.report), and the in-process run (kit sync --no-notebook) giving the same
summary, report and run record as the run through papermill."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from kit.jobs.report import job_failure, job_report_body, write_job_report

from .test_runner import vtex  # noqa: F401 - the VTEX sandbox channel fixture

STARTED = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC


def summary(**changes):
    details = [{"key": f"SKU-{i:05d}", "status": ("held", "failed", "quarantined", "skipped")[i % 4],
                "reason": f"queda de 45,0 % (de R$ 1.299,90 para R$ 714,45) no SKU {i}"} for i in range(1500)]  # fmt: skip
    details[3]["reason"] = "recusado pelo canal: " + "o valor do campo não é aceito pela categoria; " * 12
    base = {"job": "prices", "channel": "loja-vtex", "status": "failed", "exit_code": 1, "dry_run": False,
            "full": False, "counts": {"applied": 40, "failed": 375, "skipped": 375, "quarantined": 375, "held": 375},
            "duration_s": 65.2, "started_at": STARTED, "finished_at": STARTED + 65.2, "runner": "in-process",
            "notes": ["Arquivo do ERP: precos.csv (1.540 SKUs; trava de preço 30 %)."], "details": details,
            "extra": {"applied_notes": {"SKU-1": "x"}}, "error": None}  # fmt: skip
    return {**base, **changes}


def test_the_report_shows_counts_a_chart_and_every_item_with_its_full_reason(monkeypatch):
    monkeypatch.setenv("KIT_TIMEZONE", "America/Manaus")  # UTC-4: the company's time zone, not the machine's
    data = summary()
    html = job_report_body(data, failure=job_failure(data))
    assert "<h1>Sincronização de preços — canal loja-vtex</h1>" in html
    assert "28/05/2026 16:26" in html and "1 min 05 s" in html  # when and how long, pt-BR
    assert '<img class="kit-chart" alt="Itens por situação"' in html
    items = html.split('id="itens"', 1)[1]
    assert items.count("<tr>") == 1 + 1500  # header + every item, not cut at 200
    assert data["details"][3]["reason"].strip() in html and "…" not in html
    for label in ("retido para revisão", "com falha", "em quarentena", "ignorado"):
        assert f"<td>{label}</td>" in items
    assert "R$ 1.299,90" in html and "1.500 itens" in html
    assert "{" not in re.sub(r"<(script|style)>.*?</\1>", "", html, flags=re.S)  # no raw dict anywhere
    assert "1.125 itens falharam" not in html and "375 itens falharam" in html


@pytest.mark.parametrize(
    "error, message",
    [
        ({"error": "AuthenticationError", "message": "401", "status": 401}, "O canal recusou as credenciais."),
        ({"error": "InputDataError", "message": "bad", "file": "/erp/estoque.csv", "row": 7},
         "Um arquivo de entrada não pôde ser usado (arquivo /erp/estoque.csv, linha 7)."),
        ({"error": "ChannelTransientError", "message": "timeout"}, "O canal não respondeu em https://loja.example."),
    ],
)  # fmt: skip
def test_a_run_that_stopped_says_what_failed_in_portuguese(error, message):
    data = summary(error=error["message"], error_info=error, counts={"applied": 0, "failed": 0})
    failure = job_failure(data, address="https://loja.example", type_name="vtex", traceback="Traceback (...)\nboom")
    assert failure.message == message and failure.headline == "A SINCRONIZAÇÃO FALHOU"
    page = job_report_body(data, failure=failure)
    visible = page.split("<details", 1)[0]
    assert message in visible and "Traceback" not in visible and "Traceback" in page


def test_a_good_run_has_no_failure_box(tmp_path):
    data = summary(status="ok", exit_code=0, details=[], counts={"applied": 3})
    assert job_failure(data) is None
    path = write_job_report(tmp_path / "r.html", data)
    page = path.read_text(encoding="utf-8")
    assert 'data-status="ok"' in page and "kit-falha" not in page and page.startswith("<!DOCTYPE html>")
    assert "Nenhum item retido" in page


def _normalized(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\d\d/\d\d/\d{4} \d\d:\d\d", "D", text)
    text = re.sub(r"\d+,\d s|\d+ min \d+ s", "T", text)
    return text.replace("notebook (papermill)", "R").replace("no próprio processo, sem notebook", "R")


@pytest.mark.notebook
@pytest.mark.timeout(300)
def test_in_process_and_notebook_runs_give_the_same_summary_report_and_record(vtex, kit_cli, tmp_path, workspace):  # noqa: F811
    folder = tmp_path / "reports" / "vtex-sbx" / "stock"
    first = kit_cli("sync", "stock", "--channel", "vtex-sbx", "--no-notebook", "--json")
    assert first.returncode == 0, first.stdout + first.stderr
    assert json.loads(first.stdout)["counts"]["applied"] == 10
    assert not list(folder.glob("*.ipynb"))  # a run that went well writes no notebook in process
    runs = {}
    for flag in ("--no-notebook", None):
        r = kit_cli("sync", "stock", "--channel", "vtex-sbx", *([flag] if flag else []))
        assert r.returncode == 0, r.stdout + r.stderr
        runs[flag] = r
        time.sleep(1.1)  # one report per second: the file names are timestamps
    jsons = sorted(folder.glob("*.json"))
    a, b = (json.loads(p.read_text()) for p in jsons[-2:])
    assert a["runner"] == "in-process" and b["runner"] == "papermill"
    same = ("status", "exit_code", "counts", "notes", "details", "error", "failing_cell")
    assert {k: a[k] for k in same} == {k: b[k] for k in same} and a["counts"]["skipped"] == 10
    assert set(a) == set(b)
    assert _normalized(Path(a["html_path"])) == _normalized(Path(b["html_path"]))
    assert a["report_path"] == a["html_path"] and b["report_path"].endswith(".ipynb")
    with workspace.table("runs") as table:
        rows = table.all()
    assert [(r["status"], r["counts"]["applied"]) for r in rows] == [("ok", 10), ("ok", 0), ("ok", 0)]
    assert set(rows[1]) == set(rows[2])
    for r in runs.values():  # the same pt-BR lines on the console, nothing from papermill or the kernel
        assert "estoque vtex-sbx: OK - 0 aplicados, 0 com falha, 10 ignorados" in r.stdout
        assert "relatório: " in r.stdout and r.stderr == ""
        assert "Executing notebook" not in r.stdout and "Kernel is running over TCP" not in r.stdout
        assert not [ln for ln in r.stdout.splitlines() if "INFO" in ln or ln.lower().startswith("papermill")]


@pytest.mark.timeout(300)
def test_a_failed_run_in_process_writes_its_notebook_and_the_failure_box(vtex, kit_cli, tmp_path):  # noqa: F811
    vtex.stop()  # nothing answers at the channel's address any more
    r = kit_cli("sync", "stock", "--channel", "vtex-sbx", "--full", "--no-notebook")
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"erro: O canal não respondeu em {vtex.url}" in r.stdout
    assert "kit sandbox start vtex --channel vtex-sbx" in r.stdout and "Traceback" not in r.stdout + r.stderr
    folder = tmp_path / "reports" / "vtex-sbx" / "stock"
    (nb,) = folder.glob("*.ipynb")
    data = json.loads(nb.read_text(encoding="utf-8"))
    assert data["cells"][0]["metadata"]["tags"] == ["kit-failure"]
    assert data["metadata"]["canais_kit"]["runner"] == "in-process"
    assert data["metadata"]["canais_kit"]["command"] == "kit sync stock --channel vtex-sbx --full"
    page = nb.with_suffix(".html").read_text(encoding="utf-8")
    assert "A SINCRONIZAÇÃO FALHOU" in page and f"O canal não respondeu em {vtex.url}." in page
    assert f"a conexão falhou ou foi derrubada em {vtex.url}" in nb.with_suffix(".log").read_text(encoding="utf-8")


@pytest.mark.notebook
@pytest.mark.timeout(300)
def test_a_notebook_run_saves_no_progress_bar_and_the_report_beside_it(vtex, kit_cli, tmp_path):  # noqa: F811
    r = kit_cli("sync", "stock", "--channel", "vtex-sbx")
    assert r.returncode == 0, r.stdout + r.stderr
    (nb,) = (tmp_path / "reports" / "vtex-sbx" / "stock").glob("*.ipynb")
    outputs = [o for c in json.loads(nb.read_text())["cells"] for o in c.get("outputs", [])]
    kinds = {m for o in outputs for m in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" not in kinds  # no frozen tqdm bar
    html = ["".join(o["data"]["text/html"]) for o in outputs if "text/html" in o.get("data", {})]
    assert html and "Sincronização de estoque — canal vtex-sbx" in html[0]
    assert "{'applied'" not in nb.read_text()  # the log line says applied=10, not a dict
    page = nb.with_suffix(".html").read_text(encoding="utf-8")
    assert "10 aplicados" in page and '<img class="kit-chart"' in page


@pytest.mark.notebook
@pytest.mark.timeout(300)
def test_verbose_shows_papermill_and_the_kernel(vtex, kit_cli):  # noqa: F811
    r = kit_cli("-v", "sync", "stock", "--channel", "vtex-sbx")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "papermill" in r.stderr and "Executing notebook" in r.stderr


def test_scheduled_runs_follow_the_setting(vtex, workspace):  # noqa: F811
    from kit.jobs.runner import run_scheduled_job
    from kit.jobs.settings import set_job_settings

    set_job_settings(workspace, "vtex-sbx", {"scheduled_runs": "in-process"})
    outcome = run_scheduled_job("stock", "vtex-sbx", ws=workspace)
    assert outcome.exit_code == 0 and outcome.summary["runner"] == "in-process"
    assert outcome.summary["counts"]["applied"] == 10 and outcome.report_path.suffix == ".html"
    from kit.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        set_job_settings(workspace, "vtex-sbx", {"scheduled_runs": "cron"})
