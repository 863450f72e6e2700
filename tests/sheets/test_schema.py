"""Schemas and the kinds declared (``kit.sheets.schema``, ``kit.sheets.declarations``): aliases, units, guessing."""

from __future__ import annotations

import pytest

from kit.sheets import read_table
from kit.sheets.schema import SCHEMAS, Column, Schema, get_schema, normalize_header, register
from sheets.common import write

ALIASES = [
    ("products", "Código", "sku"),
    ("products", "Cód. Produto", "sku"),
    ("products", "Cod Item", "sku"),
    ("products", "Referência", "sku"),
    ("products", "EAN/GTIN", "ean"),
    ("products", "Código de barras", "ean"),
    ("products", "Descrição", "title"),
    ("products", "Título", "title"),
    ("products", "Nome do produto", "title"),
    ("products", "Marca", "brand"),
    ("products", "Categoria", "category"),
    ("products", "NCM", "ncm"),
    ("products", "Peso (kg)", "weight_kg"),
    ("products", "Peso bruto", "weight_kg"),
    ("products", "Altura", "height_cm"),
    ("products", "Largura", "width_cm"),
    ("products", "Comprimento/Profundidade", "length_cm"),
    ("products", "Profundidade", "length_cm"),
    ("products", "Preço de venda", "price"),
    ("products", "Valor", "price"),
    ("products", "Saldo", "stock"),
    ("products", "Ativo/Situação", "active"),
    ("stock", "Qtd disponível", "available"),
    ("stock", "Reservado", "reserved"),
    ("stock", "Depósito", "warehouse"),
    ("stock", "Armazém", "warehouse"),
    ("prices", "Tabela de preço", "price_table"),
    ("prices", "Preço De", "list_price"),
    ("prices", "Preço Por", "price"),
    ("shipments", "Chave NF-e", "nfe_key"),
    ("shipments", "Chave de acesso", "nfe_key"),
    ("shipments", "Número NF", "invoice_number"),
    ("shipments", "Série", "invoice_series"),
    ("shipments", "Data de emissão", "issued_at"),
    ("shipments", "Código de rastreio", "tracking_code"),
    ("shipments", "Rastreamento", "tracking_code"),
    ("shipments", "URL de rastreio", "tracking_url"),
    ("shipments", "Pedido no canal", "channel_order_id"),
    ("shipments", "Nº pedido marketplace", "channel_order_id"),
    ("shipments", "Status/Situação do pedido", "status"),
    ("shipments", "Transportadora", "carrier"),
    ("shipments", "Serviço/Modalidade", "service"),
    ("payment_method", "Forma de pagamento", "payment_method"),
    ("payment_method", "Meio de pagamento", "payment_method"),
    ("order_status", "Situação do pedido", "status"),
    ("warehouse", "Depósito/Armazém", "warehouse"),
    ("price_table", "Tabela de preço", "price_table"),
    ("carrier_service", "  MODALIDADE  ", "service"),
]


@pytest.mark.parametrize(("kind", "header", "column"), ALIASES)
def test_brazilian_erp_header_aliases(kind, header, column):
    assert get_schema(kind).match_header(header)[0] == column


@pytest.mark.parametrize(
    ("header", "factor"),
    [("Peso (g)", 0.001), ("Peso em gramas", 0.001), ("Peso (kg)", 1.0), ("Peso", 1.0), ("Altura (mm)", 0.1)],
)
def test_units_in_headers_convert(header, factor):
    column = "height_cm" if "Altura" in header else "weight_kg"
    assert get_schema("products").match_header(header) == (column, factor)


def test_header_in_an_incompatible_unit_is_not_taken():
    assert get_schema("products").match_header("Altura (kg)") is None


def test_normalize_header_strips_accents_case_punctuation_and_connectives():
    assert normalize_header("  Cód. do Produto ") == "cod produto"
    assert normalize_header("CÓDIGO_PRODUTO") == "codigo produto"
    assert normalize_header("Nº Pedido (Marketplace)") == "no pedido marketplace"


def test_schema_registered_twice_is_an_error():
    with pytest.raises(ValueError, match="already registered"):
        register(Schema("products", (Column("sku", "code", required=True),)))
    assert set(SCHEMAS) >= {
        "products", "stock", "prices", "shipments", "carrier_service", "payment_method",
        "order_status", "category", "attribute", "warehouse", "price_table",
    }  # fmt: skip


def test_alias_meaning_two_columns_is_refused_at_declaration():
    with pytest.raises(ValueError, match="maps to both"):
        Schema("x", (Column("a", "text", aliases=("Saldo",)), Column("b", "int", aliases=("saldo",))))
    with pytest.raises(ValueError, match="unknown type"):
        Column("a", "money")


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("SKU;Estoque;Depósito", "stock"),
        ("Código;Preço;Tabela de preço", "prices"),
        ("Código;Descrição;Marca;EAN;Preço;Estoque", "products"),
        ("Nº pedido marketplace;Chave NF-e;Código de rastreio", "shipments"),
        ("Transportadora;Serviço", "carrier_service"),
        ("Forma de pagamento;Código", "payment_method"),
        ("Situação do pedido", "order_status"),
        ("Código;Categoria", "category"),
        ("Atributo;Valor", "attribute"),
        ("Depósito;Descrição", "warehouse"),
        ("Tabela de preço;Código", "price_table"),
    ],
)
def test_kind_is_guessed_from_the_headers(tmp_path, header, kind):
    ncols = header.count(";") + 1
    path = write(tmp_path, header + "\n" + ";".join(["1"] * ncols) + "\n")
    assert read_table(path).attrs["kind"] == kind


def test_a_name_and_its_synonym_in_parentheses_are_one_column():
    products = get_schema("products")
    assert products.match_header("SKU (Código)") == ("sku", 1.0)
    assert products.match_header("Código de barras (GTIN)") == ("ean", 1.0)
    # a parenthesis that names no column may qualify the name: not read as the name alone
    assert products.match_header("Preço (sugerido pelo fornecedor)") is None
    assert products.match_header("Código (SKU) (EAN)") is None  # two columns named: neither


def test_erp_field_names_as_table_exports_head_them(tmp_path):
    # TOTVS Protheus (SB1/SB5 field names, TDN "Produtos - MATA010") and Sankhya (TGFPRO) exports
    path = tmp_path / "sb1.csv"
    path.write_text(
        "B1_FILIAL;B1_COD;B1_DESC;B1_TIPO;B1_UM;B1_CODBAR;B1_POSIPI;B1_PESO;B1_PESBRU;B1_PRV1;B5_ALTURA\n"
        "01;000123;CAMISETA BASICA;PA;UN;7891234567895;61091000;0,2;0,2;59,90;3\n",
        encoding="utf-8",
    )
    frame = read_table(path, "products")
    row = frame.iloc[0]
    assert (row["sku"], row["title"], row["ean"], row["ncm"], row["price"]) == (
        "000123", "CAMISETA BASICA", "7891234567895", "61091000", 59.9,
    )  # fmt: skip
    assert row["weight_kg"] == 0.2 and row["height_cm"] == 3
    sankhya = tmp_path / "tgfpro.csv"
    sankhya.write_text("REFERENCIA;DESCRPROD;PESOBRUTO;NCM\nAB-1;Caneca;0,4;69120000\n", encoding="utf-8")
    assert read_table(sankhya, "products")[["sku", "title", "weight_kg"]].iloc[0].tolist() == ["AB-1", "Caneca", 0.4]


def test_words_run_together_and_filling_notes():
    assert normalize_header("_CodigoReferenciaSKU") == "codigo referencia sku"
    assert normalize_header("SKUAtivo") == "sku ativo"
    assert [normalize_header(h) for h in ("SKUs", "NFe", "EAN13", "IDSKU")] == ["skus", "nfe", "ean13", "idsku"]
    products = get_schema("products")
    assert products.match_header("Preço (obrigatório)") == ("price", 1.0)
    assert products.match_header("SKU (Não alterável)") == ("sku", 1.0)
    assert products.match_header("(opcional)") is None


def test_vtex_catalogue_spreadsheet_headers(tmp_path):
    # the columns of VTEX's SKU spreadsheet a store exports (a subset, in its order)
    header = (
        "_IDSKU (Não alterável);_NomeSKU;_SKUAtivo (Não alterável);_EANSKU;_Altura;_AlturaReal;_Largura;"
        "_Comprimento;_Peso;_CodigoReferenciaSKU;_IDProduto (Não alterável);_NomeProduto (Obrigatório);"
        "_CodigoReferenciaProduto;_NomeCategoria;_Marca"
    )
    row = "11;Camiseta P;SIM;7891234567895;4;3;30;40;0,3;CAM-P;7;Camiseta;CAM;Camisetas;Ipê"
    path = tmp_path / "vtex.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    frame = read_table(path, "listings")
    got = frame.iloc[0]
    assert (got["sku"], got["title"], got["ean"], got["brand"], got["category"]) == (
        "CAM-P", "Camiseta", "7891234567895", "Ipê", "Camisetas",
    )  # fmt: skip
    assert (got["height_cm"], got["width_cm"], got["length_cm"]) == (4, 30, 40)  # _Altura, not _AlturaReal
    assert bool(got["active"]) is True


def test_amazon_all_listings_report(tmp_path):
    # Amazon Seller Central's "All Listings Report": tab-separated text, its own header names
    path = tmp_path / "Active+Listings+Report.txt"
    path.write_text(
        "item-name\titem-description\tlisting-id\tseller-sku\tprice\tquantity\topen-date\tasin1\tstatus\n"
        "Camiseta Básica\t\t0101ABCDEF1\tCAM-P\t59.90\t12\t2025-01-10 10:00:00 BRT\tB0ABCDEF12\tActive\n",
        encoding="utf-8",
    )
    got = read_table(path, "listings").iloc[0]
    assert (got["title"], got["channel_id"], got["sku"], got["price"], got["stock"]) == (
        "Camiseta Básica", "0101ABCDEF1", "CAM-P", 59.9, 12,
    )  # fmt: skip
