"""One reader for ERP and store exports: CSV and XLSX into canonical DataFrames.

:func:`read_table` reads a file into the canonical columns of a kind declared in
:mod:`kit.sheets.declarations` (``products``, ``stock``, ``prices``, ``shipments``
and the value lists). It deals with what real exports look like:

* encodings: UTF-8, UTF-8 with BOM, UTF-16 ("Unicode text"), cp1252/latin-1;
  a file mixing encodings is refused, naming the rows;
* separators ``;`` ``,`` tab ``|``; an unknown one is named;
* decimal comma and thousands dot (``1.234,56``), or the US style, per column;
  a column mixing both is refused;
* codes (SKU, EAN, NCM...) kept as text with their leading zeros; an EAN that
  Excel turned into ``7,89123E+12`` is reported (its digits are lost);
* title rows above the header, merged header cells, blank rows, trailer rows
  (``Total``, ``Gerado em ...``), several sheets, formulas (cached values);
* no cell is lost without a word: a row with more cells than the header is an
  error naming the row and the extra cells (empty ones, a separator closing each
  line, lose nothing and are dropped); values in a column without a header are
  named in a warning; a quantity too large to keep exactly is an error;
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
happy path. XLSX values come from python-calamine (Rust); openpyxl reads only
the sheets calamine cannot read exactly (formulas without a saved result, error
values, integers longer than a float holds). ``bench/bench_reader.py`` also
compares the same data as XLSX and as CSV.

The package, one stage per module; each imports only modules drawn below it::

    read          entry points: read_table, inspect_table (recognise, load, build)
      |
      +-- delimited   CSV: bytes -> cells as text (fast path for number columns)
      |     +-- sniff       encoding, binary content, separator
      |     +-- bytefacts   what the raw bytes prove (which rows need per-cell checks)
      +-- workbook    XLSX: cells -> text (formulas' saved results, merged cells, sheets)
      |     +-- legacy      Excel 97-2003 .xls, LibreOffice .ods, an HTML table named .xls, a locked workbook
      |     |     +-- htmltable  an HTML page's tables on Excel's grid (lxml)
      |     +-- books       where the cells come from: python-calamine, or openpyxl
      |           +-- xlsxml    the sheet's XML: what calamine cannot give exactly
      |     (delimited and workbook both use layout and raw)
      +-- build       cells as text -> the kind's canonical columns
            +-- packed      Magento's additional_attributes: code=value pairs as columns
            +-- rowunits    a per-row unit of the measures (Bling's "Unidade de Medida")
            +-- promo       a promotional price beside the regular one
            +-- convert     codes, booleans, dates, dispatch per column type
            |     +-- numeric   decimal comma / point, thousands, R$
            +-- layout      header row (below title rows), trailer rows
    raw           what a loader hands on: cells as text + where they came from
    problems      Problem, Fatal, raise_first, problems_frame
    schema        Column, Schema, the registry, header normalization
    declarations  the kinds the kit reads (registered on import)
    xlsxwrite     the other way: XLSX and CSV the kit writes for people, text always as text
                  (apart: the reader does not use it)

``problems``, ``schema``, ``bytefacts``, ``numeric``, ``xlsxml`` and ``htmltable`` import
nothing of the package but ``problems``; pandas, numpy, python-calamine, lxml and openpyxl are
imported inside functions (``bytefacts`` aside, imported by ``delimited`` only
when a CSV is read), so ``import kit.sheets`` stays light for the CLI.
"""

from __future__ import annotations

from kit.sheets import declarations  # noqa: F401  (registers the kinds)
from kit.sheets.layout import HEADER_SEARCH_ROWS
from kit.sheets.problems import Problem, problems_frame
from kit.sheets.raw import MAX_CELL_CHARS
from kit.sheets.read import inspect_table, read_table, read_table_lenient
from kit.sheets.schema import (
    COLUMN_TYPES,
    SCHEMAS,
    Column,
    HeaderMatch,
    Schema,
    get_schema,
    kinds,
    normalize_header,
    register,
    unit_factor,
)

__all__ = [
    "MAX_CELL_CHARS",
    "HEADER_SEARCH_ROWS",
    "Problem",
    "read_table",
    "read_table_lenient",
    "inspect_table",
    "problems_frame",
    "COLUMN_TYPES",
    "Column",
    "Schema",
    "HeaderMatch",
    "SCHEMAS",
    "register",
    "get_schema",
    "kinds",
    "normalize_header",
    "unit_factor",
]
