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

__all__ = ["CheckFn", "CHECKS", "register_check", "run_checks", "CheckTimings"]

log = logging.getLogger(__name__)

CheckFn = Callable[["GoliveContext"], pd.DataFrame]
CHECKS: Registry[CheckFn] = Registry("go-live check", unknown="verificação de go-live desconhecida")
CheckTimings = dict[str, float]


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
