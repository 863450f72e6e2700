"""Channel-type registries filled by importing a package's modules on first use.

Connectors (:mod:`kit.connectors`) and sandboxes (:mod:`kit.sandbox`) are both
"one module per channel type, registered at import": this is that mechanism,
once, over :class:`kit.registry.Registry` (a name registered twice is an error).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterable
from typing import TypeVar

from kit.registry import Registry

__all__ = ["PluginRegistry"]

T = TypeVar("T", bound=type)


class PluginRegistry(Registry[T]):
    """``channel type -> class``; the package's modules are imported on first lookup.

    Args:
        what: what is registered, for developers ("connector", "sandbox").
        package: the package whose modules register themselves.
        base_modules: modules of the package that are not plugins.
        label: ``what`` for a person, in pt-BR ("conector"; default: ``what``).
    """

    def __init__(self, what: str, package: str, base_modules: Iterable[str] = (), *, label: str = "") -> None:
        super().__init__(f"{what} for channel type", unknown=f"não há {label or what} para o tipo de canal")
        self.package = package
        self.base_modules = frozenset(base_modules)
        self._loaded = False
        self._lock = threading.RLock()

    def register(self, name: str, thing: T) -> T:
        """Register class ``thing`` for channel type ``name`` (sets ``thing.type_name``); twice is an error."""
        super().register(name, thing)
        thing.type_name = name
        return thing

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

    def lookup(self, name: str) -> T:
        """What ``name`` holds: its own module (``package.name``) is imported first, the others only if needed.

        A command that needs one channel's connector does not import the nine others (and their
        libraries: zeep for the SOAP channels); an unknown name still loads every module, so the
        error names every registered type.
        """
        if name not in self._items and not self._loaded and self._own_module(name):
            with self._lock:
                module = f"{self.package}.{name}"
                try:
                    importlib.import_module(module)
                except ModuleNotFoundError as exc:
                    if exc.name != module:
                        raise
        if name in self._items:
            return self._items[name]
        return super().lookup(name)

    def _own_module(self, name: str) -> bool:
        return name.isidentifier() and not name.startswith("_") and name not in self.base_modules

    def _all(self) -> dict[str, T]:
        self.load_all()
        return self._items
