"""Writing the spreadsheets the kit hands to people: XLSX streamed, text always stored as text.

:func:`write_xlsx` writes DataFrames as the sheets of one workbook with
xlsxwriter in constant-memory mode (each row is written out as it goes, so a
sheet of a million rows costs no more memory than one row), bold headers, a
frozen header row, filters and column widths. :func:`write_csv` writes a
DataFrame as a CSV that Excel in Portuguese opens in columns (UTF-8 with BOM,
``;``).

Text is never a live formula. A title or SKU taken from a store or an ERP may
start with ``=``, ``+``, ``-`` or ``@`` (``=HYPERLINK("http://...")``): opened in
Excel, such a cell would run (formula injection). In an XLSX every text cell is
written as a string cell (never a formula, never turned into a link or a
number); in a CSV, which Excel interprets as it opens it, a text cell that
Excel would take as a formula gets a leading apostrophe, the usual
neutralisation. Every XLSX writer of the kit goes through :func:`write_xlsx`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.fmt import count_pt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["XLSX_SHEET_ROWS", "write_xlsx", "write_csv", "neutralize_formulas"]

XLSX_SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows, the header taken
MAX_COLUMN_WIDTH = 60
_WIDTH_SAMPLE = 200  # rows looked at to size a column
# What Excel takes as a formula when it opens a CSV; a plain negative number ("-12,5") is not one.
_FORMULA_START = re.compile(r"^[=+@\t\r]|^-(?!\d+(?:[.,]\d+)?$)")
_FORMULA_FIRST = frozenset("=+-@\t\r")
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def write_xlsx(path: str | os.PathLike[str], sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write each DataFrame as a sheet (name -> frame, in order) of one XLSX, atomically.

    Strings are string cells, numbers number cells, booleans boolean cells, dates
    date cells; empty values (None, NaN, NaT) are empty cells. A frame longer than
    :data:`XLSX_SHEET_ROWS` is refused: cut it first (and say where the rest is).

    Raises:
        ValueError: a sheet name Excel refuses, or a frame too long for a sheet.
    """
    import xlsxwriter

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    for name, frame in sheets.items():
        if len(frame) > XLSX_SHEET_ROWS:
            raise ValueError(
                f"aba {name!r}: {count_pt(len(frame))} linhas, mais do que uma aba do Excel comporta "
                f"({count_pt(XLSX_SHEET_ROWS)})"
            )
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        book = xlsxwriter.Workbook(str(tmp), {**_WORKBOOK_OPTIONS, "tmpdir": str(out.parent)})
        header = book.add_format({"bold": True})
        dates = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        for name, frame in sheets.items():
            _write_sheet(book.add_worksheet(name), frame, header, dates)
        book.close()
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out


def _write_sheet(sheet: Any, frame: pd.DataFrame, header: Any, dates: Any) -> None:
    columns = [str(c) for c in frame.columns]
    for j, name in enumerate(columns):
        sheet.set_column(j, j, _width(name, frame.iloc[:_WIDTH_SAMPLE, j].tolist()))
    sheet.write_row(0, 0, columns, header)  # header names are the kit's own text
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    writers = [_cell_writer(sheet, frame.iloc[:, j], dates) for j in range(len(columns))]
    values = [frame.iloc[:, j].tolist() for j in range(len(columns))]
    for i, row in enumerate(zip(*values, strict=True), start=1):
        for j, value in enumerate(row):
            writers[j](i, j, value)


def _cell_writer(sheet: Any, column: pd.Series, dates: Any) -> Any:
    """How to write one column's values: a direct writer for a numpy-typed column, else one per value."""
    import numpy as np
    import pandas as pd

    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else "O"  # extension types may hold NA
    if kind in "iu":
        return sheet.write_number
    if kind == "f":
        return lambda i, j, v: v == v and sheet.write_number(i, j, v)  # NaN: an empty cell
    if kind == "b":
        return sheet.write_boolean

    def write(i: int, j: int, value: Any) -> None:
        if isinstance(value, str):
            sheet.write_string(i, j, value)  # a string cell: never a formula, a link or a number
        elif value is None or pd.isna(value):
            return
        elif isinstance(value, bool | np.bool_):
            sheet.write_boolean(i, j, bool(value))
        elif isinstance(value, int | float | np.integer | np.floating):
            sheet.write_number(i, j, value.item() if hasattr(value, "item") else value)
        elif isinstance(value, pd.Timestamp):
            sheet.write_datetime(i, j, value.to_pydatetime().replace(tzinfo=None), dates)
        else:
            sheet.write_string(i, j, str(value))

    return write


def _width(name: str, sample: list[Any]) -> float:
    longest = max([len(name), *(len(str(v)) for v in sample if v is not None)])
    return min(longest + 2, MAX_COLUMN_WIDTH)


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a leading apostrophe on each text cell Excel would run as a formula in a CSV."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype.kind in "iufbM":
            continue
        values = column.tolist()
        # the first character narrows it down cheaply; the pattern then spares plain negative numbers
        risky = [
            k
            for k, v in enumerate(values)
            if isinstance(v, str) and v[:1] in _FORMULA_FIRST and _FORMULA_START.match(v)
        ]
        if risky:
            changed = column.astype(object).copy()
            changed.iloc[risky] = ["'" + values[k] for k in risky]
            out[name] = changed
    return out


def write_csv(path: str | os.PathLike[str], frame: pd.DataFrame) -> Path:
    """Write ``frame`` as a CSV for Excel (UTF-8 with BOM, ``;``), formulas neutralised, atomically."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        neutralize_formulas(frame).to_csv(tmp, sep=";", index=False, encoding="utf-8-sig")
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out
