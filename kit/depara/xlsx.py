"""A mapping table in Excel: export for review, import back, nothing outside the lists.

:func:`export_xlsx` writes the table to a sheet named after the kind, with
headers a person reads ("Canal: status", "ERP: status", "Confirmado"...). Every
text cell is stored as text (a value starting with ``=``, ``+``, ``-`` or ``@``
stays a value, never a formula), keys keep their leading zeros. When the target
list is given, the target columns carry a dropdown (Excel data validation) of
its values, kept on a hidden sheet (``listas``): a reviewer cannot type a value
the ERP (or, for ``out`` kinds, the channel) does not have.

:func:`import_xlsx` reads it back (technical or pt-BR headers), names file,
sheet, row and column of any bad cell, and refuses target values outside the
list (the one given, else the workbook's hidden list), naming each row and value.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind
from kit.errors import InputDataError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["export_xlsx", "import_xlsx", "header_label", "LISTS_SHEET"]

LISTS_SHEET = "listas"
_XLSX_TEXT = "@"
# Rows below the table that still get the dropdown (a reviewer adding a row).
SPARE_ROWS = 200
# Values outside the list named in one error message; the rest are counted.
SHOWN_OUTSIDE = 10
_WORDS = {
    "carrier": "transportadora",
    "service": "serviço",
    "payment_method": "forma de pagamento",
    "status": "status",
    "category": "categoria",
    "attribute": "atributo",
    "value": "valor",
    "warehouse": "depósito",
    "price_table": "tabela de preço",
}
_META = {"method": "Método", "score": "Score", "confirmed": "Confirmado", "note": "Observação"}


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_label(column: str) -> str:
    """``erp_status`` -> ``ERP: status``; ``confirmed`` -> ``Confirmado``."""
    if column in _META:
        return _META[column]
    side, _, name = column.partition("_")
    return f"{'Canal' if side == 'channel' else 'ERP'}: {_WORDS.get(name, name)}"


def _side(kind: MappingKind) -> str:
    return "ERP" if kind.direction == "in" else "canal"


def _put_text(ws: Worksheet, row: int, column: int, value: str) -> Any:
    cell = ws.cell(row=row, column=column, value=value if value != "" else None)
    cell.number_format = _XLSX_TEXT
    if value != "":
        cell.data_type = "s"  # openpyxl makes "=..." a formula unless told it is text
    return cell


def _lists_sheet(wb: Any, kind: MappingKind, targets: Sequence[Sequence[str]]) -> dict[str, str]:
    """Write the allowed values on a hidden sheet; returns ``target column -> range formula``."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges = {}
    for c, col in enumerate(kind.target_columns):
        values = list(dict.fromkeys(_text(t[c]) for t in targets if _text(t[c])))
        _put_text(ws, 1, c + 1, col)
        for r, value in enumerate(values, start=2):
            _put_text(ws, r, c + 1, value)
        letter = get_column_letter(c + 1)
        ranges[col] = f"{LISTS_SHEET}!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def _dropdowns(ws: Worksheet, kind: MappingKind, ranges: dict[str, str], last_row: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    side = _side(kind)
    for c, col in enumerate(kind.columns, start=1):
        if col not in ranges:
            continue
        dv = DataValidation(type="list", formula1=ranges[col], allow_blank=True, showDropDown=False)
        dv.error = f"Escolha um valor da lista do {side}; deixe em branco enquanto estiver pendente."
        dv.errorTitle = f"Valor fora da lista do {side}"
        dv.prompt = f"Escolha na lista os valores que o {side} tem."
        dv.promptTitle = header_label(col)
        dv.showErrorMessage = True
        dv.showInputMessage = True
        letter = get_column_letter(c)
        dv.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(dv)


def export_xlsx(
    channel: str,
    kind: str | MappingKind,
    path: str | Path,
    *,
    table: pd.DataFrame | None = None,
    directory: str | Path | None = None,
    targets: Sequence[Sequence[str]] | None = None,
) -> Path:
    """Write the table to XLSX for review (see the module docstring).

    Args:
        channel: the channel whose table is exported (when ``table`` is not given).
        kind: the mapping kind.
        path: where to write.
        table: the table (default: the channel's saved table).
        directory: mappings directory.
        targets: every allowed target value (tuples for composite kinds): the
            target columns get a dropdown of them.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kit.depara.table import coerce_table, load_table
    from kit.store import atomic_write_bytes

    k = get_kind(kind)
    frame = coerce_table(k, table if table is not None else load_table(channel, k, directory=directory))
    wb = Workbook()
    ws = wb.active
    ws.title = k.name[:31]
    for c, col in enumerate(k.columns, start=1):
        _put_text(ws, 1, c, header_label(col)).font = Font(bold=True)
    text_cols = set(k.source_columns + k.target_columns + ("method", "note"))
    for r, row in enumerate(frame.to_dict("records"), start=2):
        for c, col in enumerate(k.columns, start=1):
            value = row[col]
            if col in text_cols:
                _put_text(ws, r, c, value)
            elif col == "score":
                ws.cell(row=r, column=c, value=None if math.isnan(value) else float(value))
            else:
                ws.cell(row=r, column=c, value=bool(value))
    if targets is not None:
        targets = [(t,) if isinstance(t, str) else tuple(t) for t in targets]
        _dropdowns(ws, k, _lists_sheet(wb, k, targets), len(frame) + 1 + SPARE_ROWS)
    ws.freeze_panes = "A2"
    for c, col in enumerate(k.columns, start=1):
        width = max([len(header_label(col))] + [len(_text(v)) for v in frame[col].tolist()]) + 2
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = min(width, 60)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(out, buf.getvalue())
    return out


def _open(file: str) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(file, data_only=True)
    except FileNotFoundError:
        raise InputDataError("arquivo não encontrado", file=file) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputDataError(
            f"não é uma planilha XLSX legível ({exc})", file=file, hint="salve o arquivo como .xlsx"
        ) from None


def _columns(kind: MappingKind, header: list[str], where: dict[str, Any]) -> dict[str, int]:
    """Table column -> position in the sheet, from technical or pt-BR headers."""
    known = {c.casefold(): c for c in kind.columns} | {header_label(c).casefold(): c for c in kind.columns}
    found = {}
    for pos, h in enumerate(header):
        col = known.get(h.strip().casefold())
        if col and col not in found:
            found[col] = pos
    for col in kind.source_columns + kind.target_columns:
        if col not in found:
            raise InputDataError(
                f"falta a coluna {header_label(col)!r}",
                row=1,
                column=header_label(col),
                hint="colunas esperadas: " + ", ".join(header_label(c) for c in kind.columns),
                **where,
            )
    return found


def _workbook_lists(wb: Any, kind: MappingKind) -> list[tuple[str, ...]] | None:
    """The allowed target values the export left on the hidden sheet, if it is there."""
    if LISTS_SHEET not in wb.sheetnames:
        return None
    rows = list(wb[LISTS_SHEET].iter_rows(values_only=True))
    if not rows:
        return None
    header = [_text(h) for h in rows[0]]
    per_column = []
    for col in kind.target_columns:
        if col not in header:
            return None
        pos = header.index(col)
        per_column.append({_text(r[pos]).strip() for r in rows[1:] if pos < len(r) and _text(r[pos]).strip()})
    return per_column  # type: ignore[return-value]


def _outside(
    kind: MappingKind, table: pd.DataFrame, allowed: Sequence[set[str]] | set[tuple[str, ...]], where: dict[str, Any]
) -> None:
    """Refuse target values outside the allowed ones, naming each row and value."""
    bad = []
    for r in table.to_dict("records"):
        target = tuple(r[c] for c in kind.target_columns)
        if not any(target):
            continue
        ok = (
            target in allowed if isinstance(allowed, set) else all(v in a for v, a in zip(target, allowed, strict=True))
        )
        if not ok:
            bad.append((r["_row"], " / ".join(target)))
    if not bad:
        return
    side = _side(kind)
    shown = "; ".join(f"linha {row}: {value!r}" for row, value in bad[:SHOWN_OUTSIDE])
    more = f" e mais {len(bad) - SHOWN_OUTSIDE}" if len(bad) > SHOWN_OUTSIDE else ""
    raise InputDataError(
        f"{len(bad)} valor(es) fora da lista do {side}: {shown}{more}",
        row=bad[0][0],
        column=header_label(kind.target_columns[0]),
        hint=f"escolha na lista suspensa da coluna os valores que o {side} tem, ou atualize a lista do {side}",
        **where,
    )


def import_xlsx(
    kind: str | MappingKind,
    path: str | Path,
    *,
    sheet: str | None = None,
    targets: Sequence[Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Read a table exported by :func:`export_xlsx` (and edited in Excel).

    Args:
        kind: the mapping kind.
        path: the workbook.
        sheet: the sheet (default: the kind's, else the first).
        targets: the allowed target values; default: the workbook's hidden list.

    Raises:
        InputDataError: the file, sheet, header or a cell is wrong, or a target
            value is outside the list; the error names file, sheet, row and column.
    """
    from kit.depara.table import coerce_table

    k = get_kind(kind)
    file = str(path)
    wb = _open(file)
    name = sheet or (k.name[:31] if k.name[:31] in wb.sheetnames else wb.sheetnames[0])
    if name not in wb.sheetnames:
        raise InputDataError(f"não há a aba {name!r}", file=file, sheet=name, hint="abas: " + ", ".join(wb.sheetnames))
    where = {"file": file, "sheet": name}
    rows = list(wb[name].iter_rows(values_only=True))
    if not rows:
        raise InputDataError("a aba está vazia", **where)
    positions = _columns(k, [_text(h) for h in rows[0]], where)
    data: dict[str, list[Any]] = {col: [] for col in positions}
    line_numbers = []
    keys = set(k.source_columns + k.target_columns)
    for r, values in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        line_numbers.append(r)
        for col, pos in positions.items():
            v = values[pos] if pos < len(values) else None
            if col in keys and isinstance(v, float) and not v.is_integer():
                raise InputDataError(
                    f"uma célula de chave tem o número {v!r}, não um texto",
                    row=r,
                    column=header_label(col),
                    hint="formate a coluna como texto no Excel",
                    **where,
                )
            data[col].append(v)
    frame = pd.DataFrame(data)
    frame["_row"] = line_numbers
    for col in k.source_columns:
        for row, v in zip(line_numbers, frame[col].tolist(), strict=True):
            if _text(v).strip() == "":
                raise InputDataError("célula de chave vazia", row=row, column=header_label(col), **where)
    try:
        table = coerce_table(k, frame, source=where)
    except InputDataError as exc:
        fields = {**exc.fields, "column": header_label(exc.column) if exc.column else None}
        raise InputDataError(exc.message, hint=exc.hint, **fields) from None
    table["_row"] = line_numbers
    if targets is not None:
        allowed: Any = {(t,) if isinstance(t, str) else tuple(_text(v).strip() for v in t) for t in targets}
        _outside(k, table, allowed, where)
    elif (lists := _workbook_lists(wb, k)) is not None:
        _outside(k, table, lists, where)
    return table.drop(columns="_row")
