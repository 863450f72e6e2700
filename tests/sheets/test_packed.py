"""Magento's ``additional_attributes``: the pairs a store keeps there become the kind's columns."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kit.errors import InputDataError
from kit.sheets import inspect_table, read_table
from kit.sheets.packed import split_pairs

HEADER = "sku,store_view_code,product_type,name,price,qty,additional_attributes\n"


def test_pairs_as_magentos_export_writes_them() -> None:
    # the cell as the CSV reader hands it: a pair holding a comma is quoted, a quote in it doubled
    cell = 'color=Preto,"material=Algodão, poliéster",ean=7891234567895,"obs=tamanho ""P""",solto'
    assert split_pairs(cell) == {
        "color": "Preto",
        "material": "Algodão, poliéster",
        "ean": "7891234567895",
        "obs": 'tamanho "P"',
    }
    assert split_pairs("") == {}
    assert split_pairs("ean=1,ean=2") == {"ean": "1"}  # the first of a repeated code


def _csv(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "catalog_product.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def test_codes_that_name_a_column_become_that_column(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        'CAM-1,,simple,Camiseta,59.90,10,"color=Preto,""material=Algodão, poliéster"",ean=7891234567895,marca=Ipê"\n'
        "CAM-2,,simple,Caneca,19.90,3,\n"
        'CAM-3,,simple,Garrafa,89.50,1,"gtin=7891234567901,manufacturer=Maré"\n',
    )
    frame = read_table(path, "listings")
    assert frame["ean"].tolist()[0] == "7891234567895"
    assert frame["brand"].tolist()[0] == "Ipê"
    assert frame[["ean", "brand"]].iloc[1].isna().all()  # no attributes: nothing made up
    # two codes for one column: each row takes the one it has
    assert frame["ean"].fillna("").tolist() == ["7891234567895", "", "7891234567901"]
    assert frame["brand"].fillna("").tolist() == ["Ipê", "", "Maré"]
    report = inspect_table(path, "listings")
    said = [p["message"] for p in report["problems"]]
    assert any("'additional_attributes' foi desdobrada: " in m and "ean/gtin (ean)" in m for m in said), said


def test_a_column_the_file_has_wins(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        'CAM-1,,simple,Camiseta,59.90,10,7890000000001,"ean=7891234567895"\n',
        header="sku,store_view_code,product_type,name,price,qty,ean,additional_attributes\n",
    )
    assert read_table(path, "listings")["ean"].tolist() == ["7890000000001"]


def test_a_bad_unpacked_value_names_the_packed_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["sku", "name", "price", "qty", "additional_attributes"])
    sheet.append(["CAM-1", "Camiseta", 59.9, 10, "altura=10,largura=20"])
    sheet.append(["CAM-2", "Caneca", 19.9, 1, "altura=dez,largura=5"])
    path = tmp_path / "catalogo.xlsx"
    book.save(path)
    with pytest.raises(InputDataError) as err:
        read_table(path, "listings")
    assert "'dez' na célula E3 não é um número" in str(err.value)  # E: additional_attributes, row 3


def test_a_file_without_pairs_is_read_as_before(tmp_path: Path) -> None:
    path = _csv(tmp_path, "CAM-1,,simple,Camiseta,59.90,10,\nCAM-2,,simple,Caneca,19.90,3,texto livre\n")
    frame = read_table(path, "listings")
    assert frame["ean"].isna().all()
    assert not any("desdobrada" in p["message"] for p in inspect_table(path, "listings")["problems"])
