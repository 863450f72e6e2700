"""A snapshot of everything the reader says about the committed corpora.

Every spreadsheet of the clean and malformed corpora (``tests/data/``) and of the
committed sample set (``kit/data/sample/``) is read through the public entry
points, :func:`kit.sheets.read_table` and :func:`kit.sheets.inspect_table`, each
with its kind guessed and with its declared kind. For each read the snapshot
keeps:

* the frame: columns, dtypes, a stable digest of each column's values, and the
  attrs callers rely on (``source``, ``kind``, ``empty_cells``, ``warnings``);
* or the error: message, hint, file, sheet, row, column, exit code and every
  problem collected;
* ``inspect_table``'s whole report (encoding, separator, header row, column
  mapping, problems...), or its error;
* the Python warnings the read let escape (a pandas ``ParserWarning`` is lost data).

``tests/sheets/data/corpora_golden.json`` holds the snapshot taken with the code
as it stood before the reader was split into a package; the equivalence test
compares today's reader with it. Regenerate it (only for a change of behaviour
that is meant, said in the commit) with::

    python tests/sheets/corpora.py --write
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "data" / "corpora_golden.json"
SPREADSHEET_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"}
CORPORA = ("tests/data/clean", "tests/data/malformed", "kit/data/sample")

# Reads beyond "kind guessed" and "kind from the file name": (kind, sheet).
EXTRA_READS: dict[str, list[tuple[str | None, str | int | None]]] = {
    "tests/data/clean/multi_sheet.xlsx": [("stock", None), ("products", None), ("stock", 2), ("stock", "estoque")],
    "tests/data/clean/prices_us_comma.csv": [("prices", None)],
    "tests/data/malformed/wrong_sheet_name.xlsx": [("stock", "Estoque")],
    "tests/data/malformed/ambiguous_kind.csv": [("prices", None), ("stock", None)],
    "tests/data/malformed/bad_boolean.csv": [("products", None)],
    "tests/data/malformed/bad_date.csv": [("shipments", None)],
    "tests/data/malformed/binary_garbage.csv": [("products", None)],
    "tests/data/malformed/blank_rows_only.csv": [("stock", None)],
    "tests/data/malformed/bom_but_cp1252.csv": [("products", None)],
    "tests/data/malformed/decimal_mix.csv": [("prices", None)],
    "tests/data/malformed/duplicate_sku.csv": [("stock", None)],
    "tests/data/malformed/duplicated_column.csv": [("prices", None)],
    "tests/data/malformed/ean_scientific.csv": [("products", None)],
    "tests/data/malformed/ean_scientific.xlsx": [("products", None)],
    "tests/data/malformed/empty.csv": [("stock", None)],
    "tests/data/malformed/formula_no_cache.xlsx": [("prices", None)],
    "tests/data/malformed/fractional_stock.csv": [("stock", None)],
    "tests/data/malformed/header_only.csv": [("stock", None)],
    "tests/data/malformed/huge_cell.csv": [("products", None)],
    "tests/data/malformed/merged_data.xlsx": [("stock", None)],
    "tests/data/malformed/merged_header.xlsx": [("products", None)],
    "tests/data/malformed/missing_column.csv": [("stock", None)],
    "tests/data/malformed/mixed_encoding.csv": [("products", None)],
    "tests/data/malformed/negative_stock.csv": [("stock", None)],
    "tests/data/malformed/no_matching_sheet.xlsx": [("products", None)],
    "tests/data/malformed/old_format.xls": [("products", None)],
    "tests/data/malformed/products.ods": [("products", None)],
    "tests/data/malformed/ragged_rows.csv": [("stock", None)],
    "tests/data/malformed/stock_empty_sku.csv": [("stock", None)],
    "tests/data/malformed/truncated.xlsx": [("stock", None)],
    "tests/data/malformed/unknown_separator.csv": [("stock", None)],
    "tests/data/malformed/unparseable_price.csv": [("prices", None)],
    "tests/data/malformed/unterminated_quote.csv": [("products", None)],
}


def corpus_files() -> list[str]:
    """Every committed spreadsheet of the corpora, as a path relative to the repository."""
    out = []
    for base in CORPORA:
        for path in sorted((ROOT / base).rglob("*")):
            if path.is_file() and path.suffix.lower() in SPREADSHEET_SUFFIXES:
                out.append(path.relative_to(ROOT).as_posix())
    return out


def reads_for(rel: str) -> list[tuple[str | None, str | int | None]]:
    """The reads of one file: kind guessed, kind named by the file, and the extra reads."""
    from kit.sheets import SCHEMAS

    stem = Path(rel).stem
    reads: list[tuple[str | None, str | int | None]] = [(None, None)]
    if stem in SCHEMAS:
        reads.append((stem, None))
    elif stem == "erp_products" or stem.startswith("products"):
        reads.append(("products", None))
    elif stem.startswith("stock"):
        reads.append(("stock", None))
    for extra in EXTRA_READS.get(rel, []):
        if extra not in reads:
            reads.append(extra)
    return reads


def _plain(value: Any) -> Any:
    """JSON-friendly, with this checkout's absolute path taken out of every string."""
    if isinstance(value, str):
        return value.replace(str(ROOT) + "/", "")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _plain(value.item())
    return value


def _cell(value: Any) -> str:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return "\x00NA"
    if isinstance(value, float):
        return "\x00NA" if math.isnan(value) else repr(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return f"{type(value).__name__}:{value}"


def column_digest(series: Any) -> str:
    """A digest of a column's values that does not depend on pandas' own hashing."""
    text = "\x1e".join(_cell(v) for v in series.tolist())
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:20]


def frame_snapshot(frame: Any) -> dict[str, Any]:
    """Columns, dtypes, one digest per column and the attrs callers use."""
    return {
        "rows": len(frame),
        "columns": list(frame.columns),
        "dtypes": {c: str(t) for c, t in frame.dtypes.items()},
        "digests": {c: column_digest(frame[c]) for c in frame.columns},
        "attrs": _plain({k: frame.attrs.get(k) for k in ("source", "kind", "empty_cells", "warnings")}),
    }


def error_snapshot(exc: Any) -> dict[str, Any]:
    problems = [p.to_dict() for p in getattr(exc, "problems", None) or []]
    return _plain(
        {
            "type": type(exc).__name__,
            "message": exc.message,
            "hint": exc.hint,
            "file": exc.file,
            "sheet": exc.sheet,
            "row": exc.row,
            "column": exc.column,
            "exit_code": exc.exit_code,
            "problems": problems,
        }
    )


def _caught(fn: Any) -> tuple[Any, list[str]]:
    """(what ``fn`` returned or the InputDataError it raised, warnings it let escape)."""
    from kit.errors import InputDataError

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            result: Any = fn()
        except InputDataError as exc:
            result = exc
    texts = sorted({f"{w.category.__name__}: {_plain(str(w.message))}" for w in seen})
    return result, texts


def read_snapshot(path: Path, kind: str | None, sheet: str | int | None) -> dict[str, Any]:
    """What ``read_table`` and ``inspect_table`` say about one file read one way."""
    from kit.errors import InputDataError
    from kit.sheets import inspect_table, read_table

    out: dict[str, Any] = {}
    result, seen = _caught(lambda: read_table(path, kind, sheet=sheet))
    out["read"] = error_snapshot(result) if isinstance(result, InputDataError) else frame_snapshot(result)
    report, seen_inspect = _caught(lambda: inspect_table(path, kind, sheet=sheet))
    out["inspect"] = error_snapshot(report) if isinstance(report, InputDataError) else _plain(report)
    out["warnings"] = sorted(set(seen) | set(seen_inspect))
    return out


def read_key(rel: str, kind: str | None, sheet: str | int | None) -> str:
    return f"{rel} | kind={kind or '(guessed)'}" + (f" | sheet={sheet!r}" if sheet is not None else "")


def snapshot() -> dict[str, Any]:
    """The whole corpora, one entry per read (key: file | kind | sheet)."""
    out: dict[str, Any] = {}
    for rel in corpus_files():
        for kind, sheet in reads_for(rel):
            out[read_key(rel, kind, sheet)] = read_snapshot(ROOT / rel, kind, sheet)
    return out


def main(argv: list[str]) -> int:
    data = snapshot()
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if "--write" in argv:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN.relative_to(ROOT)}: {len(data)} reads")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
