"""The channel list of the "Configuração de integração" screen: one row per channel.

Each row says, in pt-BR, the channel's type, company, environment, whether it
is switched on, its last go-live verdict and its last run.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from kit.channels import ChannelRegistry
from kit.channeltypes import get_type
from kit.errors import ConfigurationError, KitError
from kit.forms_fields import CATEGORY_LABELS, ENVIRONMENT_LABELS, JOB_LABELS

__all__ = ["LIST_COLUMNS", "channel_rows"]

# Columns of the channel list, with their pt-BR headers.
LIST_COLUMNS = {
    "name": "Canal",
    "category": "Categoria",
    "type": "Tipo",
    "company": "Empresa (CNPJ)",
    "environment": "Ambiente",
    "enabled": "Ligado",
    "golive": "Último go-live",
    "last_run": "Última execução",
}


def _when(ts: Any) -> str:
    if ts in (None, ""):
        return ""
    if isinstance(ts, (int, float)):
        return _dt.datetime.fromtimestamp(ts, _dt.UTC).strftime("%d/%m/%Y %H:%M UTC")
    return str(ts)


def _run_order(row: dict[str, Any]) -> str:
    ts = row.get("finished_at") or row.get("started_at") or ""
    # Timestamps may be epoch numbers or ISO strings; both sort as zero-padded text.
    return f"{ts:020.6f}" if isinstance(ts, (int, float)) else str(ts)


def _last_runs(ws: Any) -> dict[str, dict[str, Any]]:
    """The latest run of each channel, from the workspace ``runs`` table."""
    last: dict[str, dict[str, Any]] = {}
    with ws.table("runs") as table:
        rows = [dict(r) for r in table.all()]
    for row in rows:
        name = row.get("channel")
        if name and (name not in last or _run_order(row) >= _run_order(last[name])):
            last[name] = row
    return last


def channel_rows(ws: Any) -> list[dict[str, str]]:
    """One row per channel for the list: see :data:`LIST_COLUMNS`. Values are pt-BR strings."""
    try:
        from kit.golive import latest_result
    except ImportError:
        latest_result = None
    runs = _last_runs(ws)
    rows = []
    for ch in ChannelRegistry(ws).list():
        verdict = ""
        if latest_result is not None:
            try:
                result = latest_result(ws, ch.name)
            except KitError:
                result = None
            if result:
                verdict = f"{result.get('verdict', '')} {_when(result.get('finished_at'))}".strip()
        run = runs.get(ch.name)
        last_run = ""
        if run:
            last_run = f"{JOB_LABELS.get(run.get('job'), run.get('job', ''))}: {run.get('status', '')} "
            last_run += _when(run.get("finished_at") or run.get("started_at"))
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
                "golive": verdict or "—",
                "last_run": last_run.strip() or "—",
            }
        )
    return rows
