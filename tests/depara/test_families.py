"""Product categories: the product-family lexicon (``kit/depara/data/families.csv``).

A store's tree names the family ("Moda Íntima", "Refrigeração") where the ERP names the product
("CUECA", "GELADEIRA"); a family backs off to its department when the list lacks the family. These
tests use made-up lists, not the evaluation set.
"""

from __future__ import annotations

from kit.depara.suggest import suggest
from kit.depara.words import back_levels, load_departments, stem, words


def _best(erp_values: list[str], channel: list[str]) -> dict[str, tuple[str, bool]]:
    """ERP category -> (the channel category suggested first, pre-accepted)."""
    table = suggest("category", channel, erp_values, learned=False)
    return {r["erp_category"]: (r["channel_category"], bool(r["preaccepted"])) for r in table.to_dict("records")}


def test_apparel_products_find_their_family_and_are_never_preaccepted():
    channel = ["Moda > Moda Íntima", "Moda > Moda Praia", "Moda > Agasalhos", "Moda > Camisetas", "Moda > Calças"]
    erp = ["CUECA SLIP", "SUTIA", "SUNGA BOXER", "BIQUINI CORTININHA", "CARDIGAN", "REGATA NADADOR"]
    best = _best(erp, channel)
    assert best["CUECA SLIP"] == ("Moda > Moda Íntima", False)
    assert best["SUTIA"] == ("Moda > Moda Íntima", False)
    assert best["BIQUINI CORTININHA"] == ("Moda > Moda Praia", False)
    assert best["CARDIGAN"] == ("Moda > Agasalhos", False)
    assert best["REGATA NADADOR"] == ("Moda > Camisetas", False)
    assert not any(pre for _, pre in best.values())


def test_a_family_backs_off_to_its_department_when_the_list_lacks_the_family():
    # no underwear or beachwear family in this list: the department is the next best answer
    best = _best(["CUECA SLIP", "BIQUINI CORTININHA"], ["Roupas", "Calçados", "Beleza", "Casa"])
    assert best["CUECA SLIP"][0] == "Roupas"
    assert best["BIQUINI CORTININHA"][0] == "Roupas"


def test_beauty_products_go_to_their_family_not_to_any_beauty_family():
    channel = ["Beleza > Cabelos", "Beleza > Maquiagem", "Beleza > Unhas", "Beleza > Perfumes", "Beleza > Barbearia"]
    best = _best(["SHAMPOO ANTICASPA", "BATOM MATTE", "ESMALTE CREMOSO", "POS BARBA", "DEO COLONIA"], channel)
    assert best["SHAMPOO ANTICASPA"][0] == "Beleza > Cabelos"
    assert best["BATOM MATTE"][0] == "Beleza > Maquiagem"
    assert best["ESMALTE CREMOSO"][0] == "Beleza > Unhas"
    assert best["POS BARBA"][0] == "Beleza > Barbearia"
    assert best["DEO COLONIA"][0] == "Beleza > Perfumes"


def test_large_appliances_go_to_their_family_and_small_ones_to_small_appliances():
    channel = ["Eletrodomésticos > Refrigeração", "Eletrodomésticos > Fogões e Fornos", "Eletrodomésticos > Lavadoras",
               "Eletrodomésticos > Pequenos Eletrodomésticos", "Casa > Cozinha"]  # fmt: skip
    best = _best(["GELADEIRA FROST FREE", "MICROONDAS 30L", "LAVA LOUCAS 8 SERVICOS", "BATEDEIRA PLANETARIA"], channel)
    assert best["GELADEIRA FROST FREE"][0] == "Eletrodomésticos > Refrigeração"
    assert best["MICROONDAS 30L"][0] == "Eletrodomésticos > Fogões e Fornos"
    assert best["LAVA LOUCAS 8 SERVICOS"][0] == "Eletrodomésticos > Lavadoras"
    assert best["BATEDEIRA PLANETARIA"][0] == "Eletrodomésticos > Pequenos Eletrodomésticos"
    # without the families, a large appliance is still an appliance
    assert _best(["GELADEIRA FROST FREE"], ["Eletrodomésticos", "Casa", "Moda"])["GELADEIRA FROST FREE"][0] == (
        "Eletrodomésticos"
    )


def test_a_family_named_by_a_common_word_does_not_make_that_word_a_department_elsewhere():
    # "peca" names the one-piece family (peça única) and "acessorio" the shoe accessories: a
    # car part or a fashion accessory must not back off to clothing or footwear
    up = load_departments().broader
    families_departments = {stem(w) for w in ("roupa", "vestuario", "sapato", "beleza", "casa", "domestica")}
    for common in ("peca", "acessorio", "escolar", "profissional", "limpeza", "seguranca", "utensilio"):
        assert not families_departments.intersection(up.get(stem(common), ())), common
    levels = back_levels(words("PECAS P/ MOTO"))
    assert all(stem("roupa") not in level for level in levels)
    assert all(stem("sapato") not in level for level in levels)


def test_domestic_animals_are_pets_and_a_console_name_is_a_game():
    # "domésticos" alone would send household goods to the pets' department
    channel = ["Animais Domésticos", "Casa e Decoração", "Games e Consoles", "Celulares", "Hardware"]
    best = _best(["UTILIDADES DOMESTICAS", "JOGOS PS5", "RACAO P/ GATOS"], channel)
    assert best["UTILIDADES DOMESTICAS"][0] == "Casa e Decoração"
    assert best["JOGOS PS5"][0] == "Games e Consoles"
    assert best["RACAO P/ GATOS"][0] == "Animais Domésticos"


def test_the_plural_of_om_and_family_synonyms():
    assert stem("moletons") == stem("moletom") and stem("batons") == stem("batom")
    best = _best(
        ["MOLETOM CANGURU", "ROUPA GESTANTE", "BOLSA TIRACOLO"],
        ["Roupas > Moletons e Suéteres", "Roupas > Jaquetas e Casacos", "Roupas > Roupas de Maternidade",
         "Roupas > Roupas Tradicionais", "Bolsas > Bolsas Transversais", "Bolsas > Bolsas Tote"],
    )  # fmt: skip
    assert best["MOLETOM CANGURU"][0] == "Roupas > Moletons e Suéteres"
    assert best["ROUPA GESTANTE"][0] == "Roupas > Roupas de Maternidade"
    assert best["BOLSA TIRACOLO"][0] == "Bolsas > Bolsas Transversais"


def test_linha_branca_is_the_large_appliances():
    best = _best(
        ["Linha Branca | Geladeiras", "LINHA BRANCA"],
        ["Eletrodomésticos > Eletrodomésticos Pequenos", "Eletrodomésticos > Eletrodomésticos Grandes"],
    )
    assert best["Linha Branca | Geladeiras"][0] == "Eletrodomésticos > Eletrodomésticos Grandes"
    assert best["LINHA BRANCA"][0] == "Eletrodomésticos > Eletrodomésticos Grandes"


def test_computer_parts_keep_their_own_family_under_hardware():
    # made-up lists: a hardware department with its families, and a tree with only departments
    channel = ["Hardware > Memória", "Hardware > Placa-mãe", "Hardware > Placas Gráficas", "Hardware > Fonte",
               "Informática > Energia", "Informática > Notebooks", "Games > Consoles", "TV e Vídeo"]  # fmt: skip
    erp = ["MEMORIA RAM DDR5 16GB", "PLACA MAE B550", "PLACA DE VIDEO RTX 4060", "FONTE ATX 750W",
           "NOBREAK 1200VA", "LAPTOP 15 POL", "PLAYSTATION 5 SLIM"]  # fmt: skip
    best = _best(erp, channel)
    assert best["MEMORIA RAM DDR5 16GB"] == ("Hardware > Memória", False)
    assert best["PLACA MAE B550"][0] == "Hardware > Placa-mãe"
    assert best["PLACA DE VIDEO RTX 4060"][0] == "Hardware > Placas Gráficas"
    assert best["FONTE ATX 750W"][0] == "Hardware > Fonte"
    assert best["NOBREAK 1200VA"][0] == "Informática > Energia"
    assert best["LAPTOP 15 POL"][0] == "Informática > Notebooks"
    assert best["PLAYSTATION 5 SLIM"][0] == "Games > Consoles"
    # a video card is hardware, not the TV and video department, where the list has no card family
    assert _best(["PLACA DE VIDEO RTX 4060"], ["Hardware", "TV e Vídeo", "Games"])["PLACA DE VIDEO RTX 4060"][0] == (
        "Hardware"
    )


def test_what_a_product_is_for_ranks_below_the_product_itself():
    # "P/ NOTEBOOK" says what the charger is for: the chargers' family first, not the notebooks'
    channel = ["Notebooks > Notebooks", "Notebooks > Carregadores e Fontes", "Monitores > Monitores",
               "Monitores > Suportes"]  # fmt: skip
    best = _best(["NOTEBOOKS - CARREGADOR P/ NOTEBOOK", "SUPORTE ARTICULADO PARA MONITOR"], channel)
    assert best["NOTEBOOKS - CARREGADOR P/ NOTEBOOK"] == ("Notebooks > Carregadores e Fontes", False)
    assert best["SUPORTE ARTICULADO PARA MONITOR"] == ("Monitores > Suportes", False)


def test_a_path_written_with_pipes_is_matched_on_its_last_level():
    # "Beleza | Esmaltes" is the family of nail polish under beauty, as "Beleza > Esmaltes" is
    channel = ["Beleza > Utensílios de Beleza", "Beleza > Maquiagem", "Beleza > Cuidados com as Unhas", "Casa > Banho"]
    for erp in ("Beleza | Esmaltes", "Beleza > Esmaltes"):
        assert _best([erp], channel)[erp][0] == "Beleza > Cuidados com as Unhas", erp


def test_a_pet_medicine_finds_the_medicine_family_of_its_animal_not_the_food():
    channel = ["Cães > Ração", "Cães > Medicamentos", "Cães > Brinquedos", "Gatos > Areia"]
    best = _best(["VERMIFUGO CAES 10KG", "ANTIPULGAS CAES"], channel)
    assert best["VERMIFUGO CAES 10KG"] == ("Cães > Medicamentos", False)
    assert best["ANTIPULGAS CAES"] == ("Cães > Medicamentos", False)


def test_computer_store_abbreviations_name_their_product():
    channel = [
        "Hardware > Memória RAM",
        "Hardware > Placa-mãe",
        "Notebooks > Notebook Gamer",
        "Notebooks > Notebook Office",
        "Periféricos > Mouse Gamer",
        "Periféricos > Teclado Gamer",
    ]
    best = _best(["MEM. RAM SODIMM P/ NOTEBOOK", "NB GAMER RTX 4060"], channel)
    assert best["MEM. RAM SODIMM P/ NOTEBOOK"] == ("Hardware > Memória RAM", False)
    assert best["NB GAMER RTX 4060"] == ("Notebooks > Notebook Gamer", False)
