"""The go-live report: its sections as HTML, the page ``golive.html``, and the tables behind them.

The notebook (``notebooks/golive.ipynb``) stays thin: it calls
:func:`kit.golive.run_golive`, shows each section with :func:`show` and writes
the page with :func:`write_report_html`; an in-process run
(``kit check golive --no-notebook``) writes the same page with the same
function, so both give the same report. Top to bottom: the verdict, "O que
corrigir" (:mod:`kit.golive.fixes`), findings per check (table and chart), the
worst findings (every character of each message, no table index, searchable),
price divergences, job capacity, the first-sync preview, the files.
Everything is pt-BR with Brazilian formats (:mod:`kit.fmt`); charts are SVG
(:mod:`kit.reports.charts`).

Running the check (papermill or in process) is :mod:`kit.golive.execute`;
:func:`execute_report` and :class:`ReportOutcome` are re-exported here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from kit.fmt import count_pt, money_pt, number_pt, percent_pt, when_pt
from kit.golive.execute import ReportOutcome, execute_report
from kit.golive.findings import AVISO, BLOQUEIO, INFO, SEVERITIES
from kit.golive.paths import notebook_path
from kit.golive.results import APTO
from kit.golive.run import FINDINGS_CSV_FILE, HTML_FILE, NOTEBOOK_FILE, SUMMARY_FILE, XLSX_FILE, GoliveRun
from kit.reports.charts import Bar, Segment, bar_chart
from kit.reports.html import Column, box, bullet_list, code_text, esc, info_table, page, table

__all__ = [
    "SEVERITY_COLORS",
    "SEVERITY_LABELS",
    "CHECK_LABELS",
    "SECTIONS",
    "check_label",
    "counts_display",
    "sample_inputs",
    "verdict_html",
    "section_html",
    "report_html",
    "write_report_html",
    "show",
    "worst_findings",
    "capacity_table",
    "capacity_sheet",
    "preview_tables",
    "notebook_path",
    "ReportOutcome",
    "execute_report",
    "HTML_FILE",
    "NOTEBOOK_FILE",
    "SUMMARY_FILE",
]

SEVERITY_COLORS = {BLOQUEIO: "#c0392b", AVISO: "#e67e22", INFO: "#2e86c1"}
SEVERITY_LABELS = {BLOQUEIO: "Bloqueio", AVISO: "Aviso", INFO: "Info"}
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
    "variation_price": "Preço das variações",
}
_ENVIRONMENTS = {"sandbox": "sandbox (homologação)", "production": "produção"}
_SCENARIOS = {"agora": "hoje", "pico": "no pico"}
WORST_SHOWN = 50
PREVIEW_SHOWN = 15
FINDING_COLUMNS = [Column("severity", "gravidade"), Column("check", "verificação"), Column("sku", "SKU"),
                   Column("field", "campo"), Column("value", "valor"), Column("expected", "esperado"),
                   Column("message", "mensagem")]  # fmt: skip


def check_label(check: str) -> str:
    """The pt-BR name of a check (its own name for a check registered elsewhere)."""
    return CHECK_LABELS.get(check, check)


def sample_inputs(channel_type: str, *, clean: bool = False) -> dict[str, str]:
    """Paths of the committed sample ERP export, store export and value lists for ``channel_type``.

    ``mappings_channel`` names the committed demo de-para tables (``mappings/demo-<type>``)
    when they exist, so the offline sample run checks de-para too.
    """
    from importlib import resources

    from kit.depara.table import mappings_dir

    base = Path(str(resources.files("kit").joinpath("data/sample")))
    store_dir = base / ("store_clean" if clean else "store") / channel_type
    manifest = json.loads((store_dir / "defects.json").read_text(encoding="utf-8"))
    demo = f"demo-{channel_type}"
    has_demo = (mappings_dir() / demo).is_dir()  # the reviewed demo de-para tables, where the checkout has them
    erp = store_dir / manifest["erp_file"] if manifest.get("erp_file") else base / "erp" / "products.csv"
    return {
        "erp_file": str(erp),  # a store whose defects include an ERP-side one comes with its own ERP export
        "store_file": str(store_dir / manifest.get("listings_file", "listings.csv")),
        "values_dir": str(store_dir),
        "manifest": str(store_dir / "defects.json"),
        "mappings_channel": demo if has_demo else "",
    }


# -- tables -----------------------------------------------------------------------------------------------
def counts_display(run: GoliveRun) -> pd.DataFrame:
    """Findings per check and severity, with the checks' pt-BR names as a column (no index)."""
    counts = run.counts.reset_index()
    counts["check"] = counts["check"].map(check_label)
    return counts.rename(columns={"check": "verificação"})


def _finding_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.astype("object").where(frame.notna(), "").to_dict("records")
    for row in rows:
        row["severity"] = SEVERITY_LABELS.get(row["severity"], row["severity"])
        row["check"] = check_label(str(row["check"]))
    return rows


def worst_findings(run: GoliveRun, n: int = WORST_SHOWN) -> pd.DataFrame:
    """The first ``n`` findings that are not ``info`` (blockers first), with pt-BR headers and no index."""
    rows = _finding_rows(run.findings[run.findings["severity"] != INFO].head(n))
    return pd.DataFrame(rows, columns=[c.key for c in FINDING_COLUMNS]).rename(
        columns={c.key: c.label for c in FINDING_COLUMNS}
    )


def capacity_sheet(run: GoliveRun) -> pd.DataFrame:
    """The capacity plan with pt-BR headers, numbers kept as numbers (the XLSX sheet "Capacidade")."""
    from kit.golive.checks import capacity_plan

    plan = capacity_plan(run.ctx)
    if not len(plan):
        return pd.DataFrame(columns=["tarefa", "cenário"])
    return pd.DataFrame(
        {
            "tarefa": plan["job"], "cenário": plan["scenario"].map(_SCENARIOS).fillna(plan["scenario"]),
            "itens por execução": plan["items_per_run"], "requisições": plan["requests_per_run"],
            "duração (s)": plan["run_seconds"].round(1), "intervalo (min)": plan["interval_min"],
            "uso do intervalo (%)": (plan["utilisation"] * 100).round(1),
            "cabe no intervalo": plan["fits"].map({True: "sim", False: "NÃO"}),
            "intervalo mínimo (min)": plan["min_interval_min"], "lote mínimo": plan["min_batch_size"],
        }
    )  # fmt: skip


def capacity_table(run: GoliveRun) -> pd.DataFrame:
    """The capacity plan as people read it: Brazilian numbers, ``86,9 %``, empty where nothing applies."""
    sheet = capacity_sheet(run)
    out = sheet.astype("object").where(sheet.notna(), "")
    for col in ("itens por execução", "requisições", "intervalo (min)", "intervalo mínimo (min)", "lote mínimo"):
        if col in out:
            out[col] = [count_pt(v) if v != "" else "" for v in out[col]]
    if "duração (s)" in out:
        out["duração (s)"] = [number_pt(v, 1) for v in out["duração (s)"]]
        out["uso do intervalo (%)"] = [percent_pt(v, 1) for v in out["uso do intervalo (%)"]]
    return out.rename(columns={"uso do intervalo (%)": "uso do intervalo"})


def preview_tables(run: GoliveRun, n: int | None = PREVIEW_SHOWN) -> dict[str, pd.DataFrame]:
    """First-sync preview with pt-BR headers: counts, the largest price drops, the listings going to zero stock."""
    from kit.golive.checks import first_sync_preview

    pv = first_sync_preview(run.ctx)
    guard = run.ctx.tolerances.price_guard_pct
    drops, zero = pv["price_drops"], pv["to_zero"]
    if n is not None:
        drops, zero = drops.head(n), zero.head(n)
    counts = pd.DataFrame(
        {
            "mudança": ["atualizações de estoque", "atualizações de preço", "anúncios que vão a estoque zero",
                        f"quedas de preço acima de {percent_pt(guard, 0)}"],
            "quantidade": [pv["stock_updates"], pv["price_updates"], len(pv["to_zero"]),
                           int((pv["price_drops"]["drop_pct"] > guard).sum())],
        }
    )  # fmt: skip
    drops = drops.rename(columns={"sku": "SKU", "channel_id": "código no canal", "price_store": "preço na loja",
                                  "price_erp": "novo preço (ERP)", "drop_pct": "queda (%)"})  # fmt: skip
    zero = zero.rename(columns={"sku": "SKU", "channel_id": "código no canal", "stock_store": "estoque na loja",
                                "stock_erp": "estoque no ERP"})  # fmt: skip
    return {"counts": counts, "price_drops": drops, "to_zero": zero}


# -- sections -----------------------------------------------------------------------------------------------
def verdict_html(run: GoliveRun) -> str:
    """The verdict box: verdict, channel, environment, blockers and warnings, when (pt-BR)."""
    counts = run.counts
    ok = run.verdict == APTO
    blockers, warnings = int(counts[BLOQUEIO].sum()), int(counts[AVISO].sum())
    env = _ENVIRONMENTS.get(run.ctx.environment, run.ctx.environment)
    mode = "modo offline: arquivos, sem canal configurado" if run.ctx.offline else f"ambiente {env}"
    line = (f"Canal <b>{esc(run.ctx.label)}</b> ({esc(run.ctx.channel_type.label)}, {esc(mode)}) · "
            f"{count_pt(blockers)} bloqueio(s), {count_pt(warnings)} aviso(s) · verificado em "
            f"{esc(when_pt(run.finished_at))}")  # fmt: skip
    why = ("Nenhum bloqueio: o canal pode ser ligado (`kit channels enable CANAL`)." if ok else
           "Há bloqueios: corrija o que está em \"O que corrigir\" e verifique de novo.")  # fmt: skip
    return box(run.verdict, [line, code_text(why)], kind="ok" if ok else "erro", css_class="kit-veredito",
               data=f'data-verdict="{esc(run.verdict)}"')  # fmt: skip


def fixes_html(run: GoliveRun) -> str:
    """ "O que corrigir": one item per group of findings, its values and the command or screen that fixes it."""
    from kit.golive.fixes import fix_list

    items = fix_list(run)
    if not items:
        return "<p>Nada a corrigir: nenhum bloqueio e nenhum aviso.</p>"
    out = []
    for item in items:
        color = SEVERITY_COLORS[item.severity]
        head = (f'<b style="color:{color}">{esc(SEVERITY_LABELS[item.severity])}</b> · '
                f"<b>{esc(item.title)}</b> <span class='kit-muted'>({esc(check_label(item.check))})</span>")  # fmt: skip
        body = [head]
        if item.values:
            more = f" e mais {count_pt(item.hidden)} (todos em {FINDINGS_CSV_FILE})" if item.hidden else ""
            body.append(f"<div>{esc(', '.join(item.values))}{esc(more)}</div>")
        body += [f"<div>{esc(m)}</div>" for m in item.messages]
        body.append(f"<div><b>Como corrigir:</b> {code_text(item.fix)}</div>")
        out.append("".join(body))
    return f'<ol class="kit-corrigir">{"".join(f"<li>{x}</li>" for x in out)}</ol>'


def counts_html(run: GoliveRun) -> str:
    """Findings per check and severity: a table and a stacked bar chart."""
    counts = run.counts
    rows = [{"verificação": check_label(c), **{SEVERITY_LABELS[s]: count_pt(counts.loc[c, s]) for s in SEVERITIES}}
            for c in counts.index]  # fmt: skip
    columns = [Column("verificação", "verificação")] + [Column(SEVERITY_LABELS[s], SEVERITY_LABELS[s], True)
                                                        for s in SEVERITIES]  # fmt: skip
    bars = [Bar(check_label(c), [Segment(float(counts.loc[c, s]), SEVERITY_COLORS[s], SEVERITY_LABELS[s])
                                 for s in SEVERITIES]) for c in counts.index]  # fmt: skip
    chart = bar_chart(bars, title="Achados por verificação", axis_label="achados") if bars else ""
    return table(rows, columns) + chart


def worst_html(run: GoliveRun, n: int = WORST_SHOWN) -> str:
    """The worst findings, every character of each message, searchable."""
    todo = run.findings[run.findings["severity"] != INFO]
    rows = _finding_rows(todo.head(n))
    if not rows:
        return "<p>Nenhum bloqueio e nenhum aviso.</p>"
    note = (f"<p class='kit-muted'>Os {count_pt(len(rows))} mais graves de {count_pt(len(todo))}; todos os achados "
            f"estão em <code>{FINDINGS_CSV_FILE}</code> (e os {count_pt(5000)} mais graves em "
            f"<code>{XLSX_FILE}</code>).</p>") if len(todo) > n else ""  # fmt: skip
    return note + table(rows, FINDING_COLUMNS, table_id="achados", search_label="procurar SKU, campo ou mensagem",
                        total_label="achados")  # fmt: skip


def divergences_html(run: GoliveRun, n: int = PREVIEW_SHOWN) -> str:
    """The ``n`` largest price divergences (store vs ERP, %) as a chart."""
    from kit.golive.checks import matched

    m = matched(run.ctx)
    pct = ((m["price_store"] - m["price_erp"]) / m["price_erp"].where(m["price_erp"] > 0) * 100).dropna()
    top = pct[pct.abs() > run.ctx.tolerances.price_pct]
    if not len(top):
        return "<p>Nenhuma divergência de preço acima da tolerância.</p>"
    top = top.reindex(top.abs().sort_values(ascending=False).index).head(n)
    bars = [Bar(str(sku), [Segment(float(v), SEVERITY_COLORS[AVISO] if v > 0 else SEVERITY_COLORS[INFO])])
            for sku, v in zip(m.loc[top.index, "sku"], top, strict=True)]  # fmt: skip
    return bar_chart(bars, title="Maiores divergências de preço", axis_label="preço da loja em relação ao ERP (%)",
                     decimals=1, suffix=" %")  # fmt: skip


def capacity_html(run: GoliveRun) -> str:
    frame = capacity_table(run)
    numeric = {"itens por execução", "requisições", "duração (s)", "intervalo (min)", "uso do intervalo"}
    return table(frame.to_dict("records"), [Column(c, c, c in numeric) for c in frame.columns])


def preview_html(run: GoliveRun) -> str:
    pv = preview_tables(run)
    counts = [
        {"mudança": r["mudança"], "quantidade": count_pt(r["quantidade"])} for r in pv["counts"].to_dict("records")
    ]
    drops = [{**r, "preço na loja": money_pt(r["preço na loja"]), "novo preço (ERP)": money_pt(r["novo preço (ERP)"]),
              "queda (%)": percent_pt(r["queda (%)"], 1)} for r in pv["price_drops"].to_dict("records")]  # fmt: skip
    zero = [{**r, "estoque na loja": number_pt(r["estoque na loja"], 0), "estoque no ERP": number_pt(r["estoque no ERP"], 0)}
            for r in pv["to_zero"].to_dict("records")]  # fmt: skip
    parts = [table(counts, [Column("mudança", "mudança"), Column("quantidade", "quantidade", True)])]
    for title, rows, frame in (("Maiores quedas de preço", drops, pv["price_drops"]),
                               ("Anúncios que ficarão com estoque zero", zero, pv["to_zero"])):  # fmt: skip
        parts.append(f"<h3>{esc(title)}</h3>")
        parts.append(table(rows, [Column(c, c, c not in ("SKU", "código no canal")) for c in frame.columns])
                     if rows else "<p>Nenhum.</p>")  # fmt: skip
    return "".join(parts)


def files_html(run: GoliveRun) -> str:
    out = run.output_dir
    return info_table(
        [("este relatório (HTML)", str(out / HTML_FILE)),
         ("planilha (resumo, 5.000 achados mais graves, capacidade, prévia)", str(out / XLSX_FILE)),
         ("todos os achados (CSV)", str(out / FINDINGS_CSV_FILE)), ("resumo (JSON)", str(out / SUMMARY_FILE))]
    )  # fmt: skip


#: (name, heading, builder): the report's sections, in order; the notebook shows them one per cell.
SECTIONS = (
    ("veredito", "", verdict_html),
    ("corrigir", "O que corrigir", fixes_html),
    ("contagens", "Achados por verificação", counts_html),
    ("achados", "Achados mais graves", worst_html),
    ("divergencias", "Divergências de preço (loja × ERP)", divergences_html),
    ("capacidade", "Capacidade dos jobs", capacity_html),
    ("previa", "Prévia da primeira sincronização", preview_html),
    ("arquivos", "Arquivos", files_html),
)
TITLE = "Verificação de go-live"


def section_html(run: GoliveRun, name: str) -> str:
    """One section's HTML, without its heading (the notebook has its own Markdown headings)."""
    builder = next((b for n, _, b in SECTIONS if n == name), None)
    if builder is None:
        raise KeyError(f"no report section {name!r}; one of {[n for n, _, _ in SECTIONS]}")
    return f'<div class="kit-report">{builder(run)}</div>'


def show(run: GoliveRun, name: str) -> None:
    """Display one section in the notebook."""
    from IPython.display import HTML, display

    from kit.reports.html import STYLE

    display(HTML(f"<style>{STYLE}</style>{section_html(run, name)}"))


def report_html(run: GoliveRun) -> str:
    """The whole report page."""
    body = [f"<h1>{esc(TITLE)}</h1>"]
    for _, heading, builder in SECTIONS:
        body.append((f"<h2>{esc(heading)}</h2>" if heading else "") + builder(run))
    return page(f"{TITLE} — {run.ctx.label}", "".join(body), searchable=True)


def write_report_html(run: GoliveRun) -> Path:
    """Write ``golive.html`` into the run's folder (scrubbed: every value on it went through ``esc``)."""
    from kit.reports.files import write_report

    return write_report(run.output_dir / HTML_FILE, report_html(run))


def failure_page(
    failure: Any,
    parameters: dict[str, Any],
    *,
    started: str = "",
    files: dict[str, str] | None = None,
    whole: bool = True,
) -> str:
    """The page of a check that could not run: the failure box first, what was asked for, the files
    (``whole=False``: the content only, for a notebook's output)."""
    env = _ENVIRONMENTS.get(str(parameters.get("environment") or ""), parameters.get("environment") or "")
    asked = info_table([("canal", parameters.get("channel") or f"offline ({parameters.get('channel_type', '')})"),
                        ("ambiente", env), ("exportação do ERP", parameters.get("erp_file")),
                        ("exportação da loja", parameters.get("store_file") or "anúncios lidos do canal"),
                        ("início", when_pt(started))])  # fmt: skip
    body = [f"<h1>{esc(TITLE)}</h1>", failure.html(), "<h2>O que foi pedido</h2>", asked]
    if files:
        body += ["<h2>Arquivos</h2>", bullet_list(f"{esc(k)}: <code>{esc(v)}</code>" for k, v in files.items())]
    if not whole:
        from kit.reports.html import STYLE

        return f'<style>{STYLE}</style><div class="kit-report">{"".join(body)}</div>'
    return page(f"{TITLE} — {failure.headline}", "".join(body))
