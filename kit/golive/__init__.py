"""Go-live check: is the store's data compatible with the ERP's, and can the schedule keep up?

Checks are small registered functions (:func:`register_check`) returning one
fixed-column findings table; :func:`run_golive` runs them all, decides the
verdict (``APTO`` when nothing is a ``bloqueio``) and records it in the
workspace; :mod:`kit.golive.gate` refuses to switch a channel on without a
passing check (or a recorded, reasoned override).
"""

from __future__ import annotations

import importlib
from typing import Any

# Where each public name lives: imported on first use (PEP 562), so that ``import kit.golive.execute`` (what
# ``kit check golive`` needs to start the report's kernel) imports neither pandas nor the checks. The
# built-in checks register themselves, in their fixed order, when the registry is first read
# (:data:`kit.golive.registry.BUILT_IN`).
_WHERE = {
    "JobPlan": "capacity", "plan_job": "capacity",
    "capacity_plan": "checks", "first_sync_preview": "checks",
    "CapacityAssumptions": "context", "GoliveContext": "context", "Tolerances": "context",
    "AVISO": "findings", "BLOQUEIO": "findings", "COLUMNS": "findings", "INFO": "findings", "SEVERITIES": "findings",
    "make_findings": "findings",
    "CHECKS": "registry", "register_check": "registry", "run_checks": "registry",
    "APTO": "results", "NAO_APTO": "results", "confirmations": "results", "latest_result": "results",
    "list_results": "results", "record_confirmation": "results", "record_result": "results", "verdict_of": "results",
    "GoliveRun": "run", "counts_table": "run", "run_golive": "run",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kit.golive' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kit.golive.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "APTO",
    "NAO_APTO",
    "AVISO",
    "BLOQUEIO",
    "INFO",
    "SEVERITIES",
    "COLUMNS",
    "CHECKS",
    "CapacityAssumptions",
    "GoliveContext",
    "GoliveRun",
    "JobPlan",
    "Tolerances",
    "capacity_plan",
    "confirmations",
    "counts_table",
    "first_sync_preview",
    "latest_result",
    "list_results",
    "make_findings",
    "plan_job",
    "record_confirmation",
    "record_result",
    "register_check",
    "run_checks",
    "run_golive",
    "verdict_of",
]
