"""One ``kit run-due`` pass at a time per workspace.

Cron starts ``kit run-due`` every minute whether or not the last pass has
finished; two passes reading the same due list ran jobs twice. The pass lock is
an OS file lock on ``<workspace>/locks/run-due.pass.lock`` (released by the
kernel however the holder dies), taken without waiting: a second pass exits 3
at once, saying who holds it. Each (channel, job) keeps its own lock
(:mod:`kit.jobs.locks`) as well, so a job is never run twice even by two
machines or a person running ``kit sync`` meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from kit.errors import LockHeldError

__all__ = ["pass_lock", "pass_lock_path"]

PASS_LOCK_NAME = "run-due.pass.lock"


def pass_lock_path(ws: Any) -> Path:
    """Where the pass lock of ``ws`` lives (beside the per-job locks)."""
    return Path(ws.root) / "locks" / PASS_LOCK_NAME


@contextlib.contextmanager
def pass_lock(ws: Any) -> Iterator[None]:
    """Hold the run-due pass lock of ``ws``, or raise :class:`LockHeldError` (exit 3) at once."""
    from kit.store import mkdir_private, refuse_symlink

    path = pass_lock_path(ws)
    mkdir_private(path.parent)
    info = path.with_name(path.name + ".json")
    refuse_symlink(path)
    refuse_symlink(info)
    lock = FileLock(str(path), timeout=0, is_singleton=False, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeldError(
            f"outra passada do run-due está em andamento nesta área de trabalho{_holder(info)}",
            hint="nada foi rodado por esta; a próxima passada do cron roda o que ainda estiver devido",
        ) from None
    try:
        info.write_text(json.dumps({"pid": os.getpid(), "started_at": time.time()}))
        yield
    finally:
        with contextlib.suppress(OSError):
            info.unlink()
        lock.release()


def _holder(info: Path) -> str:
    """`` (pid N, desde dd/mm/aaaa hh:mm)`` from the holder's note, or nothing."""
    from kit.forms_format import when_pt

    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(info.read_text())
        return f" (pid {int(data['pid'])}, desde {when_pt(float(data['started_at']))})"
    return ""
