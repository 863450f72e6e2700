"""What a loader hands on: a file's cells as text, before the schema is applied (:class:`Raw`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kit.sheets.problems import Problem

__all__ = ["Raw"]


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
