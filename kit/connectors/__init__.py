"""Channel connectors: one module per channel on one shared base.

Use::

    from kit.connectors import connector_for
    conn = connector_for(channel)            # a kit.channels.Channel
    conn.test_connection(); conn.list_listings(); conn.update_stock(items) ...

Adding a channel: write ``kit/connectors/<type>.py`` with a subclass of
:class:`~kit.connectors.base.Connector` and call
``register_connector("<type>", MyConnector)`` at import; every module of this
package that is not part of the base is imported on first use, so nothing else
needs editing. The capability/confidence table is ``docs/channels.md``.

Modules of the base: ``model`` (value objects), ``http`` (the one request
loop), ``responses`` (the response-handling table), ``ratelimit`` (shared
token buckets), ``paginate`` (paginators), ``auth`` (authentication
strategies), ``base`` (the Connector class).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.plugins import PluginRegistry

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.connectors.base import Connector
    from kit.secrets import SecretsStore
    from kit.store import Workspace

__all__ = ["register_connector", "connector_for", "connector_class", "registered_types", "BASE_MODULES"]

#: Modules of this package that are the base, not channels.
BASE_MODULES = frozenset({"base", "http", "auth", "ratelimit", "paginate", "responses", "model"})

_REGISTRY: PluginRegistry[type[Connector]] = PluginRegistry("connector", __name__, BASE_MODULES, label="conector")


def register_connector(type_name: str, cls: type[Connector]) -> type[Connector]:
    """Register the connector class of channel type ``type_name`` (twice is an error)."""
    from kit.channeltypes import get_type

    get_type(type_name)  # must be a declared channel type
    return _REGISTRY.register(type_name, cls)


def registered_types() -> list[str]:
    """Channel types that have a connector."""
    return _REGISTRY.names()


def connector_class(type_name: str) -> type[Connector]:
    """The connector class of ``type_name``."""
    return _REGISTRY.lookup(type_name)


def connector_for(
    channel: Channel,
    *,
    secrets: SecretsStore | None = None,
    workspace: Workspace | None = None,
    **options: Any,
) -> Connector:
    """The connector for ``channel`` (credentials read from ``secrets`` by reference).

    ``options`` go to the connector: ``base_url``, ``retry`` (RetryPolicy),
    ``timeouts`` (Timeouts), ``rate_limit`` (RateLimit or {family: RateLimit}).
    The base URL is ``channel.base_url`` or the type's ``base_urls[environment]``
    formatted with the channel's settings; a sandbox differs only by it.
    """
    cls = connector_class(channel.type)
    return cls(channel, secrets=secrets, workspace=workspace, **options)
