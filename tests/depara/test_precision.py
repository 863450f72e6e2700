"""Precision: an alias is a concept; the specific ERP value wins, and nothing closer may be overlooked."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.depara.aliases import Aliases, _concepts, _parse
from kit.depara.suggest import suggest
from tests.depara.suggested import one_row, top_label


@pytest.mark.parametrize(
    ("value", "erp", "top", "pre"),
    [
        # the ERP has the partial state: it wins over the broad one
        ("partially_paid", ["Aguardando pagamento", "Pago", "Pago parcialmente"], "Pago parcialmente", True),
        # the ERP has only the broad state: the broad one, pre-accepted (nothing more specific exists)
        ("partially_paid", ["Aguardando pagamento", "Pago"], "Aguardando pagamento", True),
        # the broad state has another narrower value in the ERP: a person chooses
        ("payment_in_process", ["Aguardando pagamento", "Pago parcialmente"], "Aguardando pagamento", False),
        ("partially_refunded", ["Cancelado", "Estornado", "Estornado parcialmente"], "Estornado parcialmente", True),
        ("refunded", ["Cancelado", "Devolvido", "Estornado parcialmente"], "Devolvido", False),
        ("refunded", ["Cancelado", "Devolvido"], "Devolvido", True),
        # an open order ("Em aberto") is broader than one awaiting payment
        ("new", ["Em aberto", "Aguardando pagamento", "Pago"], "Em aberto", True),
        ("pending", ["Em aberto", "Pago", "Cancelado"], "Em aberto", True),
        ("new", ["Aguardando pagamento", "Pago"], "Aguardando pagamento", False),
        # a partial state is its own state: the ERP's partial value first, never pre-accepted by its words alone
        ("PartiallyShipped", ["Enviado", "Enviado parcialmente", "Entregue"], "Enviado parcialmente", False),
        ("partially delivered", ["Entregue", "Entregue parcialmente", "Enviado"], "Entregue parcialmente", False),
        ("shipped", ["Enviado", "Enviado parcialmente", "Entregue"], "Enviado", True),
        # with no partial state in the ERP, the dictionary's whole state stands
        ("PartiallyShipped", ["Enviado", "Entregue"], "Enviado", True),
        # generic words ("pedido", "pagamento") qualify nothing
        ("holded", ["PEDIDO BLOQUEADO", "PAGTO EM ANALISE", "CANCELADO"], "PEDIDO BLOQUEADO", True),
        # a transaction the buyer abandoned is its own state, not an expired or cancelled one
        ("Abandoned", ["expirado", "abandonado", "cancelado"], "abandonado", True),
        # a payment pending confirmation awaits a confirmation: not any pending payment
        ("Pending confirmation", ["pendente", "aguardando_confirmacao", "aprovado"], "aguardando_confirmacao", True),
    ],
)
def test_order_status_concepts(value, erp, top, pre):
    row = one_row("order_status", [value], erp)
    assert (top_label(row), bool(row["preaccepted"])) == (top, pre)


def test_an_abandoned_transaction_is_never_preaccepted_as_another_state():
    # no "abandonado" in the ERP: expired or cancelled is a person's choice
    row = one_row("order_status", ["abandonada"], ["Pagamento expirado", "Cancelado", "Pago"])
    assert not row["preaccepted"]


def test_a_named_wallet_goes_to_the_erp_value_naming_it():
    erp = ["Carteira digital", "Saldo Mercado Pago", "PayPal", "Dinheiro"]
    channel = pd.DataFrame({"payment_method": ["account_money", "digital_wallet", "wallet"],
                            "description": ["Money in the Mercado Pago account.", "Paypal.", ""]})  # fmt: skip
    got = suggest("payment_method", channel, erp, channel_type="mercadolivre", learned=False)
    got = got.set_index("channel_payment_method")
    assert got.loc["account_money", "erp_payment_method"] == "Saldo Mercado Pago"
    assert got.loc["digital_wallet", "erp_payment_method"] == "PayPal" and got.loc["digital_wallet", "preaccepted"]
    assert got.loc["wallet", "erp_payment_method"] == "Carteira digital" and got.loc["wallet", "preaccepted"]
    # elsewhere account_money is the generic balance: with a named wallet in the ERP, a person chooses
    other = one_row("payment_method", ["account_money"], erp, channel_type="magento")
    assert top_label(other) == "Carteira digital" and not other["preaccepted"]


def test_a_closer_erp_value_by_its_words_blocks_preacceptance():
    erp = ["Cartão de crédito", "Cartão de crédito Mercado Pago", "Boleto"]
    channel = pd.DataFrame({"payment_method": ["credit_card"], "description": ["Mercado Pago credit card"]})
    row = one_row("payment_method", channel, erp)
    assert {c["label"] for c in row["candidates"][:2]} == set(erp[:2]) and not row["preaccepted"]
    plain = one_row("payment_method", ["credit_card"], erp)
    assert top_label(plain) == "Cartão de crédito" and plain["preaccepted"]


def test_values_with_a_note_or_a_list_match_by_their_parts():
    erp = ["Pagamento Instantâneo (PIX)", "Transferência bancária, Carteira Digital", "Faturado (atendido)"]
    pix = one_row("payment_method", ["pix"], erp)
    assert top_label(pix) == "Pagamento Instantâneo (PIX)" and pix["preaccepted"]
    wallet = one_row("payment_method", ["digital_wallet"], erp)
    assert wallet["candidates"][0]["reason"] == "alias" and not wallet["preaccepted"]  # only part of that value
    invoiced = one_row("order_status", ["invoiced"], ["Faturado (atendido)", "Em aberto"])
    assert top_label(invoiced) == "Faturado (atendido)" and invoiced["preaccepted"]


def test_english_words_meet_the_erps_portuguese_but_only_as_suggestions():
    # "Check" and "Cancellation request received" are in no alias row: only the vocabulary reads them
    # ("Cash" and "Cancellation requested" are aliases now, pre-accepted as such).
    row = one_row("payment_method", ["Check"], ["Dinheiro", "Cheque", "Carteira Digital"])
    assert (top_label(row), row["candidates"][0]["reason"], bool(row["preaccepted"])) == ("Cheque", "fuzzy", False)
    assert row["candidates"][0]["score"] < 100
    desc = pd.DataFrame({"status": ["request-cancel"], "description": ["Cancellation request received"]})
    status = one_row("order_status", desc, ["Cancelado", "Cancelamento solicitado", "Pago"])
    assert top_label(status) == "Cancelamento solicitado" and not status["preaccepted"]


def test_concept_tree_is_checked_when_loaded():
    aliases = _parse(
        "kind,alias,canonical\norder_status,paid,Pago\norder_status,partially_paid,Pago parcialmente\n", "t"
    )
    _concepts(aliases, "kind,concept,broader\norder_status,Pago parcialmente,Pago\n", "t")
    assert aliases.ancestors("order_status", "pagoparcialmente") == ("pago",)
    for bad in ("order_status,Pago parcialmente,Nada\n", "order_status,Pago parcialmente,Pago parcialmente\n"):
        with pytest.raises(ValueError):
            _concepts(_parse("kind,alias,canonical\norder_status,paid,Pago\norder_status,pp,Pago parcialmente\n", "t"),
                      "kind,concept,broader\n" + bad, "t")  # fmt: skip
    loop = _parse("kind,alias,canonical\nk,a,A\nk,b,B\n", "t")
    with pytest.raises(ValueError, match="twice|loop"):
        _concepts(loop, "kind,concept,broader\nk,A,B\nk,B,A\n", "t")
    assert isinstance(loop, Aliases)


@pytest.mark.parametrize(
    ("kind", "value", "erp", "top", "pre"),
    [
        # a paid order waiting for the carrier: the ERP's own state, else the broader one, for a person
        ("order_status", "ready_to_ship", ["Pago", "Aguardando envio", "Enviado"], "Aguardando envio", True),
        ("order_status", "ready_to_ship", ["Pago", "Em separação", "Enviado"], "Pago", False),
        ("order_status", "invoice pending", ["Em separação", "Aguardando NF", "Faturado"], "Aguardando NF", True),
        # finished narrows delivered: the ERP's finished state when it has one
        ("order_status", "completed", ["Entregue", "Finalizado", "Cancelado"], "Finalizado", True),
        ("order_status", "completed", ["Enviado", "Entregue", "Cancelado"], "Entregue", True),
        # the payment given back is a refund, not goods sent back
        ("order_status", "pagamento_devolvido", ["Devolvido", "Estornado", "Chargeback"], "Estornado", True),
        ("order_status", "produto devolvido", ["Devolvido", "Estornado", "Chargeback"], "Devolvido", False),
        # store credit and the kinds under it; benefit cards are what Brazilian acquirers call "voucher"
        ("payment_method", "Crediário", ["Dinheiro", "Crédito Loja", "Boleto"], "Crédito Loja", True),
        ("payment_method", "Crediário", ["Crédito Loja", "Cartão Loja"], "Crédito Loja", False),
        # ... but "voucher" reads "vale", which "Vale Presente" holds: a person confirms
        ("payment_method", "voucher", ["Vale Presente", "Cartão Benefício"], "Cartão Benefício", False),
        # a charge received or confirmed is paid; a chargeback is a reversal of its own, under refunded
        ("order_status", "Cobrança recebida", ["Aguardando pagamento", "Pago", "Enviado"], "Pago", True),
        ("order_status", "chargeback", ["Estornado", "Chargeback", "Cancelado"], "Chargeback", True),
        ("order_status", "chargeback", ["Estornado", "Cancelado"], "Estornado", True),
        # a paid order still in its cancellation window is paid (its word "cancel" leaves it to a person);
        # an accepted order is open
        ("order_status", "window-to-cancel", ["Em aberto", "Pago", "Cancelado"], "Pago", False),
        ("order_status", "order-accepted", ["Em aberto", "Pago", "Cancelado"], "Em aberto", True),
        # out for delivery narrows shipped; an issued label narrows awaiting shipment; "a cobrar" is paid on delivery
        ("order_status", "out for delivery", ["Enviado", "Saiu para entrega", "Entregue"], "Saiu para entrega", True),
        # ... with none, the broader shipped state, for a person ("delivery" also reads "Entregue")
        ("order_status", "out for delivery", ["Enviado", "Entregue"], "Enviado", False),
        ("order_status", "label printed", ["Aguardando envio", "Etiqueta emitida"], "Etiqueta emitida", True),
        ("payment_method", "Sedex a cobrar", ["Boleto", "Contra entrega", "Pix"], "Contra entrega", True),
    ],
)
def test_commerce_lifecycle_and_payment_kinds(kind, value, erp, top, pre):
    row = one_row(kind, [value], erp)
    assert (top_label(row), bool(row["preaccepted"])) == (top, pre)


def test_a_fuzzy_target_naming_another_concept_ranks_below():
    # shares "grandes formatos" with the PAC service, but says SEDEX
    row = one_row("carrier_service", [("Correios", "SEDEX CONTRATO GRANDES FORMATOS")],
               [("CORREIOS", "PAC GRANDES FORMATOS"), ("CORREIOS", "SEDEX"), ("CORREIOS", "PAC")])  # fmt: skip
    assert top_label(row) == "CORREIOS / SEDEX" and not row["preaccepted"]


def test_a_spelling_neighbour_sharing_no_word_ranks_below_one_sharing_a_word():
    row = one_row("category", ["Imóveis", "Casa, Móveis e Decoração", "Games"], ["MOVEIS"])
    assert top_label(row) == "Casa, Móveis e Decoração"


def test_service_words_every_carrier_uses():
    row = one_row("carrier_service", [("Braspress", "Ground")], [("BRASPRESS", "AEREO"), ("BRASPRESS", "RODOVIARIO")])
    assert (top_label(row), bool(row["preaccepted"])) == ("BRASPRESS / RODOVIARIO", True)


def test_a_description_written_as_label_and_explanation_is_matched_by_its_label():
    erp = ["Em Separação", "Separado", "Em Transporte", "Entregue", "Cancelado", "Orçamento Cancelado"]
    channel = pd.DataFrame(
        {
            "status": ["transporting", "separated", "budget_cancelled"],
            "description": [
                "Em trânsito: em trânsito ao cliente",
                "Separado: separado para envio",
                "Orçamento cancelado: status final",
            ],
        }
    )
    table = suggest("order_status", channel, erp, learned=False)
    assert [r["candidates"][0]["values"][0] for r in table.to_dict("records")] == [
        "Em Transporte",
        "Separado",
        "Orçamento Cancelado",
    ]


def test_a_bare_flow_state_code_means_what_its_own_channel_documents():
    erp = ["Em aberto", "Pago", "Aguardando envio", "Aguardando retirada", "Enviado", "Entregue", "Cancelado"]
    # Mirakl's RECEIVED is a parcel the customer received; elsewhere (a charge received) it is not Entregue.
    for value, top in (
        ("RECEIVED", "Entregue"),
        ("SHIPPING", "Aguardando envio"),
        ("TO_COLLECT", "Aguardando retirada"),
    ):
        row = one_row("order_status", [value], erp, channel_type="mirakl")
        assert (top_label(row), bool(row["preaccepted"])) == (top, True), value
    for value in ("RECEIVED", "TO_COLLECT"):
        row = one_row("order_status", [value], erp)
        assert not row["preaccepted"] and top_label(row) != "Entregue", value


@pytest.mark.parametrize(
    ("kind", "value", "erp", "top"),
    [
        ("order_status", "accredited", ["CANCELADO", "CANC. SOLICITADO", "PAGO", "ESTORNADO"], "PAGO"),
        ("order_status", "charged_back", ["CANCELADO", "ESTORNADO", "CHARGEBACK"], "CHARGEBACK"),
        ("payment_method", "amazon_pay", ["MERCADO PAGO", "CARTAO LOJA", "CARTEIRA DIGITAL"], "CARTEIRA DIGITAL"),
    ],
)
def test_payment_terms_and_a_named_wallet(kind, value, erp, top):
    assert top_label(one_row(kind, [value], erp)) == top


GATEWAY = ["pendente", "em_processamento", "aprovado", "recusado", "falha", "cancelado", "estornado"]


@pytest.mark.parametrize(
    ("value", "description", "erp", "top", "pre"),
    [
        # the code says pending, the channel's own words say "in progress": right or not, a person confirms
        ("PENDING", "O provider de transação está em andamento.", GATEWAY, "pendente", False),
        ("PENDING", "Aguardando o pagamento do cliente.", GATEWAY, "pendente", True),
        # a gateway's invalid transaction is not an invalidated order: no alias outside Mercado Livre
        ("INV", "Invalid: transaction wasn't created successfully.", GATEWAY, None, False),
        # a return under way is not a return done
        (
            "RETURNED",
            "Devolvido",
            ["Em devolução", "Devolvido ao remetente", "Entregue"],
            "Devolvido ao remetente",
            None,
        ),
        ("RETURNING", "Em Devolução", ["Em devolução", "Devolvido ao remetente", "Entregue"], "Em devolução", True),
    ],
)
def test_the_channels_own_words_can_only_hold_a_match_back(value, description, erp, top, pre):
    got = suggest("order_status", pd.DataFrame({"status": [value], "description": [description]}),
                  pd.DataFrame({"status": erp}), learned=False).iloc[0]  # fmt: skip
    if top is not None:
        assert got["erp_status"] == top
    if pre is not None:
        assert bool(got["preaccepted"]) is pre
    else:
        assert not (got["preaccepted"] and got["erp_status"] != top)


def test_invalid_is_a_cancelled_order_on_mercado_livre():
    got = suggest("order_status", pd.DataFrame({"status": ["invalid"]}), pd.DataFrame({"status": GATEWAY}),
                  channel_type="mercadolivre", learned=False).iloc[0]  # fmt: skip
    assert (got["erp_status"], bool(got["preaccepted"])) == ("cancelado", True)


def test_std_is_the_standard_service():
    erp = [("TOTAL EXPRESS", "PREMIUM"), ("TOTAL EXPRESS", "STD"), ("TOTAL EXPRESS", "EXPRESSO")]
    assert top_label(one_row("carrier_service", [("Total Express", "Standard")], erp)) == "TOTAL EXPRESS / STD"


@pytest.mark.parametrize(
    ("value", "erp", "top", "pre"),
    [
        # a gateway's refusal, in English or Portuguese, is the ERP's refused payment, not a failure
        ("DECLINED", ["Aprovado", "Recusado", "Falha no processamento", "Cancelado"], "Recusado", True),
        ("Negada", ["Aprovado", "Recusado", "Falha no processamento", "Cancelado"], "Recusado", True),
        # a processing error is its own state beside the refusal and the cancellation
        (
            "technical_error",
            ["Aprovado", "Recusado", "Falha no processamento", "Cancelado"],
            "Falha no processamento",
            True,
        ),
        ("Aborted", ["Aprovado", "Recusado", "Falha no processamento", "Cancelado"], "Falha no processamento", True),
        # a pre-authorization is not the approved (captured) payment
        ("PreAuthorized", ["PRE-AUTORIZADO", "APROVADO", "CANCELADO"], "PRE-AUTORIZADO", True),
        # a receivable paid off, as receivables lists say it; partly paid off is the partial state
        ("paid", ["Em aberto", "Quitado", "Quitado parcialmente", "Cancelado"], "Quitado", True),
        ("partially_paid", ["Em aberto", "Quitado", "Quitado parcialmente", "Cancelado"], "Quitado parcialmente", True),
        # aborted by the merchant is the merchant cancelling, not a processing failure
        ("ABORTED_BY_MERCHANT", ["Aprovado", "Recusado", "Falha no processamento", "Cancelado"], "Cancelado", True),
        # captured and approved name one concept: with both in the ERP, a person chooses
        ("captured", ["PRE-AUTORIZADO", "APROVADO", "CAPTURADO"], "CAPTURADO", False),
    ],
)
def test_gateway_transaction_states(value, erp, top, pre):
    row = one_row("order_status", [value], erp)
    assert (top_label(row), bool(row["preaccepted"])) == (top, pre)


def test_a_status_of_generic_words_only_is_its_own_word():
    # "Pago" is a status: PAID reads as it and ranks it before APROVADO (one concept: a person chooses)
    for value, top in (("PAID", "PAGO"), ("approved", "APROVADO")):
        row = one_row("order_status", [value], ["APROVADO", "PAGO", "PRE-AUTORIZADO", "CANCELADO"])
        assert (top_label(row), bool(row["preaccepted"])) == (top, False), value


def test_a_multi_benefit_card_is_a_benefit_card_not_a_credit_card():
    row = one_row(
        "payment_method", ["Multi-benefit card"], ["Cartão de Crédito", "Cartão Benefício", "Cartão de Débito"]
    )
    assert (top_label(row), bool(row["preaccepted"])) == ("Cartão Benefício", True)


def test_installments_by_the_card_issuer_are_the_administrators_installments():
    erp = ["Cartão de Crédito", "Cartão de Crédito Parcelado Loja", "Cartão de Crédito Parcelado Administradora"]
    assert top_label(one_row("payment_method", ["Crédito parcelado emissor"], erp)) == erp[2]
