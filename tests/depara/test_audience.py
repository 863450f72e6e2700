"""Gender and audience qualifiers: a value naming one prefers that sibling (kit/depara/audience.py)."""

from __future__ import annotations

from kit.depara.audience import Siblings, clash, marks
from kit.depara.suggest import suggest
from kit.depara.words import words


def _marks(text: str) -> frozenset[str]:
    return marks(words(text))


def test_erp_abbreviations_read_as_gender_and_audience():
    assert _marks("BLUSA FEM. M/CURTA") == {"f"}
    assert _marks("CAMISETA MASC.") == {"m"}
    assert _marks("TENIS INF. MENINA") == {"c", "f"}
    assert _marks("Body Bebê") == {"c"}
    assert _marks("Tênis de Corrida Unissex") == {"u"}
    assert _marks("Panela de Pressão") == frozenset()
    assert _marks("INFO > NOTEBOOKS") == frozenset()  # INFO is informática, not INF.
    assert _marks("CUECA BOXER") == {"m"} and _marks("Sutiã com Bojo") == {"f"}


def test_what_clashes():
    f, m, c, u = (frozenset(x) for x in ("f", "m", "c", "u"))
    assert clash(f, m) and clash(m, f)
    assert clash(c | f, f)  # a girl's shoe is not in the women's shoes
    assert clash(f, c | f)  # nor the other way round
    assert clash(u, m)
    assert not clash(f, f) and not clash(c, c | m) and not clash(f, frozenset()) and not clash(frozenset(), m)


def test_siblings_are_the_same_family_or_the_department_under_another_gender():
    values = [
        "Roupas Femininas > Blusas",
        "Roupas Masculinas > Blusas",
        "Calçados Femininos",
        "Calçados Masculinos > Tênis",
    ]
    ws = [words(v.split(" > ")[-1]) for v in values]
    parents = [words(v.split(" > ")[0]) if " > " in v else frozenset() for v in values]
    sib = Siblings(ws, parents)
    assert sib.of(0) == ([1], [])
    assert sib.of(3) == ([], [2])


def _first(value: str, targets: list[str]) -> tuple[str, bool]:
    row = suggest("category", targets, [value], learned=False).iloc[0]
    return row["channel_category"], bool(row["preaccepted"])


def test_a_gendered_value_goes_to_its_own_gender_and_is_not_preaccepted_elsewhere():
    shopee = ["Roupas Femininas > Blusas", "Roupas Masculinas > Blusas", "Relógios > Relógios Masculinos"]
    assert _first("CAMISETA MASC. BASICA", shopee)[0] == "Roupas Masculinas > Blusas"
    assert _first("BLUSA FEM. M/CURTA", shopee)[0] == "Roupas Femininas > Blusas"
    # the family exists only under the other gender: that gender's department is suggested, not the family
    dafiti = ["Calçados Masculinos > Tênis Casual", "Calçados Masculinos", "Calçados Femininos", "Calçados Infantis"]
    assert _first("Tênis Casual Fem", dafiti) == ("Calçados Femininos", False)
    assert _first("Tênis Infantil Velcro", dafiti)[0] == "Calçados Infantis"
    # without a qualifier nothing changes
    assert _first("Tênis Casual", dafiti)[0] == "Calçados Masculinos > Tênis Casual"


def test_a_value_naming_no_audience_is_an_adults():
    shop = ["Mãe e Bebê > Banho e Cuidados com o Corpo", "Beleza > Banho e Cuidados com o Corpo"]
    assert _first("Higiene | Sabonete Líquido", shop)[0] == "Beleza > Banho e Cuidados com o Corpo"
    assert _first("Bebê | Sabonete Infantil", shop)[0] == "Mãe e Bebê > Banho e Cuidados com o Corpo"


def test_a_product_only_one_gender_wears_finds_that_genders_family():
    shop = [
        "Roupas Femininas > Lingerie e Roupa Íntima",
        "Roupas Masculinas > Roupa íntima",
        "Roupas Masculinas > Calças",
    ]
    assert _first("CUECA BOXER", shop)[0] == "Roupas Masculinas > Roupa íntima"
