"""Where a go-live check writes: the report files' names, the output folder, the go-live notebook.

Light on purpose (no pandas): ``kit check golive`` starts the report's kernel
with these alone, and the check itself runs in the kernel.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

__all__ = [
    "SUMMARY_FILE",
    "XLSX_FILE",
    "NOTEBOOK_FILE",
    "HTML_FILE",
    "FINDINGS_CSV_FILE",
    "default_reports_root",
    "new_output_dir",
    "notebook_path",
]

SUMMARY_FILE, XLSX_FILE, NOTEBOOK_FILE, HTML_FILE = "summary.json", "golive.xlsx", "golive.ipynb", "golive.html"
FINDINGS_CSV_FILE = "golive_achados.csv"
_REPO = Path(__file__).resolve().parents[2]


def default_reports_root() -> Path:
    """``$KIT_REPORTS``, else ``reports/`` of the source checkout, else ``./reports``."""
    if os.environ.get("KIT_REPORTS"):
        return Path(os.environ["KIT_REPORTS"])
    if (_REPO / "reports").is_dir() and (_REPO / "pyproject.toml").exists():
        return _REPO / "reports"
    return Path("reports")


def new_output_dir(label: str, root: str | os.PathLike[str] | None = None) -> Path:
    """``<root>/<label>/<UTC timestamp>/``, created."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out = Path(root) if root else default_reports_root()
    path = out / label / stamp
    path.mkdir(parents=True, exist_ok=True)
    return path


def notebook_path() -> Path:
    """``notebooks/golive.ipynb`` of the source checkout."""
    return _REPO / "notebooks" / "golive.ipynb"
