"""Run history for the dashboard (``notebooks/painel.ipynb``): tables, reasons, charts; retry in :mod:`kit.jobs.retry`.

Every function takes the workspace and returns a DataFrame or a figure, so the
notebook stays thin. :func:`runs_frame` and :func:`last_runs` keep English
column names and real timestamps (code reads them); :func:`pt` and
:func:`table_html` make the tables a person reads: pt-BR headers,
``dd/mm/aaaa hh:mm`` in the company's time zone (:mod:`kit.fmt`), text that
wraps instead of widening the page, the report as a file name.
"""

from __future__ import annotations

import html
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.jobs.retry import RetryPanel, RetryResult, retry_failed, run_parameters

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "runs_frame",
    "last_runs",
    "failures",
    "quarantine_frame",
    "failed_orders_frame",
    "failed_orders_note",
    "price_holds_frame",
    "plot_history",
    "retry_failed",
    "run_parameters",
    "RetryPanel",
    "RetryResult",
    "open_workspace",
    "pt",
    "table_html",
    "run_reason",
    "summary_reason",
]

_RUN_COLUMNS = ["channel", "job", "started_at", "finished_at", "duration_s", "status", "exit_code", "applied",
                "failed", "skipped", "quarantined", "held", "dry_run", "report_path"]  # fmt: skip
_PT = {
    "channel": "canal",
    "job": "job",
    "started_at": "início",
    "finished_at": "fim",
    "duration_s": "duração",
    "status": "situação",
    "exit_code": "código de saída",
    "applied": "aplicados",
    "failed": "falhas",
    "skipped": "ignorados",
    "quarantined": "quarentena",
    "held": "retidos",
    "dry_run": "simulação",
    "report_path": "relatório",
    "reason": "motivo",
    "lag_min": "atraso (min)",
    "late": "atrasado",
    "interval_min": "intervalo (min)",
    "last_ok": "último sucesso",
}
_TIME_COLUMNS = ("started_at", "finished_at", "last_ok", "first_seen", "held_at")


def open_workspace(path: str | None = None) -> Workspace:
    from kit.store import Workspace

    return Workspace(path) if path else Workspace()


def runs_frame(ws: Workspace, since: float | None = None):
    """Every recorded run (kept by the retention; ``since``: started from then on), oldest first (English names)."""
    return _frame(ws.runs.rows(since=since))


def _frame(rows: list[dict[str, Any]]):
    """Run records as the dashboard's frame."""
    import pandas as pd

    from kit.fmt import company_timezone

    recs = []
    for r in rows:
        counts = r.get("counts") or {}
        rec = {c: r.get(c) for c in _RUN_COLUMNS}
        rec.update({k: int(counts.get(k, 0) or 0) for k in ("applied", "failed", "skipped", "quarantined", "held")})
        rec["dry_run"] = bool(r.get("dry_run"))
        recs.append(rec)
    frame = pd.DataFrame(recs, columns=_RUN_COLUMNS)
    if len(frame):
        frame["duration_s"] = (frame["finished_at"].astype(float) - frame["started_at"].astype(float)).round(1)
        for col in ("started_at", "finished_at"):
            when = pd.to_datetime(frame[col].astype(float), unit="s", utc=True).dt.floor("s")
            frame[col] = when.dt.tz_convert(str(company_timezone()))
        frame = frame.sort_values("started_at", kind="stable").reset_index(drop=True)
    return frame


def pt(frame: Any):
    """The same frame for a person: pt-BR column names, short dates, situations and durations in Portuguese."""
    from kit.fmt import duration_pt, when_pt
    from kit.labels import STATUS_LABELS

    out = frame.copy()
    for col in _TIME_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(when_pt)
    if "status" in out.columns:
        out["status"] = out["status"].map(lambda s: STATUS_LABELS.get(s, s))
    if "duration_s" in out.columns:
        out["duration_s"] = out["duration_s"].map(duration_pt)
    for col in ("dry_run", "late"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: "sim" if v else "não")
    if "report_path" in out.columns:
        out["report_path"] = out["report_path"].map(lambda p: Path(str(p)).name if p else "")
    return out.rename(columns=_PT)


def table_html(frame: Any) -> Any:
    """A table that fits the screen: no index, text wraps, long reasons kept whole (an IPython ``HTML``)."""
    import pandas as pd
    from IPython.display import HTML

    frame = pd.DataFrame(frame) if not isinstance(frame, pd.DataFrame) else frame
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    style = (
        "<style>.kit-tabela{border-collapse:collapse;width:100%;table-layout:auto;font-size:12px}"
        ".kit-tabela th,.kit-tabela td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;"
        "white-space:normal;overflow-wrap:anywhere;max-width:36em}.kit-tabela th{background:#f3f3f3}</style>"
    )
    return HTML(f"{style}<table class='kit-tabela'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def last_runs(ws: Workspace, now: float | None = None, *, raw: bool = False):
    """The last run of each (channel, job), with the lag since its last successful start.

    ``raw=True`` gives the run records themselves (a list of dicts, as recorded), for the retry.
    """
    if raw:
        pairs = ws.runs.last()
        return [pairs[k].last for k in sorted(pairs) if pairs[k].last]
    import pandas as pd

    from kit.channels import ChannelRegistry
    from kit.fmt import company_timezone

    pairs = ws.runs.last()  # one row per (channel, job), kept up to date at every run: the history is not read
    last = _frame([p.last for p in pairs.values() if p.last])
    if not len(last):
        return last
    now = time.time() if now is None else now
    intervals = {(c.name, j): cfg.interval_min for c in ChannelRegistry(ws).list() for j, cfg in c.jobs.items()}
    ok = {
        key: pd.Timestamp(p.last_ok_started_at, unit="s", tz="UTC").floor("s").tz_convert(str(company_timezone()))
        for key, p in pairs.items()
        if p.last_ok_started_at is not None
    }
    last["last_ok"] = [ok.get((c, j)) for c, j in zip(last["channel"], last["job"], strict=True)]
    last["interval_min"] = [intervals.get((c, j)) for c, j in zip(last["channel"], last["job"], strict=True)]
    now_ts = pd.Timestamp(now, unit="s", tz="UTC")
    last["lag_min"] = [None if pd.isna(t) else round((now_ts - t).total_seconds() / 60, 1) for t in last["last_ok"]]
    last["late"] = [
        lag is None or (iv is not None and lag > 2 * iv)
        for lag, iv in zip(last["lag_min"], last["interval_min"], strict=True)
    ]
    last["reason"] = [run_reason(r) for r in last.to_dict("records")]
    cols = ["channel", "job", "started_at", "status", "reason", "applied", "failed", "skipped", "quarantined",
            "held", "last_ok", "lag_min", "interval_min", "late", "report_path"]  # fmt: skip
    return last[cols].sort_values(["channel", "job"]).reset_index(drop=True)


def failures(ws: Workspace, limit: int = 50):
    """The most recent failed or locked runs, newest first, each with its reason (column ``reason``)."""
    frame = runs_frame(ws)
    if not len(frame):
        return frame.assign(reason=[])
    bad = frame[frame["status"] != "ok"].sort_values("started_at", ascending=False).head(limit)
    bad = bad.assign(reason=[run_reason(r) for r in bad.to_dict("records")])
    cols = ["channel", "job", "started_at", "status", "reason", "applied", "failed", "quarantined", "held",
            "duration_s", "dry_run", "report_path"]  # fmt: skip
    return bad[cols].reset_index(drop=True)


def summary_reason(summary: dict[str, Any]) -> str:
    """Why a run did not simply succeed, whole (pt-BR where the kit forms it), from its JSON summary."""
    from collections import Counter

    from kit.lang import looks_english
    from kit.scrub import scrub

    parts = []
    error = scrub(str(summary.get("error") or "")).strip()
    if error:
        parts.append(f"parou com um erro (detalhe técnico: {error})" if looks_english(error) else f"parou: {error}")
    details = summary.get("details") or []
    reasons = Counter(str(d.get("reason") or "sem motivo") for d in details if d.get("status") == "failed")
    if reasons:
        top = "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common(3))
        more = len(reasons) - 3
        parts.append(f"itens com falha: {top}" + (f"; e mais {more} motivo(s) no relatório" if more > 0 else ""))
    if summary.get("failing_cell") and not error:
        parts.append(f"a célula {summary['failing_cell'].get('cell_index')} do notebook falhou")
    return "; ".join(parts)


def run_reason(row: dict[str, Any]) -> str:
    """The reason of a run that did not simply succeed ("" for a clean one), from the record and its summary."""
    if row.get("status") == "locked":
        return "outra execução do mesmo canal e job estava em andamento"
    if row.get("status") == "ok":
        return ""
    summary: dict[str, Any] = {}
    if row.get("report_path"):
        try:
            summary = json.loads(Path(str(row["report_path"])).with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = {}
    reason = summary_reason(summary)
    if reason:
        return reason
    failed = int(row.get("failed") or (row.get("counts") or {}).get("failed") or 0)
    return f"{failed} item(ns) com falha; motivos no relatório" if failed else "terminou com erro; veja o relatório"


def quarantine_frame(ws: Workspace):
    """Orders waiting in quarantine (every channel), with the reason (pt-BR columns, short dates)."""
    import pandas as pd

    from kit.fmt import when_pt

    cols = ["channel", "order_id", "version", "reason", "attempts", "first_seen"]
    try:
        from kit.jobs.state import _SCHEMA

        ws.states.ensure_schema("jobs", _SCHEMA)
        rows = ws.states.query(
            "SELECT channel, order_id, version, reason, attempts, first_seen FROM order_quarantine "
            "WHERE resolved_at IS NULL ORDER BY channel, first_seen"
        )
    except Exception:  # noqa: BLE001 - a dashboard shows what it can
        rows = []
    frame = pd.DataFrame(rows, columns=cols)
    frame["first_seen"] = frame["first_seen"].map(when_pt)
    return frame.rename(columns={"channel": "canal", "order_id": "pedido", "version": "versão", "reason": "motivo",
                                 "attempts": "tentativas", "first_seen": "desde"})  # fmt: skip


#: Columns of :func:`failed_orders_frame`, as a person reads them
FAILED_ORDER_HEADS = ("canal", "pedido", "motivo", "tentativas", "primeira falha", "última tentativa", "o que fazer")


def failed_orders_frame(ws: Workspace):
    """Failed orders waiting for a person (every channel): never written to the ERP until they pass or are dismissed.

    One row per pending order (no number, no lines, no price...), with the reason the orders job stored, the
    attempts, first failure and last try (short pt-BR dates) and what to do. The rows come from
    :meth:`kit.jobs.state.JobState.failed_orders`, the source of ``kit sync orders --show-held``; a dismissed
    order waits for nobody and is not listed (the run reports keep it as "descartado").
    """
    import pandas as pd

    from kit.fmt import when_pt
    from kit.jobs.state import JobState

    # No blanket except (unlike the frames above): an empty or old workspace gets the table created and reads nothing,
    # and a store that cannot be read must not be shown as "no failed order", which would hide orders stuck for good.
    rows = []
    for channel in _channels_with_failed_orders(ws):
        for r in JobState(ws, channel).failed_orders():
            ref = r["order_id"] or r["ref"]
            rows.append((channel, ref, r["reason"], r["attempts"], when_pt(r["first_seen"]), when_pt(r["last_tried"]),
                         _failed_order_action(channel, ref, bool(r["order_id"]))))  # fmt: skip
    return pd.DataFrame(rows, columns=list(FAILED_ORDER_HEADS))


def failed_orders_note(frame: Any) -> str:
    """The painel's sentence over :func:`failed_orders_frame` (pt-BR, singular or plural)."""
    n = len(frame)
    if not n:
        return "Nenhum pedido com falha."
    if n == 1:
        return "1 pedido com falha aguarda correção ou descarte:"
    return f"{n} pedidos com falha aguardam correção ou descarte:"


def _channels_with_failed_orders(ws: Workspace) -> list[str]:
    """The channels holding a pending failed order (a channel removed from the registry included: nothing hidden)."""
    from kit.jobs.state import _SCHEMA

    ws.states.ensure_schema("jobs", _SCHEMA)
    rows = ws.states.query("SELECT DISTINCT channel FROM order_failed WHERE resolved_at IS NULL ORDER BY channel")
    return [channel for (channel,) in rows]


def _failed_order_action(channel: str, ref: str, numbered: bool) -> str:
    """What a person does about one failed order (one without a number cannot be re-read: only checked and dismissed)."""
    dismiss = f'kit sync orders --channel {channel} --dismiss {ref} --reason "por quê"'
    if numbered:
        return f"corrija no canal (é relido a cada execução) ou descarte com: {dismiss}"
    return f"sem número, não pode ser relido: confira no painel do canal e descarte com: {dismiss}"


def price_holds_frame(ws: Workspace):
    """Prices held by the price guard and waiting for a decision (money as ``R$ 1.299,90``)."""
    import pandas as pd

    from kit.fmt import money_pt, percent_pt, when_pt

    cols = ["channel", "sku", "reference_price", "new_price", "drop_pct", "held_at"]
    try:
        from kit.jobs.state import _SCHEMA

        ws.states.ensure_schema("jobs", _SCHEMA)
        rows = ws.states.query(
            "SELECT channel, sku, reference_price, new_price, drop_pct, held_at FROM price_hold "
            "WHERE decision='pending' ORDER BY channel, sku"
        )
    except Exception:  # noqa: BLE001
        rows = []
    frame = pd.DataFrame(rows, columns=cols)
    for col in ("reference_price", "new_price"):
        frame[col] = frame[col].map(money_pt)
    frame["drop_pct"] = frame["drop_pct"].map(percent_pt)
    frame["held_at"] = frame["held_at"].map(when_pt)
    return frame.rename(columns={"channel": "canal", "reference_price": "preço de referência",
                                 "new_price": "novo preço", "drop_pct": "queda", "held_at": "retido em"})  # fmt: skip


def plot_history(ws: Workspace):
    """One panel per channel: items applied per run of each job (x = failures), legend outside; None without runs."""
    frame = runs_frame(ws)
    frame = frame[~frame["dry_run"]] if len(frame) else frame
    if not len(frame):
        return None
    import matplotlib

    matplotlib.use("Agg") if matplotlib.get_backend().lower() == "" else None
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from kit.fmt import company_timezone
    from kit.labels import JOB_LABELS

    channels = sorted(frame["channel"].unique())
    fig, axes = plt.subplots(len(channels), 1, figsize=(11, 2.6 * len(channels) + 0.8), sharex=True, squeeze=False)
    for ax, channel in zip(axes[:, 0], channels, strict=True):
        for job, grp in frame[frame["channel"] == channel].groupby("job"):
            name = JOB_LABELS.get(job, job)
            line = ax.plot(grp["started_at"], grp["applied"], marker="o", label=f"{name}: aplicados")[0]
            failed = grp[grp["failed"] > 0]
            if len(failed):
                ax.scatter(failed["started_at"], failed["failed"], marker="x", color=line.get_color(), s=60,
                           label=f"{name}: falhas")  # fmt: skip
        ax.set_title(f"Canal {channel}", loc="left", fontsize="medium")
        ax.set_ylabel("itens")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    bottom = axes[-1, 0]
    locator = mdates.AutoDateLocator(tz=company_timezone())
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(  # dd/mm and hh:mm as Brazilians write them; the rest of the date once, aside
        mdates.ConciseDateFormatter(
            locator,
            tz=company_timezone(),
            formats=["%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M", "%H:%M:%S"],
            offset_formats=["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M"],
        )
    )
    bottom.set_xlabel("início da execução (fuso da empresa)")
    fig.suptitle("Itens aplicados por execução (x = itens com falha)", x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 0.84, 1))
    return fig
