"""The exception tree of canais-kit.

Every error the kit raises on purpose is a :class:`KitError`. Messages say what
failed, where, and what to do next; they are scrubbed of secrets when formed.

::

    KitError
    ├── ConfigurationError        channel / workspace / CLI usage problems
    │   └── LimitError            a setting beyond a channel type's published limit
    ├── AuthenticationError       missing or rejected credentials, missing scopes
    ├── ChannelError              the channel answered badly
    │   ├── ChannelTransientError 5xx, timeouts, 429 after the retry budget
    │   └── ChannelFatalError     4xx, malformed bodies, contract violations
    ├── MappingError              de-para: unmapped or conflicting values
    ├── InputDataError            a spreadsheet / export file is wrong
    ├── StoreError                the workspace store is corrupt or unreadable
    ├── GateError                 go-live gate refused an action
    └── LockHeldError             another run holds the (channel, job) lock

The CLI maps them to exit codes: input/usage/config errors -> 2, lock -> 3,
everything else -> 1.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "KitError",
    "ConfigurationError",
    "LimitError",
    "AuthenticationError",
    "ChannelError",
    "ChannelTransientError",
    "ChannelFatalError",
    "MappingError",
    "InputDataError",
    "StoreError",
    "GateError",
    "LockHeldError",
]

# Context fields an error may carry, in the order they are shown.
_FIELDS = (
    "channel",
    "method",
    "path",
    "status",
    "request_id",
    "file",
    "sheet",
    "row",
    "column",
    "kind",
)


class KitError(Exception):
    """Root of every error canais-kit raises on purpose.

    Args:
        message: what failed, in plain English.
        hint: what the user should do next.
        **fields: context such as ``channel``, ``file``, ``row``, ``column``.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, **fields: Any) -> None:
        from kit.scrub import scrub  # local: scrub imports nothing heavy

        self.message = scrub(str(message))
        self.hint = scrub(hint) if hint else None
        self.fields = {k: v for k, v in fields.items() if v is not None}
        for key in _FIELDS:
            setattr(self, key, self.fields.get(key))
        super().__init__(self.__str__())

    def where(self) -> str:
        """A short 'file X, sheet Y, row N, column C' style location."""
        parts = []
        for key in _FIELDS:
            if key in self.fields:
                parts.append(f"{key} {self.fields[key]}")
        from kit.scrub import scrub

        return scrub(", ".join(parts))

    def __str__(self) -> str:
        loc = self.where()
        text = f"{self.message} ({loc})" if loc else self.message
        if self.hint:
            text += f". Hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view, used by ``--json`` outputs and reports."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "hint": self.hint,
            **{k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in self.fields.items()},
        }


class ConfigurationError(KitError):
    """The workspace, a channel's configuration or a command's usage is wrong."""

    exit_code = 2


class LimitError(ConfigurationError):
    """A configured value is beyond the limit the channel type publishes."""


class AuthenticationError(KitError):
    """Credentials are missing, rejected, expired or lack a permission/scope."""


class ChannelError(KitError):
    """The channel answered with an error or something the kit cannot use."""


class ChannelTransientError(ChannelError):
    """A failure that may pass on retry (5xx, timeout, rate limit)."""


class ChannelFatalError(ChannelError):
    """A failure that will not pass on retry (4xx, malformed body)."""


class MappingError(KitError):
    """De-para problems: values with no mapping, conflicts. Carries ``problems``."""

    def __init__(self, message: str, *, problems: Any = None, **kw: Any) -> None:
        self.problems = problems
        super().__init__(message, **kw)


class InputDataError(KitError):
    """An input file (ERP or store export) cannot be read as it is."""

    exit_code = 2


class StoreError(KitError):
    """The workspace store is corrupt or cannot be written."""

    exit_code = 2


class GateError(KitError):
    """The go-live gate refused to switch a channel on."""


class LockHeldError(KitError):
    """Another run holds the lock for the same (channel, job)."""

    exit_code = 3
