"""Local sandboxes: a real HTTP server on 127.0.0.1 per channel, speaking its API.

Use::

    from kit.sandbox import start_sandbox
    with start_sandbox("vtex", rate_limit=500) as sbx:
        sbx.url, sbx.credentials, sbx.state.requests, sbx.faults.update(error_rate=0.2)

or ``kit sandbox start TYPE [--port P] [--channel NAME]`` from a shell.

Adding a channel: write ``kit/sandbox/<type>.py`` with a subclass of
:class:`~kit.sandbox.base.SandboxServer` and call
``register_sandbox("<type>", MySandbox)`` at import; modules of this package
other than the base (``base``, ``handler``, ``messages``, ``state``) are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.plugins import PluginRegistry

if TYPE_CHECKING:
    from kit.sandbox.base import SandboxServer

__all__ = ["register_sandbox", "start_sandbox", "sandbox_class", "sandbox_types"]

_REGISTRY: PluginRegistry[type[SandboxServer]] = PluginRegistry(
    "sandbox", __name__, {"base", "handler", "messages", "state"}
)


def register_sandbox(type_name: str, cls: type[SandboxServer]) -> type[SandboxServer]:
    """Register the sandbox of channel type ``type_name`` (twice is an error)."""
    return _REGISTRY.register(type_name, cls)


def sandbox_types() -> list[str]:
    """Channel types that have a sandbox."""
    return _REGISTRY.names()


def sandbox_class(type_name: str) -> type[SandboxServer]:
    """The sandbox class of ``type_name``."""
    return _REGISTRY.lookup(type_name)


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
