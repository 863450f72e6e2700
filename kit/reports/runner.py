"""The one notebook runner: every notebook the kit runs (go-live, the sync jobs) goes through :func:`run_notebook`.

::

    result = run_notebook(NotebookRun(notebook, output, parameters, ...), explain=...)

1. every parameter must be declared in the notebook's ``parameters`` cell (an
   unknown one is an error, exit 2, before any kernel starts);
2. papermill executes the notebook (kernel ``python3``) into ``output``; the
   kernel's own stderr (``Kernel is running over TCP without encryption``...)
   goes to the run's log file, and papermill's INFO lines stay off the console,
   unless ``verbose``; extra environment (the lock marker) reaches the kernel
   only, never this process's ``os.environ``; the kernel's working directory is
   set at launch (papermill's ``cwd`` would ``chdir`` the whole process);
3. a failed cell is recorded (:class:`NotebookResult`), its traceback cleaned and
   scrubbed; ``explain(result)`` turns it into the Portuguese :class:`Failure`
   that opens the output notebook (papermill's English banner is removed);
4. the output notebook records how it was run (``metadata.canais_kit``) and is
   scrubbed of secrets; the log file too.

Parameters carry names and paths only: the kernel resolves credentials by the
channel's name.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.reports.failure import Failure, clean_traceback
from kit.reports.notebooks import check_parameters, seal
from kit.scrub import clip

__all__ = ["KERNEL_NAME", "NotebookRun", "NotebookResult", "run_notebook", "run_record", "quiet_console", "utc_iso"]

log = logging.getLogger("kit.reports.runner")

KERNEL_NAME = "python3"
MAX_MESSAGE_CHARS = 2000
#: loggers whose INFO lines are for engineers: kept off the console unless -v
NOISY_LOGGERS = ("papermill", "traitlets", "nbclient", "jupyter_client", "asyncio")


@dataclass(slots=True)
class NotebookRun:
    """How to run one notebook.

    Attributes:
        notebook: the source notebook (committed clean).
        output: the output notebook to write.
        parameters: names and paths only (checked against the ``parameters`` cell).
        cwd: the kernel's working directory (default: the output's folder).
        kernel_name: the Jupyter kernel.
        timeout: seconds a cell may run (``None``: no limit).
        verbose: papermill's INFO lines, the cells' output and the kernel's stderr on the console.
        log_output: copy the cells' output to the ``papermill`` logger (cron logs) even when not verbose.
        log_path: where the kernel's stderr and a failure's traceback go (default ``<output>.log``).
        env: extra environment variables for the kernel only.
        command: how the run was started, recorded in the output notebook (``kit sync stock --channel X``).
    """

    notebook: Path
    output: Path
    parameters: dict[str, Any]
    cwd: Path | None = None
    kernel_name: str = KERNEL_NAME
    timeout: int | None = None
    verbose: bool = False
    log_output: bool = False
    log_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    command: str = ""

    @property
    def log_file(self) -> Path:
        return self.log_path or self.output.with_suffix(".log")


@dataclass(slots=True)
class NotebookResult:
    """What happened: where it broke (``failing_cell``) or why it could not run (``crash``)."""

    output: Path
    started_at: float
    finished_at: float
    failing_cell: dict[str, Any] | None = None
    crash: str | None = None
    traceback: str = ""
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failing_cell is None and self.crash is None

    @property
    def error_line(self) -> str | None:
        """``Ename: message`` of the failure, scrubbed and cut, or ``None``."""
        if self.failing_cell:
            return f"{self.failing_cell['error']}: {self.failing_cell['message']}"
        return self.crash


def run_record(
    mode: str, command: str, started_at: float, finished_at: float, ok: bool, **extra: Any
) -> dict[str, Any]:
    """How a run was made, as recorded in its output notebook's ``metadata.canais_kit``."""
    from kit import __version__ as kit_version

    return {
        "runner": mode,
        "command": command,
        "kit_version": kit_version,
        "python": sys.version.split()[0],
        "started_at": utc_iso(started_at),
        "finished_at": utc_iso(finished_at),
        "status": "ok" if ok else "failed",
        **extra,
    }


def utc_iso(epoch: float) -> str:
    """An epoch as ISO 8601 in UTC, to the second."""
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def _kernel_manager(env: dict[str, str], stderr: Any, cwd: Path) -> type:
    """A kernel manager class for this run: the kernel gets ``env`` added, ``stderr`` and ``cwd`` at launch."""
    from jupyter_client.manager import AsyncKernelManager

    extra, err, where = dict(env), stderr, str(cwd)

    class KitKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
            kernel_env = dict(kw.pop("env", None) or os.environ)
            kernel_env.update(extra)
            kw["env"], kw["cwd"] = kernel_env, where
            if err is not None:
                kw["stderr"] = err
            await self._async_start_kernel(**kw)

    return KitKernelManager


class quiet_console:  # noqa: N801 - used as a context manager, reads like one
    """Keep engineers' INFO lines (papermill, traitlets, nbclient) off the console while a notebook runs."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.saved: list[tuple[logging.Logger, int]] = []

    def __enter__(self) -> quiet_console:
        if not self.verbose:
            for name in NOISY_LOGGERS:
                logger = logging.getLogger(name)
                self.saved.append((logger, logger.level))
                logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger, level in self.saved:
            logger.setLevel(level)


def _import_papermill() -> Any:
    """papermill, imported without jsonschema's IRI format checker (measured: 0.8-1.4 s of every run).

    papermill imports nbformat, nbformat imports jsonschema, and jsonschema's format module imports
    ``rfc3987_syntax`` when it is installed (jupyter-events brings it): that module builds an Earley
    parser from its grammar at import. It only checks the ``iri`` formats, which no notebook schema
    uses (nbformat validates without a format checker). So the name is held back while papermill is
    first imported, and released after: an explicit import of ``rfc3987_syntax`` still works.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import papermill

        return papermill
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import -> ImportError, which jsonschema skips
    try:
        import papermill
    finally:
        if sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]
    return papermill


def _execute(run: NotebookRun, stderr: Any) -> tuple[dict[str, Any] | None, str | None, str]:
    """Papermill; ``(failing cell, crash, traceback)``, all empty when it ran to the end."""
    papermill = _import_papermill()
    from papermill.exceptions import PapermillExecutionError

    manager = _kernel_manager(run.env, stderr, run.cwd or run.output.parent)
    try:
        with quiet_console(run.verbose or run.log_output):
            papermill.execute_notebook(
                str(run.notebook),
                str(run.output),
                parameters=run.parameters,
                kernel_name=run.kernel_name,
                progress_bar=False,
                log_output=run.verbose or run.log_output,
                execution_timeout=run.timeout,
                kernel_manager_class=manager,
            )
    except PapermillExecutionError as exc:
        failing = {"cell_index": exc.cell_index, "exec_count": exc.exec_count, "error": exc.ename,
                   "message": clip(exc.evalue, MAX_MESSAGE_CHARS)}  # fmt: skip
        return failing, None, clean_traceback(exc.traceback)
    except Exception as exc:  # noqa: BLE001 - a kernel that died or could not start: still a recorded failed run
        import traceback

        return None, clip(f"{type(exc).__name__}: {exc}", MAX_MESSAGE_CHARS), clean_traceback(traceback.format_exc())
    return None, None, ""


def run_notebook(
    run: NotebookRun, *, explain: Callable[[NotebookResult], Failure | None] | None = None
) -> NotebookResult:
    """Run ``run.notebook`` (see the module docstring) and seal its output; never raises for a failed cell.

    Args:
        run: what to run and how.
        explain: turns a failed result into the Portuguese failure box at the top of the
            output notebook (called after the kernel is gone; ``None`` keeps no box).

    Raises:
        ConfigurationError: a parameter the notebook does not declare (nothing is run).
    """
    check_parameters(run.notebook, run.parameters)
    run.output.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    log_file = run.log_file
    with open(log_file, "ab") as kernel_log:
        failing, crash, tb = _execute(run, None if run.verbose else kernel_log)
    result = NotebookResult(run.output, started, time.time(), failing, crash, tb)
    if not result.ok:
        result.failure = explain(result) if explain else None
        _append_log(log_file, f"{result.error_line}\n\n{tb}\n")
    if run.output.exists():
        how = run_record("papermill", run.command, started, result.finished_at, result.ok,
                         kernel=run.kernel_name, notebook=str(run.notebook))  # fmt: skip
        seal(run.output, how=how, failure=result.failure)
    _scrub_log(log_file)
    return result


def _append_log(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def _scrub_log(path: Path) -> None:
    """Scrub the log file; an empty one (nothing went wrong, the kernel was quiet) is removed."""
    from kit.scrub import scrub
    from kit.store import atomic_write_bytes

    if not path.exists():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        path.unlink()
        return
    clean = scrub(text)
    if clean != text:
        atomic_write_bytes(path, clean.encode("utf-8"))
