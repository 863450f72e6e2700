"""End-to-end: the reports people open, in headless Chromium, served by JupyterLab.

What only a browser sees: that a job run's HTML report renders with its chart
(the SVG image decodes) and that its item table filters as one types; that a
go-live whose channel is down opens with the Portuguese failure box, the
technical text folded away, and no traceback anywhere on the page, in the HTML
report and in the output notebook opened in JupyterLab; that a go-live that ran
shows its verdict, "O que corrigir" first and its chart.

The reports are made for real (papermill, local VTEX sandboxes on 127.0.0.1,
stopped in ``finally``) into JupyterLab's root, then opened through ``/files/``.
Every wait is for a condition on the page, bounded.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from .test_notebooks_browser import RUN_TIMEOUT_MS, assert_no_cell_errors, expect_text

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

NOT_CHECKED = "NÃO FOI POSSÍVEL VERIFICAR"


@pytest.fixture(scope="module")
def lab_env(lab_env):
    """The shared environment, with the reports inside JupyterLab's root (served under /files/reports/...)."""
    env = dict(lab_env["env"], KIT_REPORTS=str(lab_env["root"] / "reports"), KIT_TIMEZONE="America/Sao_Paulo")
    return {**lab_env, "env": env}


@contextlib.contextmanager
def lab_process_env(lab_env, monkeypatch):
    """This process pointed at the lab's workspace, secrets and reports (to make reports as the kit does)."""
    from kit.store import Workspace

    with monkeypatch.context() as env:
        for key, value in lab_env["env"].items():
            env.setenv(key, value)
        ws = Workspace(lab_env["env"]["KIT_WORKSPACE"])
        try:
            yield ws
        finally:
            ws.close()


@contextlib.contextmanager
def vtex_channel(ws, lab_env, name: str):
    from kit.channels import ChannelRegistry
    from kit.sandbox import start_sandbox
    from kit.secrets import SecretsStore

    server = start_sandbox("vtex", n_products=12, orders=0, seed=5)
    try:
        ChannelRegistry(ws).add(server.channel(name, secrets=SecretsStore(lab_env["env"]["KIT_SECRETS"])))
        ChannelRegistry(ws).update(name, enabled=True)
        yield server
    finally:
        server.stop()


def open_file(page, lab, path: Path) -> None:
    rel = path.relative_to(lab.root).as_posix()
    page.goto(f"{lab.url}/files/{rel}?token={lab.token}", timeout=RUN_TIMEOUT_MS)


def assert_no_traceback(page) -> None:
    text = page.locator("body").inner_text()
    for marker in ("Traceback", "PapermillExecutionError", "An Exception was encountered"):
        assert marker not in text, f"{marker!r} on the page"


def chart_decoded(page, alt: str) -> None:
    img = page.locator(f"img.kit-chart[alt='{alt}']").first
    img.scroll_into_view_if_needed()
    page.wait_for_function(
        "(alt) => { const i = document.querySelector(`img.kit-chart[alt='${alt}']`);"
        " return i && i.complete && i.naturalWidth > 100; }",
        arg=alt,
        timeout=30_000,
    )


def test_a_job_report_renders_with_its_chart_and_a_searchable_item_table(page, lab, lab_env, screenshots, monkeypatch):
    from kit.jobs.runner import run_notebook_job
    from kit.jobs.settings import set_job_settings

    with lab_process_env(lab_env, monkeypatch) as ws, vtex_channel(ws, lab_env, "vtex-relatorio") as server:
        erp = Path(lab_env["base"]) / "erp-relatorio"
        erp.mkdir(exist_ok=True)
        rows = [f"{ref};{int(qty) + 3};1" for ref, qty in list(server.stock_levels().items())[:10]]
        rows += ["SKU-INEXISTENTE-1;5;0", "SKU-INEXISTENTE-2;7;0", "SKU-SEM-QUANTIDADE;;0"]
        (erp / "stock.csv").write_text("sku;available;reserved\n" + "\n".join(rows) + "\n", encoding="utf-8")
        set_job_settings(ws, "vtex-relatorio", {"erp_dir": str(erp)})
        outcome = run_notebook_job("stock", "vtex-relatorio", ws=ws, log_output=False)
    counts = outcome.summary["counts"]
    assert counts["applied"] == 10 and counts["skipped"] + counts["failed"] == 3, outcome.summary.get("error")
    open_file(page, lab, outcome.html_path)
    expect_text(page.locator("h1"), "Sincronização de estoque — canal vtex-relatorio")
    chart_decoded(page, "Itens por situação")
    table = page.locator("#itens")
    assert table.locator("tbody tr").count() == 3
    search = page.locator("input.kit-search").first
    search.fill("inexistente-2")
    expect_text(page.locator("#itens-contagem"), "1 de 3 itens")
    assert table.locator("tbody tr:visible").count() == 1
    expect_text(table.locator("tbody tr:visible").first, "SKU-INEXISTENTE-2")
    search.fill("")
    expect_text(page.locator("#itens-contagem"), "3 de 3 itens")
    assert_no_traceback(page)
    page.screenshot(path=str(screenshots / "relatorio-tarefa.png"), full_page=True)


def test_golive_with_the_channel_down_shows_the_failure_box_and_no_traceback(
    page, lab, lab_env, screenshots, monkeypatch
):
    from kit.forms_golive import golive_parameters
    from kit.golive.execute import execute_report
    from kit.golive.report import sample_inputs

    with lab_process_env(lab_env, monkeypatch) as ws:
        with vtex_channel(ws, lab_env, "vtex-fora") as server:
            address = server.url
        params = golive_parameters(ws, "vtex-fora", erp_file=sample_inputs("vtex")["erp_file"], environment="sandbox")
        out = Path(lab_env["root"]) / "reports" / "vtex-fora" / "relatorio"
        outcome = execute_report(params, out)
    assert outcome.failure is not None and outcome.html is not None
    open_file(page, lab, outcome.html)
    box = page.locator(".kit-falha").first
    box.wait_for(state="visible", timeout=30_000)
    assert box.get_attribute("data-headline") == NOT_CHECKED
    shown = box.inner_text()  # a closed <details> shows only its summary
    assert f"O canal não respondeu em {address}." in shown and "kit sandbox start vtex --channel vtex-fora" in shown
    assert "Detalhes técnicos" in shown and "ChannelTransientError" not in shown
    details = box.locator("details.kit-detalhes").first
    assert details.get_attribute("open") is None
    assert_no_traceback(page)
    page.screenshot(path=str(screenshots / "relatorio-golive-canal-fora.png"), full_page=True)
    details.locator("summary").click()  # the technical detail is kept, one click away
    expect_text(details, "ChannelTransientError: a conexão falhou ou foi derrubada")

    # The output notebook, opened in JupyterLab: the failure first, the traceback folded away.
    rel = outcome.notebook.relative_to(lab.root).as_posix()
    page.goto(lab.lab_url(rel), timeout=RUN_TIMEOUT_MS)
    first = page.locator(".jp-Notebook .jp-Cell").first
    expect_text(first, NOT_CHECKED, timeout=RUN_TIMEOUT_MS)
    assert_no_cell_errors(page)
    assert_no_traceback(page)
    rendered = page.locator(".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown").first  # the Markdown, rendered
    expect_text(rendered, f"O que falhou: O canal não respondeu em {address}", timeout=RUN_TIMEOUT_MS)
    page.screenshot(path=str(screenshots / "golive-notebook-canal-fora.png"), full_page=False)


def test_a_golive_report_that_ran_shows_the_verdict_what_to_fix_and_its_chart(page, lab, lab_env, screenshots):
    from kit.golive.execute import execute_report
    from kit.golive.report import sample_inputs

    paths = sample_inputs("vtex")
    params = {"channel": "", "channel_type": "vtex", "erp_file": paths["erp_file"], "store_file": paths["store_file"],
              "values_dir": paths["values_dir"], "mappings_channel": paths["mappings_channel"]}  # fmt: skip
    outcome = execute_report(params, Path(lab_env["root"]) / "reports" / "offline-vtex" / "relatorio")
    assert outcome.summary["verdict"] == "NÃO APTO"
    open_file(page, lab, outcome.html)
    verdict = page.locator(".kit-veredito").first
    verdict.wait_for(state="visible", timeout=30_000)
    assert verdict.get_attribute("data-verdict") == "NÃO APTO"
    fixes = page.locator("ol.kit-corrigir > li")
    assert fixes.count() >= 5
    expect_text(fixes.first, "Como corrigir:")
    chart_decoded(page, "Achados por verificação")
    page.locator("input.kit-search").first.fill("SKU-000007")
    expect_text(page.locator("#achados-contagem"), r"^\d+ de \d+ achados$")
    assert_no_traceback(page)
    page.screenshot(path=str(screenshots / "relatorio-golive.png"), full_page=True)
