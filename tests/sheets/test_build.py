"""The canonical frame (``kit.sheets.build``): huge cells, empty cells, surrounding whitespace."""

from __future__ import annotations

import pytest

from kit.errors import InputDataError
from kit.sheets import MAX_CELL_CHARS, inspect_table, read_table
from sheets.common import write


def test_huge_cell_limit_is_excel_limit():
    assert MAX_CELL_CHARS == 32_767


def test_empty_cells_are_counted_per_column(tmp_path):
    path = write(tmp_path, "SKU;EAN;Título;Marca;Preço\nA-1;;Caneca;;10\nA-2;789;Prato ;  ;\nA-3;;Pires;;3\n")
    df = read_table(path, "listings")
    counts = df.attrs["empty_cells"]  # a cell of spaces is empty too
    assert (counts["sku"], counts["ean"], counts["title"], counts["brand"], counts["price"]) == (0, 2, 0, 3, 1)
    assert counts["ncm"] == 3  # a column the file lacks: empty throughout
    for col in ("ean", "title", "brand", "ncm"):  # a text column holds NaN exactly in its empty cells
        assert df[col].isna().sum() == counts[col]
    assert inspect_table(path, "listings")["empty_cells"] == counts


@pytest.mark.parametrize("pad", [" ", "\t", "\u00a0", "  \u00a0 "])
def test_cells_padded_with_whitespace_are_stripped(tmp_path, pad):
    text = f"SKU;Título;Estoque\n{pad}A-1{pad};{pad}Caneca{pad};{pad}10{pad}\nA-2;Prato;3\n"
    for encoding in ("utf-8", "cp1252"):
        df = read_table(write(tmp_path, text, encoding=encoding), "products")
        assert df["sku"].tolist() == ["A-1", "A-2"]
        assert df["title"].tolist() == ["Caneca", "Prato"]
        assert df["stock"].tolist() == [10, 3]


def _big_products_csv(path, n=3000, *, multiline=False):
    rows = ["sku,ean,title,category,price,stock"]
    for i in range(n):
        title = f'"Título {i}\nsegunda linha"' if multiline and i == 5 else f"Título {i}"
        rows.append(f'SKU-{i:05d},{7890000000000 + i},{title},"Casa > Cama, Mesa e Banho",{10 + i % 7}.5,{i % 9}')
    rows[10] = rows[10].replace("SKU-00009", "  SKU-00009 ")  # plain spaces around a key
    rows[20] = rows[20].replace("Título 19", "Título 19\u00a0")  # a non-breaking space at the end
    rows[30] = rows[30].replace('"Casa', '" Casa')  # a space inside the quotes
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("multiline", [False, True], ids=["line-per-row", "quoted-line-break"])
def test_only_rows_with_surrounding_whitespace_are_stripped_and_all_of_them_are(tmp_path, multiline):
    frame = read_table(_big_products_csv(tmp_path / "p.csv", multiline=multiline), "products")
    assert frame.loc[frame["_row"] == 11, "sku"].item() == "SKU-00009"
    assert frame.loc[frame["_row"] == 21, "title"].item() == "Título 19"
    assert frame.loc[frame["_row"] == 31, "category"].item() == "Casa > Cama, Mesa e Banho"
    assert not frame["sku"].str.contains(r"^\s|\s$", regex=True).any()
    assert not frame["title"].str.contains(r"^\s|\s$", regex=True).any()
    assert len(frame) == 3000


def test_values_in_a_column_without_a_header_are_named_not_dropped_silently(tmp_path):
    import openpyxl

    csv_path = write(tmp_path, "SKU;Estoque;\nA-1;1;nota\nA-2;2;\n")
    wb = openpyxl.Workbook()
    wb.active.append(["SKU", "Estoque", None, "Depósito"])
    wb.active.append(["A-1", 1, 7.5, "CD1"])
    wb.active.append(["A-2", 2, None, "CD1"])
    wb.save(tmp_path / "estoque.xlsx")
    for path, letter, value in ((csv_path, "C", "'nota'"), (tmp_path / "estoque.xlsx", "C", "'7.5'")):
        df = read_table(path, "stock")  # a warning: the named columns are read
        assert df["available"].tolist() == [1, 2]
        warnings = [p for p in inspect_table(path, "stock")["problems"] if p["severity"] == "warning"]
        unnamed = [p for p in warnings if "não tem cabeçalho" in p["message"]]
        assert unnamed and unnamed[0]["column"] == letter and unnamed[0]["row"] == 2, warnings
        assert value in unnamed[0]["message"] and "não são lidos" in unnamed[0]["message"]


BLING = (
    "ID;Código;Descrição;Preço;Situação;Estoque;Peso líquido (Kg);Peso bruto (Kg);GTIN/EAN;GTIN/EAN da embalagem;"
    "Largura do Produto;Altura do Produto;Profundidade do produto;Marca;Departamento;Categoria do produto\n"
    "160001;CAM-001;Camiseta Básica;49,90;Ativo;3;0,180;0,200;7891234567895;;20;3;30;Malwee;;Vestuário >> Camisetas\n"
    "160002;CAM-002;Camiseta Gola V;59,90;Inativo;0;0,190;0,210;7891234567901;;20;3;30;Malwee;;Vestuário >> Camisetas\n"
)


def test_an_erp_export_with_two_headers_for_a_measure_or_a_label_is_read(tmp_path):
    """Bling's products export: net and gross weight, the item's and the package's EAN, department and category."""
    path = write(tmp_path, BLING)
    df = read_table(path, "products")
    assert list(df["weight_kg"]) == [0.2, 0.21]  # the gross weight (the preferred alias): what is shipped
    assert list(df["ean"]) == ["7891234567895", "7891234567901"]  # the package's EAN column is empty
    assert list(df["category"]) == ["Vestuário >> Camisetas"] * 2  # "Departamento" is empty
    assert (list(df["width_cm"]), list(df["height_cm"]), list(df["length_cm"])) == ([20.0] * 2, [3.0] * 2, [30.0] * 2)
    info = inspect_table(path, "products")
    read_as = {c["header"]: c["column"] for c in info["columns"]}
    assert read_as["Peso bruto (Kg)"] == "weight_kg" and read_as["Peso líquido (Kg)"] is None
    assert read_as["GTIN/EAN da embalagem"] is None and read_as["Departamento"] is None
    said = [p["message"] for p in info["problems"] if p["severity"] == "warning"]
    assert any("li 'Peso bruto (Kg)'" in m and "'Peso líquido (Kg)'" in m for m in said), said


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("SKU;Preço;Preço de venda\nA-1;10,00;11,00\n", None),  # two filled prices that differ: the person chooses
        ("SKU;Preço;Preço de venda\nA-1;;11,00\nA-2;;12,00\n", [11.0, 12.0]),  # only one has data
        ("SKU;Preço;Preço de venda\nA-1;11,00;11,00\nA-2;12,00;12,00\n", [11.0, 12.0]),  # the same cells
    ],
    ids=["both-filled", "one-filled", "same-cells"],
)
def test_two_price_headers_are_chosen_only_when_one_is_empty(tmp_path, text, read):
    path = write(tmp_path, text)
    if read is None:
        with pytest.raises(InputDataError, match="querem dizer price: deixe só uma"):
            read_table(path, "prices")
    else:
        assert list(read_table(path, "prices")["price"]) == read


def test_measures_are_converted_by_the_unit_each_row_gives(tmp_path):
    """Bling's "Unidade de Medida": one product in centimetres, the next in metres or millimetres."""
    head = "Código;Descrição;Largura do Produto;Altura (mm);Profundidade do produto;Unidade de Medida;Unidade\n"
    path = write(tmp_path, head + "A;Caneca;20;90;30;Centímetros;UN\nB;Mesa;1,2;750;0,8;Metros;UN\n"
                 "C;Anel;15;5;15;Milímetros;PC\nD;Vaso;12;200;12;;UN\n")  # fmt: skip
    df = read_table(path, "products")
    assert list(df["width_cm"]) == pytest.approx([20.0, 120.0, 1.5, 12.0])
    assert list(df["length_cm"]) == pytest.approx([30.0, 80.0, 1.5, 12.0])
    assert list(df["height_cm"]) == pytest.approx([9.0, 75.0, 0.5, 20.0])  # the header says mm: as it says
    bad = write(tmp_path, head + "A;Mesa;1,2;750;0,8;Metros;UN\nB;Caneca;20;90;30;Polegadas;UN\n", name="bad.csv")
    with pytest.raises(InputDataError, match="unidade de medida 'Polegadas' desconhecida na linha 3"):
        read_table(bad, "products")


@pytest.mark.parametrize("units", [("UN", "M"), ("PC", "KG"), ("", "")], ids=["fabric-by-the-metre", "kg", "empty"])
def test_a_sales_unit_column_called_unidade_de_medida_leaves_the_measures_alone(tmp_path, units):
    """Omie, Tiny and others call the sales unit "Unidade de Medida": 'M' there is fabric sold by the metre."""
    path = write(
        tmp_path, f"Código;Descrição;Largura;Unidade de Medida\nA;Tecido;140;{units[0]}\nB;Linha;2;{units[1]}\n"
    )
    assert list(read_table(path, "products")["width_cm"]) == [140.0, 2.0]


@pytest.mark.parametrize("other", ["GTIN/EAN tributável", "GTIN/EAN da embalagem", "GTIN embalagem"])
def test_the_tax_and_package_gtin_beside_the_ean_are_not_the_items_ean(tmp_path, other):
    """Tiny's and Bling's exports: the taxable unit's and the package's GTIN (a box of 12 has its own) are other
    codes; the item's "GTIN/EAN" is read whatever they hold, and inspect says they were not read."""
    head = f"Código (SKU);Descrição;GTIN/EAN;{other}\n"
    path = write(tmp_path, head + "A;Caneca;7891234567895;17891234567892\nB;Prato;7891234567901;\n")
    assert list(read_table(path, "products")["ean"]) == ["7891234567895", "7891234567901"]
    info = inspect_table(path, "products")
    assert other in info["ignored_columns"] and not [p for p in info["problems"] if p["severity"] == "error"]


@pytest.mark.parametrize(("header", "read"), [("Peso/g", [0.2, 1.5]), ("Peso/kg", [200.0, 1500.0])])
def test_a_unit_after_a_slash_converts_the_measure(tmp_path, header, read):
    """ "Peso/g" is grams (it was read as kilograms: 1,000 times too heavy)."""
    path = write(tmp_path, f"SKU;Nome;{header}\nA;Caneca;200\nB;Mesa;1500\n")
    assert list(read_table(path, "products")["weight_kg"]) == pytest.approx(read)


def test_name_and_description_together_are_the_title_and_the_description(tmp_path):
    """Tray's and Nuvemshop's exports have "Nome" and "Descrição" (the long text): the name is the title. Alone,
    or beside an empty "Nome", "Descrição" is the title (Bling, Omie, Tiny)."""
    both = write(tmp_path, "Referência;Nome;Descrição;Preço\nA;Caneca;<p>Caneca de porcelana</p>;10,00\n", name="b.csv")
    df = read_table(both, "products")
    assert (df["title"].tolist(), df["description"].tolist()) == (["Caneca"], ["<p>Caneca de porcelana</p>"])
    info = inspect_table(both, "products")
    assert {c["header"]: c["column"] for c in info["columns"]}["Descrição"] == "description"
    assert not [p for p in info["problems"] if "querem dizer" in p["message"]], info["problems"]
    alone = write(tmp_path, "Código;Descrição;Descrição Complementar\nA;Caneca;Porcelana\n", name="a.csv")
    df = read_table(alone, "products")
    assert (df["title"].tolist(), df["description"].tolist()) == (["Caneca"], ["Porcelana"])
    empty_name = write(tmp_path, "SKU;Nome;Descrição\nA;;Caneca\n", name="e.csv")
    assert read_table(empty_name, "products")["title"].tolist() == ["Caneca"]


@pytest.mark.parametrize(
    ("text", "column", "value"),
    [
        ("Código do Produto;Descrição;Código EAN (GTIN);Família de Produto\nA;Caneca;7891234567895;Cozinha\n",
         "ean", "7891234567895"),  # Omie
        ("Código do Produto;Descrição;Código EAN (GTIN);Família de Produto\nA;Caneca;7891234567895;Cozinha\n",
         "category", "Cozinha"),  # Omie
        ("sku;name;nbm;qty;price\nA;Caneca;6912.00.00;3;10.00\n", "ncm", "69120000"),  # SkyHub (Americanas)
        ("Código do anúncio;SKU;Título;Código universal de produto\nMLB1;A;Caneca;7891234567895\n",
         "ean", "7891234567895"),  # Mercado Livre's listings spreadsheet
        ("SKU;Name;GTIN, UPC, EAN, or ISBN\nA;Caneca;7891234567895\n", "ean", "7891234567895"),  # WooCommerce
    ],
    ids=["omie-ean", "omie-family", "skyhub-nbm", "mercadolivre-gtin", "woocommerce-gtin"],
)  # fmt: skip
def test_real_exports_name_these_columns_their_own_way(tmp_path, text, column, value):
    assert read_table(write(tmp_path, text), "listings")[column].tolist() == [value]
