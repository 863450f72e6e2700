"""What a sandbox's route handlers see, return and declare: :class:`Request`, :class:`Reply`, ``@route``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ADMIN_PREFIX", "Request", "Reply", "BadRequest", "route"]

#: Paths under this prefix are the sandbox's own controls (faults, request counts), never the channel's API.
ADMIN_PREFIX = "/__sandbox__"


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
