"""What the job notebooks call: run the job, show a pt-BR summary, fail loudly.

A notebook cell is just::

    from kit.jobs.notebook import run_in_notebook
    summary = run_in_notebook("stock", channel, dry_run=dry_run, ...)

On a failed run this raises :class:`JobFailed` *after* saving the summary and
showing it, so papermill marks the run failed and the report says why at the top.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from kit.jobs.model import JobSummary

__all__ = ["run_in_notebook", "JobFailed", "setup_logging"]


class JobFailed(Exception):
    """The job ran but did not succeed (items failed, or it stopped on an error)."""


def setup_logging() -> None:
    """One log line per batch on the notebook's stdout, scrubbed of secrets."""
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
    """Run ``job`` (see :func:`kit.jobs.run_job`) with progress bars and show the result."""
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
        progress=True,
        params={k: v for k, v in (params or {}).items() if v is not None},
    )
    if summary_path:
        summary.save(summary_path)
    if display:
        show(summary)
    if not summary.ok:
        raise JobFailed(summary.error or f"{summary.failed} itens com falha (veja a tabela acima)")
    return summary


def show(summary: JobSummary) -> None:
    """Print the pt-BR summary and the table of items that were not simply applied."""
    from kit.scrub import scrub

    print(scrub(summary.render_pt()))
    if summary.details:
        try:
            from IPython.display import display

            frame = summary.details_frame()
            frame["reason"] = frame["reason"].map(scrub)
            display(frame.head(200))
            if len(frame) > 200:
                print(f"... e mais {len(frame) - 200} linhas (todas no resumo JSON ao lado do relatório).")
        except ImportError:  # pragma: no cover
            for d in summary.details[:200]:
                print(f"{d.key}\t{d.status}\t{scrub(d.reason)}")
