"""Other workbooks: Excel 97-2003 (.xls), LibreOffice (.ods), an HTML or a text file named .xls, a locked XLSX.

The BIFF fixture ``tests/sheets/data/legacy_products.xls`` was written by
``python tests/sheets/test_legacy.py`` with xlwt (not a dependency of the kit:
install it in a scratch environment to write the file again) from ``SHEET``
below; :func:`test_the_fixture_holds_the_sheet` proves it still does. Each
format is held against the same data written as XLSX: what the reader makes
of the one must be what it makes of the other.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit.errors import InputDataError
from kit.sheets import read_table
from kit.sheets.htmltable import decode_html, html_tables, is_html
from kit.sheets.legacy import legacy_format
from tests.conftest import run_kit

FIXTURE = Path(__file__).parent / "data" / "legacy_products.xls"
TITLE = "Relatório de produtos - Loja Exemplo"
HEADER = ["Código", "EAN", "Descrição", "Preço", "Estoque", "Ativo", "Cadastro"]
DATA = [
    ["000123", "7891234567895", "Camiseta Básica Azul", 59.9, 12, "Sim", dt.date(2024, 3, 1)],
    [456, "7891234567901", "Tênis de Corrida", 1299.9, 0, "Não", dt.date(2024, 12, 31)],
    ["AB-77", "", "Garrafa Térmica 500 ml", 89.5, 3, "Sim", dt.date(2025, 1, 15)],
]
SHEET = [[TITLE], [], HEADER, *DATA]  # a title row merged over the header's width, a blank row, the table


def _xlsx_twin(path: Path) -> Path:
    """The same sheet as XLSX, the title merged the same way."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Produtos"
    for row in SHEET:
        ws.append(row)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    for row in ws.iter_rows(min_row=4, min_col=7, max_col=7):
        row[0].number_format = "DD/MM/YYYY"
    wb.save(path)
    return path


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns="_row"), b.drop(columns="_row"))
    assert a["_row"].tolist() == b["_row"].tolist()


def test_the_fixture_holds_the_sheet() -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(FIXTURE))
    assert book.sheet_names == ["Capa", "Produtos"]
    rows = book.get_sheet_by_name("Produtos").to_python(skip_empty_area=False)
    assert [r[: len(HEADER)] for r in rows[2:]] == [HEADER, *DATA]
    assert rows[0][0] == TITLE


def test_an_xls_reads_as_its_xlsx_twin(tmp_path: Path) -> None:
    twin = _xlsx_twin(tmp_path / "produtos.xlsx")
    from_xls, from_xlsx = read_table(FIXTURE, "products"), read_table(twin, "products")
    _same(from_xls, from_xlsx)
    assert from_xls["sku"].tolist() == ["000123", "456", "AB-77"]  # a text code keeps its zeros
    assert from_xls["price"].tolist() == [59.9, 1299.9, 89.5]


def test_kit_inspect_names_the_old_format(tmp_path: Path) -> None:
    out = run_kit("inspect", str(FIXTURE), "--kind", "products")
    assert out.returncode == 0, out.stderr
    assert "XLS (Excel 97-2003), aba 'Produtos'" in out.stdout
    assert "cabeçalho:  linha 3" in out.stdout


def _ods(rows: list[list[object]], spanned: int) -> bytes:
    """A minimal OpenDocument spreadsheet (OpenDocument 1.2, part 1, 9.1): the first row spanned over ``spanned``."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if isinstance(value, dt.date):
            return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"/>'
        if isinstance(value, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"/>'
        if value == "":
            return "<table:table-cell/>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = [
        f'<table:table-row><table:table-cell table:number-columns-spanned="{spanned}" office:value-type="string">'
        f"<text:p>{escape(str(rows[0][0]))}</text:p></table:table-cell>"
        f'<table:covered-table-cell table:number-columns-repeated="{spanned - 1}"/></table:table-row>'
    ]
    body += ["<table:table-row>" + "".join(map(cell, r or [""])) + "</table:table-row>" for r in rows[1:]]
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content office:version="1.2"'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="Produtos">'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest manifest:version="1.2"'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:  # the mimetype first and stored, as the spec asks
        package.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        package.writestr("content.xml", content)
        package.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def test_an_ods_reads_as_its_xlsx_twin(tmp_path: Path) -> None:
    ods = tmp_path / "produtos.ods"
    ods.write_bytes(_ods(SHEET, len(HEADER)))
    _same(read_table(ods, "products"), read_table(_xlsx_twin(tmp_path / "produtos.xlsx"), "products"))
    out = run_kit("inspect", str(ods), "--kind", "products")
    assert out.returncode == 0, out.stderr
    assert "ODS (LibreOffice), aba 'Produtos'" in out.stdout


def test_a_file_named_ods_that_is_not_one_says_so(tmp_path: Path) -> None:
    path = tmp_path / "produtos.ods"
    path.write_text("Código;Preço\n1;2\n", encoding="utf-8")
    out = run_kit("inspect", str(path), "--kind", "products")
    assert out.returncode == 2
    assert "não é uma planilha .ods legível" in out.stderr and "Traceback" not in out.stderr


def _page(rows: list[list[str]], *, charset: str = "windows-1252", extra: str = "") -> bytes:
    body = "".join("<tr>" + "".join(cell for cell in r) + "</tr>\n" for r in rows)
    page = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        f'<head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        '<style>td { mso-number-format: "\\@"; }</style><script>var x = "<td>não</td>";</script></head>\n'
        f"<body>{extra}<table border=1>\n{body}</table></body></html>\n"
    )
    return page.encode(charset)


def _td(value: object, tag: str = "td", attrs: str = "") -> str:
    text = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)
    if isinstance(value, float):
        text = f"{value:.2f}".replace(".", ",")
    return f"<{tag}{attrs}>{text}</{tag}>"


def _html_twin_rows() -> list[list[str]]:
    return [
        [_td(TITLE, "th", f' colspan="{len(HEADER)}"')],
        [],
        [_td(h, "th") for h in HEADER],
        *[[_td(v) for v in r] for r in DATA],
    ]


def test_an_html_page_named_xls_reads_as_its_csv_twin(tmp_path: Path) -> None:
    page = tmp_path / "produtos.xls"
    page.write_bytes(_page(_html_twin_rows()))
    twin = tmp_path / "produtos.csv"
    lines = [";".join(HEADER)] + [
        ";".join(
            v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else f"{v:.2f}".replace(".", ",")
            if isinstance(v, float) else str(v)
            for v in r
        )
        for r in DATA
    ]  # fmt: skip
    twin.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_page, from_csv = read_table(page, "products"), read_table(twin, "products")
    pd.testing.assert_frame_equal(from_page.drop(columns="_row"), from_csv.drop(columns="_row"))
    assert from_page["title"].tolist()[0] == "Camiseta Básica Azul"  # read as windows-1252, as declared
    out = run_kit("inspect", str(page), "--kind", "products")
    assert out.returncode == 0, out.stderr
    assert "página HTML salva como .xls" in out.stdout


def test_html_cells_are_placed_on_excels_grid() -> None:
    text = (
        "<table><tr><td rowspan=2>A</td><td colspan=2>B&nbsp;C</td></tr>"
        "<tr><td>d</td><td>e<br>f</td></tr>"
        "<tr><td>g<table><tr><td>inner</td></tr></table></td><td></td><td>h</td></tr></table>"
    )
    outer, inner = html_tables(text)
    assert inner.rows == [["inner"]]
    assert outer.rows == [["A", "B C", ""], ["", "d", "e\nf"], ["g", "", "h"]]
    assert outer.merged == [(1, 2, 1, 1), (1, 1, 2, 3)]


def test_html_encoding_and_recognition() -> None:
    assert decode_html("<meta charset='iso-8859-1'>Preço".encode("latin-1")) == (
        "<meta charset='iso-8859-1'>Preço",
        "iso-8859-1",
    )
    assert decode_html("Preço".encode("cp1252"))[1] == "cp1252"  # undeclared, not UTF-8: the older systems' encoding
    assert decode_html("\ufeffPreço".encode("utf-8"))[0] == "Preço"
    assert is_html(b"\xef\xbb\xbf  <!-- gerado -->\n<HTML><body>")
    assert is_html("<table><tr>".encode("utf-16"))
    assert not is_html(b"Codigo;Descricao\n<b>1</b>;x\n")
    assert legacy_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "xls"
    assert legacy_format(b"PK\x03\x04") is None


def test_a_tab_separated_text_named_xls_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "estoque.xls"
    path.write_text("SKU\tSaldo disponível\n000123\t5\nAB-77\t0\n", encoding="cp1252")
    frame = read_table(path, "stock")
    assert frame["sku"].tolist() == ["000123", "AB-77"]
    assert frame["available"].tolist() == [5, 0]


@pytest.mark.parametrize(
    ("content", "message", "hint"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 700 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 300,
            "a planilha está protegida por senha e não pode ser lida",
            "tire a proteção",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024,
            "não é uma planilha .xls legível: o arquivo está danificado ou cortado",
            "salve como .xlsx",
        ),
        (
            b"<html><body><p>Sua sess\xe3o expirou. Entre de novo.</p></body></html>",
            "o arquivo é uma página HTML sem tabela de dados, não uma planilha",
            "exporte de novo",
        ),
    ],
    ids=["password", "damaged", "html-without-table"],
)
def test_an_unreadable_legacy_file_says_why(tmp_path: Path, content: bytes, message: str, hint: str) -> None:
    path = tmp_path / "produtos.xls"
    path.write_bytes(content)
    with pytest.raises(InputDataError) as err:
        read_table(path, "products")
    assert message in str(err.value)
    out = run_kit("inspect", str(path), "--kind", "products")
    assert out.returncode == 2
    assert message in out.stderr and hint in out.stderr
    assert "Traceback" not in out.stderr


def _write_fixture() -> None:  # pragma: no cover - run by hand, with xlwt installed, to write the fixture again
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("Capa").write(0, 0, "Exportado pelo ERP")
    sheet = book.add_sheet("Produtos")
    date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sheet.write_merge(0, 0, 0, len(HEADER) - 1, TITLE)
    for r, row in enumerate(SHEET[2:], start=2):
        for c, value in enumerate(row):
            sheet.write(r, c, value, date) if isinstance(value, dt.date) else sheet.write(r, c, value)
    book.save(str(FIXTURE))


if __name__ == "__main__" and sys.argv[1:] == ["--write-fixture"]:  # pragma: no cover
    _write_fixture()
