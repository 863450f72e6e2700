"""Where a run's report is, seen from any machine.

A job's report is written under the reports root (``KIT_REPORTS``: on several
machines, a shared file-system path mounted on each) as
``<root>/<channel>/<job>/<stamp>.ipynb`` with its JSON summary beside it. The run
record keeps ``report_path`` (absolute, as written), ``host`` (the machine that
wrote it), and, added by the run history when the path has that layout,
``reports_root`` and ``report_rel`` (the path below the root). A machine that
mounts the shared root somewhere else finds the report with
:func:`locate_report`.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Any

__all__ = ["report_fields", "locate_report"]


def report_fields(record: dict[str, Any]) -> dict[str, str]:
    """``reports_root`` and ``report_rel`` of a record whose report follows ``<root>/<channel>/<job>/<file>``."""
    path = record.get("report_path")
    if not path:
        return {}
    p = PurePath(str(path))
    if len(p.parts) < 4 or p.parent.name != record.get("job") or p.parent.parent.name != record.get("channel"):
        return {}
    return {"reports_root": str(p.parents[2]), "report_rel": p.relative_to(p.parents[2]).as_posix()}


def locate_report(record: dict[str, Any], root: str | os.PathLike[str] | None = None) -> Path | None:
    """The report of ``record`` on this machine: its recorded path, else the same file under ``root``
    (default ``$KIT_REPORTS``); ``None`` when neither exists."""
    path = record.get("report_path")
    if not path:
        return None
    if Path(str(path)).exists():
        return Path(str(path))
    rel = record.get("report_rel") or report_fields(record).get("report_rel")
    base = root or os.environ.get("KIT_REPORTS")
    if rel and base:
        candidate = Path(base).expanduser() / rel
        if candidate.exists():
            return candidate
    return None
