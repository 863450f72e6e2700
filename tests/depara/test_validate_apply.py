"""Validation reports every problem as a frame; apply/translate never let a value through untranslated."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.depara.apply import apply, translate
from kit.depara.validate import PROBLEM_COLUMNS, has_errors, summary, validate
from kit.errors import MappingError


def _status_table(rows):
    return pd.DataFrame(rows, columns=["channel_status", "erp_status", "method", "score", "confirmed", "note"])


TABLE = _status_table(
    [
        ["paid", "Pagamento aprovado", "alias", 100, True, ""],
        ["shipped", "Enviado", "alias", 100, True, ""],
        ["shipped", "Entregue", "", None, True, ""],  # conflict with the row above
        ["paid", "Pagamento aprovado", "", None, True, ""],  # duplicate
        ["pending", "", "", None, False, "sugestão: Aguardando pagamento"],  # pending
        ["old_status", "Cancelado", "", None, True, ""],  # stale
        ["canceled", "Canceladíssimo", "", None, True, ""],  # unknown target
        ["void", "", "", None, True, ""],  # confirmed but empty
    ]
)
CHANNEL = ["paid", "shipped", "pending", "canceled", "void", "delivered"]
ERP = ["Pagamento aprovado", "Enviado", "Entregue", "Cancelado", "Aguardando pagamento"]


def test_validate_collects_every_problem():
    problems = validate("order_status", TABLE, channel_values=CHANNEL, erp_values=ERP)
    assert tuple(problems.columns) == PROBLEM_COLUMNS
    got = {(p, v) for p, v in zip(problems["problem"], problems["channel_value"], strict=True)}
    assert got == {
        ("conflict", "shipped"),
        ("duplicate", "paid"),
        ("pending", "pending"),
        ("stale", "old_status"),
        ("unknown_target", "canceled"),
        ("empty_target", "void"),
        ("unmapped", "delivered"),
    }
    assert problems.loc[problems["problem"] == "duplicate", "row"].tolist() == [5]
    assert has_errors(problems) and summary(problems)["conflict"] == 2


def test_one_to_one_kinds_report_many_to_one():
    table = pd.DataFrame(
        {"erp_warehouse": ["CD SP", "CD RJ"], "channel_warehouse": ["1", "1"], "confirmed": [True, True]}
    )
    problems = validate("warehouse", table)
    assert set(problems["problem"]) == {"many_to_one"}
    ok = validate("payment_method", pd.DataFrame({"channel_payment_method": ["visa", "master"],
                  "erp_payment_method": ["Cartão", "Cartão"], "confirmed": [True, True]}))  # fmt: skip
    assert ok.empty and not has_errors(ok)


ORDERS = pd.DataFrame(
    {
        "order_id": ["A1", "A2", "A3", "A4", "A5"],
        "status": ["paid", "Shipped", "pending", "refunded", None],
    },
    index=[10, 11, 12, 13, 14],
)
CLEAN = _status_table(
    [
        ["paid", "Pagamento aprovado", "alias", 100, True, ""],
        ["shipped", "Enviado", "alias", 100, True, ""],
        ["pending", "", "", None, False, ""],
    ]
)


def test_apply_raises_listing_every_unmapped_value_and_where():
    with pytest.raises(MappingError) as err:
        apply("order_status", ORDERS, table=CLEAN, id_column="order_id", columns="status")
    msg = str(err.value)
    for value, order in [("pending", "A3"), ("refunded", "A4")]:
        assert value in msg and order in msg
    problems = err.value.problems
    assert sorted(problems["reason"]) == ["empty", "pending", "unmapped"]
    assert problems.set_index("value").loc["refunded", "ids"] == ["A4"]


def test_apply_translates_everything_or_nothing(mappings, workspace):
    from kit.depara.table import save_table

    save_table("loja", "order_status", CLEAN, workspace=workspace)
    ok = apply("order_status", ORDERS.iloc[:2], channel="loja")
    assert ok["erp_status"].tolist() == ["Pagamento aprovado", "Enviado"]  # "Shipped" matched after normalization
    assert ok["status"].tolist() == ["paid", "Shipped"]


def test_translate_splits_mapped_rows_from_the_rest():
    done, bad = translate("order_status", ORDERS, table=CLEAN, id_column="order_id", into=["status"])
    assert done.index.tolist() == [10, 11] and done["status"].tolist() == ["Pagamento aprovado", "Enviado"]
    assert bad["id"].tolist() == ["A3", "A4", "A5"]
    assert bad["reason"].tolist() == ["pending", "unmapped", "empty"]
    assert len(done) + len(bad) == len(ORDERS)


def test_composite_apply_with_column_mapping():
    table = pd.DataFrame(
        {
            "channel_carrier": ["me2"],
            "channel_service": ["drop_off"],
            "erp_carrier": ["Mercado Envios"],
            "erp_service": ["Normal"],
            "confirmed": [True],
        }
    )
    orders = pd.DataFrame({"ship_carrier": ["me2", "me2"], "ship_mode": ["drop_off", "fulfillment"]})
    done, bad = translate("carrier_service", orders, table=table, columns={"carrier": "ship_carrier",
                          "service": "ship_mode"})  # fmt: skip
    assert done[["erp_carrier", "erp_service"]].values.tolist() == [["Mercado Envios", "Normal"]]
    assert bad["value"].tolist() == ["me2 / fulfillment"]


def test_problems_read_in_portuguese():
    from kit.depara.validate import for_people, summary_text, validate

    table = pd.DataFrame({"channel_status": ["paid", "x"], "erp_status": ["Pago", ""], "confirmed": [True, False]})
    problems = validate("order_status", table, channel_values=["paid", "x", "new"])
    assert summary_text(problems) == "pendente: 1, sem de-para: 1"
    people = for_people(problems)
    assert list(people.columns)[:3] == ["problema", "gravidade", "tipo"]
    assert set(people["problema"]) == {"pendente", "sem de-para"} and set(people["gravidade"]) == {"erro"}
