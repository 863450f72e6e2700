"""Attributes packed into one column: Magento's ``additional_attributes`` (``code=value,code=value``).

Magento's catalogue export (System > Export > Products) writes every attribute
outside its fixed columns into one cell per product, pairs separated by
commas, a pair holding a comma in double quotes (``color=Preto,"material=Aço,
vidro",ean=7891234567895``). A store keeps there what the go-live compares:
the EAN, the brand, the NCM. :func:`unpack_attributes` gives each pair whose
code names a column of the kind (by the kind's own header aliases: ``ean``,
``gtin``, ``marca``, ``manufacturer``...) a column of its own, unless the file
already has that column; when two codes mean one column (``ean`` in some
rows, ``gtin`` in others) each row takes the most used code it has. A message
names the codes used; a problem in an unpacked value names the packed cell.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable

from kit.sheets.raw import Raw
from kit.sheets.schema import Schema, normalize_header

__all__ = ["PACKED_HEADERS", "unpack_attributes", "split_pairs", "source_position"]

PACKED_HEADERS = {"additional attributes", "atributos adicionais"}


def split_pairs(cell: str) -> dict[str, str]:
    """``code=value`` pairs of one cell; a pair without ``=`` is not an attribute and is left out."""
    out: dict[str, str] = {}
    for item in next(csv.reader([cell], delimiter=",", quotechar='"', skipinitialspace=True), []):
        code, sep, value = item.partition("=")
        if sep and code.strip() and code.strip() not in out:
            out[code.strip()] = value.strip()
    return out


def unpack_attributes(raw: Raw, schema: Schema, problem: Callable[..., None]) -> None:
    """Columns of ``schema`` the file lacks, taken from a packed attributes column (``raw`` changed in place)."""
    packed = [i for i, h in enumerate(raw.headers) if normalize_header(h) in PACKED_HEADERS]
    if not packed or not len(raw.frame):
        return
    position = packed[0]
    cells = raw.frame[position].fillna("").astype(str)
    filled = cells.str.contains("=", regex=False)
    if not filled.any():
        return
    pairs = cells[filled].map(split_pairs)
    have = {m.column for m in schema.match_headers(raw.headers)}
    counts = Counter(code for found in pairs for code in found)
    taken: dict[str, list[str]] = {}  # column -> its codes, the most used first (a row takes the first it has)
    for code, _n in counts.most_common():
        match = schema.match_header(code)
        if match and match[1] == 1.0 and match[0] not in have:
            taken.setdefault(match[0], []).append(code)
    if not taken:
        return
    for codes in taken.values():
        values = pairs.map(lambda found, cs=codes: next((found[c] for c in cs if found.get(c)), ""))
        new = len(raw.headers)
        raw.frame[new] = values.reindex(raw.frame.index, fill_value="")
        raw.headers.append(codes[0])
        raw.unpacked[new] = position
    used = ", ".join(f"{'/'.join(codes)} ({column})" for column, codes in taken.items())
    problem(
        "warning",
        f"a coluna {raw.headers[position]!r} foi desdobrada: {used}",
        column=raw.headers[position],
        hint="os outros atributos dela não são usados pelo kit",
    )


def source_position(raw: Raw, position: int) -> int:
    """The sheet column a cell at ``position`` is in: the packed column for an unpacked one."""
    return raw.unpacked.get(position, position)
