"""Regenerate the spreadsheet corpus used by the reader's tests (``tests/sheets/``).

``malformed/``: files each broken in one way a real ERP/store export gets broken.
``clean/``: messy-but-valid exports the reader must read to the right values.

Run ``python tests/data/make_malformed.py``; the output is byte-identical on every
run (XLSX files are saved with fixed timestamps and stored, not deflated, entries).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
MALFORMED = HERE / "malformed"
CLEAN = HERE / "clean"

PRODUCTS_HEADER = "Código;EAN;Descrição;Marca;Categoria;NCM;Peso (kg);Altura;Largura;Comprimento;Preço;Estoque;Ativo"
PRODUCT_ROWS = [
    "0012;7891234567895;Camiseta Básica Algodão;Ipê;Roupas > Camisetas;61091000;0,25;2;30;40;59,90;10;Sim",
    "0013;7891234567901;Calça Jeans Tradicional;Maré;Roupas > Calças;62034200;0,6;3;35;45;1.234,56;0;Não",
    "0014;0789123456784;Tênis de Corrida;Pampa;Calçados > Tênis;64041100;1,1;12;20;32;349,00;7;Sim",
]


def text(path: Path, content: str, encoding: str = "utf-8") -> None:
    path.write_bytes(content.encode(encoding))


def products_csv(rows: list[str], header: str = PRODUCTS_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def workbook(sheets: dict[str, list[list[object]]]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    return wb


FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def save(wb: openpyxl.Workbook, path: Path, cached: dict[str, str] | None = None) -> None:
    """Save a workbook reproducibly; ``cached``: formula results to store, as Excel does on save."""
    wb.save(path)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb">\d{4}-\d\d-\d\dT[\d:.]+Z<", b">2025-01-01T00:00:00Z<", data)
            if cached and item.filename.startswith("xl/worksheets/sheet"):
                xml = data.decode("utf-8")
                for ref, value in cached.items():
                    xml = re.sub(
                        rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?',
                        rf"\1<f>\2</f><v>{value}</v>",
                        xml,
                    )
                data = xml.encode("utf-8")
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=FIXED_TIME), data)
    tmp.replace(path)


def make_malformed() -> None:
    d = MALFORMED
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    # Encodings
    utf8_part = products_csv(PRODUCT_ROWS[:2]).encode("utf-8")
    cp_part = (PRODUCT_ROWS[2] + "\n").encode("cp1252")
    (d / "mixed_encoding.csv").write_bytes(utf8_part + cp_part)
    (d / "bom_but_cp1252.csv").write_bytes(b"\xef\xbb\xbf" + products_csv(PRODUCT_ROWS).encode("cp1252"))
    # Separators and structure
    text(d / "unknown_separator.csv", "SKU#Estoque#Depósito\nA-1#10#CD1\nA-2#5#CD1\nA-3#0#CD2\n")
    text(d / "missing_column.csv", "SKU;Depósito\nA-1;CD1\nA-2;CD1\n")
    text(d / "duplicated_column.csv", "SKU;Preço;Preço de venda\nA-1;10,00;11,00\nA-2;20,00;21,00\n")
    text(d / "duplicate_sku.csv", "SKU;Estoque\nA-1;10\nA-2;5\nA-3;1\nA-1;7\n")
    text(d / "stock_empty_sku.csv", "SKU;Estoque\nA-1;10\n;5\nA-3;1\n")
    text(d / "ragged_rows.csv", "SKU;Estoque\nA-1;10\nA-2;5;CD1\nA-3;1\n")
    text(d / "unterminated_quote.csv", 'SKU;Descrição;Preço\nA-1;Camiseta;10,00\nA-2;"Calça 40;20,00\nA-3;Boné;5,00\n')
    text(d / "header_only.csv", "SKU;Estoque\n")
    (d / "empty.csv").write_bytes(b"")
    text(d / "blank_rows_only.csv", "\n\n;;\n  \n\n")
    text(d / "huge_cell.csv", f"SKU;Descrição;Preço\nA-1;{'x' * 40_000};10,00\nA-2;Boné;5,00\n")
    text(d / "unknown_kind.csv", "Coluna A;Coluna B\n1;2\n")
    text(d / "ambiguous_kind.csv", "SKU;Saldo;Preço\nA-1;10;9,90\n")
    # Values
    ean_rows = [
        PRODUCT_ROWS[0],
        PRODUCT_ROWS[1].replace("7891234567901", "7,89123E+12"),
        PRODUCT_ROWS[2],
    ]
    text(d / "ean_scientific.csv", products_csv(ean_rows))
    text(d / "unparseable_price.csv", "SKU;Preço\nA-1;10,00\nA-2;12,5O\nA-3;7,00\n")
    text(d / "negative_stock.csv", "SKU;Saldo disponível\nA-1;10\nA-2;-3\n")
    text(d / "decimal_mix.csv", "SKU;Preço\nA-1;1.234,56\nA-2;99,90\nA-3;1,234.56\n")
    text(d / "fractional_stock.csv", "SKU;Estoque\nA-1;10\nA-2;2,5\n")
    text(d / "bad_boolean.csv", "Código;Descrição;Ativo\nA-1;Camiseta;Sim\nA-2;Calça;Talvez\n")
    text(
        d / "bad_date.csv",
        "Nº Pedido Marketplace;Chave NF-e;Número NF;Série;Data de emissão;Transportadora;Serviço;"
        "Código de rastreio;URL de rastreio;Situação\n"
        "MLB-1;35250112345678000190550010000012341000012345;1234;1;05/01/2025;Correios;SEDEX;"
        "AA123456789BR;https://rastreio.example/AA123456789BR;Enviado\n"
        "MLB-2;35250112345678000190550010000012351000012350;1235;1;32/13/2025;Correios;PAC;"
        "AA123456790BR;https://rastreio.example/AA123456790BR;Enviado\n",
    )
    # Not CSV / not XLSX
    (d / "binary_garbage.csv").write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    (d / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    text(d / "products.ods", "not really an ods")
    # XLSX
    wb = workbook({"Produtos": [["SKU", "EAN", "Título", "Preço"], ["A-1", "7.89123E+12", "Camiseta", 59.9]]})
    save(wb, d / "ean_scientific.xlsx")
    wb = workbook(
        {
            "Produtos": [
                ["SKU", "Título", "Dimensões (cm)", None, None, "Preço"],
                ["A-1", "Camiseta", 2, 30, 40, 59.9],
            ]
        }
    )
    wb["Produtos"].merge_cells("C1:E1")
    save(wb, d / "merged_header.xlsx")
    wb = workbook({"Estoque": [["SKU", "Depósito", "Estoque"], ["A-1", "CD1", 1], [None, "CD2", 2], ["A-2", "CD1", 3]]})
    wb["Estoque"].merge_cells("A2:A3")
    save(wb, d / "merged_data.xlsx")
    wb = workbook({"Preços": [["SKU", "Preço", "Preço de"], ["A-1", 10, "=B2*1.2"], ["A-2", 20, "=B3*1.2"]]})
    save(wb, d / "formula_no_cache.xlsx")  # openpyxl stores no cached results: like a file never opened in Excel
    wb = workbook(
        {
            "Capa": [["Relatório de vendas"], ["Gerado em 01/02/2025"]],
            "Pedidos": [["Pedido", "Cliente", "Total"], ["1", "Maria", 10]],
        }
    )
    save(wb, d / "no_matching_sheet.xlsx")
    wb = workbook({"Plan1": [["SKU", "Estoque"], ["A-1", 1]]})
    save(wb, d / "wrong_sheet_name.xlsx")
    good = HERE / "clean" / "multi_sheet.xlsx"
    data = good.read_bytes()
    (d / "truncated.xlsx").write_bytes(data[: len(data) // 2])


def make_clean() -> None:
    d = CLEAN
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    text(d / "products_cp1252.csv", products_csv(PRODUCT_ROWS), encoding="cp1252")
    text(
        d / "products_title_rows.csv",
        "Relatório de Produtos;;\nEmpresa: Loja Exemplo LTDA;;\n\n"
        "Cód. do Produto;Nome do produto;Peso (g);Altura (mm);Preço de venda;Qtd disponível;Situação\n"
        "000123;Garrafa Térmica 1L;1.250;250;89,90;1.500;Ativo\n"
        "\n"
        "000124;Caneca;300;95;19,9;12;Inativo\n"
        "Total;;;;;1.512;\n"
        "Gerado em 01/02/2025 10:00 por ERP;;;;;;\n",
    )
    text(
        d / "stock_bom_semicolon.csv",
        "\ufeffSKU;Estoque;Reservado;Depósito\n0001;10;2;CD1\n0001;3;0;CD2\n0002;0;0;CD1\n",
    )
    text(
        d / "products_utf16.txt",
        "SKU\tEAN/GTIN\tTítulo\tPreço\tAtivo\n"
        "A-001\t07891234567895\tCafeteira Elétrica\t199,90\tS\n"
        "A-002\t7891234567901\tLiquidificador\t149,5\tN\n",
        encoding="utf-16",
    )
    text(
        d / "prices_us_comma.csv",
        'sku,price,list_price\nB-01,"1,234.56",1500.00\nB-02,12.5,15\nB-03,"2,000.00","2,500.00"\n',
    )
    text(
        d / "shipments.csv",
        "Nº Pedido Marketplace;Chave NF-e;Número NF;Série;Data de emissão;Transportadora;Serviço;"
        "Código de rastreio;URL de rastreio;Situação;Valor NF\n"
        "2000001234;3525 0112 3456 7800 0190 5500 1000 0012 3410 0001 2345;001234;1;05/01/2025 14:30;"
        "Correios;SEDEX;AA123456789BR;https://rastreio.example/AA123456789BR;Enviado;1.234,56\n"
        "2000001235;35250112345678000190550010000012351000012350;001235;1;2025-01-06;Jadlog;.Package;"
        "JD0001;;Entregue;99,90\n",
    )
    text(d / "payment_method.csv", "Forma de pagamento\nPix\nBoleto bancário\nCartão de crédito\n")
    text(
        d / "carrier_service.csv",
        "Transportadora|Modalidade|Código\nCorreios|PAC|04510\nCorreios|SEDEX|04014\nJadlog|.Package|JAD1\n",
    )
    # XLSX: title rows and a two-row header with merged cells, codes as numbers, a formula with its saved value
    wb = workbook(
        {
            "Produtos": [
                ["Cadastro de produtos", None, None, None, None, None, None],
                ["SKU", "Descrição", "Dimensões (cm)", None, None, "Preço", "Preço de"],
                [None, None, "Altura", "Largura", "Comprimento", None, None],
                ["0001", "Mochila Escolar", 40, 30, 15.5, 129.9, "=F4*1.2"],
                [1002, "Bola de Futebol", 22, 22, 22, 79, "=F5*1.2"],
                ["Total", None, None, None, None, 208.9, None],
            ]
        }
    )
    ws = wb["Produtos"]
    ws.merge_cells("A1:G1")
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:E2")
    ws.merge_cells("F2:F3")
    ws.merge_cells("G2:G3")
    save(wb, d / "products_merged_header.xlsx", cached={"G4": "155.88", "G5": "94.8"})
    wb = workbook(
        {
            "Leia-me": [["Exportação do ERP"], ["Não altere os cabeçalhos"]],
            "Produtos": [["SKU", "Título", "Preço"], ["P-1", "Camiseta", 10.5]],
            "Estoque": [["Código", "Saldo", "Depósito"], ["P-1", 5, "CD1"], ["P-2", 0, "CD1"]],
        }
    )
    save(wb, d / "multi_sheet.xlsx")


if __name__ == "__main__":
    make_clean()
    make_malformed()
    print(f"wrote {len(list(CLEAN.iterdir()))} clean and {len(list(MALFORMED.iterdir()))} malformed files")
