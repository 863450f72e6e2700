"""The product taxonomy lexicon (``kit/depara/data/google_taxonomy_ptbr.txt``) and the back-off it gives.

Made-up lists, not the evaluation set: a family the channel's list does not name backs off to
its parents in the taxonomy, and what is found that way is only ever suggested.
"""

from __future__ import annotations

from importlib import resources

import pytest

from kit.depara.suggest import suggest
from kit.depara.taxonomy import load_taxonomy, parse_outline, taxonomy_levels
from kit.depara.words import stem, words


def _best(erp_values: list[str], channel: list[str]) -> dict[str, tuple[str, bool]]:
    """ERP category -> (the channel category suggested first, pre-accepted)."""
    table = suggest("category", channel, erp_values, learned=False)
    return {r["erp_category"]: (r["channel_category"], bool(r["preaccepted"])) for r in table.to_dict("records")}


def test_the_data_file_is_the_whole_taxonomy_with_its_accents_and_its_source():
    text = resources.files("kit.depara").joinpath("data/google_taxonomy_ptbr.txt").read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "taxonomy-with-ids.pt-BR.txt" in header and "johhnpablo/convert-google-taxonomy-categories" in header
    assert "Ã" not in text and "\ufffd" not in text  # the mirror's double-encoded accents were repaired
    tax = load_taxonomy()
    assert len(tax.words) > 5000
    tops = [n for n, p in enumerate(tax.parent) if p < 0]
    assert len(tops) == 21 and max(tax.depth) >= 5
    assert words("Casa e jardim") in [tax.words[n] for n in tops]


def test_an_outline_knows_each_family_parent_and_refuses_a_skipped_level():
    tax = parse_outline("# comment\nCasa\n Iluminação\n  Lâmpadas\n Cozinha\nModa\n")
    assert tax.parent == (-1, 0, 1, 0, -1) and tax.depth == (0, 1, 2, 1, 0)
    with pytest.raises(ValueError, match="line 2"):
        parse_outline("Casa\n  Lâmpadas\n", "x.txt")


def test_a_family_backs_off_to_its_parents_nearest_first():
    levels = taxonomy_levels(words("LAMPADAS"))
    assert stem("iluminacao") in levels[0]
    assert any(stem("jardim") in level for level in levels[1:])
    assert taxonomy_levels(frozenset()) == () and taxonomy_levels(frozenset({"zzzqqq"})) == ()


def test_plurals_of_al_share_a_stem():
    assert stem("digitais") == stem("digital") and stem("industriais") == stem("industrial")
    assert stem("parciais") == stem("parcial") == "parcial"


def test_taxonomy_back_off_suggests_the_parent_family_and_never_preaccepts():
    channel = ["Casa > Iluminação", "Casa > Decoração", "Casa > Suprimentos domésticos", "Moda > Sapatos"]
    best = _best(["LAMPADAS", "EXTINTORES"], channel + ["Casa > Segurança contra incêndio"])
    assert best["LAMPADAS"] == ("Casa > Iluminação", False)
    assert best["EXTINTORES"] == ("Casa > Segurança contra incêndio", False)


def test_the_taxonomy_joins_an_undecided_department_lexicon_and_leaves_a_decided_one():
    # PANELAS: the lexicon says utilidade doméstica and cozinha (two families of this list); the
    # taxonomy's "Produtos de cozinha e aparelhos de jantar" decides.
    fine = ["Casa > Suprimentos domésticos", "Casa > Produtos de cozinha e aparelhos de jantar", "Casa > Plantas"]
    assert _best(["PANELAS"], fine)["PANELAS"] == ("Casa > Produtos de cozinha e aparelhos de jantar", False)
    # GELADEIRAS: the lexicon names one department of this list; the taxonomy (kitchen) does not override it.
    departments = ["Eletrodomésticos", "Cozinha", "Games", "Beleza"]
    assert _best(["GELADEIRAS"], departments)["GELADEIRAS"] == ("Eletrodomésticos", False)


def test_socks_are_not_the_generic_word_meio_and_infantis_is_infantil():
    assert words("MEIAS") and words("MEIAS") <= words("Roupas íntimas e meias")
    assert words("Meio de pagamento") == frozenset()
    assert words("Roupas infantis") == words("ROUPA INFANTIL")


def test_a_products_own_family_ranks_above_the_family_of_its_accessories():
    channel = ["Moda > Acessórios para bolsas e carteiras", "Moda > Bolsas, carteiras e estojos", "Moda > Sapatos"]
    best = _best(["BOLSAS FEM.", "ACESSORIOS P/ BOLSAS"], channel)
    assert best["BOLSAS FEM."] == ("Moda > Bolsas, carteiras e estojos", False)
    assert best["ACESSORIOS P/ BOLSAS"][0] == "Moda > Acessórios para bolsas e carteiras"
