"""Backoff for failing jobs: after N failures in a row, wait ``BASE * 2**(N-1)`` (capped) before the next try.

Before this, a failed job stayed due and ``kit run-due`` (every minute from cron)
tried it again every minute, however broken the channel or its configuration.
Now each (channel, job) carries a :class:`Streak` read from the run history: the
start of its last successful run and the failures since. The wait doubles with
every failure, from :data:`BASE_S` up to :data:`CAP_S`; the first success
clears it. A failure is any recorded real (not dry-run) run whose status is
``failed``: exit 1 (items refused, the channel down) and exit 2 (configuration)
alike; a run that found the lock held (``locked``) neither counts nor clears.

The history is the record: every run is recorded whoever started it (cron,
Airflow, a person), so the backoff is the same for all of them, and
``kit run-due --list`` says how long a job still waits and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["Streak", "BASE_S", "CAP_S", "backoff_s", "streaks_from_rows", "run_streaks"]

#: the wait after the first failure: the next cron minute, as before
BASE_S = 60.0
#: the longest wait between two tries of a failing job
CAP_S = 3600.0
#: records read back to find the last failure behind lock refusals
LOOK_BACK = 20


@dataclass(slots=True)
class Streak:
    """One (channel, job)'s recent history: the last success and the failures after it."""

    last_ok_start: float | None = None
    failures: int = 0
    last_failure_start: float | None = None
    last_exit_code: int | None = None

    def next_attempt_at(self) -> float | None:
        """When a failing job may run again (``None``: it is not failing)."""
        if not self.failures or self.last_failure_start is None:
            return None
        return self.last_failure_start + backoff_s(self.failures)


def backoff_s(failures: int) -> float:
    """Seconds to wait after ``failures`` failures in a row (0 for none)."""
    if failures <= 0:
        return 0.0
    return min(CAP_S, BASE_S * 2 ** min(failures - 1, 32))


def streaks_from_rows(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str], Streak]:
    """``(channel, job) -> Streak`` from run records (any order), dry runs and lock refusals left out."""
    real = [r for r in rows if not r.get("dry_run") and r.get("status") in ("ok", "failed")]
    real.sort(key=lambda r: float(r.get("started_at") or 0.0))
    out: dict[tuple[str, str], Streak] = {}
    for r in real:
        key = (str(r.get("channel")), str(r.get("job")))
        streak = out.setdefault(key, Streak())
        start = float(r.get("started_at") or 0.0)
        if r.get("status") == "ok":
            streak.last_ok_start = max(streak.last_ok_start or 0.0, start)
            streak.failures, streak.last_failure_start, streak.last_exit_code = 0, None, 0
        else:
            streak.failures += 1
            streak.last_failure_start = start
            streak.last_exit_code = int(r.get("exit_code") or 1)
    return out


def run_streaks(ws: Workspace) -> dict[tuple[str, str], Streak]:
    """Every (channel, job)'s :class:`Streak`, from the workspace's run history.

    With the storage interface (``ws.runs``, :mod:`kit.storage`) this reads the
    last run per pair only, never the history; before it, the ``runs`` table.
    """
    runs = getattr(ws, "runs", None)
    if runs is None:
        with ws.table("runs") as table:
            rows = table.all()
        return streaks_from_rows(rows)
    return {key: _from_last(runs, last) for key, last in runs.last().items()}


def _from_last(runs: Any, last: Any) -> Streak:
    """A :class:`Streak` from the storage's ``RunLast`` (the failure's start from the latest failed record)."""
    streak = Streak(last.last_ok_started_at, int(last.failed_streak or 0))
    if streak.failures:
        record = last.last if (last.last or {}).get("status") == "failed" else None
        if record is None:  # the latest record is a lock refusal: look a little further back
            recent = runs.rows(channel=last.channel, job=last.job, limit=LOOK_BACK)
            record = next((r for r in reversed(recent) if r.get("status") == "failed" and not r.get("dry_run")), None)
        if record is not None:
            streak.last_failure_start = float(record.get("started_at") or 0.0)
            streak.last_exit_code = int(record.get("exit_code") or 1)
    return streak
