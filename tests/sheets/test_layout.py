"""Where the table sits (``kit.sheets.layout``): title rows, blank rows, trailer rows."""

from __future__ import annotations

from kit.sheets import inspect_table, read_table
from sheets.common import CLEAN, write


def test_title_rows_blank_rows_trailers_grams_and_millimetres():
    path = CLEAN / "products_title_rows.csv"
    df = read_table(path, "products")
    assert df["sku"].tolist() == ["000123", "000124"]
    assert df["_row"].tolist() == [5, 7]  # header on row 4, a blank row 6 skipped
    assert df["weight_kg"].tolist() == [1.25, 0.3]  # "Peso (g)": 1.250 g is 1,25 kg
    assert df["height_cm"].tolist() == [25.0, 9.5]  # "Altura (mm)"
    assert df["stock"].tolist() == [1500, 12]  # "1.500": thousands dot
    assert df["active"].tolist() == [True, False]
    info = inspect_table(path, "products")
    assert info["header_row"] == 4
    assert (info["blank_rows"], info["trailer_rows"]) == (1, 2)
    trailer = [p for p in info["problems"] if "trailer" in p["message"]]
    assert trailer and trailer[0]["rows"] == [8, 9] and trailer[0]["severity"] == "warning"


def test_a_value_that_starts_like_a_footer_is_data(tmp_path):
    path = write(tmp_path, "Transportadora;Serviço\nCorreios;PAC\nTotal Express;Expresso\nTotal;\n")
    df = read_table(path, "carrier_service")
    assert df["carrier"].tolist() == ["Correios", "Total Express"]  # the bare "Total" line is the footer
    report = inspect_table(path, "carrier_service")
    assert report["trailer_rows"] == 1
