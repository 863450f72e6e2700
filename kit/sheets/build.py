"""Cells as text -> the canonical DataFrame of a kind (:func:`build`).

Maps the headers to the kind's columns, drops blank and trailer rows, reports
cells too long for a spreadsheet, converts each column (:mod:`kit.sheets.convert`),
checks required values and repeated keys, and records in the read's ``info``
what it understood.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.fmt import count_pt
from kit.sheets.convert import ColumnJob, convert, empty_column, is_empty
from kit.sheets.layout import row_texts, trailer_rows
from kit.sheets.packed import source_position, unpack_attributes
from kit.sheets.problems import Fatal, Problem, column_letter, describe, rows_text
from kit.sheets.promo import apply_promo_price
from kit.sheets.raw import MAX_CELL_CHARS, Raw
from kit.sheets.rowunits import apply_row_units
from kit.sheets.schema import Column, HeaderMatch, Schema

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

__all__ = ["build"]


@dataclass(slots=True)
class _Rows:
    """The data rows kept (blank and trailer rows dropped), with each mapped column's cells."""

    frame: Any  # the raw frame's kept rows
    cells: dict[str, Any]  # canonical column -> its cells (text stripped)
    rownum: Any  # the spreadsheet row of each kept row
    facts: Any  # the loader's facts (see kit.sheets.raw), or None
    rows_with: Callable[[bytes, int], Any]  # see ColumnJob.rows_with


def build(raw: Raw, schema: Schema, path: Path) -> pd.DataFrame:
    """The canonical DataFrame of ``schema`` from ``raw``; problems go to ``raw.problems``, facts to ``raw.info``."""
    name = str(path)
    sheet = raw.info.get("sheet")
    problems = raw.problems

    def problem(severity: str, message: str, **kw: Any) -> None:
        problems.append(Problem(severity, message, name, sheet=sheet, **kw))

    unpack_attributes(raw, schema, problem)
    mapping, aside = _map_columns(raw, schema, problem)
    _describe_columns(raw, schema, mapping, aside, problem)
    rows = _data_rows(raw, schema, mapping, problem)
    _huge_cells(raw, rows, problem)
    _unnamed_cells(raw, rows, problem)
    result, empty_cells = _convert_columns(raw, schema, mapping, rows, problem)
    apply_row_units(result, schema, mapping, problem)
    apply_promo_price(result, mapping, problem)
    _required_values(result, schema, mapping, empty_cells, rows.rownum, problem)
    _repeated_keys(result, schema, mapping, problem)
    result.attrs["source"] = {"file": name, "sheet": sheet}
    result.attrs["kind"] = schema.name
    result.attrs["empty_cells"] = dict(empty_cells)
    result.attrs["warnings"] = [describe(p) for p in problems if p.severity == "warning"][:20]
    return result


def _map_columns(raw: Raw, schema: Schema, problem: Callable[..., None]) -> tuple[dict[str, HeaderMatch], set[int]]:
    """Canonical column -> the header that gives it, and the positions of headers set aside for another
    that means the same column; merged and repeated headers reported."""
    matches = schema.match_headers(raw.headers)
    for ref, c0, c1 in raw.merged_header:
        problem(
            "error",
            f"a célula de cabeçalho {ref} está mesclada em {c1 - c0 + 1} colunas ({raw.headers[c0]!r}): "
            "cada coluna precisa do seu próprio cabeçalho",
            row=raw.header_row,
            column=raw.headers[c0],
            hint="desfaça a mesclagem do cabeçalho e dê um nome a cada coluna (ex.: Altura, Largura, Comprimento)",
        )
    by_col: dict[str, list] = {}
    for m in matches:
        by_col.setdefault(m.column, []).append(m)
    _second_meanings(raw, schema, by_col)
    mapping: dict[str, HeaderMatch] = {}
    aside: set[int] = set()
    for col, ms in by_col.items():
        chosen = ms[0] if len(ms) == 1 else _one_of(raw, schema.column(col), ms, problem)
        if chosen is None:
            problem(
                "error",
                f"as colunas {' e '.join(repr(m.header) for m in ms)} querem dizer {col}: deixe só uma",
                row=raw.header_row,
                column=ms[1].header,
                hint="apague ou renomeie a coluna a mais",
            )
            chosen = ms[0]
        else:
            aside.update(m.position for m in ms if m is not chosen)
        mapping[col] = chosen
    missing = [c for c in schema.required if c not in mapping]
    if missing:  # find_header guarantees this does not happen; keep the invariant visible
        message = f"falta(m) a(s) coluna(s) obrigatória(s) {', '.join(missing)}"
        raise Fatal(Problem("error", message, raw.info["file"], sheet=raw.info.get("sheet")))
    return mapping, aside


def _second_meanings(raw: Raw, schema: Schema, by_col: dict[str, list[HeaderMatch]]) -> None:
    """Move to its second meaning a header that a better-named, filled header of the same column outranks
    ("Descrição" beside "Nome": the name is the title, the description the description), when no header
    names that second column (:attr:`Column.second_aliases`). In place."""
    for col, ms in list(by_col.items()):
        if len(ms) < 2:
            continue
        column = schema.column(col)
        ranks = [column.alias_rank(m.header) for m in ms]
        filled = [not is_empty(raw.frame[m.position]).all() for m in ms] if len(raw.frame) else [True] * len(ms)
        for m, rank in zip(list(ms), ranks, strict=True):
            other = schema.second_meaning(m.header)
            better = any(r < rank and f for r, f, n in zip(ranks, filled, ms, strict=True) if n is not m)
            if other and other not in by_col and better:
                ms.remove(m)
                by_col[other] = [HeaderMatch(m.position, m.header, other)]


def _one_of(raw: Raw, column: Column, ms: list[HeaderMatch], problem: Callable[..., None]) -> HeaderMatch | None:
    """The header to read when several mean ``column`` (an ERP's export often has "Peso líquido" and "Peso
    bruto", "GTIN/EAN" and "GTIN/EAN da embalagem"): the only one with data; else, for a measure or a text,
    the one named by the column's earlier alias (aliases are in order of preference); any of them when
    they hold the same cells ("GTIN/EAN" and "GTIN/EAN tributável"). None when that does not decide, and
    always for a price, a quantity, a code or a flag that two filled columns give differently: a wrong
    one would be sent to the channel or matched against it, so the person chooses.
    """
    filled = [m for m in ms if not is_empty(raw.frame[m.position]).all()] if len(raw.frame) else []
    same = len(filled) > 1 and all(raw.frame[m.position].equals(raw.frame[filled[0].position]) for m in filled)
    if len(filled) == 1:
        chosen, why = filled[0], "as outras estão vazias"
    elif filled and not same and not (column.unit or column.type == "text"):
        return None
    else:
        pool = filled or ms
        ranks = [column.alias_rank(m.header) for m in pool]
        if ranks.count(min(ranks)) > 1 and not same:
            return None
        best = pool[ranks.index(min(ranks))]
        chosen, why = best, "têm os mesmos valores" if same else "o nome que o kit prefere para ela"
    others = " e ".join(repr(m.header) for m in ms if m is not chosen)
    problem(
        "warning",
        f"as colunas {chosen.header!r} e {others} querem dizer {column.name}: li {chosen.header!r} ({why})",
        row=raw.header_row,
        column=chosen.header,
        hint=f"se o certo era {others}, apague ou renomeie a coluna {chosen.header!r}",
    )
    return chosen


def _describe_columns(
    raw: Raw, schema: Schema, mapping: dict[str, HeaderMatch], aside: set[int], problem: Callable[..., None]
) -> None:
    """``info``: each header's column, type and unit factor; ignored and missing columns."""
    info = raw.info
    given = {m.position: (m.column, m.factor) for m in mapping.values()}
    matched = {
        i: given.get(i) or (None if i in aside else schema.match_header(h)) for i, h in enumerate(raw.headers) if h
    }
    info["columns"] = [
        {"header": raw.headers[i], "column": m[0] if m else None, "factor": (m or (None, 1.0))[1]}
        for i, m in matched.items()
    ]
    for entry in info["columns"]:
        if entry["column"]:
            entry["type"] = schema.column(entry["column"]).type
    info["ignored_columns"] = [raw.headers[i] for i, m in matched.items() if not m]
    info["missing_columns"] = [c.name for c in schema.columns if c.standard and c.name not in mapping]
    if info["missing_columns"]:
        problem("warning", f"coluna(s) padrão que não estão no arquivo: {', '.join(info['missing_columns'])}")


def _stripped_cells(frame: Any, schema: Schema, mapping: dict[str, HeaderMatch], facts: Any) -> dict[str, Any]:
    """Each mapped column's cells, text stripped once (numbers: pandas.to_numeric ignores surrounding spaces)."""
    numeric = {c.name for c in schema.columns if c.type in ("decimal", "int")}
    strip_rows = facts.rows_to_strip() if facts is not None else None
    if strip_rows is None:
        return {c: frame[m.position] if c in numeric else frame[m.position].str.strip() for c, m in mapping.items()}
    cells = {}  # only the rows the raw bytes show may carry surrounding whitespace
    for c, m in mapping.items():
        col = frame[m.position]
        if c not in numeric and len(strip_rows):
            col = _strip_rows(col, strip_rows)
        cells[c] = col
    return cells


def _blank_rows(frame: Any, cells: dict[str, Any], mapping: dict[str, HeaderMatch]) -> Any:
    """Bool mask of the rows with nothing in any cell. Each column is only looked at in the rows still blank."""
    import numpy as np

    n = len(frame)
    mapped_pos = {m.position for m in mapping.values()}
    candidates = np.arange(n)
    for col in [*cells.values(), *(frame[p] for p in frame.columns if p not in mapped_pos)]:
        if not len(candidates):
            break
        candidates = candidates[is_empty(col if len(candidates) == n else col.iloc[candidates])]
    blank = np.zeros(n, dtype=bool)
    blank[candidates] = True
    return blank


def _data_rows(raw: Raw, schema: Schema, mapping: dict[str, HeaderMatch], problem: Callable[..., None]) -> _Rows:
    """The rows that hold data: blank rows and trailer rows ("Total", "Gerado em ...") dropped."""
    import numpy as np

    frame, info = raw.frame, raw.info
    n = len(frame)
    rownum = np.arange(raw.first_data_row, raw.first_data_row + n, dtype="int64")
    facts = raw.facts
    cells = _stripped_cells(frame, schema, mapping, facts)
    blank = _blank_rows(frame, cells, mapping)
    # Trailer rows: "Total", "Gerado em ..." (or a totals line with no key) at the end.
    keep = ~blank
    trailer = trailer_rows(frame, keep, cells, schema)
    if trailer:
        keep[trailer] = False
        rows = [int(rownum[i]) for i in trailer]
        first_text = next((v for v in row_texts(frame, trailer[0]) if v), "")
        problem(
            "warning",
            f"{len(rows)} linha(s) de rodapé descartada(s) no fim dos dados (linha {rows[0]}: {first_text[:40]!r})",
            row=rows[0],
            rows=tuple(rows),
        )
    info["blank_rows"] = int(blank.sum())
    info["trailer_rows"] = len(trailer)
    kept = None if keep.all() else np.flatnonzero(keep)

    def rows_with(byte: bytes, position: int) -> Any:
        """Bool mask of the kept rows whose cell at ``position`` may hold ``byte`` (None: cannot tell)."""
        rows = facts.rows_with(byte, position) if facts is not None else None
        if rows is None:
            return None
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        return mask if kept is None else mask[kept]

    if kept is not None:
        cells = {c: s.iloc[kept].reset_index(drop=True) for c, s in cells.items()}
        rownum = rownum[kept]
        frame = frame.iloc[kept].reset_index(drop=True)
    if len(rownum) == 0:
        problem(
            "error",
            f"o arquivo tem cabeçalho (linha {raw.header_row}), mas nenhuma linha de dados",
            row=raw.header_row,
            hint="exporte os dados de novo; a exportação saiu vazia",
        )
    return _Rows(frame, cells, rownum, facts, rows_with)


def _huge_cells(raw: Raw, rows: _Rows, problem: Callable[..., None]) -> None:
    """Cells longer than a spreadsheet cell can be: usually an unclosed quote that swallowed the rows after it."""
    import numpy as np

    frame = rows.frame
    no_huge_cells = rows.facts is not None and rows.facts.lines_shorter_than(MAX_CELL_CHARS + 1)
    for pos in [] if no_huge_cells else frame.columns:
        if frame[pos].dtype.kind == "f":  # numbers read by the fast path
            continue
        lengths = frame[pos].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            i = int(np.argmax((lengths > MAX_CELL_CHARS).to_numpy()))
            header = raw.headers[pos] if pos < len(raw.headers) else str(pos)
            problem(
                "error",
                f"uma célula tem {count_pt(int(lengths.iloc[i]))} caracteres, mais que os "
                f"{count_pt(MAX_CELL_CHARS)} que uma célula de planilha comporta",
                row=int(rows.rownum[i]),
                column=header or None,
                hint="a exportação provavelmente está quebrada (uma aspa não fechada junta as linhas seguintes); "
                "exporte de novo",
            )


def _unnamed_cells(raw: Raw, rows: _Rows, problem: Callable[..., None]) -> None:
    """A column without a header that holds values: they are not read, and the reader says so."""
    import numpy as np

    for pos in rows.frame.columns:
        if pos < len(raw.headers) and raw.headers[pos]:
            continue
        column = rows.frame[pos]
        filled = ~is_empty(column if column.dtype.kind == "f" else column.fillna("").astype(str).str.strip())
        if filled.any():
            i = int(np.argmax(filled))
            letter = column_letter(int(pos))
            problem(
                "warning",
                f"a coluna {letter} não tem cabeçalho, mas tem valores em {int(filled.sum())} linha(s) "
                f"(linha {int(rows.rownum[i])}: {column.iloc[i]!r}); esses valores não são lidos",
                row=int(rows.rownum[i]),
                column=letter,
                rows=tuple(int(r) for r in rows.rownum[filled]),
                hint="dê um nome à coluna (ou apague os valores) e exporte de novo",
            )


def _convert_columns(
    raw: Raw, schema: Schema, mapping: dict[str, HeaderMatch], rows: _Rows, problem: Callable[..., None]
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every column of the schema, converted to its type (absent ones empty), with ``_row``; and empty cells."""
    import pandas as pd

    info, rownum = raw.info, rows.rownum
    out: dict[str, Any] = {}
    absent: dict[str, Any] = {}
    empty_cells: dict[str, int] = {}  # per column: cells with nothing in them (a text column's NaN)
    decimal_styles: dict[str, str] = {}
    default_style = info.get("default_decimal", "point")
    for col in schema.columns:
        if col.name not in mapping:
            # columns the file lacks share one all-empty array per type (copy-on-write keeps them apart)
            if col.type not in absent:
                absent[col.type] = empty_column(col.type, len(rownum))
            out[col.name] = absent[col.type]
            empty_cells[col.name] = len(rownum)
            continue
        m = mapping[col.name]
        empty = is_empty(rows.cells[col.name])
        empty_cells[col.name] = int(empty.sum())
        job = ColumnJob(
            col,
            m.header,
            m.factor,
            rownum,
            default_style,
            raw.cell_refs,
            source_position(raw, m.position),
            problem,
            rows.rows_with,
        )
        values, style = convert(rows.cells[col.name], job, empty)
        out[col.name] = values
        if style:
            decimal_styles[col.name] = style
    result = pd.DataFrame(out, copy=False)
    result["_row"] = rownum
    info["decimal"] = (
        "comma" if "comma" in decimal_styles.values() else "point" if "point" in decimal_styles.values() else "n/a"
    )
    info["decimal_by_column"] = decimal_styles
    info["empty_cells"] = empty_cells
    return result, empty_cells


def _required_values(
    result: pd.DataFrame,
    schema: Schema,
    mapping: dict[str, HeaderMatch],
    empty_cells: dict[str, int],
    rownum: Any,
    problem: Callable[..., None],
) -> None:
    """Every row needs a value in each required text column."""
    for col in schema.columns:
        if (
            col.required
            and not col.blank_cells
            and col.name in mapping
            and col.type in ("code", "text")
            and empty_cells[col.name]
        ):
            empty = result[col.name].isna().to_numpy()
            if empty.any():
                rows = tuple(int(r) for r in rownum[empty])
                problem(
                    "error",
                    f"{col.name} vazio na {rows_text(rows)}",
                    row=rows[0],
                    column=mapping[col.name].header,
                    rows=rows,
                    hint=f"toda linha precisa de {col.name}; preencha ou apague a linha",
                )


def _repeated_keys(
    result: pd.DataFrame, schema: Schema, mapping: dict[str, HeaderMatch], problem: Callable[..., None]
) -> None:
    """A key (``sku``, ``sku + warehouse``...) that appears on several rows."""
    key = [k for k in schema.key if k in mapping]
    if not key or not len(result):
        return
    dup = result.duplicated(subset=key, keep=False).to_numpy() & result[key].notna().all(axis=1).to_numpy()
    if not dup.any():
        return
    groups = result.loc[dup].groupby(key, sort=False, dropna=False)["_row"].apply(list)
    first_key, first_rows = next(iter(groups.items()))
    label = first_key if isinstance(first_key, tuple) else (first_key,)
    what = ", ".join(f"{k} {v!r}" for k, v in zip(key, label, strict=True))
    extra = len(groups) - 1
    problem(
        "error",
        f"{what} aparece mais de uma vez: {rows_text(tuple(first_rows))}"
        + (f" (e mais {extra} chave{'s' if extra > 1 else ''} repetida{'s' if extra > 1 else ''})" if extra else ""),
        row=int(first_rows[1]),
        column=mapping[key[0]].header,
        rows=tuple(int(r) for r in result.loc[dup, "_row"]),
        value=str(label[0]),
        hint=f"cada {' + '.join(key)} deve aparecer uma vez só; remova ou junte as linhas repetidas",
    )


def _strip_rows(col, rows):
    """``col`` with the text cells of ``rows`` stripped (a copy only when one changes)."""
    import numpy as np

    before = col.to_numpy(dtype=object)[rows]
    # str.strip() returns the very same object when there is nothing to strip
    changed = [k for k, v in enumerate(before) if isinstance(v, str) and v.strip() is not v]
    if not changed:  # most cells of a flagged row have nothing to strip
        return col
    col = col.copy()
    col.iloc[rows[changed]] = np.array([v.strip() for v in before[changed]], dtype=object)
    return col
