"""Capacity planner: can each job keep up inside its interval, now and at peak?

Pure functions over plain numbers, so the arithmetic can be checked by hand:

* items per run = changes per hour x interval / 60 (capped at the catalogue
  size for catalogue jobs: a run never sends more than every SKU);
* items travel in batches of ``batch_size``; one request carries at most
  ``min(per_request, batch_size)`` items, so
  requests per run = full batches x ceil(batch / per request) + ceil(rest / per request);
* reads count too: a job that reads the channel's listings pays for it every
  run (``reads = fixed + per item``, from :func:`listing_reads`): a full read
  costs the id pages plus every listing's reads; an incremental one (only what
  is new) the id pages plus the new listings;
* run time = requests / sustained rate (requests per second; the burst is
  ignored on purpose: it is spent in the first seconds);
* the job fits when run time <= interval.

When it does not fit, :func:`plan_job` searches the smallest interval (from
the type's floor up to a week) and the smallest batch (up to the type's
maximum) that fit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["JobPlan", "plan_job", "requests_for", "run_seconds", "listing_reads"]

MAX_INTERVAL_MIN = 7 * 24 * 60


@dataclass(slots=True)
class JobPlan:
    """The capacity verdict for one job in one scenario."""

    job: str
    scenario: str
    items_per_hour: float
    interval_min: int
    batch_size: int
    per_request: int
    rate_per_second: float
    items_per_run: int
    requests_per_run: int
    run_seconds: float
    fits: bool
    min_interval_min: int | None
    min_batch_size: int | None
    read_requests: int = 0

    @property
    def utilisation(self) -> float:
        """Run time as a fraction of the interval (> 1 means it cannot keep up)."""
        return self.run_seconds / (self.interval_min * 60.0)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["utilisation"] = self.utilisation
        return d


def _items(items_per_hour: float, interval_min: np.ndarray | int, cap: int | None) -> np.ndarray:
    items = np.ceil(np.asarray(items_per_hour * np.asarray(interval_min, dtype=float) / 60.0 - 1e-9))
    if cap is not None:
        items = np.minimum(items, cap)
    return np.maximum(items, 0).astype(np.int64)


def requests_for(items: np.ndarray | int, batch_size: np.ndarray | int, per_request: int) -> np.ndarray:
    """Requests needed for ``items`` sent in batches of ``batch_size`` (vectorised)."""
    items = np.asarray(items, dtype=np.int64)
    batch = np.asarray(batch_size, dtype=np.int64)
    eff = np.minimum(batch, per_request)
    per_batch = -(-batch // eff)
    full, rest = items // batch, items % batch
    return full * per_batch + -(-rest // eff)


def run_seconds(requests: np.ndarray | int, rate_per_second: float) -> np.ndarray:
    return np.asarray(requests, dtype=float) / rate_per_second


def listing_reads(listings: int, ids_per_page: int, per_listing: int, *, incremental: bool) -> tuple[int, int]:
    """``(fixed, per item)`` read requests of one run that reads ``listings`` listings.

    The id list costs ``listings // ids_per_page + 1`` pages (it ends on a short
    page); a full read adds ``per_listing`` requests for every listing; an
    incremental read adds them only for the new ones (at most the items the run
    sends: what the job creates is new on the next read).
    """
    pages = listings // ids_per_page + 1 if ids_per_page > 0 else 0
    return (pages, per_listing) if incremental else (pages + per_listing * listings, 0)


def plan_job(
    job: str,
    *,
    items_per_hour: float,
    interval_min: int,
    batch_size: int,
    per_request: int,
    rate_per_second: float,
    cap_items: int | None = None,
    max_batch: int | None = None,
    interval_floor: int = 1,
    scenario: str = "agora",
    reads: tuple[int, int] = (0, 0),
) -> JobPlan:
    """Can ``job`` send ``items_per_hour`` changes within its interval?

    Args:
        job: job name (``stock``, ``prices``...).
        items_per_hour: changes to send per hour in this scenario.
        interval_min: minutes between runs.
        batch_size: items per batch.
        per_request: items one request can carry (1 for one-item endpoints).
        rate_per_second: sustained requests per second the channel allows.
        cap_items: the most items one run can hold (the catalogue size), if any.
        max_batch: the largest batch the channel allows (for the batch search).
        interval_floor: the shortest interval the channel allows.
        scenario: label (``agora`` / ``pico`` / ``leitura_completa``).
        reads: read requests of a run, ``(fixed, per item)`` (:func:`listing_reads`).

    Returns:
        A :class:`JobPlan`; when the job does not fit, ``min_interval_min`` /
        ``min_batch_size`` hold the smallest values that would (``None`` when
        no value in range works).
    """
    if rate_per_second <= 0:
        raise ValueError("rate_per_second must be > 0")
    if interval_min < 1 or batch_size < 1 or per_request < 1:
        raise ValueError("interval, batch size and items per request must be >= 1")
    items = int(_items(items_per_hour, interval_min, cap_items))
    read_reqs = reads[0] + reads[1] * items
    reqs = int(requests_for(items, batch_size, per_request)) + read_reqs
    secs = float(run_seconds(reqs, rate_per_second))
    fits = secs <= interval_min * 60.0 + 1e-9
    min_interval = min_batch = None
    if not fits:
        grid = np.arange(max(1, interval_floor), MAX_INTERVAL_MIN + 1)
        grid_items = _items(items_per_hour, grid, cap_items)
        grid_reqs = requests_for(grid_items, batch_size, per_request) + reads[0] + reads[1] * grid_items
        t = run_seconds(grid_reqs, rate_per_second)
        ok = np.nonzero(t <= grid * 60.0 + 1e-9)[0]
        min_interval = int(grid[ok[0]]) if ok.size else None
        if per_request > batch_size:
            top = min(per_request, max_batch or per_request)
            batches = np.arange(batch_size, top + 1)
            tb = run_seconds(requests_for(items, batches, per_request) + read_reqs, rate_per_second)
            okb = np.nonzero(tb <= interval_min * 60.0 + 1e-9)[0]
            min_batch = int(batches[okb[0]]) if okb.size else None
    return JobPlan(
        job=job,
        scenario=scenario,
        items_per_hour=float(items_per_hour),
        interval_min=int(interval_min),
        batch_size=int(batch_size),
        per_request=int(per_request),
        rate_per_second=float(rate_per_second),
        items_per_run=items,
        requests_per_run=reqs,
        run_seconds=secs,
        fits=bool(fits),
        min_interval_min=min_interval,
        min_batch_size=min_batch,
        read_requests=int(read_reqs),
    )
