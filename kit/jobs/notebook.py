"""What the job notebooks call: run the job, show its report, fail loudly.

A notebook cell is just::

    from kit.jobs.notebook import run_in_notebook
    summary = run_in_notebook("stock", channel, dry_run=dry_run, ...)

The cell's output is the run's report (:mod:`kit.jobs.report`, the same
content as the HTML file the runner writes beside the notebook): no progress
bar is saved into a notebook the kit runs (``summary_path`` given), no raw
table index, no dict. On a failed run this raises :class:`JobFailed` *after*
saving the summary and showing the report, so papermill marks the run failed;
the runner then opens the output notebook with the Portuguese failure box and
folds the traceback away.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from kit.jobs.model import JobSummary

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = ["run_in_notebook", "JobFailed", "setup_logging", "show"]


class JobFailed(Exception):
    """The job ran but did not succeed (items failed, or it stopped on an error)."""


def setup_logging() -> None:
    """One log line per batch on the notebook's stdout, scrubbed of secrets (the runner copies it to cron logs)."""
    from kit.scrub import install_log_filter

    root = logging.getLogger("kit")
    if not any(getattr(h, "_kit_notebook", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        handler._kit_notebook = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("filelock").setLevel(logging.WARNING)
    install_log_filter()


def run_in_notebook(
    job: str,
    channel: str,
    *,
    dry_run: bool = False,
    full: bool = False,
    since: str | None = None,
    max_items: int | None = None,
    workspace: str | None = None,
    summary_path: str | None = None,
    params: dict[str, Any] | None = None,
    display: bool = True,
) -> JobSummary | None:
    """Run ``job`` (see :func:`kit.jobs.run_job`) and show its report.

    Progress bars are shown only when a person runs the notebook by hand
    (``summary_path`` empty): a bar saved into a run's output stays frozen there.
    """
    from kit.jobs import run_job
    from kit.store import Workspace

    if not channel:
        print("Nenhum canal informado: defina o parâmetro 'channel' (ou use 'kit sync JOB --channel NOME').")
        return None
    setup_logging()
    ws = Workspace(workspace) if workspace else Workspace()
    summary = run_job(
        job,
        channel,
        dry_run=bool(dry_run),
        full=bool(full),
        since=since,
        max_items=max_items,
        ws=ws,
        progress=not summary_path,
        params={k: v for k, v in (params or {}).items() if v is not None},
    )
    if summary_path:
        summary.save(summary_path)
    if display:
        show(summary, ws=ws, runner="papermill" if summary_path else "")
    if not summary.ok:
        raise JobFailed(summary.error or f"{summary.failed} itens com falha (veja a tabela de itens acima)")
    return summary


def show(summary: JobSummary, *, ws: Workspace | None = None, runner: str = "") -> None:
    """Display the run's report (HTML) in the notebook; plain text where there is no notebook display."""
    from kit.jobs.report import job_failure, job_report_body

    data = dict(summary.to_dict(), runner=runner)
    failure = None
    if not summary.ok:
        failure = job_failure(data, address=_address(ws, summary.channel), type_name=_type(ws, summary.channel))
    try:
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython is installed with the kit
        from kit.scrub import scrub

        print(scrub(summary.render_pt()))
        return
    from kit.reports.html import STYLE

    display(HTML(f'<style>{STYLE}</style><div class="kit-report">{job_report_body(data, failure=failure)}</div>'))


def _channel(ws: Workspace | None, name: str) -> Channel | None:
    from kit.channels import ChannelRegistry
    from kit.errors import KitError

    if ws is None:
        return None
    try:
        return ChannelRegistry(ws).get(name)
    except KitError:
        return None


def _address(ws: Workspace | None, name: str) -> str | None:
    from kit.jobs.report import channel_address

    ch = _channel(ws, name)
    return channel_address(ch) if ch is not None else None


def _type(ws: Workspace | None, name: str) -> str:
    ch = _channel(ws, name)
    return ch.type if ch is not None else ""
