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
