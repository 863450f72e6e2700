"""A promotional price beside the regular one: the selling price where it is given.

Tiny ("Preço" and "Preço promocional"), Yampi (``preço_venda`` and
``preço_promocional``) and WooCommerce ("Regular price" and "Sale price")
export both. Where a row has a promotional price below its regular price, the
row's ``price`` is the promotional one and, unless the file has a list-price
column of its own, its ``list_price`` ("de") is the regular one: the channel
shows "de R$ 100,00 por R$ 80,00". A promotional price that is not below the
regular one is not applied, with a warning naming the rows. A products file with
only a promotional-price column reads it as the price (a prices file must name its
price column).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit.sheets.problems import rows_text

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from kit.sheets.schema import HeaderMatch

__all__ = ["apply_promo_price"]


def apply_promo_price(result: pd.DataFrame, mapping: dict[str, HeaderMatch], problem: Callable[..., None]) -> None:
    """Fold ``promo_price`` into ``price`` (and ``list_price``) in place; see the module docstring."""
    if "promo_price" not in mapping or "price" not in result.columns:
        return
    promo = result["promo_price"]
    if "price" not in mapping:
        result["price"] = promo.copy()
        return
    price = result["price"]
    given = (promo > 0).fillna(False).to_numpy(dtype=bool)
    below = given & (promo < price).fillna(False).to_numpy(dtype=bool)
    odd = given & ~below & price.notna().to_numpy()
    if odd.any():
        rows = tuple(int(r) for r in result["_row"].to_numpy()[odd])
        problem(
            "warning",
            f"preço promocional não é menor que o preço na {rows_text(rows)}: usei o preço",
            row=rows[0],
            column=mapping["promo_price"].header,
            rows=rows,
            hint="confira o preço promocional dessas linhas no ERP",
        )
    if not below.any():
        return
    if "list_price" in result.columns and "list_price" not in mapping:
        result["list_price"] = result["list_price"].mask(below, price)
    result["price"] = price.mask(below, promo)
