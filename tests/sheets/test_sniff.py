"""What a text file is (``kit.sheets.sniff``): encodings that change or stop mid-file."""

from __future__ import annotations

import pytest

from kit.errors import InputDataError
from kit.sheets import inspect_table, read_table
from sheets.common import catalog_csv


def test_non_utf8_row_after_the_sniffed_part_is_found(tmp_path):
    path = tmp_path / "catalog.csv"
    rows = catalog_csv(path, 20_000)
    with path.open("ab") as fh:
        fh.write("SKU-X;7891234567895;Pão de Queijo;Ipê;Padaria;19059090;0,1;1;1;1;9,90;1;Sim\n".encode("cp1252"))
    with pytest.raises(InputDataError, match="mistura codificações") as info:
        read_table(path, "products")
    assert info.value.row == len(rows) + 2


def test_utf8_file_cut_inside_a_character_is_reported_as_truncated(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes("SKU;Título\nA;Pão\nB;Café".encode()[:-1])
    with pytest.raises(InputDataError, match=r"termina no meio de um caractere \(linha 3\)"):
        read_table(path, "products")


def test_a_late_legacy_row_is_decoded_without_losing_a_byte(tmp_path):
    """A file ASCII in its first 256 KB, then bytes cp1252 has no character for: kept (latin-1), never '\ufffd'."""
    path = tmp_path / "late.csv"
    body = "SKU;Titulo\n" + "".join(f"A-{i:06d};Caneca azul grande\n" for i in range(20_000))
    path.write_bytes(body.encode("ascii") + b"B-1;Ma\x81\xe7\xe3\n")
    df = read_table(path, "products")
    assert df["title"].iloc[-1] == "Ma\x81çã"
    assert inspect_table(path, "products")["encoding"] == "latin-1"


def test_the_separator_of_a_file_whose_cells_hold_line_breaks_is_found(tmp_path):
    """A store export (Magento's, for one) with HTML descriptions over several lines: ',' is still its separator."""
    path = tmp_path / "export_catalog_product.csv"
    header = "sku,store_view_code,attribute_set_code,product_type,name,description,weight,price,qty"
    rows = [
        f'P-{i:04d},,Default,simple,Caneca {i},"<p>Caneca de porcelana</p>\n<ul>\n<li>Marca: Ipê</li>\n</ul>",'
        f"0.35,{19 + i}.90,{i}.0000"
        for i in range(1, 31)
    ]
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    info = inspect_table(path)
    assert info["separator"] == "','"
    df = read_table(path, "listings")
    assert len(df) == 30
    assert df["description"].iloc[0].startswith("<p>Caneca de porcelana</p>\n<ul>")
    assert df["price"].iloc[-1] == 49.9
