"""Round 13: what a value's description says narrows it; gateway, refund and dispute states; payment forms."""

from __future__ import annotations

import pytest

from tests.depara.suggested import described, one_row, top_label

CANCELLATIONS = ["CANCELADA", "CANCELADA PELO COMPRADOR", "EXPIRADA", "ESTORNADA"]


def test_a_description_naming_the_buyer_narrows_a_cancellation_to_the_buyers():
    row = one_row("order_status", described("cancelled", "The shopper has cancelled the order."), CANCELLATIONS)
    assert (top_label(row), bool(row["preaccepted"])) == ("CANCELADA PELO COMPRADOR", True)
    # without a description the value is just a cancellation
    row = one_row("order_status", ["cancelled"], CANCELLATIONS)
    assert (top_label(row), bool(row["preaccepted"])) == ("CANCELADA", True)


@pytest.mark.parametrize("erp", ["Cancelada pelo cliente", "CANCELADA PELO PAGADOR"])
def test_a_cancellation_by_the_buyer_written_in_the_feminine_is_the_buyers(erp):
    row = one_row("order_status", ["canceled by buyer"], ["Cancelada", erp, "Expirada"])
    assert (top_label(row), bool(row["preaccepted"])) == (erp, True)


def test_a_pending_payment_described_as_still_being_processed_is_in_processing():
    value = described("PENDING", "The transfer is still being processed by the bank.")
    row = one_row("order_status", value, ["Aguardando pagamento", "Em processamento", "Pago"])
    assert top_label(row) == "Em processamento"
    # "pending" alone is still awaited
    row = one_row("order_status", ["PENDING"], ["Aguardando pagamento", "Em processamento", "Pago"])
    assert (top_label(row), bool(row["preaccepted"])) == ("Aguardando pagamento", True)


def test_a_description_restating_the_value_does_not_narrow_it():
    # VTEX's ready-for-handling (paid, to be handled) described as "Ready for handling": its own words again
    value = described("ready-for-handling", "Ready for handling")
    row = one_row("order_status", value, ["Pago", "Em separação", "Cancelado"], channel_type="vtex")
    assert top_label(row) == "Pago"


# --- how ERPs write a state: a code or label before its name, the feminine of a transaction's state -------------


@pytest.mark.parametrize(
    ("value", "erp", "top"),
    [
        ("paid", ["Fin: Aguardando pagto", "Fin: Pago", "Fin: Pago parcial"], "Fin: Pago"),
        ("refunded", ["[PEND] Aguardando", "[ESTR] Estornado", "[ESTP] Estornado parcial"], "[ESTR] Estornado"),
        ("delivered", ["E - EXPEDIDO", "N - ENTREGUE", "NR - ENTREGA NAO REALIZADA"], "N - ENTREGUE"),
    ],
)
def test_a_code_or_label_before_an_erp_states_name_does_not_hide_it(value, erp, top):
    row = one_row("order_status", [value], erp)
    assert (top_label(row), bool(row["preaccepted"])) == (top, True)


def test_an_acronym_before_an_erp_payment_forms_name_does_not_hide_it():
    erp = ["CC - CARTAO DE CREDITO", "CD - CARTAO DE DEBITO", "CART - CARTEIRA DIGITAL", "PPL - PAYPAL"]
    row = one_row("payment_method", ["credit_card"], erp)
    assert (top_label(row), bool(row["preaccepted"])) == ("CC - CARTAO DE CREDITO", True)
    # a named wallet the list lacks backs off to its generic wallet
    assert top_label(one_row("payment_method", ["amazon_pay"], erp)) == "CART - CARTEIRA DIGITAL"


@pytest.mark.parametrize(
    ("value", "top"), [("partially_refunded", "Estornada parcialmente"), ("refunded", "Estornada")]
)
def test_a_state_written_in_the_feminine_is_the_same_state(value, top):
    row = one_row("order_status", [value], ["Autorizada", "Estornada", "Estornada parcialmente", "Cancelada"])
    assert (top_label(row), bool(row["preaccepted"])) == (top, True)


@pytest.mark.parametrize(
    ("value", "description", "top"),
    [
        ("CAPTURE_FAILED", "", "Falha na captura"),
        ("FAILED", "capture: there was an error while capturing the payment.", "Falha na captura"),
        ("refund_failed", "", "Falha no estorno"),
        ("failed", "", "Falha no processamento"),
    ],
)
def test_a_failed_capture_or_refund_is_a_failure_of_its_own(value, description, top):
    erp = [
        "[PROC] Em processamento",
        "[ERRO] Falha no processamento",
        "[FCAP] Falha na captura",
        "[FEST] Falha no estorno",
    ]
    row = one_row("order_status", described(value, description), erp)
    assert top_label(row)[7:] == top


# --- payment forms: buy now pay later, direct debit, wallets ------------------------------------------------------

FORMS = [
    "Cartão de crédito",
    "Cartão de débito",
    "Crediário",
    "Débito automático",
    "Transferência bancária",
    "Carteira digital",
    "Apple Pay",
    "Google Pay",
    "Compre agora, pague depois",
]


@pytest.mark.parametrize(
    ("value", "top"),
    [
        ("klarna", "Compre agora, pague depois"),
        ("affirm", "Compre agora, pague depois"),
        ("Buy now, pay later", "Compre agora, pague depois"),
        ("sepa_debit", "Débito automático"),
        ("ACH Direct Debit", "Débito automático"),
        ("alipay", "Carteira digital"),
        ("wechat_pay", "Carteira digital"),
        ("google_pay", "Google Pay"),
        ("applepay", "Apple Pay"),
    ],
)
def test_buy_now_pay_later_direct_debit_and_wallets_named_in_english(value, top):
    assert top_label(one_row("payment_method", [value], FORMS)) == top


def test_a_named_wallet_the_list_lacks_is_the_generic_wallet_not_another_named_one():
    erp = [v for v in FORMS if v != "Google Pay"]
    assert top_label(one_row("payment_method", ["google_pay"], erp)) == "Carteira digital"


# --- gateway states: captures, refunds, chargebacks, the buyer's action --------------------------------------------

GATEWAY = [
    "Aguardando pagamento",
    "Aguardando autenticação do comprador",
    "Autorizada",
    "Capturada",
    "Falha no processamento",
    "Falha na captura",
    "Falha no estorno",
    "Estornada",
    "Chargeback",
    "Chargeback em disputa",
    "Chargeback revertido",
    "Chargeback perdido",
    "Pedido de informação do emissor",
]


@pytest.mark.parametrize(
    ("value", "description", "top"),
    [
        ("CHARGEBACK_REVERSED", "", "Chargeback revertido"),
        ("dispute_lost", "", "Chargeback perdido"),
        ("chargeback", "", "Chargeback"),
        ("retrieval_request", "", "Pedido de informação do emissor"),
        ("requires_action", "", "Aguardando autenticação do comprador"),
        ("requires_capture", "", "Autorizada"),
        ("AUTHORISED", "", "Autorizada"),
        ("succeeded", "", "Capturada"),
        ("NOT_CHARGED", "", "Aguardando pagamento"),
    ],
)
def test_gateway_capture_refund_chargeback_and_buyer_action_states(value, description, top):
    assert top_label(one_row("order_status", described(value, description), GATEWAY)) == top


def test_a_lost_chargeback_without_its_erp_value_is_a_chargeback_but_a_reversed_one_is_not():
    erp = [v for v in GATEWAY if v not in ("Chargeback perdido", "Chargeback revertido")]
    assert top_label(one_row("order_status", ["dispute lost"], erp)) == "Chargeback"
    row = one_row("order_status", ["chargeback reversed"], erp)
    assert not row["preaccepted"]


def test_a_partial_state_is_not_the_first_suggestion_for_a_value_that_does_not_say_partial():
    # "Pendente" is awaited payment; the ERP's "Pago parcialmente" narrows it by a qualifier the value lacks
    erp = ["Pago parcialmente", "Aguardando autorização", "Cancelado"]
    row = one_row("order_status", ["Pendente"], erp)
    labels = [c["label"] for c in row["candidates"]]
    assert labels[0] == "Aguardando autorização" and "Pago parcialmente" in labels
    # a value that says partial still finds it first
    assert top_label(one_row("order_status", ["partially_paid"], erp)) == "Pago parcialmente"


POSITIONS = ["P - PENDENTE", "L - LIBERADO", "S - EM SEPARACAO", "M - MONTADO (PRONTO P/ EXPEDIR)", "E - EXPEDIDO"]


@pytest.mark.parametrize(
    ("value", "top"),
    [
        ("aprovado", "L - LIBERADO"),
        ("Preparando envio", "S - EM SEPARACAO"),
        ("ready_to_ship", "M - MONTADO (PRONTO P/ EXPEDIR)"),
    ],
)
def test_an_order_released_prepared_or_assembled_for_dispatch(value, top):
    assert top_label(one_row("order_status", [value], POSITIONS)) == top


RECEIVABLES = [
    "Título em aberto",
    "Título vencido",
    "Liquidado pelo banco",
    "Liquidado em cartório",
    "Aguardando registro",
    "Erro no registro",
    "Pago parcialmente",
]


@pytest.mark.parametrize(
    ("value", "top"),
    [
        ("EM CARTEIRA", "Título em aberto"),
        ("ATIVA", "Título em aberto"),
        ("A_RECEBER", "Título em aberto"),
        ("LIQUIDADO", "Liquidado pelo banco"),
        ("FALHA NA EMISSAO", "Erro no registro"),
        ("EM_PROCESSAMENTO", "Aguardando registro"),
    ],
)
def test_a_receivables_open_settled_unregistered_and_failed_titles(value, top):
    assert top_label(one_row("order_status", [value], RECEIVABLES)) == top


@pytest.mark.parametrize(
    ("value", "description", "top"),
    [
        ("EST", "Reversed: payment cancelled.", "Estornado"),
        ("AGU", "Awaiting user: transaction awaiting user action.", "Aguardando ação do cliente"),
    ],
)
def test_a_gateways_reversed_and_awaiting_user_transaction(value, description, top):
    erp = ["Aguardando pagamento", "Aguardando ação do cliente", "Aprovado", "Cancelado", "Estornado"]
    assert top_label(one_row("order_status", described(value, description), erp)) == top


@pytest.mark.parametrize(
    ("value", "description", "top"),
    [
        ("won", "The dispute was decided in the merchant's favour.", "Chargeback revertido"),
        ("lost", "The dispute was decided for the cardholder.", "Chargeback perdido"),
        ("failed", "The refund could not be sent to the customer's bank.", "Falha no estorno"),
    ],
)
def test_a_value_the_dictionary_does_not_know_is_read_with_its_descriptions_subject(value, description, top):
    row = one_row("order_status", described(value, description), GATEWAY)
    assert top_label(row) == top


def test_a_value_is_not_read_with_its_descriptions_subject_without_a_description():
    assert top_label(one_row("order_status", ["won"], GATEWAY)) != "Chargeback revertido"


def test_a_refund_waiting_to_be_made_is_not_a_refund_made():
    erp = ["Aguardando pagamento", "Estorno solicitado", "Estornado", "Estornado parcialmente"]
    assert top_label(one_row("order_status", ["WAITING_REFUND"], erp)) == "Estorno solicitado"
    assert top_label(one_row("order_status", ["refund"], erp)) == "Estornado"


# --- categories: the product a name starts with -------------------------------------------------------------------

STORE = [
    "Hardware > Disco Rígido HD",
    "Hardware > Processadores",
    "Hardware > Coolers > Air Cooler",
    "Periféricos > Webcam e Videoconferência",
    "Roupas Femininas > Saias",
    "Roupas Femininas > Conjuntos",
]


@pytest.mark.parametrize(
    ("group", "top"),
    [
        ("WEBCAM FULL HD", "Periféricos > Webcam e Videoconferência"),
        ("COOLER P/ PROCESSADOR (AR)", "Hardware > Coolers > Air Cooler"),
        ("CONJUNTO FEM. CROPPED + SAIA", "Roupas Femininas > Conjuntos"),
        ("HD INTERNO SATA 7200RPM", "Hardware > Disco Rígido HD"),
    ],
)
def test_an_erp_group_is_first_the_product_its_name_starts_with(group, top):
    # the store's list is the target of an ERP group (an "out" kind)
    assert top_label(one_row("category", STORE, [group])) == top


COMPUTERS = [
    "Hardware > Placa de Vídeo VGA",
    "Hardware > Placas-mãe > Placa-mãe AMD",
    "Hardware > Memória RAM",
    "Hardware > SSD 2.5",
    "Computadores > PC > Computador AMD",
    "Computadores > PC > Computador Intel",
]


@pytest.mark.parametrize(
    ("group", "top"),
    [
        ("PL. VIDEO AMD RADEON", "Hardware > Placa de Vídeo VGA"),
        ("DESKTOP AMD RYZEN 5", "Computadores > PC > Computador AMD"),
        ("DESKTOP INTEL CORE I5", "Computadores > PC > Computador Intel"),
        ("MEMORIA DDR4 P/ DESKTOP", "Hardware > Memória RAM"),
    ],
)
def test_a_desktop_is_a_computer_and_pl_a_placa(group, top):
    assert top_label(one_row("category", COMPUTERS, [group])) == top


PETS = ["Cachorro > Ração", "Cachorro > Petiscos", "Gatos > Ração", "Gatos > Petiscos", "Gatos > Areia"]


@pytest.mark.parametrize(
    ("group", "top"),
    [
        ("SACHE GATOS (RACAO UMIDA)", "Gatos > Ração"),
        ("RACAO SECA P/ GATOS", "Gatos > Ração"),
        ("PETISCO CACHORRO", "Cachorro > Petiscos"),
    ],
)
def test_a_group_naming_a_parent_level_goes_under_that_parent(group, top):
    assert top_label(one_row("category", PETS, [group])) == top


def test_an_erp_code_before_a_groups_name_is_not_one_of_its_words():
    store = ["Brinquedos > Laptop e Tablet Infantil", "Informática > HD e SSD", "Informática > Notebooks"]
    # "INF" is the code of a department here, not "infantil"
    assert top_label(one_row("category", store, ["INF-130 SSD NVMe M.2"])) == "Informática > HD e SSD"
    assert top_label(one_row("category", store, ["01.12 HD INTERNO SATA 2TB"])) == "Informática > HD e SSD"


@pytest.mark.parametrize("erp", ["Pedido Incluído", "Pedido criado", "Novo pedido"])
def test_an_order_just_created_is_the_erps_order_entered(erp):
    row = one_row("order_status", ["CREATED"], [erp, "Aguardando Pagamento", "Pagamento Confirmado", "Cancelado"])
    assert (top_label(row), bool(row["preaccepted"])) == (erp, True)
