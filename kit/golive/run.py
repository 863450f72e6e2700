"""One go-live check from start to finish: what the notebook and the CLI call.

:func:`run_golive` reads the inputs, runs every registered check, decides the
verdict, writes ``golive.xlsx``, ``golive_achados.csv`` and ``summary.json`` into the output
directory and, for a configured channel, records the result in the workspace
(the gate reads it). An input error is written into ``summary.json`` before it
is raised, so ``kit check golive`` can print it as one line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kit.errors import KitError
from kit.golive.context import (
    CapacityAssumptions,
    GoliveContext,
    Tolerances,
    channel_type_of,
    load_store_listings,
    read_products,
)
from kit.golive.findings import SEVERITIES, sort_findings
from kit.golive.gate import checked_config
from kit.golive.registry import run_checks
from kit.golive.results import (
    confirmations,
    current_user,
    now_iso,
    read_answers_file,
    record_confirmation,
    record_result,
    verdict_of,
)

__all__ = [
    "GoliveRun",
    "run_golive",
    "counts_table",
    "default_reports_root",
    "new_output_dir",
    "load_value_lists",
    "write_summary",
    "SUMMARY_FILE",
    "XLSX_FILE",
    "NOTEBOOK_FILE",
    "HTML_FILE",
    "XLSX_MAX_ROWS",
    "XLSX_FINDINGS_ROWS",
    "FINDINGS_CSV_FILE",
    "write_findings_xlsx",
]

SUMMARY_FILE, XLSX_FILE, NOTEBOOK_FILE, HTML_FILE = "summary.json", "golive.xlsx", "golive.ipynb", "golive.html"
FINDINGS_CSV_FILE = "golive_achados.csv"
XLSX_MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows
# The findings in the XLSX, worst first (and as many price drops and zero-stock listings); every finding is
# in the CSV. An XLSX cell costs ~10 µs to write, a CSV cell under 1 µs: at 80,000 findings the report files
# take under a second (bench/bench_golive.py), where the XLSX of all of them took 8-9 s.
XLSX_FINDINGS_ROWS = 5_000


@dataclass(slots=True)
class GoliveRun:
    """The outcome of :func:`run_golive`."""

    ctx: GoliveContext
    findings: pd.DataFrame
    verdict: str
    started_at: str
    finished_at: str
    output_dir: Path
    parameters: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    result_id: int | None = None

    @property
    def counts(self) -> pd.DataFrame:
        return counts_table(self.findings)

    @property
    def xlsx_path(self) -> Path:
        return self.output_dir / XLSX_FILE

    @property
    def summary_path(self) -> Path:
        return self.output_dir / SUMMARY_FILE


def counts_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings per check (rows) and severity (columns), every severity present."""
    table = pd.crosstab(findings["check"], findings["severity"]) if len(findings) else pd.DataFrame()
    for sev in SEVERITIES:
        if sev not in table.columns:
            table[sev] = 0
    table = table[list(SEVERITIES)].astype("int64")
    table.index.name = "check"
    table.columns.name = None
    return table


def default_reports_root() -> Path:
    """``$KIT_REPORTS``, else ``reports/`` of the source checkout, else ``./reports``."""
    if os.environ.get("KIT_REPORTS"):
        return Path(os.environ["KIT_REPORTS"])
    repo = Path(__file__).resolve().parents[2]
    if (repo / "reports").is_dir() and (repo / "pyproject.toml").exists():
        return repo / "reports"
    return Path("reports")


def new_output_dir(label: str, root: str | os.PathLike[str] | None = None) -> Path:
    """``<root>/<label>/<UTC timestamp>/``, created."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out = Path(root) if root else default_reports_root()
    path = out / label / stamp
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_value_lists(values_dir: str | os.PathLike[str], kinds: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Channel value lists ``<values_dir>/<kind>.csv`` (or .xlsx) read with the kit's reader."""
    out: dict[str, pd.DataFrame] = {}
    base = Path(values_dir)
    for kind in kinds:
        path = next((base / f"{kind}{ext}" for ext in (".csv", ".xlsx") if (base / f"{kind}{ext}").exists()), None)
        if path is None:
            continue
        from kit.depara import load_values

        df = load_values(path, kind)
        out[kind] = df
    return out


def write_summary(path: str | os.PathLike[str], data: dict[str, Any]) -> None:
    """Write ``summary.json`` (UTF-8, indented)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def run_golive(
    *,
    channel: str | None = None,
    channel_type: str | None = None,
    erp_file: str | os.PathLike[str] | None = None,
    store_file: str | os.PathLike[str] | None = None,
    values_dir: str | os.PathLike[str] | None = None,
    mappings_channel: str | None = None,
    company: str | None = None,
    environment: str = "production",
    price_tolerance_pct: float = 1.0,
    stock_tolerance: float = 0.0,
    peak_multiplier: float = 10.0,
    price_guard_pct: float = 30.0,
    capacity: CapacityAssumptions | None = None,
    answers_file: str | os.PathLike[str] | None = None,
    answers: dict[str, dict[str, Any]] | None = None,
    workspace: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    by: str | None = None,
    record: bool = True,
    connector: Any = None,
    write_xlsx: bool = True,
) -> GoliveRun:
    """Run the go-live check for a channel (or offline, for a channel type and files).

    Args:
        channel: a configured channel's name; ``None``/empty for offline mode.
        channel_type: the channel type in offline mode.
        erp_file: the ERP products export (required).
        store_file: the store export; ``None`` reads live listings from the connector.
        values_dir: a directory with the channel's value lists (``<kind>.csv``).
        mappings_channel: whose de-para tables to check (default: ``channel``).
        company: company CNPJ in offline mode (a channel brings its own).
        environment: the environment being switched on.
        price_tolerance_pct, stock_tolerance, peak_multiplier, price_guard_pct: see
            :class:`~kit.golive.context.Tolerances`.
        capacity: change-rate assumptions for the capacity planner.
        answers_file: checklist answers (JSON) to record and use.
        answers: checklist answers given directly (``item -> {"by", "at"}``).
        workspace: workspace directory (default ``$KIT_WORKSPACE``).
        output_dir: where to write the XLSX and ``summary.json`` (default
            ``reports/<channel>/<timestamp>/``).
        by: who runs the check (default ``$USER``).
        record: store the result in the workspace (configured channels only).
        connector: a ready connector (tests, notebooks); built from the channel otherwise.
        write_xlsx: write the report files (the XLSX, and the CSV of all findings).

    Raises:
        KitError: for input, configuration and channel errors (also written to
            ``summary.json`` with ``ok: false``).
    """
    from kit.store import Workspace

    started = now_iso()
    t0 = time.perf_counter()
    channel = channel or None
    label = channel or f"offline-{channel_type or 'sem-tipo'}"
    out = Path(output_dir) if output_dir else new_output_dir(label)
    out.mkdir(parents=True, exist_ok=True)
    parameters = {
        "channel": channel or "",
        "channel_type": channel_type or "",
        "erp_file": str(erp_file or ""),
        "store_file": str(store_file or ""),
        "values_dir": str(values_dir or ""),
        "mappings_channel": mappings_channel or "",
        "environment": environment,
        "price_tolerance_pct": price_tolerance_pct,
        "stock_tolerance": stock_tolerance,
        "peak_multiplier": peak_multiplier,
        "price_guard_pct": price_guard_pct,
    }
    capacity = capacity or CapacityAssumptions()
    parameters["change_rates_per_hour"] = dict(capacity.change_rates)
    parameters["orders_per_hour"] = capacity.orders_per_hour
    try:
        ws = ch = None
        if channel:  # offline mode touches no workspace
            from kit.channels import ChannelRegistry

            ws = Workspace(workspace) if workspace else Workspace()
            ch = ChannelRegistry(ws).get(channel)
        ctype = channel_type_of(ch, channel_type)
        parameters["channel_type"] = ctype.name
        if not erp_file:
            from kit.errors import ConfigurationError

            raise ConfigurationError("no ERP export given", hint="give the ERP products file (--erp FILE)")
        erp = read_products(erp_file)
        if store_file:
            store = read_products(store_file)
        elif ch is not None:
            if connector is None:  # one connector for the listings and the live checks
                from kit.golive.context import connector_for_channel

                connector = connector_for_channel(ch)
            store = load_store_listings(ch, connector)
        else:
            from kit.errors import ConfigurationError

            raise ConfigurationError(
                "offline mode needs the store export", hint="give store_file (--store FILE) or configure a channel"
            )
        got = dict(answers or {})
        if channel:
            got = {**confirmations(ws, channel), **got}
        if answers_file:
            for entry in read_answers_file(answers_file):
                if channel and record:
                    row = record_confirmation(ws, channel, entry["item"], entry.get("by"), entry.get("note", ""))
                else:
                    row = {"item": entry["item"], "by": entry["by"], "at": entry.get("at") or now_iso()}
                got[entry["item"]] = dict(row, confirmed=True)
        value_lists = load_value_lists(values_dir, ctype.depara_kinds) if values_dir else None
        assortment = _assortment(erp, ch, parameters)
        ctx = GoliveContext(
            erp=erp,
            store=store,
            channel_type=ctype,
            channel=ch,
            environment=environment,
            company=company or None,
            tolerances=Tolerances(price_tolerance_pct, stock_tolerance, price_guard_pct, peak_multiplier),
            capacity=capacity,
            answers=got,
            mappings_channel=mappings_channel or None,
            value_lists=value_lists,
            connector=connector,
            trust_reader_counts=True,  # erp (and store, from a file) straight from read_products
            assortment=assortment,
        )
        timings: dict[str, float] = {"load": time.perf_counter() - t0}
        findings = sort_findings(run_checks(ctx, timings=timings))
        verdict = verdict_of(findings)
        run = GoliveRun(ctx, findings, verdict, started, now_iso(), out, parameters, timings)
        if write_xlsx:
            write_findings_xlsx(run)
        if channel and record:
            run.result_id = record_result(
                ws,
                {
                    "channel": channel,
                    "verdict": verdict,
                    "counts": {
                        check: {k: int(v) for k, v in row.items()} for check, row in run.counts.to_dict("index").items()
                    },
                    "started_at": started,
                    "finished_at": run.finished_at,
                    "report_path": str(out / NOTEBOOK_FILE),
                    "html_path": str(out / HTML_FILE),
                    "xlsx_path": str(run.xlsx_path) if write_xlsx else "",
                    "parameters": parameters,
                    "environment": environment,
                    "by": current_user(by),
                    "channel_config": checked_config(ch),
                },
            )
        write_summary(run.summary_path, _summary(run))
        return run
    except KitError as exc:
        write_summary(
            out / SUMMARY_FILE,
            {"ok": False, "error": exc.to_dict(), "exit_code": exc.exit_code, "parameters": parameters,
             "started_at": started, "finished_at": now_iso()},
        )  # fmt: skip
        raise


def _assortment(erp: pd.DataFrame, channel: Any, parameters: dict[str, Any]) -> set[str] | None:
    """The channel's assortment (kit.assortment); ``None`` when it has none (the whole catalogue)."""
    if channel is None:
        return None
    from kit.assortment import resolve

    result = resolve(erp, channel)
    if not (result.has_rules or result.has_column):
        return None
    parameters["assortment"] = result.counts()
    return result.skus


def _summary(run: GoliveRun) -> dict[str, Any]:
    counts = run.counts
    return {
        "ok": True,
        "channel": run.parameters["channel"],
        "verdict": run.verdict,
        "blockers": int(counts["bloqueio"].sum()),
        "counts": {check: {k: int(v) for k, v in row.items()} for check, row in counts.to_dict("index").items()},
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "output_dir": str(run.output_dir),
        "xlsx_path": str(run.xlsx_path),
        "findings_csv_path": str(run.output_dir / FINDINGS_CSV_FILE),
        "result_id": run.result_id,
        "parameters": run.parameters,
    }


# What people read in the report files (pt-BR headers).
FINDING_HEADERS = {
    "check": "verificação", "severity": "gravidade", "sku": "sku", "field": "campo", "value": "valor",
    "expected": "esperado", "message": "mensagem",
}  # fmt: skip


def write_findings_xlsx(run: GoliveRun) -> Path:
    """The report files: ``golive.xlsx`` and ``golive_achados.csv`` (every finding).

    The XLSX holds the summary, the counts, the :data:`XLSX_FINDINGS_ROWS` worst
    findings (blockers first), the capacity plan and the first-sync preview; the
    CSV holds every finding. Both are streamed (:mod:`kit.sheets.xlsxwrite`) and
    store text as text: a title or SKU starting with ``=`` is never a formula.
    """
    from kit.golive.checks import capacity_plan, first_sync_preview
    from kit.sheets.xlsxwrite import write_csv, write_xlsx

    findings = run.findings.rename(columns=FINDING_HEADERS)
    preview = first_sync_preview(run.ctx)
    drops, zero = preview["price_drops"], preview["to_zero"]
    shown = min(len(findings), XLSX_FINDINGS_ROWS)
    summary = pd.DataFrame(
        {
            "item": ["canal", "veredito", "início", "fim", "achados", "achados nesta planilha (os mais graves)",
                     "todos os achados", "quedas de preço (nesta planilha)", "anúncios a estoque zero (nesta planilha)"],
            "valor": [run.ctx.label, run.verdict, run.started_at, run.finished_at, len(findings), shown,
                      FINDINGS_CSV_FILE, f"{min(len(drops), XLSX_FINDINGS_ROWS)} de {len(drops)}",
                      f"{min(len(zero), XLSX_FINDINGS_ROWS)} de {len(zero)}"],
        }
    )  # fmt: skip
    write_csv(run.output_dir / FINDINGS_CSV_FILE, findings)
    return write_xlsx(
        run.xlsx_path,
        {
            "Resumo": summary,
            "Contagens": run.counts.reset_index().rename(columns={"check": "verificação"}),
            "Achados": findings.head(XLSX_FINDINGS_ROWS),
            "Capacidade": capacity_plan(run.ctx),
            "Quedas de preço": drops.head(XLSX_FINDINGS_ROWS),
            "Estoque zero": zero.head(XLSX_FINDINGS_ROWS),
            "A criar": preview["to_create"].head(XLSX_FINDINGS_ROWS),
            "Não podem ser criados": preview["cannot_create"].head(XLSX_FINDINGS_ROWS),
        },
    )
