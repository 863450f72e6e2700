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
    assert ed.counts() == {"mapeados": 2, "pendentes": 2, "total": 4}
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
    assert "Pendentes" in ed.counts_html.value and "pending: 2" in ed.status.value
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
