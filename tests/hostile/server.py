"""A hostile channel: a tiny HTTP server on 127.0.0.1 that misbehaves on purpose.

Each test sets :attr:`HostileServer.answer`, a function ``(handler) -> None``
that writes the whole answer with the helpers below (a redirect, a body
dripped one byte at a time, an endless or huge body, pages that never end,
JSON with ``NaN``). Every request is recorded (method, path, headers) before
it is answered. Handlers that wait (drips) wake up when the server stops, so
nothing outlives the test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["HostileServer", "Handler"]


class Handler(BaseHTTPRequestHandler):
    """Records the request, then lets the server's ``answer`` write the reply."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner = self.server.owner
        with owner.lock:
            owner.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                   "body": body})  # fmt: skip
        try:
            owner.answer(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: that is what the tests want

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _handle

    # -- answers ---------------------------------------------------------------------------
    def reply(self, status: int, body: bytes | str | Any = b"", headers: dict[str, str] | None = None) -> None:
        """A complete answer; a non-bytes, non-str body is sent as JSON."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body, allow_nan=True)
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, status: int, location: str) -> None:
        """A 3xx with an empty body, pointing elsewhere."""
        self.reply(status, b"", {"Location": location})

    def drip(self, every_s: float, *, declared: int = 1000, in_headers: bool = False) -> None:
        """One byte every ``every_s`` seconds, of the headers or of a body of ``declared`` bytes, until stopped."""
        stop = self.server.owner.stopping
        if in_headers:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.wait(every_s):
                self.wfile.write(b"a")
                self.wfile.flush()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        self.wfile.write(b"[")
        for _ in range(declared - 1):
            if stop.wait(every_s):
                return
            self.wfile.write(b" ")
            self.wfile.flush()

    def stream(self, total: int, *, declared: int | None = None) -> None:
        """``total`` bytes of JSON-ish filler, with ``declared`` as Content-Length (none: read until close)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if declared is not None:
            self.send_header("Content-Length", str(declared))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b" " * 65536
        sent = 0
        while sent < total and not self.server.owner.stopping.is_set():
            n = min(len(chunk), total - sent)
            self.wfile.write(chunk[:n])
            sent += n
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: HostileServer


class HostileServer:
    """Start with ``with HostileServer() as srv:``; ``srv.url`` is its address."""

    def __init__(self, answer: Callable[[Handler], None] | None = None) -> None:
        self.answer: Callable[[Handler], None] = answer or (lambda h: h.reply(200, {}))
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.owner = self
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def paths(self) -> list[str]:
        with self.lock:
            return [r["path"] for r in self.requests]
