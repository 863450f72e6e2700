"""Run one due job: under its (channel, job) lock, checked again, then through the kit's runner.

:func:`run_one` is what a ``kit run-due`` worker process runs for each job, and
what ``kit run-due --channel C --job J`` (the Airflow task) runs in its own
process. In order:

1. take the (channel, job) lock without waiting (held: status ``locked``,
   exit 3, recorded like any refused run);
2. check again that the job is due (another pass, host or person may have run
   it since the list was made: status ``not_due``, exit 0, nothing recorded);
3. run it with the lock held on its behalf (``KIT_JOB_LOCK_HELD``), so the run
   is recorded before the lock is released: a second process that takes the
   lock next sees the new run and does not repeat it.

Modes (:func:`runner_for`): ``setting`` (the default: what the job setting
``scheduled_runs`` of the channel says, notebook unless set), ``notebook``
(papermill, one kernel per run) and ``inprocess`` (``kit run-due
--no-notebook``: the job in this worker, no kernel; the notebook written only
when a run fails).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["RunRequest", "run_one", "runner_for", "MODES", "worker_env"]

MODES = ("setting", "notebook", "inprocess")
#: variables a worker takes from the pass that started it (workspace, secrets, reports...)
ENV_PREFIXES = ("KIT_", "XDG_")

_WORKSPACES: dict[str, Any] = {}


@dataclass(slots=True)
class RunRequest:
    """One job for a worker: which, where, how."""

    channel: str
    job: str
    account: str = ""
    workspace: str = ""
    dry_run: bool = False
    mode: str = "setting"
    env: dict[str, str] = field(default_factory=dict)
    backoff: bool = True


def worker_env() -> dict[str, str]:
    """The variables of this process a worker must see (the pass's workspace, secrets file, reports...)."""
    from kit.jobs.locks import HELD_ENV

    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES) and k != HELD_ENV}


def _apply_env(env: dict[str, str]) -> None:
    """Make this worker's ``KIT_*``/``XDG_*`` variables exactly the pass's (a reused worker keeps none of the last)."""
    if not env:
        return
    for name in [k for k in os.environ if k.startswith(ENV_PREFIXES) and k not in env]:
        del os.environ[name]
    os.environ.update(env)


def _workspace(root: str) -> Workspace:
    """The workspace at ``root``, opened once per worker process (its tables are re-read on every use)."""
    from kit.store import Workspace

    if not root:
        return Workspace()
    ws = _WORKSPACES.get(root)
    if ws is None:
        ws = _WORKSPACES[root] = Workspace(root)
    return ws


def runner_for(mode: str) -> Callable[..., Any]:
    """The function that runs one job in ``mode`` (``runner(job, channel, dry_run=, ws=)`` -> RunOutcome)."""
    from kit.errors import ConfigurationError
    from kit.jobs import runner

    if mode == "setting":  # the runner's own choice per channel, where the runner offers one
        return getattr(runner, "run_scheduled_job", runner.run_notebook_job)
    if mode == "notebook":
        return runner.run_notebook_job
    if mode == "inprocess":
        inprocess = getattr(runner, "run_inprocess_job", None)
        if inprocess is not None:
            return inprocess
        raise ConfigurationError(
            "este kit ainda não roda jobs sem notebook",
            hint="rode sem --no-notebook (cada job roda pelo seu notebook)",
        )
    raise ConfigurationError(f"modo de execução desconhecido: {mode!r}", hint="use um de: " + ", ".join(MODES))


def run_one(
    request: RunRequest, runner: Callable[..., Any] | None = None, ws: Workspace | None = None
) -> dict[str, Any]:
    """Run ``request``'s job if it is still due; one result row (see the module docstring).

    ``runner`` replaces :func:`runner_for` (tests); ``ws`` the workspace opened from ``request``.
    """
    from kit.errors import KitError, LockHeldError
    from kit.jobs.locks import HELD_ENV, job_lock

    _apply_env(request.env)
    ws = ws if ws is not None else _workspace(request.workspace)
    row: dict[str, Any] = {"channel": request.channel, "job": request.job}
    started = time.time()
    try:
        with job_lock(ws, request.channel, request.job):
            previous = os.environ.get(HELD_ENV)
            os.environ[HELD_ENV] = f"{request.channel}:{request.job}"
            try:
                return _run_locked(ws, request, runner, row)
            finally:
                if previous is None:
                    os.environ.pop(HELD_ENV, None)
                else:
                    os.environ[HELD_ENV] = previous
    except LockHeldError as exc:
        _record_locked(ws, request, started)
        return {**row, "status": "locked", "exit_code": 3, "error": exc.message}
    except KitError as exc:
        return {**row, "status": "failed", "exit_code": exc.exit_code, "error": exc.message}


def _run_locked(
    ws: Workspace, request: RunRequest, runner: Callable[..., Any] | None, row: dict[str, Any]
) -> dict[str, Any]:
    from kit.jobs.schedule import due_jobs

    check = due_jobs(ws, channel=request.channel, job=request.job, backoff=request.backoff)
    if not check or not check[0].due:
        why = check[0].reason if check else "canal ou job não existe mais"
        return {**row, "status": "not_due", "exit_code": 0, "why": why}
    run = runner or runner_for(request.mode)
    outcome = run(request.job, request.channel, dry_run=request.dry_run, ws=ws)
    summary = outcome.summary or {}
    return {**row, "status": summary.get("status") or ("ok" if outcome.exit_code == 0 else "failed"),
            "exit_code": int(outcome.exit_code), "report_path": str(outcome.report_path or ""),
            "error": summary.get("error")}  # fmt: skip


def _record_locked(ws: Workspace, request: RunRequest, started: float) -> None:
    """A run refused because the lock is held is recorded, as ``kit sync`` records it."""
    from kit.jobs.runner import record_run

    try:
        record_run(ws, {"channel": request.channel, "job": request.job, "started_at": started,
                        "finished_at": time.time(), "status": "locked", "counts": {}, "report_path": None,
                        "exit_code": 3})  # fmt: skip
    except Exception:  # noqa: BLE001 - the refusal is reported in the pass's result either way
        pass
