"""Mapping kind declarations and text normalization."""

from __future__ import annotations

import pytest

from kit.depara.kinds import KINDS, MappingKind, get_kind, register_kind
from kit.depara.normalize import compact, normalize, tokens, tokens_many
from kit.errors import ConfigurationError


def test_declared_kinds_and_their_columns():
    assert {"carrier_service", "payment_method", "order_status", "order_status_out", "category", "attribute",
            "warehouse", "price_table"} <= set(KINDS)  # fmt: skip
    cs = get_kind("carrier_service")
    assert cs.columns == (
        "channel_carrier", "channel_service", "erp_carrier", "erp_service", "method", "score", "confirmed", "note",
    )  # fmt: skip
    out = get_kind("order_status_out")
    assert out.source_columns == ("erp_status",) and out.target_columns == ("channel_status",)
    assert not get_kind("warehouse").many_to_one and get_kind("payment_method").many_to_one


def test_registering_a_kind_twice_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        register_kind(MappingKind("payment_method", "x", "payment_method", ("payment_method",)))


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(ConfigurationError) as err:
        get_kind("carriers")
    assert "carrier_service" in err.value.hint


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cartão de Crédito", "cartao credito"),
        ("cartao cred", "cartao credito"),
        ("CC", "cartao credito"),
        ("SEDEX10", "sedex 10"),
        ("Transp. Expr.", "transportadora expresso"),
        ("partiallySent", "partially sent"),
        ("  Em   Separação ", "separacao"),
        ("payment-approved", "payment approved"),
        ("AGUARD. PAGTO PARC.", "aguardando pagamento parcial"),
        ("PEDIDO C/ OCORRENCIA", "pedido ocorrencia"),
        ("VALE ALIM.", "vale alimentacao"),
        ("NF-e Pendente", "nota fiscal pendente"),
        (None, ""),
        (float("nan"), ""),
        (12.0, "12"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_tokens_many_reads_a_list_as_tokens_reads_each_value():
    values = ["Cartão de Crédito", "partiallySent", "SEDEX10", "de", "c/ juros", "ﬁbra ² ÀÉ", "Casa » Móveis",
              "a\nb", "", None, float("nan"), 12.0, "naïveCafé", "AGUARD. PAGTO PARC."]  # fmt: skip
    assert tokens_many(values) == [tokens(v) for v in values]
    assert tokens_many([v for v in values if v != "a\nb"]) == [tokens(v) for v in values if v != "a\nb"]
    assert tokens_many([]) == []


def test_compact_is_the_exact_key():
    assert compact("SEDEX 10") == compact("Sedex10") == compact("sedex_10")
    assert compact("PAC") != compact("SEDEX")


def test_participle_endings_keep_the_root():
    from kit.depara.words import words

    assert not words("Bebidas") & words("Bebês")
    assert words("Cancelado") == words("cancelamento") == {"cancel"}
