"""What a connector reads once per object: the catalogue tree, attribute sets, brands (thread-safe)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["CatalogMemo"]


class CatalogMemo:
    """A mixin: ``_cached(key, load)`` runs ``load()`` once per key and connector object.

    One re-entrant lock: a load may itself ask for another key (Magento's attribute set asks for its tree).
    """

    def _catalog_cache(self) -> dict[str, Any]:
        if not hasattr(self, "_catalog"):
            self._catalog: dict[str, Any] = {}
            self._catalog_lock = threading.RLock()
        return self._catalog

    def _cached(self, key: str, load: Callable[[], Any]) -> Any:
        cache = self._catalog_cache()
        with self._catalog_lock:
            if key not in cache:
                cache[key] = load()
            return cache[key]
