"""The HTTP side of a sandbox: a threaded server on 127.0.0.1 and the request handler around the routes.

The handler reads a request, answers the sandbox's admin paths, draws the
injected fault, applies the channel's rate limit, dispatches to the sandbox
(:meth:`~kit.sandbox.base.SandboxServer.dispatch`) and logs every exchange in
``sandbox.state.requests``.
"""

from __future__ import annotations

import json
import math
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Protocol
from urllib.parse import parse_qs, urlsplit

from kit.sandbox.limits import SandboxBucket
from kit.sandbox.messages import ADMIN_PREFIX, Reply, Request
from kit.sandbox.state import Faults, SandboxState

__all__ = ["Served", "SandboxHTTPServer", "SandboxHandler", "handler_for", "encode"]


class Served(Protocol):
    """What the handler needs of the sandbox it serves (:class:`~kit.sandbox.base.SandboxServer` has it all)."""

    type_name: ClassVar[str]
    faults: Faults
    state: SandboxState
    log_bodies: bool

    def admin(self, req: Request) -> Reply: ...
    def dispatch(self, req: Request) -> Reply: ...
    def rate_bucket(self, req: Request) -> SandboxBucket: ...
    def rate_limited_reply(self, retry_after: int) -> Reply: ...
    def error_reply(self, status: int, message: str) -> Reply: ...
    def malformed_reply(self, reply: Reply) -> Reply: ...
    def next_request_id(self) -> str: ...


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients time out and drop connections on purpose in fault tests; no tracebacks on stderr.
        return


def encode(reply: Reply) -> tuple[bytes, str]:
    """The bytes and content type of ``reply``."""
    body = reply.body
    if isinstance(body, bytes):
        return body, reply.content_type or "application/octet-stream"
    if isinstance(body, str) and reply.content_type:
        return body.encode("utf-8"), reply.content_type
    if body is None and reply.status == 204:
        return b"", reply.content_type or "application/json"
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), reply.content_type or "application/json; charset=utf-8"


def handler_for(sandbox: Served) -> type[SandboxHandler]:
    """The handler class serving ``sandbox``."""
    name = f"{type(sandbox).__name__}Handler"
    return type(
        name, (SandboxHandler,), {"sandbox": sandbox, "server_version": f"canais-kit-sandbox/{sandbox.type_name}"}
    )


class SandboxHandler(BaseHTTPRequestHandler):
    """One connection to a sandbox (keep-alive HTTP/1.1); :func:`handler_for` binds it to its sandbox."""

    sandbox: ClassVar[Served]
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms each.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        return

    def _read_request(self) -> Request:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        return Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k: v for k, v in self.headers.items()},
            body=body,
        )

    def _handle(self) -> None:
        sandbox = self.sandbox
        req = self._read_request()
        if req.path.startswith(ADMIN_PREFIX):
            self._send(sandbox.admin(req), req, log=False)
            return
        fault = sandbox.faults.draw(req.path)
        if fault == "drop":
            self._drop(req)
            return
        bucket = sandbox.rate_bucket(req)
        if not bucket.try_acquire():
            wait = bucket.seconds_until()
            self._send(sandbox.rate_limited_reply(max(1, math.ceil(wait))), req)
            return
        if fault == "error":
            status = sandbox.faults.error_status
            self._send(sandbox.error_reply(status, "internal error (injected by the sandbox)"), req)
            return
        if fault == "slow":
            time.sleep(sandbox.faults.slow_s)
        try:
            reply = sandbox.dispatch(req)
        except Exception as exc:  # a sandbox bug must still answer
            reply = sandbox.error_reply(500, f"sandbox error: {type(exc).__name__}: {exc}")
        if fault == "timeout":
            time.sleep(sandbox.faults.timeout_s)
        if fault == "malformed" and reply.status < 300:
            reply = sandbox.malformed_reply(reply)
        self._send(reply, req)

    def _drop(self, req: Request) -> None:
        """Close the connection without answering (the "drop" fault)."""
        self.sandbox.state.log({"method": req.method, "path": req.path, "status": "dropped"})
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, reply: Reply, req: Request, log: bool = True) -> None:
        payload, ctype = encode(reply)
        request_id = self.sandbox.next_request_id()
        if log:
            self._log(reply, req, request_id, ctype)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Request-Id", request_id)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _log(self, reply: Reply, req: Request, request_id: str, ctype: str) -> None:
        sandbox = self.sandbox
        entry: dict[str, Any] = {
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "status": reply.status,
            "request_id": request_id,
        }
        if sandbox.log_bodies:
            entry["headers"] = req.headers
            entry["body"] = req.body
            entry["response"] = reply.body if not isinstance(reply.body, bytes) else None
            entry["content_type"] = ctype
        sandbox.state.log(entry)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815
