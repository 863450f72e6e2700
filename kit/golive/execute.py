"""Running the go-live check as ``kit check golive`` and the canais screen do: through its notebook, or in process.

:func:`execute_report` takes the notebook's parameters (names and paths only:
the kernel resolves credentials from the channel name) and an output folder,
and leaves the same report either way:

* **notebook** (default): ``notebooks/golive.ipynb`` through the kit's one
  notebook runner (:func:`kit.reports.runner.run_notebook`: unknown parameters
  refused, kernel noise off the console, output scrubbed); the notebook writes
  ``golive.html`` itself (:func:`kit.golive.report.write_report_html`);
* **in process** (``in_process=True``, ``kit check golive --no-notebook``): the
  same check and the same page without a kernel; the output notebook is written
  only when the check could not run.

When the check could not run (channel unreachable, credentials refused, a file
that cannot be read...), ``golive.html`` opens with the Portuguese box
"NÃO FOI POSSÍVEL VERIFICAR": what failed (the address tried), what to do; the
traceback, scrubbed, is folded under "Detalhes técnicos" and in ``golive.log``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.reports.failure import NOT_CHECKED, Failure

__all__ = ["ReportOutcome", "execute_report", "run_with_parameters", "notebook_parameters", "LOG_FILE"]

LOG_FILE = "golive.log"
MAIN_STEP = "lendo o ERP e os anúncios do canal e executando as verificações"
POLL_S = 0.5


@dataclass(slots=True)
class ReportOutcome:
    """What :func:`execute_report` produced (``failure``: why the check could not run, pt-BR)."""

    output_dir: Path
    notebook: Path
    html: Path | None
    summary: dict[str, Any]
    error: str | None = None  # the technical one-line error when the check did not reach a verdict
    failure: Failure | None = None


def _notebook() -> Path:
    from kit.golive.paths import notebook_path

    return notebook_path()


def notebook_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """``parameters`` over the notebook's own defaults (what a run through papermill would see)."""
    from kit.reports.notebooks import check_parameters

    return {**check_parameters(_notebook(), parameters), **parameters}


def run_with_parameters(p: dict[str, Any], *, notebook: bool = True, on_progress: Callable[[str], None] | None = None):
    """The go-live check from the notebook's parameters (the names of its ``parameters`` cell); what the
    notebook calls, and what an in-process run calls with the same parameters."""
    from kit.golive.context import CapacityAssumptions
    from kit.golive.report import sample_inputs
    from kit.golive.run import run_golive

    p = dict(p)
    if not p.get("channel") and not p.get("erp_file"):  # offline, no files: the kit's sample, defects included
        sample = sample_inputs(p.get("channel_type") or "vtex")
        p.update({k: sample[k] for k in ("erp_file", "store_file", "values_dir")})
        p["mappings_channel"] = p.get("mappings_channel") or sample["mappings_channel"]
    rates = {job: float(p.get(f"{job}_change_pct_per_hour", default)) / 100
             for job, default in (("stock", 20.0), ("prices", 5.0), ("products", 1.0))}  # fmt: skip
    return run_golive(
        channel=p.get("channel") or None, channel_type=p.get("channel_type") or None, erp_file=p.get("erp_file"),
        store_file=p.get("store_file") or None, values_dir=p.get("values_dir") or None,
        mappings_channel=p.get("mappings_channel") or None, company=p.get("company") or None,
        environment=p.get("environment") or None, price_tolerance_pct=float(p.get("price_tolerance_pct", 1.0)),
        stock_tolerance=float(p.get("stock_tolerance", 0.0)), peak_multiplier=float(p.get("peak_multiplier", 10.0)),
        price_guard_pct=float(p.get("price_guard_pct", 30.0)), answers_file=p.get("answers_file") or None,
        capacity=CapacityAssumptions(change_rates=rates, orders_per_hour=float(p.get("orders_per_hour", 60.0))),
        by=p.get("by") or None, workspace=p.get("workspace") or None, output_dir=p.get("output_dir") or None,
        notebook=notebook, on_progress=on_progress, warehouse=_stock_warehouse(p),
    )  # fmt: skip


def _stock_warehouse(parameters: dict[str, Any]) -> str | None:
    """The ERP warehouse whose stock a configured channel gets (the stock job's ``warehouse`` setting), so an ERP
    export with one row per SKU and warehouse is compared as the stock job will send it; ``None``: summed."""
    name = parameters.get("channel")
    if not name:
        return None
    from kit.jobs.settings import job_settings
    from kit.store import Workspace

    ws = Workspace(parameters["workspace"]) if parameters.get("workspace") else Workspace()
    return job_settings(ws, name).get("warehouse") or None


def execute_report(
    parameters: dict[str, Any],
    output_dir: str | os.PathLike[str],
    *,
    timeout: int = 1800,
    in_process: bool = False,
    verbose: bool = False,
    on_progress: Callable[[str], None] | None = None,
    command: str = "",
) -> ReportOutcome:
    """Run the go-live check into ``output_dir`` (see the module docstring); never raises for a check that failed.

    Args:
        parameters: the notebook's parameters (names and paths only).
        output_dir: the report folder.
        timeout: seconds a notebook cell may run.
        in_process: run here, without a kernel.
        verbose: papermill's and the kernel's lines on the console.
        on_progress: called with a pt-BR line as the check moves on (which stage, which cell).
        command: how the check was started, recorded in the output notebook.

    Raises:
        ConfigurationError: a parameter the notebook does not declare (nothing is run).
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    params = dict(parameters, output_dir=str(out))
    _know_secrets(params)
    if in_process:
        return _in_process(params, out, on_progress, command)
    return _through_notebook(params, out, timeout, verbose, on_progress, command)


def _know_secrets(parameters: dict[str, Any]) -> None:
    """Load the channel's keys in this process, so every file of the report is scrubbed of them when written."""
    name = parameters.get("channel")
    if not name:
        return
    from kit.channels import ChannelRegistry
    from kit.secrets import SecretsStore
    from kit.store import Workspace

    try:
        ws = Workspace(parameters["workspace"]) if parameters.get("workspace") else Workspace()
        SecretsStore().get_all(ChannelRegistry(ws).get(name).credentials_ref)
    except Exception:  # noqa: BLE001 - a channel that cannot be read fails in the check itself, said properly
        pass


def _read_summary(out: Path) -> dict[str, Any]:
    from kit.golive.paths import SUMMARY_FILE

    path = out / SUMMARY_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except ValueError:
        return {}


def _explain(summary: dict[str, Any], parameters: dict[str, Any], traceback: str, error: str | None) -> Failure:
    """Why the check could not run, from the error ``summary.json`` keeps (or the traceback when it has none)."""
    from kit.reports.failure import explain, unexpected

    if summary.get("error"):
        address, type_name = _channel_facts(parameters)
        return explain(summary["error"], headline=NOT_CHECKED, address=address, channel=parameters.get("channel", ""),
                       type_name=type_name, traceback=traceback)  # fmt: skip
    return unexpected(NOT_CHECKED, f"{error or ''}\n\n{traceback}", what="A verificação parou com um erro inesperado "
                      "antes do veredito.")  # fmt: skip


def _channel_facts(parameters: dict[str, Any]) -> tuple[str | None, str]:
    """The channel's API address and type, for the failure's wording (nothing when offline or unknown)."""
    name = parameters.get("channel")
    if not name:
        return None, str(parameters.get("channel_type") or "")
    from kit.channels import ChannelRegistry
    from kit.errors import KitError
    from kit.jobs.report import channel_address
    from kit.store import Workspace

    try:
        ws = Workspace(parameters["workspace"]) if parameters.get("workspace") else Workspace()
        ch = ChannelRegistry(ws).get(name)
    except KitError:
        return None, ""
    return channel_address(ch), ch.type


def _failed(out: Path, parameters: dict[str, Any], failure: Failure, summary: dict[str, Any], started: float) -> Path:
    """Write the failure page as ``golive.html`` (and the technical text into ``golive.log``)."""
    from kit.golive.report import HTML_FILE, failure_page
    from kit.golive.run import NOTEBOOK_FILE, SUMMARY_FILE
    from kit.reports.files import write_report
    from kit.reports.runner import utc_iso

    files = {name: str(out / name) for name in (NOTEBOOK_FILE, SUMMARY_FILE, LOG_FILE) if (out / name).exists()}
    html = failure_page(failure, {**parameters, **(summary.get("parameters") or {})}, started=utc_iso(started),
                        files=files)  # fmt: skip
    return write_report(out / HTML_FILE, html)


def _through_notebook(
    params: dict[str, Any], out: Path, timeout: int, verbose: bool, on_progress: Any, command: str
) -> ReportOutcome:
    from kit.golive.paths import HTML_FILE, NOTEBOOK_FILE
    from kit.reports.runner import NotebookRun, run_notebook

    spec = NotebookRun(_notebook(), out / NOTEBOOK_FILE, params, cwd=out, timeout=timeout, verbose=verbose,
                       log_path=out / LOG_FILE, command=command or "kit check golive")  # fmt: skip
    started = time.time()

    def explain(result: Any) -> Failure:
        return _explain(_read_summary(out), params, result.traceback, result.error_line)

    result = _watched(lambda: run_notebook(spec, explain=explain), spec.output, on_progress)
    summary = _read_summary(out)
    failure = result.failure
    if summary.get("ok") and not (out / HTML_FILE).exists():  # a verdict, but the notebook broke before the page
        failure = _explain({}, params, result.traceback, result.error_line)
        failure.headline = f"{summary.get('verdict')} (relatório incompleto)"
    html = _failed(out, params, failure, summary, started) if failure is not None else out / HTML_FILE
    return ReportOutcome(out, spec.output, html if html.exists() else None, summary, result.error_line, failure)


def _watched(work: Callable[[], Any], nb_path: Path, on_progress: Callable[[str], None] | None) -> Any:
    """Run ``work`` in a thread, reporting which notebook cell runs (read from the file papermill keeps saving)."""
    if on_progress is None:
        return work()
    from kit.reports.notebooks import cell_progress

    last: str | None = "iniciando o kernel do relatório"
    on_progress(last)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="kit-golive", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(POLL_S)
        now = cell_progress(nb_path, starting="iniciando o kernel do relatório", main=MAIN_STEP)
        if now is not None and now.text() != last:
            last = now.text()
            on_progress(last)
    if "error" in box:
        raise box["error"]
    return box["result"]


def _in_process(params: dict[str, Any], out: Path, on_progress: Any, command: str) -> ReportOutcome:
    import traceback

    from kit.errors import KitError
    from kit.golive.report import write_report_html
    from kit.golive.run import NOTEBOOK_FILE

    started = time.time()
    values = notebook_parameters(params)
    try:
        run = run_with_parameters(values, notebook=False, on_progress=on_progress)
    except KitError as exc:
        failure = _explain(_read_summary(out), values, traceback.format_exc(), f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a bug is a check that could not run, said plainly, not a traceback
        failure = _explain({}, values, traceback.format_exc(), f"{type(exc).__name__}: {exc}")
    else:
        if on_progress is not None:
            on_progress("gravando o relatório HTML")
        html = write_report_html(run)
        return ReportOutcome(out, out / NOTEBOOK_FILE, html, _read_summary(out))
    return _in_process_failed(values, out, failure, started, command)


def _in_process_failed(
    values: dict[str, Any], out: Path, failure: Failure, started: float, command: str
) -> ReportOutcome:
    """A check that could not run in process: the failure page, the log, and the output notebook."""
    from kit.golive.report import failure_page
    from kit.golive.run import NOTEBOOK_FILE
    from kit.reports.notebooks import output_notebook
    from kit.reports.runner import run_record

    (out / LOG_FILE).write_text(failure.detail + "\n", encoding="utf-8")
    how = run_record("in-process", command or "kit check golive --no-notebook", started, time.time(), False)
    body = failure_page(failure, values, whole=False)
    nb = output_notebook(_notebook(), out / NOTEBOOK_FILE, parameters=values, html=body, how=how, failure=failure)
    summary = _read_summary(out)
    html = _failed(out, values, failure, summary, started)
    return ReportOutcome(out, nb, html, summary, failure.detail.splitlines()[0] if failure.detail else None, failure)
