"""Channel-type registries filled by importing a package's modules on first use.

Connectors (:mod:`kit.connectors`) and sandboxes (:mod:`kit.sandbox`) are both
"one module per channel type, registered at import": this is that mechanism,
once. A name registered twice is an error.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterable
from typing import Generic, TypeVar

from kit.errors import ConfigurationError

__all__ = ["PluginRegistry"]

T = TypeVar("T", bound=type)


class PluginRegistry(Generic[T]):
    """``channel type -> class``; the package's modules are imported on first lookup.

    Args:
        what: what is registered, for messages ("connector", "sandbox").
        package: the package whose modules register themselves.
        base_modules: modules of the package that are not plugins.
    """

    def __init__(self, what: str, package: str, base_modules: Iterable[str] = ()) -> None:
        self.what = what
        self.package = package
        self.base_modules = frozenset(base_modules)
        self._items: dict[str, T] = {}
        self._loaded = False
        self._lock = threading.RLock()

    def register(self, type_name: str, cls: T) -> T:
        """Register ``cls`` for ``type_name`` (sets ``cls.type_name``); twice is an error."""
        if type_name in self._items:
            raise ValueError(f"a {self.what} for channel type {type_name!r} is already registered")
        cls.type_name = type_name
        self._items[type_name] = cls
        return cls

    def load_all(self) -> None:
        """Import every plugin module of the package (once)."""
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            path = importlib.import_module(self.package).__path__
            for info in pkgutil.iter_modules(path):
                if info.name.startswith("_") or info.name in self.base_modules:
                    continue
                importlib.import_module(f"{self.package}.{info.name}")

    def get(self, type_name: str) -> T:
        """The class registered for ``type_name``, or a :class:`ConfigurationError` naming those that exist."""
        self.load_all()
        try:
            return self._items[type_name]
        except KeyError:
            raise ConfigurationError(
                f"não há {self.what} para o tipo de canal {type_name!r}",
                hint=f"há {self.what} para: " + ", ".join(sorted(self._items)),
            ) from None

    def names(self) -> list[str]:
        """Channel types with a registered class."""
        self.load_all()
        return sorted(self._items)
