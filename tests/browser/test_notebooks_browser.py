"""End-to-end: the widget notebooks in JupyterLab, in headless Chromium.

What only a browser sees: that the widgets render at all (a mismatched
ipywidgets / jupyterlab_widgets pair shows a blank "Loading widget..."), and
that typing and clicking in the page reach the kernel and come back.

The secrets check: credentials are typed into the password fields through the
browser; afterwards the secrets file holds them, while the notebook as saved
by JupyterLab and the workspace directory do not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit.sandbox import start_sandbox
from kit.sandbox.vtex import ACCOUNT as VTEX_ACCOUNT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

RUN_TIMEOUT_MS = 120_000
VALID_CNPJ = "11.222.333/0001-81"


# -- helpers --------------------------------------------------------------------
def open_and_run(page, lab, notebook: str) -> None:
    """Open ``notebook`` in JupyterLab, wait for its kernel, run every cell."""
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
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until every cell has run and the kernel is idle again."""
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


def save_notebook(page, lab, notebook: str) -> dict:
    """Save from the browser (docmanager:save) and return the file JupyterLab wrote."""
    path = Path(lab.root) / notebook
    before = path.stat().st_mtime_ns
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=RUN_TIMEOUT_MS)
    assert path.stat().st_mtime_ns != before, "JupyterLab did not write the notebook"
    return json.loads(path.read_text(encoding="utf-8"))


def assert_no_cell_errors(page) -> None:
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    assert errors.count() == 0, errors.first.inner_text()[:2000]


def field(page, key: str):
    return page.locator(f".canais-field-{key.replace('.', '-')}").first


def fill(page, key: str, value: str) -> None:
    box = field(page, key).locator("input")
    box.fill(value)
    box.press("Tab")  # number inputs sync on change as well as on input


def message(page, key: str):
    return page.locator(f".canais-msg-{key.replace('.', '-')}").first


def status(page):
    return page.locator(".canais-status").first


def click(page, name: str) -> None:
    page.locator(f"button.canais-btn-{name}").first.click()


def choose(page, css: str, label: str) -> None:
    page.locator(f"{css} select").first.select_option(label=label)


def expect_visible(locator, timeout: int = 30_000) -> None:
    from playwright.sync_api import expect

    expect(locator).to_be_visible(timeout=timeout)


def expect_text(locator, pattern: str, timeout: int = 30_000) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(re.compile(pattern), timeout=timeout)


def files_containing(root: Path, values: list[str]) -> list[str]:
    """Files under ``root`` whose bytes contain any of ``values``."""
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path}: {v[:4]}…" for v in values if v.encode() in data]
    return hits


def create_channel(page, *, type_label: str, name: str, values: dict[str, str], credentials: dict[str, str]) -> None:
    """Fill the form for a new channel through the browser and click Salvar."""
    choose(page, ".canais-channel", "Novo canal")
    choose(page, ".canais-type", type_label)
    # The kernel rebuilds the form for the type: wait for one of its own fields.
    expect_visible(field(page, f"credentials.{next(iter(credentials))}"))
    from playwright.sync_api import expect

    expect(field(page, "name").locator("input")).to_be_enabled()
    expect(field(page, "name").locator("input")).to_have_value("")
    fill(page, "name", name)
    for key, value in values.items():
        fill(page, key, value)
    for key, value in credentials.items():
        fill(page, f"credentials.{key}", value)
    click(page, "salvar")
    expect_text(status(page), rf"Canal {re.escape(name)} criado")


# -- tests ----------------------------------------------------------------------
def test_canais_renders_validates_and_saves_without_leaking(page, lab, lab_env, screenshots):
    open_and_run(page, lab, "canais.ipynb")
    assert_no_cell_errors(page)
    form = page.locator(".canais-form").first
    form.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    assert page.get_by_text("Loading widget").count() == 0
    for name in ("salvar", "testar", "ligar", "desligar"):
        expect_visible(page.locator(f"button.canais-btn-{name}").first)

    choose(page, ".canais-type", "VTEX")
    # The form follows the VTEX declarations: its credentials, settings and limits.
    for key in ("credentials.app_key", "credentials.app_token", "settings.account", "jobs.orders.batch_size"):
        expect_visible(field(page, key))
    assert field(page, "credentials.app_token").locator("input").get_attribute("type") == "password"
    assert field(page, "credentials.client_secret").count() == 0  # a Mercado Livre field
    expect_text(page.locator(".canais-form"), r"máx\. 100 itens por lote \(VTEX\)")

    # Checked as the person types.
    fill(page, "name", "vtex-browser")
    fill(page, "company", "11.222.333/0001-80")
    expect_text(message(page, "company"), "CNPJ inválido")
    fill(page, "jobs.orders.batch_size", "500")
    expect_text(message(page, "jobs.orders.batch_size"), "no máximo 100 itens")
    click(page, "salvar")
    expect_text(status(page), "Não salvo")
    expect_text(message(page, "settings.account"), "Informe")

    app_key, app_token = "vtexappkey-browser-K3Y9", "BrowserTypedToken-7f3a9c2e51d0"
    fill(page, "company", VALID_CNPJ)
    fill(page, "jobs.orders.batch_size", "50")
    fill(page, "settings.account", "lojabrowser")
    fill(page, "base_url", "http://127.0.0.1:9")  # nothing listens there: the test must fail
    fill(page, "credentials.app_key", app_key)
    fill(page, "credentials.app_token", app_token)
    assert message(page, "company").inner_text().strip() == ""
    click(page, "salvar")
    expect_text(status(page), "Canal vtex-browser criado")
    expect_text(page.locator(".canais-list"), "vtex-browser")
    token_box = field(page, "credentials.app_token").locator("input")
    assert token_box.input_value() == ""
    assert "guardado" in (token_box.get_attribute("placeholder") or "")

    saved_text = status(page).inner_text()
    click(page, "testar")
    expect_text(status(page), "[Cc]onexão")
    assert status(page).inner_text() != saved_text
    assert "OK" not in status(page).inner_text()  # nothing answers on port 9
    click(page, "ligar")  # no go-live check has passed: the gate refuses
    expect_text(status(page), "Não ligado")
    expect_text(page.locator(".canais-list tr[data-channel='vtex-browser']"), "não")
    status(page).scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "canais.png"), full_page=True)

    nb = save_notebook(page, lab, "canais.ipynb")
    assert any(o.get("output_type") for c in nb["cells"] for o in c.get("outputs", [])), "no output was saved"
    secrets_file = Path(lab_env["env"]["KIT_SECRETS"])
    stored = json.loads(secrets_file.read_text())
    assert any(v == {"app_key": app_key, "app_token": app_token} for v in stored.values()), stored.keys()
    assert files_containing(Path(lab.root), [app_key, app_token]) == []
    assert files_containing(Path(lab_env["env"]["KIT_WORKSPACE"]), [app_key, app_token]) == []


def test_canais_vtex_and_mercadolivre_pass_testar_conexao_against_sandboxes(page, lab, lab_env, screenshots):
    servers = {}
    try:
        servers["vtex"] = start_sandbox("vtex")
        servers["mercadolivre"] = start_sandbox("mercadolivre")
        open_and_run(page, lab, "canais.ipynb")
        assert_no_cell_errors(page)
        typed: dict[str, str] = {}
        channels = {
            "vtex": ("VTEX", "vtex-sbx", {"settings.account": VTEX_ACCOUNT}),
            "mercadolivre": ("Mercado Livre", "ml-sbx", {}),
        }
        from kit.channeltypes import get_type

        for type_name, (label, name, extra) in channels.items():
            server = servers[type_name]
            wanted = set(get_type(type_name).credential_keys())
            creds = {k: str(v) for k, v in server.credentials.items() if k in wanted and v}
            typed.update({f"{type_name}.{k}": v for k, v in creds.items()})
            create_channel(
                page,
                type_label=label,
                name=name,
                values={"company": VALID_CNPJ, "base_url": server.url, **extra},
                credentials=creds,
            )
            click(page, "testar")
            expect_text(status(page), rf"Conexão OK com {re.escape(label)}", timeout=60_000)
            status(page).scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / f"canais-{type_name}-sandbox.png"), full_page=True)
        expect_text(page.locator(".canais-list"), "ml-sbx")

        save_notebook(page, lab, "canais.ipynb")
        stored = json.loads(Path(lab_env["env"]["KIT_SECRETS"]).read_text())
        stored_values = {v for entry in stored.values() for v in entry.values()}
        # Rotating tokens may have been refreshed by the test; the long-lived keys stay.
        # OAuth tokens rotate when Testar conexão refreshes them; every other key is kept as typed.
        kept = {k: v for k, v in typed.items() if k.rsplit(".", 1)[1] not in ("refresh_token", "access_token")}
        assert kept and all(v in stored_values for v in kept.values()), sorted(kept)
        secret_values = sorted(set(typed.values()) | stored_values)
        assert files_containing(Path(lab.root), secret_values) == []
        assert files_containing(Path(lab_env["env"]["KIT_WORKSPACE"]), secret_values) == []
    finally:
        for server in servers.values():
            server.stop()


def test_depara_grid_renders_and_saves(page, lab, lab_env, screenshots):
    open_and_run(page, lab, "depara.ipynb")
    assert_no_cell_errors(page)
    grid = page.locator(".depara-grid").first
    grid.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    assert page.get_by_text("Loading widget").count() == 0
    assert page.locator(".depara-row").count() > 0
    expect_visible(page.locator(".depara-row select").first)  # the override dropdowns rendered
    save = page.locator("button.depara-save").first
    expect_visible(save)
    assert save.inner_text().strip() == "Salvar"
    status_box = page.locator(".depara-status").first
    assert "Salvo em" not in status_box.inner_text()
    save.click()
    expect_text(status_box, "Salvo em")
    saved_path = Path(status_box.locator("code").first.inner_text().strip())
    if not saved_path.is_absolute():
        saved_path = Path(lab.root) / saved_path
    assert saved_path.is_file() and saved_path.suffix == ".csv"
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "depara.png"), full_page=True)
