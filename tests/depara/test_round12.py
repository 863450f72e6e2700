"""Round 12: delivery and collection states of carriers and TMSs; gateway and billing states."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.depara.suggested import described, one_row, top_label

# A TMS-like list of delivery situations (the near-duplicates are the point)
DELIVERY = [
    "Aguardando coleta",
    "Coleta não realizada",
    "Coletado",
    "Em trânsito",
    "Saiu para entrega",
    "Entrega agendada",
    "Aguardando retirada",
    "Entregue",
    "Retirado no ponto",
    "Entrega não realizada",
    "Cancelado",
]


@pytest.mark.parametrize(
    ("value", "description", "top"),
    [
        ("DELIVERY_FAILED", "", "Entrega não realizada"),
        ("Falha na entrega", "", "Entrega não realizada"),
        ("COLLECT_FAILED", "", "Coleta não realizada"),
        ("Falha na coleta", "", "Coleta não realizada"),
        ("START_DELIVERY", "Em Rota", "Saiu para entrega"),
        ("WITHDRAWN", "Retirado", "Retirado no ponto"),
    ],
)
def test_a_carriers_failed_attempt_route_and_pickup_are_their_own_states(value, description, top):
    row = one_row("order_status", described(value, description), DELIVERY)
    assert (top_label(row), bool(row["preaccepted"])) == (top, True)


def test_a_failed_collection_without_its_erp_value_falls_back_to_awaiting_collection():
    # the broader concept (concepts.csv): the parcel still waits to be collected
    erp = [v for v in DELIVERY if v != "Coleta não realizada"]
    assert top_label(one_row("order_status", ["Falha na coleta"], erp)) == "Aguardando coleta"


def test_a_pickup_by_the_buyer_without_its_erp_value_is_a_delivery_for_a_person():
    erp = [v for v in DELIVERY if v != "Retirado no ponto"]
    row = one_row("order_status", ["Retirado pelo cliente"], erp)
    assert (top_label(row), bool(row["preaccepted"])) == ("Entregue", False)
    # and a plain delivery is not the pickup
    row = one_row("order_status", ["delivered"], DELIVERY)
    assert (top_label(row), bool(row["preaccepted"])) == ("Entregue", True)


PAYMENT = [
    "PAGTO - AGUARDANDO PAGAMENTO",
    "PAGTO - EM PROCESSAMENTO",
    "PAGTO - EM ANALISE",
    "PAGTO - APROVADO",
    "PAGTO - RECUSADO",
    "PAGTO - CANCELADO",
]


@pytest.mark.parametrize(
    ("value", "description", "top"),
    [
        ("pending_contingency", "in_process: We are processing your payment.", "PAGTO - EM PROCESSAMENTO"),
        ("pending_review_manual", "in_process: We are processing your payment.", "PAGTO - EM ANALISE"),
        ("Revisão manual", "", "PAGTO - EM ANALISE"),
        ("generating", "Gerando", "PAGTO - EM PROCESSAMENTO"),
    ],
)
def test_a_payment_queued_or_generated_is_processing_and_a_manual_review_is_in_analysis(value, description, top):
    assert top_label(one_row("order_status", described(value, description), PAYMENT)) == top


def test_an_erps_overdue_without_payment_is_overdue_not_cancelled():
    erp = ["Agendado", "Pago", "Pago parcialmente", "Vencido sem pagamento", "Cancelado"]
    row = one_row("order_status", described("Vencido", "Pagamento não efetuado na data indicada."), erp)
    assert top_label(row) == "Vencido sem pagamento"


GATEWAY = [
    "pendente",
    "aguardando_cliente",
    "em_processamento",
    "autorizado",
    "aprovado",
    "recusado",
    "falha",
    "cancelado",
]


def test_an_error_asking_for_the_authorization_is_a_failure_not_an_authorization():
    row = one_row(
        "order_status", described("ERR", "Error authorizing payment: communication error. Try again."), GATEWAY
    )
    assert (top_label(row), bool(row["preaccepted"])) == ("falha", True)


FAMILIES = [
    "Eletrodomésticos > Refrigeradores",
    "Eletrodomésticos > Refrigeradores > 2 Portas",
    "Informática > Notebook",
]


def _category(erp_value: str, channel_list: list[str]) -> str:
    # category is an ERP -> channel kind: the ERP's group is the value, the channel's list the choices
    row = one_row("category", pd.DataFrame({"category": channel_list}), pd.DataFrame({"category": [erp_value]}))
    return top_label(row)


def test_a_family_numbered_otherwise_is_not_that_family():
    assert _category("ELETRO - GELADEIRA 1 PORTA", FAMILIES) == "Eletrodomésticos > Refrigeradores"
    assert _category("ELETRO - GELADEIRA 2 PORTAS", FAMILIES) == "Eletrodomésticos > Refrigeradores > 2 Portas"
    stoves = ["Fogões > 4 Bocas", "Fogões > 5 Bocas", "Fogões > Cooktop"]
    assert _category("FOGAO 5 BOCAS INOX", stoves) == "Fogões > 5 Bocas"


def test_codes_decimals_and_sizes_are_not_counts():
    from kit.depara.keys import _counts

    assert _counts("01.09 HD INTERNO 3.5 SATA 7200RPM") == frozenset()
    assert {n for _, n in _counts("GELADEIRA 1 PORTA")} == {1}


DAFITI = [
    "Calçados Femininos",
    "Roupas Femininas",
    "Bolsas e Acessórios Femininos",
    "Calçados Infantis",
    "Roupas Infantis",
    "Bolsas e Acessórios Infantis",
    "Calçados Esportivos",
]


@pytest.mark.parametrize(
    ("value", "top"),
    [
        ("Pijama Infantil", "Roupas Infantis"),
        ("Mochila Infantil", "Bolsas e Acessórios Infantis"),
        ("Sandália Infantil", "Calçados Infantis"),
    ],
)
def test_an_audience_word_qualifies_the_family_it_does_not_name_it(value, top):
    assert _category(value, DAFITI) == top


def test_an_audience_word_naming_a_department_of_its_own_still_names_it():
    assert _category("ARTIGOS PARA BEBE", ["Bebês", "Saúde", "Brinquedos e Jogos", "Esportes"]) == "Bebês"
    assert _category("ENXOVAL DE BEBE", ["Mãe e Bebê", "Moda Infantil", "Casa"]) == "Mãe e Bebê"


@pytest.mark.parametrize(
    ("value", "description", "top"),
    [
        ("PLACED", "Novo pedido na plataforma", "Em aberto"),
        ("pedido_efetuado", "Pedido Efetuado", "Em aberto"),
        ("Pagamento efetuado", "", "Pago"),
    ],
)
def test_an_order_placed_is_open_and_a_payment_made_is_paid(value, description, top):
    erp = ["Em aberto", "Confirmada", "Pago", "Cancelada", "Devolvida"]
    row = one_row("order_status", described(value, description), erp)
    assert (top_label(row), bool(row["preaccepted"])) == (top, True)


# KaBuM!'s gamer section and peripherals (fresh8's channel list, its gamer and peripheral families)
GAMER = [
    f"Gamer > {console} > {family} {console}"
    for console in ("PlayStation", "Nintendo", "Xbox")
    for family in ("Consoles", "Controles", "Acessórios")
] + ["Periféricos > Mouse Pad", "Periféricos > Teclado e Mouse", "Periféricos > Mouse Gamer"]


@pytest.mark.parametrize(
    ("value", "top"),
    [
        ("04.02 CONTROLE DUALSENSE PS5", "Gamer > PlayStation > Controles PlayStation"),
        ("ACESS. PS4 BASE CARREGADORA", "Gamer > PlayStation > Acessórios PlayStation"),
        ("03.07 MOUSEPAD SPEED GRANDE", "Periféricos > Mouse Pad"),
    ],
)
def test_a_console_by_its_model_and_a_compound_the_store_splits(value, top):
    assert _category(value, GAMER) == top


def test_a_vacuum_cleaner_is_a_small_appliance_not_powdered_milk():
    shopee = [
        "Mãe e Bebê > Leite em Pó e Comida para Bebês",
        "Eletrodomésticos > Eletrodomésticos Pequenos",
        "Eletrodomésticos > Grandes Eletrodomésticos",
    ]
    assert _category("Eletroportáteis | Aspirador de Pó", shopee) == "Eletrodomésticos > Eletrodomésticos Pequenos"


def test_a_wedding_dress_is_not_a_house_item():
    # "casamento" stemmed as "casa": the bride's family and the wedding read as a bride's, the house keeps its word
    shopee = [
        "Roupas Femininas > Vestidos",
        "Roupas Femininas > Vestidos de Casamento",
        "Casa e Construção > Artigos de Cuidados com a Casa",
        "Casa e Construção > Decoração",
    ]
    assert _category("VESTIDO NOIVA", shopee) == "Roupas Femininas > Vestidos de Casamento"
    assert _category("CASA - ARTIGOS DE LIMPEZA", shopee) == "Casa e Construção > Artigos de Cuidados com a Casa"


def test_bed_linen_is_a_home_textile_not_a_bed_and_the_plural_of_ol():
    from kit.depara.words import stem

    assert stem("lencois") == stem("lencol") and stem("farois") == stem("farol")
    ml = [
        "Casa, Móveis e Decoração > Camas, Colchões e Acessórios",
        "Casa, Móveis e Decoração > Têxteis de Casa e Decoração",
        "Casa, Móveis e Decoração > Enfeites e Decoração da Casa",
        "Casa, Móveis e Decoração > Móveis para Casa",
    ]
    assert _category("Jogo de Cama e Lençóis", ml) == "Casa, Móveis e Decoração > Têxteis de Casa e Decoração"
    assert _category("Cama Box Casal", ml) == "Casa, Móveis e Decoração > Camas, Colchões e Acessórios"


def test_a_house_word_never_backs_off_to_the_brides_family():
    from kit.depara.words import back_levels, words

    levels = back_levels(words("CASA INTELIGENTE CAMERA"))
    assert not any("noiv" in level for level in levels)


def test_a_group_after_its_department_goes_to_its_family_before_a_target_of_the_department_only():
    pichau = [
        "Notebooks > Notebooks",
        "Notebooks > Notebook Gamer",
        "Hardware > Ventoinhas e Casemod",
        "Hardware > Fonte",
    ]
    assert _category("INFORMATICA - FAN / VENTOINHA RGB", pichau) == "Hardware > Ventoinhas e Casemod"
    # the department still decides when the list does not name the family
    assert _category("INFORMATICA - NOTEBOOK 15 POL", pichau) == "Notebooks > Notebooks"


def test_a_pets_feeder_is_a_feeding_accessory():
    pets = ["Casa Inteligente > Pet Care", "Pets > Coleiras, Guias e Peitorais", "Pets > Acessórios para Alimentação"]
    row = one_row(
        "category", pd.DataFrame({"category": pets}), pd.DataFrame({"category": ["PET - COMEDOURO / BEBEDOURO"]})
    )
    assert "Pets > Acessórios para Alimentação" in [c["label"] for c in row["candidates"]]
