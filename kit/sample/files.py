"""Writing the sample's files with deterministic bytes: CSV, XLSX, Brazilian number text."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

# Fixed timestamp written into XLSX files so they are reproducible byte for byte.
_XLSX_TIME = datetime(2026, 1, 1, 0, 0, 0)


def _fmt_num(value: float, decimals: int, decimal_comma: bool, thousands: bool = False) -> str:
    text = f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    if decimal_comma:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sep: str, encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n" if encoding == "cp1252" else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(encoding))


def _write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> None:
    """An XLSX with fixed timestamps, so the bytes depend on the content only."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.properties.creator = "canais-kit sample"
    wb.properties.created = _XLSX_TIME
    raw = io.BytesIO()
    wb.save(raw)
    # openpyxl stamps "modified" with now() and zip entries with the local time: pin both.
    # Entries are stored, not deflated: deflate output differs between zlib builds.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + _XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_XLSX_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def _as_records(catalog: Any) -> list[dict[str, Any]]:
    if hasattr(catalog, "to_dict"):
        return [dict(r) for r in catalog.to_dict("records")]
    return [dict(r) for r in catalog]


def _decimal_strings(values: np.ndarray, decimals: int, *, thousands: bool = False) -> list[str]:
    """``1234.5`` -> ``"1234,50"`` (or ``"1.234,50"``), vectorised; same text as :func:`_fmt_num`.

    Values are non-negative and already rounded to ``decimals`` places.
    """
    scale = 10**decimals
    scaled = np.rint(np.asarray(values, dtype=float) * scale).astype(np.int64)
    whole, frac = scaled // scale, scaled % scale
    whole_text = whole.astype(str)
    if thousands:
        big = whole >= 1000
        grouped = np.strings.add(
            np.strings.add((whole // 1000).astype(str), "."), np.strings.zfill((whole % 1000).astype(str), 3)
        )
        whole_text = np.where(big, grouped, whole_text)
        if (whole >= 1_000_000).any():  # rare: fall back to exact formatting
            return [_fmt_num(v, decimals, True, True) for v in np.asarray(values, dtype=float).tolist()]
    return np.strings.add(np.strings.add(whole_text, ","), np.strings.zfill(frac.astype(str), decimals)).tolist()


def _write_lines(path: Path, header: Sequence[str], columns: Sequence[list[str]], *, encoding: str, eol: str) -> None:
    """Join pre-formatted columns with ``;`` (no field needs quoting) and write once."""
    lines = [";".join(header), *(";".join(row) for row in zip(*columns, strict=True))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((eol.join(lines) + eol).encode(encoding))
