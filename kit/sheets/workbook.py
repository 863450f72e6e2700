"""XLSX workbooks: cells -> text (:func:`load_xlsx`), number columns as floats where they are plain.

The cells come from python-calamine, or from openpyxl where calamine cannot be
exact (:mod:`kit.sheets.books`); an Excel 97-2003 ``.xls``, or an HTML table
named ``.xls``, comes from :mod:`kit.sheets.legacy` and takes the same steps.
Formulas give the results Excel saved with the file (none saved: a problem);
merged header cells are spread over the columns they cover and cells merged
inside the data are reported; the sheet is the one asked for, else the one
whose headers fit the kind.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

from kit.sheets.books import cell_text, open_book, openpyxl_errors
from kit.sheets.convert import MAX_WHOLE_NUMBER
from kit.sheets.layout import HEADER_SEARCH_ROWS, find_header, found_headers
from kit.sheets.legacy import UnreadableBook, legacy_format, open_legacy
from kit.sheets.problems import Fatal, Problem, column_letter
from kit.sheets.raw import MAX_CELL_CHARS, Raw
from kit.sheets.schema import Schema

__all__ = ["load_xlsx", "CellFacts"]

log = logging.getLogger(__name__)


def load_xlsx(path: Path, schemas: list[Schema], sheet: str | int | None) -> tuple[Raw, Schema]:
    """The cells of one sheet of an XLSX workbook: as text, and number columns as floats where they are plain."""
    name = str(path)
    try:
        content = path.read_bytes()
        book = open_legacy(content) if legacy_format(content[:4096]) else open_book(content)
        sheets = book.sheets
    except UnreadableBook as exc:
        raise Fatal(Problem("error", exc.message, name, hint=exc.hint)) from None
    except openpyxl_errors() as exc:  # evaluated only when something was raised
        raise Fatal(
            Problem(
                "error",
                f"não é uma pasta de trabalho .xlsx legível: o arquivo está danificado ou cortado ({type(exc).__name__})",
                name,
                hint="baixe/exporte de novo, ou abra no Excel/LibreOffice e salve de novo como .xlsx",
            )
        ) from None
    try:
        title, schema_hint = _pick_sheet(book, sheets, schemas, sheet, name)
        cells = book.cells(title)
    except UnreadableBook as exc:
        raise Fatal(Problem("error", exc.message, name, sheet=locals().get("title"), hint=exc.hint)) from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError) as exc:
        raise Fatal(
            Problem(
                "error",
                f"a aba não pôde ser lida: o arquivo está danificado ({type(exc).__name__})",
                name,
                sheet=locals().get("title"),
                hint="abra no Excel ou LibreOffice e salve de novo como .xlsx",
            )
        ) from None
    finally:
        book.close()
    log.debug("%s, sheet %s: read with %s", name, title, cells.engine)
    if cells.blank:
        raise Fatal(Problem("error", "a aba está vazia", name, sheet=title, hint="escolha a aba com os dados"))
    rows = cells.rows
    filled = _spread_merged([[cell_text(v) for v in r] for r in rows[:HEADER_SEARCH_ROWS]], cells.merged)
    hdr_idx, schema = find_header(filled, schema_hint or schemas, name, title)
    header_row = hdr_idx + 1
    headers = [c.strip() for c in filled[hdr_idx]]
    data = rows[header_row:]
    problems, merged_header = _merged_problems(cells.merged, headers, header_row, data, name, title)
    problems += _formula_problems(cells.missing_formulas, headers, header_row, name, title)
    frame, facts = _frame(data, len(rows[0]), *_column_plan(schema, headers))
    info = {
        "file": name,
        "format": getattr(book, "format", "xlsx"),
        "encoding": None,
        "separator": None,
        "sheet": title,
        "sheets": sheets,
        "header_row": header_row,
    }
    raw = Raw(headers, header_row, frame, header_row + 1, info, problems, cell_refs=True, facts=facts)
    raw.merged_header = merged_header
    return raw, schema


def _pick_sheet(book: Any, sheets: list[str], schemas: list[Schema], sheet: str | int | None, name: str):
    """The sheet asked for (by name, any case, or position), else the one whose headers fit: (title, schemas)."""
    if sheet is not None:
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            if 0 <= sheet < len(sheets):
                return sheets[sheet], None
            raise Fatal(
                Problem(
                    "error",
                    f"a pasta de trabalho não tem a aba número {sheet + 1} (contando de 1); as abas dela: "
                    + ", ".join(repr(s) for s in sheets),
                    name,
                    sheet=str(sheet),
                    hint="escolha uma das abas listadas",
                )
            )
        if sheet in sheets:
            return sheet, None
        folded = {s.strip().casefold(): s for s in sheets}
        if str(sheet).strip().casefold() in folded:
            return folded[str(sheet).strip().casefold()], None
        raise Fatal(
            Problem(
                "error",
                f"aba {sheet!r} não encontrada; a pasta de trabalho tem: {', '.join(repr(s) for s in sheets)}",
                name,
                sheet=str(sheet),
                hint="escolha uma das abas listadas",
            )
        )
    if len(sheets) == 1:
        return sheets[0], None
    matches = []
    seen_headers = []
    for title in sheets:
        top = book.top_rows(title, HEADER_SEARCH_ROWS)
        if not any(any(c.strip() for c in r) for r in top):
            continue
        try:
            idx, schema = find_header(top, schemas, name, title, lists=False)  # never a sheet by its shape
        except Fatal:
            first = next((r for r in top if any(c.strip() for c in r)), [])
            seen_headers.append(f"{title!r} ({found_headers(first)})")
            continue
        matches.append((schema.score(top[idx])[0], title, schema))
    if not matches:
        kinds = " ou ".join(s.name for s in schemas) if len(schemas) < 3 else "um tipo conhecido"
        raise Fatal(
            Problem(
                "error",
                f"nenhuma aba tem os cabeçalhos de {kinds}; abas: {'; '.join(seen_headers) or ', '.join(sheets)}",
                name,
                hint="escolha a aba (sheet=... / --sheet NOME) ou corrija os cabeçalhos dela",
            )
        )
    matches.sort(key=lambda m: -m[0])
    if len(matches) > 1 and matches[0][0] == matches[1][0]:
        raise Fatal(
            Problem(
                "error",
                f"várias abas servem: {', '.join(repr(m[1]) for m in matches if m[0] == matches[0][0])}",
                name,
                hint="escolha uma com sheet=... / --sheet NOME",
            )
        )
    return matches[0][1], [matches[0][2]]


def _spread_merged(top: list[list[str]], merged: list[tuple[str, int, int, int, int]]) -> list[list[str]]:
    """Merged cells: the value sits in the top-left cell; spread it over the header area."""
    filled = [list(r) for r in top]
    for _ref, r0, r1, c0, c1 in merged:
        if r0 > HEADER_SEARCH_ROWS:
            continue
        value = top[r0 - 1][c0 - 1]
        for rr in range(r0, min(r1, HEADER_SEARCH_ROWS) + 1):
            for cc in range(c0, c1 + 1):
                filled[rr - 1][cc - 1] = value
    return filled


def _merged_problems(
    merged: list[tuple[str, int, int, int, int]], headers: list[str], header_row: int, data: list, name: str, title: str
) -> tuple[list[Problem], list[tuple[str, int, int]]]:
    """Cells merged inside the data (an error); header cells merged across columns (for build to report)."""
    problems: list[Problem] = []
    merged_header = []
    for ref, r0, r1, c0, c1 in merged:
        if r0 <= header_row <= r1 and c1 > c0:
            merged_header.append((ref, c0 - 1, c1 - 1))
        elif r0 > header_row and r1 > r0:
            problems.append(
                Problem(
                    "error",
                    f"as células {ref} estão mescladas dentro dos dados: cada linha precisa do seu próprio valor",
                    name,
                    sheet=title,
                    row=r0,
                    column=headers[c0 - 1] or column_letter(c0 - 1),
                    hint="selecione a aba, desfaça a mesclagem e preencha cada linha; depois salve de novo",
                )
            )
        elif r0 <= header_row < r1:  # a header cell merged down into the data rows
            for rr in range(header_row + 1, r1 + 1):
                data[rr - header_row - 1][c0 - 1] = ""
    return problems, merged_header


def _formula_problems(
    missing: list[tuple[int, int, str]], headers: list[str], header_row: int, name: str, title: str
) -> list[Problem]:
    """One problem per column of formulas without a saved result: a sheet may hold thousands."""
    by_column: dict[int, list[tuple[int, str]]] = {}
    for row, col, formula in missing:
        by_column.setdefault(col, []).append((row, formula))
    problems = []
    for col, cells in by_column.items():
        row, formula = cells[0]
        letter = column_letter(col - 1)
        problems.append(
            Problem(
                "error",
                f"a célula {letter}{row} tem uma fórmula ({formula[:60]}), mas nenhum resultado salvo"
                + (f" ({len(cells)} células assim na coluna {letter})" if len(cells) > 1 else ""),
                name,
                sheet=title,
                row=row,
                column=(headers[col - 1] if col - 1 < len(headers) and row > header_row else None) or letter,
                rows=tuple(r for r, _ in cells),
                hint="abra o arquivo no Excel ou LibreOffice e salve de novo (os resultados são gravados ao salvar), "
                "ou cole a coluna como valores",
            )
        )
    return problems


def _column_plan(schema: Schema, headers: list[str]) -> tuple[dict[int, Any], set[int]]:
    """(position -> column for the number columns a header names once, positions of the mapped text columns).

    Number columns may stay floats; mapped text columns are stripped here, as
    :mod:`kit.sheets.build` would strip them (the same first header per column).
    """
    matches = schema.match_headers(headers)
    count: dict[str, int] = {}
    first: dict[str, int] = {}
    for m in matches:
        count[m.column] = count.get(m.column, 0) + 1
        first.setdefault(m.column, m.position)
    numbers = {
        m.position: schema.column(m.column)
        for m in matches
        if schema.column(m.column).type in ("decimal", "int") and count[m.column] == 1
    }
    texts = {p for c, p in first.items() if schema.column(c).type not in ("decimal", "int")}
    return numbers, texts


class CellFacts:
    """The facts of an XLSX sheet's cells (see :mod:`kit.sheets.raw`): found with ``str`` methods per column."""

    def __init__(self, texts: dict[int, Any], longest: int, stripped: bool) -> None:
        self.texts = texts  # position -> the column's cells as text
        self.longest = longest
        self.stripped = stripped  # the mapped text columns were stripped already
        self._joined: dict[int, str] = {}

    def rows_to_strip(self) -> Any:
        import numpy as np

        return np.empty(0, dtype=np.int64) if self.stripped else None

    def rows_with(self, byte: bytes, position: int | None = None) -> Any:
        """No row when no cell of the column holds ``byte``; else None (every row is tested)."""
        import numpy as np

        if position not in self.texts:
            return None
        if position not in self._joined:
            self._joined[position] = "\x00".join(self.texts[position])
        return None if byte.decode("latin-1") in self._joined[position] else np.empty(0, dtype=np.int64)

    def lines_shorter_than(self, limit: int) -> bool:
        return self.longest < limit


def _frame(data: list[list[Any]], ncols: int, numbers: dict[int, Any], mapped_texts: set[int]) -> tuple[Any, Any]:
    """The data rows as a frame (text columns, and float columns where :func:`_plain_numbers` allows), and facts."""
    import pandas as pd

    if not data:
        return pd.DataFrame({i: pd.Series([], dtype=str) for i in range(ncols)}), None
    out: dict[int, Any] = {}
    texts: dict[int, Any] = {}
    for j, values in enumerate(zip(*data, strict=True)):
        parsed = _plain_numbers(values, numbers[j]) if j in numbers else None
        if parsed is not None:
            out[j] = parsed
        elif set(map(type, values)) == {str}:
            texts[j] = values
        else:
            texts[j] = [v if v.__class__ is str else cell_text(v) for v in values]
    longest = max((max(map(len, cells)) for cells in texts.values()), default=0)
    strip = longest <= MAX_CELL_CHARS  # a cell too long is reported on its text as it is
    for j, cells in texts.items():
        if strip and j in mapped_texts:
            cells = texts[j] = list(map(str.strip, cells))
        out[j] = pd.Series(cells, dtype="str")
    frame = pd.DataFrame({j: out[j] for j in range(ncols)}, copy=False)
    return frame, CellFacts(texts, longest, strip)


def _plain_numbers(values: tuple[Any, ...], col: Any) -> Any:
    """A float Series equal to what the text of the cells parses to, or None when the text path must decide.

    None when a cell is not a number (text, a boolean, a date) or the values break
    the column's rules (negative, a fraction in a whole-number column): the text
    path then reports each one. Values are those of the cells' text: a float whose
    15-digit text differs from itself (``155.88000000000002``) is taken as its text.
    """
    import numpy as np
    import pandas as pd

    cells = np.array(values, dtype=object)
    if set(map(type, values)) <= {float, int}:  # no empty cell: one conversion, no comparison with ""
        empty = np.zeros(len(cells), dtype=bool)
        arr = np.array(values, dtype=np.float64)
    else:
        empty = cells == ""
        numbers = cells[~empty]
        if not set(map(type, numbers)) <= {float, int}:
            return None
        arr = np.full(len(cells), np.nan)
        arr[~empty] = numbers.astype(np.float64)
    if not np.isfinite(arr[~empty]).all():
        return None
    # Short decimals (money, dimensions) are their own 15-digit text; the rest go through it.
    with np.errstate(invalid="ignore"):
        odd = np.flatnonzero(~empty & ~((np.round(arr, 6) == arr) & (np.abs(arr) < 1e9)))
    for k in odd:
        arr[k] = _as_text_parses(cells[k])
    if col.min_value is not None and (arr[~empty] < col.min_value).any():
        return None
    if col.type == "int" and ((np.floor(arr) != arr) | (np.abs(arr) > MAX_WHOLE_NUMBER))[~empty].any():
        return None
    return pd.Series(arr, copy=False)


def _as_text_parses(value: float | int) -> float:
    """``float(cell_text(value))``: what the text path would read from the cell."""
    text = cell_text(value)
    return float(text)
