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
(``server.state.requests``) for tests. What handlers see and return is in
:mod:`kit.sandbox.messages`, the data, log and fault knobs in :mod:`kit.sandbox.state`
(both re-exported here); the HTTP server and handler in :mod:`kit.sandbox.handler`.
"""

from __future__ import annotations

import json
import random
import re
import threading
from typing import Any, ClassVar

from kit.sandbox.handler import SandboxHTTPServer, handler_for
from kit.sandbox.limits import PublishedLimit, SandboxBucket, published_limit
from kit.sandbox.messages import ADMIN_PREFIX, BadRequest, Reply, Request, _compile, route
from kit.sandbox.state import Faults, SandboxState

__all__ = ["SandboxServer", "Faults", "SandboxState", "Request", "Reply", "BadRequest", "route", "ADMIN_PREFIX"]

# A valid CNPJ used for channels aimed at sandboxes.
SANDBOX_COMPANY = "11222333000181"


def _category(type_name: str) -> str:
    from kit.channeltypes import get_type

    return get_type(type_name).category


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
        self.state = SandboxState(channel=self.type_name)
        self.faults = Faults()
        self.faults.update(seed=seed)
        self.credentials = dict(credentials or self.default_credentials())
        self.rate = self._rate(rate_limit)
        self.bucket = SandboxBucket(*self.rate)
        self._request_seq = 0
        self._seq_lock = threading.Lock()
        self.log_bodies = True
        self.seed_data(catalog if catalog is not None else generate_catalog(n_products, seed), orders)
        self._httpd = SandboxHTTPServer(("127.0.0.1", port), handler_for(self))
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
