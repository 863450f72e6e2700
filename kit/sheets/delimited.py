"""CSV and other delimited text: bytes -> cells as text (:func:`load_csv`).

Encoding and separator are sniffed from the first bytes (:mod:`kit.sheets.sniff`),
the header found among the first records (:mod:`kit.sheets.layout`). Number
columns whose sampled values are plain numbers are read by pandas' C parser
(the fast path); everything else is read as text for :mod:`kit.sheets.build`.
While the parser works, the raw bytes are read for
:class:`~kit.sheets.bytefacts.ByteFacts`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.sheets.layout import HEADER_SEARCH_ROWS, find_header
from kit.sheets.problems import Fatal, Problem
from kit.sheets.raw import Raw
from kit.sheets.schema import Schema
from kit.sheets.sniff import SEP_NAMES, SNIFF_BYTES, check_binary, detect_encoding, detect_separator, mixed_encoding

__all__ = ["load_csv"]


@dataclass(slots=True)
class _Decoded:
    """A CSV's encoding and its first bytes as text (the whole text when it is not UTF-8)."""

    codec: str  # for reading
    shown: str  # the name users read
    data: bytes | None  # the whole file, when it had to be read already
    text: str | None  # the whole file decoded (legacy encodings), else None: pandas decodes it
    sample: str  # the sniffed part, decoded


def load_csv(path: Path, head: bytes, size: int, schemas: list[Schema]) -> tuple[Raw, Schema]:
    """The cells of a delimited text file, as text (number columns of the fast path as floats)."""
    name = str(path)
    dec = _decode(path, head, size, name)
    check_binary(dec.sample, name)
    lines = dec.sample.splitlines()
    if size > SNIFF_BYTES and lines:
        lines = lines[:-1]  # the last sampled line may be cut
    if not any(ln.strip().strip(";,\t|") for ln in lines):
        raise Fatal(Problem("error", "the file has no content: every row is blank", name, hint="export it again"))
    sep = detect_separator(lines, name)
    records, line_of = _header_records(lines, sep)
    hdr_idx, schema = find_header(records, schemas, name, None)
    headers = [h.strip() for h in records[hdr_idx]]
    header_line = line_of[hdr_idx]
    info = {
        "file": name,
        "format": "csv",
        "encoding": dec.shown,
        "separator": SEP_NAMES.get(sep or "", "(one column)"),
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
    raw_bytes = _read_in_background(path) if dec.data is None else None
    frame = _read_csv_typed(
        path if dec.text is None else io.StringIO(dec.text),
        dec.codec,
        kwargs,
        schema,
        headers,
        default_style,
        sample_rows,
    )
    if frame is None:
        frame = _read_text(path, dec, kwargs, info, header_line, sep)
    from kit.sheets.bytefacts import ByteFacts

    blob = dec.data if dec.data is not None else raw_bytes.result()  # raw_bytes is set whenever data is None
    if dec.codec == "utf-8-sig" and blob.startswith(codecs.BOM_UTF8):
        blob = blob[len(codecs.BOM_UTF8) :]
    facts = ByteFacts(blob, sep or "\x1f", dec.codec, header_line, len(frame))
    return Raw(headers, header_line, frame, header_line + 1, info, facts=facts), schema


def _decode(path: Path, head: bytes, size: int, name: str) -> _Decoded:
    """The encoding, and the sniffed part as text; a legacy encoding decodes the whole file now."""
    codec, shown = detect_encoding(head, name)
    if codec not in ("utf-8", "utf-8-sig"):
        data = path.read_bytes()
        if codec == "cp1252" or codec == "latin-1":
            mixed_encoding(data, name, bom=False)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            codec, shown = "latin-1", "latin-1"
            text = data.decode(codec)
        return _Decoded(codec, shown, data, text, text[:SNIFF_BYTES])
    try:
        sample = codecs.getincrementaldecoder(codec)().decode(head, final=size <= SNIFF_BYTES)
    except UnicodeDecodeError:  # a BOM that lies, or a multi-byte char cut at the end of the file
        mixed_encoding(path.read_bytes(), name, bom=codec == "utf-8-sig")
        sample = head.decode(codec, errors="replace")
    return _Decoded(codec, shown, None, None, sample)


def _header_records(lines: list[str], sep: str | None) -> tuple[list[list[str]], list[int]]:
    """The first records (where the header is looked for), and the physical line where each ends."""
    records: list[list[str]] = []
    line_of: list[int] = []
    reader = csv.reader(io.StringIO("\n".join(lines[: HEADER_SEARCH_ROWS * 4])), delimiter=sep or "\x1f")
    try:
        for rec in reader:
            records.append(rec)
            line_of.append(reader.line_num)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return records, line_of


def _read_text(path: Path, dec: _Decoded, kwargs: dict[str, Any], info: dict[str, Any], header_line: int, sep):
    """The careful path: every cell as text. A UTF-8 file that turns out not to be is read as cp1252."""
    import pandas as pd

    name = str(path)
    try:
        if dec.text is None:
            try:
                return pd.read_csv(path, encoding=dec.codec, encoding_errors="strict", **kwargs)
            except UnicodeDecodeError:
                dec.data = path.read_bytes()
                mixed_encoding(dec.data, name, bom=dec.codec == "utf-8-sig")
                dec.codec, dec.shown = "cp1252", "cp1252"
                info["encoding"] = dec.shown
                return pd.read_csv(io.StringIO(dec.data.decode(dec.codec, errors="replace")), **kwargs)
        return pd.read_csv(io.StringIO(dec.text), **kwargs)
    except pd.errors.EmptyDataError:
        return pd.DataFrame({i: pd.Series([], dtype=str) for i in range(len(kwargs["names"]))})
    except pd.errors.ParserError as exc:
        raise Fatal(_parser_problem(str(exc), name, len(kwargs["names"]), header_line, sep)) from None


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
            hint=f"a value probably contains the separator {SEP_NAMES.get(sep or '', sep)} without quotes; "
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
