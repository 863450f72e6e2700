"""A promotional price beside the regular one (``kit.sheets.promo``): the selling price where it is given."""

from __future__ import annotations

import math

import pytest

from kit.sheets import inspect_table, read_table
from sheets.common import write


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Código;Descrição;Preço;Preço promocional", "products"),  # Tiny
        ("sku;nome;preço_venda;preço_promocional", "products"),  # Yampi
        ("SKU;Name;Regular price;Sale price", "products"),  # WooCommerce
        ("Código;Preço;Preço promocional", "prices"),
    ],
    ids=["tiny", "yampi", "woocommerce", "prices"],
)
def test_the_promotional_price_is_the_price_and_the_regular_one_the_list_price(tmp_path, header, kind):
    title = kind == "products"
    rows = [("A", "100,00", "80,00"), ("B", "50,00", ""), ("C", "30,00", "35,00")]
    sep = ";"
    body = "\n".join(sep.join([r[0], *(["Caneca"] if title else []), r[1], r[2]]) for r in rows)
    path = write(tmp_path, header + "\n" + body + "\n")
    df = read_table(path, kind)
    assert list(df["price"]) == [80.0, 50.0, 30.0]  # C: a promotional price above the price is not applied
    assert df["list_price"].iloc[0] == 100.0 and math.isnan(df["list_price"].iloc[1])
    said = [p["message"] for p in inspect_table(path, kind)["problems"]]
    assert "preço promocional não é menor que o preço na linha 4: usei o preço" in said


def test_a_list_price_column_of_its_own_is_kept(tmp_path):
    path = write(tmp_path, "Código;Preço de;Preço;Preço promocional\nA;120,00;100,00;80,00\n")
    df = read_table(path, "prices")
    assert (df["list_price"].iloc[0], df["price"].iloc[0]) == (120.0, 80.0)


def test_only_a_promotional_price_column_is_the_price(tmp_path):
    path = write(tmp_path, "Código;Descrição;Preço promocional\nA;Caneca;80,00\nB;Prato;70,00\n")
    assert list(read_table(path, "products")["price"]) == [80.0, 70.0]
