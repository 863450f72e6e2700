"""CSV files (``kit.sheets.delimited``): encodings, separators, the C parser's fast path, big files."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kit.errors import InputDataError
from kit.sheets import inspect_table, read_table
from sheets.common import CLEAN, catalog_csv, write


def test_cp1252_products_with_decimal_comma_and_leading_zeros():
    df = read_table(CLEAN / "products_cp1252.csv", "products")
    assert df["sku"].tolist() == ["0012", "0013", "0014"]
    assert df["ean"].tolist() == ["7891234567895", "7891234567901", "0789123456784"]
    assert df["title"].tolist()[0] == "Camiseta Básica Algodão"
    assert df["ncm"].tolist()[2] == "64041100"
    assert df["price"].tolist() == [59.90, 1234.56, 349.00]
    assert df["weight_kg"].tolist() == [0.25, 0.6, 1.1]
    assert df["stock"].tolist() == [10, 0, 7]
    assert df["active"].tolist() == [True, False, True]
    assert df["_row"].tolist() == [2, 3, 4]
    assert df.attrs["source"] == {"file": str(CLEAN / "products_cp1252.csv"), "sheet": None}
    assert str(df["sku"].dtype) == "str" and str(df["stock"].dtype) == "Int64"
    info = inspect_table(CLEAN / "products_cp1252.csv")
    assert (info["encoding"], info["separator"], info["decimal"], info["kind"]) == (
        "cp1252",
        "';'",
        "comma",
        "products",
    )


def test_bom_semicolon_stock_keys_on_sku_and_warehouse():
    df = read_table(CLEAN / "stock_bom_semicolon.csv", "stock")
    assert df.columns.tolist() == ["sku", "available", "reserved", "warehouse", "_row"]
    assert df["sku"].tolist() == ["0001", "0001", "0002"]
    assert df["available"].tolist() == [10, 3, 0]
    assert df["warehouse"].tolist() == ["CD1", "CD2", "CD1"]
    assert inspect_table(CLEAN / "stock_bom_semicolon.csv")["encoding"] == "utf-8-sig"


def test_utf16_tab_export_from_excel():
    df = read_table(CLEAN / "products_utf16.txt", "products")
    assert df["ean"].tolist() == ["07891234567895", "7891234567901"]
    assert df["price"].tolist() == [199.9, 149.5]
    assert df["active"].tolist() == [True, False]
    info = inspect_table(CLEAN / "products_utf16.txt")
    assert (info["encoding"], info["separator"]) == ("utf-16", "tab")


def test_value_lists_one_column_and_pipe_separated():
    pm = read_table(CLEAN / "payment_method.csv")
    assert pm.attrs["kind"] == "payment_method"
    assert pm["payment_method"].tolist() == ["Pix", "Boleto bancário", "Cartão de crédito"]
    cs = read_table(CLEAN / "carrier_service.csv")
    assert cs.attrs["kind"] == "carrier_service"
    assert cs[["carrier", "service", "code"]].values.tolist()[0] == ["Correios", "PAC", "04510"]


def test_ragged_row_with_fewer_cells_is_padded(tmp_path):
    df = read_table(write(tmp_path, "SKU;Estoque;Depósito\nA;1;CD1\nB;2\n"), "stock")
    assert df["warehouse"].isna().tolist() == [False, True]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_generated_catalogue_round_trips(tmp_path, encoding):
    path = tmp_path / "catalog.csv"
    rows = catalog_csv(path, 20_000, encoding=encoding)  # > the sniffed part of the file
    df = read_table(path, "products")
    assert len(df) == len(rows)
    expected = pd.DataFrame(rows)
    for col in ("sku", "ean", "title", "ncm", "category", "stock", "active"):
        assert df[col].tolist() == expected[col].tolist(), col
    for col in ("price", "weight_kg", "height_cm"):
        assert df[col].to_numpy() == pytest.approx(expected[col].to_numpy()), col
    assert df["_row"].iloc[-1] == len(rows) + 1


def test_fast_and_careful_paths_read_the_same_values(tmp_path, monkeypatch):
    """Number columns parsed by the C parser (fast path) equal the text path's results."""
    import kit.sheets.delimited as delimited

    path = tmp_path / "catalog.csv"
    catalog_csv(path, 3_000)
    text = path.read_text(encoding="utf-8")
    plain = tmp_path / "plain.csv"  # no thousands dots: the fast path takes it
    plain.write_text(re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", text), encoding="utf-8")
    calls = []
    real = delimited._read_csv_typed
    monkeypatch.setattr(delimited, "_read_csv_typed", lambda *a: calls.append(r := real(*a)) or r)
    fast = read_table(plain, "products")
    assert calls and calls[-1] is not None, "the fast path was not taken"
    monkeypatch.setattr(delimited, "_read_csv_typed", lambda *a: None)
    careful = read_table(plain, "products")
    pd.testing.assert_frame_equal(fast.drop(columns="_row"), careful.drop(columns="_row"), check_exact=False)
    assert fast["_row"].tolist() == careful["_row"].tolist()


def test_fast_path_leaves_problems_to_the_careful_path(tmp_path):
    path = write(tmp_path, "SKU;Estoque\nA;1\nB;-2\nC;2,5\n")
    with pytest.raises(InputDataError) as info:
        read_table(path, "stock")
    assert "available '-2' é negativo" in info.value.message
    assert len([p for p in info.value.problems if p.severity == "error"]) == 2


# --- a row with more cells than the header: an error naming row and cells, never a dropped value ------

EXTRA_CELLS = {
    # first data row longer: pandas drops its cells with a ParserWarning, exit 0 (fails on the reader before)
    "first row": ("SKU;Estoque\nA-1;10;x;y\nA-2;5\n", 2, "a linha 2 tem 4 células", "'x', 'y'"),
    # every data row one cell longer than the header: the same warning, every value of that column lost
    "every row": ("SKU;Estoque\nA-1;10;CD1\nA-2;5;CD2\n", 2, "(2 linhas assim)", "'CD1'"),
    # a longer row past the rows the reader samples: found when pandas refuses it
    "a late row": (
        "SKU;Estoque\n" + "".join(f"A-{i};{i}\n" for i in range(3000)) + "B;1;;z\n",
        3002,
        "tem 4 células",
        "'', 'z'",
    ),
    # the fast path (a number column read by the C parser) hands the file to the careful path
    "fast path": ("SKU;Título;Preço\nA-1;Caneca;1,5;9\nA-2;Prato;2,5\n", 2, "a linha 2 tem 4 células", "'9'"),
}


@pytest.mark.parametrize("case", list(EXTRA_CELLS))
def test_a_row_with_more_cells_than_the_header_is_an_error_naming_row_and_cells(tmp_path, case):
    import warnings

    text, row, fragment, cells = EXTRA_CELLS[case]
    path = write(tmp_path, text)
    kind = "products" if "Título" in text else "stock"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ParserWarning escapes: the reader says it itself
        with pytest.raises(InputDataError) as info:
            read_table(path, kind)
        report = inspect_table(path, kind)
    exc = info.value
    assert fragment in exc.message and f"células a mais: {cells}" in exc.message
    assert (exc.file, exc.row, exc.exit_code) == (str(path), row, 2)
    assert "sem aspas" in exc.hint
    assert report["ok"] is False and report["problems"][0]["row"] == row


@pytest.mark.parametrize("case", ["first row"])
def test_kit_inspect_exits_2_on_extra_cells_without_a_traceback(kit_cli, tmp_path, case):
    path = write(tmp_path, EXTRA_CELLS[case][0])
    result = kit_cli("inspect", str(path), "--kind", "stock")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "ParserWarning" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("erro:")]
    assert len(errors) == 1 and "células a mais: 'x', 'y'" in errors[0] and "linha 2" in errors[0]


def test_empty_cells_past_the_header_lose_nothing_and_are_dropped(tmp_path):
    import warnings

    late = "SKU;Estoque\n" + "".join(f"A-{i};{i}\n" for i in range(3000)) + "B;1;;\n"
    for text in ("SKU;Estoque\nA-1;10;\nA-2;5;\n", late):  # a separator closing each line, or one line
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            df = read_table(write(tmp_path, text), "stock")
        assert df.columns.tolist() == ["sku", "available", "reserved", "warehouse", "_row"]


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("99999999999999999999", "é grande demais para uma quantidade"),  # int64 cast made it -9223372036854775808
        ("1.000.000.000.000.000.000.000", "é grande demais para uma quantidade"),
    ],
)
def test_a_quantity_too_large_to_keep_is_an_error_not_another_number(tmp_path, cell, fragment):
    import warnings

    path = write(tmp_path, f"SKU;Estoque\nA-1;{cell}\nA-2;3\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "invalid value encountered in cast" was the only sign before
        with pytest.raises(InputDataError, match=fragment) as info:
            read_table(path, "stock")
    assert (info.value.row, info.value.column) == (2, "Estoque")


def test_an_infinite_price_is_not_a_number(tmp_path):
    with pytest.raises(InputDataError, match="'1e999' não é um número"):
        read_table(write(tmp_path, "SKU;Título;Preço\nA;Caneca;1e999\nB;Prato;2\n"), "products")
