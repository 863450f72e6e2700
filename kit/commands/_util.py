"""Small helpers shared by command modules (kept import-light)."""

from __future__ import annotations

import json
import sys
from typing import Any


def workspace():
    """The workspace for this invocation (``--workspace`` / ``KIT_WORKSPACE``)."""
    from kit.store import Workspace

    return Workspace()


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A plain aligned text table (no pandas)."""
    if not rows:
        print("(none)")
        return
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns))
