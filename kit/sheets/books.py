"""Where an XLSX sheet's cells come from: python-calamine, or openpyxl where calamine cannot be exact.

:func:`open_book` gives a workbook whose :meth:`cells` are the cells of one sheet
as Python values (text, numbers, booleans, dates), formulas replaced by the
results Excel saved with the file, plus the sheet's merged ranges.

python-calamine (Rust) reads values several times faster than openpyxl. It
does not say what the reader must know in three cases, which the sheet's XML
shows (:mod:`kit.sheets.xlsxml`): a formula with no saved result (calamine
gives an empty cell, the reader reports the formula), an error value such as
``#N/A`` (calamine gives an empty cell: data lost), and an integer with more
digits than a float holds (calamine rounds it). A sheet with any of these is
read with openpyxl, exactly as before; so is a workbook calamine cannot open
(openpyxl then names what is wrong). ``tests/sheets/test_books.py`` holds the
two paths against each other.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from kit.sheets.problems import column_letter

__all__ = ["SheetCells", "open_book", "cell_text", "openpyxl_errors"]


@dataclass(slots=True)
class SheetCells:
    """One sheet's cells, rows padded to one width.

    Attributes:
        rows: Python values (``""`` for an empty cell); formulas hold their saved result.
        merged: merged ranges as (ref, first row, last row, first column, last column), 1-based.
        missing_formulas: (row, column, formula) of formulas without a saved result (their cell is empty).
        blank: no cell has anything in it (formulas counted as content).
        engine: ``calamine`` or ``openpyxl`` (and why), for ``kit inspect``.
    """

    rows: list[list[Any]]
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    missing_formulas: list[tuple[int, int, str]] = field(default_factory=list)
    blank: bool = False
    engine: str = "calamine"


def cell_text(value: Any) -> str:
    """A cell's value as the text the reader works on (what openpyxl's values have always given)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        text = f"{value:.15g}"
        return text if "e" not in text else repr(value)
    if type(value) is dt.date:  # calamine gives a date-only cell as a date; openpyxl as midnight
        return dt.datetime.combine(value, dt.time()).isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _padded(rows: list[list[Any]], width: int = 0, height: int = 0) -> list[list[Any]]:
    """``rows`` (lists, changed in place) made ``width`` wide at least, all alike, and ``height`` rows at least."""
    width = max(width, max(map(len, rows), default=0))
    if min(map(len, rows), default=width) < width:
        for r in rows:
            if len(r) < width:
                r.extend([""] * (width - len(r)))
    rows.extend([""] * width for _ in range(height - len(rows)))
    return rows


def has_content(rows: list[list[Any]]) -> bool:
    return any(any(v.strip() if v.__class__ is str else cell_text(v).strip() for v in r) for r in rows)


# --- openpyxl: exact, and slow ------------------------------------------------------------------


def openpyxl_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl raises for a workbook it cannot open (imported here: openpyxl is slow to import)."""
    from openpyxl.utils.exceptions import InvalidFileException

    return (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, EOFError)


class _OpenpyxlBook:
    """The workbook through openpyxl's read-only mode (formulas and their saved results read separately)."""

    def __init__(self, content: bytes, reason: str = "") -> None:
        import openpyxl

        # From bytes: openpyxl judges a path by its extension, and an export may be misnamed.
        self.content = content
        self.reason = reason
        self.wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        self.sheets: list[str] = list(self.wb.sheetnames)

    def top_rows(self, title: str, n: int) -> list[list[str]]:
        ws = self.wb[title]
        ws.reset_dimensions()
        return [[cell_text(v) for v in r] for r in ws.iter_rows(max_row=n, values_only=True)]

    def cells(self, title: str) -> SheetCells:
        from kit.sheets.xlsxml import merged_ranges

        ws = self.wb[title]
        ws.reset_dimensions()  # a wrong <dimension> in the file must not cut rows off
        rows = [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        merged = merged_ranges(self.content, getattr(ws, "_worksheet_path", None))
        blank = not has_content(rows)
        rows = _padded([[("" if v is None else v) for v in r] for r in rows])
        missing = [] if blank else self._saved_results(title, rows)
        engine = "openpyxl" + (f" ({self.reason})" if self.reason else "")
        return SheetCells(rows, merged, missing, blank, engine)

    def _saved_results(self, title: str, rows: list[list[Any]]) -> list[tuple[int, int, str]]:
        """Formulas (read as "=...") take the value Excel saved with the file; none saved -> listed."""
        import openpyxl

        formulas = [
            (i + 1, j + 1, v)
            for i, r in enumerate(rows)
            for j, v in enumerate(r)
            if isinstance(v, str) and v[:1] == "="
        ]
        if not formulas:
            return []
        cached_wb = openpyxl.load_workbook(io.BytesIO(self.content), read_only=True, data_only=True)
        cached_ws = cached_wb[title]
        cached_ws.reset_dimensions()
        cached = list(cached_ws.iter_rows(min_row=1, min_col=1, values_only=True))
        cached_wb.close()
        missing = []
        for row, col, formula in formulas:
            value = cached[row - 1][col - 1] if row <= len(cached) and col <= len(cached[row - 1]) else None
            if value is None:
                missing.append((row, col, formula))
                rows[row - 1][col - 1] = ""
            else:
                rows[row - 1][col - 1] = value
        return missing

    def close(self) -> None:
        self.wb.close()


# --- calamine: fast ------------------------------------------------------------------------------


class _CalamineBook:
    """The workbook through python-calamine; a sheet it cannot read exactly goes to openpyxl."""

    def __init__(self, content: bytes, calamine_book: Any, parts: zipfile.ZipFile, sheet_xml: dict[str, str]) -> None:
        self.content = content
        self.book = calamine_book
        self.parts = parts
        self.sheet_xml = sheet_xml
        self.sheets: list[str] = list(calamine_book.sheet_names)
        self._parsed: dict[str, Any] = {}
        self._fallback: _OpenpyxlBook | None = None

    def _sheet(self, title: str) -> Any:
        """The parsed sheet, or None when calamine cannot parse it (openpyxl then reads it)."""
        from python_calamine import CalamineError

        if title not in self._parsed:
            try:
                self._parsed[title] = self.book.get_sheet_by_name(title)
            except CalamineError:
                self._parsed[title] = None
        return self._parsed[title]

    def top_rows(self, title: str, n: int) -> list[list[str]]:
        sheet = self._sheet(title)
        if sheet is None:
            return self._openpyxl_book("calamine could not parse the sheet").top_rows(title, n)
        return [[cell_text(v) for v in r] for r in sheet.to_python(skip_empty_area=False, nrows=n)]

    def cells(self, title: str) -> SheetCells:
        from python_calamine import CalamineError

        from kit.sheets.xlsxml import scan_sheet

        path = self.sheet_xml.get(title)
        if path is None:
            return self._openpyxl(title, "sheet not found in the workbook's parts")
        # The sheet's XML is inflated and scanned in a thread (zlib releases the GIL) while calamine parses.
        scanning = _in_background(scan_sheet, self.parts, path)
        sheet = self._sheet(title)
        try:
            rows = sheet.to_python(skip_empty_area=False) if sheet is not None else []
        except CalamineError:
            sheet, rows = None, []
        scan = scanning.result()
        reason = scan.openpyxl_needed or (None if sheet is not None else "calamine could not parse the sheet")
        if reason:
            return self._openpyxl(title, reason)
        return calamine_cells(sheet, rows, scan.last_row, "calamine")

    def _openpyxl_book(self, reason: str) -> _OpenpyxlBook:
        if self._fallback is None:
            self._fallback = _OpenpyxlBook(self.content, reason)
        self._fallback.reason = reason
        return self._fallback

    def _openpyxl(self, title: str, reason: str) -> SheetCells:
        return self._openpyxl_book(reason).cells(title)

    def close(self) -> None:
        self.book.close()
        self.parts.close()
        if self._fallback is not None:
            self._fallback.close()


def calamine_cells(sheet: Any, rows: list[list[Any]], last_row: int, engine: str) -> SheetCells:
    """A calamine sheet's values with its merged ranges; ``last_row`` counts formatted empty rows as rows."""
    merged = [
        (f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}", r0 + 1, r1 + 1, c0 + 1, c1 + 1)
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []
    ]
    width = max((m[4] for m in merged), default=0)  # a merged range may reach past the last value,
    height = max([last_row, *(m[2] for m in merged)])  # and formatted empty rows count as rows
    rows = _padded(rows, width, height)  # to_python gives lists: no copy
    return SheetCells(rows, merged, [], not has_content(rows), engine)


def _in_background(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` in a thread: a Future; its errors come out of result()."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-xlsx-scan")
    try:
        return pool.submit(fn, *args)
    finally:
        pool.shutdown(wait=False)


def open_book(content: bytes) -> _CalamineBook | _OpenpyxlBook:
    """The workbook in ``content``: through calamine, or openpyxl when calamine cannot open it as an XLSX.

    Raises:
        the errors of :func:`openpyxl_errors` when neither can open it.
    """
    from kit.sheets.xlsxml import sheet_parts

    try:
        parts = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _OpenpyxlBook(content)  # openpyxl says what is wrong, as it always has
    sheet_xml = sheet_parts(parts)
    if sheet_xml is None:  # not an Excel workbook inside (an .ods renamed, a damaged package)
        parts.close()
        return _OpenpyxlBook(content)
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # calamine's own error types: openpyxl decides, and names the fault
        parts.close()
        return _OpenpyxlBook(content, "calamine could not open it")
    return _CalamineBook(content, book, parts, sheet_xml)
