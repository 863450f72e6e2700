"""XLSX workbooks (``kit.sheets.workbook``): merged headers, formulas, several sheets, Excel's numbers and dates."""

from __future__ import annotations

import pytest

from kit.errors import InputDataError
from kit.sheets import inspect_table, read_table
from sheets.common import CLEAN


def test_xlsx_merged_two_row_header_formula_cache_and_numeric_codes():
    path = CLEAN / "products_merged_header.xlsx"
    df = read_table(path, "products")
    assert df["sku"].tolist() == ["0001", "1002"]  # a text cell and a number cell, both codes
    assert df["height_cm"].tolist() == [40.0, 22.0]
    assert df["length_cm"].tolist() == [15.5, 22.0]
    assert df["price"].tolist() == [129.9, 79.0]
    assert df["list_price"].tolist() == [155.88, 94.8]  # cached formula results
    assert df["_row"].tolist() == [4, 5]  # Excel row numbers; the "Total" row dropped
    assert df.attrs["source"] == {"file": str(path), "sheet": "Produtos"}
    assert inspect_table(path)["header_row"] == 3


def test_multi_sheet_workbook_picks_the_sheet_of_the_kind():
    path = CLEAN / "multi_sheet.xlsx"
    stock = read_table(path, "stock")
    assert stock.attrs["source"]["sheet"] == "Estoque"
    assert stock["available"].tolist() == [5, 0]
    assert read_table(path, "products").attrs["source"]["sheet"] == "Produtos"
    assert read_table(path, "stock", sheet=2)["sku"].tolist() == ["P-1", "P-2"]
    assert read_table(path, "stock", sheet="estoque").attrs["source"]["sheet"] == "Estoque"
    with pytest.raises(InputDataError, match="coluna\\(s\\) obrigatória"):
        read_table(path, "stock", sheet="Produtos")


def test_workbook_rows_keep_excel_numbers_and_a_code_turned_into_a_date_is_reported(tmp_path):
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"] = "SKU", "Estoque"  # the table starts at B3
    ws["B4"], ws["C4"] = "A-1", 3
    ws["B6"], ws["C6"] = datetime.datetime(2025, 3, 12), 4  # "12-3" typed into Excel
    path = tmp_path / "estoque.xlsx"
    wb.save(path)
    with pytest.raises(InputDataError) as info:
        read_table(path, "stock")
    assert "sku na célula B6 virou uma data (2025-03-12)" in info.value.message
    assert (info.value.row, info.value.column, info.value.sheet) == (6, "SKU", "Sheet")
    ws["B6"] = "A-2"
    wb.save(path)
    df = read_table(path, "stock")
    assert df["_row"].tolist() == [4, 6] and df["sku"].tolist() == ["A-1", "A-2"]
