"""Sync jobs: stock, prices, products, orders, status.

Plain Python first (:func:`run_job`); the notebooks in ``notebooks/jobs/`` are
thin wrappers, run by papermill through :func:`kit.jobs.runner.run_notebook_job`
(``kit sync``) and the scheduler (``kit run-due``).
"""

from __future__ import annotations

from kit.jobs import orders, products, push, status  # noqa: F401  (register the jobs)
from kit.jobs.core import JOBS, JobContext, register_job, run_job
from kit.jobs.model import COUNT_KEYS, ItemDetail, JobSummary
from kit.jobs.push import approve_prices

__all__ = ["run_job", "register_job", "JOBS", "JobContext", "JobSummary", "ItemDetail", "COUNT_KEYS", "approve_prices"]
