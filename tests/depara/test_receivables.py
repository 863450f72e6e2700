"""Round 11: receivable, boleto and gateway situations; ERP codes before a name; narrower words in a value."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.depara.suggest import suggest
from tests.depara.suggested import described, one_row, top_label


@pytest.mark.parametrize(
    ("value", "description"),
    [
        ("cc_rejected_high_risk", "rejected: Your payment was rejected. Select a different payment method."),
        ("cc_rejected_blacklist", "rejected: Your payment couldn't be processed."),
    ],
)
def test_a_refusal_by_fraud_prevention_is_the_antifraud_refusal_not_any_refusal(value, description):
    # Mercado Pago's status_detail: the status ("rejected") names the refusal, the value's own words its kind
    erp = ["PAGTO - RECUSADO", "PAGTO - RECUSADO ANTIFRAUDE", "PAGTO - CANCELADO"]
    row = one_row("order_status", described(value, description), erp)
    assert (top_label(row), bool(row["preaccepted"])) == ("PAGTO - RECUSADO ANTIFRAUDE", True)


def test_a_plain_refusal_stays_the_refusal_and_the_antifraud_one_waits_without_its_erp_value():
    erp = ["PAGTO - RECUSADO", "PAGTO - RECUSADO ANTIFRAUDE", "PAGTO - CANCELADO"]
    row = one_row(
        "order_status", described("cc_rejected_card_error", "rejected: Your payment couldn't be processed."), erp
    )
    assert (top_label(row), bool(row["preaccepted"])) == ("PAGTO - RECUSADO", True)
    # no antifraud value in the ERP: the broader refusal, by the concept tree
    row = one_row("order_status", described("cc_rejected_high_risk", "rejected: Your payment was rejected."), erp[::2])
    assert top_label(row) == "PAGTO - RECUSADO"


def test_a_value_the_dictionary_names_whole_is_not_narrowed_by_one_of_its_words():
    # VTEX's ready-for-handling is paid, ready to be prepared: "handling" alone would say "Em separação"
    assert top_label(one_row("order_status", ["ready-for-handling"], ["Em separação", "Pago", "Cancelado"])) == "Pago"


@pytest.mark.parametrize(
    ("kind", "value", "erp", "top"),
    [
        ("order_status", "paid", ["CR01 Em aberto (a vencer)", "CR03 Liquidado", "CR13 Cancelado"], "CR03 Liquidado"),
        (
            "order_status",
            "out_for_delivery",
            ["30 Em transito", "40 Saiu para entrega", "50 Entregue"],
            "40 Saiu para entrega",
        ),
        ("payment_method", "boleto", ["FP01 - CARTAO CREDITO", "FP10 - BOLETO", "FP15 - PIX"], "FP10 - BOLETO"),
    ],
)
def test_an_erp_code_before_the_name_does_not_hide_its_concept(kind, value, erp, top):
    row = one_row(kind, [value], erp)
    assert (top_label(row), bool(row["preaccepted"])) == (top, True)


def test_two_codes_before_words_the_dictionary_does_not_know_are_not_one_value():
    row = one_row("payment_method", ["3 x sem juros"], ["6 x sem juros", "Cartão de crédito"])
    assert row["reason"] != "alias" and not row["preaccepted"]


RECEIVABLES = [
    "CR01 Em aberto (a vencer)",
    "CR02 Vencido (em atraso)",
    "CR03 Liquidado",
    "CR05 Liquidado em cartorio",
    "CR07 Em cartorio (aguardando protesto)",
    "CR08 Protestado",
    "CR09 Pago em cheque (a compensar)",
    "CR10 Expirado",
    "CR13 Cancelado",
]


@pytest.mark.parametrize(
    ("value", "top", "pre"),
    [
        # a boleto past its due date is overdue and still payable: not an expired payment
        ("VENCIDO", "CR02 Vencido (em atraso)", True),
        ("overdue", "CR02 Vencido (em atraso)", True),
        ("expired", "CR10 Expirado", True),
        ("EM SER", "CR01 Em aberto (a vencer)", True),
        # the notary's states: sent for protest, protested, paid at the notary
        ("EM CARTORIO", "CR07 Em cartorio (aguardando protesto)", True),
        ("PROTESTADO ELETRONICO", "CR08 Protestado", True),
        ("TITULO BAIXADO/PAGO EM CARTORIO", "CR05 Liquidado em cartorio", False),
        # paid by cheque, not cleared yet
        ("PAGO EM CHEQUE - AGUARD.LIQUIDACAO", "CR09 Pago em cheque (a compensar)", False),
    ],
)
def test_receivable_and_boleto_situations(value, top, pre):
    row = one_row("order_status", [value], RECEIVABLES)
    assert (top_label(row), bool(row["preaccepted"])) == (top, pre)


def test_an_expired_charge_falls_back_to_overdue_then_to_cancelled():
    assert top_label(one_row("order_status", ["expired"], ["EM ABERTO", "VENCIDO", "CANCELADO"])) == "VENCIDO"
    assert top_label(one_row("order_status", ["expired"], ["Em aberto", "Pago", "Cancelado"])) == "Cancelado"


def test_a_department_prefixed_group_backs_off_from_its_family_when_the_list_knows_only_the_department():
    # the list holds "periféricos" (a family's own name) but no "nobreak": the family's lexicon level (energia) decides
    channel = [
        "Periféricos > Teclado",
        "Periféricos > Mouse",
        "Periféricos > Kits Periféricos",
        "Periféricos > Energia",
        "Casa Inteligente > Energia Solar",
        "Casa Inteligente > Cameras",
    ]
    assert top_label(one_row("category", channel, ["PERIFERICOS - NOBREAK / ESTABILIZADOR"])) == "Periféricos > Energia"


def test_e_before_a_hyphen_is_a_prefix_not_the_connective():
    from kit.depara.normalize import tokens, tokens_many

    assert tokens("e-SEDEX Prioritário") == ["esedex", "prioritario"]
    assert tokens_many(["Azul Cargo e-commerce", "Casa e Jardim"]) == [
        ["azul", "cargo", "ecommerce"],
        ["casa", "jardim"],
    ]
    services = pd.DataFrame({"carrier": ["ECT - CORREIOS"] * 3, "service": ["SEDEX", "E-SEDEX", "SEDEX 10"]})
    row = one_row("carrier_service", pd.DataFrame({"carrier": ["Correios"], "service": ["e-SEDEX"]}), services)
    assert (top_label(row), bool(row["preaccepted"])) == ("ECT - CORREIOS / E-SEDEX", True)


def test_the_correios_international_services():
    services = pd.DataFrame(
        {"carrier": ["CORREIOS"] * 3, "service": ["SEDEX", "INTERNACIONAL EXPRESSO", "INTERNACIONAL ECONOMICO"]}
    )
    for service, top in (("SEDEX Mundi", "INTERNACIONAL EXPRESSO"), ("Leve Internacional", "INTERNACIONAL ECONOMICO")):
        row = one_row("carrier_service", pd.DataFrame({"carrier": ["Correios"], "service": [service]}), services)
        assert top_label(row) == f"CORREIOS / {top}", service


@pytest.mark.parametrize(
    ("value", "erp", "top", "pre"),
    [
        # the ERP names the buyer's cancellation: it wins over the plain one
        ("cancelled by customer", ["Cancelado", "Cancelado pelo cliente", "Devolvido"], "Cancelado pelo cliente", True),
        ("CANCELLED", ["Cancelado", "Cancelado pelo cliente", "Devolvido"], "Cancelado", True),
        # no such value in the ERP: the plain cancellation, by the concept tree
        ("cancelado pelo comprador", ["Em aberto", "Cancelado", "Devolvido"], "Cancelado", True),
    ],
)
def test_a_cancellation_by_the_buyer_is_its_own_state(value, erp, top, pre):
    row = one_row("order_status", [value], erp)
    assert (top_label(row), bool(row["preaccepted"])) == (top, pre)


def test_mercado_pagos_by_payer_under_cancelled_is_the_buyers_cancellation():
    erp = ["PAGTO - CANCELADO", "PAGTO - CANCELADO PELO CLIENTE", "PAGTO - RECUSADO"]
    row = one_row("order_status", described("by_payer", "cancelled: The payment has been cancelled by payer."), erp)
    assert top_label(row) == "PAGTO - CANCELADO PELO CLIENTE"


def test_amex_is_american_express():
    erp = ["FP01 CARTAO CREDITO VISA", "FP03 CARTAO CREDITO AMEX", "FP04 CARTAO CREDITO ELO"]
    assert top_label(one_row("payment_method", ["American Express"], erp)) == "FP03 CARTAO CREDITO AMEX"


def test_a_card_brand_the_erp_does_not_name_goes_to_its_other_brands_value():
    erp = ["CARTAO CREDITO VISA", "CARTAO CREDITO MASTERCARD", "CARTAO CREDITO OUTRAS BANDEIRAS", "BOLETO"]
    channel = pd.DataFrame({"payment_method": ["Visa", "Discover", "Cabal"], "description": ["Crédito"] * 3})
    table = suggest("payment_method", channel, erp, learned=False)
    rows = table.to_dict("records")
    got = {v: (top_label(r), bool(r["preaccepted"])) for v, r in zip(channel["payment_method"], rows, strict=True)}
    assert got["Visa"][0] == "CARTAO CREDITO VISA"
    # a person confirms: the list may name the brand under another word
    assert got["Discover"] == got["Cabal"] == ("CARTAO CREDITO OUTRAS BANDEIRAS", False)
