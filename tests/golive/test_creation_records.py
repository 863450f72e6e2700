"""creation_plan reads the ERP rows of the SKUs to create column by column: the same dicts as one ``.loc`` per SKU."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kit.golive.creation import _records


def _same(a: dict, b: dict) -> bool:
    if list(a) != list(b):
        return False
    for key in a:
        x, y = a[key], b[key]
        if type(x) is not type(y):
            return False
        if isinstance(x, float) and math.isnan(x) and math.isnan(y):
            continue
        if x is pd.NA and y is pd.NA:
            continue
        if x != y:
            return False
    return True


def test_records_equal_one_loc_per_sku_for_every_dtype_the_reader_gives():
    erp = pd.DataFrame(
        {
            "sku": pd.Series(["A", "B", "C", "D"], dtype="str"),
            "title": pd.Series(["Camiseta", None, "Tênis", ""], dtype="str"),
            "price": [10.5, np.nan, 3.0, 1e20],
            "stock": pd.Series([1, None, 3, 0], dtype="Int64"),
            "active": pd.Series([True, None, False, True], dtype="boolean"),
            "_row": np.array([2, 3, 4, 5], dtype=np.int64),
        }
    ).set_index("sku", drop=False)
    skus = ["C", "A", "B", "D"]
    expected = [erp.loc[s].to_dict() for s in skus]
    got = _records(erp, skus)
    assert len(got) == len(expected)
    assert all(_same(g, e) for g, e in zip(got, expected, strict=True)), (got, expected)
    assert _records(erp, []) == []


def test_a_repeated_column_keeps_its_last_value_as_the_rows_to_dict_does():
    erp = pd.DataFrame([["A", "x", "y"], ["B", "z", "w"]], columns=["sku", "title", "title"]).set_index(
        "sku", drop=False
    )
    assert _records(erp, ["B"]) == [erp.loc["B"].to_dict()]


def test_records_by_position_equal_the_records_by_sku_of_the_first_rows():
    from kit.golive.creation import _records_at

    erp = pd.DataFrame(
        {
            "sku": pd.Series(["A", "B", "A", "C", "B"], dtype="str"),
            "title": pd.Series(["primeiro A", None, "segundo A", "Tênis", "segundo B"], dtype="str"),
            "price": [10.5, np.nan, 3.0, 1e20, 7.0],
            "stock": pd.Series([1, None, 3, 0, 2], dtype="Int64"),
            "active": pd.Series([True, None, False, True, False], dtype="boolean"),
            "_row": np.array([2, 3, 4, 5, 6], dtype=np.int64),
        }
    )
    skus, first = ["C", "A", "B"], np.array([3, 0, 1])  # where each SKU first appears
    expected = _records(erp.drop_duplicates("sku").set_index("sku", drop=False), skus)
    got = _records_at(erp, first)
    assert all(_same(g, e) for g, e in zip(got, expected, strict=True)), (got, expected)
    assert _records_at(erp, np.array([], dtype=np.int64)) == []
