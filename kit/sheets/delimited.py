"""CSV and other delimited text: bytes -> cells as text (:func:`load_csv`).

Encoding and separator are sniffed from the first bytes (:mod:`kit.sheets.sniff`),
the header found among the first records (:mod:`kit.sheets.layout`). Number
columns whose sampled values are plain numbers are read by pandas' C parser
(the fast path); everything else is read as text for :mod:`kit.sheets.build`.
While the parser works, the raw bytes are read and
scanned for :class:`~kit.sheets.bytefacts.ByteFacts`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.sheets.convert import MAX_WHOLE_NUMBER
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
        raise Fatal(
            Problem(
                "error", "o arquivo não tem conteúdo: todas as linhas estão em branco", name, hint="exporte de novo"
            )
        )
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
    sample_rows = _sample_records(lines, header_line, sep)
    # Room for rows longer than the header (their cells are looked at, never dropped unseen).
    width = max([len(headers), *map(len, sample_rows)])
    kwargs: dict[str, Any] = dict(
        sep=sep or "\x1f",
        header=None,
        names=list(range(width)),
        skiprows=header_line,
        dtype=str,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        index_col=False,
    )
    default_style = "comma" if sep in (";", "\t", "|") else "point"
    info["default_decimal"] = default_style
    # The byte facts: the raw bytes read and scanned while the parser works (both mostly without the GIL).
    scanning = _facts_in_background(path, sep or "\x1f", dec.codec, header_line) if dec.data is None else None
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
    frame, problems = _extra_cells(frame, len(headers), header_line, name, sep)
    if dec.data is None:  # still the encoding the scan was started with: scanning is set
        facts = scanning.result().finish(len(frame))
    else:  # a legacy encoding, known before the parse or found by it: the bytes are in dec.data
        facts = _byte_facts(dec.data, sep or "\x1f", dec.codec, header_line, len(frame))
    return Raw(headers, header_line, frame, header_line + 1, info, problems, facts=facts), schema


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
    """The careful path: every cell as text. A UTF-8 file that turns out not to be is read as cp1252/latin-1.

    A row wider than the rows sampled (pandas would refuse it, or drop its cells
    with a ``ParserWarning``) is measured and the file read again with room for it.
    """
    import pandas as pd

    name = str(path)
    try:
        try:
            return _parse(path, dec, kwargs, info)
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            if isinstance(exc, pd.errors.ParserError) and "Expected" not in str(exc):
                raise
            source = io.StringIO(dec.text) if dec.text is not None else path
            widest = _widest_record(source, dec.codec, kwargs["sep"], header_line)
            if widest <= len(kwargs["names"]):
                raise
            return _parse(path, dec, dict(kwargs, names=list(range(widest))), info)
    except pd.errors.EmptyDataError:
        return pd.DataFrame({i: pd.Series([], dtype=str) for i in range(len(kwargs["names"]))})
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise Fatal(_parser_problem(str(exc), name, len(kwargs["names"]), header_line, sep)) from None


def _parse(path: Path, dec: _Decoded, kwargs: dict[str, Any], info: dict[str, Any]):
    """``pandas.read_csv`` of the whole file as text; a ``ParserWarning`` (cells dropped) is raised, not printed."""
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        if dec.text is not None:
            return pd.read_csv(io.StringIO(dec.text), **kwargs)
        try:
            return pd.read_csv(path, encoding=dec.codec, encoding_errors="strict", **kwargs)
        except UnicodeDecodeError:
            dec.data = path.read_bytes()
            mixed_encoding(dec.data, str(path), bom=dec.codec == "utf-8-sig")
            dec.text, dec.codec = _legacy_text(dec.data)
            dec.shown = dec.codec
            info["encoding"] = dec.shown
            return pd.read_csv(io.StringIO(dec.text), **kwargs)


def _legacy_text(data: bytes) -> tuple[str, str]:
    """Bytes that are not UTF-8, decoded without losing any: cp1252, or latin-1 where cp1252 has holes."""
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _widest_record(source: Any, codec: str, sep: str, header_line: int) -> int:
    """The most cells a data record has (the csv module, record by record: only when a row is wider than the sample)."""
    with source if isinstance(source, io.StringIO) else open(source, encoding=codec, newline="") as fh:  # noqa: SIM115
        fh.seek(0)
        reader = csv.reader(fh, delimiter=sep)
        widest = 0
        try:
            for record in reader:
                if reader.line_num > header_line:
                    widest = max(widest, len(record))
        except csv.Error:
            pass
    return widest


def _extra_cells(frame: Any, ncols: int, header_line: int, name: str, sep: str | None) -> tuple[Any, list[Problem]]:
    """The frame cut to the header's columns, and an error for the rows whose cells beyond it hold something.

    Empty cells past the header (a separator at the end of each line) lose nothing
    and are dropped quietly; a value there is data the reader cannot place.
    """
    import numpy as np

    if frame.shape[1] <= ncols:
        return frame, []
    extra = frame.iloc[:, ncols:]
    filled = np.column_stack(
        [extra[c].fillna("").astype(str).str.strip().to_numpy(dtype=object) != "" for c in extra.columns]
    )
    frame = frame.iloc[:, :ncols]
    rows = np.flatnonzero(filled.any(axis=1))
    if not len(rows):
        return frame, []
    first = int(rows[0])
    cells = [str(v) for v in extra.iloc[first].tolist()[: int(np.flatnonzero(filled[first])[-1]) + 1]]
    numbers = tuple(header_line + 1 + int(r) for r in rows)
    shown = ", ".join(repr(c) for c in cells[:5]) + (", ..." if len(cells) > 5 else "")
    problem = Problem(
        "error",
        f"a linha {numbers[0]} tem {ncols + len(cells)} células, mas o cabeçalho (linha {header_line}) tem {ncols} "
        f"colunas; células a mais: {shown}" + (f" ({len(numbers)} linhas assim)" if len(numbers) > 1 else ""),
        name,
        row=numbers[0],
        value=cells[-1],
        rows=numbers,
        hint=f"um valor provavelmente contém o separador {SEP_NAMES.get(sep or '', sep)} sem aspas: ponha esse valor "
        "entre aspas ou apague as células a mais, e exporte de novo",
    )
    return frame, [problem]


def _byte_facts(blob: bytes, sep: str, codec: str, header_line: int, nrows: int | None):
    """:class:`~kit.sheets.bytefacts.ByteFacts` of the file's bytes (the BOM of ``utf-8-sig`` removed)."""
    from kit.sheets.bytefacts import ByteFacts

    if codec == "utf-8-sig" and blob.startswith(codecs.BOM_UTF8):
        blob = blob[len(codecs.BOM_UTF8) :]
    return ByteFacts(blob, sep, codec, header_line, nrows)


def _facts_in_background(path: Path, sep: str, codec: str, header_line: int):
    """The file's bytes read and scanned in a thread (reading and the numpy scan release the GIL), while
    the parser works: a Future of the facts, to :meth:`~kit.sheets.bytefacts.ByteFacts.finish` with the
    parser's row count; its errors come out of result()."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-byte-facts")
    try:
        return pool.submit(lambda: _byte_facts(path.read_bytes(), sep, codec, header_line, None).prepare())
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
    import warnings

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
        dtype={i: ("float64" if i in numeric else str) for i in range(len(kwargs["names"]))},
        decimal="," if default_style == "comma" else ".",
        na_filter=True,
        na_values={i: [""] for i in numeric},
    )
    if isinstance(source, io.StringIO):
        source.seek(0)
    else:
        typed.update(encoding=codec, encoding_errors="strict")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # cells dropped: the careful path measures them
            frame = pd.read_csv(source, **typed)
    except (ValueError, TypeError, UnicodeDecodeError, pd.errors.ParserWarning):  # ParserError is a ValueError
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
        if col.type == "int" and (np.abs(arr[~np.isnan(arr)]) > MAX_WHOLE_NUMBER).any():
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
            f"a linha {row} tem {saw} células, mas o cabeçalho (linha {header_line}) tem {ncols} colunas",
            name,
            row=row,
            hint=f"um valor provavelmente contém o separador {SEP_NAMES.get(sep or '', sep)} sem aspas; "
            "ponha esse valor entre aspas ou remova as células a mais",
        )
    m = re.search(r"EOF inside string starting at row (\d+)", message)
    if m:
        row = int(m.group(1)) + 1
        return Problem(
            "error",
            f'um valor entre aspas que começa na linha {row} nunca é fechado (um caractere " sozinho)',
            name,
            row=row,
            hint='feche as aspas, ou dobre os caracteres " dentro do valor ("")',
        )
    return Problem("error", f"o CSV não pôde ser interpretado: {message}", name, hint="exporte de novo do ERP")
