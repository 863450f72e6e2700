"""The notebook's editor: handlers fire on clicks and value changes, no kernel needed."""

from __future__ import annotations

import datetime

import pandas as pd

from kit.depara.suggest import suggest
from kit.depara.table import load_table, save_table
from kit.depara.widgets import DeparaEditor, ListsLoader

_NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
ERP = ["Aguardando pagamento", "Pagamento aprovado", "Enviado", "Cancelado"]
CHANNEL = ["paid", "shipped", "aguardando_xyz", "zzz"]


def _editor(**kw):
    return DeparaEditor("order_status", suggest("order_status", CHANNEL, ERP, learned=False), targets=ERP,
                        channel="loja", channel_values=CHANNEL, erp_values=ERP, **kw)  # fmt: skip


def test_preaccepted_rows_start_confirmed_the_rest_pending():
    ed = _editor()
    assert ed.counts() == {"mapeados": 2, "pendentes": 2, "pre_aceitos": 2, "total": 4}
    assert "depara-grid" in ed.grid._dom_classes and all("depara-row" in r._dom_classes for r in ed.rows)
    assert ed.save_button.description == "Salvar" and "depara-save" in ed.save_button._dom_classes
    table = ed.to_table().set_index("channel_status")
    assert table.loc["paid", "erp_status"] == "Pagamento aprovado" and table.loc["paid", "confirmed"]
    assert table.loc["zzz", "erp_status"] == "" and not table.loc["zzz", "confirmed"]


def test_dropdown_change_confirms_and_checkbox_unconfirms():
    ed = _editor()
    i = ed.sources.index(("aguardando_xyz",))
    ed.dropdowns[i].value = ERP.index("Aguardando pagamento")
    assert ed.counts()["mapeados"] == 3 and ed.checks[i].value
    assert ed.to_table().set_index("channel_status").loc["aguardando_xyz", "method"] == "manual"
    ed.checks[i].value = False
    assert ed.counts()["mapeados"] == 2
    ed.set_choice(i, None)
    assert ed.choice[i] is None and not ed.checks[i].value


def test_filters_hide_rows():
    ed = _editor()
    ed.only_pending.value = True
    shown = [ed.sources[i][0] for i in ed.visible()]
    assert sorted(shown) == ["aguardando_xyz", "zzz"]
    assert sorted(ed.sources[i][0] for i in ed.shown()) == ["aguardando_xyz", "zzz"]
    assert len(ed.grid.children) == 1 + 2  # header + the two pending rows
    ed.only_pending.value = False
    ed.max_score.value = 50
    assert all(ed.records[i]["score"] <= 50 for i in ed.visible())


def test_save_button_writes_the_table_and_shows_the_validation(workspace, mappings):
    seen = []
    ed = _editor(on_save=lambda path, problems: seen.append((path, problems)))
    ed.save_button.click()
    path, problems = seen[0]
    assert path == mappings / "loja" / "order_status.csv"
    assert set(problems["problem"]) == {"pending"}
    assert "Pendentes" in ed.counts_html.value and "pendente: 2" in ed.status.value
    saved = load_table("loja", "order_status")
    assert int(saved["confirmed"].sum()) == 2
    with workspace.table("mappings") as t:
        assert t.all()[-1]["confirmed"] == 2


def test_existing_table_wins_over_suggestions(workspace):
    table = pd.DataFrame({"channel_status": ["zzz"], "erp_status": ["Cancelado"], "confirmed": [True]})
    save_table("loja", "order_status", table, workspace=workspace)
    ed = _editor(existing=load_table("loja", "order_status"))
    i = ed.sources.index(("zzz",))
    assert ed.choice[i] == ("Cancelado",) and ed.checks[i].value and ed.counts()["mapeados"] == 3


def test_lists_loader_hands_uploaded_files_over(tmp_path):
    got = []
    loader = ListsLoader(lambda e, c: got.append((e, c)), tmp_path)
    loader.button.click()
    assert not got and "Envie" in loader.message.value
    loader.erp.value = ({"name": "erp.csv", "type": "text/csv", "size": 3, "content": b"a\n1", "last_modified": _NOW},)
    loader.channel.value = (
        {"name": "c.csv", "type": "text/csv", "size": 3, "content": b"a\n2", "last_modified": _NOW},
    )
    loader.button.click()
    assert got and got[0][0].read_bytes() == b"a\n1"


def test_long_lists_are_paged_and_rows_built_on_demand():
    from kit.depara.widgets import PAGE_SIZE

    values = [f"status_{n:04d}" for n in range(PAGE_SIZE * 2 + 5)]
    ed = DeparaEditor("order_status", suggest("order_status", values, ERP, learned=False), targets=ERP)
    assert len(ed.grid.children) == 1 + PAGE_SIZE and len(ed._row_cache) == PAGE_SIZE
    ed.next_button.click()
    ed.next_button.click()
    assert ed.page == 2 and len(ed.grid.children) == 1 + 5 and ed.next_button.disabled
    ed.dropdowns[len(values) - 1].value = 0
    assert ed.counts()["mapeados"] == 1
    ed.previous_button.click()
    assert ed.page == 1


def test_pending_dropdowns_say_escolher_and_reasons_are_words():
    ed = _editor()
    i = ed.sources.index(("zzz",))
    dd = ed.dropdowns[i]
    assert dd.value is not None and dict((v, k) for k, v in dd.options)[dd.value] == "escolher..."
    labels = {ed.rows[j].children[3].value for j in range(len(ed.sources))}
    assert labels <= {"idêntico", "sinônimo", "aprendido", "semelhança", ""} and "sinônimo" in labels
    assert "Pré-aceitos:</b> 2" in ed.counts_html.value


def _bulk_editor():
    erp = ["Aguardando pagamento", "Pagamento aprovado", "Enviado", "Entregue", "Cancelado", "Cancelamento solicitado"]
    channel = ["paid", "shipped", "Pagamento Aprovadoo", "Entreguee", "request-cancel", "qqq"]
    suggestions = suggest("order_status", channel, erp, learned=False)
    suggestions.loc[suggestions["channel_status"] == "paid", "preaccepted"] = False  # one alias row left pending
    return DeparaEditor("order_status", suggestions, targets=erp, channel="loja", channel_values=channel,
                        erp_values=erp)  # fmt: skip


def test_bulk_confirm_by_score_shows_how_many_first_then_undo():
    ed = _bulk_editor()
    before = ed.counts()
    ed.bulk_confirm_button.click()  # nothing armed yet: nothing happens
    assert ed.counts() == before and "Ver quantos" in ed.bulk_message.value
    ed.bulk_score.value = 85
    ed.bulk_preview_button.click()
    want = [i for i in range(len(ed.sources)) if not ed.state.mapped(i) and ed.records[i]["score"] >= 85]
    assert want and f"<b>{len(want)}</b> sugestões pendentes" in ed.bulk_message.value
    assert ed.bulk_confirm_button.description == f"Confirmar {len(want)}" and not ed.bulk_confirm_button.disabled
    ed.bulk_confirm_button.click()
    assert ed.counts()["mapeados"] == before["mapeados"] + len(want)
    table = ed.to_table().set_index("channel_status")
    for i in want:
        assert table.loc[ed.sources[i][0], "confirmed"] and "em lote" in table.loc[ed.sources[i][0], "note"]
        assert ed.checks[i].value and ed.dropdowns[i].value == ed.targets.index(
            tuple(ed.records[i]["candidates"][0]["values"])
        )
    assert ed.bulk_confirm_button.disabled  # one preview, one confirmation
    ed.undo_button.click()
    assert ed.counts() == before and "desfeita" in ed.bulk_message.value
    assert not any(ed.checks[i].value for i in want)


def test_bulk_confirm_by_reason_and_undo_of_a_choice():
    ed = _bulk_editor()
    ed.bulk_rule.value = 1  # motivo: sinônimo
    assert ed.bulk_score.disabled
    assert ed.preview_bulk() == 1 and "por sinônimo" in ed.bulk_message.value
    assert ed.confirm_bulk() == 1 and ed.state.mapped(ed.sources.index(("paid",)))
    i = ed.sources.index(("qqq",))
    ed.dropdowns[i].value = ed.targets.index(("Cancelado",))
    assert ed.state.mapped(i) and not ed.undo_button.disabled
    ed.undo()
    assert not ed.state.mapped(i) and ed.dropdowns[i].value == -1
    ed.undo()
    assert not ed.state.mapped(ed.sources.index(("paid",)))
    assert not ed.undo() and "Nada para desfazer" in ed.bulk_message.value
