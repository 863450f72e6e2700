"""The check registry: ``@register_check("name")`` and :func:`run_checks`.

A check is a function ``(ctx: GoliveContext) -> DataFrame`` returning findings
(:mod:`kit.golive.findings`). Every registered check runs; a check that
crashes becomes a ``bloqueio`` finding naming it, so nothing stops at the
first problem.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pandas as pd

from kit.golive.findings import BLOQUEIO, COLUMNS, concat_findings, make_findings
from kit.registry import Registry

if TYPE_CHECKING:
    from kit.golive.context import GoliveContext

__all__ = ["CheckFn", "CHECKS", "BUILT_IN", "register_check", "run_checks", "CheckTimings"]

log = logging.getLogger(__name__)

CheckFn = Callable[["GoliveContext"], pd.DataFrame]
CheckTimings = dict[str, float]


#: The built-in checks, in the order they run (and the report lists them); checks registered
#: elsewhere run after them, in the order they were registered.
BUILT_IN = (
    "sku_coverage", "duplicates", "validity", "required_fields", "divergences",  # kit.golive.catalog_checks
    "depara", "credentials", "other_erp",  # kit.golive.channel_checks
    "capacity", "first_sync",  # kit.golive.sync_checks
    "variation_price",  # kit.golive.variations
)  # fmt: skip


_BUILT_IN_MODULES = frozenset(
    ("kit.golive.catalog_checks", "kit.golive.channel_checks", "kit.golive.sync_checks", "kit.golive.variations")
)


class _Checks(Registry[CheckFn]):
    """The registry of go-live checks: the built-in ones are imported on first use, and run first.

    Reading the registry, or registering a check of one's own, imports the modules of the built-in
    checks first (:mod:`kit.golive.checks`, :mod:`kit.golive.variations`: they register themselves,
    so a name of theirs registered again is refused there and then); the order is :data:`BUILT_IN`'s,
    whichever module was imported first.
    ``import kit.golive`` alone imports none of them (nor pandas): ``kit check golive`` starts the
    report's kernel without them.
    """

    def __init__(self) -> None:
        super().__init__("go-live check", unknown="verificação de go-live desconhecida")
        self._loaded = False

    def _load_builtins(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            import kit.golive.checks  # noqa: F401
            import kit.golive.variations  # noqa: F401
        except BaseException:
            self._loaded = False
            raise

    def register(self, name: str, thing: CheckFn) -> CheckFn:
        if getattr(thing, "__module__", None) not in _BUILT_IN_MODULES:  # a check of one's own: after them
            self._load_builtins()
        return super().register(name, thing)

    def _all(self) -> dict[str, CheckFn]:
        self._load_builtins()
        items = self._items
        first = [name for name in BUILT_IN if name in items]
        return {**{name: items[name] for name in first}, **items}


CHECKS: Registry[CheckFn] = _Checks()


def register_check(name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a go-live check under ``name`` (registering a name twice is an error)."""

    return CHECKS.registers(name)


def run_checks(
    ctx: GoliveContext, only: Iterable[str] | None = None, *, timings: CheckTimings | None = None
) -> pd.DataFrame:
    """Run every registered check (or those in ``only``) and collect all findings."""
    from kit.errors import KitError
    from kit.scrub import scrub

    names = list(CHECKS) if only is None else list(only)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown go-live checks: {unknown}; known: {sorted(CHECKS)}")
    frames = []
    for name in names:
        start = time.perf_counter()
        try:
            found = CHECKS[name](ctx)
        except KitError as exc:
            found = make_findings(
                name, BLOQUEIO, field=name, value=type(exc).__name__,
                message=f"A verificação '{name}' não pôde ser concluída: {exc}",
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            log.exception("go-live check %s crashed", name)
            found = make_findings(
                name, BLOQUEIO, field=name, value=type(exc).__name__,
                message=f"A verificação '{name}' falhou com um erro interno: {scrub(exc)}",
            )  # fmt: skip
        if list(found.columns) != list(COLUMNS):
            raise ValueError(f"check {name!r} returned columns {list(found.columns)}, expected {list(COLUMNS)}")
        frames.append(found)
        if timings is not None:
            timings[name] = time.perf_counter() - start
    return concat_findings(frames)
