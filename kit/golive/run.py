"""One go-live check from start to finish: what the notebook and the CLI call.

:func:`run_golive` reads the inputs, runs every registered check, decides the
verdict, writes ``golive.xlsx``, ``golive_achados.csv`` and ``summary.json`` into the output
directory and, for a configured channel, records the result in the workspace
(the gate reads it). An input error is written into ``summary.json`` before it
is raised, so ``kit check golive`` can print it as one line.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from kit.golive.paths import (
    FINDINGS_CSV_FILE,
    HTML_FILE,
    NOTEBOOK_FILE,
    SUMMARY_FILE,
    XLSX_FILE,
    default_reports_root,
    new_output_dir,
)
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

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.connectors.base import Connector
    from kit.store import Workspace

__all__ = [
    "GoliveRun",
    "GoliveRequest",
    "run_golive",
    "run_request",
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


@dataclass(slots=True)
class GoliveRequest:
    """One go-live check as asked for (the keyword arguments of :func:`run_golive`)."""

    channel: str | None = None
    channel_type: str | None = None
    erp_file: str | os.PathLike[str] | None = None
    store_file: str | os.PathLike[str] | None = None
    values_dir: str | os.PathLike[str] | None = None
    mappings_channel: str | None = None
    company: str | None = None
    environment: str | None = None
    tolerances: Tolerances = field(default_factory=lambda: Tolerances(1.0, 0.0, 30.0, 10.0))
    capacity: CapacityAssumptions = field(default_factory=CapacityAssumptions)
    answers_file: str | os.PathLike[str] | None = None
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    workspace: str | os.PathLike[str] | None = None
    by: str | None = None
    record: bool = True
    connector: Connector | None = None
    write_xlsx: bool = True
    notebook: bool = True
    on_progress: Callable[[str], None] | None = None
    #: the ERP warehouse whose stock the channel gets (the stock job's ``warehouse`` setting); ``None``: summed
    warehouse: str | None = None

    def parameters(self) -> dict[str, Any]:
        """What ``summary.json`` and the workspace record say the check was run with (names and paths only)."""
        t = self.tolerances
        return {
            "channel": self.channel or "", "channel_type": self.channel_type or "",
            "erp_file": str(self.erp_file or ""), "store_file": str(self.store_file or ""),
            "values_dir": str(self.values_dir or ""), "mappings_channel": self.mappings_channel or "",
            "environment": self.environment or "", "price_tolerance_pct": t.price_pct, "stock_tolerance": t.stock_units,
            "peak_multiplier": t.peak_multiplier, "price_guard_pct": t.price_guard_pct,
            "change_rates_per_hour": dict(self.capacity.change_rates), "orders_per_hour": self.capacity.orders_per_hour,
        }  # fmt: skip

    def progress(self, text: str) -> None:
        if self.on_progress is not None:
            self.on_progress(text)


def run_golive(
    *,
    channel: str | None = None,
    channel_type: str | None = None,
    erp_file: str | os.PathLike[str] | None = None,
    store_file: str | os.PathLike[str] | None = None,
    values_dir: str | os.PathLike[str] | None = None,
    mappings_channel: str | None = None,
    company: str | None = None,
    environment: str | None = None,
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
    connector: Connector | None = None,
    write_xlsx: bool = True,
    notebook: bool = True,
    on_progress: Callable[[str], None] | None = None,
    warehouse: str | None = None,
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
        environment: the environment being switched on (default: the channel's own;
            offline: production).
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
        notebook: the check runs in the go-live notebook (the record points at it);
            ``False``: in process, the record points at the HTML report.
        on_progress: called with a pt-BR line as each stage starts.
        warehouse: the ERP warehouse that feeds the channel, for an export with one row per SKU and warehouse
            (the stock job's setting); ``None``: the stock of the rows is summed, as the stock job does.

    Raises:
        KitError: for input, configuration and channel errors (also written to
            ``summary.json`` with ``ok: false``).
    """
    request = GoliveRequest(
        channel or None, channel_type, erp_file, store_file, values_dir, mappings_channel, company, environment,
        Tolerances(price_tolerance_pct, stock_tolerance, price_guard_pct, peak_multiplier),
        capacity or CapacityAssumptions(), answers_file, dict(answers or {}), workspace, by, record, connector,
        write_xlsx, notebook, on_progress, warehouse,
    )  # fmt: skip
    label = request.channel or f"offline-{channel_type or 'sem-tipo'}"
    out = Path(output_dir) if output_dir else new_output_dir(label)
    out.mkdir(parents=True, exist_ok=True)
    return run_request(request, out)


def run_request(request: GoliveRequest, out: Path) -> GoliveRun:
    """:func:`run_golive` for a :class:`GoliveRequest`, writing into ``out``."""
    started = now_iso()
    t0 = time.perf_counter()
    parameters = request.parameters()
    try:
        ctx, ws = _context(request, parameters)
        timings: dict[str, float] = {"load": time.perf_counter() - t0}
        request.progress("executando as verificações")
        findings = sort_findings(run_checks(ctx, timings=timings))
        run = GoliveRun(ctx, findings, verdict_of(findings), started, now_iso(), out, parameters, timings)
        if request.write_xlsx:
            request.progress("gravando a planilha e o CSV de achados")
            write_findings_xlsx(run)
        if request.channel and request.record:
            run.result_id = record_result(ws, _result_row(request, run))
        write_summary(run.summary_path, _summary(run))
        return run
    except KitError as exc:
        write_summary(
            out / SUMMARY_FILE,
            {"ok": False, "error": exc.to_dict(), "exit_code": exc.exit_code, "parameters": parameters,
             "started_at": started, "finished_at": now_iso()},
        )  # fmt: skip
        raise


def _context(request: GoliveRequest, parameters: dict[str, Any]) -> tuple[GoliveContext, Any]:
    """The check's context from the inputs (ERP file, store file or live listings, answers, value lists),
    and the workspace (``None`` offline)."""
    from kit.errors import ConfigurationError
    from kit.golive.confirm_rules import apply_price_drop_rules
    from kit.store import Workspace

    ws = ch = None
    if request.channel:  # offline mode touches no workspace
        from kit.channels import ChannelRegistry

        ws = Workspace(request.workspace) if request.workspace else Workspace()
        ch = ChannelRegistry(ws).get(request.channel)
    ctype = channel_type_of(ch, request.channel_type)
    parameters["channel_type"] = ctype.name
    environment = request.environment or (ch.environment if ch is not None else "production")
    parameters["environment"] = environment
    if not request.erp_file:
        raise ConfigurationError("nenhuma exportação do ERP informada", hint="informe o arquivo de produtos do ERP "
                                 "(--erp ARQUIVO)")  # fmt: skip
    request.progress("lendo a exportação do ERP")
    erp = read_products(request.erp_file, warehouse=request.warehouse)
    store, connector = _store(request, ch)
    answers = _answers(request, ws)
    value_lists = load_value_lists(request.values_dir, ctype.depara_kinds) if request.values_dir else None
    ctx = GoliveContext(
        erp=erp, store=store, channel_type=ctype, channel=ch, environment=environment,
        company=request.company or None, tolerances=request.tolerances, capacity=request.capacity, answers=answers,
        mappings_channel=request.mappings_channel or None, value_lists=value_lists, connector=connector,
        trust_reader_counts=True,  # erp (and store, from a file) straight from read_products
        assortment=_assortment(erp, ch, parameters),
    )  # fmt: skip
    apply_price_drop_rules(ctx)
    return ctx, ws


def _store(request: GoliveRequest, ch: Channel | None) -> tuple[pd.DataFrame, Any]:
    """The store's listings: the export given, else read live through the channel's connector."""
    from kit.errors import ConfigurationError

    connector = request.connector
    if request.store_file:
        request.progress("lendo a exportação da loja")
        return read_products(request.store_file), connector
    if ch is None:
        raise ConfigurationError("o modo offline precisa da exportação da loja",
                                 hint="informe --store ARQUIVO ou configure um canal")  # fmt: skip
    if connector is None:  # one connector for the listings and the live checks
        from kit.golive.context import connector_for_channel

        connector = connector_for_channel(ch)
    request.progress(f"lendo os anúncios do canal {ch.name}")
    return load_store_listings(ch, connector), connector


def _answers(request: GoliveRequest, ws: Workspace) -> dict[str, dict[str, Any]]:
    """Checklist answers: the workspace's confirmations, those given, and an answers file's (recorded)."""
    got = dict(request.answers)
    channel = request.channel
    if channel:
        got = {**confirmations(ws, channel), **got}
    if request.answers_file:
        for entry in read_answers_file(request.answers_file):
            if channel and request.record:
                row = record_confirmation(ws, channel, entry["item"], entry.get("by"), entry.get("note", ""))
            else:
                row = {"item": entry["item"], "by": entry["by"], "at": entry.get("at") or now_iso()}
            got[entry["item"]] = dict(row, confirmed=True)
    return got


def _result_row(request: GoliveRequest, run: GoliveRun) -> dict[str, Any]:
    """The workspace record the gate reads."""
    out = run.output_dir
    ch = run.ctx.channel
    report = out / (NOTEBOOK_FILE if request.notebook else HTML_FILE)
    return {
        "channel": request.channel, "verdict": run.verdict,
        "counts": {check: {k: int(v) for k, v in row.items()} for check, row in run.counts.to_dict("index").items()},
        "started_at": run.started_at, "finished_at": run.finished_at, "report_path": str(report),
        "html_path": str(out / HTML_FILE), "xlsx_path": str(run.xlsx_path) if request.write_xlsx else "",
        "parameters": run.parameters, "environment": run.ctx.environment, "by": current_user(request.by),
        "channel_config": checked_config(ch),
    }  # fmt: skip


def _assortment(erp: pd.DataFrame, channel: Channel | None, parameters: dict[str, Any]) -> set[str] | None:
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
    findings (blockers first), the capacity plan and the first-sync preview, every
    sheet with pt-BR headers (numbers stay numbers for Excel); the CSV holds every
    finding. Both are streamed (:mod:`kit.sheets.xlsxwrite`) and store text as
    text: a title or SKU starting with ``=`` is never a formula.
    """
    from kit.fmt import when_pt
    from kit.golive.checks import first_sync_preview
    from kit.golive.report import capacity_sheet, check_label, counts_display, preview_tables
    from kit.sheets.xlsxwrite import write_csv, write_xlsx

    findings = run.findings.rename(columns=FINDING_HEADERS)
    preview = preview_tables(run, None)
    drops, zero = preview["price_drops"], preview["to_zero"]
    shown = min(len(findings), XLSX_FINDINGS_ROWS)
    creation = first_sync_preview(run.ctx)
    summary = pd.DataFrame(
        {
            "item": ["canal", "veredito", "início", "fim", "achados", "achados nesta planilha (os mais graves)",
                     "todos os achados (CSV)", "quedas de preço (nesta planilha)",
                     "anúncios a estoque zero (nesta planilha)"],
            "valor": [run.ctx.label, run.verdict, when_pt(run.started_at), when_pt(run.finished_at), len(findings),
                      shown, FINDINGS_CSV_FILE, f"{min(len(drops), XLSX_FINDINGS_ROWS)} de {len(drops)}",
                      f"{min(len(zero), XLSX_FINDINGS_ROWS)} de {len(zero)}"],
        }
    )  # fmt: skip
    write_csv(run.output_dir / FINDINGS_CSV_FILE, findings)
    worst = findings.head(XLSX_FINDINGS_ROWS).copy()
    worst["verificação"] = worst["verificação"].map(check_label)
    return write_xlsx(
        run.xlsx_path,
        {
            "Resumo": summary,
            "Contagens": counts_display(run),
            "Achados": worst,
            "Capacidade": capacity_sheet(run),
            "Quedas de preço": drops.head(XLSX_FINDINGS_ROWS),
            "Estoque zero": zero.head(XLSX_FINDINGS_ROWS),
            "A criar": creation["to_create"].head(XLSX_FINDINGS_ROWS).rename(columns={"sku": "SKU"}),
            "Não podem ser criados": creation["cannot_create"]
            .head(XLSX_FINDINGS_ROWS)
            .rename(columns={"sku": "SKU", "reason": "motivo"}),
        },
    )
