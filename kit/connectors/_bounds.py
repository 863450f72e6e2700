"""Bounds of one HTTP attempt: a wall-clock deadline and a size limit (private to :mod:`kit.connectors.http`).

A read timeout restarts with every byte, so a channel dripping one byte at a
time never trips it. Here each attempt gets a deadline (:func:`bounded`): the
connection classes of the session's pools (:class:`GuardedAdapter`) attach
themselves to the deadline of the calling thread whenever they connect or
send, and one watchdog thread shuts the socket of an attempt past its deadline,
whether it is waiting for headers or reading the body. A connection goes back
to its pool detached, so a deadline never touches a connection another request
reuses. :func:`read_body` reads an answer in chunks up to a byte limit.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests
import urllib3

from kit.connectors.responses import ResponseTooLarge

__all__ = ["GuardedAdapter", "bounded", "read_body", "CHUNK_BYTES"]

CHUNK_BYTES = 64 * 1024

_guard_lock = threading.Lock()
_active = threading.local()  # the deadline of the attempt this thread is making


class _Deadline:
    """The wall-clock bound of one attempt: past it, the watchdog shuts the attempt's socket.

    The connection classes below attach themselves to the deadline of the
    calling thread whenever they connect or send; a connection goes back to the
    pool detached, so a deadline never touches a connection another request
    reuses.
    """

    __slots__ = ("at", "expired", "done", "_conns")

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self.done = False
        self._conns: list[Any] = []

    def attach(self, conn: urllib3.connection.HTTPConnection) -> None:
        with _guard_lock:
            conn._kit_deadline = self
            self._conns.append(conn)
            late = self.expired
        if late:
            _shut(conn)

    def expire(self) -> None:
        with _guard_lock:
            if self.done:
                return
            self.expired = True
            conns = [c for c in self._conns if getattr(c, "_kit_deadline", None) is self]
        for conn in conns:
            _shut(conn)

    def finish(self) -> None:
        with _guard_lock:
            self.done = True
            self._conns.clear()


def _shut(conn: urllib3.connection.HTTPConnection) -> None:
    """Unblock a thread reading ``conn``: shut its socket down (a plain socket call, TLS included)."""
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread expiring deadlines in time order."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, deadline: _Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._seq), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="kit-http-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                at, _, deadline = self._heap[0]
                now = time.monotonic()
                if at > now:
                    self._cond.wait(at - now)
                    continue
                heapq.heappop(self._heap)
            if not deadline.done:
                deadline.expire()


_watchdog = _Watchdog()


class _GuardedConnection:
    """Mixin: attach the connection to the calling thread's deadline before it blocks."""

    def _kit_attach(self) -> None:
        deadline = getattr(_active, "deadline", None)
        if deadline is not None:
            deadline.attach(self)

    def connect(self) -> None:
        self._kit_attach()
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kw: Any) -> None:
        self._kit_attach()
        super().request(*args, **kw)  # type: ignore[misc]


class _GuardedHTTPConnection(_GuardedConnection, urllib3.connection.HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnection, urllib3.connection.HTTPSConnection):
    pass


class _GuardedPool:
    """Mixin: a connection returned to the pool no longer belongs to any deadline."""

    def _put_conn(self, conn: urllib3.connection.HTTPConnection | None) -> None:
        if conn is not None:
            with _guard_lock:
                conn._kit_deadline = None
        super()._put_conn(conn)  # type: ignore[misc]


class _GuardedHTTPPool(_GuardedPool, urllib3.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(_GuardedPool, urllib3.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


_GUARDED_POOLS = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose pools (direct or through a proxy) use the guarded connections."""

    def init_poolmanager(self, *args: Any, **kw: Any) -> None:
        super().init_poolmanager(*args, **kw)
        self.poolmanager.pool_classes_by_scheme = _GUARDED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _GUARDED_POOLS
        return manager


@contextlib.contextmanager
def bounded(at: float) -> Iterator[_Deadline]:
    """Run one attempt of this thread under the wall-clock deadline ``at`` (monotonic)."""
    deadline = _Deadline(at)
    previous = getattr(_active, "deadline", None)
    _active.deadline = deadline
    _watchdog.arm(deadline)
    try:
        yield deadline
    finally:
        deadline.finish()
        _active.deadline = previous


def read_body(raw: requests.Response, limit: int) -> None:
    """Read the whole answer into ``raw`` (``raw.content`` works afterwards), at most ``limit`` bytes."""
    declared = raw.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raw.close()
        raise ResponseTooLarge(f"Content-Length {int(declared)} > {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in raw.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raw.close()
            raise ResponseTooLarge(f"mais de {limit} bytes")
        chunks.append(chunk)
    raw._content = b"".join(chunks)  # requests' own cache: .content, .text, .json() read it
    raw._content_consumed = True
