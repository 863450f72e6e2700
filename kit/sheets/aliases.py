"""Header aliases: the spellings Brazilian ERPs, stores and channels give each column, as
:func:`~kit.sheets.schema.normalize_header` writes them (lower case, no accents, no connectives).

Order matters: where two headers of one file name the same column, the one named by the earlier
alias is read (``_one_of`` in :mod:`kit.sheets.build`).
"""

from __future__ import annotations

__all__ = [
    "SKU_ALIASES",
    "STOCK_ALIASES",
    "PRICE_ALIASES",
    "PROMO_PRICE_ALIASES",
    "LIST_PRICE_ALIASES",
    "WAREHOUSE_ALIASES",
    "PRICE_TABLE_ALIASES",
    "TITLE_ALIASES",
    "EAN_ALIASES",
    "WEIGHT_ALIASES",
    "LENGTH_ALIASES",
    "DIMENSION_UNIT_ALIASES",
    "RESERVED_ALIASES",
    "CODE_ALIASES",
    "DESCRIPTION_ALIASES",
]

SKU_ALIASES = (
    "sku", "codigo", "cod", "cod produto", "codigo produto", "cod item", "codigo item", "item",
    "referencia", "ref", "cod referencia", "codigo referencia", "codigo sku", "cod sku", "sku vendedor",
    "seller sku", "sku seller", "codigo interno", "cod interno", "ref id", "refid", "product code",
    "item code", "product sku", "sku produto", "id produto erp", "codigo erp", "referencia produto",
    "b1 cod", "b2 cod",  # TOTVS Protheus field names (SB1 products, SB2 balances), as a table export heads them
    "codigo referencia sku",  # VTEX's catalogue spreadsheet (_CodigoReferenciaSKU, the RefId)
)  # fmt: skip
STOCK_ALIASES = (
    "estoque", "saldo", "qtd", "qtde", "quantidade", "qtd disponivel", "qtde disponivel",
    "quantidade disponivel", "estoque disponivel", "saldo disponivel", "disponivel", "saldo estoque",
    "stock", "qty", "quantity", "available", "estoque atual", "saldo atual", "estoque fisico",
    "qtd estoque", "qtde estoque", "quantidade estoque", "b2 qatu",
)  # fmt: skip
PRICE_ALIASES = (
    "preco", "preco venda", "valor", "valor venda", "preco unitario", "valor unitario", "preco por",
    "preco final", "price", "regular price", "preco regular", "vlr venda", "vl venda", "preco vista",
    "prc venda", "preco unitario venda", "valor unitario venda", "b1 prv1",
)  # fmt: skip
# A promotional price beside the regular one (Tiny, Yampi, WooCommerce): the selling price where it is given.
PROMO_PRICE_ALIASES = (
    "preco promocional", "valor promocional", "preco promocao", "preco oferta", "sale price", "promotional price",
)  # fmt: skip
LIST_PRICE_ALIASES = (
    "preco de", "preco lista", "preco original", "preco cheio", "list price", "preco sugerido",
    "preco tabela", "valor de", "preco anterior",
)  # fmt: skip
WAREHOUSE_ALIASES = (
    "deposito", "armazem", "warehouse", "local estoque", "cd", "centro distribuicao", "codigo deposito",
    "cod deposito", "id deposito", "almoxarifado", "b2 local",
)  # fmt: skip
PRICE_TABLE_ALIASES = (
    "tabela preco", "tabela", "price table", "lista preco", "codigo tabela preco", "cod tabela preco",
    "id tabela preco", "tabela precos",
)  # fmt: skip
# "Nome" before "Descrição": where a file has both (Tray, Nuvemshop, Loja Integrada), the name is the title
# and "Descrição" the long description (Column.second_aliases); alone, "Descrição" is the title (Bling, Omie).
TITLE_ALIASES = (
    "titulo", "nome", "nome produto", "descricao", "descricao produto", "produto", "title", "name",
    "descricao resumida", "titulo anuncio", "product name", "desc produto", "b1 desc", "descrprod", "item name",
)  # fmt: skip
EAN_ALIASES = (
    "ean", "gtin", "ean gtin", "gtin ean", "ean 13", "ean13", "codigo barras", "cod barras", "codigo barra",
    "cod barra", "barcode", "upc", "ean upc", "gtin 13", "gtin13", "b1 codbar", "ean sku", "eansku",
    "codigo ean", "cod ean", "codigo gtin", "cod gtin",  # Omie's "Código EAN (GTIN)"
    "codigo universal produto",  # Mercado Livre's name for the GTIN attribute
    "gtin upc ean or isbn",  # WooCommerce's export
)  # fmt: skip
WEIGHT_ALIASES = (
    "peso", "peso bruto", "peso liquido", "weight", "peso embalagem", "peso produto", "b1 peso", "b1 pesbru",
    "pesobruto", "pesoliq",
)  # fmt: skip
LENGTH_ALIASES = (
    "comprimento", "profundidade", "length", "depth", "comp", "comprimento embalagem", "profundidade embalagem",
    "comprimento produto", "profundidade produto", "b5 compr",
)  # fmt: skip
DIMENSION_UNIT_ALIASES = ("unidade medida", "unidade medidas", "unidade dimensoes")
RESERVED_ALIASES = (
    "reservado", "qtd reservada", "qtde reservada", "estoque reservado", "reserved", "empenhado", "reserva",
)  # fmt: skip
CODE_ALIASES = ("codigo", "cod", "code", "id", "codigo erp", "codigo interno", "cod erp")
DESCRIPTION_ALIASES = ("descricao", "description", "observacao", "obs", "detalhe")
