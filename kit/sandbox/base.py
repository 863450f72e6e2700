"""The sandbox base: a real threaded HTTP server on 127.0.0.1 speaking a channel's API.

A channel sandbox subclasses :class:`SandboxServer` and declares:

* ``type_name`` and its routes, as methods decorated with
  ``@route("GET", "/items/{item_id}")`` (path parameters arrive in
  ``req.params``) that return a :class:`Reply` (or a JSON-able body for 200);
* :meth:`SandboxServer.seed` to fill ``self.state`` from a catalogue and orders;
* :meth:`SandboxServer.default_credentials` and :meth:`SandboxServer.check_auth`
  (return the channel's own 401/403 reply when the keys are wrong);
* :meth:`SandboxServer.error_reply` (the channel's error body shape) and
  optionally :meth:`SandboxServer.rate_limited_reply`.

The base does the rest: keep-alive HTTP/1.1, a token bucket answering 429 past
the channel's *published* limit (:mod:`kit.sandbox.limits`, with its source;
``Retry-After`` only where the channel documents it), fault injection (:class:`Faults`,
settable from Python or ``POST /__sandbox__/faults``), and a request log
(``server.state.requests``) for tests.
"""

from __future__ import annotations

import json
import math
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from kit.sandbox.limits import PublishedLimit, SandboxBucket, published_limit

__all__ = ["SandboxServer", "Faults", "SandboxState", "Request", "Reply", "route", "ADMIN_PREFIX"]

ADMIN_PREFIX = "/__sandbox__"
# A valid CNPJ used for channels aimed at sandboxes.
SANDBOX_COMPANY = "11222333000181"


def _category(type_name: str) -> str:
    from kit.channeltypes import get_type

    return get_type(type_name).category


@dataclass(slots=True)
class Faults:
    """Fault-injection knobs; rates are probabilities per request (0..1).

    Attributes:
        error_rate: answer ``error_status`` (5xx) before handling.
        error_status: the status used by ``error_rate``.
        timeout_rate: handle, then sleep ``timeout_s`` (past the client's read timeout) before answering.
        timeout_s: how long a "timeout" sleeps.
        malformed_rate: handle, then answer 200 with a truncated JSON body.
        drop_rate: close the connection without answering (before handling).
        slow_rate: sleep ``slow_s`` before handling (answer still in time).
        slow_s: how long a slow answer sleeps.
        expire_tokens: expire the access tokens issued so far (OAuth channels answer 401).
        path_pattern: only requests whose path matches this regex are faulted ("" = all).
        seed: seed of the fault draws (reproducible runs).
    """

    error_rate: float = 0.0
    error_status: int = 503
    timeout_rate: float = 0.0
    timeout_s: float = 2.0
    malformed_rate: float = 0.0
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_s: float = 0.2
    expire_tokens: bool = False
    path_pattern: str = ""
    seed: int | None = None
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, **changes: Any) -> Faults:
        """Set knobs by name; unknown names are an error."""
        known = {f.name for f in fields(self) if not f.name.startswith("_")}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault knob {key!r}; known: {', '.join(sorted(known))}")
            setattr(self, key, value)
        if "seed" in changes and changes["seed"] is not None:
            self._rng.seed(changes["seed"])
        return self

    def clear(self) -> Faults:
        """All knobs back to no faults."""
        return self.update(
            error_rate=0.0,
            timeout_rate=0.0,
            malformed_rate=0.0,
            drop_rate=0.0,
            slow_rate=0.0,
            expire_tokens=False,
            path_pattern="",
        )

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def draw(self, path: str) -> str | None:
        """Which fault (if any) hits a request to ``path``: drop/error/timeout/malformed/slow."""
        if self.path_pattern and not re.search(self.path_pattern, path):
            return None
        with self._lock:
            r = self._rng.random()
        edge = 0.0
        for name, rate in (
            ("drop", self.drop_rate),
            ("error", self.error_rate),
            ("timeout", self.timeout_rate),
            ("malformed", self.malformed_rate),
            ("slow", self.slow_rate),
        ):
            edge += rate
            if r < edge:
                return name
        return None


@dataclass(slots=True)
class SandboxState:
    """In-memory data of a sandbox plus its request log. Hold ``lock`` to change data."""

    data: dict[str, Any] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    counters: dict[str, int] = field(default_factory=dict)

    def log(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(entry)
            self.counters[str(entry.get("status"))] = self.counters.get(str(entry.get("status")), 0) + 1

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()
            self.counters.clear()

    def count(self, status: int | str) -> int:
        """How many answers had this status."""
        with self.lock:
            return self.counters.get(str(status), 0)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


@dataclass(slots=True)
class Request:
    """A request as handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def q(self, name: str, default: str | None = None) -> str | None:
        """First value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str | None = None) -> str | None:
        lname = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lname:
                return value
        return default

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body)


@dataclass(slots=True)
class Reply:
    """A handler's answer. ``body`` may be JSON-able, ``str`` or ``bytes``."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None


class BadRequest(Exception):
    """Raised by handlers to answer the channel's 400 with ``message``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def route(method: str, pattern: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a handler for ``method`` + ``pattern`` (``{name}`` segments become params)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__dict__.setdefault("_routes", []).append((method.upper(), pattern))
        return fn

    return deco


def _compile(pattern: str) -> re.Pattern[str]:
    regex = re.sub(r"\{(\w+)\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", pattern.rstrip("/") or "/")
    return re.compile(f"^{regex}/?$")


class SandboxServer:
    """Base of the channel sandboxes. See the module docstring for what to declare.

    Args:
        port: TCP port on 127.0.0.1 (0 = any free port).
        seed: seed of the generated data and of the fault draws.
        catalog: products (canonical columns) to serve; default ``generate_catalog(n_products, seed)``.
        orders: number of orders to generate, or a list of order dicts in the channel's shape.
        credentials: the keys the sandbox accepts (default :meth:`default_credentials`).
        rate_limit: requests per second answered before 429 (``None`` = the channel's published
            limit, :attr:`SandboxServer.limit`); a ``(per_second, burst)`` pair or a number.
        n_products: size of the generated catalogue when ``catalog`` is not given.
    """

    type_name: ClassVar[str] = ""
    #: the channel's documented limit (default: the row of :data:`kit.sandbox.limits.PUBLISHED_LIMITS`)
    limit: ClassVar[PublishedLimit | None] = None
    _route_table: ClassVar[list[tuple[str, re.Pattern[str], str]]] = []

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        table: list[tuple[str, re.Pattern[str], str]] = []
        for klass in reversed(cls.__mro__):
            for name, fn in vars(klass).items():
                for method, pattern in getattr(fn, "_routes", ()):
                    table.append((method, _compile(pattern), name))
        cls._route_table = table

    def __init__(
        self,
        *,
        port: int = 0,
        seed: int = 42,
        catalog: list[dict[str, Any]] | None = None,
        orders: int | list[dict[str, Any]] | None = None,
        credentials: dict[str, str] | None = None,
        rate_limit: float | tuple[float, float] | None = None,
        n_products: int = 60,
    ) -> None:
        from kit.sample import generate_catalog

        self.seed = seed
        self.rng = random.Random(seed)
        self.state = SandboxState()
        self.faults = Faults()
        self.faults.update(seed=seed)
        self.credentials = dict(credentials or self.default_credentials())
        self.rate = self._rate(rate_limit)
        self.bucket = SandboxBucket(*self.rate)
        self._request_seq = 0
        self._seq_lock = threading.Lock()
        self.log_bodies = True
        self.seed_data(catalog if catalog is not None else generate_catalog(n_products, seed), orders)
        self._httpd = _Server(("127.0.0.1", port), _make_handler(self))
        self._thread: threading.Thread | None = None

    # -- declarations ------------------------------------------------------
    def default_credentials(self) -> dict[str, str]:
        """The credentials this sandbox accepts unless others are given."""
        return {}

    def seed_data(self, catalog: list[dict[str, Any]], orders: int | list[dict[str, Any]] | None) -> None:
        """Fill ``self.state.data`` from the catalogue and orders."""

    #: orders generated when ``start_sandbox`` is given no ``orders``
    DEFAULT_ORDERS: ClassVar[int] = 25

    def seed_orders(self, orders: int | list[dict[str, Any]] | None) -> None:
        """Add ready-made orders (a list), or generate ``orders`` of them (default :data:`DEFAULT_ORDERS`).

        Uses the subclass's ``add_order(order)`` and ``make_order()``.
        """
        if isinstance(orders, list):
            for order in orders:
                self.add_order(order)
        else:
            for _ in range(orders if isinstance(orders, int) else self.DEFAULT_ORDERS):
                self.add_order(self.make_order())

    def check_auth(self, req: Request) -> Reply | None:
        """``None`` when the request carries valid credentials, else the channel's 401/403 reply."""
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        """An error in the channel's body shape."""
        return Reply(status, {"message": message, "status": status})

    def rate_bucket(self, req: Request) -> SandboxBucket:
        """Hook: the token bucket this request counts against (default: one for the whole server).

        Channels with limits per endpoint + method (SkyHub) return one bucket per key.
        """
        return self.bucket

    def malformed_reply(self, reply: Reply) -> Reply:
        """Hook: the ``malformed`` fault's answer (default: truncated JSON; SOAP sandboxes truncate XML)."""
        return Reply(reply.status, b'{"truncated": [1, 2', reply.headers, "application/json")

    def rate_limited_reply(self, retry_after: int) -> Reply:
        """The channel's 429; ``Retry-After`` only where the channel documents it (:attr:`limit`)."""
        return Reply(429, {"message": "Too Many Requests", "status": 429}, self.retry_after_headers(retry_after))

    def retry_after_headers(self, retry_after: int) -> dict[str, str]:
        """``{"Retry-After": n}`` where the channel documents the header on its 429 answers, else nothing."""
        return {"Retry-After": str(retry_after)} if self.published().retry_after else {}

    def channel_settings(self) -> dict[str, str]:
        """Channel settings that point a connector at this sandbox (e.g. the VTEX account)."""
        return {}

    def channel(
        self,
        name: str | None = None,
        *,
        secrets: Any = None,
        company: str = SANDBOX_COMPANY,
        store_credentials: bool = True,
    ) -> Any:
        """A :class:`~kit.channels.Channel` aimed at this sandbox, its credentials stored in ``secrets``.

        The channel is validated but not saved in a workspace (use
        ``ChannelRegistry(ws).add(...)`` for that).
        """
        from kit.channels import Channel, validate
        from kit.secrets import SecretsStore

        channel = validate(
            Channel(
                name=name or f"sandbox-{self.type_name}",
                type=self.type_name,
                category=_category(self.type_name),
                company=company,
                environment="sandbox",
                base_url=self.url,
                settings=dict(self.channel_settings()),
            )
        )
        if store_credentials:
            (secrets or SecretsStore()).update(channel.credentials_ref, self.credentials)
        return channel

    def links(self) -> list[tuple[str, str | None, str | None]]:
        """(sku, channel id, variation id) of every listing, as an ERP link table would hold them.

        Benchmarks and big tests use it to skip a full ``list_listings()``; a
        sandbox that does not implement it makes them fall back to listing.
        """
        raise NotImplementedError

    def stock_levels(self) -> dict[str, float]:
        """SKU -> the stock the sandbox holds (tests check that writes landed)."""
        raise NotImplementedError

    def published(self) -> PublishedLimit:
        """The channel's documented limit: :attr:`limit`, else its row in the published-limits table."""
        return self.limit or published_limit(self.type_name)

    def default_rate(self) -> tuple[float | None, float]:
        """``(per_second, burst)`` of the published limit (``per_second`` ``None``: no limit)."""
        limit = self.published()
        return limit.per_second, float(limit.burst)

    def cancel_order(self, order_id: str) -> None:
        """Cancel an order on the channel side, as a buyer or the marketplace would after it was imported.

        The change must show the way the channel's API shows it (a new status and
        update stamp, a queue entry, a feed event...), so the orders job's
        "cancelled after import" contract can be tested against the sandbox.
        """
        raise NotImplementedError(f"the {self.type_name} sandbox cannot cancel an order yet")

    # -- lifecycle -----------------------------------------------------------
    def _rate(self, rate_limit: float | tuple[float, float] | None) -> tuple[float | None, float]:
        if rate_limit is None:
            return self.default_rate()
        if isinstance(rate_limit, tuple):
            return float(rate_limit[0]), float(rate_limit[1])
        return float(rate_limit), max(1.0, float(rate_limit))

    def set_rate_limit(self, per_second: float | None, burst: float | None = None) -> None:
        if per_second is None:
            self.rate = (None, 1.0)
        else:
            self.rate = (float(per_second), float(burst if burst is not None else max(1.0, per_second)))
        self.bucket.configure(*self.rate)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SandboxServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                daemon=True,
                name=f"sandbox-{self.type_name}",
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def serve_forever(self) -> None:
        """Run in the calling thread until interrupted (``kit sandbox start``)."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling ------------------------------------------------------
    def next_request_id(self) -> str:
        with self._seq_lock:
            self._request_seq += 1
            return f"sbx-{self.type_name}-{self._request_seq:07d}"

    def find_route(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        path_matched = False
        for m, regex, name in self._route_table:
            found = regex.match(path)
            if found:
                path_matched = True
                if m == method:
                    return name, found.groupdict()
        return ("__method_not_allowed__", {}) if path_matched else None

    def dispatch(self, req: Request) -> Reply:
        """Auth, routing and the handler; faults and rate limits are applied around it."""
        denied = self.check_auth(req)
        if denied is not None:
            return denied
        found = self.find_route(req.method, req.path)
        if found is None:
            return self.error_reply(404, f"resource {req.path} not found")
        name, params = found
        if name == "__method_not_allowed__":
            return self.error_reply(405, f"method {req.method} not allowed on {req.path}")
        req.params = params
        try:
            out = getattr(self, name)(req)
        except BadRequest as exc:
            return self.error_reply(exc.status, str(exc))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return self.error_reply(400, "the request body is not valid JSON")
        if isinstance(out, Reply):
            return out
        return Reply(200, out)

    def admin(self, req: Request) -> Reply:
        if req.path.rstrip("/") == f"{ADMIN_PREFIX}/faults":
            if req.method in ("POST", "PUT", "PATCH"):
                try:
                    self.faults.update(**(req.json() or {}))
                except (ValueError, TypeError) as exc:
                    return Reply(400, {"error": str(exc)})
            elif req.method == "DELETE":
                self.faults.clear()
            return Reply(200, self.faults.to_dict())
        if req.path.rstrip("/") == f"{ADMIN_PREFIX}/requests" and req.method == "GET":
            with self.state.lock:
                return Reply(200, {"count": len(self.state.requests), "by_status": dict(self.state.counters)})
        return Reply(404, {"error": "unknown admin endpoint"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients time out and drop connections on purpose in fault tests; no tracebacks on stderr.
        return


def _encode(reply: Reply) -> tuple[bytes, str]:
    body = reply.body
    if isinstance(body, bytes):
        return body, reply.content_type or "application/octet-stream"
    if isinstance(body, str) and reply.content_type:
        return body.encode("utf-8"), reply.content_type
    if body is None and reply.status == 204:
        return b"", reply.content_type or "application/json"
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), reply.content_type or "application/json; charset=utf-8"


def _make_handler(sandbox: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms each.
        disable_nagle_algorithm = True
        server_version = f"canais-kit-sandbox/{sandbox.type_name}"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            return

        def _handle(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            req = Request(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k: v for k, v in self.headers.items()},
                body=body,
            )
            if split.path.startswith(ADMIN_PREFIX):
                self._send(sandbox.admin(req), req, log=False)
                return
            fault = sandbox.faults.draw(split.path)
            if fault == "drop":
                sandbox.state.log({"method": req.method, "path": req.path, "status": "dropped"})
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
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

        def _send(self, reply: Reply, req: Request, log: bool = True) -> None:
            payload, ctype = _encode(reply)
            request_id = sandbox.next_request_id()
            if log:
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

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815

    return Handler
