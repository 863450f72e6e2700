"""Mapping tables on disk and in Excel: sorted, atomic, recorded, lossless."""

from __future__ import annotations

import math
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from kit.depara.table import load_table, save_table, table_path
from kit.depara.xlsx import LISTS_SHEET, export_xlsx, import_xlsx
from kit.errors import ConfigurationError, InputDataError


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel_carrier": ["correios", "Jadlog", "me2"],
            "channel_service": ["04510", "Jadlog Package", "drop_off"],
            "erp_carrier": ["Correios", "Jadlog", ""],
            "erp_service": ["PAC", ".Package", ""],
            "method": ["alias", "exact", ""],
            "score": [100.0, 99.5, math.nan],
            "confirmed": [True, True, False],
            "note": ["", "revisado por Zé; ação: conferir", "sugestão: Mercado Envios / Normal"],
        }
    )


def test_save_writes_sorted_stable_csv_and_records_the_review(workspace, mappings):
    path = save_table("demo-x", "carrier_service", _table().iloc[::-1], workspace=workspace, reviewer="ana")
    assert path == mappings / "demo-x" / "carrier_service.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "channel_carrier,channel_service,erp_carrier,erp_service,method,score,confirmed,note"
    assert [line.split(",")[0] for line in lines[1:]] == ["correios", "Jadlog", "me2"]
    assert lines[1] == "correios,04510,Correios,PAC,alias,100.0,true,"
    first = path.read_bytes()
    save_table("demo-x", "carrier_service", load_table("demo-x", "carrier_service"), workspace=workspace)
    assert path.read_bytes() == first  # saving what was loaded changes nothing: diff-friendly
    with workspace.table("mappings") as t:
        rows = t.all()
    assert rows[0]["saved_by"] == "ana" and rows[0]["rows"] == 3 and rows[0]["confirmed"] == 2
    assert rows[0]["pending"] == 1 and rows[0]["kind"] == "carrier_service"
    assert not list(path.parent.glob(".*tmp"))


def test_load_keeps_text_and_reports_bad_cells(mappings):
    path = table_path("demo-x", "payment_method")
    path.parent.mkdir(parents=True)
    path.write_text(
        "channel_payment_method,erp_payment_method,method,score,confirmed,note\n007,Boleto,,,talvez,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputDataError) as err:
        load_table("demo-x", "payment_method")
    assert (err.value.row, err.value.column, err.value.file) == (2, "confirmed", str(path))
    path.write_text("channel_payment_method,erp_payment_method,method,score,confirmed,note\n007,Boleto,,,true,\n")
    assert load_table("demo-x", "payment_method").loc[0, "channel_payment_method"] == "007"
    path.write_text("payment,erp_payment_method\nx,y\n")
    with pytest.raises(InputDataError, match="channel_payment_method"):
        load_table("demo-x", "payment_method")


def test_missing_table_and_bad_channel_names():
    assert load_table("nobody", "order_status").empty
    with pytest.raises(ConfigurationError):
        load_table("nobody", "order_status", missing_ok=False)
    with pytest.raises(ConfigurationError):
        table_path("../etc", "order_status")


def test_xlsx_round_trip_is_lossless(tmp_path):
    table = _table()
    table.loc[0, "channel_service"] = "04510"  # leading zero
    table.loc[1, "note"] = "Entrega própria — São Paulo"
    xlsx = export_xlsx("demo-x", "carrier_service", tmp_path / "t.xlsx", table=table)
    ws = load_workbook(xlsx)["carrier_service"]
    assert ws["B2"].value == "04510" and ws["B2"].data_type == "s" and ws["B2"].number_format == "@"
    assert ws["G2"].value is True and ws["F4"].value is None
    back = import_xlsx("carrier_service", xlsx)
    pd.testing.assert_frame_equal(
        back.drop(columns="_row", errors="ignore").reset_index(drop=True), table, check_dtype=False
    )
    assert back["confirmed"].dtype == bool and back.loc[2, "note"].startswith("sugestão")
    assert back.loc[0, "note"] == "" and math.isnan(back.loc[2, "score"])


@pytest.mark.parametrize(
    ("edit", "row", "column"),
    [
        (lambda ws: ws.cell(row=3, column=7, value="talvez"), 3, "Confirmado"),
        (lambda ws: ws.cell(row=2, column=6, value="alto"), 2, "Score"),
        (lambda ws: setattr(ws.cell(row=4, column=1), "value", None), 4, "Canal: transportadora"),
        (lambda ws: ws.cell(row=1, column=3, value="transportadora"), 1, "ERP: transportadora"),
        (lambda ws: ws.cell(row=3, column=2, value=12.5), 3, "Canal: serviço"),
    ],
)
def test_xlsx_import_names_sheet_row_and_column(tmp_path, edit, row, column):
    xlsx = export_xlsx("demo-x", "carrier_service", tmp_path / "t.xlsx", table=_table())
    wb = load_workbook(xlsx)
    edit(wb["carrier_service"])
    wb.save(xlsx)
    with pytest.raises(InputDataError) as err:
        import_xlsx("carrier_service", xlsx)
    assert (err.value.file, err.value.sheet, err.value.row, err.value.column) == (
        str(xlsx), "carrier_service", row, column,
    )  # fmt: skip


def test_xlsx_import_of_a_non_workbook(tmp_path):
    bad = tmp_path / "t.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(InputDataError) as err:
        import_xlsx("carrier_service", bad)
    assert err.value.file == str(bad)


ERP_PAIRS = [("Correios", "PAC"), ("Correios", "SEDEX"), ("Jadlog", ".Package"), ("Mercado Envios", "Normal")]


def test_xlsx_headers_are_portuguese_and_old_technical_headers_still_import(tmp_path):
    xlsx = export_xlsx("demo-x", "carrier_service", tmp_path / "t.xlsx", table=_table())
    ws = load_workbook(xlsx)["carrier_service"]
    assert [c.value for c in ws[1]] == ["Canal: transportadora", "Canal: serviço", "ERP: transportadora",
                                        "ERP: serviço", "Método", "Score", "Confirmado", "Observação"]  # fmt: skip
    wb = load_workbook(xlsx)
    names = ["channel_carrier", "channel_service", "erp_carrier", "erp_service", "method", "score", "confirmed", "note"]
    for cell, name in zip(wb["carrier_service"][1], names, strict=True):
        cell.value = name
    wb.save(xlsx)
    assert len(import_xlsx("carrier_service", xlsx)) == 3


def test_xlsx_target_columns_carry_a_dropdown_of_the_erp_values_on_a_hidden_sheet(tmp_path):
    xlsx = export_xlsx("demo-x", "carrier_service", tmp_path / "t.xlsx", table=_table(), targets=ERP_PAIRS)
    wb = load_workbook(xlsx)
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"] if c.value] == ["erp_carrier", "Correios", "Jadlog", "Mercado Envios"]
    assert [c.value for c in lists["B"]] == ["erp_service", "PAC", "SEDEX", ".Package", "Normal"]
    rules = {str(dv.sqref): dv for dv in wb["carrier_service"].data_validations.dataValidation}
    assert set(rules) == {"C2:C204", "D2:D204"}
    assert rules["C2:C204"].type == "list" and rules["C2:C204"].formula1 == "listas!$A$2:$A$4"
    assert rules["D2:D204"].formula1 == "listas!$B$2:$B$5" and rules["D2:D204"].showErrorMessage
    assert "lista do ERP" in rules["C2:C204"].error
    # the source columns are free text: no dropdown there
    assert not any("A" in key or "B" in key for key in rules)


def test_xlsx_import_names_each_row_and_value_outside_the_list(tmp_path):
    xlsx = export_xlsx("demo-x", "carrier_service", tmp_path / "t.xlsx", table=_table(), targets=ERP_PAIRS)
    wb = load_workbook(xlsx)
    ws = wb["carrier_service"]
    ws["D3"] = ".Pacote"  # typed over the dropdown (a paste skips Excel's check)
    ws["C4"], ws["D4"], ws["G4"] = "Mercado Envios", "Full", True
    wb.save(xlsx)
    with pytest.raises(InputDataError) as err:
        import_xlsx("carrier_service", xlsx)
    message = str(err.value)
    assert "2 valor(es) fora da lista do ERP" in message
    assert "linha 3: 'Jadlog / .Pacote'" in message and "linha 4: 'Mercado Envios / Full'" in message
    assert (err.value.row, err.value.sheet, err.value.file) == (3, "carrier_service", str(xlsx))
    # the list given by the caller wins over the workbook's
    back = import_xlsx("carrier_service", xlsx, targets=ERP_PAIRS + [("Jadlog", ".Pacote"), ("Mercado Envios", "Full")])
    assert len(back) == 3


def test_xlsx_text_is_never_a_formula(tmp_path):
    table = _table()
    table.loc[0, "channel_service"] = '=HYPERLINK("http://x.invalid","clique")'
    table.loc[1, "note"] = "+55 11 99999-0000"
    table.loc[2, "channel_carrier"] = "@SOMA(A1)"
    targets = ERP_PAIRS + [("=1+1", "-2")]
    xlsx = export_xlsx("demo-x", "carrier_service", tmp_path / "t.xlsx", table=table, targets=targets)
    wb = load_workbook(xlsx)
    ws = wb["carrier_service"]
    for ref in ("B2", "H3", "A4"):
        assert ws[ref].data_type == "s", ref
    assert all(c.data_type == "s" for row in wb[LISTS_SHEET].iter_rows() for c in row if c.value is not None)
    with zipfile.ZipFile(xlsx) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    back = import_xlsx("carrier_service", xlsx)
    assert back.loc[0, "channel_service"].startswith("=HYPERLINK") and back.loc[2, "channel_carrier"] == "@SOMA(A1)"
