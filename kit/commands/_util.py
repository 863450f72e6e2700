"""Small helpers shared by command modules (kept import-light)."""

from __future__ import annotations

import json
import sys
from typing import Any


def workspace():
    """The workspace for this invocation (``--workspace`` / ``KIT_WORKSPACE``)."""
    from kit.store import Workspace

    return Workspace()


def yes_no(value: Any) -> str:
    """``sim``/``não`` for a person."""
    return "sim" if value else "não"


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(rows: list[dict[str, Any]], columns: list[str], labels: dict[str, str] | None = None) -> None:
    """A plain aligned text table (no pandas); ``labels`` names the columns for people (pt-BR headers)."""
    if not rows:
        print("(nenhum)")
        return
    heads = {c: (labels or {}).get(c, c) for c in columns}
    widths = {c: max(len(heads[c]), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(heads[c].ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns))


def stop_on_ctrl_c_and_term() -> None:
    """Ctrl-C (SIGINT) and SIGTERM raise KeyboardInterrupt, whatever the parent process left behind.

    A signal ignored or blocked in the parent is ignored or blocked in the child too (a test
    runner's worker, a supervisor, a shell script with ``trap '' INT``): a serving command would
    then never stop. Seen: a test worker's blocked SIGINT left ``kit sandbox start`` serving.
    """
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
