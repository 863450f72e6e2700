"""What a loader hands on: a file's cells as text, before the schema is applied (:class:`Raw`).

A loader may also hand on *facts*: what it knows about the cells that spares
:mod:`kit.sheets.build` a per-cell test. Facts answer three questions, each
conservatively (``None`` / ``False`` means "cannot tell: test every cell"):

``rows_to_strip()``
    the data rows (0-based) whose text cells may carry surrounding whitespace;
``rows_with(byte, position)``
    the data rows whose cell in column ``position`` (or, for a CSV, whose line)
    may contain ``byte``;
``lines_shorter_than(limit)``
    True proves no cell has ``limit`` characters or more.

:class:`~kit.sheets.bytefacts.ByteFacts` answers them from a CSV's raw bytes;
:class:`~kit.sheets.workbook.CellFacts` from an XLSX sheet's cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kit.sheets.problems import Problem

__all__ = ["MAX_CELL_CHARS", "Raw"]

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell


@dataclass(slots=True)
class Raw:
    """A file's cells as text, before the schema is applied."""

    headers: list[str]
    header_row: int  # 1-based
    frame: Any  # DataFrame of str with positional columns: data rows only
    first_data_row: int  # 1-based row number of frame's first row
    info: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    cell_refs: bool = False  # XLSX: messages may name cells (D5)
    merged_header: list[tuple[str, int, int]] = field(default_factory=list)  # (range, first col, last col)
    facts: Any = None  # see the module docstring
    unpacked: dict[int, int] = field(default_factory=dict)  # a column unpacked from another -> that column
