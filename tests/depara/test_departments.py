"""Product categories: the department lexicon, back-off to broader departments, paths, compounds.

``kit/depara/data/departments.csv`` says which department a product family belongs to; these
tests use made-up lists, not the evaluation set.
"""

from __future__ import annotations

from kit.depara.suggest import suggest
from kit.depara.words import stem, words


def _best(erp_values: list[str], channel: list[str]) -> dict[str, tuple[str, bool]]:
    """ERP category -> (the channel category suggested first, pre-accepted)."""
    table = suggest("category", channel, erp_values, learned=False)
    return {r["erp_category"]: (r["channel_category"], bool(r["preaccepted"])) for r in table.to_dict("records")}


def test_plurals_of_el_and_il_share_a_stem_and_participles_keep_theirs():
    assert stem("moveis") == stem("movel")
    assert stem("eletroportateis") == stem("eletroportatil")
    assert stem("cancelado") == "cancel"
    assert words("Móveis") == words("MOVEL")


def test_a_product_family_finds_its_department_and_is_never_preaccepted():
    channel = ["Eletrodomésticos", "Eletroportáteis", "Moda e Acessórios", "Cama, Mesa e Banho", "Áudio", "Móveis"]
    best = _best(["GELADEIRAS", "LIQUIDIFICADORES", "LENCOIS E TOALHAS", "FONES DE OUVIDO", "SOFAS"], channel)
    assert best["GELADEIRAS"] == ("Eletrodomésticos", False)
    assert best["LIQUIDIFICADORES"] == ("Eletroportáteis", False)
    assert best["LENCOIS E TOALHAS"][0] == "Cama, Mesa e Banho"
    assert best["FONES DE OUVIDO"][0] == "Áudio"
    assert best["SOFAS"][0] == "Móveis"


def test_a_department_backs_off_to_its_broader_one_only_when_the_list_lacks_it():
    assert _best(["LIQUIDIFICADORES"], ["Eletrodomésticos", "Moda", "Brinquedos"])["LIQUIDIFICADORES"][0] == (
        "Eletrodomésticos"
    )


def test_a_compound_name_stands_for_its_department_not_for_its_words():
    best = _best(["GUARDA-ROUPAS", "MAQ. LAVAR ROUPA"], ["Moda e Acessórios", "Móveis", "Eletrodomésticos"])
    assert best["GUARDA-ROUPAS"][0] == "Móveis"
    assert best["MAQ. LAVAR ROUPA"][0] == "Eletrodomésticos"


def test_a_path_is_matched_on_its_last_level_then_on_its_parents():
    channel = ["Casa e Construção", "Utilidades Domésticas", "Brinquedos", "Moda"]
    best = _best(["CASA > COZINHA > PANELAS", "MODA > LINHA XPTO"], channel)
    assert best["CASA > COZINHA > PANELAS"][0] == "Utilidades Domésticas"
    assert best["MODA > LINHA XPTO"][0] == "Moda"


def test_english_department_names_are_read_in_portuguese():
    best = _best(["JARDINAGEM", "BRINQUEDOS"], ["Home & Garden", "Toys & Games", "Sports & Outdoors"])
    assert best["JARDINAGEM"][0] == "Home & Garden"
    assert best["BRINQUEDOS"][0] == "Toys & Games"


def test_plurals_in_ens_share_the_stem_of_their_singular_in_em():
    assert stem("viagens") == stem("viagem")
    assert stem("ferragens") == stem("ferragem")
    assert words("Viagens e Bagagens") == words("VIAGEM E BAGAGEM")


def test_a_department_name_word_stands_for_the_other_words_of_that_name():
    # "papelaria escritorio" names one department: a value saying one finds a list saying the other
    best = _best(["PAPELARIA", "ARTIGOS PARA BEBE"], ["Materiais de escritório", "Infantil", "Artigos esportivos"])
    assert best["PAPELARIA"][0] == "Materiais de escritório"
    # "artigos" only says what kind of value it is: the baby goods go to the children's department
    assert best["ARTIGOS PARA BEBE"][0] == "Infantil"


def test_taxonomy_broad_families_of_books_media_instruments_parties_and_hardware():
    channel = ["Mídia", "Artes e entretenimento", "Ferragens", "Casa e jardim", "Eletrônicos"]
    best = _best(["LIVROS", "DVDS E BLU-RAY", "INSTRUMENTOS MUSICAIS", "ARTIGOS PARA FESTA", "FERRAMENTAS"], channel)
    assert best["LIVROS"][0] == "Mídia"
    assert best["DVDS E BLU-RAY"][0] == "Mídia"
    assert best["INSTRUMENTOS MUSICAIS"][0] == "Artes e entretenimento"
    assert best["ARTIGOS PARA FESTA"][0] == "Artes e entretenimento"
    assert best["FERRAMENTAS"][0] == "Ferragens"
    # a store's own tree keeps the nearer department
    assert _best(["FERRAMENTAS"], ["Casa e Construção", "Ferragens"])["FERRAMENTAS"][0] == "Casa e Construção"


def test_a_value_without_a_qualifier_goes_to_the_generic_sibling():
    channel = ["livros_tecnicos", "livros_interesse_geral", "livros_importados"]
    assert _best(["Livros", "Livros Técnicos"], channel) == {
        "Livros": ("livros_interesse_geral", False),
        "Livros Técnicos": ("livros_tecnicos", True),
    }


def test_lighting_is_its_own_department_and_backs_off_to_decoration():
    assert _best(["LUMINARIAS E LUSTRES"], ["Decoração", "Iluminação", "Plantas"])["LUMINARIAS E LUSTRES"] == (
        "Iluminação",
        False,
    )
    assert _best(["LUMINARIAS E LUSTRES"], ["Decoração", "Plantas", "Moda"])["LUMINARIAS E LUSTRES"][0] == "Decoração"


def test_shoes_are_not_trousers():
    # "calçados" and "calças" share a light stem: shoes are read as sapato
    assert words("Calçados").isdisjoint(words("Calças")) and words("Calçados") == words("Sapatos")
    best = _best(["TENIS", "SANDALIAS FEM.", "CALCA JEANS"], ["Moda > Calças", "Moda > Calçados", "Casa"])
    assert best["TENIS"][0] == best["SANDALIAS FEM."][0] == "Moda > Calçados"
    assert best["CALCA JEANS"][0] == "Moda > Calças"
