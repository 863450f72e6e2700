"""``kit depara``: suggest, build, validate (exit codes), export/import, through the real CLI."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tests.depara.conftest import SAMPLE

ERP = str(SAMPLE / "erp" / "payment_method.csv")
CHAN = str(SAMPLE / "store" / "mercadolivre" / "payment_method.csv")  # carries one unmapped value


def test_suggest_json_ranks_candidates_and_flags_preaccepted(kit_cli):
    r = kit_cli("depara", "suggest", "payment_method", "--erp", ERP, "--channel-values", CHAN, "--channel-type",
                "mercadolivre", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    by_value = {s["value"][0]: s for s in data["suggestions"]}
    assert by_value["ticket"]["preaccepted"] and by_value["ticket"]["candidates"][0]["label"] == "Boleto"
    assert by_value["ticket"]["candidates"][0]["reason"] == "alias"
    assert not by_value["Crediário da Loja"]["preaccepted"]
    assert all(len(s["candidates"]) <= 3 for s in data["suggestions"])


def test_suggest_text_output(kit_cli):
    r = kit_cli("depara", "suggest", "order_status", "--erp", str(SAMPLE / "erp" / "order_status.csv"),
                "--channel-values", str(SAMPLE / "channels" / "vtex" / "order_status.csv"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "payment-approved" in r.stdout and "pré-aceito" in r.stdout and "sinônimo" in r.stdout


def test_build_validate_export_import(kit_cli, mappings, tmp_path):
    r = kit_cli("depara", "build", "loja-ml", "payment_method", "--erp", ERP, "--channel-values", CHAN,
                "--channel-type", "mercadolivre")  # fmt: skip
    assert r.returncode == 0, r.stderr
    csv = mappings / "loja-ml" / "payment_method.csv"
    assert "Crediário da Loja,,,,false,sugestão:" in csv.read_text(encoding="utf-8")
    r = kit_cli("depara", "validate", "loja-ml", "--json")
    assert r.returncode == 1
    problems = json.loads(r.stdout)["problems"]
    # bank_transfer means Pix on Mercado Livre, but the ERP also has "Transferência bancária",
    # which shares the value's words: a person confirms it
    assert {p["channel_value"]: p["problem"] for p in problems} == {
        "Crediário da Loja": "pending", "bank_transfer": "pending",
    }  # fmt: skip

    xlsx = tmp_path / "review.xlsx"
    r = kit_cli("depara", "export", "loja-ml", "payment_method", str(xlsx), "--erp", ERP)
    assert r.returncode == 0 and "aviso" not in r.stdout, r.stdout + r.stderr
    wb = load_workbook(xlsx)
    rules = wb["payment_method"].data_validations.dataValidation
    assert [str(dv.sqref) for dv in rules] == ["B2:B211"] and wb["listas"].sheet_state == "hidden"
    ws = wb["payment_method"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Crediário da Loja":
            row[1].value = "Intermediado pelo marketplace"
            row[4].value = True
        if row[0].value == "bank_transfer":
            row[1].value = "Pix"
            row[4].value = True
    wb.save(xlsx)
    r = kit_cli("depara", "import", "loja-ml", "payment_method", str(xlsx))
    assert r.returncode == 0, r.stderr
    r = kit_cli("depara", "validate", "loja-ml", "payment_method", "--erp", ERP, "--channel-values", CHAN)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "nenhum problema" in r.stdout and "Lista do canal: arquivo" in r.stdout


def test_usage_and_input_errors_exit_2(kit_cli, tmp_path):
    r = kit_cli("depara", "validate", "nobody")
    assert r.returncode == 2 and "não há tabelas de de-para para o canal 'nobody'" in r.stderr
    r = kit_cli("depara", "suggest", "carriers", "--erp", ERP, "--channel-values", CHAN)
    assert r.returncode == 2 and "carriers" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.xlsx"
    bad.write_text("x")
    r = kit_cli("depara", "import", "loja", "payment_method", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr and str(bad) in r.stderr


def test_import_refuses_a_value_outside_the_erp_list_naming_the_row(kit_cli, mappings, tmp_path):
    assert kit_cli("depara", "build", "loja-ml", "payment_method", "--erp", ERP, "--channel-values", CHAN,
                   "--channel-type", "mercadolivre").returncode == 0  # fmt: skip
    xlsx = tmp_path / "review.xlsx"
    assert kit_cli("depara", "export", "loja-ml", "payment_method", str(xlsx), "--erp", ERP).returncode == 0
    wb = load_workbook(xlsx)
    for n, row in enumerate(wb["payment_method"].iter_rows(min_row=2), start=2):
        if row[0].value == "Crediário da Loja":
            row[1].value, row[4].value, typed_row = "Crediario Loja", True, n
    wb.save(xlsx)
    before = (mappings / "loja-ml" / "payment_method.csv").read_bytes()
    r = kit_cli("depara", "import", "loja-ml", "payment_method", str(xlsx))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"linha {typed_row}: 'Crediario Loja'" in r.stderr and "fora da lista do ERP" in r.stderr
    assert (mappings / "loja-ml" / "payment_method.csv").read_bytes() == before  # nothing written


def test_export_without_the_erp_list_says_the_column_has_no_dropdown(kit_cli, mappings, tmp_path):
    assert (
        kit_cli("depara", "build", "loja-ml", "payment_method", "--erp", ERP, "--channel-values", CHAN).returncode == 0
    )
    r = kit_cli("depara", "export", "loja-ml", "payment_method", str(tmp_path / "r.xlsx"))
    assert r.returncode == 0 and "aviso: sem a lista do ERP (--erp ARQUIVO)" in r.stdout


@pytest.fixture
def vtex_channel(workspace):
    from kit import sandbox
    from kit.channels import ChannelRegistry

    sbx = sandbox.start_sandbox("vtex", n_products=3, orders=0, seed=3)
    try:
        ChannelRegistry(workspace).add(sbx.channel("loja-vtex"))
        yield sbx
    finally:
        sbx.stop()


def _status_table(mappings, rows):
    path = mappings / "loja-vtex" / "order_status.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["channel_status,erp_status,method,score,confirmed,note"] + [f"{a},{b},manual,,true," for a, b in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.timeout(120)
def test_validate_checks_the_live_value_lists_when_the_channel_answers(kit_cli, mappings, vtex_channel):
    _status_table(mappings, [("payment-approved", "Pagamento aprovado")])
    offline = kit_cli("depara", "validate", "loja-vtex", "order_status", "--offline")
    assert offline.returncode == 0 and "não consultadas (--offline)" in offline.stdout
    r = kit_cli("depara", "validate", "loja-vtex", "order_status", "--json")
    assert r.returncode == 1, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["live"]["reached"] and "order_status" in data["live"]["lists"]
    unmapped = {p["channel_value"] for p in data["problems"] if p["problem"] == "unmapped"}
    assert {"invoiced", "canceled", "handling"} <= unmapped and "payment-approved" not in unmapped
    text = kit_cli("depara", "validate", "loja-vtex")
    assert text.returncode == 1 and "listas lidas da API de loja-vtex" in text.stdout
    # the kinds VTEX needs, tables or not
    assert "valor do canal sem mapeamento" in text.stdout and "payment_method" in text.stdout


@pytest.mark.timeout(120)
def test_validate_says_plainly_when_the_channel_cannot_be_reached(kit_cli, mappings, vtex_channel):
    _status_table(mappings, [("payment-approved", "Pagamento aprovado")])
    vtex_channel.stop()
    r = kit_cli("depara", "validate", "loja-vtex", "order_status")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "não foi possível consultar as listas de loja-vtex na API do canal" in r.stdout
    assert "só as tabelas foram conferidas" in r.stdout and "Traceback" not in r.stdout + r.stderr
    unknown = kit_cli("depara", "validate", "loja-vtex", "order_status", "--json")
    assert json.loads(unknown.stdout)["live"]["reached"] is False
