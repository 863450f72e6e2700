"""End-to-end: the canais screen's go-live button and assortment editor in JupyterLab, in headless Chromium.

What only a browser sees: that clicking "Verificar go-live" in the page runs the
real check (papermill, against a local VTEX sandbox) while the page shows its
progress, then the verdict and a report link JupyterLab resolves; that a
channel that does not answer gives the Portuguese failure box, with the
English kept folded away and no traceback anywhere on the page; and that a rule
edited in the page lands in the channel's assortment.csv.

Every wait is for a condition on the page, bounded; the sandboxes run in this
process on 127.0.0.1 and are stopped in ``finally``.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from .test_notebooks_browser import RUN_TIMEOUT_MS, assert_no_cell_errors, choose, expect_text, open_and_run

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

GOLIVE_TIMEOUT_MS = 300_000  # papermill starts a kernel and runs the whole check; a loaded 2-core machine is slow
VERDICTS = ("APTO", "NÃO APTO")
NOT_CHECKED = "NÃO FOI POSSÍVEL VERIFICAR"


@pytest.fixture(scope="module")
def lab_env(lab_env):
    """The shared environment, with the reports inside JupyterLab's root (so their links open in it)."""
    env = dict(lab_env["env"], KIT_REPORTS=str(lab_env["root"] / "reports"), KIT_TIMEZONE="America/Sao_Paulo")
    return {**lab_env, "env": env}


def add_channel(lab_env, server, name: str):
    """Configure ``name`` against ``server`` in the lab's workspace, its keys in the lab's secrets file."""
    from kit.channels import ChannelRegistry
    from kit.secrets import SecretsStore
    from kit.store import Workspace

    ws = Workspace(lab_env["env"]["KIT_WORKSPACE"])
    try:
        return ChannelRegistry(ws).add(server.channel(name, secrets=SecretsStore(lab_env["env"]["KIT_SECRETS"])))
    finally:
        ws.close()


@contextlib.contextmanager
def vtex_sandbox():
    from kit.sandbox import start_sandbox

    server = start_sandbox("vtex")
    try:
        yield server
    finally:
        server.stop()


def run_job(lab_env, monkeypatch, job: str, channel: str, **options):
    """Run a sync job for real (papermill) in the lab's workspace, as ``kit sync`` does; returns its outcome."""
    from kit.jobs.runner import run_notebook_job
    from kit.store import Workspace

    with monkeypatch.context() as env:
        for key, value in lab_env["env"].items():
            env.setenv(key, value)
        ws = Workspace(lab_env["env"]["KIT_WORKSPACE"])
        try:
            return run_notebook_job(job, channel, ws=ws, log_output=False, **options)
        finally:
            ws.close()


def open_channel(page, lab, name: str) -> None:
    """Open canais.ipynb, run it, pick ``name``: the panels follow the channel picker."""
    from playwright.sync_api import expect

    open_and_run(page, lab, "canais.ipynb")
    assert_no_cell_errors(page)
    page.locator(".canais-form").first.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    choose(page, ".canais-channel", name)
    expect(page.locator("button.canais-btn-golive").first).to_be_enabled(timeout=RUN_TIMEOUT_MS)


def record_progress(page) -> None:
    """Keep every text the progress line shows (it changes while the check runs, faster than a poll)."""
    page.evaluate(
        """() => {
            window.__progress = [];
            const node = document.querySelector('.canais-golive-progress');
            const keep = () => window.__progress.push(node.innerText);
            new MutationObserver(keep).observe(node, {subtree: true, childList: true, characterData: true});
        }"""
    )


def verdict_box(page, verdicts: tuple[str, ...]):
    """Wait for the verdict box to hold one of ``verdicts``; return it."""
    selector = ", ".join(f".canais-golive-verdict[data-verdict='{v}']" for v in verdicts)
    box = page.locator(selector).first
    box.wait_for(state="visible", timeout=GOLIVE_TIMEOUT_MS)
    return box


def assert_no_traceback(page) -> None:
    assert_no_cell_errors(page)
    text = page.locator("body").inner_text()
    for marker in ("Traceback", "PapermillExecutionError"):
        assert marker not in text, f"{marker!r} on the page"


def test_verificar_golive_shows_progress_and_a_verdict(page, lab, lab_env, screenshots):
    with vtex_sandbox() as server:
        add_channel(lab_env, server, "vtex-golive")
        open_channel(page, lab, "vtex-golive")
        expect_text(page.locator(".canais-golive-result"), "Nenhum go-live verificado ainda")
        record_progress(page)
        page.locator("button.canais-btn-golive").first.click()
        box = verdict_box(page, VERDICTS)
    verdict = box.get_attribute("data-verdict")
    progress = page.evaluate("() => window.__progress")
    assert any("Verificando" in p for p in progress), progress
    assert any("Etapa" in p for p in progress), progress  # cell by cell, as papermill ran them
    expect_text(page.locator(".canais-golive-progress"), r"Verificação concluída em \d+ s")
    expect_text(box, r"\d+ bloqueio\(s\), \d+ aviso\(s\)")
    expect_text(box, "Sandbox")  # the channel's own environment, not production
    # The report link, resolved by JupyterLab against the notebook's folder, serves the HTML report.
    link = box.locator("a.canais-link").first
    href = link.get_attribute("href") or ""
    assert "/files/reports/vtex-golive/" in href and href.split("?")[0].endswith("golive.html"), href
    served = page.request.get(href if href.startswith("http") else lab.url + href)
    assert served.ok and "Verificação de go-live" in served.text()
    expect_text(page.locator(".canais-list tr[data-channel='vtex-golive']"), verdict)
    assert_no_traceback(page)
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "canais-golive.png"), full_page=True)
    listing = page.locator(".canais-list").first
    listing.scroll_into_view_if_needed()
    listing.screenshot(path=str(screenshots / "canais-lista.png"))


def test_golive_with_the_channel_down_shows_the_portuguese_failure_box(page, lab, lab_env, screenshots, monkeypatch):
    with vtex_sandbox() as server:
        channel = add_channel(lab_env, server, "vtex-fora")
        assert run_job(lab_env, monkeypatch, "prices", "vtex-fora").exit_code == 0
    # The sandbox is stopped: nothing answers at the channel's address. A full stock push fails for that reason.
    assert run_job(lab_env, monkeypatch, "stock", "vtex-fora", full=True).exit_code == 1
    open_channel(page, lab, "vtex-fora")
    page.locator("button.canais-btn-golive").first.click()
    box = verdict_box(page, (NOT_CHECKED, *VERDICTS))
    assert box.get_attribute("data-verdict") == NOT_CHECKED
    shown = box.inner_text()  # a closed <details> shows only its summary
    assert f"O canal não respondeu em {channel.base_url}." in shown, shown
    assert "O que fazer:" in shown and "kit sandbox start vtex --channel vtex-fora" in shown
    assert "Detalhes técnicos" in shown and "ChannelTransientError" not in shown and "abrir relatório" not in shown
    details = box.locator("details.canais-detalhes").first
    assert details.get_attribute("open") is None
    row = page.locator(".canais-list tr[data-channel='vtex-fora']").first
    expect_text(row, f"{NOT_CHECKED} · .* · O canal não respondeu em {re.escape(channel.base_url)}")
    # The last run of each job, with its reason in Portuguese (the channel's English folded away).
    expect_text(row, r"Preços: OK · \d\d/\d\d/\d{4} \d\d:\d\d")
    expect_text(row, "Estoque: falhou · .* · parou: o canal não respondeu a tempo")
    assert "a conexão falhou ou foi derrubada" not in row.inner_text()
    assert_no_traceback(page)
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "canais-golive-canal-fora.png"), full_page=True)
    row.scroll_into_view_if_needed()
    page.locator(".canais-list").first.screenshot(path=str(screenshots / "canais-lista-motivos.png"))
    details.locator("summary").click()  # the technical detail is kept, one click away
    expect_text(details, "a conexão falhou ou foi derrubada")
    assert_no_traceback(page)


def test_assortment_screen_edits_a_rule_and_the_csv_holds_it(page, lab, lab_env, screenshots):
    from playwright.sync_api import expect

    from kit.assortment import Rule, read_rules_file

    with vtex_sandbox() as server:
        add_channel(lab_env, server, "vtex-sortimento")
    open_channel(page, lab, "vtex-sortimento")
    total = page.locator(".canais-sortimento-total").first
    expect(total).to_have_attribute("data-out", "0", timeout=RUN_TIMEOUT_MS)
    expect_text(page.locator(".canais-sortimento-resumo"), "300 SKUs dentro, 0 fora")

    choose(page, ".canais-sortimento-acao", "Excluir")
    choose(page, ".canais-sortimento-campo", "Marca")
    value = page.locator(".canais-sortimento-valor input").first
    value.fill("Atlântica")
    value.press("Tab")
    note = page.locator(".canais-sortimento-nota input").first
    note.fill("fora da VTEX")
    note.press("Tab")
    page.locator("button.canais-btn-regra-adicionar").first.click()
    expect_text(page.locator(".canais-sortimento-status"), "1 regra gravada")
    expect(total).to_have_attribute("data-out", "37", timeout=RUN_TIMEOUT_MS)
    expect_text(page.locator(".canais-sortimento-resumo tr[data-source='rule:brand']"), "regra por marca")
    expect_text(page.locator(".canais-sortimento-regras"), r"Excluir\s·\sMarca\s·\sAtlântica")  # options use nbsp

    rules = read_rules_file(Path(lab_env["env"]["KIT_MAPPINGS"]) / "vtex-sortimento" / "assortment.csv")
    assert Rule("exclude", "brand", "Atlântica", "fora da VTEX") in rules
    assert [r.field for r in rules] == ["all", "brand"]  # with the explicit 'include all' the first rule brings

    sku = page.locator(".canais-sortimento-sku input").first
    sku.fill("SKU-000001")
    sku.press("Tab")
    page.locator("button.canais-btn-sku-consultar").first.click()
    expect_text(page.locator(".canais-sortimento-sku-resultado"), r"SKU-000001: fora do sortimento \(regra por marca\)")
    assert_no_traceback(page)
    page.locator(".canais-sortimento").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "canais-sortimento.png"), full_page=True)
