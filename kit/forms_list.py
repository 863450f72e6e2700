"""The channel list of the "Configuração de integração" screen: one row per channel.

Each row says, in pt-BR, the channel's type, company, environment, whether it
is switched on, its last go-live (verdict, when, why) and the last run of each
job with its reason. The technical text behind a reason (often English: what
the channel answered) is kept apart in ``detail``, for a collapsed block.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.channels import ChannelRegistry
from kit.channeltypes import get_type
from kit.errors import ConfigurationError, KitError
from kit.fmt import count_pt, when_pt
from kit.forms_fields import CATEGORY_LABELS, ENVIRONMENT_LABELS, JOB_LABELS
from kit.scrub import scrub

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = ["LIST_COLUMNS", "channel_rows", "run_reason", "golive_line"]

# Columns of the channel list, with their pt-BR headers.
LIST_COLUMNS = {
    "name": "Canal",
    "category": "Categoria",
    "type": "Tipo",
    "company": "Empresa (CNPJ)",
    "environment": "Ambiente",
    "enabled": "Ligado",
    "golive": "Último go-live",
    "last_run": "Últimas execuções",
}
_STATUS = {"ok": "OK", "failed": "falhou", "locked": "não rodou"}
_COUNTS = (("failed", "com falha"), ("held", "retido(s)"), ("quarantined", "em quarentena"))
# pt-BR for the kind of fault behind a channel error (kit.connectors.responses: whose fault it is).
_FAULTS = {
    "transient": "o canal não respondeu a tempo ou limitou as requisições",
    "configuration": "o canal recusou as credenciais ou falta uma permissão",
    "channel": "o canal recusou a requisição",
}


def _last_runs(ws: Workspace) -> dict[str, dict[str, dict[str, Any]]]:
    """The latest run of each (channel, job), from the workspace ``runs`` table: ``{channel: {job: row}}``."""
    last: dict[str, dict[str, dict[str, Any]]] = {}
    for (name, job), pair in ws.runs.last().items():  # one row per (channel, job): the history is not read
        if name and job and pair.last:
            last.setdefault(name, {})[job] = dict(pair.last)
    return last


def _run_summary(row: dict[str, Any]) -> dict[str, Any]:
    """The JSON summary the runner wrote beside the run's report (``{}`` when absent)."""
    report = row.get("report_path")
    if not report:
        return {}
    try:
        return json.loads(Path(report).with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _fault_of(error: str) -> str | None:
    """The fault (transient / configuration / channel) of a connector error message, from the response table."""
    from kit.connectors.responses import DEFAULT_RULES

    for rule in DEFAULT_RULES:
        if error.startswith(rule.message):
            return rule.fault
    return None


def run_reason(row: dict[str, Any]) -> tuple[str, str]:
    """(pt-BR reason, technical detail) of a run that did not simply succeed; ``("", "")`` for a clean run."""
    if row.get("status") == "locked":
        return "outra execução estava em andamento", ""
    summary = _run_summary(row)
    counts = {**(summary.get("counts") or {}), **(row.get("counts") or {})}
    parts = [f"{int(counts[k])} {label}" for k, label in _COUNTS if int(counts.get(k) or 0)]
    error = scrub(str(summary.get("error") or ""))
    if error:
        fault = _fault_of(error)
        parts.insert(0, f"parou: {_FAULTS[fault]}" if fault else "parou com um erro")
    elif row.get("status") == "failed" and not parts:
        parts.append("parou com um erro")
    return ", ".join(parts), error


def golive_line(ws: Workspace, channel: Channel) -> tuple[str, str, str]:
    """(pt-BR line, report path, technical detail) of ``channel``'s last go-live attempt."""
    from kit.connectors.baseurl import resolve_base_url
    from kit.forms_golive import NOT_CHECKED, last_golive
    from kit.forms_messages import explain_error

    try:
        last = last_golive(ws, channel.name)
    except KitError:
        last = None
    if not last:
        return "—", "", ""
    parts = [str(last.get("verdict", "")), when_pt(last.get("finished_at"))]
    if last.get("verdict") == NOT_CHECKED:
        try:
            address: str | None = resolve_base_url(channel)
        except KitError:
            address = channel.base_url
        why = explain_error(last.get("error") or {}, address=address, channel=channel.name, type_name=channel.type)
        parts.append(why.message)
        # The report of a run that broke is technical: named in the collapsed detail, not linked in the list.
        report = f"\nrelatório técnico: {last['html_path']}" if last.get("html_path") else ""
        return " · ".join(p for p in parts if p), "", why.detail + report
    blockers = sum(int(c.get("bloqueio", 0)) for c in (last.get("counts") or {}).values())
    parts.append(f"{count_pt(blockers)} bloqueio(s)")
    return " · ".join(p for p in parts if p), str(last.get("html_path") or ""), ""


def _runs_text(runs: dict[str, dict[str, Any]]) -> tuple[str, str]:
    lines, details = [], []
    for job in sorted(runs, key=lambda j: list(JOB_LABELS).index(j) if j in JOB_LABELS else len(JOB_LABELS)):
        run = runs[job]
        label = JOB_LABELS.get(job, job)
        status = _STATUS.get(str(run.get("status")), str(run.get("status", "")))
        reason, detail = run_reason(run)
        line = f"{label}: {status} · {when_pt(run.get('finished_at') or run.get('started_at'))}"
        if run.get("dry_run"):
            line += " (simulação)"
        lines.append(f"{line} · {reason}" if reason else line)
        if detail:
            details.append(f"{label}: {detail}")
    return "\n".join(lines), "\n".join(details)


def channel_rows(ws: Workspace) -> list[dict[str, str]]:
    """One row per channel for the list: see :data:`LIST_COLUMNS`. Values are pt-BR strings.

    Besides the columns, ``golive_report`` holds the last go-live's HTML report
    (or ""), ``golive_detail`` and ``runs_detail`` the technical text behind the
    reasons (or "").
    """
    runs = _last_runs(ws)
    rows = []
    for ch in ChannelRegistry(ws).list():
        golive, report, golive_detail = golive_line(ws, ch)
        last_run, runs_detail = _runs_text(runs.get(ch.name, {}))
        try:
            label = get_type(ch.type).label
        except ConfigurationError:
            label = ch.type
        rows.append(
            {
                "name": ch.name,
                "category": CATEGORY_LABELS.get(ch.category, ch.category),
                "type": label,
                "company": ch.company,
                "environment": ENVIRONMENT_LABELS.get(ch.environment, ch.environment),
                "enabled": "sim" if ch.enabled else "não",
                "golive": golive,
                "last_run": last_run or "—",
                "golive_report": report,
                "golive_detail": golive_detail,
                "runs_detail": runs_detail,
            }
        )
    return rows
