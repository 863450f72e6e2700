"""Local sandboxes: a real HTTP server on 127.0.0.1 per channel, speaking its API.

Use::

    from kit.sandbox import start_sandbox
    with start_sandbox("vtex", rate_limit=500) as sbx:
        sbx.url, sbx.credentials, sbx.state.requests, sbx.faults.update(error_rate=0.2)

or ``kit sandbox start TYPE [--port P] [--channel NAME]`` from a shell.

Adding a channel: write ``kit/sandbox/<type>.py`` with a subclass of
:class:`~kit.sandbox.base.SandboxServer` and call
``register_sandbox("<type>", MySandbox)`` at import; modules of this package
other than ``base`` are imported on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from typing import TYPE_CHECKING, Any

from kit.errors import ConfigurationError

if TYPE_CHECKING:
    from kit.sandbox.base import SandboxServer

__all__ = ["register_sandbox", "start_sandbox", "sandbox_class", "sandbox_types"]

_REGISTRY: dict[str, type[SandboxServer]] = {}
_loaded = False
_load_lock = threading.RLock()


def register_sandbox(type_name: str, cls: type[SandboxServer]) -> type[SandboxServer]:
    """Register the sandbox of channel type ``type_name`` (twice is an error)."""
    if type_name in _REGISTRY:
        raise ValueError(f"a sandbox for channel type {type_name!r} is already registered")
    cls.type_name = type_name
    _REGISTRY[type_name] = cls
    return cls


def _load_all() -> None:
    global _loaded
    with _load_lock:
        if _loaded:
            return
        _loaded = True
        for info in pkgutil.iter_modules(__path__):
            if info.name.startswith("_") or info.name == "base":
                continue
            importlib.import_module(f"{__name__}.{info.name}")


def sandbox_types() -> list[str]:
    """Channel types that have a sandbox."""
    _load_all()
    return sorted(_REGISTRY)


def sandbox_class(type_name: str) -> type[SandboxServer]:
    _load_all()
    try:
        return _REGISTRY[type_name]
    except KeyError:
        raise ConfigurationError(
            f"there is no sandbox for channel type {type_name!r}",
            hint="sandboxes exist for: " + ", ".join(sorted(_REGISTRY)),
        ) from None


def start_sandbox(
    type_name: str,
    port: int = 0,
    *,
    seed: int = 42,
    catalog: list[dict[str, Any]] | None = None,
    orders: int | list[dict[str, Any]] | None = None,
    credentials: dict[str, str] | None = None,
    rate_limit: float | tuple[float, float] | None = None,
    **options: Any,
) -> SandboxServer:
    """Start the sandbox of ``type_name`` in a background thread and return it.

    The server has ``.url``, ``.credentials`` (the keys it accepts), ``.state``
    (data and ``requests`` log), ``.faults`` and ``.stop()``; it is also a
    context manager. ``options`` go to the sandbox class (e.g. ``n_products``).
    """
    cls = sandbox_class(type_name)
    server = cls(
        port=port, seed=seed, catalog=catalog, orders=orders, credentials=credentials, rate_limit=rate_limit, **options
    )
    return server.start()
