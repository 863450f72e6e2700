"""One reader for ERP and store exports: CSV and XLSX into canonical DataFrames.

:func:`read_table` reads a file into the canonical columns of a kind declared in
:mod:`kit.schemas` (``products``, ``stock``, ``prices``, ``shipments`` and the
value lists). It deals with what real exports look like:

* encodings: UTF-8, UTF-8 with BOM, UTF-16 ("Unicode text"), cp1252/latin-1;
  a file mixing encodings is refused, naming the rows;
* separators ``;`` ``,`` tab ``|``; an unknown one is named;
* decimal comma and thousands dot (``1.234,56``), or the US style, per column;
  a column mixing both is refused;
* codes (SKU, EAN, NCM...) kept as text with their leading zeros; an EAN that
  Excel turned into ``7,89123E+12`` is reported (its digits are lost);
* title rows above the header, merged header cells, blank rows, trailer rows
  (``Total``, ``Gerado em ...``), several sheets, formulas (cached values);
* every problem names file, sheet, row and column, and says what to fix.

Problems are collected (not raised one by one): :func:`read_table` raises one
:class:`~kit.errors.InputDataError` for the first error, with ``.problems``
listing all of them; :func:`inspect_table` returns what the reader understood.

Row numbers (``_row``, and ``row`` in every message) are the rows a spreadsheet
shows: 1-based, the header's row included, a quoted value spanning lines counted
once. The kind ``listings`` reads a store's export with the products columns but
lets a SKU repeat (the go-live check reports repeats as findings).

Cost: the C parser reads number columns whose sampled values are plain numbers
(``bench/bench_reader.py`` compares with bare ``pandas.read_csv(dtype=str)``);
everything else is vectorised pandas on text, with no per-row Python on the
happy path. XLSX goes through openpyxl's read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import InputDataError
from kit.schemas import SCHEMAS, Schema, get_schema, normalize_header

if TYPE_CHECKING:  # pandas is imported lazily: the CLI must start without it
    from collections.abc import Callable

    import pandas as pd

__all__ = [
    "MAX_CELL_CHARS",
    "HEADER_SEARCH_ROWS",
    "Problem",
    "read_table",
    "inspect_table",
    "problems_frame",
]

log = logging.getLogger(__name__)

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
HEADER_SEARCH_ROWS = 30  # title rows an export may carry above its header
SNIFF_BYTES = 256 * 1024  # enough lines to detect encoding, separator and header
TRAILER_SEARCH_ROWS = 20
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SEPARATORS = (";", ",", "\t", "|")  # tie-break order: ';' is the Brazilian ERP default
_SEP_NAMES = {";": "';'", ",": "','", "\t": "tab", "|": "'|'"}

_TRUE = {
    "sim", "s", "ativo", "ativa", "1", "true", "t", "yes", "y", "verdadeiro", "v", "x", "habilitado", "on",
    "active", "enabled", "1.0",
}  # fmt: skip
_FALSE = {
    "nao", "não", "n", "inativo", "inativa", "0", "false", "f", "no", "falso", "desabilitado", "off",
    "inactive", "disabled", "pausado", "paused", "0.0",
    # listing states a store export may give in its status column
    "closed", "encerrado", "bloqueado", "blocked", "suspenso", "suspended", "excluido", "excluído", "deleted",
}  # fmt: skip
_BOOLS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}

# Excel's scientific notation for a long number: "7,89123E+12", "7.89123E+12". A digits-only
# code (EAN, NCM) in any exponent form is also one; a SKU such as "12E5" may be a real code.
_SCI_EXCEL = r"^[+-]?\d[.,]\d+[eE]\+\d+$"
_SCI_DIGITS = r"^[+-]?\d+(?:[.,]\d+)?[eE]\+\d+$"
_BR_THOUSANDS = r"^[+-]?\d{1,3}(?:\.\d{3})+$"  # "1.234" "12.345.678"
_US_THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+$"  # "1,234"
# Footer rows at the end of an export. A whole first cell such as "Total" / "Total geral", or a
# phrase such as "Gerado em 01/02/2025"; never a value that merely starts with one ("Total Express").
_FOOTER_CELL = re.compile(
    r"^(total|totais|total geral|subtotal|soma|fim|registros|qtd registros|qtde registros|"
    r"quantidade registros|quantidade itens|quantidade produtos|numero registros|total registros|"
    r"total itens|total produtos|total skus)( \d+)?$"
)
_FOOTER_PHRASE = re.compile(
    r"^(gerado|gerada|emitido|emitida|impresso|impressa|exportado|exportada|relatorio gerado|pagina \d|"
    r"data geracao|data hora geracao|usuario|registros \d|total \d)"
)


@dataclass(slots=True)
class Problem:
    """One thing wrong (or worth knowing) about an input file.

    ``rows`` lists every affected row (1-based, as a spreadsheet shows them);
    ``row`` is the first.
    """

    severity: str  # "error" | "warning"
    message: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    rows: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rows"] = list(self.rows[:50])
        d["rows_count"] = len(self.rows)
        return d

    def to_error(self, extra: int = 0) -> InputDataError:
        message = self.message
        if extra:
            message += f" (and {extra} more problem{'s' if extra > 1 else ''}; `kit inspect` lists them all)"
        return InputDataError(
            message, hint=self.hint, file=self.file, sheet=self.sheet, row=self.row, column=self.column
        )


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a DataFrame with fixed columns (for notebooks and reports)."""
    import pandas as pd

    cols = ["severity", "message", "file", "sheet", "row", "column", "value", "hint", "rows_count"]
    return pd.DataFrame([p.to_dict() for p in problems], columns=cols)


def _raise(problems: list[Problem]) -> None:
    errors = sorted((p for p in problems if p.severity == "error"), key=lambda p: p.row or 0)
    if not errors:
        return
    exc = errors[0].to_error(len(errors) - 1)
    exc.problems = errors + [p for p in problems if p.severity != "error"]
    raise exc


class _Fatal(Exception):
    """Internal: the file cannot be read any further."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(slots=True)
class _Raw:
    """A file's cells as text, before the schema is applied."""

    headers: list[str]
    header_row: int  # 1-based
    frame: Any  # DataFrame of str with positional columns: data rows only
    first_data_row: int  # 1-based row number of frame's first row
    info: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    cell_refs: bool = False  # XLSX: messages may name cells (D5)
    merged_header: list[tuple[str, int, int]] = field(default_factory=list)  # (range, first col, last col)


# --- entry points -----------------------------------------------------------------------------


def read_table(path: str | Path, kind: str | None = None, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read an ERP/store export (CSV or XLSX) into the canonical columns of ``kind``.

    Args:
        path: the file.
        kind: a kind registered in :mod:`kit.schemas`; ``None`` guesses it from the headers.
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
    _raise(problems)
    for p in problems:
        log.info("%s", _describe(p))
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


def _describe(p: Problem) -> str:
    where = ", ".join(
        f"{k} {v}" for k, v in (("file", p.file), ("sheet", p.sheet), ("row", p.row), ("column", p.column)) if v
    )
    return f"{p.message} ({where})"


def _read(path: Path, kind: str | None, sheet: str | int | None) -> tuple[Any, dict[str, Any], list[Problem]]:
    schemas = [get_schema(kind)] if kind else [s for s in SCHEMAS.values() if s.guessable]
    try:
        try:
            raw, schema = _load(path, schemas, sheet)
        except OSError as exc:  # permissions, a file vanishing mid-read, a device error
            reason = exc.strerror or type(exc).__name__
            raise _Fatal(
                Problem("error", f"cannot read the file: {reason}", str(path), hint="check the file")
            ) from None
        frame = _build(raw, schema, path)
    except _Fatal as fatal:
        exc = fatal.problem.to_error()
        exc.problems = [fatal.problem]
        raise exc from None
    raw.info["kind"] = schema.name
    raw.info["kind_guessed"] = kind is None
    return frame, raw.info, raw.problems


# --- loading: bytes -> cells as text ----------------------------------------------------------


def _load(path: Path, schemas: list[Schema], sheet: str | int | None) -> tuple[_Raw, Schema]:
    name = str(path)
    if not path.exists():
        raise _Fatal(Problem("error", "file not found", name, hint="check the path"))
    if path.is_dir():
        raise _Fatal(Problem("error", "this is a directory, not a file", name))
    size = path.stat().st_size
    if size == 0:
        raise _Fatal(Problem("error", "the file is empty (0 bytes)", name, hint="export the data again from the ERP"))
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise _Fatal(
            Problem(
                "error",
                "old Excel format (.xls) is not supported",
                name,
                hint="open it in Excel or LibreOffice and save it as .xlsx, or as CSV (UTF-8)",
            )
        )
    if head.startswith(b"PK\x03\x04") or suffix in XLSX_SUFFIXES:
        if suffix not in XLSX_SUFFIXES | CSV_SUFFIXES:
            _unsupported(name, suffix)
        return _load_xlsx(path, schemas, sheet)
    if suffix not in CSV_SUFFIXES:
        _unsupported(name, suffix)
    if sheet is not None:
        raise _Fatal(
            Problem("error", f"a CSV file has no sheets (sheet {sheet!r} was asked for)", name, hint="drop the sheet")
        )
    return _load_csv(path, head, size, schemas)


def _unsupported(name: str, suffix: str) -> None:
    raise _Fatal(
        Problem(
            "error",
            f"unsupported file type {suffix or '(no extension)'!r}",
            name,
            hint="export the data as .csv (UTF-8, ';' separated) or .xlsx",
        )
    )


def _detect_encoding(head: bytes, name: str) -> tuple[str, str]:
    """(codec for reading, name to show)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head[:65536]).best()
    guess = (best.encoding if best else "") or ""
    if guess.startswith(("utf_16", "utf_32")):
        return guess, guess
    # Brazilian exports that are not UTF-8 are Windows-1252 (latin-1 when cp1252 has holes);
    # the detector's cp1250/mac guesses for short Portuguese text are wrong more often than not.
    try:
        head.decode("cp1252")
        return "cp1252", "cp1252"
    except UnicodeDecodeError:
        return "latin-1", "latin-1"


def _check_binary(text: str, name: str) -> None:
    sample = text[:20000]
    if not sample:
        return
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    if "\x00" in sample or control / len(sample) > 0.01:
        raise _Fatal(
            Problem(
                "error",
                "the file is not text: it has binary content",
                name,
                hint="it is probably another format renamed to .csv; export the data again as CSV or .xlsx",
            )
        )


def _mixed_encoding(data: bytes, name: str, bom: bool) -> None:
    """Raise if some lines are UTF-8 and others are not (or a UTF-8 BOM lies)."""
    if not bom and not re.search(rb"[\xc2-\xf4][\x80-\xbf]", data):
        return  # no UTF-8 multi-byte sequence anywhere: one legacy encoding throughout
    utf8_row = other_row = None
    lines = data.split(b"\n")
    for i, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_row = utf8_row or i
        except UnicodeDecodeError as exc:
            if i == len(lines) and exc.reason == "unexpected end of data" and not other_row:
                raise _Fatal(
                    Problem(
                        "error",
                        f"the file ends in the middle of a character (row {i}): it looks truncated",
                        name,
                        row=i,
                        hint="export or download the file again",
                    )
                ) from None
            other_row = other_row or i
        if other_row and (utf8_row or bom):
            break
    if other_row and bom:
        raise _Fatal(
            Problem(
                "error",
                f"the file declares UTF-8 (it starts with a UTF-8 byte-order mark) but row {other_row} is not "
                "UTF-8 (it looks like Windows-1252/latin-1)",
                name,
                row=other_row,
                hint="re-save the whole file in one encoding, preferably 'CSV UTF-8'",
            )
        )
    if other_row and utf8_row:
        raise _Fatal(
            Problem(
                "error",
                f"the file mixes encodings: row {utf8_row} is UTF-8 but row {other_row} is not "
                "(it looks like Windows-1252/latin-1)",
                name,
                row=other_row,
                hint="the file was probably assembled from two exports; re-save it in one encoding, preferably UTF-8",
            )
        )


def _detect_separator(lines: list[str], name: str) -> str | None:
    """The separator giving the most consistent field count >1; None for one-column files."""
    lines = [ln for ln in lines if ln.strip()][:50]
    best: tuple[float, int, str] | None = None
    for rank, sep in enumerate(SEPARATORS):
        counts = [_field_count(ln, sep) for ln in lines]  # line by line: an unclosed quote stays local
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode <= 1:
            continue
        consistency = counts.count(mode) / len(counts)
        score = (consistency, -rank, sep)
        if best is None or score > best:
            best = score
    if best is not None:
        return best[2]
    # One column, or a separator the reader does not know: name it.
    header = lines[0] if lines else ""
    for ch in sorted({c for c in header if not c.isalnum() and c not in " \"'._-()/%$ºª°"}, key=header.count)[::-1]:
        per_line = [ln.count(ch) for ln in lines]
        if per_line[0] >= 1 and sum(1 for c in per_line if c == per_line[0]) >= max(2, 0.8 * len(per_line)):
            raise _Fatal(
                Problem(
                    "error",
                    f"unknown column separator {ch!r}: the reader understands ';' ',' tab and '|'",
                    name,
                    row=1,
                    hint="export the file again with ';' as the separator",
                )
            )
    return None


def _field_count(line: str, sep: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=sep), []))
    except csv.Error:
        return line.count(sep) + 1


def _load_csv(path: Path, head: bytes, size: int, schemas: list[Schema]) -> tuple[_Raw, Schema]:
    import pandas as pd

    name = str(path)
    codec, shown = _detect_encoding(head, name)
    data: bytes | None = None
    if codec not in ("utf-8", "utf-8-sig"):
        data = path.read_bytes()
        if codec == "cp1252" or codec == "latin-1":
            _mixed_encoding(data, name, bom=False)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            codec, shown = "latin-1", "latin-1"
            text = data.decode(codec)
        sample = text[:SNIFF_BYTES]
    else:
        try:
            sample = codecs.getincrementaldecoder(codec)().decode(head, final=size <= SNIFF_BYTES)
        except UnicodeDecodeError:  # a BOM that lies, or a multi-byte char cut at the end of the file
            _mixed_encoding(path.read_bytes(), name, bom=codec == "utf-8-sig")
            sample = head.decode(codec, errors="replace")
        text = None
    _check_binary(sample, name)
    lines = sample.splitlines()
    if size > SNIFF_BYTES and lines:
        lines = lines[:-1]  # the last sampled line may be cut
    if not any(ln.strip().strip(";,\t|") for ln in lines):
        raise _Fatal(Problem("error", "the file has no content: every row is blank", name, hint="export it again"))
    sep = _detect_separator(lines, name)
    records: list[list[str]] = []
    line_of: list[int] = []  # physical line where each record ends
    reader = csv.reader(io.StringIO("\n".join(lines[: HEADER_SEARCH_ROWS * 4])), delimiter=sep or "\x1f")
    try:
        for rec in reader:
            records.append(rec)
            line_of.append(reader.line_num)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    hdr_idx, schema = _find_header(records, schemas, name, None)
    headers = [h.strip() for h in records[hdr_idx]]
    header_line = line_of[hdr_idx]
    info = {
        "file": name,
        "format": "csv",
        "encoding": shown,
        "separator": _SEP_NAMES.get(sep or "", "(one column)"),
        "sheet": None,
        "sheets": None,
        "header_row": header_line,
    }
    kwargs: dict[str, Any] = dict(
        sep=sep or "\x1f",
        header=None,
        names=list(range(len(headers))),
        skiprows=header_line,
        dtype=str,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        index_col=False,
    )
    default_style = "comma" if sep in (";", "\t", "|") else "point"
    info["default_decimal"] = default_style
    sample_rows = _sample_records(lines, header_line, sep)
    # The raw bytes, for the byte facts: copied from the page cache while the parser works.
    raw_bytes = _read_in_background(path) if data is None else None
    frame = _read_csv_typed(
        path if text is None else io.StringIO(text), codec, kwargs, schema, headers, default_style, sample_rows
    )
    if frame is None:
        try:
            if text is None:
                try:
                    frame = pd.read_csv(path, encoding=codec, encoding_errors="strict", **kwargs)
                except UnicodeDecodeError:
                    data = path.read_bytes()
                    _mixed_encoding(data, name, bom=codec == "utf-8-sig")
                    codec, shown = "cp1252", "cp1252"
                    info["encoding"] = shown
                    frame = pd.read_csv(io.StringIO(data.decode(codec, errors="replace")), **kwargs)
            else:
                frame = pd.read_csv(io.StringIO(text), **kwargs)
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame({i: pd.Series([], dtype=str) for i in range(len(headers))})
        except pd.errors.ParserError as exc:
            raise _Fatal(_parser_problem(str(exc), name, len(headers), header_line, sep)) from None
    from kit.bytescan import ByteFacts

    blob = data if data is not None else raw_bytes.result()  # raw_bytes is set whenever data is None
    if codec == "utf-8-sig" and blob.startswith(codecs.BOM_UTF8):
        blob = blob[len(codecs.BOM_UTF8) :]
    info["byte_facts"] = ByteFacts(blob, sep or "\x1f", codec, header_line, len(frame))
    return _Raw(headers, header_line, frame, header_line + 1, info), schema


def _read_in_background(path: Path):
    """``path.read_bytes()`` in a thread (reading releases the GIL): a Future; its errors come out of result()."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-read-bytes")
    try:
        return pool.submit(path.read_bytes)
    finally:
        pool.shutdown(wait=False)  # the one task still runs; no thread is left behind after it


def _sample_records(lines: list[str], header_line: int, sep: str | None) -> list[list[str]]:
    """Data records from the sniffed part of the file (to choose which columns the C parser reads)."""
    sample = lines[header_line : header_line + 2000]
    try:
        return list(csv.reader(sample, delimiter=sep or "\x1f"))
    except csv.Error:
        return []


_PLAIN_NUMBER = {
    "comma": re.compile(r"\s*\d+(?:,\d+)?\s*"),  # what the C parser reads with decimal=","
    "point": re.compile(r"\s*\d+(?:\.\d+)?\s*"),
}


def _read_csv_typed(source, codec, kwargs, schema, headers, default_style, sample_rows):
    """Fast path: let the C parser read the number columns; None when the file needs the careful path.

    A number column whose sampled values are all plain numbers in the file's decimal
    style (no thousands separators, no currency) is read by the C parser; the others
    stay text for the careful path. If a typed column then holds anything else (a
    bad value, a negative or fraction where not allowed) the whole file is re-read
    as text, where each problem gets its message.
    """
    import numpy as np
    import pandas as pd

    matches = schema.match_headers(headers)
    count: dict[str, int] = {}
    for m in matches:
        count[m.column] = count.get(m.column, 0) + 1
    numeric = {
        m.position: schema.column(m.column)
        for m in matches
        if schema.column(m.column).type in ("decimal", "int") and count[m.column] == 1
    }
    plain = _PLAIN_NUMBER[default_style]
    for pos in list(numeric):
        values = [r[pos] for r in sample_rows if pos < len(r) and r[pos]]
        if not all(plain.fullmatch(v) for v in values):
            del numeric[pos]  # "1.234,56", "R$ 5,00", "-3"...: the text path decides
    if not numeric:
        return None
    typed = dict(kwargs)
    typed.update(
        dtype={i: ("float64" if i in numeric else str) for i in range(len(headers))},
        decimal="," if default_style == "comma" else ".",
        na_filter=True,
        na_values={i: [""] for i in numeric},
    )
    if isinstance(source, io.StringIO):
        source.seek(0)
    else:
        typed.update(encoding=codec, encoding_errors="strict")
    try:
        frame = pd.read_csv(source, **typed)
    except (ValueError, TypeError, UnicodeDecodeError):  # ParserError is a ValueError
        return None
    finally:
        if isinstance(source, io.StringIO):
            source.seek(0)
    for pos, col in numeric.items():
        arr = frame[pos].to_numpy()
        if not np.isfinite(arr[~np.isnan(arr)]).all():
            return None
        if col.min_value is not None and (arr < col.min_value).any():
            return None
        if col.type == "int" and (np.floor(arr) != arr)[~np.isnan(arr)].any():
            return None
    # Cells missing at the end of short rows are NaN in the text columns. A row short of
    # one column is short of every later one, so from the last text column back, the
    # first column without NaN proves the earlier ones have none either.
    for pos in reversed([p for p in frame.columns if p not in numeric]):
        if not frame[pos].hasnans:
            break
        frame[pos] = frame[pos].fillna("")
    return frame


def _parser_problem(message: str, name: str, ncols: int, header_line: int, sep: str | None) -> Problem:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if m:
        row, saw = int(m.group(2)), int(m.group(3))
        return Problem(
            "error",
            f"row {row} has {saw} cells but the header (row {header_line}) has {ncols} columns",
            name,
            row=row,
            hint=f"a value probably contains the separator {_SEP_NAMES.get(sep or '', sep)} without quotes; "
            "quote that value or remove the extra cells",
        )
    m = re.search(r"EOF inside string starting at row (\d+)", message)
    if m:
        row = int(m.group(1)) + 1
        return Problem(
            "error",
            f'a quoted value that starts at row {row} is never closed (a lone " character)',
            name,
            row=row,
            hint='close the quote, or double the " characters inside the value ("")',
        )
    return Problem("error", f"the CSV cannot be parsed: {message}", name, hint="export it again from the ERP")


def _find_header(rows: list[list[Any]], schemas: list[Schema], name: str, sheet: str | None) -> tuple[int, Schema]:
    """The header row (index into ``rows``) and schema: best match, earliest on ties."""
    complete: list[tuple[int, int, Schema]] = []  # (score, -index, schema)
    partial: list[tuple[int, int, Schema, list[str]]] = []
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(str(c).strip() for c in cells):
            continue
        for schema in schemas:
            score, missing = schema.score(list(cells))
            if score == 0:
                continue
            if missing:
                partial.append((score, -i, schema, missing))
            else:
                complete.append((score, -i, schema))
    if complete:
        best = max(complete, key=lambda t: (t[0], t[1]))
        ties = sorted({s.name for sc, neg, s in complete if sc == best[0] and neg == best[1]})
        if len(ties) > 1:
            found = _found_headers(rows[-best[1]])
            raise _Fatal(
                Problem(
                    "error",
                    f"cannot tell which kind of file this is: its headers ({found}) fit {' and '.join(ties)} equally",
                    name,
                    sheet=sheet,
                    row=-best[1] + 1,
                    hint=f"say which kind it is (kind=... or --kind {ties[0]})",
                )
            )
        return -best[1], best[2]
    first = next((i for i, cells in enumerate(rows) if any(str(c).strip() for c in cells)), 0)
    if partial:
        best_p = max(partial, key=lambda t: (t[0], t[1]))
        row_idx = -best_p[1]
    else:
        row_idx = first
    found = _found_headers(rows[row_idx]) if rows else "none"
    if len(schemas) == 1:
        schema = schemas[0]
        missing = schema.score(list(rows[row_idx]))[1] if rows else schema.required
        raise _Fatal(
            Problem(
                "error",
                f"missing required column(s) {', '.join(missing)} for a {schema.name} file; headers found: {found}",
                name,
                sheet=sheet,
                row=row_idx + 1,
                hint="rename the header(s) or add the column(s); accepted names for "
                + "; ".join(f"{m}: {_alias_examples(schema, m)}" for m in missing),
            )
        )
    close = sorted(partial, key=lambda t: (-t[0], -t[1]))
    seen: list[str] = []
    for _score, _neg, s, missing in close:
        label = f"{s.name} (missing {', '.join(missing)})"
        if s.name not in {x.split(" ")[0] for x in seen}:
            seen.append(label)
    raise _Fatal(
        Problem(
            "error",
            f"cannot tell which kind of file this is; headers found: {found}"
            + (f"; closest kinds: {'; '.join(seen[:3])}" if seen else "; no known column"),
            name,
            sheet=sheet,
            row=row_idx + 1,
            hint="say which kind it is (--kind K) and name the columns as the ERP does; kinds: " + ", ".join(SCHEMAS),
        )
    )


def _found_headers(cells: list[Any]) -> str:
    shown = [repr(str(c).strip()[:40]) for c in cells if str(c).strip()]
    text = ", ".join(shown[:15]) + (", ..." if len(shown) > 15 else "")
    return text or "none"


def _alias_examples(schema: Schema, column: str) -> str:
    col = schema.column(column)
    return " / ".join([col.name, *col.aliases[:3]])


# --- XLSX -------------------------------------------------------------------------------------


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


def _load_xlsx(path: Path, schemas: list[Schema], sheet: str | int | None) -> tuple[_Raw, Schema]:
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
        raise _Fatal(
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
        raise _Fatal(
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
        raise _Fatal(Problem("error", "the sheet is empty", name, sheet=title, hint="pick the sheet with the data"))
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
    hdr_idx, schema = _find_header(filled, schema_hint or schemas, name, title)
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
    raw = _Raw(headers, header_row, frame, header_row + 1, info, problems, cell_refs=True)
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
            raise _Fatal(
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
        raise _Fatal(
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
            idx, schema = _find_header(top, schemas, name, title)
        except _Fatal:
            first = next((r for r in top if any(c.strip() for c in r)), [])
            seen_headers.append(f"{title!r} ({_found_headers(first)})")
            continue
        matches.append((schema.score(top[idx])[0], title, schema))
    if not matches:
        kinds = " or ".join(s.name for s in schemas) if len(schemas) < 3 else "any known kind"
        raise _Fatal(
            Problem(
                "error",
                f"no sheet has the headers of {kinds}; sheets: {'; '.join(seen_headers) or ', '.join(sheets)}",
                name,
                hint="pick the sheet (sheet=... / --sheet NAME) or fix its headers",
            )
        )
    matches.sort(key=lambda m: -m[0])
    if len(matches) > 1 and matches[0][0] == matches[1][0]:
        raise _Fatal(
            Problem(
                "error",
                f"several sheets fit: {', '.join(repr(m[1]) for m in matches if m[0] == matches[0][0])}",
                name,
                hint="pick one with sheet=... / --sheet NAME",
            )
        )
    return wb[matches[0][1]], [matches[0][2]]


# --- building: cells as text -> canonical DataFrame -------------------------------------------


def _build(raw: _Raw, schema: Schema, path: Path) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    name = str(path)
    sheet = raw.info.get("sheet")
    problems = raw.problems
    frame = raw.frame
    info = raw.info

    def problem(severity: str, message: str, **kw: Any) -> None:
        problems.append(Problem(severity, message, name, sheet=sheet, **kw))

    matches = schema.match_headers(raw.headers)
    for ref, c0, c1 in raw.merged_header:
        problem(
            "error",
            f"header cell {ref} is merged across {c1 - c0 + 1} columns ({raw.headers[c0]!r}): "
            "each column needs its own header",
            row=raw.header_row,
            column=raw.headers[c0],
            hint="unmerge the header cells and give each column its own name (e.g. Altura, Largura, Comprimento)",
        )
    by_col: dict[str, list] = {}
    for m in matches:
        by_col.setdefault(m.column, []).append(m)
    for col, ms in by_col.items():
        if len(ms) > 1:
            problem(
                "error",
                f"columns {' and '.join(repr(m.header) for m in ms)} both mean {col}: keep only one",
                row=raw.header_row,
                column=ms[1].header,
                hint="delete or rename the extra column",
            )
    mapping = {m.column: by_col[m.column][0] for m in matches}
    missing = [c for c in schema.required if c not in mapping]
    if missing:  # _find_header guarantees this does not happen; keep the invariant visible
        raise _Fatal(Problem("error", f"missing required column(s) {', '.join(missing)}", name, sheet=sheet))
    info["columns"] = [
        {
            "header": h,
            "column": schema.match_header(h)[0] if schema.match_header(h) else None,
            "factor": (schema.match_header(h) or (None, 1.0))[1],
        }
        for h in raw.headers
        if h
    ]
    for entry in info["columns"]:
        if entry["column"]:
            entry["type"] = schema.column(entry["column"]).type
    info["ignored_columns"] = [h for h in raw.headers if h and not schema.match_header(h)]
    info["missing_columns"] = [c.name for c in schema.columns if c.standard and c.name not in mapping]
    if info["missing_columns"]:
        problem("warning", f"standard column(s) not in the file: {', '.join(info['missing_columns'])}")

    n = len(frame)
    rownum = np.arange(raw.first_data_row, raw.first_data_row + n, dtype="int64")
    # Strip text cells once (numbers: pandas.to_numeric ignores surrounding spaces).
    numeric = {c.name for c in schema.columns if c.type in ("decimal", "int")}
    facts = info.pop("byte_facts", None)
    strip_rows = facts.rows_to_strip() if facts is not None else None
    if strip_rows is not None:  # only the rows the raw bytes show may carry surrounding whitespace
        cells = {}
        for c, m in mapping.items():
            col = frame[m.position]
            if c not in numeric and len(strip_rows):
                col = _strip_rows(col, strip_rows)
            cells[c] = col
    else:
        cells = {c: frame[m.position] if c in numeric else frame[m.position].str.strip() for c, m in mapping.items()}
    # Blank rows: nothing in any cell. Each column is only looked at in the rows still blank.
    mapped_pos = {m.position for m in mapping.values()}
    candidates = np.arange(n)
    for col in [*cells.values(), *(frame[p] for p in frame.columns if p not in mapped_pos)]:
        if not len(candidates):
            break
        candidates = candidates[_is_empty(col if len(candidates) == n else col.iloc[candidates])]
    blank = np.zeros(n, dtype=bool)
    blank[candidates] = True
    # Trailer rows: "Total", "Gerado em ..." (or a totals line with no key) at the end.
    keep = ~blank
    trailer = _trailer_rows(frame, keep, cells, schema)
    if trailer:
        keep[trailer] = False
        rows = [int(rownum[i]) for i in trailer]
        first_text = next((v for v in _row_texts(frame, trailer[0]) if v), "")
        problem(
            "warning",
            f"dropped {len(rows)} trailer row(s) at the end of the data (row {rows[0]}: {first_text[:40]!r})",
            row=rows[0],
            rows=tuple(rows),
        )
    info["blank_rows"] = int(blank.sum())
    info["trailer_rows"] = len(trailer)
    kept = None if keep.all() else np.flatnonzero(keep)

    def rows_with(byte: bytes) -> Any:
        """Bool mask of the kept rows whose line holds ``byte`` (None: cannot tell)."""
        rows = facts.rows_with(byte) if facts is not None else None
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
            f"the file has a header (row {raw.header_row}) but no data rows",
            row=raw.header_row,
            hint="export the data again; the export came out empty",
        )
    # Huge cells (any column): usually an unclosed quote that swallowed the rows after it.
    no_huge_cells = facts is not None and facts.lines_shorter_than(MAX_CELL_CHARS + 1)
    for pos in [] if no_huge_cells else frame.columns:
        if frame[pos].dtype.kind == "f":  # numbers read by the fast path
            continue
        lengths = frame[pos].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            i = int(np.argmax((lengths > MAX_CELL_CHARS).to_numpy()))
            header = raw.headers[pos] if pos < len(raw.headers) else str(pos)
            problem(
                "error",
                f"a cell has {int(lengths.iloc[i]):,} characters, more than the {MAX_CELL_CHARS:,} a spreadsheet "
                "cell can hold",
                row=int(rownum[i]),
                column=header or None,
                hint="the export is probably broken (an unclosed quote joins the rows after it); export it again",
            )
    out: dict[str, Any] = {}
    absent: dict[str, Any] = {}
    empty_cells: dict[str, int] = {}  # per column: cells with nothing in them (a text column's NaN)
    decimal_styles: dict[str, str] = {}
    default_style = info.get("default_decimal", "point")
    for col in schema.columns:
        if col.name not in mapping:
            # columns the file lacks share one all-empty array per type (copy-on-write keeps them apart)
            if col.type not in absent:
                absent[col.type] = _empty(col.type, len(rownum))
            out[col.name] = absent[col.type]
            empty_cells[col.name] = len(rownum)
            continue
        m = mapping[col.name]
        empty = _is_empty(cells[col.name])
        empty_cells[col.name] = int(empty.sum())
        values, style = _convert(
            cells[col.name],
            col,
            m.header,
            m.factor,
            rownum,
            default_style,
            raw.cell_refs,
            m.position,
            problem,
            rows_with,
            empty,
        )
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
    # Required values and duplicate keys.
    for col in schema.columns:
        if col.required and col.name in mapping and col.type in ("code", "text") and empty_cells[col.name]:
            empty = result[col.name].isna().to_numpy()
            if empty.any():
                rows = tuple(int(r) for r in rownum[empty])
                problem(
                    "error",
                    f"empty {col.name} in {_rows_text(rows)}",
                    row=rows[0],
                    column=mapping[col.name].header,
                    rows=rows,
                    hint=f"every row needs a {col.name}; fill it or delete the row",
                )
    key = [k for k in schema.key if k in mapping]
    if key and len(result):
        dup = result.duplicated(subset=key, keep=False).to_numpy() & result[key].notna().all(axis=1).to_numpy()
        if dup.any():
            groups = result.loc[dup].groupby(key, sort=False, dropna=False)["_row"].apply(list)
            first_key, first_rows = next(iter(groups.items()))
            label = first_key if isinstance(first_key, tuple) else (first_key,)
            what = ", ".join(f"{k} {v!r}" for k, v in zip(key, label, strict=True))
            extra = len(groups) - 1
            problem(
                "error",
                f"{what} appears more than once: {_rows_text(tuple(first_rows))}"
                + (f" (and {extra} more repeated key{'s' if extra > 1 else ''})" if extra else ""),
                row=int(first_rows[1]),
                column=mapping[key[0]].header,
                rows=tuple(int(r) for r in result.loc[dup, "_row"]),
                value=str(label[0]),
                hint=f"each {' + '.join(key)} must appear once; remove or merge the repeated rows",
            )
    result.attrs["source"] = {"file": name, "sheet": sheet}
    result.attrs["kind"] = schema.name
    result.attrs["empty_cells"] = dict(empty_cells)
    result.attrs["warnings"] = [_describe(p) for p in problems if p.severity == "warning"][:20]
    return result


def _rows_text(rows: tuple[int, ...]) -> str:
    if len(rows) == 1:
        return f"row {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:10])
    if len(rows) > 10:
        return f"rows {shown}... ({len(rows)} rows)"
    head, _, last = shown.rpartition(", ")
    return f"rows {head} and {last}"


def _trailer_rows(frame: Any, keep: Any, cells: dict[str, Any], schema: Schema) -> list[int]:
    """Indices of trailer rows: the last non-blank rows that are totals or footers."""
    import numpy as np

    idx = np.flatnonzero(keep)
    if len(idx) < 2:
        return []
    key_cols = [c for c in schema.required if c in cells and schema.column(c).type == "code"]
    required = [c for c in schema.required if c in cells]
    found: list[int] = []
    for i in idx[::-1][:TRAILER_SEARCH_ROWS]:
        values = _row_texts(frame, int(i))
        texts = [v for v in values if v]
        first = normalize_header(texts[0]) if texts else ""
        # a footer leaves a required cell empty: "Total Express;Expresso" is a carrier, not a footer
        incomplete = any(not str(cells[c].iloc[int(i)]).strip() for c in required)
        is_footer = incomplete and bool(_FOOTER_CELL.match(first) or _FOOTER_PHRASE.match(first))
        no_key = bool(key_cols) and all(not str(cells[c].iloc[int(i)]).strip() for c in key_cols)
        is_totals = no_key and len(texts) <= 2 and all(re.fullmatch(r"[\d.,\sR$-]+", t) for t in texts)
        if is_footer or is_totals:
            found.append(int(i))
        else:
            break
    if len(found) >= len(idx):  # everything looks like a footer: it is data
        return []
    return sorted(found)


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


def _is_empty(s) -> Any:
    if s.dtype.kind == "f":
        return s.isna().to_numpy()
    # numpy's elementwise == on the object array: a fraction of pandas' string comparison
    return s.to_numpy(dtype=object) == ""


def _row_texts(frame, i: int) -> list[str]:
    """The cells of one row as stripped text (numbers from the fast path included)."""
    out = []
    for v in frame.iloc[i].tolist():
        if isinstance(v, float):
            out.append("" if v != v else (str(int(v)) if v.is_integer() else str(v)))
        else:
            out.append(str(v).strip())
    return out


def _empty(type_: str, n: int) -> Any:
    """An all-empty column of the right dtype (a column the file does not have)."""
    import numpy as np
    import pandas as pd

    if type_ == "decimal":
        return pd.Series(np.full(n, np.nan), copy=False)
    if type_ == "int":
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool)))
    if type_ == "bool":
        return pd.Series(pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)))
    if type_ == "date":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), copy=False)
    return pd.Series(index=pd.RangeIndex(n), dtype="str")


def _convert(s, col, header, factor, rownum, default_style, cell_refs, position, problem, rows_with=None, empty=None):
    """Convert one stripped text column to its type; report bad values. Returns (values, decimal style).

    ``rows_with(byte)`` (from the raw bytes) narrows per-cell tests to the rows whose
    line holds the byte they look for; None from it means every row. ``empty``:
    the column's empty cells, when the caller has them already.
    """
    import numpy as np
    import pandas as pd

    def where(i: int) -> str:
        # The row is in the error's location already; an XLSX cell reference helps find it.
        if not cell_refs:
            return ""
        from openpyxl.utils import get_column_letter

        return f" in cell {get_column_letter(position + 1)}{int(rownum[i])}"

    def flag(mask, message: Callable[[int], str], hint: str) -> None:
        """One error for the rows in ``mask``: the first one shown, the others counted."""
        i = int(np.argmax(mask))
        rows = tuple(int(r) for r in rownum[mask])
        problem(
            "error",
            message(i) + (f" ({len(rows)} rows like this)" if len(rows) > 1 else ""),
            row=rows[0],
            column=header,
            value=s.iloc[i],
            rows=rows,
            hint=hint,
        )

    def where_byte(byte: bytes, test: Callable[[Any], Any]) -> Any:
        """Bool mask of ``test`` over the column, run only in rows whose line holds ``byte``."""
        lines = rows_with(byte) if rows_with is not None else None
        if lines is None:
            return test(s).to_numpy(dtype=bool)
        out = np.zeros(len(s), dtype=bool)
        if lines.any():
            out[lines] = test(s[lines]).to_numpy(dtype=bool)
        return out

    if empty is None:
        empty = _is_empty(s)
    if col.type in ("code", "text"):
        if col.type == "code":
            plain = col.digits and _all_digits(s, empty)  # the usual EAN/NCM
            if not plain and where_byte(b"'", lambda t: t.str.startswith("'")).any():  # Excel's text prefix
                s = s.str.removeprefix("'")
            sci = np.zeros(len(s), dtype=bool)
            exponent = (
                where_byte(b"+", lambda t: t.str.contains("E+", regex=False) | t.str.contains("e+", regex=False))
                if not plain
                else sci
            )
            if exponent.any():
                sci = exponent & s.str.contains(_SCI_DIGITS if col.digits else _SCI_EXCEL, regex=True).to_numpy()
            if sci.any():
                flag(
                    sci,
                    lambda i: (
                        f"{col.name} {s.iloc[i]!r}{where(i)} is in scientific notation: Excel converted the code "
                        "to a number and its real digits are lost"
                    ),
                    (
                        f"format the {header!r} column as Text and paste the codes again from the ERP"
                        if cell_refs
                        else f"export the file again from the ERP and do not open and save it in Excel; to open it in "
                        f"Excel, import it (Data > From Text/CSV) with the {header!r} column as Text"
                    ),
                )
            if cell_refs and not plain:  # a workbook: Excel turns codes such as "3-12" into dates
                dated = s.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").to_numpy()
                if dated.any():
                    flag(
                        dated,
                        lambda i: (
                            f"{col.name}{where(i)} is a date ({s.iloc[i][:10]}): Excel turned the code into a date"
                        ),
                        f"format the {header!r} column as Text and paste the codes again from the ERP",
                    )
            if col.digits and not plain:
                odd = ~s.str.isdigit() & ~pd.Series(empty, index=s.index)
                if odd.any():
                    s = s.where(~odd, s.str.replace(r"[\s.\-/]", "", regex=True))
                    still = ~s.str.isdigit().to_numpy() & ~sci & ~empty
                    if still.any():
                        i = int(np.argmax(still))
                        problem(
                            "warning",
                            f"{col.name} {s.iloc[i]!r}{where(i)} has characters other than digits"
                            + (f" ({int(still.sum())} rows)" if still.sum() > 1 else ""),
                            row=int(rownum[i]),
                            column=header,
                            value=s.iloc[i],
                            rows=tuple(int(r) for r in rownum[still]),
                        )
        if not empty.any() and s.dtype == "str":
            return s, None  # nothing to blank out: no copy
        return s.where(~empty, None).astype("str"), None
    if col.type in ("decimal", "int") and s.dtype.kind == "f":  # already parsed and checked by the fast path
        arr = s.to_numpy(dtype="float64")
        if factor != 1.0:
            arr = arr * factor
        else:
            arr = _own(arr)
        missing = np.isnan(arr)
        style = default_style if _has_fraction(arr) else None
        if col.type == "int":
            return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, arr).astype("int64"), missing)), style
        return pd.Series(arr, copy=False), style
    if col.type in ("decimal", "int"):
        values, style, bad, mixed = _parse_numbers(s, empty, default_style)
        if bad.any():  # " 12,5\u00a0" or a cell of spaces: strip what failed and try again
            stripped = s[bad].str.strip()
            if (stripped != s[bad]).any():
                s = s.copy()
                s[bad] = stripped
                empty = _is_empty(s)
                values, style, bad, mixed = _parse_numbers(s, empty, default_style)
        if mixed is not None:
            i, j = mixed
            problem(
                "error",
                f"column mixes decimal styles: {s.iloc[i]!r}{where(i)} and {s.iloc[j]!r}{where(j)}",
                row=int(rownum[j]),
                column=header,
                value=s.iloc[j],
                hint="use one style in the whole column: 1.234,56 (Brazilian) or 1234.56",
            )
        elif bad.any():
            flag(
                bad,
                lambda i: f"{col.name}: {s.iloc[i]!r}{where(i)} is not a number",
                "write numbers like 1234,56 or 1.234,56 (no text, no units inside the cell)",
            )
        if factor != 1.0:
            values = values * factor
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        if col.min_value is not None:
            neg = arr < col.min_value
            if neg.any():
                flag(
                    neg,
                    lambda i: f"{col.name} {s.iloc[i]!r}{where(i)} is negative",
                    f"{col.name} cannot be below {col.min_value:g}; fix the value in the ERP and export again",
                )
        if col.type == "int":
            frac = ~np.isnan(arr) & (np.floor(arr) != arr)
            if frac.any():
                i = int(np.argmax(frac))
                rows = tuple(int(r) for r in rownum[frac])
                problem(
                    "error",
                    f"{col.name} {s.iloc[i]!r}{where(i)} is not a whole number",
                    row=rows[0],
                    column=header,
                    value=s.iloc[i],
                    rows=rows,
                    hint="quantities are whole units",
                )
                arr = np.where(frac, np.nan, arr)
            missing = np.isnan(arr)
            ints = np.where(missing, 0, arr).astype("int64")
            return pd.Series(pd.arrays.IntegerArray(ints, missing)), style
        return pd.Series(arr, dtype="float64", copy=False), style
    if col.type == "bool":
        # a handful of distinct words: look each up once
        codes, uniques = pd.factorize(s.to_numpy(dtype=object))
        truth = [_BOOLS.get(str(u).lower()) for u in uniques] + [None]  # code -1 (NaN): unknown
        known = np.array([t is not None for t in truth])[codes]
        mapped = pd.Series(pd.arrays.BooleanArray(np.array([bool(t) for t in truth])[codes], ~known))
        bad = ~known & ~empty
        if bad.any():
            flag(
                bad,
                lambda i: f"{col.name}: {s.iloc[i]!r}{where(i)} is not yes/no",
                "use Sim/Não, S/N, Ativo/Inativo, 1/0 or true/false",
            )
        return mapped.astype("boolean"), None
    if col.type == "date":
        values = _parse_dates(s.where(~empty, None))
        bad = (values.isna().to_numpy()) & ~empty
        if bad.any():
            i = int(np.argmax(bad))
            rows = tuple(int(r) for r in rownum[bad])
            problem(
                "error",
                f"{col.name}: {s.iloc[i]!r}{where(i)} is not a date",
                row=rows[0],
                column=header,
                value=s.iloc[i],
                rows=rows,
                hint="write dates as 31/12/2025, 31/12/2025 14:30 or 2025-12-31",
            )
        return values, None
    raise AssertionError(col.type)


def _all_digits(s, empty) -> bool:
    """True when every non-empty cell of a text column is made of digits only.

    One ``str.isdigit`` over the joined cells (an empty cell adds nothing) is
    about twice as fast as one call per cell.
    """
    try:
        joined = "".join(s.to_numpy(dtype=object))
    except TypeError:  # a cell that is not text (a missing value)
        return all(
            e or (isinstance(v, str) and v.isdigit()) for v, e in zip(s.to_numpy(dtype=object), empty, strict=True)
        )
    return joined.isdigit() or not joined


def _own(arr):
    """A writable ``arr`` without a copy when possible.

    The parsed numbers are a read-only view of the raw frame, which is dropped
    once the result is built: the result can take the buffer over.
    """
    if not arr.flags.writeable:
        try:
            arr.setflags(write=True)
        except ValueError:  # the buffer's owner is read-only itself
            arr = arr.copy()
    return arr


def _has_fraction(arr) -> bool:
    """True when a float array (NaN allowed) holds a value with a fractional part.

    Looks block by block and stops at the first one: prices show a fraction
    within the first rows; only whole-number columns are read to the end.
    """
    import numpy as np

    step = 1 << 16
    with np.errstate(invalid="ignore"):
        for start in range(0, len(arr), step):
            block = arr[start : start + step]
            if np.any(np.mod(block, 1.0) > 0):  # NaN > 0 is False; mod of a negative is >= 0
                return True
    return False


def _parse_dates(s):
    import pandas as pd

    result = pd.to_datetime(s, errors="coerce", format="ISO8601")
    if getattr(result.dt, "tz", None) is not None:
        result = result.dt.tz_convert("UTC").dt.tz_localize(None)
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"):
        todo = result.isna() & s.notna()
        if not todo.any():
            break
        result = result.where(~todo, pd.to_datetime(s.where(todo), errors="coerce", format=fmt))
    return result.astype("datetime64[ns]")


def _parse_numbers(s, empty, default_style: str):
    """Vectorised: text -> float Series. Returns (values, style, bad mask, mixed (i, j) or None).

    The common cases cost a few passes: no separators at all, only a decimal comma
    ("12,50"), or only a decimal point ("12.50"). Values with both separators decide
    the style by which comes last; a column mixing styles is reported.
    """
    import numpy as np
    import pandas as pd

    if default_style == "comma" and not s.str.contains(".", regex=False).any():
        # The common Brazilian case, in two passes: "12,50" / "1234,5" / "7" (a lone "1,234" is 1.234 here).
        values = pd.to_numeric(s.str.replace(",", ".", regex=False).where(~empty, None), errors="coerce")
        bad = values.isna().to_numpy() & ~empty
        if not bad.any():
            sample = s.iloc[:2000]
            style = "comma" if sample.str.contains(",", regex=False).any() else None
            return values.astype("float64"), style, bad, None
    if s.str.contains("$", regex=False).any():  # "R$ 1.234,56"
        s = s.str.replace(r"^\s*R?\$\s*|(?<=-)\s*R?\$\s*", "", regex=True)
    has_comma = s.str.contains(",", regex=False).to_numpy()
    has_dot = s.str.contains(".", regex=False).to_numpy()
    any_comma, any_dot = has_comma.any(), has_dot.any()
    style: str | None = None
    mixed = None
    if not any_comma and not any_dot:
        text = s
    elif any_comma and not any_dot:
        # "12,50" is a decimal comma; only "1,234"-looking values in a ','-style file are thousands
        if default_style == "point" and s[has_comma].str.fullmatch(_US_THOUSANDS).all():
            style, text = "point", s.str.replace(",", "", regex=False)
        else:
            style, text = "comma", s.str.replace(",", ".", regex=False)
    elif any_dot and not any_comma:
        if default_style == "comma" and s[has_dot].str.fullmatch(_BR_THOUSANDS).all():
            style, text = "comma", s.str.replace(".", "", regex=False)
        else:
            style, text = "point", s
    else:
        style, mixed = _decide_style(s, has_comma, has_dot, default_style)
        if style == "comma":
            text = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            text = s.str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(~empty, None), errors="coerce")
    bad = values.isna().to_numpy() & ~empty
    if mixed is not None:
        style, bad = "mixed", np.zeros(len(s), dtype=bool)
    return values.astype("float64"), style, bad, mixed


def _decide_style(s, has_comma, has_dot, default_style: str):
    """Both separators appear in a column: which style is it, and is it mixed?"""
    import numpy as np

    n = len(s)
    both = has_comma & has_dot
    sub = s[both]
    last_comma = (sub.str.rfind(",") > sub.str.rfind(".")).to_numpy()
    br_both = np.zeros(n, dtype=bool)
    us_both = np.zeros(n, dtype=bool)
    br_both[np.flatnonzero(both)[last_comma]] = True
    us_both[np.flatnonzero(both)[~last_comma]] = True
    comma_only = has_comma & ~has_dot
    dot_only = has_dot & ~has_comma
    # One kind of separator with three digits after it ("1.234") fits both styles.
    dot_thousands = np.zeros(n, dtype=bool)
    comma_thousands = np.zeros(n, dtype=bool)
    if dot_only.any():
        dot_thousands[dot_only] = s[dot_only].str.fullmatch(_BR_THOUSANDS).to_numpy()
    if comma_only.any():
        comma_thousands[comma_only] = s[comma_only].str.fullmatch(_US_THOUSANDS).to_numpy()
    br = br_both | (comma_only & ~comma_thousands)
    us = us_both | (dot_only & ~dot_thousands)
    if br.any() and us.any():
        i, j = int(np.argmax(br)), int(np.argmax(us))
        return "comma", (min(i, j), max(i, j))
    if br.any():
        return "comma", None
    if us.any():
        return "point", None
    return default_style, None
