"""Problems found in an input file: each one a :class:`Problem`, collected, then raised as one error.

A read collects every problem it finds (failures are collected, not raised one
by one); :func:`raise_first` raises one :class:`~kit.errors.InputDataError` for
the first error, with ``.problems`` listing all of them. :class:`Fatal` stops a
read that cannot go on (an empty file, an unknown separator, a damaged workbook).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from kit.errors import InputDataError

if TYPE_CHECKING:  # pandas is imported lazily: the CLI must start without it
    import pandas as pd

__all__ = ["Problem", "problems_frame", "raise_first", "Fatal", "describe", "rows_text", "column_letter"]


@dataclass(slots=True)
class Problem:
    """One thing wrong (or worth knowing) about an input file.

    ``rows`` lists every affected row (1-based, as a spreadsheet shows them);
    ``row`` is the first.
    """

    severity: str  # "error" | "warning"
    message: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    rows: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rows"] = list(self.rows[:50])
        d["rows_count"] = len(self.rows)
        return d

    def to_error(self, extra: int = 0) -> InputDataError:
        message = self.message
        if extra:
            message += f" (e mais {extra} problema{'s' if extra > 1 else ''}; `kit inspect` lista todos)"
        return InputDataError(
            message, hint=self.hint, file=self.file, sheet=self.sheet, row=self.row, column=self.column
        )


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a DataFrame with fixed columns (for notebooks and reports)."""
    import pandas as pd

    cols = ["severity", "message", "file", "sheet", "row", "column", "value", "hint", "rows_count"]
    return pd.DataFrame([p.to_dict() for p in problems], columns=cols)


def raise_first(problems: list[Problem]) -> None:
    errors = sorted((p for p in problems if p.severity == "error"), key=lambda p: p.row or 0)
    if not errors:
        return
    exc = errors[0].to_error(len(errors) - 1)
    exc.problems = errors + [p for p in problems if p.severity != "error"]
    raise exc


class Fatal(Exception):
    """Internal: the file cannot be read any further."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def describe(p: Problem) -> str:
    where = ", ".join(
        f"{k} {v}" for k, v in (("arquivo", p.file), ("aba", p.sheet), ("linha", p.row), ("coluna", p.column)) if v
    )
    return f"{p.message} ({where})"


def rows_text(rows: tuple[int, ...]) -> str:
    if len(rows) == 1:
        return f"linha {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:10])
    if len(rows) > 10:
        return f"linhas {shown}... ({len(rows)} linhas)"
    head, _, last = shown.rpartition(", ")
    return f"linhas {head} e {last}"


def column_letter(index: int) -> str:
    """A spreadsheet column's letters from its 0-based index: 0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
