"""One small registry: ``name -> thing``, where a name registered twice is an error.

The kit's pluggable parts (channel types, connectors, sandboxes, jobs, go-live
checks, product requirements, mapping kinds, spreadsheet schemas, demo steps)
are each kept in a :class:`Registry`. It reads as a mapping (``name in r``,
``r[name]``, ``r.get(name)``, ``r.values()``, iteration in registration
order), refuses a name registered twice with ``ValueError`` (a programming
error, found at import), and :meth:`Registry.lookup` turns an unknown name
into the kit's error naming the known ones, for a person to read.
:class:`kit.plugins.PluginRegistry` adds importing a package's modules on
first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from kit.errors import ConfigurationError, KitError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Mapping[str, T]):
    """``name -> thing``; read-only as a mapping, written only by :meth:`register`.

    Args:
        what: what is registered, for developers (English): ``"channel type"``.
        unknown: what :meth:`lookup`'s error says before the unknown name, for a person (pt-BR):
            ``"tipo de canal desconhecido"``.
        error: the :class:`~kit.errors.KitError` class :meth:`lookup` raises.
        field: the error field that carries the unknown name (e.g. ``"kind"``), if any.
    """

    def __init__(
        self,
        what: str,
        *,
        unknown: str = "nome desconhecido",
        error: type[KitError] = ConfigurationError,
        field: str = "",
    ) -> None:
        self.what = what
        self.unknown = unknown
        self.error = error
        self.field = field
        self._items: dict[str, T] = {}

    def register(self, name: str, thing: T) -> T:
        """Add ``thing`` under ``name`` and return it; a name registered twice raises ``ValueError``."""
        if name in self._items:
            raise ValueError(f"{self.what} {name!r} is already registered (a name registered twice is an error)")
        self._items[name] = thing
        return thing

    def registers(self, name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`register`: ``@registry.registers("name")``."""

        def deco(thing: T) -> T:
            return self.register(name, thing)

        return deco

    def unregister(self, name: str) -> T:
        """Remove ``name`` and return what it held (for tests that register a thing of their own)."""
        return self._items.pop(name)

    def lookup(self, name: str) -> T:
        """What ``name`` holds, or the registry's error naming the known names."""
        items = self._all()
        try:
            return items[name]
        except KeyError:
            fields = {self.field: name} if self.field else {}
            raise self.error(f"{self.unknown} {name!r}", hint="um de: " + ", ".join(sorted(items)), **fields) from None

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._all())

    def _all(self) -> dict[str, T]:
        """Everything registered (a subclass may fill the registry here first)."""
        return self._items

    def __getitem__(self, name: str) -> T:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"Registry({self.what!r}: {', '.join(self._items)})"
