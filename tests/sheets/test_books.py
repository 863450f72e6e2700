"""XLSX cells through python-calamine equal what openpyxl gives, and calamine hands over where it cannot be exact."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

import kit.sheets.workbook as workbook
from kit.errors import InputDataError
from kit.sheets import books, inspect_table, read_table
from sheets.common import CLEAN, MALFORMED


def _styled_workbook(path: Path) -> Path:
    """A store export as people make them: a title row, merged cells, formulas with saved results, dates..."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Produtos")
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.merge_range("A1:F1", "Relatório de produtos", bold)
    ws.write_row(2, 0, ["SKU", "EAN", "Título", "Preço", "Estoque", "Ativo", "Peso (g)", "Altura"], bold)
    rows = [
        ["0001", 7891234567895, "  Caneca  ", 12.5, 3, True, 250, 10],
        ["A-2", "0789123456784", "Prato", 1234.56, 0, "Não", 1250.5, 0.1 + 0.2],
        ["A-3", 7891234567901, "Copo", 9.9, 10, False, None, 1e-7],
    ]
    for i, row in enumerate(rows, start=3):
        for j, value in enumerate(row):
            if value is not None:
                ws.write(i, j, value)
    ws.write_formula(6, 0, '="A-"&4', None, "A-4")
    ws.write(6, 2, "Pires")
    ws.write_formula(6, 3, "=D4*1.2", None, 15.000000000000002)  # a saved result longer than its 15-digit text
    ws.write(6, 4, 1)
    ws.write_datetime(7, 0, datetime.datetime(2025, 3, 12), date)  # a code Excel turned into a date
    ws.write(7, 2, "Data")
    ws.write(9, 0, "Total")
    ws.write(9, 3, 1264.96)
    ws.set_row(20, None, wb.add_format({"bg_color": "#FFFF00"}))  # a formatted empty row far below
    wb.close()
    return path


def _with_cells(source: Path, path: Path, cells: dict[str, str]) -> Path:
    """``source`` with raw cell XML appended to rows (cells openpyxl and xlsxwriter do not write)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for row, cell in cells.items():
                    xml = re.sub(
                        rf'(<row r="{row}"[^>]*>.*?)(</row>)', lambda m, c=cell: m.group(1) + c + m.group(2), xml
                    )
                data = xml.encode()
            zout.writestr(item, data)
    return path


def _outcome(path: Path, kind: str | None) -> str:
    """Everything a read says: the frame (values and dtypes) or the error, and inspect's report (or error)."""

    def error(exc: InputDataError) -> dict:
        return {"error": exc.message, "problems": [p.to_dict() for p in exc.problems]}

    try:
        frame = read_table(path, kind)
        read = {"values": frame.to_dict("list"), "dtypes": frame.dtypes.astype(str).to_dict(), "attrs": frame.attrs}
    except InputDataError as exc:
        read = error(exc)
    try:
        report = inspect_table(path, kind)
    except InputDataError as exc:
        report = error(exc)
    return json.dumps({"read": read, "inspect": report}, default=str, sort_keys=True, ensure_ascii=False)


def _through_openpyxl(monkeypatch):
    monkeypatch.setattr(workbook, "open_book", lambda content: books._OpenpyxlBook(content))


def _engines(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = books._CalamineBook.cells

    def cells(self, title):
        result = real(self, title)
        seen.append(result.engine)
        return result

    monkeypatch.setattr(books._CalamineBook, "cells", cells)
    return seen


WORKBOOKS = {
    "styled": lambda tmp: _styled_workbook(tmp / "styled.xlsx"),
    "merged header": lambda tmp: CLEAN / "products_merged_header.xlsx",
    "multi sheet": lambda tmp: CLEAN / "multi_sheet.xlsx",
    "merged data": lambda tmp: MALFORMED / "merged_data.xlsx",
    "scientific ean": lambda tmp: MALFORMED / "ean_scientific.xlsx",
}


@pytest.mark.parametrize("name", list(WORKBOOKS))
@pytest.mark.parametrize("kind", ["products", "stock", None])
def test_calamine_reads_what_openpyxl_reads(tmp_path, monkeypatch, name, kind):
    path = WORKBOOKS[name](tmp_path)
    engines = _engines(monkeypatch)
    fast = _outcome(path, kind)
    assert "calamine" in engines, engines
    monkeypatch.undo()
    _through_openpyxl(monkeypatch)
    assert fast == _outcome(path, kind)


@pytest.mark.parametrize(
    ("cell", "reason", "fragment"),
    [
        ('<c r="D2" t="e"><v>#DIV/0!</v></c>', "error values", "'#DIV/0!' na célula D2 não é um número"),
        ('<c r="E2"><v>12345678901234567</v></c>', "integers longer", '"ean": ["12345678901234567"'),
        (
            '<c r="D2"><f>1/0</f></c>',
            "formulas without a saved result",
            "tem uma fórmula (=1/0), mas nenhum resultado salvo",
        ),
    ],
    ids=["error value", "long integer", "formula without result"],
)
def test_what_calamine_cannot_give_exactly_is_read_with_openpyxl(tmp_path, monkeypatch, cell, reason, fragment):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["SKU", "Título", "Estoque", "Preço", "EAN"])
    wb.active.append(["A-1", "Caneca", 3])  # the odd cell goes at the end of this row
    wb.active.append(["A-2", "Prato", 1, 12.5, "7891234567895"])
    wb.save(tmp_path / "plain.xlsx")
    path = _with_cells(tmp_path / "plain.xlsx", tmp_path / "odd.xlsx", {2: cell})
    engines = _engines(monkeypatch)
    fast = _outcome(path, "products")
    assert any(reason in e for e in engines), engines
    monkeypatch.undo()
    _through_openpyxl(monkeypatch)
    assert fast == _outcome(path, "products")
    assert fragment in fast  # calamine alone gives an empty cell, or a rounded number: lost without a word


def test_a_broken_ods_named_xlsx_is_named_a_damaged_ods(tmp_path):  # an .ods is read (tests/sheets/test_legacy.py)
    path = tmp_path / "planilha.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputDataError, match="não é uma planilha .ods legível: o arquivo está danificado"):
        read_table(path, "stock")


def test_cell_text_is_what_openpyxl_values_gave():
    assert books.cell_text(datetime.date(2025, 3, 12)) == "2025-03-12T00:00:00"  # calamine's date-only cell
    assert books.cell_text(datetime.datetime(2025, 3, 12, 14, 30)) == "2025-03-12T14:30:00"
    assert books.cell_text(7891234567895.0) == "7891234567895"
    assert books.cell_text(0.1 + 0.2) == "0.3"
    assert books.cell_text(True) == "true" and books.cell_text(None) == ""
