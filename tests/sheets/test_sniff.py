"""What a text file is (``kit.sheets.sniff``): encodings that change or stop mid-file."""

from __future__ import annotations

import pytest

from kit.errors import InputDataError
from kit.sheets import read_table
from sheets.common import catalog_csv


def test_non_utf8_row_after_the_sniffed_part_is_found(tmp_path):
    path = tmp_path / "catalog.csv"
    rows = catalog_csv(path, 20_000)
    with path.open("ab") as fh:
        fh.write("SKU-X;7891234567895;Pão de Queijo;Ipê;Padaria;19059090;0,1;1;1;1;9,90;1;Sim\n".encode("cp1252"))
    with pytest.raises(InputDataError, match="mixes encodings") as info:
        read_table(path, "products")
    assert info.value.row == len(rows) + 2


def test_utf8_file_cut_inside_a_character_is_reported_as_truncated(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes("SKU;Título\nA;Pão\nB;Café".encode()[:-1])
    with pytest.raises(InputDataError, match=r"ends in the middle of a character \(row 3\)"):
        read_table(path, "products")
