"""``kit depara``: suggest, build, validate (exit codes), export/import, through the real CLI."""

from __future__ import annotations

import json

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
    assert "payment-approved" in r.stdout and "pre-accepted" in r.stdout


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
    assert kit_cli("depara", "export", "loja-ml", "payment_method", str(xlsx)).returncode == 0
    wb = load_workbook(xlsx)
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
    assert "no problems" in r.stdout


def test_usage_and_input_errors_exit_2(kit_cli, tmp_path):
    r = kit_cli("depara", "validate", "nobody")
    assert r.returncode == 2 and r.stderr.startswith("error: no mapping tables")
    r = kit_cli("depara", "suggest", "carriers", "--erp", ERP, "--channel-values", CHAN)
    assert r.returncode == 2 and "unknown mapping kind" in r.stderr
    bad = tmp_path / "bad.xlsx"
    bad.write_text("x")
    r = kit_cli("depara", "import", "loja", "payment_method", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr and str(bad) in r.stderr
