"""Measures whose unit a column gives row by row.

Bling's products export has a "Unidade de Medida" column (Centímetros, Metros,
Milímetros) for each product's width, height and depth: the same "Largura do
Produto" holds centimetres on one row and metres on the next. The reader's
``*_cm`` columns are converted row by row; a unit it does not know is an error
naming its rows (a measure read 100x too small would be sent to the channel).

Other ERPs call their *sales* unit "Unidade de Medida" (UN, PC, KG, and M for
fabric sold by the metre): such a column is not about the measures. It is read
as the measures' unit only when some row spells a length unit out in full
(Centímetros, Metros, Milímetros); otherwise it is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.sheets.problems import rows_text
from kit.sheets.schema import normalize_header

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from kit.sheets.schema import HeaderMatch, Schema

__all__ = ["UNIT_COLUMN", "TO_CM", "SPELLED_OUT", "apply_row_units"]

UNIT_COLUMN = "dimension_unit"
SPELLED_OUT = {"centimetro", "centimetros", "metro", "metros", "milimetro", "milimetros"}
TO_CM = {
    "centimetro": 1.0, "centimetros": 1.0, "cm": 1.0,
    "metro": 100.0, "metros": 100.0, "m": 100.0,
    "milimetro": 0.1, "milimetros": 0.1, "mm": 0.1,
}  # fmt: skip


def apply_row_units(
    result: pd.DataFrame, schema: Schema, mapping: dict[str, HeaderMatch], problem: Callable[..., None]
) -> None:
    """Convert the ``cm`` columns in place by the row's unit (``dimension_unit``); an empty unit is centimetres.

    A column whose header already names its unit ("Altura (mm)") is left as that header says.
    """
    if UNIT_COLUMN not in mapping or not len(result):
        return
    columns = [c.name for c in schema.columns if c.unit == "cm" and c.name in mapping and mapping[c.name].factor == 1.0]
    if not columns:
        return
    text = result[UNIT_COLUMN].fillna("").astype("str")
    keys = text.map(normalize_header)
    if not keys.isin(SPELLED_OUT).any():  # a sales unit (UN, PC, M...), not the measures' unit
        return
    factor = keys.map(TO_CM).where(keys != "", 1.0)
    unknown = factor.isna().to_numpy()
    if unknown.any():
        rows = tuple(int(r) for r in result["_row"].to_numpy()[unknown])
        problem(
            "error",
            f"unidade de medida {text[unknown].iloc[0]!r} desconhecida na {rows_text(rows)}",
            row=rows[0],
            column=mapping[UNIT_COLUMN].header,
            rows=rows,
            value=str(text[unknown].iloc[0]),
            hint="use Centímetros, Metros ou Milímetros (as medidas de largura, altura e profundidade dessa linha)",
        )
        factor = factor.fillna(1.0)
    scale: Any = factor.to_numpy(dtype="float64")
    if (scale != 1.0).any():
        for col in columns:
            result[col] = result[col] * scale
