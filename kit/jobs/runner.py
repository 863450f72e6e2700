"""Run a job's notebook through papermill: the one way ``kit sync`` and the scheduler run jobs.

``run_notebook_job("stock", "minha-vtex")``:

1. checks the channel exists and every parameter is declared in the notebook's
   ``parameters`` cell (an unknown parameter is an error, not a warning);
2. takes the (channel, job) lock (:mod:`kit.jobs.locks`) or fails at once (exit 3);
3. executes ``notebooks/jobs/<job>.ipynb`` with papermill (kernel ``python3``)
   into ``<reports>/<channel>/<job>/<timestamp>.ipynb``; only the channel
   *name* goes in: the kernel resolves its secrets by reference;
4. writes ``<timestamp>.json`` beside it (status, counts, duration, failing cell),
   scrubs both files, and records the run in the workspace's run history (``ws.runs``).

Reports go to ``$KIT_REPORTS`` or the repository's ``reports/``.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.errors import ConfigurationError, LockHeldError
from kit.jobs.model import COUNT_KEYS
from kit.scrub import clip

__all__ = [
    "RunOutcome",
    "run_notebook_job",
    "notebook_path",
    "notebook_parameters",
    "validate_parameters",
    "reports_root",
    "record_run",
    "failing_cell",
    "manual_run_refusal",
    "KERNEL_NAME",
]

log = logging.getLogger("kit.jobs.runner")

KERNEL_NAME = "python3"
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
MAX_DETAILS_IN_JSON = 1000
MAX_MESSAGE_CHARS = 2000


@dataclass(slots=True)
class RunOutcome:
    """What ``kit sync`` prints and exits with."""

    exit_code: int
    summary: dict[str, Any] = field(default_factory=dict)
    report_path: Path | None = None
    summary_path: Path | None = None


def notebooks_dir() -> Path:
    return Path(os.environ.get("KIT_NOTEBOOKS") or REPO_ROOT / "notebooks").expanduser()


def notebook_path(job: str) -> Path:
    """``notebooks/jobs/<job>.ipynb`` (``$KIT_NOTEBOOKS`` overrides ``notebooks/``)."""
    from kit.jobs import JOBS

    if job not in JOBS:
        raise ConfigurationError(f"unknown job {job!r}", hint="one of: " + ", ".join(sorted(JOBS)))
    path = notebooks_dir() / "jobs" / f"{job}.ipynb"
    if not path.exists():
        raise ConfigurationError(f"the notebook of job {job} is missing: {path}", file=str(path))
    return path


def reports_root() -> Path:
    """``$KIT_REPORTS`` or the repository's ``reports/``."""
    return Path(os.environ.get("KIT_REPORTS") or REPO_ROOT / "reports").expanduser()


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The names (and defaults) declared in the notebook's ``parameters`` cell."""
    import papermill

    return {name: info.get("default") for name, info in papermill.inspect_notebook(str(path)).items()}


def validate_parameters(path: Path, params: dict[str, Any]) -> None:
    """Refuse any parameter the notebook does not declare (papermill would only warn)."""
    declared = notebook_parameters(path)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise ConfigurationError(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} for {path.name}",
            file=str(path),
            hint="declared parameters: " + ", ".join(sorted(declared)),
        )


def failing_cell(exc: Any) -> dict[str, Any]:
    """Where a papermill run broke, for the JSON summary: the message scrubbed first, then cut."""
    return {"cell_index": exc.cell_index, "exec_count": exc.exec_count, "error": exc.ename,
            "message": clip(exc.evalue, MAX_MESSAGE_CHARS)}  # fmt: skip


def manual_run_refusal(ws: Any, channel: str) -> str | None:
    """Why a job of ``channel`` should not be run by hand now (pt-BR), or ``None``.

    A channel switched off, or whose latest go-live check is not APTO, is not
    synced on a person's say-so alone: the scheduler would not run it either.
    """
    from kit.channels import ChannelRegistry
    from kit.golive.results import APTO, latest_result

    ch = ChannelRegistry(ws).get(channel)
    if not ch.enabled:
        return f"o canal {channel} está desligado"
    last = latest_result(ws, channel)
    if last and last.get("verdict") != APTO:
        return f"o último go-live do canal {channel} ({last.get('finished_at') or '?'}) deu {last.get('verdict')}"
    return None


def _timestamp(folder: Path) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    name, n = stamp, 1
    while (folder / f"{name}.ipynb").exists() or (folder / f"{name}.json").exists():
        n += 1
        name = f"{stamp}-{n}"
    return name


def record_run(ws: Any, row: dict[str, Any]) -> None:
    """Append a run to the workspace's run history (shape agreed in the preamble; see ``docs/storage.md``)."""
    ws.runs.append(row)


def _register_channel_secrets(ws: Any, channel: Any) -> None:
    """Load the channel's secrets so :func:`kit.scrub.scrub` masks them in the report files."""
    from kit.secrets import SecretsStore

    try:
        SecretsStore().get_all(channel.credentials_ref)
    except Exception:  # noqa: BLE001 - scrubbing must never break a run
        pass


def _scrub_file(path: Path) -> None:
    from kit.scrub import scrub
    from kit.store import atomic_write_bytes

    if path.exists():
        text = path.read_text(encoding="utf-8")
        clean = scrub(text)
        if clean != text:
            atomic_write_bytes(path, clean.encode("utf-8"))


def run_notebook_job(
    job: str,
    channel: str,
    *,
    dry_run: bool = False,
    full: bool = False,
    since: str | None = None,
    max_items: int | None = None,
    params: dict[str, Any] | None = None,
    ws: Any = None,
    kernel_name: str = KERNEL_NAME,
    reports: Path | None = None,
    log_output: bool = True,
    forced: dict[str, Any] | None = None,
) -> RunOutcome:
    """Run ``job`` for ``channel`` through its notebook; see the module docstring.

    ``log_output`` copies the kernel's output (one line per batch) to the
    ``papermill`` logger, for cron logs. ``forced`` (``{"reason", "by",
    "refusal"}``) records that a person ran it past :func:`manual_run_refusal`:
    it goes into the JSON summary and the run record.

    Raises:
        ConfigurationError: unknown job, channel or parameter (exit 2).
        LockHeldError: another run of the same (channel, job) is in progress (exit 3).
    """
    from kit.channels import ChannelRegistry
    from kit.jobs.locks import job_lock
    from kit.store import Workspace, safe_child

    ws = ws if ws is not None else Workspace()
    nb = notebook_path(job)
    ch = ChannelRegistry(ws).get(channel)
    folder = safe_child(reports or reports_root(), ch.name, job)
    parameters: dict[str, Any] = {
        "channel": channel,
        "dry_run": bool(dry_run),
        "full": bool(full),
        "since": since,
        "max_items": max_items,
        "workspace": str(ws.root),
    }
    parameters.update(params or {})
    started = time.time()
    try:
        lock = job_lock(ws, channel, job)
        lock.__enter__()
    except LockHeldError:
        record_run(
            ws,
            {"channel": channel, "job": job, "started_at": started, "finished_at": time.time(), "status": "locked",
             "counts": {}, "report_path": None, "exit_code": 3},
        )  # fmt: skip
        raise
    try:
        validate_parameters(nb, parameters)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stem = _timestamp(folder)
        out_nb, out_json, kernel_json = (
            folder / f"{stem}.ipynb",
            folder / f"{stem}.json",
            folder / f".{stem}.kernel.json",
        )
        parameters["summary_path"] = str(kernel_json)
        failing, crash = _execute(nb, out_nb, parameters, kernel_name, log_output, f"{channel}:{job}")
    finally:
        lock.__exit__(None, None, None)
    finished = time.time()
    summary: dict[str, Any] = {}
    if kernel_json.exists():
        summary = json.loads(kernel_json.read_text(encoding="utf-8"))
        kernel_json.unlink()
    run = {"channel": channel, "job": job, "dry_run": bool(dry_run), "full": bool(full), "started_at": started,
           "finished_at": finished, "report_path": str(out_nb), "forced": forced}  # fmt: skip
    result = _result(ws, run, summary, failing, crash)
    _save(ws, ch, run, result, out_json)
    return RunOutcome(result["exit_code"], result, out_nb, out_json)


def _save(ws: Any, channel: Any, run: dict[str, Any], result: dict[str, Any], out_json: Path) -> None:
    """Write the JSON summary, scrub it and the notebook, and record the run in the workspace."""
    from kit.store import atomic_write_bytes

    atomic_write_bytes(out_json, json.dumps(result, ensure_ascii=False, indent=2, default=str).encode("utf-8"))
    _register_channel_secrets(ws, channel)
    for path in (Path(run["report_path"]), out_json):
        _scrub_file(path)
    counts = {k: int(result["counts"].get(k, 0)) for k in COUNT_KEYS}
    row = {k: run[k] for k in ("channel", "job", "started_at", "finished_at", "report_path", "dry_run")}
    row.update(status=result["status"], counts=counts, exit_code=result["exit_code"])
    if run.get("forced"):
        row["forced"] = run["forced"]
    if result.get("counts_from_state"):
        row["counts_from_state"] = True
    record_run(ws, row)


def _execute(
    nb: Path, out_nb: Path, parameters: dict[str, Any], kernel_name: str, log_output: bool, held: str
) -> tuple[dict[str, Any] | None, str | None]:
    """Run the notebook; ``(failing cell, crash)``, both ``None`` when it ran to the end."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from kit.jobs.locks import HELD_ENV

    failing: dict[str, Any] | None = None
    crash: str | None = None
    previous = os.environ.get(HELD_ENV)
    os.environ[HELD_ENV] = held
    try:
        papermill.execute_notebook(
            str(nb),
            str(out_nb),
            parameters=parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=log_output,
            cwd=str(REPO_ROOT),
        )
    except PapermillExecutionError as exc:
        failing = failing_cell(exc)
    except Exception as exc:  # noqa: BLE001 - kernel died, could not start...: still a recorded failed run
        crash = clip(f"{type(exc).__name__}: {exc}", MAX_MESSAGE_CHARS)
    finally:
        if previous is None:
            os.environ.pop(HELD_ENV, None)
        else:
            os.environ[HELD_ENV] = previous
    return failing, crash


def _result(
    ws: Any, run: dict[str, Any], summary: dict[str, Any], failing: dict[str, Any] | None, crash: str | None
) -> dict[str, Any]:
    """The run's JSON summary. Without the kernel's own summary (it died), the counts are what the state store holds."""
    from kit.jobs.state import counts_from_state

    exit_code = int(summary.get("exit_code", 1)) if summary else 1
    if (failing or crash) and exit_code == 0:
        exit_code = 1
    notes = list(summary.get("notes") or [])
    counts = summary.get("counts")
    from_state = not counts
    if from_state:
        counts = counts_from_state(ws, run["channel"], run["job"], run["started_at"], run["finished_at"])
        notes.append(
            "A execução parou antes de gravar o próprio resumo (o kernel caiu): as contagens são as do estado "
            "gravado (o que o canal confirmou antes da queda)."
        )
    if run.get("forced"):
        notes.insert(0, f"Execução forçada por {run['forced'].get('by')}: {run['forced'].get('reason')} "
                        f"(recusada porque {run['forced'].get('refusal')}).")  # fmt: skip
    details = summary.get("details") or []
    return {
        **{k: run[k] for k in ("channel", "job")},
        "status": "ok" if exit_code == 0 else "failed",
        "exit_code": exit_code,
        **{k: run[k] for k in ("dry_run", "full")},
        "counts": counts,
        "counts_from_state": from_state,
        "duration_s": round(run["finished_at"] - run["started_at"], 3),
        "job_duration_s": summary.get("duration_s"),
        **{k: run[k] for k in ("started_at", "finished_at", "report_path", "forced")},
        "failing_cell": failing,
        "error": summary.get("error") or (failing or {}).get("message") or crash,
        "notes": notes,
        "extra": summary.get("extra") or {},
        "details": details[:MAX_DETAILS_IN_JSON],
        "details_truncated": max(0, len(details) - MAX_DETAILS_IN_JSON),
    }
