"""The tables of an HTML page saved as ``.xls``: what many web ERPs and portals send as "exportar para Excel".

Excel opens such a file as a sheet per table, and people keep them as they
came. :func:`is_html` recognises one from its first bytes, :func:`html_tables`
gives each table as rows of cell texts on a grid (``colspan``/``rowspan``
placed as Excel places them, the spanned cells empty and reported as merged
ranges), and :func:`decode_html` finds the page's encoding (its byte-order
mark, its ``<meta charset>``, else UTF-8, else Windows-1252, the encoding of
older Brazilian systems). The cells stay text, as a CSV's do: the reader's
conversion stage reads "1.299,90" and dates as it does from a CSV.

The parser is lxml's HTML parser (libxml2: forgiving as a browser is, no
network); a table inside a cell is a table of its own, after its outer one.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HtmlTable", "is_html", "decode_html", "html_tables"]

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|meta|body|table|style)\b", re.I | re.S)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")
_BREAK = "\ue000"  # a <br> (a private-use character): a line break in the cell, kept through the collapse
_MAX_SPAN = 1000  # a span past this is a damaged page, not a layout: read as 1


def is_html(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) is the start of an HTML page."""
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom) :]
            if bom != codecs.BOM_UTF8:
                head = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
            break
    return bool(_HTML_START.match(head[:4096]))


def decode_html(content: bytes) -> tuple[str, str]:
    """The page's text and the encoding it was read with."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            return content.decode(encoding, errors="replace").lstrip("\ufeff"), encoding
    declared = _CHARSET.search(content[:8192])
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            codecs.lookup(name)
            return content.decode(name, errors="replace"), name
        except LookupError:
            pass
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace"), "cp1252"


@dataclass(slots=True)
class HtmlTable:
    """One table: rows of cell texts, all one width, and its merged ranges (1-based, as the reader's)."""

    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, last row, first col, last col


_NEEDS_TIDY = re.compile("[\t\r\n\f\u00a0\ue000]|  |^ | $")


def _text(cell: Any) -> str:
    """A cell's text as a browser shows it: runs of spaces as one, ``<br>`` as a line break."""
    text = "".join(cell.itertext())
    if not _NEEDS_TIDY.search(text):
        return text
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.split(_BREAK)).strip("\n")


def _grid(table: Any) -> HtmlTable:
    """One table on Excel's grid: a cell goes to the first column a rowspan from above does not hold."""
    rows: list[list[str]] = []
    merged: list[tuple[int, int, int, int]] = []
    held: set[tuple[int, int]] = set()  # (row, column) a rowspan from above holds
    for r, tr in enumerate(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")):
        row: list[str] = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while held and (r, len(row)) in held:
                row.append("")
            c = len(row)
            colspan, rowspan = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            row.append(_text(cell))
            if colspan > 1 or rowspan > 1:
                row.extend([""] * (colspan - 1))
                held.update((r + dr, c + dc) for dr in range(1, rowspan) for dc in range(colspan))
                merged.append((r + 1, r + rowspan, c + 1, c + colspan))
        rows.append(row)
    height = max([len(rows), *(m[1] for m in merged)])
    rows += [[] for _ in range(height - len(rows))]
    width = max([0, *map(len, rows), *(m[3] for m in merged)])
    return HtmlTable([r + [""] * (width - len(r)) if len(r) < width else r for r in rows], merged)


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        n = int(value.strip())
    except ValueError:
        return 1
    return n if 1 <= n <= _MAX_SPAN else 1


def html_tables(text: str) -> list[HtmlTable]:
    """Every table of the page with at least one cell, in the order they open (an outer table first)."""
    from lxml import etree

    if not text.strip():
        return []
    parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    etree.strip_elements(root, "script", "style", with_tail=False)
    for br in root.iter("br"):
        br.tail = _BREAK + (br.tail or "")
    tables = list(root.iter("table"))
    found: dict[int, HtmlTable] = {}
    for i in range(len(tables) - 1, -1, -1):  # the innermost first: each is taken out of its cell once read
        table = tables[i]
        found[i] = _grid(table)
        _drop(table)
    return [found[i] for i in range(len(tables)) if any(any(c for c in r) for r in found[i].rows)]


def _drop(element: Any) -> None:
    """Take ``element`` out of the tree, its tail text kept where it stood."""
    parent = element.getparent()
    if parent is None:
        return
    tail, previous = element.tail or "", element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
