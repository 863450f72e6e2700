"""Go-live check: is the store's data compatible with the ERP's, and can the schedule keep up?

Checks are small registered functions (:func:`register_check`) returning one
fixed-column findings table; :func:`run_golive` runs them all, decides the
verdict (``APTO`` when nothing is a ``bloqueio``) and records it in the
workspace; :mod:`kit.golive.gate` refuses to switch a channel on without a
passing check (or a recorded, reasoned override).
"""

from __future__ import annotations

import kit.golive.checks  # noqa: E402,F401,I001  (registers the built-in checks)
import kit.golive.variations  # noqa: E402,F401,I001  (registers variation_price)
from kit.golive.capacity import JobPlan, plan_job
from kit.golive.checks import capacity_plan, first_sync_preview  # noqa: E402
from kit.golive.context import CapacityAssumptions, GoliveContext, Tolerances
from kit.golive.findings import AVISO, BLOQUEIO, COLUMNS, INFO, SEVERITIES, make_findings
from kit.golive.registry import CHECKS, register_check, run_checks
from kit.golive.results import (
    APTO,
    NAO_APTO,
    confirmations,
    latest_result,
    list_results,
    record_confirmation,
    record_result,
    verdict_of,
)
from kit.golive.run import GoliveRun, counts_table, run_golive  # noqa: E402

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
