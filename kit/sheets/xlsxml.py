"""What an XLSX package's XML says that the cell values do not.

:func:`sheet_parts` maps each sheet's name to its XML part (from
``xl/workbook.xml`` and its relationships); :func:`scan_sheet` scans one
sheet's XML for what python-calamine cannot give exactly (a formula without a
saved result, an error value, an integer longer than a float holds);
:func:`merged_ranges` reads the merged ranges openpyxl's read-only mode skips.
The scans are ``bytes.find`` and literal-prefix regular expressions over the
inflated XML: a few tens of milliseconds for a 30,000-row sheet.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

__all__ = ["SheetScan", "sheet_parts", "scan_sheet", "merged_ranges"]

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OFFICE_DOCUMENT = "/officeDocument"
_PREFIX = re.compile(rb"<(\w+:)?sheetData\b")
LONG_INTEGER_DIGITS = 16  # 2**53 has 16 digits: a longer integer is rounded by a float


def sheet_parts(parts: zipfile.ZipFile) -> dict[str, str] | None:
    """Sheet name -> its XML part's name in the package; None when the package is not an Excel workbook."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(parts.read("_rels/.rels"))
        workbook = next(r.get("Target", "") for r in root if r.get("Type", "").endswith(_OFFICE_DOCUMENT)).lstrip("/")
        if not workbook.endswith(".xml") or "workbook" not in workbook:
            return None
        folder, name = posixpath.split(workbook)
        rels = ElementTree.fromstring(parts.read(posixpath.join(folder, "_rels", name + ".rels")))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        sheets = ElementTree.fromstring(parts.read(workbook)).iter()
        out = {}
        for node in sheets:
            if node.tag.endswith("}sheet") and node.get(_REL) in targets:
                target = targets[node.get(_REL)]
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
                out[node.get("name", "")] = path
        return out or None
    except (KeyError, StopIteration, ValueError, ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError):
        return None


@dataclass(slots=True)
class SheetScan:
    """What one sheet's XML says: why openpyxl must read it (None: calamine can), and its last row."""

    openpyxl_needed: str | None
    last_row: int = 0  # the last <row> element, formatted empty rows included (openpyxl yields them)


def scan_sheet(parts: zipfile.ZipFile, path: str) -> SheetScan:
    """Scan the sheet at ``path`` for what calamine cannot give exactly."""
    try:
        xml = parts.read(path)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return SheetScan("its XML cannot be read")
    match = _PREFIX.search(xml)
    prefix = (match.group(1) or b"") if match else b""
    return SheetScan(_openpyxl_needed(xml, prefix), _last_row(xml, prefix))


_ERROR_TYPE = re.compile(rb"""t=(?:"e"|'e')""")  # one pass over the XML where two ``in`` took twice the time


def _openpyxl_needed(xml: bytes, prefix: bytes) -> str | None:
    if _ERROR_TYPE.search(xml):
        return "error values such as #N/A"
    if re.search(re.escape(b"<" + prefix + b"v>") + rb"-?\d{%d}" % LONG_INTEGER_DIGITS, xml):
        return "integers longer than a float holds"
    if _formula_without_result(xml, prefix):
        return "formulas without a saved result"
    return None


def _last_row(xml: bytes, prefix: bytes) -> int:
    start = xml.rfind(b"<" + prefix + b"row ")
    if start < 0:
        return 0
    found = re.compile(rb'\sr=["\'](\d+)["\']').search(xml, start, xml.find(b">", start) + 1)
    return int(found.group(1)) if found else 0


def _formula_without_result(xml: bytes, prefix: bytes) -> bool:
    """True when a formula cell (``<f>``) has no ``<v>`` with something in it before its cell ends."""
    formula = re.compile(re.escape(b"<" + prefix + b"f") + rb"[\s>/]")
    cell_end = b"</" + prefix + b"c>"
    value = re.compile(re.escape(b"<" + prefix + b"v>") + rb"\s*[^<\s]")
    for m in formula.finditer(xml):
        end = xml.find(cell_end, m.end())
        if end < 0 or not value.search(xml, m.end(), end):
            return True
    return False


def merged_ranges(content: bytes, sheet_path: str | None) -> list[tuple[str, int, int, int, int]]:
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
