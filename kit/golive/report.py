"""The go-live report: what the notebook shows, and running it with papermill.

The notebook (``notebooks/golive.ipynb``) stays thin: it calls
:func:`kit.golive.run_golive` and the display helpers here. :func:`execute_report`
runs it through papermill into ``reports/<channel>/<timestamp>/golive.ipynb``
and exports ``golive.html`` without code cells. Papermill parameters never
carry a secret: the kernel resolves credentials from the channel name.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kit.golive.findings import SEVERITIES
from kit.golive.results import APTO
from kit.golive.run import HTML_FILE, NOTEBOOK_FILE, SUMMARY_FILE, GoliveRun

__all__ = [
    "SEVERITY_COLORS",
    "CHECK_LABELS",
    "counts_display",
    "sample_inputs",
    "verdict_html",
    "worst_findings",
    "plot_counts",
    "plot_divergences",
    "capacity_table",
    "preview_tables",
    "notebook_path",
    "ReportOutcome",
    "execute_report",
    "export_html",
    "show_figure",
]

SEVERITY_COLORS = {"bloqueio": "#c0392b", "aviso": "#e67e22", "info": "#2e86c1"}
# What users read for each built-in check (a check registered elsewhere shows its own name).
CHECK_LABELS = {
    "sku_coverage": "Cobertura de SKUs",
    "duplicates": "Duplicidades",
    "validity": "Validade (EAN, NCM, CNPJ, preço, estoque)",
    "required_fields": "Campos obrigatórios do canal",
    "divergences": "Divergências ERP × loja",
    "depara": "De-para",
    "credentials": "Credenciais e ambiente",
    "other_erp": "Outro ERP no canal",
    "capacity": "Capacidade dos jobs",
    "first_sync": "Primeira sincronização",
}
_SEVERITY_LABEL = {"bloqueio": "Bloqueio", "aviso": "Aviso", "info": "Info"}


def sample_inputs(channel_type: str, *, clean: bool = False) -> dict[str, str]:
    """Paths of the committed sample ERP export, store export and value lists for ``channel_type``.

    ``mappings_channel`` names the committed demo de-para tables (``mappings/demo-<type>``)
    when they exist, so the offline sample run checks de-para too.
    """
    from importlib import resources

    base = Path(str(resources.files("kit").joinpath("data/sample")))
    store_dir = base / ("store_clean" if clean else "store") / channel_type
    manifest = json.loads((store_dir / "defects.json").read_text(encoding="utf-8"))
    demo = f"demo-{channel_type}"
    from kit.depara.table import mappings_dir

    has_demo = (mappings_dir() / demo).is_dir()  # the reviewed demo de-para tables, where the checkout has them
    return {
        # A store whose defects include an ERP-side one comes with its own ERP export.
        "erp_file": str(
            store_dir / manifest["erp_file"] if manifest.get("erp_file") else base / "erp" / "products.csv"
        ),
        "store_file": str(store_dir / manifest.get("listings_file", "listings.csv")),
        "values_dir": str(store_dir),
        "manifest": str(store_dir / "defects.json"),
        "mappings_channel": demo if has_demo else "",
    }


def verdict_html(run: GoliveRun) -> str:
    """A banner with the verdict and the blocker count (pt-BR)."""
    from html import escape

    counts = run.counts
    ok = run.verdict == APTO
    color = "#1e8449" if ok else SEVERITY_COLORS["bloqueio"]
    blockers, warnings = int(counts["bloqueio"].sum()), int(counts["aviso"].sum())
    mode = "modo offline: arquivos, sem canal configurado" if run.ctx.offline else f"ambiente {run.ctx.environment}"
    return (
        f'<div style="border:3px solid {color};padding:12px 18px;border-radius:8px">'
        f'<div style="font-size:32px;font-weight:bold;color:{color}">{escape(run.verdict)}</div>'
        f"<div>Canal <b>{escape(run.ctx.label)}</b> ({escape(run.ctx.channel_type.label)}, {escape(mode)}) · "
        f"{blockers} bloqueio(s), {warnings} aviso(s) · verificado em {escape(run.finished_at)}</div></div>"
    )


def counts_display(run: GoliveRun) -> pd.DataFrame:
    """Findings per check and severity, with the checks' pt-BR names."""
    counts = run.counts.copy()
    counts.index = [CHECK_LABELS.get(c, c) for c in counts.index]
    counts.index.name = "verificação"
    return counts


def worst_findings(run: GoliveRun, n: int = 25) -> pd.DataFrame:
    """The first ``n`` findings that are not ``info`` (blockers first), with pt-BR headers."""
    df = run.findings[run.findings["severity"] != "info"].head(n)
    return df.rename(
        columns={"check": "verificação", "severity": "gravidade", "field": "campo", "value": "valor",
                 "expected": "esperado", "message": "mensagem"}
    ).reset_index(drop=True)  # fmt: skip


def plot_counts(run: GoliveRun, ax: Any = None) -> Any:
    """Stacked horizontal bars: findings per check and severity."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    counts = counts_display(run)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * max(len(counts), 3) + 1))
    left = pd.Series(0, index=counts.index)
    for sev in SEVERITIES:
        ax.barh(counts.index, counts[sev], left=left, color=SEVERITY_COLORS[sev], label=_SEVERITY_LABEL[sev])
        left = left + counts[sev]
    ax.set_xlabel("achados")
    ax.set_title("Achados por verificação")
    ax.invert_yaxis()
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def plot_divergences(run: GoliveRun, n: int = 15, ax: Any = None) -> Any:
    """The ``n`` largest price divergences (store vs ERP, %)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from kit.golive.checks import matched

    m = matched(run.ctx)
    pct = ((m["price_store"] - m["price_erp"]) / m["price_erp"].where(m["price_erp"] > 0) * 100).dropna()
    top = pct[pct.abs() > run.ctx.tolerances.price_pct]
    top = top.reindex(top.abs().sort_values(ascending=False).index).head(n)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.4 * max(len(top), 3) + 1))
    labels = m.loc[top.index, "sku"]
    ax.barh(labels, top, color=[SEVERITY_COLORS["aviso"] if v > 0 else SEVERITY_COLORS["info"] for v in top])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("preço da loja vs ERP (%)")
    ax.set_title("Maiores divergências de preço" if len(top) else "Nenhuma divergência de preço acima da tolerância")
    ax.invert_yaxis()
    return ax


def show_figure(ax_or_fig: Any, alt: str | None = None) -> None:
    """Display a matplotlib figure as an inline PNG with alt text (works with the Agg backend), then close it."""
    import base64
    import io
    from html import escape

    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    if alt is None:
        titles = [a.get_title() for a in fig.axes if a.get_title()]
        alt = titles[0] if titles else "gráfico"
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    display(HTML(f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}">'))


def capacity_table(run: GoliveRun) -> pd.DataFrame:
    """The capacity plan with pt-BR headers."""
    from kit.golive.checks import capacity_plan

    plan = capacity_plan(run.ctx)
    out = pd.DataFrame(
        {
            "job": plan["job"],
            "cenário": plan["scenario"],
            "itens/execução": plan["items_per_run"],
            "requisições": plan["requests_per_run"],
            "duração (s)": plan["run_seconds"].round(1),
            "intervalo (min)": plan["interval_min"],
            "uso do intervalo": (plan["utilisation"] * 100).round(1).astype("str") + "%",
            "cabe?": plan["fits"].map({True: "sim", False: "NÃO"}),
            "intervalo mínimo (min)": plan["min_interval_min"]
            .astype("object")
            .where(plan["min_interval_min"].notna(), ""),
            "lote mínimo": plan["min_batch_size"].astype("object").where(plan["min_batch_size"].notna(), ""),
        }
    )
    return out


def preview_tables(run: GoliveRun, n: int = 15) -> dict[str, Any]:
    """First-sync preview: counts, the largest price drops and the listings going to zero stock."""
    from kit.golive.checks import first_sync_preview

    pv = first_sync_preview(run.ctx)
    drops = (
        pv["price_drops"]
        .head(n)
        .rename(columns={"price_store": "preço na loja", "price_erp": "novo preço (ERP)", "drop_pct": "queda (%)"})
    )
    if len(drops):
        drops["queda (%)"] = drops["queda (%)"].round(1)
    zero = pv["to_zero"].head(n).rename(columns={"stock_store": "estoque na loja", "stock_erp": "estoque no ERP"})
    counts = pd.DataFrame(
        {
            "mudança": ["atualizações de estoque", "atualizações de preço", "anúncios que vão a estoque zero",
                        f"quedas de preço acima de {run.ctx.tolerances.price_guard_pct:g}%"],
            "quantidade": [pv["stock_updates"], pv["price_updates"], len(pv["to_zero"]),
                           int((pv["price_drops"]["drop_pct"] > run.ctx.tolerances.price_guard_pct).sum())],
        }
    )  # fmt: skip
    return {"counts": counts, "price_drops": drops, "to_zero": zero}


def notebook_path() -> Path:
    """``notebooks/golive.ipynb`` of the source checkout."""
    return Path(__file__).resolve().parents[2] / "notebooks" / "golive.ipynb"


@dataclass(slots=True)
class ReportOutcome:
    """What :func:`execute_report` produced."""

    output_dir: Path
    notebook: Path
    html: Path | None
    summary: dict[str, Any]
    error: str | None = None  # papermill's one-line error when the notebook failed


def execute_report(
    parameters: dict[str, Any], output_dir: str | os.PathLike[str], *, timeout: int = 1800
) -> ReportOutcome:
    """Run the go-live notebook with papermill into ``output_dir`` and export the HTML report.

    ``parameters`` must not hold secrets (the caller passes names and paths only).
    """
    import papermill as pm

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    nb_out = out / NOTEBOOK_FILE
    params = dict(parameters, output_dir=str(out))
    error = None
    try:
        pm.execute_notebook(
            str(notebook_path()),
            str(nb_out),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(out),
            execution_timeout=timeout,
        )
    except pm.PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
    summary_file = out / SUMMARY_FILE
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    html = export_html(nb_out, out / HTML_FILE) if nb_out.exists() else None
    return ReportOutcome(out, nb_out, html, summary, error)


def export_html(notebook: str | os.PathLike[str], html_path: str | os.PathLike[str]) -> Path:
    """Export ``notebook`` to HTML without code cells (nbconvert ``exclude_input``)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    path = Path(html_path)
    path.write_text(body, encoding="utf-8")
    return path
