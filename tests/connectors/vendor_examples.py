"""The vendors' own example answers, served to the real connectors on 127.0.0.1.

Our sandboxes are written from the documents, yet they only ever answer what
we thought of. A vendor's published examples carry what real answers carry:
nulls, extra fields, other number formats, empty lists, optional blocks left
out. :func:`response_examples` takes them from the spec files in
``../shared/specs`` at test time (nothing is copied into the repository);
:class:`ExampleChannel` answers a connector's requests with them, route by
route; :func:`example_connector` aims a real connector at it.

Usage::

    order = response_examples("vtex", "orders-api.json", "GET", "/api/oms/pvt/orders/{orderId}")["example"]
    with ExampleChannel([Route("GET", r"/api/oms/pvt/orders/[^/?]+", order)]) as srv:
        conn = example_connector(srv, "vtex", settings={"account": "acme"}, credentials={...})
        print(conn.get_order("1234-01"))
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hostile.server import Handler, HostileServer

from connectors.contract import FAST_RETRY, TEST_RATE
from connectors.openapi import SPECS
from kit.connectors.http import Timeouts

__all__ = [
    "response_examples",
    "documented_example",
    "Route",
    "ExampleChannel",
    "example_connector",
    "run_orders",
    "TIMEOUTS",
]


#: The examples are answered at once and no test here is about slowness: bounds generous enough for a loaded
#: 2-core machine (a timed-out POST that is not retried would fail a test for nothing).
TIMEOUTS = Timeouts(connect=5.0, read=10.0, total=20.0)


def _load(channel: str, file: str) -> dict[str, Any]:
    path = SPECS / channel / file
    if not path.is_file():
        pytest.fail(f"the channel specification {path} is missing (CI keeps ../shared beside the clone)")
    return json.loads(path.read_text(encoding="utf-8"))


def response_examples(channel: str, file: str, method: str, path: str, status: str = "200") -> dict[str, Any]:
    """Every example the document gives for one answer: ``{name: value}`` (``"example"`` for a lone one).

    Reads OpenAPI 3 (``content.<type>.example`` / ``examples.<name>.value`` / ``schema.example``) and
    Swagger 2.0 (``examples.<type>``). Fails the test when the document has none, so a spec update that
    drops an example is noticed rather than silently testing nothing.
    """
    doc = _load(channel, file)
    answer = doc["paths"][path][method.lower()]["responses"][status]
    found: dict[str, Any] = {}
    for media, content in (answer.get("content") or {}).items():
        if "json" not in media:
            continue
        if "example" in content:
            found.setdefault("example", content["example"])
        for name, entry in (content.get("examples") or {}).items():
            if isinstance(entry, dict) and "value" in entry:
                found.setdefault(name, entry["value"])
        if "example" in (content.get("schema") or {}):
            found.setdefault("schema.example", content["schema"]["example"])
    for media, value in (answer.get("examples") or {}).items():
        if "json" in media:
            found.setdefault("example", value)
    if not found:
        pytest.fail(f"{channel}/{file}: {method} {path} {status} has no example any more")
    return found


#: Examples copied from documentation pages (channels without an OpenAPI document), one JSON file each.
DOCUMENTED = Path(__file__).parent / "data" / "vendor_examples"


def documented_example(channel: str, name: str) -> Any:
    """The example ``data/vendor_examples/<channel>/<name>.json`` as the page shows it (its ``_source`` note left out).

    Fails the test when the file or its source note is missing, so no example enters without saying where it is from.
    """
    path = DOCUMENTED / channel / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"the documented example {path} is missing")
    body = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(body, dict) or not str(body.get("_source") or "").startswith("http"):
        pytest.fail(f"{path}: an example needs a `_source` naming the page it was copied from")
    return {k: v for k, v in body.items() if k != "_source"}


@dataclass(slots=True)
class Route:
    """One answer of the example channel: ``method`` and a regex the request's path (no query) must match.

    ``body`` is sent as JSON with ``status``; a callable ``body`` gets the request handler and returns the body.
    """

    method: str
    path: str
    body: Any
    status: int = 200

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and re.fullmatch(self.path, path) is not None


class ExampleChannel(HostileServer):
    """A loopback channel that answers each request with the first matching :class:`Route`.

    A request no route matches gets a 404 and is kept in :attr:`unrouted`, so a test can tell "the connector
    asked for something the test did not plan" from "the connector failed on the example".
    """

    def __init__(self, routes: list[Route]) -> None:
        super().__init__(self._answer)
        self.routes = list(routes)
        self.unrouted: list[str] = []

    def _answer(self, handler: Handler) -> None:
        path = handler.path.split("?", 1)[0]
        for route in self.routes:
            if route.matches(handler.command, path):
                body = route.body(handler) if callable(route.body) else route.body
                handler.reply(route.status, body, {"Content-Type": "application/json"})
                return
        with self.lock:
            self.unrouted.append(f"{handler.command} {handler.path}")
        handler.reply(404, {"message": "no example for this request"}, {"Content-Type": "application/json"})

    def log(self) -> list[dict[str, Any]]:
        """The requests as a sandbox logs them (``method``, ``path``, ``query``, ``headers``, ``body``), for
        :meth:`connectors.openapi.ApiSpec.check_log`; without ``status``, so only what the connector sent is checked
        (the answers are the documents' own examples)."""
        with self.lock:
            entries = list(self.requests)
        return [{"method": r["method"], "path": urlsplit(r["path"]).path,
                 "query": parse_qs(urlsplit(r["path"]).query, keep_blank_values=True), "headers": r["headers"],
                 "body": r["body"]} for r in entries]  # fmt: skip

    def calls(self, method: str, pattern: str) -> list[str]:
        """Paths (with query) of the recorded requests of ``method`` whose path matches ``pattern``."""
        with self.lock:
            return [r["path"] for r in self.requests if r["method"] == method and re.search(pattern, r["path"])]


def example_connector(
    server: ExampleChannel,
    channel_type: str,
    *,
    settings: dict[str, str] | None = None,
    credentials: dict[str, str] | None = None,
    workspace: Any = None,
    **options: Any,
) -> Any:
    """A real connector of ``channel_type`` aimed at ``server`` (test retry policy, timeouts and rate).

    With ``workspace``, the channel is also saved there, so jobs can run on it (``run_job(..., connector=...)``).
    """
    from kit.channels import Channel, validate
    from kit.channeltypes import get_type
    from kit.connectors import connector_for
    from kit.connectors.ratelimit import reset_buckets
    from kit.sandbox.base import SANDBOX_COMPANY
    from kit.secrets import SecretsStore

    reset_buckets()
    channel = validate(
        Channel(
            name=f"exemplo-{channel_type}",
            type=channel_type,
            category=get_type(channel_type).category,
            company=SANDBOX_COMPANY,
            environment="sandbox",
            base_url=server.url,
            settings=dict(settings or {}),
        )
    )
    if workspace is not None:
        from kit.channels import ChannelRegistry

        channel = ChannelRegistry(workspace).add(channel)
    SecretsStore().update(channel.credentials_ref, dict(credentials or {}))
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("timeouts", TIMEOUTS)
    options.setdefault("rate_limit", TEST_RATE)
    return connector_for(channel, workspace=workspace, **options)


def run_orders(routes: list[Route], channel_type: str, workspace: Any, **options: Any) -> tuple[Any, ExampleChannel]:
    """The orders job run once on a real ``channel_type`` connector answered by ``routes``: (its summary, the server,
    whose ``calls`` stay readable)."""
    from kit.jobs import run_job

    with answered_by(routes, channel_type, workspace=workspace, **options) as (srv, conn):
        summary = run_job("orders", conn.channel.name, ws=workspace, connector=conn)
    return summary, srv


@contextmanager
def answered_by(routes: list[Route], channel_type: str, **options: Any) -> Iterator[tuple[ExampleChannel, Any]]:
    """An :class:`ExampleChannel` serving ``routes`` and a real ``channel_type`` connector aimed at it
    (:func:`example_connector`'s ``options``), closed at the end; the server's ``calls`` stay readable."""
    with ExampleChannel(routes) as srv:
        conn = example_connector(srv, channel_type, **options)
        try:
            yield srv, conn
        finally:
            conn.close()
