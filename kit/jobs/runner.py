"""Run a sync job as ``kit sync`` and the scheduler do: through its notebook, or in this process.

``run_notebook_job("stock", "minha-vtex")`` (papermill) and
``run_inprocess_job("stock", "minha-vtex")`` (``kit sync --no-notebook``) give
the same outcome, the same files and the same run record:

1. the channel must exist and every parameter must be declared in the job
   notebook's ``parameters`` cell (an unknown parameter is an error, exit 2);
2. one run per (channel, job): a run already in progress means exit 3 at once
   (:mod:`kit.jobs.locks`), recorded as a ``locked`` run;
3. the job runs: the notebook through the kit's one notebook runner
   (:func:`kit.reports.runner.run_notebook`; only the channel *name* goes in,
   the kernel resolves its secrets by reference), or :func:`kit.jobs.run_job`
   right here;
4. beside ``<reports>/<channel>/<job>/<timestamp>``: ``.json`` (the summary:
   status, counts, duration, failing cell), ``.html`` (the report people read,
   :mod:`kit.jobs.report`), ``.ipynb`` (the output notebook: always through
   papermill; in process only when the run failed) and ``.log`` when the kernel or
   a failure said something; every file scrubbed of secrets;
5. the run is recorded in the workspace's run history (``ws.runs``).

:func:`run_scheduled_job` is what ``kit run-due`` calls: the job setting
``scheduled_runs`` (``notebook``, the default, or ``in-process``) picks the way.
Reports go to ``$KIT_REPORTS`` or the repository's ``reports/``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import ConfigurationError, LockHeldError
from kit.jobs.model import COUNT_KEYS
from kit.reports.runner import KERNEL_NAME
from kit.scrub import clip

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = [
    "RunOutcome",
    "JobRequest",
    "run_notebook_job",
    "run_inprocess_job",
    "run_scheduled_job",
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

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
MAX_DETAILS_IN_JSON = 1000
MAX_MESSAGE_CHARS = 2000


@dataclass(slots=True)
class RunOutcome:
    """What ``kit sync`` prints and exits with (``report_path``: the notebook, or the HTML report without one)."""

    exit_code: int
    summary: dict[str, Any] = field(default_factory=dict)
    report_path: Path | None = None
    summary_path: Path | None = None
    html_path: Path | None = None


@dataclass(slots=True)
class JobRequest:
    """One job run as asked for: what to run and how (the value object behind the keyword arguments)."""

    job: str
    channel: str
    dry_run: bool = False
    full: bool = False
    since: str | None = None
    max_items: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    forced: dict[str, Any] | None = None
    kernel_name: str = KERNEL_NAME
    log_output: bool = True
    verbose: bool = False
    command: str = ""

    def parameters(self, ws: Workspace) -> dict[str, Any]:
        """The notebook's parameters: names and paths only, never a secret."""
        out = {"channel": self.channel, "dry_run": bool(self.dry_run), "full": bool(self.full), "since": self.since,
               "max_items": self.max_items, "workspace": str(ws.root)}  # fmt: skip
        out.update(self.params)
        return out

    def shell_command(self) -> str:
        """How a person would start this run (recorded in the output notebook)."""
        if self.command:
            return self.command
        words = ["kit", "sync", self.job, "--channel", self.channel]
        words += ["--dry-run"] * self.dry_run + ["--full"] * self.full
        words += ["--since", self.since] if self.since else []
        words += ["--max-items", str(self.max_items)] if self.max_items else []
        words += [f"--param {k}={json.dumps(v)}" for k, v in self.params.items()]
        return " ".join(words)


def notebooks_dir() -> Path:
    return Path(os.environ.get("KIT_NOTEBOOKS") or REPO_ROOT / "notebooks").expanduser()


def notebook_path(job: str) -> Path:
    """``notebooks/jobs/<job>.ipynb`` (``$KIT_NOTEBOOKS`` overrides ``notebooks/``)."""
    from kit.jobs import JOBS

    if job not in JOBS:
        raise ConfigurationError(f"tarefa desconhecida {job!r}", hint="uma de: " + ", ".join(sorted(JOBS)))
    path = notebooks_dir() / "jobs" / f"{job}.ipynb"
    if not path.exists():
        raise ConfigurationError(f"o notebook da tarefa {job} não existe: {path}", file=str(path))
    return path


def reports_root() -> Path:
    """``$KIT_REPORTS`` or the repository's ``reports/``."""
    return Path(os.environ.get("KIT_REPORTS") or REPO_ROOT / "reports").expanduser()


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The names (and defaults) declared in the notebook's ``parameters`` cell."""
    from kit.reports.notebooks import declared_parameters

    return declared_parameters(path)


def validate_parameters(path: Path, params: dict[str, Any]) -> None:
    """Refuse any parameter the notebook does not declare (papermill would only warn)."""
    from kit.reports.notebooks import check_parameters

    check_parameters(path, params)


def failing_cell(exc: Any) -> dict[str, Any]:
    """Where a papermill run broke, for the JSON summary: the message scrubbed first, then cut."""
    return {"cell_index": exc.cell_index, "exec_count": exc.exec_count, "error": exc.ename,
            "message": clip(exc.evalue, MAX_MESSAGE_CHARS)}  # fmt: skip


def manual_run_refusal(ws: Workspace, channel: str) -> str | None:
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


def record_run(ws: Workspace, row: dict[str, Any]) -> None:
    """Append a run to the workspace's run history (shape agreed in the preamble; see ``docs/storage.md``)."""
    ws.runs.append(row)


def _timestamp(folder: Path) -> str:
    """The run's file name: its UTC second, then ``_02``, ``_03``... for later runs of that second.

    Names sort in run order (``_`` sorts after the ``.`` of the first run's extensions).
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    name, n = stamp, 1
    while any((folder / f"{name}{ext}").exists() for ext in (".ipynb", ".json", ".html")):
        n += 1
        name = f"{stamp}_{n:02d}"
    return name


@dataclass(slots=True)
class _Run:
    """One run under way: the request, where its files go, and what the job said."""

    request: JobRequest
    ws: Workspace
    channel: Channel
    folder: Path
    stem: str
    started: float
    runner: str
    summary: dict[str, Any] = field(default_factory=dict)
    failing: dict[str, Any] | None = None
    crash: str | None = None
    traceback: str = ""
    notebook: Path | None = None

    def path(self, ext: str) -> Path:
        return self.folder / f"{self.stem}{ext}"


def _start(request: JobRequest, ws: Workspace | None, reports: Path | None, runner: str) -> tuple[_Run, Path]:
    """Check the job, channel and parameters; create the report folder (nothing is created on a refusal)."""
    from kit.channels import ChannelRegistry
    from kit.store import Workspace, safe_child

    ws = ws if ws is not None else Workspace()
    nb = notebook_path(request.job)
    ch = ChannelRegistry(ws).get(request.channel)
    _register_channel_secrets(ch)  # every file of the run is scrubbed as it is written, the channel's keys known
    validate_parameters(nb, {**request.parameters(ws), "summary_path": None})
    folder = safe_child(reports or reports_root(), ch.name, request.job)
    return _Run(request, ws, ch, folder, "", time.time(), runner), nb


def _locked(run: _Run) -> None:
    record_run(run.ws, {"channel": run.request.channel, "job": run.request.job, "started_at": run.started,
                        "finished_at": time.time(), "status": "locked", "counts": {}, "report_path": None,
                        "exit_code": 3})  # fmt: skip


def run_notebook_job(
    job: str,
    channel: str,
    *,
    dry_run: bool = False,
    full: bool = False,
    since: str | None = None,
    max_items: int | None = None,
    params: dict[str, Any] | None = None,
    ws: Workspace | None = None,
    kernel_name: str = KERNEL_NAME,
    reports: Path | None = None,
    log_output: bool = True,
    forced: dict[str, Any] | None = None,
    verbose: bool = False,
    command: str = "",
) -> RunOutcome:
    """Run ``job`` for ``channel`` through its notebook; see the module docstring.

    ``log_output`` copies the kernel's output (one line per batch) to the
    ``papermill`` logger, for cron logs; ``verbose`` also lets the kernel's own
    stderr reach the console. ``forced`` (``{"reason", "by", "refusal"}``) records
    that a person ran it past :func:`manual_run_refusal`: it goes into the JSON
    summary and the run record.

    Raises:
        ConfigurationError: unknown job, channel or parameter (exit 2).
        LockHeldError: another run of the same (channel, job) is in progress (exit 3).
    """
    from kit.jobs.locks import HELD_ENV, job_lock
    from kit.reports.runner import NotebookRun, run_notebook

    request = JobRequest(job, channel, dry_run, full, since, max_items, dict(params or {}), forced, kernel_name,
                         log_output, verbose, command)  # fmt: skip
    run, nb = _start(request, ws, reports, "papermill")
    try:
        lock = job_lock(run.ws, channel, job)
        lock.__enter__()
    except LockHeldError:
        _locked(run)
        raise
    try:
        run.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        run.stem = _timestamp(run.folder)
        kernel_json = run.folder / f".{run.stem}.kernel.json"
        parameters = {**request.parameters(run.ws), "summary_path": str(kernel_json)}
        spec = NotebookRun(nb, run.path(".ipynb"), parameters, cwd=REPO_ROOT, kernel_name=kernel_name,
                           verbose=verbose, log_output=log_output, log_path=run.path(".log"),
                           env={HELD_ENV: f"{channel}:{job}"}, command=request.shell_command())  # fmt: skip

        def explain(result: Any) -> Any:
            run.summary = _read_kernel_summary(kernel_json)
            run.failing, run.crash, run.traceback = result.failing_cell, result.crash, result.traceback
            return _failure(run, _result(run))

        result = run_notebook(spec, explain=explain)
    finally:
        lock.__exit__(None, None, None)
    if result.ok:
        run.summary = _read_kernel_summary(kernel_json)
    run.notebook = result.output if result.output.exists() else None  # a kernel that never started wrote none
    return _finish(run, result.finished_at)


def _read_kernel_summary(path: Path) -> dict[str, Any]:
    """The summary the kernel saved (``{}`` when it died first); the file is removed once read."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    return data


def run_inprocess_job(
    job: str,
    channel: str,
    *,
    dry_run: bool = False,
    full: bool = False,
    since: str | None = None,
    max_items: int | None = None,
    params: dict[str, Any] | None = None,
    ws: Workspace | None = None,
    reports: Path | None = None,
    forced: dict[str, Any] | None = None,
    command: str = "",
    **_notebook_options: Any,
) -> RunOutcome:
    """Run ``job`` for ``channel`` in this process (``kit sync --no-notebook``): no kernel to start.

    The same checks, lock, summary, HTML report and run record as
    :func:`run_notebook_job`; the output notebook is written only when the run
    failed (built from the job notebook, with the report as its output).
    ``log_output`` or ``verbose`` let the job's log lines reach the console (they always go to the
    run's ``.log``); ``kernel_name`` is accepted, for the same call as :func:`run_notebook_job`, and ignored.

    Raises:
        ConfigurationError: unknown job, channel or parameter (exit 2).
        LockHeldError: another run of the same (channel, job) is in progress (exit 3).
    """
    import traceback

    from kit.jobs import run_job

    request = JobRequest(job, channel, dry_run, full, since, max_items, dict(params or {}), forced,
                         log_output=bool(_notebook_options.get("log_output", False)),
                         verbose=bool(_notebook_options.get("verbose", False)), command=command)  # fmt: skip
    run, _ = _start(request, ws, reports, "in-process")
    run.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    run.stem = _timestamp(run.folder)
    extras = {k: v for k, v in request.params.items() if v is not None}
    with _job_log(run.path(".log"), console=request.verbose or request.log_output):
        try:
            summary = run_job(job, channel, dry_run=dry_run, full=full, since=since, max_items=max_items,
                              ws=run.ws, params=extras)  # fmt: skip
            run.summary = summary.to_dict()
        except Exception as exc:  # noqa: BLE001 - a bug in a job is a failed, recorded run, as a dead kernel is
            run.crash = clip(f"{type(exc).__name__}: {exc}", MAX_MESSAGE_CHARS)
            run.traceback = traceback.format_exc()
    if (run.summary.get("error_info") or {}).get("error") == "LockHeldError":
        run.path(".log").unlink(missing_ok=True)
        _locked(run)
        info = run.summary["error_info"]
        raise LockHeldError(
            info.get("message", "outra execução está em andamento"), channel=channel, hint=info.get("hint")
        )
    return _finish(run, time.time())


@contextlib.contextmanager
def _job_log(path: Path, *, console: bool) -> Iterator[None]:
    """The job's log lines go to the run's log file (scrubbed), and to the console only when asked.

    A run through papermill keeps them inside the kernel; an in-process run does the same
    here, so ``kit sync --no-notebook`` prints what ``kit sync`` prints.
    """
    from kit.scrub import ScrubFilter

    logger = logging.getLogger("kit")
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubFilter())
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = console
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def run_scheduled_job(job: str, channel: str, **options: Any) -> RunOutcome:
    """What ``kit run-due`` runs: in process when the job setting ``scheduled_runs`` says ``in-process``."""
    from kit.jobs.settings import job_settings
    from kit.store import Workspace

    ws = options.get("ws")
    if ws is None:
        ws = options["ws"] = Workspace()
    mode = str(job_settings(ws, channel).get("scheduled_runs") or "notebook")
    runner = run_inprocess_job if mode == "in-process" else run_notebook_job
    return runner(job, channel, **options)


def _failure(run: _Run, result: dict[str, Any]) -> Any:
    from kit.jobs.report import channel_address, job_failure

    if result.get("status") == "ok":
        return None
    return job_failure(result, address=channel_address(run.channel), type_name=run.channel.type,
                       traceback=run.traceback)  # fmt: skip


def _finish(run: _Run, finished: float) -> RunOutcome:
    """Summary JSON, HTML report, output notebook (papermill: sealed already; in process: on failure), run record."""
    from kit.jobs.report import write_job_report
    from kit.reports.notebooks import output_notebook
    from kit.reports.runner import run_record

    result = _result(run, finished)
    failure = _failure(run, result)
    html = write_job_report(run.path(".html"), result, failure=failure, technical=run.traceback)
    if run.runner == "in-process" and failure is not None:
        from kit.jobs.report import job_report_body

        how = run_record("in-process", run.request.shell_command(), run.started, finished, False)
        run.notebook = output_notebook(notebook_path(run.request.job), run.path(".ipynb"),
                                       parameters=run.request.parameters(run.ws), how=how, failure=failure,
                                       html=job_report_body(result, failure=failure))  # fmt: skip
        _append_log(run.path(".log"), f"{run.crash or result.get('error') or ''}\n\n{run.traceback}")
    result["report_path"] = str(run.notebook or html)
    result["html_path"] = str(html)
    if failure is not None:  # what failed and what to do, pt-BR: for the console, the painel and the screens
        result["failure"] = {"message": failure.message, "hint": failure.hint}
    out_json = run.path(".json")
    _save(run, result, out_json)
    return RunOutcome(result["exit_code"], result, run.notebook or html, out_json, html)


def _append_log(path: Path, text: str) -> None:
    from kit.scrub import scrub

    if text.strip():
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(scrub(text) + "\n")


def _save(run: _Run, result: dict[str, Any], out_json: Path) -> None:
    """Write the JSON summary (details cut; scrubbed, as every file of the run) and record the run in the workspace."""
    from kit.reports.files import write_report

    kept = dict(result, details=result["details"][:MAX_DETAILS_IN_JSON],
                details_truncated=max(0, len(result["details"]) - MAX_DETAILS_IN_JSON))  # fmt: skip
    write_report(out_json, json.dumps(kept, ensure_ascii=False, indent=2, default=str))
    counts = {k: int(result["counts"].get(k, 0)) for k in COUNT_KEYS}
    row = {k: result[k] for k in ("channel", "job", "started_at", "finished_at", "report_path", "dry_run")}
    row.update(status=result["status"], counts=counts, exit_code=result["exit_code"])
    if result.get("forced"):
        row["forced"] = result["forced"]
    if result.get("counts_from_state"):
        row["counts_from_state"] = True
    record_run(run.ws, row)


def _register_channel_secrets(channel: Channel) -> None:
    """Load the channel's secrets so :func:`kit.scrub.scrub` masks them in the report files."""
    from kit.secrets import SecretsStore

    try:
        SecretsStore().get_all(channel.credentials_ref)
    except Exception:  # noqa: BLE001 - scrubbing must never break a run
        pass


def _result(run: _Run, finished: float | None = None) -> dict[str, Any]:
    """The run's summary. Without the job's own summary (the kernel died), the counts are what the state store holds."""
    from kit.jobs.state import counts_from_state

    summary, request = run.summary, run.request
    finished = finished or time.time()
    exit_code = int(summary.get("exit_code", 1)) if summary else 1
    if (run.failing or run.crash) and exit_code == 0:
        exit_code = 1
    notes = list(summary.get("notes") or [])
    counts = summary.get("counts")
    from_state = not counts
    if from_state:
        counts = counts_from_state(run.ws, request.channel, request.job, run.started, finished)
        notes.append(
            "A execução parou antes de gravar o próprio resumo (o kernel caiu): as contagens são as do estado "
            "gravado (o que o canal confirmou antes da queda)."
        )
    if request.forced:
        notes.insert(0, f"Execução forçada por {request.forced.get('by')}: {request.forced.get('reason')} "
                        f"(recusada porque {request.forced.get('refusal')}).")  # fmt: skip
    return {
        "channel": request.channel, "job": request.job, "status": "ok" if exit_code == 0 else "failed",
        "exit_code": exit_code, "dry_run": bool(request.dry_run), "full": bool(request.full), "counts": counts,
        "counts_from_state": from_state, "duration_s": round(finished - run.started, 3),
        "job_duration_s": summary.get("duration_s"), "started_at": run.started, "finished_at": finished,
        "report_path": None, "forced": request.forced, "runner": run.runner, "failing_cell": run.failing,
        "error": summary.get("error") or (run.failing or {}).get("message") or run.crash,
        "error_info": summary.get("error_info"), "notes": notes, "extra": summary.get("extra") or {},
        "details": list(summary.get("details") or []),
    }  # fmt: skip
