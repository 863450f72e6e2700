"""What a sandbox holds while it runs: its data and request log (:class:`SandboxState`) and the fault knobs (:class:`Faults`)."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["Faults", "SandboxState"]


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
    """In-memory data of a sandbox plus its request log. Hold ``lock`` to change data.

    ``channel``: the channel type the sandbox plays (lets a test tell one sandbox's traffic from another's).
    """

    channel: str = ""
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
