"""Go-live through the one notebook runner (kit.golive.execute) and the report people read (kit.golive.report).

Must show (issue 19): go-live through the single runner refuses an unknown parameter and leaves no
secret in its outputs. Issue 16: a check that could not run opens with the Portuguese failure box
(never papermill's banner or a traceback), "O que corrigir" first, the environment is the channel's
own, progress while it runs, the same report in process (issue 18).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from kit.errors import ConfigurationError
from kit.golive.execute import execute_report
from kit.golive.report import sample_inputs

pytestmark = pytest.mark.timeout(300)

NOT_CHECKED = "NÃO FOI POSSÍVEL VERIFICAR"


@pytest.fixture
def vtex_channel(workspace, mappings):
    from kit.channels import ChannelRegistry
    from kit.sandbox import start_sandbox

    sbx = start_sandbox("vtex", n_products=5, orders=0, seed=3)
    try:
        ChannelRegistry(workspace).add(sbx.channel("vtex-gl"))
        mappings("vtex-gl", "vtex")
        yield sbx
    finally:
        sbx.stop()


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _assert_no_secret(folder: Path, secrets: list[str], *outputs: str) -> None:
    assert secrets and all(len(s) >= 6 for s in secrets)
    files = _files(folder)
    assert any(p.name == "golive.html" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"secret in {path}"
    for text in outputs:
        assert not any(s in text for s in secrets)


@pytest.mark.parametrize("in_process", [False, True], ids=["notebook", "in-process"])
def test_an_unknown_parameter_is_refused_before_anything_runs(tmp_path, in_process):
    out = tmp_path / "out"
    with pytest.raises(ConfigurationError) as info:
        execute_report({"channel": "", "price_tolerance": 2.0}, out, in_process=in_process)
    assert "parâmetro desconhecido price_tolerance para golive.ipynb" in info.value.message
    assert "price_tolerance_pct" in info.value.hint
    assert not (out / "golive.ipynb").exists() and not (out / "summary.json").exists()


@pytest.mark.parametrize(
    "flag",
    [pytest.param(None, id="notebook", marks=pytest.mark.notebook), pytest.param("--no-notebook", id="in-process")],
)
def test_channel_down_gives_the_portuguese_failure_box_and_no_secret_anywhere(vtex_channel, kit_cli, tmp_path, flag):
    paths = sample_inputs("vtex")
    vtex_channel.stop()  # nothing answers at the channel's address any more
    out = tmp_path / "reports"
    r = kit_cli("check", "golive", "--channel", "vtex-gl", "--erp", paths["erp_file"], "--output", str(out),
                *([flag] if flag else []))  # fmt: skip
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"veredito: {NOT_CHECKED}" in r.stderr and "Traceback" not in r.stdout + r.stderr
    # One error line and one hint line, as the CLI prints every error (error:/hint:, or erro:/dica: in pt-BR).
    assert re.search(rf"^(error|erro): O canal não respondeu em {re.escape(vtex_channel.url)}\.$", r.stderr, re.M)
    assert re.search(r"^(hint|dica): O sandbox local não está rodando\? Inicie-o com `kit sandbox start vtex "
                     r"--channel vtex-gl`", r.stderr, re.M)  # fmt: skip
    (html,) = out.rglob("golive.html")
    page = html.read_text(encoding="utf-8")
    visible, _, folded = page.partition('<details class="kit-detalhes">')
    assert f'data-headline="{NOT_CHECKED}"' in visible and f"O canal não respondeu em {vtex_channel.url}." in visible
    assert "O que fazer:" in visible and "kit sandbox start vtex --channel vtex-gl" in visible
    assert "Traceback" not in visible and "An Exception was encountered" not in page
    # the technical detail (the error's class and its raw message), one click away
    assert f"ChannelTransientError: a conexão falhou ou foi derrubada em {vtex_channel.url}" in folded
    assert "<th>ambiente</th><td>sandbox (homologação)</td>" in page  # the channel's own environment
    nb = json.loads((html.parent / "golive.ipynb").read_text(encoding="utf-8"))
    assert nb["cells"][0]["metadata"]["tags"] == ["kit-failure"] and NOT_CHECKED in nb["cells"][0]["source"]
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert nb["metadata"]["canais_kit"]["runner"] == ("in-process" if flag else "papermill")
    assert f"a conexão falhou ou foi derrubada em {vtex_channel.url}" in (html.parent / "golive.log").read_text(
        encoding="utf-8"
    )
    _assert_no_secret(out, list(vtex_channel.credentials.values()), r.stdout, r.stderr)


@pytest.mark.notebook
def test_a_check_that_ran_leaves_no_secret_and_uses_the_channel_environment(vtex_channel, kit_cli, tmp_path):
    paths = sample_inputs("vtex", clean=True)
    out = tmp_path / "reports"
    r = kit_cli("check", "golive", "--channel", "vtex-gl", "--erp", paths["erp_file"], "--store", paths["store_file"],
                "--values-dir", str(Path(paths["store_file"]).parent), "--output", str(out),
                "--confirm-price-drops", "50", "--by", "Ana Consultora")  # fmt: skip
    assert r.returncode in (0, 1), r.stdout + r.stderr
    assert "confirmado: price_drop_rule:50 por Ana Consultora" in r.stdout
    (summary,) = out.rglob("summary.json")
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["parameters"]["environment"] == "sandbox"  # no --environment: the channel's own, not production
    assert re.search(r"\[\d+ s\] Etapa \d+ de \d+: ", r.stderr)  # progress while it ran
    assert "Kernel is running over TCP" not in r.stderr and "papermill" not in r.stderr.lower()
    assert "Kernel is running over TCP" not in r.stdout and "Executing notebook" not in r.stdout
    assert not [ln for ln in r.stdout.splitlines() if "INFO" in ln or ln.lower().startswith("papermill")]
    csv = summary.parent / "golive_achados.csv"
    assert f"todos os achados (CSV): {csv}" in r.stdout and csv.exists()
    _assert_no_secret(out, list(vtex_channel.credentials.values()), r.stdout, r.stderr)


def _normalized(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\d\d/\d\d/\d{4} \d\d:\d\d", "D", text)
    return re.sub(r"/[^<\"]*/offline-vtex/[0-9TZ]+", "OUT", text)


@pytest.mark.notebook
def test_the_same_report_in_process_and_through_the_notebook(kit_cli, tmp_path):
    paths = sample_inputs("vtex")
    pages, stderr = {}, {}
    for mode in ("notebook", "in-process"):
        r = kit_cli("check", "golive", "--type", "vtex", "--erp", paths["erp_file"], "--store", paths["store_file"],
                    "--values-dir", paths["values_dir"], "--mappings", paths["mappings_channel"] or "demo-vtex",
                    "--output", str(tmp_path / mode), *(["--no-notebook"] if mode == "in-process" else []))  # fmt: skip
        assert r.returncode == 1, r.stdout + r.stderr
        (pages[mode],) = (tmp_path / mode).rglob("golive.html")
        stderr[mode] = r.stderr
    assert _normalized(pages["notebook"]) == _normalized(pages["in-process"])
    assert not list((tmp_path / "in-process").rglob("golive.ipynb"))  # a check that ran writes no notebook in process
    assert "lendo a exportação do ERP" in stderr["in-process"] and "Etapa" in stderr["notebook"]
    page = pages["notebook"].read_text(encoding="utf-8")
    assert page.index("O que corrigir") < page.index("Achados por verificação") < page.index("Achados mais graves")
    assert 'data-verdict="NÃO APTO"' in page and "<img" in page and "run_golive(" not in page
    worst = page.split('id="achados"', 1)[1]
    assert re.search(r"<thead><tr><th>gravidade</th>", worst)  # no index column
    assert "…" not in page and "Cobertura de SKUs" in page and "sku_coverage" not in page
    assert (
        "SKU do ERP não existe na loja (linha 8): o mesmo produto parece estar na loja sob o SKU SKU-000007-V2" in page
    )
    xlsx = pages["notebook"].parent / "golive.xlsx"
    header = pd.read_excel(xlsx, sheet_name="Capacidade", engine="calamine").columns.tolist()
    assert header[:4] == ["tarefa", "cenário", "itens por execução", "requisições"]


def test_o_que_corrigir_groups_nineteen_unmapped_statuses_into_one_item():
    from kit.golive.fixes import fix_list

    statuses = [f"status-{i:02d}" for i in range(19)]
    rows = [
        {
            "check": "depara",
            "severity": "bloqueio",
            "sku": "",
            "field": "depara.order_status",
            "value": s,
            "expected": "",
            "message": f"De-para 'order_status': '{s}' — valor do canal sem de-para",
        }
        for s in statuses
    ]
    rows += [{"check": "sku_coverage", "severity": "aviso", "sku": f"SKU-{i}", "field": "erp.sku", "value": f"SKU-{i}",
              "expected": "", "message": "SKU do ERP não existe na loja"} for i in range(100)]  # fmt: skip
    run = SimpleNamespace(findings=pd.DataFrame(rows), parameters={"channel": "loja", "channel_type": "vtex"})
    first, second = fix_list(run)
    assert first.severity == "bloqueio" and first.count == 19 and first.values == statuses
    assert first.title == "19 valor(es) de status de pedido sem de-para"
    assert "`kit depara build loja order_status --erp ARQUIVO`" in first.fix and first.messages == []
    assert second.severity == "aviso" and len(second.values) == 60 and second.hidden == 40
    assert "kit sync products --channel loja" in second.fix


@pytest.mark.parametrize(
    "rule, confirmed",
    [
        ("price_drop_rule:40", True),  # the sample's drop is 37,5 %
        ("price_drop_rule:30", False),  # a drop larger than the rule's limit stays a blocker
        ("price_drop_rule:40:Acessórios", True),  # its ERP category is "Acessórios > Relógios": under it
        ("price_drop_rule:40:Casa", False),
    ],
)
def test_price_drops_are_confirmed_by_rule(tmp_path, rule, confirmed):
    from kit.golive import run_golive

    paths = sample_inputs("vtex")
    run = run_golive(channel_type="vtex", erp_file=paths["erp_file"], store_file=paths["store_file"],
                     output_dir=tmp_path, write_xlsx=False, record=False,
                     answers={rule: {"by": "Ana", "at": "2026-12-01T10:00:00"}})  # fmt: skip
    drop = run.findings[(run.findings["check"] == "first_sync") & (run.findings["field"] == "price")]
    assert list(drop["sku"]) == ["SKU-000205"]
    assert (drop["severity"].iloc[0] == "info") is confirmed
    assert run.ctx.answers.get("price_drop:SKU-000205", {}).get("rule") == (rule if confirmed else None)


def test_a_rule_needs_a_channel_and_a_limit_between_0_and_100(kit_cli, workspace):
    from kit.golive.confirm_rules import price_drop_rule_item

    assert price_drop_rule_item(40, " Casa > Banho ") == "price_drop_rule:40:Casa > Banho"
    for bad in (0, 150):
        with pytest.raises(ConfigurationError, match="entre 0 e 100"):
            price_drop_rule_item(bad)
    paths = sample_inputs("vtex")
    r = kit_cli("check", "golive", "--type", "vtex", "--erp", paths["erp_file"], "--store", paths["store_file"],
                "--confirm-price-drops", "40")  # fmt: skip
    assert r.returncode == 2 and "--confirm precisa de --channel" in r.stderr
