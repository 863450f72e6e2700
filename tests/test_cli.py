"""The CLI as a whole: start-up cost (no pandas), exit codes, one-line errors, the demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kit import cli, errors
from kit.scrub import register_secret

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from kit.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print("HEAVY:" + ",".join(sorted(m for m in ("pandas", "numpy", "requests", "openpyxl") if m in sys.modules)))
"""


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["channels", "list"], ["channels", "--help"], ["channels", "types"], ["secrets", "list"]],
    ids=lambda a: " ".join(a),
)
def test_light_commands_do_not_import_pandas(argv):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    heavy = result.stdout.strip().splitlines()[-1]
    assert heavy.startswith("HEAVY:"), result.stderr
    assert "pandas" not in heavy.split(":", 1)[1].split(","), f"{argv} imported {heavy}"


def test_help_lists_the_command_groups(kit_cli):
    result = kit_cli("--help")
    assert result.returncode == 0
    for group in ("init", "channels", "secrets", "demo"):
        assert group in result.stdout


def test_no_command_prints_help_and_exits_2(kit_cli):
    result = kit_cli()
    assert result.returncode == 2
    assert "uso:" in result.stdout and "comandos:" in result.stdout


def test_usage_error_is_one_line_and_exit_2(kit_cli):
    result = kit_cli("channels", "add", "x")  # --type etc. missing
    assert result.returncode == 2
    assert result.stderr.startswith("erro: faltam argumentos obrigatórios: --type")
    assert "Traceback" not in result.stderr
    assert "dica: veja 'kit channels add --help'" in result.stderr


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (errors.ConfigurationError("configuração errada"), 2),
        (errors.InputDataError("arquivo ruim", file="x.csv", row=3, column="ean"), 2),
        (errors.StoreError("arquivo corrompido"), 2),
        (errors.LockHeldError("outra execução segura a trava", channel="c"), 3),
        (errors.ChannelFatalError("recusado pelo canal", channel="c", status=400), 1),
        (errors.GateError("o go-live não deu APTO"), 1),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_kit_errors_map_to_exit_codes_with_one_error_line(monkeypatch, capsys, exc, code):
    import kit.commands.init as init_cmd

    def raising(args):
        raise exc

    monkeypatch.setattr(init_cmd, "cmd_init", raising)
    assert cli.main(["init"]) == code
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert lines[0].startswith("erro: ")
    assert exc.message in lines[0]
    assert all(line.startswith(("erro: ", "dica: ")) for line in lines)


def test_error_location_and_hint_are_printed(monkeypatch, capsys):
    import kit.commands.init as init_cmd

    def raising(args):
        raise errors.InputDataError("o EAN tem 12 dígitos", file="p.csv", row=7, column="ean", hint="corrija a célula")

    monkeypatch.setattr(init_cmd, "cmd_init", raising)
    assert cli.main(["init"]) == 2
    err = capsys.readouterr().err
    assert "arquivo p.csv, linha 7, coluna ean" in err
    assert "dica: corrija a célula" in err


def test_an_english_message_is_shown_in_portuguese_first_with_the_english_as_detail(monkeypatch, capsys):
    """A module that still forms its message in English: the person reads the class's pt-BR summary first."""
    import kit.commands.init as init_cmd

    def raising(args):
        raise errors.InputDataError("the file has no header row", file="p.csv", hint="check the export")

    monkeypatch.setattr(init_cmd, "cmd_init", raising)
    assert cli.main(["init"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == "erro: um arquivo de entrada não pôde ser usado como está (arquivo p.csv)"
    assert lines[1] == f"dica: {errors.InputDataError.summary_hint}"
    assert lines[2] == "detalhe técnico: the file has no header row; check the export"


def test_argparse_speaks_portuguese(kit_cli):
    result = kit_cli("sync", "stock", "--max-items", "abc")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "erro: argumento --max-items: número inteiro inválido: 'abc'"
    helped = kit_cli("channels", "add", "--help")
    assert helped.returncode == 0 and "mostra esta ajuda e sai" in helped.stdout and "opções:" in helped.stdout
    assert "show this help" not in helped.stdout and "usage:" not in helped.stdout


def test_error_messages_are_scrubbed(monkeypatch, capsys):
    import kit.commands.init as init_cmd

    secret = "s3cr3t-token-value-1a2b"
    register_secret(secret)

    def raising(args):
        raise errors.AuthenticationError(f"o token {secret} foi recusado", hint=f"confira {secret}")

    monkeypatch.setattr(init_cmd, "cmd_init", raising)
    assert cli.main(["init"]) == 1
    err = capsys.readouterr().err
    assert secret not in err
    assert "••••" in err


def test_workspace_option_overrides_env(tmp_path, kit_cli):
    target = tmp_path / "elsewhere"
    result = kit_cli("--workspace", str(target), "init")
    assert result.returncode == 0, result.stderr
    assert (target / "meta.json").exists()


# -- demo ------------------------------------------------------------------------------------
@pytest.mark.notebook
@pytest.mark.long
def test_demo_builds_the_workspace_and_is_idempotent(tmp_path, kit_cli):
    demo = tmp_path / "demo"
    first = kit_cli("demo", "--dir", str(demo))
    assert first.returncode == 0, first.stderr
    assert "Demonstração canais-kit" in first.stdout
    assert "300 SKUs" in first.stdout
    assert first.stdout.count("anúncios lidos") == 3, first.stdout
    second = kit_cli("demo", "--dir", str(demo))
    assert second.returncode == 0, second.stderr
    assert "(0 novos nesta execução)" in second.stdout
    env = {"KIT_WORKSPACE": str(demo / "workspace")}
    listed = kit_cli("channels", "list", "--json", env=env)
    channels = json.loads(listed.stdout)
    assert sorted(c["name"] for c in channels) == ["demo-magento", "demo-mercadolivre", "demo-vtex"]
    assert all(c["environment"] == "sandbox" and not c["enabled"] for c in channels)
    companies = json.loads((demo / "workspace" / "companies.json").read_text(encoding="utf-8"))
    assert len(companies["_default"]) == 1
    from kit.store import StateStore

    states = StateStore(demo / "workspace" / "states.sqlite")
    try:
        assert states.count("erp", "product") == 300
    finally:
        states.close()


def test_demo_steps_registry_refuses_duplicates():
    from kit.demo import STEPS, demo_step

    name = STEPS[0].name
    with pytest.raises(ValueError, match="twice"):
        demo_step(name)(lambda ctx: None)
    with pytest.raises(ValueError, match="no step named"):
        demo_step("zz-new-step", after="does-not-exist")(lambda ctx: None)
    assert all(s.name != "zz-new-step" for s in STEPS)
