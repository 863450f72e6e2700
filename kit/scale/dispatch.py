"""Run a pass's due jobs side by side: at most N on this machine, at most M per channel account.

Jobs wait on the channels far more than on the CPU, so one after another (as
before) left the machine idle while a pass of 20 channels took three minutes.
:func:`run_pass` keeps up to :attr:`PassLimits.parallel` jobs running, never
more than :attr:`PassLimits.per_account` of one channel account at once (they
share that account's rate limit: more would only queue on its bucket, and a
long products run must not hold up the same account's orders for long).

Jobs run in worker processes (``forkserver``: started once, the kit imported
once, then reused; a worker is replaced after :data:`TASKS_PER_WORKER` jobs),
each one through :func:`kit.scale.worker.run_one`. A worker that dies (killed,
out of memory) fails the jobs it and its siblings were running, reported as
failed with that reason; the pass goes on with a fresh pool. A single due job
runs in this process, without a pool.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit.errors import ConfigurationError

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["PassLimits", "run_pass", "default_parallel", "PARALLEL_ENV", "PER_ACCOUNT_ENV"]

PARALLEL_ENV = "KIT_RUN_DUE_PARALLEL"
PER_ACCOUNT_ENV = "KIT_RUN_DUE_PER_ACCOUNT"
DEFAULT_PER_ACCOUNT = 2
MAX_PARALLEL = 256
#: a worker process is replaced after this many jobs (bounds what one can leak)
TASKS_PER_WORKER = 200
_PRELOAD = ["kit.scale.worker", "kit.jobs", "kit.jobs.runner", "kit.connectors"]


def default_parallel() -> int:
    """Jobs at once on this machine by default: twice the cores (they mostly wait on the network), 2 to 16."""
    return max(2, min(16, 2 * (os.cpu_count() or 1)))


def _int_setting(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= MAX_PARALLEL:
        raise ConfigurationError(
            f"{name}={value!r} não é um número de execuções simultâneas válido",
            hint=f"use um inteiro de 1 a {MAX_PARALLEL}",
        )
    return number


@dataclass(slots=True)
class PassLimits:
    """How many jobs run at once: on the machine, per channel account; and how each runs."""

    parallel: int = 4
    per_account: int = DEFAULT_PER_ACCOUNT
    mode: str = "setting"

    @classmethod
    def from_env(cls, parallel: Any = None, per_account: Any = None, mode: str | None = None) -> PassLimits:
        """Limits from the arguments, else ``$KIT_RUN_DUE_PARALLEL`` / ``$KIT_RUN_DUE_PER_ACCOUNT``, else defaults.

        ``mode`` (:data:`kit.scale.worker.MODES`): how each job runs; default ``setting``.
        """
        p = parallel if parallel is not None else os.environ.get(PARALLEL_ENV) or default_parallel()
        a = per_account if per_account is not None else os.environ.get(PER_ACCOUNT_ENV) or DEFAULT_PER_ACCOUNT
        return cls(_int_setting("paralelo", p), _int_setting("por conta", a), mode or "setting")


def run_pass(
    ws: Workspace,
    due: list[Any],
    limits: PassLimits,
    *,
    dry_run: bool = False,
    runner: Callable[..., Any] | None = None,
    backoff: bool = True,
) -> list[dict[str, Any]]:
    """Run the ``due`` jobs (:class:`~kit.jobs.schedule.DueJob`) within ``limits``; one row each, sorted."""
    from kit.scale.worker import RunRequest, run_one, worker_env

    env = {} if runner is not None else worker_env()
    requests = [
        RunRequest(d.channel, d.job, d.account, str(ws.root), dry_run, limits.mode, env, backoff)
        for d in _interleave(due)
    ]
    if not requests:
        return []
    if len(requests) == 1 or limits.parallel == 1:  # nothing to run side by side: this process, no pool
        work = functools.partial(run_one, runner=runner, ws=ws)
        return sorted((work(r) for r in requests), key=lambda r: (r["channel"], r["job"]))
    if runner is not None:  # tests and scripts: threads of this process, the caller's workspace
        work = functools.partial(run_one, runner=runner, ws=ws)
        rows = _dispatch(requests, limits, work, lambda: cf.ThreadPoolExecutor(limits.parallel))
    else:
        rows = _dispatch(requests, limits, run_one, functools.partial(_process_pool, limits.parallel))
    return sorted(rows, key=lambda r: (r["channel"], r["job"]))


def _interleave(due: list[Any]) -> list[Any]:
    """Due jobs in a fair order: the longest-waiting first (never ran, then the oldest success)."""
    return sorted(due, key=lambda d: (d.last_ok_start is not None, d.last_ok_start or 0.0, d.channel, d.job))


def _process_pool(workers: int) -> cf.Executor:
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=TASKS_PER_WORKER)


def _dispatch(
    requests: list[Any], limits: PassLimits, work: Callable[[Any], dict[str, Any]], make: Callable[[], cf.Executor]
) -> list[dict[str, Any]]:
    """Submit while the machine and each account have room; collect as they finish."""
    pending = list(requests)
    running: dict[cf.Future, Any] = {}
    per_account: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    executor = make()
    try:
        while pending or running:
            index = 0
            while len(running) < limits.parallel and index < len(pending):
                request = pending[index]
                if per_account[request.account] >= limits.per_account:
                    index += 1
                    continue
                pending.pop(index)
                running[executor.submit(work, request)] = request
                per_account[request.account] += 1
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            broken = False
            for future in done:
                request = running.pop(future)
                per_account[request.account] -= 1
                row, died = _row(future, request)
                rows.append(row)
                broken = broken or died
            if broken:  # the pool is unusable: the jobs still running in it died with it
                for future, request in list(running.items()):
                    rows.append(_row(future, request)[0])
                    per_account[request.account] -= 1
                running.clear()
                executor.shutdown(wait=True, cancel_futures=True)
                executor = make()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return rows


def _row(future: cf.Future, request: Any) -> tuple[dict[str, Any], bool]:
    """The job's result row, and whether its worker process died."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result(), False
    except BrokenProcessPool:
        error = "o processo que rodava o job parou de repente (morto pelo sistema ou sem memória)"
        return {"channel": request.channel, "job": request.job, "status": "failed", "exit_code": 1,
                "error": error}, True  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - one job's surprise is that job's failure, not the pass's
        from kit.scrub import clip

        error = clip(f"erro inesperado: {type(exc).__name__}: {exc}", 500)
        return {"channel": request.channel, "job": request.job, "status": "failed", "exit_code": 1,
                "error": error}, False  # fmt: skip
