"""The reader's entry points: :func:`read_table` and :func:`inspect_table`.

A read runs the stages in order: the file is recognised (CSV or XLSX, by its
content and extension), loaded into cells as text (:mod:`kit.sheets.delimited`
or :mod:`kit.sheets.workbook`), then built into the kind's canonical columns
(:mod:`kit.sheets.build`).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.sheets.build import build
from kit.sheets.delimited import load_csv
from kit.sheets.legacy import legacy_format
from kit.sheets.problems import Fatal, Problem, describe, raise_first
from kit.sheets.raw import Raw
from kit.sheets.schema import SCHEMAS, Schema, get_schema
from kit.sheets.sniff import SNIFF_BYTES
from kit.sheets.workbook import load_xlsx

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_table", "read_table_lenient", "inspect_table"]


log = logging.getLogger(__name__)
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
LEGACY_SUFFIXES = {".xls"}  # Excel 97-2003, or what web systems name so: an HTML table, a tab-separated text


def read_table(path: str | Path, kind: str | None = None, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read an ERP/store export (CSV or XLSX) into the canonical columns of ``kind``.

    Args:
        path: the file.
        kind: a kind registered in :mod:`kit.sheets.declarations`; ``None`` guesses it from the headers.
        sheet: XLSX sheet name, or 0-based position; ``None`` picks the sheet whose
            headers match the kind (a single-sheet workbook: that sheet).

    Returns:
        A DataFrame with every column of the schema (absent optional ones are empty),
        codes as text, numbers parsed, ``_row`` = the 1-based row number in the file,
        and ``df.attrs["source"] = {"file", "sheet"}`` (plus ``"kind"``, and
        ``"empty_cells"``: per column, how many cells are empty; a text column
        holds NaN exactly there).

    Raises:
        InputDataError: naming file/sheet/row/column of the first problem; its
            ``problems`` attribute lists every problem found (errors and warnings).
    """
    frame, _info, problems = _read(Path(path), kind, sheet)
    raise_first(problems)
    for p in problems:
        log.info("%s", describe(p))
    return frame


def read_table_lenient(
    path: str | Path, kind: str, *, columns: Iterable[str], sheet: str | int | None = None
) -> pd.DataFrame:
    """:func:`read_table` for a caller that can set one row aside (a sync job fails that SKU and sends the rest).

    An error confined to cells of ``columns`` (canonical names; a value that is not a number, negative,
    out of range...) does not raise: those cells come back empty, and ``frame.attrs["row_problems"]``
    maps each affected spreadsheet row to the reader's message. Every other error raises as in
    :func:`read_table`.
    """
    frame, info, problems = _read(Path(path), kind, sheet)
    wanted = set(columns)
    headers = {c["header"] for c in info.get("columns", []) if c.get("column") in wanted}
    cells = [p for p in problems if p.severity == "error" and p.rows and p.column in headers]
    raise_first([p for p in problems if not any(p is c for c in cells)])
    row_problems: dict[int, str] = {}
    for p in cells:
        for row in p.rows:
            same = "" if row == p.row else f" (o mesmo problema da linha {p.row})"
            row_problems.setdefault(row, f"{p.message}{same}")
    frame.attrs["row_problems"] = row_problems
    for p in problems:
        log.info("%s", describe(p))
    return frame


def inspect_table(path: str | Path, kind: str | None = None, sheet: str | int | None = None) -> dict[str, Any]:
    """What the reader understood of a file, without raising for row-level problems.

    Returns a JSON-friendly dict: ``file``, ``format``, ``encoding``, ``separator``,
    ``decimal``, ``sheet``, ``sheets``, ``kind``, ``kind_guessed``, ``header_row``,
    ``columns`` (original header -> canonical column, type, unit factor),
    ``missing_columns``, ``empty_cells`` (per column), ``dtypes``, ``rows``, ``blank_rows``, ``trailer_rows``,
    ``problems`` (list of dicts) and ``ok`` (no error-level problem).

    Raises:
        InputDataError: only when the file cannot be read at all (empty, corrupt,
            no recognisable header...); ``.problems`` is set.
    """
    frame, info, problems = _read(Path(path), kind, sheet)
    problems = sorted(problems, key=lambda p: (p.severity != "error", p.row or 0))
    info["problems"] = [p.to_dict() for p in problems]
    info["ok"] = not any(p.severity == "error" for p in problems)
    if frame is not None:
        info["rows"] = len(frame)
        info["dtypes"] = {c: str(t) for c, t in frame.dtypes.items()}
    return info


def _read(path: Path, kind: str | None, sheet: str | int | None) -> tuple[Any, dict[str, Any], list[Problem]]:
    schemas = [get_schema(kind)] if kind else [s for s in SCHEMAS.values() if s.guessable]
    try:
        with _collector_paused():
            try:
                raw, schema = _load(path, schemas, sheet)
            except OSError as exc:  # permissions, a file vanishing mid-read, a device error
                reason = exc.strerror or type(exc).__name__
                raise Fatal(
                    Problem("error", f"o arquivo não pôde ser lido: {reason}", str(path), hint="confira o arquivo")
                ) from None
            frame = build(raw, schema, path)
    except Fatal as fatal:
        exc = fatal.problem.to_error()
        exc.problems = [fatal.problem]
        raise exc from None
    raw.info["kind"] = schema.name
    raw.info["kind_guessed"] = kind is None
    if getattr(schema, "understood", ""):  # a value list read whatever its headers say
        raw.info["understood"] = schema.understood
    return frame, raw.info, raw.problems


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off during one read, and restored as it was.

    A read makes hundreds of thousands of objects (an XLSX sheet's cells come as
    one Python value each) and none of them in a reference cycle; the collector
    would run dozens of times over them for nothing (25-30 ms of CPU of an
    XLSX read of 30,000 rows, ``bench/bench_reader.py``). Whoever found it on
    turns it back on: two reads at once in two threads leave it as it was.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _load(path: Path, schemas: list[Schema], sheet: str | int | None) -> tuple[Raw, Schema]:
    name = str(path)
    if not path.exists():
        raise Fatal(Problem("error", "arquivo não encontrado", name, hint="confira o caminho"))
    if path.is_dir():
        raise Fatal(Problem("error", "isto é uma pasta, não um arquivo", name))
    size = path.stat().st_size
    if size == 0:
        raise Fatal(Problem("error", "o arquivo está vazio (0 bytes)", name, hint="exporte os dados de novo do ERP"))
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    suffix = path.suffix.lower()
    legacy = legacy_format(head)
    if legacy in ("xls", "ods") or (legacy == "html" and suffix in LEGACY_SUFFIXES):
        return load_xlsx(path, schemas, sheet)  # Excel 97-2003, LibreOffice, or an "Excel" export that is HTML
    if suffix == ".ods":
        raise Fatal(
            Problem(
                "error",
                "não é uma planilha .ods legível: o arquivo está danificado ou é outro formato renomeado",
                name,
                hint="abra no LibreOffice ou Excel e salve de novo (.ods, .xlsx ou CSV UTF-8)",
            )
        )
    if head.startswith(b"PK\x03\x04") or suffix in XLSX_SUFFIXES:
        if suffix not in XLSX_SUFFIXES | CSV_SUFFIXES | LEGACY_SUFFIXES:
            _unsupported(name, suffix)
        return load_xlsx(path, schemas, sheet)
    if suffix not in CSV_SUFFIXES | LEGACY_SUFFIXES:  # an .xls that is text: the CSV reader decides, as for .txt
        _unsupported(name, suffix)
    if sheet is not None:
        raise Fatal(
            Problem("error", f"um arquivo CSV não tem abas (foi pedida a aba {sheet!r})", name, hint="tire a aba")
        )
    return load_csv(path, head, size, schemas)


def _unsupported(name: str, suffix: str) -> None:
    raise Fatal(
        Problem(
            "error",
            f"tipo de arquivo não suportado {suffix or '(sem extensão)'!r}",
            name,
            hint="exporte os dados como .csv (UTF-8, separado por ';') ou .xlsx",
        )
    )
