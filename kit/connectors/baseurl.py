"""The API address of a channel: its own ``base_url``, else its type's address for the environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit.errors import ConfigurationError

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.channeltypes import ChannelType

__all__ = ["resolve_base_url"]


def resolve_base_url(channel: Channel, channel_type: ChannelType | None = None) -> str:
    """``channel.base_url``, else the type's URL for the environment formatted with the settings."""
    if channel.base_url:
        return channel.base_url.rstrip("/")
    t = channel_type or channel.channel_type
    template = t.base_urls.get(channel.environment) or t.base_urls.get("production")
    if not template:
        raise ConfigurationError(
            f"{t.label} não tem endereço de API padrão; o canal precisa de uma URL da API",
            channel=channel.name,
            hint=f"rode 'kit channels set {channel.name} base_url=https://sua-loja.exemplo'",
        )
    settings = {s.key: s.default for s in t.settings if s.default is not None}
    settings.update(channel.settings)
    try:
        return template.format(**settings).rstrip("/")
    except KeyError as exc:
        raise ConfigurationError(
            f"a configuração {exc.args[0]!r} é necessária para formar o endereço de {t.label}",
            channel=channel.name,
            hint=f"rode 'kit channels set {channel.name} settings.{exc.args[0]}=...'",
        ) from None
