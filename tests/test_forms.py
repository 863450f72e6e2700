"""The channel form model (kit.forms) and its widgets (kit.forms_widgets), without a kernel."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from kit.channels import DEFAULT_JOBS, ChannelRegistry
from kit.channeltypes import CHANNEL_TYPES, JOBS, MAX_INTERVAL_MIN, get_type
from kit.errors import AuthenticationError, ChannelFatalError
from kit.forms import ChannelForm, channel_rows
from kit.secrets import SecretsStore

CNPJ = "11.222.333/0001-81"
APP_KEY = "vtexappkey-loja-KEY42"
APP_TOKEN = "TokenSecretoDaLoja-9f8e7d6c5b"


def vtex_values(**over):
    values = {
        "name": "vtex-loja",
        "category": "plataforma",
        "company": CNPJ,
        "environment": "sandbox",
        "base_url": "",
        "credentials.app_key": APP_KEY,
        "credentials.app_token": APP_TOKEN,
        "settings.account": "loja",
        "settings.environment_host": "vtexcommercestable",
        "settings.warehouse_id": "1_1",
        "settings.trade_policy": "1",
    }
    t = get_type("vtex")
    for job, (interval, batch) in DEFAULT_JOBS.items():
        values[f"jobs.{job}.interval_min"] = interval
        values[f"jobs.{job}.batch_size"] = min(batch, t.batch_limit(job))
    values.update(over)
    return values


def grep(root: Path, *needles: str) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.name}" for n in needles if n.encode() in data]
    return hits


@pytest.fixture
def saved(workspace):
    form = ChannelForm("vtex", ws=workspace, secrets=SecretsStore())
    result = form.save(vtex_values())
    assert result.ok, result.errors
    return form


# -- fields come from the type declarations ------------------------------------
@pytest.mark.parametrize("type_name", sorted(CHANNEL_TYPES))
def test_fields_follow_the_type_declarations(workspace, type_name):
    t = get_type(type_name)
    form = ChannelForm(type_name, ws=workspace)
    creds = form.fields_in("autenticacao")
    assert [f.key for f in creds] == [f"credentials.{c.key}" for c in t.credentials]
    assert all(f.kind == "secret" for f in creds)
    assert [f.key for f in form.fields_in("configuracoes")] == [f"settings.{s.key}" for s in t.settings]
    for job in JOBS:
        batch = form.field(f"jobs.{job}.batch_size")
        assert (batch.minimum, batch.maximum) == (1, t.batch_limit(job))
        assert str(t.batch_limit(job)) in batch.limit
        interval = form.field(f"jobs.{job}.interval_min")
        assert (interval.minimum, interval.maximum) == (t.interval_floor(job), MAX_INTERVAL_MIN)
        assert batch.default <= t.batch_limit(job)
    # A clean set of values for this type validates except for what the person must type.
    errors = form.validate(form.initial_values())
    required = {"name", "company"} | {f.key for f in creds if f.required}
    required |= {f"settings.{s.key}" for s in t.settings if s.required and s.default is None}
    assert set(errors) == required


# -- validation as the person types ------------------------------------------
@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("jobs.orders.batch_size", 101, "no máximo 100 itens"),
        ("jobs.orders.batch_size", 0, "pelo menos 1"),
        ("jobs.orders.batch_size", "dez", "número inteiro"),
        ("jobs.stock.interval_min", 0, "intervalo mínimo"),
        ("jobs.stock.interval_min", MAX_INTERVAL_MIN + 1, "intervalo máximo"),
        ("company", "11.222.333/0001-80", "dígitos verificadores"),
        ("company", "123", "14 caracteres"),
        ("settings.account", "", "Informe Conta VTEX"),
        ("credentials.app_token", "", "obrigatório"),
        ("name", "Loja VTEX", "letras minúsculas"),
        ("base_url", "ftp://x", "http://"),
        ("environment", "staging", "Escolha"),
    ],
)
def test_validate_names_the_field_at_fault(workspace, key, value, expected):
    form = ChannelForm("vtex", ws=workspace)
    errors = form.validate(vtex_values(**{key: value}))
    assert list(errors) == [key]
    assert expected in errors[key]


@pytest.mark.parametrize("key, value", [("jobs.orders.batch_size", 100), ("jobs.stock.interval_min", 1)])
def test_values_at_the_limit_pass(workspace, key, value):
    assert ChannelForm("vtex", ws=workspace).validate(vtex_values(**{key: value})) == {}


def test_alphanumeric_cnpj_is_accepted(workspace):
    from stdnum.br import cnpj

    if not cnpj.is_valid("12.ABC.345/01DE-35"):
        pytest.skip("this python-stdnum does not know alphanumeric CNPJs")
    assert ChannelForm("vtex", ws=workspace).validate(vtex_values(company="12.ABC.345/01DE-35")) == {}


# -- saving ------------------------------------------------------------------
def test_save_writes_channel_to_workspace_and_keys_only_to_secrets(saved, workspace, isolated_env):
    ch = ChannelRegistry(workspace).get("vtex-loja")
    assert ch.settings["account"] == "loja" and ch.base_url is None and not ch.enabled
    assert ch.jobs["orders"].batch_size == 50
    assert SecretsStore().get_all(ch.credentials_ref) == {"app_key": APP_KEY, "app_token": APP_TOKEN}
    assert grep(workspace.root, APP_KEY, APP_TOKEN) == []
    assert grep(Path(isolated_env / "secrets"), APP_TOKEN)  # the secrets file holds it
    # Never echoed back: the form offers empty credentials with a "stored" placeholder.
    values = saved.initial_values()
    assert values["credentials.app_token"] == ""
    assert "guardado" in saved.placeholder("credentials.app_token")
    assert APP_TOKEN not in repr(values)


def test_a_refused_save_writes_nothing(workspace, isolated_env):
    form = ChannelForm("vtex", ws=workspace)
    result = form.save(vtex_values(**{"jobs.orders.batch_size": 500}))
    assert not result.ok and "jobs.orders.batch_size" in result.errors
    assert ChannelRegistry(workspace).list() == []
    assert not Path(isolated_env / "secrets" / "secrets.json").exists()


def test_edit_keeps_stored_credentials_when_left_blank(saved, workspace):
    form = ChannelForm(None, ws=workspace, existing="vtex-loja")
    values = form.initial_values()
    assert form.validate(values) == {}  # stored credentials satisfy "required"
    values["jobs.stock.batch_size"] = 250
    values["credentials.app_token"] = "NovoTokenDaLoja-0000aaaa"
    result = form.save(values)
    assert result.ok, result.errors
    ch = ChannelRegistry(workspace).get("vtex-loja")
    assert ch.jobs["stock"].batch_size == 250
    assert SecretsStore().get_all(ch.credentials_ref) == {"app_key": APP_KEY, "app_token": "NovoTokenDaLoja-0000aaaa"}


def test_edit_cannot_rename_and_duplicate_names_are_refused(saved, workspace):
    edit = ChannelForm(None, ws=workspace, existing="vtex-loja")
    assert "não muda" in edit.validate({**edit.initial_values(), "name": "outro"})["name"]
    again = ChannelForm("vtex", ws=workspace)
    assert "Já existe" in again.validate(vtex_values())["name"]


def test_moving_company_moves_the_credentials(saved, workspace):
    form = ChannelForm(None, ws=workspace, existing="vtex-loja")
    old_ref = form.channel.credentials_ref
    result = form.save({**form.initial_values(), "company": "11.444.777/0001-61"})
    assert result.ok, result.errors
    ch = ChannelRegistry(workspace).get("vtex-loja")
    assert ch.credentials_ref != old_ref and ch.company == "11444777000161"
    assert SecretsStore().get_all(ch.credentials_ref)["app_token"] == APP_TOKEN
    assert SecretsStore().get_all(old_ref) == {}


# -- Testar conexão ----------------------------------------------------------------
def test_test_connection_needs_a_saved_channel(workspace):
    assert "Salve o canal" in ChannelForm("vtex", ws=workspace).test_connection().message


def _fake_connector(monkeypatch, behaviour):
    import kit.connectors

    seen = {}

    def connector_for(channel, *, secrets=None, workspace=None):
        seen["channel"] = channel
        seen["token"] = secrets.get(channel.credentials_ref, "app_token")
        return types.SimpleNamespace(test_connection=behaviour)

    monkeypatch.setattr(kit.connectors, "connector_for", connector_for)
    return seen


def test_test_connection_ok_and_missing_permissions(saved, monkeypatch):
    from kit.connectors.model import ConnectionReport

    seen = _fake_connector(monkeypatch, lambda: ConnectionReport(True, "connected to VTEX"))
    result = saved.test_connection()
    assert result.ok and result.message == "Conexão OK com VTEX."
    assert result.detail == "connected to VTEX"  # the connector's English words only in the technical detail
    assert seen["channel"].name == "vtex-loja" and seen["token"] == APP_TOKEN

    _fake_connector(monkeypatch, lambda: ConnectionReport(True, "partial", ["Logistics: write inventory"]))
    result = saved.test_connection()
    assert not result.ok and result.missing_permissions == ["Logistics: write inventory"]
    assert "faltam permissões: Logistics: write inventory" in result.message and "partial" not in result.message


def test_test_connection_failure_is_scrubbed(saved, monkeypatch):
    def boom():
        raise ChannelFatalError(f"403 with body echoing {APP_TOKEN}", channel="vtex-loja", status=403)

    _fake_connector(monkeypatch, boom)
    result = saved.test_connection()
    assert not result.ok and result.message.startswith("Falha na conexão com VTEX. O canal recusou a requisição")
    assert "HTTP 403" in result.message and "403 with body" in result.detail
    assert APP_TOKEN not in result.message + result.detail


# -- Ligar / Desligar through the gate -----------------------------------------------
def _record(workspace, verdict, *, environment="sandbox", when="2026-11-26T10:00:00+00:00", config=None):
    from kit.golive.results import record_result

    row = {"channel": "vtex-loja", "verdict": verdict, "environment": environment, "finished_at": when,
           "report_path": "reports/vtex-loja/x/golive.ipynb", "html_path": "reports/vtex-loja/x/golive.html",
           "counts": {"sku_coverage": {"bloqueio": 3 if verdict != "APTO" else 0, "aviso": 1, "info": 0}}}  # fmt: skip
    if config is not None:
        row["channel_config"] = config
    record_result(workspace, row)


@pytest.mark.parametrize(
    "setup, expected",
    [
        (None, "Nenhuma verificação de go-live foi feita"),
        ({"verdict": "NÃO APTO"}, "O último go-live (26/11/2026 07:00) deu NÃO APTO"),
        ({"verdict": "APTO", "environment": "production"}, "foi para o ambiente produção, e o canal está em sandbox"),
        ({"verdict": "APTO", "changed": True}, "A configuração do canal mudou depois do último go-live"),
    ],
    ids=["never-checked", "nao-apto", "other-environment", "config-changed"],
)
def test_enable_refused_by_the_gate_says_why_in_portuguese(saved, workspace, setup, expected):
    from kit.golive.gate import checked_config

    if setup:
        config = None
        if setup.get("changed"):
            config = checked_config(ChannelRegistry(workspace).get("vtex-loja"))
            config["settings"] = {**config["settings"], "warehouse_id": "9_9"}
        _record(workspace, setup["verdict"], environment=setup.get("environment", "sandbox"), config=config)
    result = saved.enable()
    assert not result.ok and result.message.startswith("Não ligado: ") and expected in result.message
    assert "não foi ligado" not in result.message and "não foi ligado" in result.detail  # the gate's own text in detail
    assert not ChannelRegistry(workspace).get("vtex-loja").enabled


def test_enable_and_disable_through_gate(saved, workspace, monkeypatch):
    from kit.golive import gate

    calls = []

    def accept(ws, name, force=False, reason=None):
        calls.append((name, force, reason))
        ChannelRegistry(ws).update(name, enabled=True)

    monkeypatch.setattr(gate, "enable", accept)
    result = saved.enable(force=True, reason="piloto")
    assert result.ok and calls == [("vtex-loja", True, "piloto")]
    assert ChannelRegistry(workspace).get("vtex-loja").enabled
    assert saved.disable().ok
    assert not ChannelRegistry(workspace).get("vtex-loja").enabled


# -- the channel list ----------------------------------------------------------------
def _run(workspace, tmp_path, job, status, when, *, counts=None, error=None, dry_run=False):
    """A run as kit.jobs.runner records it: a row in the runs table and the JSON summary beside its report."""
    import json

    report = tmp_path / "reports" / "vtex-loja" / job / f"{when}.ipynb"
    report.parent.mkdir(parents=True, exist_ok=True)
    counts = {"applied": 0, "failed": 0, "skipped": 0, "quarantined": 0, "held": 0, **(counts or {})}
    report.with_suffix(".json").write_text(json.dumps({"status": status, "counts": counts, "error": error}))
    with workspace.table("runs") as runs:
        runs.insert({"channel": "vtex-loja", "job": job, "status": status, "started_at": when - 5,
                     "finished_at": when, "counts": counts, "report_path": str(report), "dry_run": dry_run,
                     "exit_code": 0 if status == "ok" else 1})  # fmt: skip


def test_channel_rows_show_last_golive_and_the_last_run_of_each_job_with_reasons(saved, workspace, tmp_path):
    _record(workspace, "NÃO APTO", when="2026-11-26T10:00:00+00:00")
    _run(workspace, tmp_path, "stock", "failed", 1_700_000_000, counts={"failed": 2})
    _run(workspace, tmp_path, "stock", "ok", 1_700_000_100, counts={"applied": 10})  # the latest stock run wins
    _run(workspace, tmp_path, "orders", "failed", 1_700_000_200, counts={"quarantined": 3},
         error="a conexão falhou ou foi derrubada em http://127.0.0.1:9: ConnectionError (desistiu depois de 6 tentativas) (canal vtex-loja)")  # fmt: skip
    _run(workspace, tmp_path, "prices", "failed", 1_700_000_300, counts={"held": 4, "failed": 1})
    with workspace.table("runs") as runs:
        runs.insert({"channel": "vtex-loja", "job": "products", "status": "locked", "finished_at": 1_700_000_400})
        runs.insert({"channel": "outro", "job": "orders", "status": "ok", "finished_at": 1_700_000_900})
    (row,) = channel_rows(workspace)
    assert row["name"] == "vtex-loja" and row["type"] == "VTEX" and row["enabled"] == "não"
    assert row["golive"] == "NÃO APTO · 26/11/2026 07:00 · 3 bloqueio(s)"
    assert row["golive_report"] == "reports/vtex-loja/x/golive.html"
    assert row["last_run"].split("\n") == [
        "Produtos: não rodou · 14/11/2023 19:20 · outra execução estava em andamento",
        "Estoque: OK · 14/11/2023 19:15",
        "Preços: falhou · 14/11/2023 19:18 · 1 com falha, 4 retido(s)",
        "Pedidos: falhou · 14/11/2023 19:16 · parou: o canal não respondeu a tempo ou limitou as requisições, "
        "3 em quarentena",
    ]
    assert "a conexão falhou" in row["runs_detail"]  # the English behind the reason, for the collapsed block


def test_channel_rows_in_the_company_time_zone(saved, workspace, monkeypatch):
    _record(workspace, "APTO", when="2026-11-26T10:00:00+00:00")
    monkeypatch.setenv("KIT_TIMEZONE", "UTC")
    assert channel_rows(workspace)[0]["golive"].startswith("APTO · 26/11/2026 10:00")
    monkeypatch.setenv("KIT_TIMEZONE", "America/Manaus")
    assert channel_rows(workspace)[0]["golive"].startswith("APTO · 26/11/2026 06:00")


def test_channel_rows_without_runs_or_golive(saved, workspace):
    (row,) = channel_rows(workspace)
    assert row["golive"] == "—" and row["last_run"] == "—" and row["golive_report"] == ""


# -- widgets (no kernel: handlers fire directly) ------------------------------------------
def fill(app, values):
    for key, value in values.items():
        app.inputs[key].value = value


def test_widget_live_validation_save_and_masking(workspace, isolated_env):
    from kit.forms_widgets import ChannelFormWidget

    app = ChannelFormWidget(ws=workspace, type_name="vtex")
    assert "canais-form" in app.form_box._dom_classes
    assert "canais-field-credentials-app_token" in app.inputs["credentials.app_token"]._dom_classes
    assert type(app.inputs["credentials.app_token"]).__name__ == "Password"
    app.inputs["jobs.orders.batch_size"].value = 500
    assert "no máximo 100" in app.messages["jobs.orders.batch_size"].value
    app.inputs["jobs.orders.batch_size"].value = 100
    assert app.messages["jobs.orders.batch_size"].value == ""

    app.buttons["salvar"].click()
    assert "Não salvo" in app.status.value
    assert "Informe" in app.messages["settings.account"].value

    fill(app, {k: v for k, v in vtex_values().items() if k in app.inputs})
    app.buttons["salvar"].click()
    assert "Canal vtex-loja criado" in app.status.value
    assert all(m.value == "" for m in app.messages.values())
    assert app.inputs["credentials.app_token"].value == ""
    assert "guardado" in app.inputs["credentials.app_token"].placeholder
    assert "vtex-loja" in app.list_html.value and app.channel_select.value == "vtex-loja"
    assert app.inputs["name"].disabled and app.type_select.disabled
    assert APP_TOKEN not in repr(app.widget.get_state()) + app.list_html.value + app.status.value
    assert grep(workspace.root, APP_KEY, APP_TOKEN) == []


def test_widget_type_and_channel_pickers_rebuild_the_form(saved, workspace):
    from kit.forms_widgets import ChannelFormWidget

    app = ChannelFormWidget(ws=workspace)
    assert app.channel_select.value == ""
    app.type_select.value = "mercadolivre"
    assert "credentials.refresh_token" in app.inputs and "settings.account" not in app.inputs
    app.channel_select.value = "vtex-loja"
    assert app.type_select.value == "vtex" and app.type_select.disabled
    assert app.inputs["settings.account"].value == "loja"
    assert app.inputs["credentials.app_token"].value == ""


def test_widget_buttons_show_outcomes(saved, workspace, monkeypatch):
    from kit.connectors.model import ConnectionReport
    from kit.forms_widgets import ChannelFormWidget

    app = ChannelFormWidget(ws=workspace, channel="vtex-loja")
    refused = AuthenticationError("the channel rejected the credentials", channel="vtex-loja", status=401)
    report = ConnectionReport(False, refused.message, ["credentials"], {"error": refused.to_dict()})
    _fake_connector(monkeypatch, lambda: report)
    app.buttons["testar"].click()
    assert "Falha na conexão com VTEX. O canal recusou as credenciais." in app.status.value
    assert "<details class='canais-detalhes'>" in app.status.value and "rejected the credentials" in app.status.value
    _fake_connector(monkeypatch, lambda: ConnectionReport(False, "connected to VTEX, but the credentials lack: OMS",
                                                          ["OMS"]))  # fmt: skip
    app.buttons["testar"].click()
    assert "Conectou em VTEX, mas faltam permissões: OMS." in app.status.value

    app.force.value = True
    app.buttons["ligar"].click()
    assert "justificativa" in app.status.value

    app.force.value = False
    app.buttons["ligar"].click()
    assert "Não ligado: Nenhuma verificação de go-live" in app.status.value
    app.buttons["desligar"].click()
    assert "desligada" in app.status.value


def test_enable_through_the_real_gate(saved, workspace):
    from kit.golive import gate

    refused = saved.enable()
    assert not refused.ok and refused.message.startswith("Não ligado")
    assert not ChannelRegistry(workspace).get("vtex-loja").enabled
    forced = saved.enable(force=True, reason="piloto acompanhado")
    assert forced.ok, forced.message
    assert ChannelRegistry(workspace).get("vtex-loja").enabled
    assert any(e.get("reason") == "piloto acompanhado" for e in gate.gate_events(workspace, "vtex-loja"))
    assert saved.disable().ok
    assert not ChannelRegistry(workspace).get("vtex-loja").enabled


@pytest.mark.parametrize("good_token", [True, False], ids=["right-keys", "wrong-token"])
def test_test_connection_against_the_vtex_sandbox(workspace, good_token):
    from kit import sandbox
    from kit.sandbox import vtex as vtex_sandbox

    with sandbox.start_sandbox("vtex") as server:
        creds = dict(server.credentials)
        if not good_token:
            creds["app_token"] = "WrongToken-" + creds["app_token"][-6:]
        form = ChannelForm("vtex", ws=workspace)
        values = vtex_values(
            base_url=server.url,
            **{"settings.account": getattr(vtex_sandbox, "ACCOUNT", "sandboxkit")},
            **{f"credentials.{k}": v for k, v in creds.items()},
        )
        assert form.save(values).ok
        result = form.test_connection()
    assert result.ok is good_token, result.message
    assert (result.message == "Conexão OK com VTEX.") is good_token
    if not good_token:
        assert result.message.startswith("Falha na conexão com VTEX. O canal recusou as credenciais.")
    assert creds["app_token"] not in result.message + result.detail


@pytest.mark.notebook
@pytest.mark.timeout(180)
def test_canais_notebook_runs_headless_under_papermill(saved, workspace, tmp_path):
    import papermill

    out = tmp_path / "canais-out.ipynb"
    nb = papermill.execute_notebook(
        str(Path(__file__).resolve().parents[1] / "notebooks" / "canais.ipynb"),
        str(out),
        parameters={"workspace": str(workspace.root), "channel": "vtex-loja"},
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=120,
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, "the form widget was not displayed"
    assert APP_KEY not in out.read_text() and APP_TOKEN not in out.read_text()


def test_gate_follows_the_recorded_golive_verdict(saved, workspace):
    from kit.golive import results

    report = "reports/vtex-loja/20261126/golive.html"
    results.record_result(
        workspace,
        {"channel": "vtex-loja", "verdict": "NÃO APTO", "environment": "sandbox", "report_path": report,
         "finished_at": "2026-11-26T10:00:00+00:00"},
    )  # fmt: skip
    refused = saved.enable()
    assert not refused.ok and "NÃO APTO" in refused.message
    assert refused.report_path == report
    assert channel_rows(workspace)[0]["golive"].startswith("NÃO APTO")
    results.record_result(
        workspace,
        {"channel": "vtex-loja", "verdict": "APTO", "environment": "sandbox", "report_path": report,
         "finished_at": "2026-11-26T11:00:00+00:00"},
    )  # fmt: skip
    assert saved.enable().ok
    (row,) = channel_rows(workspace)
    assert row["enabled"] == "sim" and row["golive"].startswith("APTO")
