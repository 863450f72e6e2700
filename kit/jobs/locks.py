"""One lock per (channel, job), so two runs never overlap, on one machine or many.

The lock is the workspace's (:attr:`kit.store.Workspace.locks`): an OS file
lock on ``<workspace>/locks/<channel>.<job>.lock`` with the files backend, a
PostgreSQL advisory lock with ``KIT_DATABASE_URL``. Either way it dies with its
holder, however it dies (SIGKILL included), so a dead holder's lock is simply
taken over. The holder leaves its pid, host and start time for the message the
next run prints.

``kit sync`` takes the lock in the CLI process and tells the notebook's kernel
through ``KIT_JOB_LOCK_HELD`` that it is held on its behalf.

A symbolic link at a lock file (or its ``.json``) is refused: opening it would
truncate whatever it points at.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import LockHeldError

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["job_lock", "named_lock", "lock_path", "HELD_ENV"]

HELD_ENV = "KIT_JOB_LOCK_HELD"


def lock_path(ws: Workspace, channel: str, job: str) -> Path:
    """Where the files backend keeps the (channel, job) lock."""
    from kit.store import safe_child

    return safe_child(Path(ws.root) / "locks", f"{channel}.{job}.lock")


def _held_by_parent(channel: str, job: str) -> bool:
    return os.environ.get(HELD_ENV) == f"{channel}:{job}"


def _holder_text(info: dict[str, Any] | None) -> str:
    if not info:
        return ""
    from kit.fmt import when_pt

    with contextlib.suppress(KeyError, TypeError, ValueError, OverflowError):
        since = when_pt(float(info["started_at"]))
        host = f" em {info['host']}" if info.get("host") and info["host"] != socket.gethostname() else ""
        return f" (pid {info['pid']}{host}, desde {since})"
    return ""


@contextlib.contextmanager
def named_lock(ws: Workspace, name: str, *, wait: float = 0.0, what: str | None = None) -> Iterator[None]:
    """Hold lock ``name`` (waiting up to ``wait`` seconds), or raise :class:`LockHeldError` (exit 3).

    Args:
        ws: the workspace (its backend decides where the lock lives).
        name: the lock's name (a file name with the files backend: letters, digits, ``.-_``).
        wait: seconds to wait for the holder to finish; 0 fails at once.
        what: how the message names the lock (default: ``name``).
    """
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": time.time(), "name": name}
    held = ws.locks.acquire(name, wait=wait, info=info)
    if held is None:
        raise LockHeldError(
            f"outra execução de {what or name} está em andamento{_holder_text(ws.locks.holder(name))}",
            hint="espere ela terminar; a trava de uma execução que caiu é liberada automaticamente pelo sistema",
        )
    try:
        yield
    finally:
        held.release()


@contextlib.contextmanager
def job_lock(ws: Workspace, channel: str, job: str) -> Iterator[None]:
    """Hold the (channel, job) lock, or raise :class:`LockHeldError` at once."""
    if _held_by_parent(channel, job):
        yield
        return
    name = f"{channel}.{job}"
    lock_path(ws, channel, job)  # the names become a file name: refused here if they could leave the folder
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": time.time(), "channel": channel, "job": job}
    held = ws.locks.acquire(name, info=info)
    if held is None:
        raise LockHeldError(
            f"outra execução do job {job} do canal {channel} está em andamento{_holder_text(ws.locks.holder(name))}",
            channel=channel,
            hint="espere ela terminar; a trava de uma execução que caiu é liberada automaticamente pelo sistema",
        )
    try:
        yield
    finally:
        held.release()
