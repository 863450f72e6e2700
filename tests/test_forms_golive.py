"""The "Verificar go-live" button of the canais screen (kit.forms_golive, kit.forms_golive_panel), without a kernel."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from kit.channels import ChannelRegistry
from kit.errors import ChannelTransientError
from kit.forms_golive import NOT_CHECKED, GoliveProgress, notebook_progress, run_channel_golive
from kit.golive.report import ReportOutcome
from kit.secrets import SecretsStore

SAMPLE_PRODUCTS = Path(__file__).resolve().parents[1] / "kit" / "data" / "sample" / "erp" / "products.csv"


@pytest.fixture(autouse=True)
def reports(isolated_env, monkeypatch):
    """Reports and mappings in the test's folder (never the checkout's)."""
    monkeypatch.setenv("KIT_REPORTS", str(isolated_env / "reports"))
    monkeypatch.setenv("KIT_MAPPINGS", str(isolated_env / "mappings"))
    monkeypatch.delenv("KIT_ERP_DIR", raising=False)
    monkeypatch.delenv("KIT_TIMEZONE", raising=False)
    return isolated_env / "reports"


def add_sandbox_channel(workspace, server, name):
    channel = server.channel(name, secrets=SecretsStore())
    return ChannelRegistry(workspace).add(channel)


@pytest.fixture
def down_channel(workspace):
    """A VTEX channel aimed at a sandbox that has been stopped: nothing answers at its address."""
    from kit.sandbox import start_sandbox

    with start_sandbox("vtex") as server:
        channel = add_sandbox_channel(workspace, server, "vtex-fora")
    return channel


def outcome_of(summary, out, *, error=None, html=True):
    """What execute_report returns for a run that wrote ``summary`` (and its report files)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "golive.ipynb").write_text("{}")
    if html:
        (out / "golive.html").write_text("<html></html>")
    return ReportOutcome(out, out / "golive.ipynb", out / "golive.html" if html else None, summary, error)


# -- progress read from the notebook papermill is writing ---------------------------------------
def _nb(statuses):
    cells = [
        {"cell_type": "markdown", "source": ["# Verificação de go-live"], "metadata": {}},
        {"cell_type": "code", "source": [], "metadata": {"tags": ["parameters"]}},
        {"cell_type": "code", "source": [], "metadata": {"tags": ["injected-parameters"]}},
        {"cell_type": "code", "source": ["run = golive.run_golive()"], "metadata": {}},
        {"cell_type": "markdown", "source": ["## Capacidade dos jobs\n", "texto"], "metadata": {}},
        {"cell_type": "code", "source": [], "metadata": {}},
    ]
    code = [c for c in cells if c["cell_type"] == "code"]
    for cell, status in zip(code, statuses, strict=True):
        cell["metadata"]["papermill"] = {"status": status}
    return {"cells": cells, "metadata": {}}


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["pending"] * 4, (0, 4, "iniciando o kernel do relatório")),
        (["completed", "running", "pending", "pending"], (2, 4, "iniciando o kernel do relatório")),
        (["completed", "completed", "running", "pending"], (3, 4, "lendo o ERP e os anúncios do canal e executando "
                                                                   "as verificações")),
        (["completed", "completed", "completed", "running"], (4, 4, "Capacidade dos jobs")),
        (["completed", "completed", "failed", "pending"], (3, 4, "lendo o ERP e os anúncios do canal e executando "
                                                                 "as verificações")),
    ],
)  # fmt: skip
def test_notebook_progress_follows_papermill_cell_states(tmp_path, statuses, expected):
    path = tmp_path / "golive.ipynb"
    assert notebook_progress(path) is None  # not written yet
    path.write_text('{"cells": [')  # caught mid-write
    assert notebook_progress(path) is None
    path.write_text(json.dumps(_nb(statuses)))
    assert notebook_progress(path) == expected


def test_progress_text():
    assert (
        GoliveProgress(0, 9, "iniciando o kernel do relatório", 1.2).text() == "Iniciando o kernel do relatório (1 s)"
    )
    assert GoliveProgress(4, 9, "Capacidade dos jobs", 12.6).text() == "Etapa 4 de 9: Capacidade dos jobs (13 s)"


# -- the runner, its parameters and the verdicts ------------------------------------------------------
def test_runs_the_cli_runner_for_the_channel_environment_and_reports_progress(down_channel, workspace, tmp_path):
    """The same parameters as 'kit check golive --channel', the channel's own environment, progress while it runs."""
    seen, calls = [], []
    reached = threading.Event()

    def on_progress(progress):
        seen.append(progress)
        if progress.step == 3:
            reached.set()

    def runner(params, out):
        calls.append(params)
        (Path(out) / "golive.ipynb").write_text(json.dumps(_nb(["completed", "completed", "running", "pending"])))
        assert reached.wait(timeout=60), "no progress was reported while the notebook ran"
        summary = {"ok": True, "verdict": "APTO", "blockers": 0, "counts": {"sku_coverage": {"bloqueio": 0,
                   "aviso": 2, "info": 5}}, "xlsx_path": str(Path(out) / "golive.xlsx")}  # fmt: skip
        (Path(out) / "golive.xlsx").write_bytes(b"x")
        return outcome_of(summary, Path(out))

    outcome = run_channel_golive(workspace, "vtex-fora", on_progress=on_progress, runner=runner)
    (params,) = calls
    assert params == {
        "channel": "vtex-fora",
        "channel_type": "",
        "erp_file": str(SAMPLE_PRODUCTS.resolve()),  # the channel's ERP folder: the sample set by default
        "store_file": "",  # live listings from the channel
        "environment": "sandbox",  # the channel's own environment, not production
        "workspace": str(workspace.root.resolve()),
    }
    assert any(p.step == 3 and "executando as verificações" in p.label for p in seen)
    assert outcome.verdict == "APTO" and outcome.checked and outcome.warnings == 2
    assert outcome.message == "APTO: 0 bloqueio(s), 2 aviso(s)." and outcome.hint == ""
    assert outcome.html_path.name == "golive.html" and outcome.xlsx_path.name == "golive.xlsx"
    assert outcome.output_dir.parent.name == "vtex-fora"  # reports/<channel>/<timestamp>/, as the CLI


def test_another_environment_can_be_asked_for(down_channel, workspace):
    calls = []
    run_channel_golive(workspace, "vtex-fora", environment="production",
                       runner=lambda params, out: calls.append(params) or outcome_of({}, Path(out)))  # fmt: skip
    assert calls[0]["environment"] == "production"


def test_channel_down_is_not_checked_and_explained_in_portuguese(down_channel, workspace):
    error = ChannelTransientError(
        "the connection failed or was dropped (gave up after 6 attempts)", channel="vtex-fora", method="GET",
        path="/api/catalog_system/pvt/sku/stockkeepingunitids", hint="try again later; the channel may be unstable",
    )  # fmt: skip
    summary = {"ok": False, "error": error.to_dict(), "exit_code": 1}
    outcome = run_channel_golive(workspace, "vtex-fora", runner=lambda p, out: outcome_of(summary, Path(out)))
    assert outcome.verdict == NOT_CHECKED and not outcome.checked
    assert outcome.message == f"O canal não respondeu em {down_channel.base_url}."
    assert outcome.hint.startswith("O sandbox local não está rodando?") and "kit sandbox start vtex" in outcome.hint
    assert "ChannelTransientError: the connection failed" in outcome.detail and "path /api/" in outcome.detail


def test_a_notebook_that_broke_without_summary_is_not_checked(down_channel, workspace):
    outcome = run_channel_golive(
        workspace, "vtex-fora", runner=lambda p, out: outcome_of({}, Path(out), error="KeyError: 'sku'")
    )
    assert outcome.verdict == NOT_CHECKED and outcome.message.startswith("A verificação parou com um erro inesperado")
    assert outcome.detail == "KeyError: 'sku'"


def test_a_runner_that_cannot_start_is_not_checked(down_channel, workspace):
    def runner(params, out):
        raise RuntimeError("Kernel died before replying to kernel_info")

    outcome = run_channel_golive(workspace, "vtex-fora", runner=runner)
    assert outcome.verdict == NOT_CHECKED and outcome.message == "A verificação não pôde ser executada."
    assert "Kernel died" in outcome.detail


def test_no_erp_export_is_not_checked_and_the_runner_is_not_started(down_channel, workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_ERP_DIR", str(tmp_path / "erp-vazio"))
    (tmp_path / "erp-vazio").mkdir()
    outcome = run_channel_golive(workspace, "vtex-fora", runner=lambda p, out: pytest.fail("runner started"))
    assert outcome.verdict == NOT_CHECKED
    assert outcome.message == f"Não há exportação de produtos na pasta do ERP {tmp_path / 'erp-vazio'}."
    assert "kit sync config erp_dir=PASTA" in outcome.hint


# -- the panel --------------------------------------------------------------------------------------
def test_panel_shows_progress_then_the_verdict_and_redraws_the_list(down_channel, workspace):
    from kit.forms_golive_panel import GolivePanel

    redraws = []
    progress_seen = []

    def runner(params, out):
        (Path(out) / "golive.ipynb").write_text(json.dumps(_nb(["completed", "completed", "running", "pending"])))
        return outcome_of({"ok": True, "verdict": "NÃO APTO", "blockers": 3,
                           "counts": {"sku_coverage": {"bloqueio": 3, "aviso": 0, "info": 0}}}, Path(out))  # fmt: skip

    panel = GolivePanel(workspace, runner=runner, on_done=lambda: redraws.append(1))
    assert panel.button.disabled and "Salve o canal" in panel.result.value
    panel.set_channel("vtex-fora")
    assert not panel.button.disabled and panel.environment.value == "sandbox"
    assert "Nenhum go-live verificado ainda" in panel.result.value
    panel.progress.observe(lambda change: progress_seen.append(change["new"]), names="value")
    panel.button.click()
    assert progress_seen[0] == "<span>Verificando… iniciando</span>"
    assert panel.progress.value.startswith("<span>Verificação concluída em")
    html = panel.result.value
    assert "data-verdict='NÃO APTO'" in html and "3 bloqueio(s)" in html and "corrija os bloqueios" in html
    assert "class='canais-link'" in html and "abrir relatório" in html
    assert panel.result.widget.outputs[0]["data"]["text/html"] == html  # shown through the notebook's renderer
    assert redraws == [1] and not panel.button.disabled


def test_panel_puts_a_failed_run_report_in_the_technical_block(down_channel, workspace):
    from kit.forms_golive_panel import GolivePanel

    summary = {"ok": False, "error": ChannelTransientError("the connection failed", channel="vtex-fora").to_dict()}
    panel = GolivePanel(workspace, runner=lambda p, out: outcome_of(summary, Path(out)))
    panel.set_channel("vtex-fora")
    panel.button.click()
    html = panel.result.value
    visible, _, technical = html.partition("<details class='canais-detalhes'>")
    assert f"data-verdict='{NOT_CHECKED}'" in visible and "O canal não respondeu" in visible
    assert "abrir relatório" not in visible and "abrir relatório" in technical
    assert "the connection failed" in technical and "the connection failed" not in visible


# -- the real runner (papermill) against the VTEX sandbox ------------------------------------------------
@pytest.mark.notebook
@pytest.mark.timeout(300)
def test_verificar_golive_against_the_vtex_sandbox(workspace):
    from kit.forms_list import channel_rows
    from kit.forms_widgets import ChannelFormWidget
    from kit.golive.results import latest_result
    from kit.sandbox import start_sandbox

    with start_sandbox("vtex") as server:
        add_sandbox_channel(workspace, server, "vtex-sbx")
        app = ChannelFormWidget(ws=workspace, channel="vtex-sbx")
        app.golive.button.click()
    outcome = app.golive.outcome
    assert outcome.verdict in ("APTO", "NÃO APTO"), (outcome.message, outcome.detail)
    assert outcome.html_path.is_file() and outcome.xlsx_path.is_file()
    summary = json.loads((outcome.output_dir / "summary.json").read_text())
    assert summary["parameters"]["environment"] == "sandbox" and summary["verdict"] == outcome.verdict
    assert latest_result(workspace, "vtex-sbx")["verdict"] == outcome.verdict  # recorded for the gate
    assert channel_rows(workspace)[0]["golive"].startswith(outcome.verdict)
    assert f"data-verdict='{outcome.verdict}'" in app.golive.result.value
    assert outcome.verdict in app.list_html.value  # the list was redrawn
