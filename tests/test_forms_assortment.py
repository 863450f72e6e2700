"""The channel assortment on the canais screen (kit.forms_assortment, kit.forms_assortment_panel), without a kernel.

The screen decides nothing: its counts must be kit.assortment's, and what it
writes must be the rule file kit.assortment (and so `kit assortment`) reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.assortment import Rule, read_rules_file, resolve, rules_path
from kit.channels import ChannelRegistry
from kit.forms_assortment import KEEP_ALL_NOTE, AssortmentEditor
from kit.sheets import read_table

SAMPLE_PRODUCTS = Path(__file__).resolve().parents[1] / "kit" / "data" / "sample" / "erp" / "products.csv"


@pytest.fixture(autouse=True)
def mappings(isolated_env, monkeypatch):
    monkeypatch.setenv("KIT_MAPPINGS", str(isolated_env / "mappings"))
    monkeypatch.delenv("KIT_ERP_DIR", raising=False)
    return isolated_env / "mappings"


@pytest.fixture
def channel(workspace):
    from kit.sandbox import start_sandbox
    from kit.secrets import SecretsStore

    with start_sandbox("vtex") as server:  # only its address and keys are used: the screen reads the ERP
        return ChannelRegistry(workspace).add(server.channel("loja-vtex", secrets=SecretsStore()))


def expected_counts(channel) -> dict:
    """What kit.assortment itself says for the sample ERP and the channel's rule file."""
    return resolve(read_table(SAMPLE_PRODUCTS, "products"), channel).counts()


def test_counts_and_sources_are_kit_assortments(workspace, channel):
    editor = AssortmentEditor(workspace, "loja-vtex")
    summary = editor.summary()
    assert (summary.included, summary.excluded, summary.total) == (300, 0, 300)
    assert [(s.source, s.included, s.excluded) for s in summary.by_source] == [("default", 300, 0)]
    assert "o catálogo inteiro está no sortimento" in summary.default_text
    assert summary.erp_file == str(SAMPLE_PRODUCTS.resolve()) and summary.rules == []
    assert summary.headline() == "Sortimento de loja-vtex: 300 SKUs dentro, 0 fora (de 300 no ERP)."


def test_edits_write_the_rule_file_and_counts_follow(workspace, channel, mappings):
    editor = AssortmentEditor(workspace, "loja-vtex")
    first = editor.add_rule("exclude", "brand", "Atlântica", "fora da VTEX")
    assert first.ok, first.message
    # The first rule keeps what the person saw (the whole catalogue) with an explicit "include all".
    assert "Incluir · Todos (padrão)" in first.message
    assert read_rules_file(rules_path("loja-vtex")) == [
        Rule("include", "all", "", KEEP_ALL_NOTE),
        Rule("exclude", "brand", "Atlântica", "fora da VTEX"),
    ]
    counts = expected_counts(channel)
    assert counts["out"] == 37 and counts["by_source"]["rule:brand"] == {"in": 0, "out": 37}
    summary = editor.summary()
    assert (summary.included, summary.excluded) == (counts["in"], counts["out"])
    assert f"{counts['in']} SKUs dentro, 37 fora" in first.message

    assert editor.add_rule("include", "sku", "SKU-000001 SKU-000002,SKU-000003").ok
    assert editor.explain_sku("SKU-000001") == "SKU SKU-000001: dentro do sortimento (regra por SKU)."
    assert editor.add_rule("exclude", "category", "Casa > Iluminação").ok
    assert editor.explain_sku("SKU-000004") == "SKU SKU-000004: fora do sortimento (regra por marca)."
    assert "não está na exportação" in editor.explain_sku("SKU-999999")
    rules = read_rules_file(rules_path("loja-vtex"))
    assert Rule("exclude", "category", "Casa > Iluminação") in rules and len(rules) == 6
    by_source = {s.source: (s.included, s.excluded) for s in editor.summary().by_source}
    assert by_source == {k: (v["in"], v["out"]) for k, v in expected_counts(channel)["by_source"].items()}
    assert by_source["rule:sku"] == (3, 0) and by_source["rule:category"][1] > 0

    # Remove by position in the list the screen shows; the file and the counts follow.
    index = [r.field for r in editor.summary().rules].index("category")
    removed = editor.remove_rule(index)
    assert removed.ok and "Regra removida: Excluir · Categoria · Casa > Iluminação" in removed.message
    assert Rule("exclude", "category", "Casa > Iluminação") not in read_rules_file(rules_path("loja-vtex"))
    assert editor.summary().excluded == expected_counts(channel)["out"] == 37 - 3  # the brand, but SKU rules win

    # The "everything" default: exclude all, the file says so, only the SKU rules keep their SKUs in.
    assert editor.add_rule("exclude", "all", "").ok
    assert editor.summary().included == 3 and "fica fora (regra 'todos')" in editor.summary().default_text


@pytest.mark.parametrize(
    "action, field, text, expected",
    [
        ("exclude", "brand", "  ", "Informe o valor da regra (marca)."),
        ("include", "sku", ", ;", "Informe o valor da regra (sku)."),
        ("drop", "brand", "X", "Escolha a ação (incluir ou excluir) e o campo da regra."),
        ("include", "color", "Azul", "Escolha a ação (incluir ou excluir) e o campo da regra."),
    ],
)
def test_a_refused_rule_writes_nothing(workspace, channel, action, field, text, expected):
    editor = AssortmentEditor(workspace, "loja-vtex")
    result = editor.add_rule(action, field, text)
    assert not result.ok and result.message == expected
    assert not rules_path("loja-vtex").exists()


def test_the_erp_channel_column_is_shown_as_a_source(workspace, channel, tmp_path, monkeypatch):
    erp = tmp_path / "erp"
    erp.mkdir()
    lines = ["Código;Descrição;Marca;Categoria;Canais", "A1;Um;M;Casa;loja-vtex, Mercado Livre",
             "A2;Dois;M;Casa;Mercado Livre", "A3;Três;M;Casa;"]  # fmt: skip
    (erp / "produtos.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("KIT_ERP_DIR", str(erp))
    summary = AssortmentEditor(workspace, "loja-vtex").summary()
    assert [(s.label, s.included, s.excluded) for s in summary.by_source] == [
        ("coluna Canais do ERP", 1, 1),
        ("padrão (nada dito sobre o SKU)", 0, 1),
    ]
    assert "fica fora" in summary.default_text


def test_suggestions_come_from_the_erp(workspace, channel):
    editor = AssortmentEditor(workspace, "loja-vtex")
    assert "Atlântica" in editor.suggestions("brand")
    categories = editor.suggestions("category")
    assert "Casa" in categories and "Casa > Cama, Mesa e Banho" in categories  # every level of the tree
    assert "PAI-000001" in editor.suggestions("family") and editor.suggestions("sku") == []


# -- the panel ------------------------------------------------------------------------------------
def test_panel_edits_a_rule_and_shows_counts_by_source(workspace, channel):
    from kit.forms_assortment_panel import AssortmentPanel

    panel = AssortmentPanel(workspace)
    assert "Salve o canal" in panel.summary.value and panel.editing.layout.display == "none"
    panel.set_channel("loja-vtex")
    assert (
        "data-in='300' data-out='0'" in panel.summary.value and "padrão (nada dito sobre o SKU)" in panel.summary.value
    )
    panel.action.value, panel.field.value = "exclude", "brand"
    assert "Atlântica" in panel.value.options
    panel.value.value, panel.note.value = "Atlântica", "fora da VTEX"
    panel.add_button.click()
    assert "✔" in panel.status.value and "263 SKUs dentro, 37 fora" in panel.status.value
    assert "data-in='263' data-out='37'" in panel.summary.value and "regra por marca" in panel.summary.value
    assert panel.value.value == "" and [label for label, _ in panel.rules.options] == [
        f"Incluir · Todos ({KEEP_ALL_NOTE})",
        "Excluir · Marca · Atlântica (fora da VTEX)",
    ]
    panel.rules.value = 1
    panel.remove_button.click()
    assert "Regra removida" in panel.status.value and "data-in='300' data-out='0'" in panel.summary.value
    panel.sku.value = "SKU-000001"
    panel.sku_button.click()
    assert (
        panel.sku_result.value == "SKU SKU-000001: dentro do sortimento (regra &#x27;todos&#x27; (padrão do arquivo))."
    )


def test_panel_without_an_erp_export_says_so_in_portuguese(workspace, channel, tmp_path, monkeypatch):
    from kit.forms_assortment_panel import AssortmentPanel

    monkeypatch.setenv("KIT_ERP_DIR", str(tmp_path / "sem-erp"))
    panel = AssortmentPanel(workspace)
    panel.set_channel("loja-vtex")
    visible = panel.status.value.split("<details")[0]
    assert "Sortimento indisponível: " in visible and "pasta do ERP" in visible
    assert panel.editing.layout.display == "none" and panel.editor is None
