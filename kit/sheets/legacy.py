"""Workbooks in the other forms people export: Excel 97-2003 ``.xls``, an HTML table named ``.xls``, LibreOffice ``.ods``.

:func:`legacy_format` names the form from the file's first bytes and
:func:`open_legacy` opens it as a book with the interface of
:mod:`kit.sheets.books` (``sheets``, ``top_rows``, ``cells``, ``close``), so
the rest of the reader (header, layout, conversion) is the XLSX path's.

- Excel 97-2003 (BIFF in an OLE2 compound file) is read by python-calamine, as
  XLSX values are. BIFF keeps each formula's last result, so there is no
  "formula without a result" case; an error value (``#N/A``) comes out empty,
  as calamine gives it (the XLSX path has openpyxl to tell; BIFF has no
  second reader).
- A LibreOffice/OpenDocument spreadsheet (``.ods``, a zip whose first entry
  names its type) is read by python-calamine too. calamine gives no merged
  ranges for it: a merged header is read from its first cell only.
- An "Excel" export that is an HTML page (``<table>``): each table is a sheet
  (:mod:`kit.sheets.htmltable`), its cells text as a CSV's.
- A password-protected XLSX is an OLE2 file too (the package is encrypted
  inside it, in a stream named ``EncryptedPackage``): it cannot be read, and
  the message says so instead of calling it damaged.

An unreadable file raises :class:`UnreadableBook` with a pt-BR message and
hint; the caller names the file.
"""

from __future__ import annotations

import io
from typing import Any

from kit.sheets.books import SheetCells, calamine_cells, cell_text, has_content
from kit.sheets.htmltable import decode_html, html_tables, is_html
from kit.sheets.problems import column_letter

__all__ = ["OLE2_MAGIC", "UnreadableBook", "legacy_format", "open_legacy"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"  # the first entry of an .ods, stored
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted OOXML package
_RESAVE = "abra no Excel ou LibreOffice e salve como .xlsx, ou como CSV (UTF-8)"


class UnreadableBook(ValueError):
    """A legacy workbook that cannot be read: ``message`` and ``hint`` in pt-BR."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def legacy_format(head: bytes) -> str | None:
    """``"xls"`` (an OLE2 file), ``"ods"``, ``"html"`` (an HTML page) or None, from a file's first bytes."""
    if head.startswith(OLE2_MAGIC):
        return "xls"
    if head.startswith(b"PK\x03\x04") and _ODS_MIMETYPE in head[:200]:
        return "ods"
    if is_html(head):
        return "html"
    return None


def open_legacy(content: bytes) -> _CalamineBook | _HtmlBook:
    """The workbook in ``content`` (see :func:`legacy_format`).

    Raises:
        UnreadableBook: encrypted, damaged, or a page without a table.
    """
    found = legacy_format(content[:4096])
    if found == "html":
        return _HtmlBook(content)
    if found == "ods":
        return _CalamineBook(content, "ods")
    if _ENCRYPTED in content:
        raise UnreadableBook(
            "a planilha está protegida por senha e não pode ser lida",
            "abra no Excel com a senha, tire a proteção (Arquivo > Informações) e salve de novo como .xlsx",
        )
    return _CalamineBook(content, "xls")


class _CalamineBook:
    """An Excel 97-2003 (``xls``) or OpenDocument (``ods``) workbook through python-calamine."""

    def __init__(self, content: bytes, format: str) -> None:
        from python_calamine import CalamineWorkbook

        self.format = format
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            self.sheets: list[str] = list(self.book.sheet_names)
        except Exception as exc:  # calamine's own error types (and a panic's): the file is not a readable .xls
            raise UnreadableBook(
                f"não é uma planilha .{format} legível: o arquivo está danificado ou cortado ({type(exc).__name__})",
                "baixe/exporte de novo, ou " + _RESAVE,
            ) from None

    def _sheet(self, title: str) -> Any:
        try:
            return self.book.get_sheet_by_name(title)
        except Exception as exc:  # calamine cannot parse this sheet
            raise UnreadableBook(
                f"a aba {title!r} do .{self.format} não pôde ser lida ({type(exc).__name__})",
                _RESAVE[0].upper() + _RESAVE[1:],
            ) from None

    def top_rows(self, title: str, n: int) -> list[list[str]]:
        return [[cell_text(v) for v in r] for r in self._sheet(title).to_python(skip_empty_area=False, nrows=n)]

    def cells(self, title: str) -> SheetCells:
        sheet = self._sheet(title)
        rows = sheet.to_python(skip_empty_area=False)
        return calamine_cells(sheet, rows, 0, f"calamine (.{self.format})")

    def close(self) -> None:
        self.book.close()


class _HtmlBook:
    """An HTML page named .xls: one sheet per table ("Tabela 1", "Tabela 2"...)."""

    format = "html"

    def __init__(self, content: bytes) -> None:
        text, self.encoding = decode_html(content)
        self.tables = html_tables(text)
        if not self.tables:
            raise UnreadableBook(
                "o arquivo é uma página HTML sem tabela de dados, não uma planilha",
                "exporte de novo do sistema (como .xlsx ou CSV), ou abra no navegador e confira o conteúdo",
            )
        self.sheets = [f"Tabela {i}" for i in range(1, len(self.tables) + 1)]

    def _table(self, title: str) -> Any:
        return self.tables[self.sheets.index(title)]

    def top_rows(self, title: str, n: int) -> list[list[str]]:
        return [list(r) for r in self._table(title).rows[:n]]

    def cells(self, title: str) -> SheetCells:
        table = self._table(title)
        rows = [list(r) for r in table.rows]
        merged = [
            (f"{column_letter(c0)}{r0}:{column_letter(c1)}{r1}", r0, r1, c0, c1) for r0, r1, c0, c1 in table.merged
        ]
        return SheetCells(rows, merged, [], not has_content(rows), f"HTML ({self.encoding})")

    def close(self) -> None:
        self.tables = []
