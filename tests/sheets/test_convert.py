"""Typed values (``kit.sheets.convert``): codes stay text, booleans in Portuguese, dates, writable results."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.sheets import read_table
from sheets.common import CLEAN, write


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Sim", True), ("S", True), ("Ativo", True), ("1", True), ("true", True), ("SIM", True),
     ("Não", False), ("N", False), ("Inativo", False), ("0", False), ("false", False), ("nao", False),
     ("active", True), ("Pausado", False), ("closed", False)],
)  # fmt: skip
def test_portuguese_booleans(tmp_path, value, expected):
    path = write(tmp_path, f"SKU;Título;Ativo\nA;T;{value}\n")
    assert read_table(path, "products")["active"].tolist() == [expected]


def test_codes_stay_text_even_when_they_look_like_numbers(tmp_path):
    path = write(tmp_path, "SKU;EAN;NCM;Título\n007;0789123456784;6109.10.00;T\n1e5;'07891234567895;61091000;U\n")
    df = read_table(path, "products")
    assert df["sku"].tolist() == ["007", "1e5"]  # "1e5" is a code, not Excel's 7,89E+12 pattern
    assert df["ean"].tolist() == ["0789123456784", "07891234567895"]  # Excel's ' text prefix removed
    assert df["ncm"].tolist() == ["61091000", "61091000"]


def test_shipments_dates_keys_and_codes():
    df = read_table(CLEAN / "shipments.csv", "shipments")
    assert df["channel_order_id"].tolist() == ["2000001234", "2000001235"]
    assert df["nfe_key"].tolist()[0] == "35250112345678000190550010000012341000012345"  # spaces removed
    assert df["invoice_number"].tolist() == ["001234", "001235"]
    assert df["issued_at"].tolist() == [pd.Timestamp("2025-01-05 14:30"), pd.Timestamp("2025-01-06")]
    assert df["invoice_value"].tolist() == [1234.56, 99.9]
    assert pd.isna(df["tracking_url"].iloc[1])


def test_all_digits_agrees_with_isdigit_per_cell():
    import numpy as np

    from kit.sheets.convert import _all_digits

    for cells in (["789", "", "0012"], ["789", "78 9"], ["", ""], ["١٢٣", "7"], ["7,89E+12"], ["7", np.nan],
                  ["²", "7"], ["7\t8"], ["+7"], ["0123456789"], ["/"], [":"]):  # fmt: skip
        s = pd.Series(cells, dtype=object)
        empty = (s == "").to_numpy()
        expected = bool((s.map(lambda v: isinstance(v, str) and v.isdigit()).to_numpy() | empty).all())
        assert _all_digits(s, empty) == expected, cells


def test_a_read_frame_can_be_changed_in_place(tmp_path):
    path = write(tmp_path, "SKU;Título;Preço;Estoque;Peso (g)\nA-1;Caneca;10,5;3;500\nA-2;Prato;7;1;250\n")
    df = read_table(path, "products")
    df.loc[0, "price"] = 1.0  # numbers taken over from the parser without a copy must stay writable
    df.loc[1, "stock"] = 9
    df.loc[0, "weight_kg"] = 2.0
    copy = df.copy()
    copy.loc[1, "price"] = 99.0
    assert df["price"].tolist() == [1.0, 7.0] and df["stock"].tolist() == [3, 9]
    assert df["weight_kg"].tolist() == [2.0, 0.25] and copy["price"].tolist() == [1.0, 99.0]
