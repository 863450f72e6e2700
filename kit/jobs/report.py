"""The HTML report of a sync job run, written beside its JSON summary (and notebook).

Built from the run's summary (the dict of :meth:`kit.jobs.model.JobSummary.to_dict`
plus what the runner adds), so a run through papermill and an in-process run
give the same page. Top to bottom:

* the Portuguese failure box when the run failed (what failed, naming the
  address tried; what to do), never a traceback;
* the situation, when it ran (``dd/mm/aaaa hh:mm`` in the company's time zone),
  how long, how it was run;
* the counts as a table and a chart;
* the notes the job wrote;
* every item that was not simply applied (held, failed, quarantined,
  skipped) with its full reason, searchable; all of them, however many;
* the technical text (error line, failing cell, traceback), collapsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.fmt import count_pt, duration_pt, when_pt
from kit.jobs.model import COUNT_KEYS, ITEM_STATUS_LABELS, JOB_LABELS, STATUS_LABELS
from kit.reports.charts import Bar, Segment, bar_chart
from kit.reports.failure import Failure, explain
from kit.reports.html import Column, box, bullet_list, code_text, details, esc, info_table, page, table

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = [
    "job_title",
    "job_failure",
    "channel_address",
    "job_report_body",
    "write_job_report",
    "STATUS_COLORS",
    "RUNNERS_PT",
]

STATUS_COLORS = {"applied": "#1a7f37", "failed": "#b42318", "skipped": "#98a2b3", "quarantined": "#dc6803",
                 "held": "#6941c6"}  # fmt: skip
RUNNERS_PT = {"papermill": "notebook (papermill)", "in-process": "no próprio processo, sem notebook"}
FAILED_HEADLINE = "A SINCRONIZAÇÃO FALHOU"


def job_title(summary: dict[str, Any]) -> str:
    """``Sincronização de estoque — canal loja-vtex``."""
    job = JOB_LABELS.get(summary.get("job", ""), summary.get("job", ""))
    return f"Sincronização de {job} — canal {summary.get('channel', '')}"


def channel_address(channel: Channel) -> str | None:
    """The API address the channel's connector calls (named when the channel did not answer)."""
    from kit.connectors.baseurl import resolve_base_url
    from kit.errors import KitError

    try:
        return resolve_base_url(channel)
    except KitError:
        return getattr(channel, "base_url", None)


def job_failure(
    summary: dict[str, Any], *, address: str | None = None, type_name: str = "", traceback: str = ""
) -> Failure | None:
    """What the top of a failed run's report says; ``None`` for a run that went well.

    A run that stopped on an error is explained from the error's class and fields
    (the address tried when the channel did not answer); a run whose items failed
    says how many and where the reasons are.
    """
    if summary.get("status") == "ok":
        return None
    channel = str(summary.get("channel", ""))
    error = summary.get("error_info") or summary.get("error")
    if isinstance(error, dict) or (error and not summary.get("counts", {}).get("failed")):
        if not isinstance(error, dict):
            error = {"error": "", "message": str(error)}
        return explain(error, headline=FAILED_HEADLINE, address=address, channel=channel, type_name=type_name,
                       traceback=traceback)  # fmt: skip
    failed = int((summary.get("counts") or {}).get("failed", 0))
    if failed:
        return Failure(
            FAILED_HEADLINE,
            f"{count_pt(failed)} {'item falhou' if failed == 1 else 'itens falharam'}: o motivo de cada um está na "
            "tabela de itens abaixo.",
            "Corrija o que o motivo indica (no ERP ou no canal); os itens com falha são enviados de novo na próxima "
            "execução.",
            traceback,
        )
    from kit.reports.failure import unexpected

    return unexpected(FAILED_HEADLINE, traceback or str(summary.get("error") or ""))


def _counts(summary: dict[str, Any]) -> str:
    counts = summary.get("counts") or {}
    rows = [{"situação": STATUS_LABELS[k], "itens": count_pt(int(counts.get(k, 0)))} for k in COUNT_KEYS]
    bars = [Bar(STATUS_LABELS[k], [Segment(float(counts.get(k, 0)), STATUS_COLORS[k])]) for k in COUNT_KEYS]
    chart = bar_chart(bars, title="Itens por situação", axis_label="itens") if any(b.total for b in bars) else ""
    return table(rows, [Column("situação", "situação"), Column("itens", "itens", numeric=True)]) + chart


def _run_info(summary: dict[str, Any]) -> str:
    forced = summary.get("forced") or {}
    mode = "simulação: nada foi enviado" if summary.get("dry_run") else ("completa (--full)" if summary.get("full")
                                                                         else "só o que mudou")  # fmt: skip
    return info_table(
        [
            ("início", when_pt(summary.get("started_at"))),
            ("fim", when_pt(summary.get("finished_at"))),
            ("duração", duration_pt(summary.get("duration_s"))),
            ("modo", mode),
            ("executado", RUNNERS_PT.get(summary.get("runner", ""), summary.get("runner", ""))),
            ("forçado por", f"{forced.get('by')}: {forced.get('reason')}" if forced else ""),
        ]
    )


def _items(details_rows: Iterable[dict[str, Any]]) -> str:
    rows = [{"item": d.get("key", ""), "situação": ITEM_STATUS_LABELS.get(d.get("status", ""), d.get("status", "")),
             "motivo": d.get("reason", "")} for d in details_rows]  # fmt: skip
    if not rows:
        return "<p>Nenhum item retido, com falha, ignorado ou em quarentena.</p>"
    columns = [Column("item", "item (SKU ou pedido)"), Column("situação", "situação"), Column("motivo", "motivo")]
    return table(rows, columns, table_id="itens", search_label="procurar SKU, pedido ou motivo", total_label="itens")


def job_report_body(summary: dict[str, Any], *, failure: Failure | None = None, technical: str = "") -> str:
    """The report's content (without the page around it): what the notebook shows and the HTML file holds."""
    ok = summary.get("status") == "ok"
    head = f"<h1>{esc(job_title(summary))}</h1>"
    if failure is not None:
        head += failure.html()
    else:
        state = "OK" if ok else "FALHOU"
        counts = summary.get("counts") or {}
        line = ", ".join(f"{count_pt(int(counts.get(k, 0)))} {STATUS_LABELS[k]}" for k in COUNT_KEYS)
        head += box(state, [esc(line)], kind="ok" if ok else "erro", css_class="kit-situacao",
                    data=f'data-status="{esc(summary.get("status", ""))}"')  # fmt: skip
    parts = [head, _run_info(summary), "<h2>Contagens</h2>", _counts(summary)]
    notes = [n for n in summary.get("notes") or [] if n]
    if notes:
        parts += ["<h2>Observações</h2>", bullet_list(code_text(n) for n in notes)]
    parts += ["<h2>Itens não aplicados</h2>", _items(summary.get("details") or [])]
    tech = "\n".join(x for x in (summary.get("error") or "", technical) if x)
    if tech and failure is None:
        parts.append(details(tech))
    return "".join(parts)


def write_job_report(
    path: str | Path, summary: dict[str, Any], *, failure: Failure | None = None, technical: str = ""
) -> Path:
    """Write the whole HTML page (scrubbed: everything on it passed through :func:`~kit.reports.html.esc`)."""
    from kit.reports.files import write_report

    body = job_report_body(summary, failure=failure, technical=technical)
    return write_report(path, page(job_title(summary), body, searchable=True))
