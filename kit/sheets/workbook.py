"""XLSX workbooks: cells -> text (:func:`load_xlsx`), through openpyxl's read-only mode.

Formulas give the results Excel saved with the file (none saved: a problem);
merged header cells are spread over the columns they cover and cells merged
inside the data are reported; the sheet is the one asked for, else the one
whose headers fit the kind.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from kit.sheets.layout import HEADER_SEARCH_ROWS, find_header, found_headers
from kit.sheets.problems import Fatal, Problem
from kit.sheets.raw import Raw
from kit.sheets.schema import Schema

__all__ = ["load_xlsx"]


def _cell_text(value: Any) -> str:
    import datetime as dt

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
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def load_xlsx(path: Path, schemas: list[Schema], sheet: str | int | None) -> tuple[Raw, Schema]:
    import openpyxl
    import pandas as pd
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    try:
        # From bytes: openpyxl judges a path by its extension, and an export may be misnamed.
        content = path.read_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheets = wb.sheetnames
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        raise Fatal(
            Problem(
                "error",
                f"not a readable .xlsx workbook: the file is damaged or truncated ({type(exc).__name__})",
                name,
                hint="download/export it again, or open it in Excel/LibreOffice and save it again as .xlsx",
            )
        ) from None
    try:
        ws, schema_hint = _pick_sheet(wb, sheets, schemas, sheet, name)
        title = ws.title
        ws.reset_dimensions()  # a wrong <dimension> in the file must not cut rows off
        rows = [[_cell_text(v) for v in r] for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        merged = _merged_ranges(content, getattr(ws, "_worksheet_path", None))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError) as exc:
        raise Fatal(
            Problem(
                "error",
                f"the sheet cannot be read: the file is damaged ({type(exc).__name__})",
                name,
                sheet=locals().get("title"),
                hint="open it in Excel or LibreOffice and save it again as .xlsx",
            )
        ) from None
    finally:
        wb.close()
    if not any(any(c.strip() for c in r) for r in rows):
        raise Fatal(Problem("error", "the sheet is empty", name, sheet=title, hint="pick the sheet with the data"))
    ncols = max(len(r) for r in rows)
    for r in rows:
        r.extend([""] * (ncols - len(r)))
    # Formulas (read as "=..."): take the value Excel saved with the file; none saved -> a problem.
    formula_cells = [(i + 1, j + 1, v) for i, r in enumerate(rows) for j, v in enumerate(r) if v.startswith("=")]
    missing_formulas: list[tuple[int, int, str]] = []
    if formula_cells:
        cached_wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        cached_ws = cached_wb[title]
        cached_ws.reset_dimensions()
        cached = list(cached_ws.iter_rows(min_row=1, min_col=1, values_only=True))
        cached_wb.close()
        for row, col, formula in formula_cells:
            value = cached[row - 1][col - 1] if row <= len(cached) and col <= len(cached[row - 1]) else None
            if value is None:
                missing_formulas.append((row, col, formula))
                rows[row - 1][col - 1] = ""
            else:
                rows[row - 1][col - 1] = _cell_text(value)
    # Merged cells: the value sits in the top-left cell; spread it over the header area.
    filled = [list(r) for r in rows[:HEADER_SEARCH_ROWS]]
    for _ref, r0, r1, c0, c1 in merged:
        if r0 > HEADER_SEARCH_ROWS:
            continue
        value = rows[r0 - 1][c0 - 1]
        for rr in range(r0, min(r1, HEADER_SEARCH_ROWS) + 1):
            for cc in range(c0, c1 + 1):
                filled[rr - 1][cc - 1] = value
    hdr_idx, schema = find_header(filled, schema_hint or schemas, name, title)
    header_row = hdr_idx + 1
    headers = [c.strip() for c in filled[hdr_idx]]
    data = rows[header_row:]
    problems: list[Problem] = []
    merged_header = []
    for ref, r0, r1, c0, c1 in merged:
        if r0 <= header_row <= r1 and c1 > c0:
            merged_header.append((ref, c0 - 1, c1 - 1))
        elif r0 > header_row and r1 > r0:
            problems.append(
                Problem(
                    "error",
                    f"cells {ref} are merged inside the data: each row needs its own value",
                    name,
                    sheet=title,
                    row=r0,
                    column=headers[c0 - 1] or get_column_letter(c0),
                    hint="select the sheet, unmerge the cells and fill every row, then save again",
                )
            )
        elif r0 <= header_row < r1:  # a header cell merged down into the data rows
            for rr in range(header_row + 1, r1 + 1):
                data[rr - header_row - 1][c0 - 1] = ""
    by_column: dict[int, list[tuple[int, str]]] = {}
    for row, col, formula in missing_formulas:
        by_column.setdefault(col, []).append((row, formula))
    for col, cells in by_column.items():  # one problem per column: a sheet may hold thousands
        row, formula = cells[0]
        problems.append(
            Problem(
                "error",
                f"cell {get_column_letter(col)}{row} has a formula ({formula[:60]}) but no saved result"
                + (f" ({len(cells)} cells like this in column {get_column_letter(col)})" if len(cells) > 1 else ""),
                name,
                sheet=title,
                row=row,
                column=(headers[col - 1] if col - 1 < len(headers) and row > header_row else None)
                or get_column_letter(col),
                rows=tuple(r for r, _ in cells),
                hint="open the file in Excel or LibreOffice and save it again (the results are stored on save), "
                "or paste the column as values",
            )
        )
    frame = pd.DataFrame(data, columns=list(range(ncols)), dtype=str) if data else None
    if frame is None:
        frame = pd.DataFrame({i: pd.Series([], dtype=str) for i in range(ncols)})
    info = {
        "file": name,
        "format": "xlsx",
        "encoding": None,
        "separator": None,
        "sheet": title,
        "sheets": sheets,
        "header_row": header_row,
    }
    raw = Raw(headers, header_row, frame, header_row + 1, info, problems, cell_refs=True)
    raw.merged_header = merged_header
    return raw, schema


def _merged_ranges(content: bytes, sheet_path: str | None) -> list[tuple[str, int, int, int, int]]:
    """Merged ranges of one sheet as (ref, min_row, max_row, min_col, max_col).

    Read from the sheet's XML: openpyxl's fast read-only mode does not load them.
    """
    from openpyxl.utils.cell import range_boundaries

    if not sheet_path:
        return []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        xml = zf.read(sheet_path.lstrip("/")).decode("utf-8", errors="replace")
    out = []
    for ref in re.findall(r'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml):
        c0, r0, c1, r1 = range_boundaries(ref)
        out.append((ref, r0, r1, c0, c1))
    return out


def _pick_sheet(wb: Any, sheets: list[str], schemas: list[Schema], sheet: str | int | None, name: str):
    if sheet is not None:
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            if 0 <= sheet < len(sheets):
                return wb[sheets[sheet]], None
            raise Fatal(
                Problem(
                    "error",
                    f"the workbook has no sheet number {sheet + 1} (counting from 1); its sheets: "
                    + ", ".join(repr(s) for s in sheets),
                    name,
                    sheet=str(sheet),
                    hint="pick one of the sheets listed",
                )
            )
        if sheet in sheets:
            return wb[sheet], None
        folded = {s.strip().casefold(): s for s in sheets}
        if str(sheet).strip().casefold() in folded:
            return wb[folded[str(sheet).strip().casefold()]], None
        raise Fatal(
            Problem(
                "error",
                f"sheet {sheet!r} not found; the workbook has: {', '.join(repr(s) for s in sheets)}",
                name,
                sheet=str(sheet),
                hint="pick one of the sheets listed",
            )
        )
    if len(sheets) == 1:
        return wb[sheets[0]], None
    matches = []
    seen_headers = []
    for title in sheets:
        ws = wb[title]
        ws.reset_dimensions()
        top = [[_cell_text(v) for v in r] for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        if not any(any(c.strip() for c in r) for r in top):
            continue
        try:
            idx, schema = find_header(top, schemas, name, title)
        except Fatal:
            first = next((r for r in top if any(c.strip() for c in r)), [])
            seen_headers.append(f"{title!r} ({found_headers(first)})")
            continue
        matches.append((schema.score(top[idx])[0], title, schema))
    if not matches:
        kinds = " or ".join(s.name for s in schemas) if len(schemas) < 3 else "any known kind"
        raise Fatal(
            Problem(
                "error",
                f"no sheet has the headers of {kinds}; sheets: {'; '.join(seen_headers) or ', '.join(sheets)}",
                name,
                hint="pick the sheet (sheet=... / --sheet NAME) or fix its headers",
            )
        )
    matches.sort(key=lambda m: -m[0])
    if len(matches) > 1 and matches[0][0] == matches[1][0]:
        raise Fatal(
            Problem(
                "error",
                f"several sheets fit: {', '.join(repr(m[1]) for m in matches if m[0] == matches[0][0])}",
                name,
                hint="pick one with sheet=... / --sheet NAME",
            )
        )
    return wb[matches[0][1]], [matches[0][2]]
