"""Numbers as people write them (``kit.sheets.numeric``): decimal comma or point, thousands, R$."""

from __future__ import annotations

import math

import pytest

from kit.sheets import read_table
from sheets.common import CLEAN, write


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1.234,56", "12,5"], [1234.56, 12.5]),
        (["1234.56", "12.5"], [1234.56, 12.5]),
        (["R$ 1.234,56", "R$ 0,99"], [1234.56, 0.99]),
        (["1.234.567,8", "1"], [1234567.8, 1.0]),
        (["12", ""], [12.0, math.nan]),
    ],
)
def test_decimal_styles_in_a_semicolon_file(tmp_path, cells, expected):
    path = write(tmp_path, "SKU;Título;Preço\n" + "".join(f"S{i};T;{c}\n" for i, c in enumerate(cells)))
    got = read_table(path, "products")
    assert got["price"].tolist() == pytest.approx(expected, nan_ok=True)


def test_us_style_numbers_in_comma_separated_file():
    df = read_table(CLEAN / "prices_us_comma.csv", "prices")
    assert df["price"].tolist() == [1234.56, 12.5, 2000.0]
    assert df["list_price"].tolist() == [1500.0, 15.0, 2500.0]


def test_has_fraction_finds_a_fraction_anywhere_and_ignores_missing_values():
    import numpy as np

    from kit.sheets.numeric import has_fraction

    assert not has_fraction(np.array([1.0, np.nan, -3.0, 0.0]))
    assert has_fraction(np.array([1.0, np.nan, -3.5]))
    assert has_fraction(np.r_[np.ones(200_000), 0.25])  # past the first blocks
    assert not has_fraction(np.array([]))
