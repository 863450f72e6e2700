"""Run history for the dashboard (``notebooks/painel.ipynb``): tables, charts, retry.

Every function takes the workspace and returns a DataFrame (pt-BR column names
where a person reads them) or a figure, so the notebook stays thin.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = [
    "runs_frame",
    "last_runs",
    "failures",
    "quarantine_frame",
    "price_holds_frame",
    "plot_history",
    "retry_failed",
    "RetryPanel",
    "open_workspace",
]

_RUN_COLUMNS = ["channel", "job", "started_at", "finished_at", "duration_s", "status", "exit_code", "applied",
                "failed", "skipped", "quarantined", "held", "dry_run", "report_path"]  # fmt: skip
_PT = {
    "channel": "canal",
    "job": "job",
    "started_at": "início",
    "finished_at": "fim",
    "duration_s": "duração (s)",
    "status": "situação",
    "exit_code": "código de saída",
    "applied": "aplicados",
    "failed": "falhas",
    "skipped": "ignorados",
    "quarantined": "quarentena",
    "held": "retidos",
    "dry_run": "simulação",
    "report_path": "relatório",
    "lag_min": "atraso (min)",
    "late": "atrasado",
    "interval_min": "intervalo (min)",
    "last_ok": "último sucesso",
}


def open_workspace(path: str | None = None) -> Any:
    from kit.store import Workspace

    return Workspace(path) if path else Workspace()


def runs_frame(ws: Any, since: float | None = None):
    """Every recorded run (kept by the retention; ``since``: started from then on), oldest first (English names)."""
    return _frame(ws.runs.rows(since=since))


def _frame(rows: list[dict[str, Any]]):
    """Run records as the dashboard's frame."""
    import pandas as pd

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
            frame[col] = when.dt.tz_convert("America/Sao_Paulo")
        frame = frame.sort_values("started_at", kind="stable").reset_index(drop=True)
    return frame


def pt(frame: Any):
    """The same frame with pt-BR column names."""
    return frame.rename(columns=_PT)


def last_runs(ws: Any, now: float | None = None):
    """The last run of each (channel, job), with the lag since its last successful start."""
    import pandas as pd

    from kit.channels import ChannelRegistry

    pairs = ws.runs.last()  # one row per (channel, job), kept up to date at every run: the history is not read
    last = _frame([p.last for p in pairs.values() if p.last])
    if not len(last):
        return last
    now = time.time() if now is None else now
    intervals = {(c.name, j): cfg.interval_min for c in ChannelRegistry(ws).list() for j, cfg in c.jobs.items()}
    ok = {
        key: pd.Timestamp(p.last_ok_started_at, unit="s", tz="UTC").floor("s").tz_convert("America/Sao_Paulo")
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
    cols = ["channel", "job", "started_at", "status", "exit_code", "applied", "failed", "skipped", "quarantined",
            "held", "last_ok", "lag_min", "interval_min", "late", "report_path"]  # fmt: skip
    return last[cols].sort_values(["channel", "job"]).reset_index(drop=True)


def failures(ws: Any, limit: int = 50):
    """The most recent failed or locked runs, newest first."""
    frame = runs_frame(ws)
    if not len(frame):
        return frame
    bad = frame[frame["status"] != "ok"]
    return bad.sort_values("started_at", ascending=False).head(limit).reset_index(drop=True)


def quarantine_frame(ws: Any):
    """Orders waiting in quarantine (every channel), with the reason."""
    import pandas as pd

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
    if len(frame):
        when = pd.to_datetime(frame["first_seen"], unit="s", utc=True).dt.floor("s")
        frame["first_seen"] = when.dt.tz_convert("America/Sao_Paulo")
    return frame.rename(columns={"channel": "canal", "order_id": "pedido", "version": "versão", "reason": "motivo",
                                 "attempts": "tentativas", "first_seen": "desde"})  # fmt: skip


def price_holds_frame(ws: Any):
    """Prices held by the price guard and waiting for a decision."""
    import pandas as pd

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
    return frame.rename(columns={"channel": "canal", "reference_price": "preço de referência",
                                 "new_price": "novo preço", "drop_pct": "queda (%)", "held_at": "retido em"})  # fmt: skip


def plot_history(ws: Any):
    """A figure: items applied and failed per run over time, and run durations; None without runs."""
    frame = runs_frame(ws)
    frame = frame[~frame["dry_run"]] if len(frame) else frame
    if not len(frame):
        return None
    import matplotlib

    matplotlib.use("Agg") if matplotlib.get_backend().lower() == "" else None
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    for (channel, job), grp in frame.groupby(["channel", "job"]):
        ax1.plot(grp["started_at"], grp["applied"], marker="o", label=f"{channel} · {job}")
        failed = grp[grp["failed"] > 0]
        if len(failed):
            ax1.scatter(failed["started_at"], failed["failed"], marker="x", color="red")
        ax2.plot(grp["started_at"], grp["duration_s"], marker=".", label=f"{channel} · {job}")
    ax1.set_ylabel("itens aplicados (x = falhas)")
    ax1.legend(fontsize="small", loc="upper left")
    ax2.set_ylabel("duração (s)")
    ax2.set_xlabel("início da execução")
    fig.suptitle("Execuções ao longo do tempo")
    fig.autofmt_xdate()
    return fig


def retry_failed(ws: Any, runner: Any = None) -> list[dict[str, Any]]:
    """Run again (through papermill) every (channel, job) whose last run failed."""
    if runner is None:
        from kit.jobs.runner import run_notebook_job as runner
    from kit.errors import KitError

    last = last_runs(ws)
    if not len(last):
        return []
    out = []
    for row in last[last["status"] != "ok"].to_dict("records"):
        try:
            outcome = runner(row["job"], row["channel"], ws=ws)
            out.append({"canal": row["channel"], "job": row["job"], "situação": outcome.summary.get("status"),
                        "código de saída": outcome.exit_code, "relatório": str(outcome.report_path)})  # fmt: skip
        except KitError as exc:
            out.append({"canal": row["channel"], "job": row["job"], "situação": "falhou",
                        "código de saída": exc.exit_code, "relatório": exc.message})  # fmt: skip
    return out


class RetryPanel:
    """The "repetir as que falharam" button and its output (plain ipywidgets, testable without a kernel)."""

    def __init__(self, ws: Any, runner: Any = None) -> None:
        import ipywidgets as w

        self.ws, self.runner = ws, runner
        self.button = w.Button(description="Repetir as que falharam", icon="refresh", button_style="warning")
        self.status = w.HTML()
        self.output = w.Output()
        self.results: list[dict[str, Any]] = []
        self.button.on_click(self._on_click)
        self.widget = w.VBox([self.button, self.status, self.output])

    def _on_click(self, _button: Any = None) -> None:
        import pandas as pd

        self.button.disabled = True
        self.status.value = "Executando…"
        try:
            self.results = retry_failed(self.ws, self.runner)
        finally:
            self.button.disabled = False
        if not self.results:
            self.status.value = "Nenhuma execução com falha para repetir."
            return
        ok = sum(1 for r in self.results if r["código de saída"] == 0)
        self.status.value = f"{len(self.results)} execuções repetidas: {ok} OK, {len(self.results) - ok} com falha."
        with self.output:
            from IPython.display import display

            display(pd.DataFrame(self.results))
