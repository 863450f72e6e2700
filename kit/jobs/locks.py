"""One lock per (channel, job), so two runs never overlap.

The lock is an OS file lock (``filelock``; ``flock`` on Unix) on
``<workspace>/locks/<channel>.<job>.lock``: the kernel releases it when the
holding process dies, however it dies (SIGKILL included), so a dead holder's
lock is simply taken over. Beside it, ``<...>.lock.json`` says who holds it
(pid, start time) for the message the next run prints.

``kit sync`` takes the lock in the CLI process and tells the notebook's kernel
through ``KIT_JOB_LOCK_HELD`` that it is held on its behalf.

A symbolic link at the lock's path (or its ``.json``) is refused: opening it
would truncate whatever it points at.
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

__all__ = ["job_lock", "lock_path", "HELD_ENV"]

HELD_ENV = "KIT_JOB_LOCK_HELD"


def lock_path(ws: Any, channel: str, job: str) -> Path:
    from kit.store import safe_child

    return safe_child(Path(ws.root) / "locks", f"{channel}.{job}.lock")


def _held_by_parent(channel: str, job: str) -> bool:
    return os.environ.get(HELD_ENV) == f"{channel}:{job}"


@contextlib.contextmanager
def job_lock(ws: Any, channel: str, job: str) -> Iterator[None]:
    """Hold the (channel, job) lock, or raise :class:`LockHeldError` at once."""
    if _held_by_parent(channel, job):
        yield
        return
    from kit.store import mkdir_private, refuse_symlink

    path = lock_path(ws, channel, job)
    mkdir_private(path.parent)
    info = path.with_name(path.name + ".json")
    refuse_symlink(path)
    refuse_symlink(info)  # written below: a link there would be written through
    lock = FileLock(str(path), timeout=0, is_singleton=False, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        holder = ""
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(info.read_text())
            since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(data["started_at"]))
            holder = f" (pid {data['pid']}, since {since})"
        raise LockHeldError(
            f"another {job} run for channel {channel} is in progress{holder}",
            channel=channel,
            hint="wait for it to finish; a crashed run's lock is released by the system automatically",
        ) from None
    try:
        info.write_text(json.dumps({"pid": os.getpid(), "started_at": time.time(), "channel": channel, "job": job}))
        yield
    finally:
        with contextlib.suppress(OSError):
            info.unlink()
        lock.release()
