"""One ``kit run-due`` pass at a time per workspace.

Cron starts ``kit run-due`` every minute whether or not the last pass has
finished; two passes reading the same due list ran jobs twice. The pass lock is
the workspace's lock ``run-due.pass``: an OS file lock on
``<workspace>/locks/run-due.pass.lock`` (or, with the storage interface and
PostgreSQL, an advisory lock), released however the holder dies, taken without
waiting: a second pass exits 3 at once, saying who holds it. Each (channel, job) keeps its own lock
(:mod:`kit.jobs.locks`) as well, so a job is never run twice even by two
machines or a person running ``kit sync`` meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from kit.errors import LockHeldError

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["pass_lock", "pass_lock_path"]

PASS_LOCK = "run-due.pass"
PASS_LOCK_NAME = f"{PASS_LOCK}.lock"


def pass_lock_path(ws: Workspace) -> Path:
    """Where the pass lock of ``ws`` lives (beside the per-job locks)."""
    return Path(ws.root) / "locks" / PASS_LOCK_NAME


def _refusal(holder: str) -> LockHeldError:
    return LockHeldError(
        f"outra passada do run-due está em andamento nesta área de trabalho{holder}",
        hint="nada foi rodado por esta; a próxima passada do cron roda o que ainda estiver devido",
    )


@contextlib.contextmanager
def pass_lock(ws: Workspace) -> Iterator[None]:
    """Hold the run-due pass lock of ``ws``, or raise :class:`LockHeldError` (exit 3) at once.

    With the storage interface (``ws.locks``, :mod:`kit.storage`) the lock is the
    backend's: a file lock, or a PostgreSQL advisory lock shared by every machine.
    """
    locks = getattr(ws, "locks", None)
    if locks is not None:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": time.time(), "name": PASS_LOCK}
        held = locks.acquire(PASS_LOCK, info=info)
        if held is None:
            raise _refusal(_holder_text(locks.holder(PASS_LOCK) or {}))
        try:
            yield
        finally:
            held.release()
        return
    yield from _file_lock(ws)


def _file_lock(ws: Workspace) -> Iterator[None]:
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
        raise _refusal(_holder(info)) from None
    try:
        info.write_text(json.dumps({"pid": os.getpid(), "started_at": time.time()}))
        yield
    finally:
        with contextlib.suppress(OSError):
            info.unlink()
        lock.release()


def _holder(info: Path) -> str:
    """`` (pid N, desde dd/mm/aaaa hh:mm)`` from the holder's note file, or nothing."""
    with contextlib.suppress(OSError, ValueError):
        return _holder_text(json.loads(info.read_text()))
    return ""


def _holder_text(data: dict[str, Any]) -> str:
    """`` (pid N em HOST, desde dd/mm/aaaa hh:mm)`` from what the holder said about itself, or nothing."""
    from kit.forms_format import when_pt

    with contextlib.suppress(KeyError, TypeError, ValueError):
        host = f" em {data['host']}" if data.get("host") else ""
        return f" (pid {int(data['pid'])}{host}, desde {when_pt(float(data['started_at']))})"
    return ""
