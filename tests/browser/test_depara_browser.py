"""End-to-end: the de-para review screen in JupyterLab, in headless Chromium.

A person opens ``depara.ipynb``, picks a channel of the workspace and a kind in
the dropdowns, confirms the pending suggestions in bulk (after seeing how many),
undoes it, confirms again, and saves: the CSV holds every row, the bulk ones
confirmed with their suggestion. What the kit itself suggests for the same
lists is computed here, so the test checks the screen against it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

RUN_TIMEOUT_MS = 120_000
SAMPLE = Path(__file__).resolve().parents[2] / "kit" / "data" / "sample"
CNPJ = "11.222.333/0001-81"
BULK_SCORE = 40


def _open_and_run(page, lab, notebook: str) -> None:
    page.goto(lab.lab_url(notebook), timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(
        """() => {
            const app = window.jupyterapp;
            const w = app && app.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle';
        }""",
        timeout=RUN_TIMEOUT_MS,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w.sessionContext.session.kernel;
            const cells = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
            const pending = cells.some(c => c.textContent.includes('[*]') || c.textContent.trim() === '[ ]:');
            return k.status === 'idle' && !pending;
        }""",
        timeout=RUN_TIMEOUT_MS,
    )


def _expect_text(locator, pattern: str, timeout: int = 60_000) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(re.compile(pattern), timeout=timeout)


def _selected_text(select) -> str:
    return select.evaluate("el => el.options[el.selectedIndex] ? el.options[el.selectedIndex].text : ''")


@pytest.fixture
def vtex_channel(lab_env):
    """A VTEX channel in the lab's workspace, so the channel picker offers it."""
    from kit.channels import Channel, ChannelRegistry
    from kit.store import Workspace

    ws = Workspace(lab_env["env"]["KIT_WORKSPACE"])
    try:
        ChannelRegistry(ws).add(
            Channel("loja-vtex", "vtex", "plataforma", CNPJ, "sandbox", settings={"account": "loja"})
        )
    finally:
        ws.close()
    return "loja-vtex"


def _expected(lab_env, channel: str):
    """What the kit suggests for the VTEX sample statuses, and which rows the bulk rule takes."""
    from kit.depara.suggest import suggest
    from kit.depara.values import load_values

    table = suggest(
        "order_status",
        load_values(SAMPLE / "channels" / "vtex" / "order_status.csv", "order_status"),
        load_values(SAMPLE / "erp" / "order_status.csv", "order_status"),
        channel=channel,
        channel_type="vtex",
        mappings_dir=lab_env["env"]["KIT_MAPPINGS"],
    )
    rows = table.to_dict("records")
    bulk = [r for r in rows if not r["preaccepted"] and r["candidates"] and r["candidates"][0]["score"] >= BULK_SCORE]
    return rows, bulk


def test_depara_pick_channel_and_kind_bulk_confirm_undo_and_save(page, lab, lab_env, vtex_channel, screenshots):
    import pandas as pd

    rows, bulk = _expected(lab_env, vtex_channel)
    assert bulk, "the sample must leave pending suggestions for the bulk action"
    _open_and_run(page, lab, "depara.ipynb")
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    assert errors.count() == 0, errors.first.inner_text()[:2000]
    page.locator(".depara-screen").first.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    assert page.get_by_text("Loading widget").count() == 0

    # pick the workspace's channel, then the kind, in the dropdowns
    page.locator(".depara-channel select").first.select_option(label="loja-vtex (VTEX)")
    kind = page.locator(".depara-kind select").first
    _expect_text(page.locator(".depara-source").first, "loja-vtex")
    kind.select_option(label="Status do pedido (canal -> ERP)")
    _expect_text(page.locator(".depara-source").first, r"Status do pedido.*loja-vtex")
    counts = page.locator(".depara-counts").first
    pre = sum(bool(r["preaccepted"]) for r in rows)
    _expect_text(counts, rf"Pendentes:\s*{len(rows) - pre}.*Pré-aceitos:\s*{pre}")
    choices = page.locator(".depara-row select")
    assert "escolher..." in [_selected_text(choices.nth(i)) for i in range(choices.count())]
    assert all(_selected_text(choices.nth(i)) for i in range(choices.count()))  # never blank

    # bulk: see how many first, confirm, undo, confirm again
    score = page.locator(".depara-bulk-score input").first
    score.fill(str(BULK_SCORE))
    score.press("Tab")
    page.locator("button.depara-bulk-preview").first.click()
    message = page.locator(".depara-bulk-message").first
    _expect_text(message, rf"{len(bulk)}\s*sugestões pendentes")
    confirm = page.locator("button.depara-bulk-confirm").first
    _expect_text(confirm, rf"Confirmar {len(bulk)}")
    confirm.click()
    _expect_text(counts, rf"Mapeados:\s*{pre + len(bulk)}")
    page.locator("button.depara-undo").first.click()
    _expect_text(counts, rf"Mapeados:\s*{pre}\b")
    page.locator("button.depara-bulk-preview").first.click()
    _expect_text(confirm, rf"Confirmar {len(bulk)}")
    confirm.click()
    _expect_text(counts, rf"Mapeados:\s*{pre + len(bulk)}")
    page.locator(".depara-grid").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "depara-bulk.png"), full_page=True)

    # save: the CSV holds every row, the bulk ones confirmed with their suggestion
    page.locator("button.depara-save").first.click()
    _expect_text(page.locator(".depara-status").first, "Salvo em")
    saved = Path(lab_env["env"]["KIT_MAPPINGS"]) / vtex_channel / "order_status.csv"
    table = pd.read_csv(saved, dtype=str, keep_default_na=False).set_index("channel_status")
    assert sorted(table.index) == sorted(r["channel_status"] for r in rows)
    for r in bulk:
        line = table.loc[r["channel_status"]]
        assert line["confirmed"] == "true" and line["erp_status"] == r["candidates"][0]["label"]
        assert "em lote" in line["note"]
    assert (table["confirmed"] == "true").sum() == pre + len(bulk)
    page.locator(".depara-status").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "depara-saved.png"), full_page=True)
