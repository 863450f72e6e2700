"""The kinds of file the kit reads, declared: ERP and store exports, and value lists.

Each kind is one :class:`~kit.sheets.schema.Schema` registered in
:data:`~kit.sheets.schema.SCHEMAS` when this module is imported (``kit.sheets``
imports it): ``products`` (and ``listings``, a store's products with repeated
SKUs allowed), ``stock``, ``prices``, ``shipments``, and the value lists
``carrier_service``, ``payment_method``, ``order_status``, ``category``,
``attribute``, ``warehouse``, ``price_table``. Header aliases are the spellings
Brazilian ERPs and stores use.
"""

from __future__ import annotations

from dataclasses import replace

from kit.sheets.aliases import (
    CODE_ALIASES,
    DESCRIPTION_ALIASES,
    DIMENSION_UNIT_ALIASES,
    EAN_ALIASES,
    LENGTH_ALIASES,
    LIST_PRICE_ALIASES,
    PRICE_ALIASES,
    PRICE_TABLE_ALIASES,
    PROMO_PRICE_ALIASES,
    RESERVED_ALIASES,
    SKU_ALIASES,
    STOCK_ALIASES,
    TITLE_ALIASES,
    WAREHOUSE_ALIASES,
    WEIGHT_ALIASES,
)
from kit.sheets.schema import Column, Schema, get_schema, register

__all__: list[str] = []  # registers the kinds on import; the alias lists live in kit.sheets.aliases


def _sku(required: bool = True) -> Column:
    return Column("sku", "code", required=required, aliases=SKU_ALIASES)


def _code() -> Column:
    return Column("code", "code", aliases=CODE_ALIASES, standard=False)


def _description() -> Column:
    return Column("description", "text", aliases=DESCRIPTION_ALIASES, standard=False)


register(
    Schema(
        "products",
        (
            _sku(),
            Column("ean", "code", digits=True, aliases=EAN_ALIASES),
            Column("title", "text", required=True, aliases=TITLE_ALIASES),
            Column("brand", "text", aliases=("marca", "fabricante", "brand", "marca produto", "manufacturer")),
            Column(
                "category",
                "text",
                aliases=(
                    "categoria",
                    "category",
                    "grupo",
                    "grupo produto",
                    "departamento",
                    "familia",
                    "categoria produto",
                    "arvore categoria",
                    "subcategoria",
                    "categorias",
                    "categories",
                    "nome categoria",
                    "familia produto",  # Omie's "Família de Produto"
                ),
            ),  # fmt: skip
            Column(
                "ncm",
                "code",
                digits=True,
                aliases=(
                    "ncm",
                    "codigo ncm",
                    "cod ncm",
                    "ncm sh",
                    "classificacao fiscal",
                    "class fiscal",
                    "b1 posipi",
                    "nbm",  # SkyHub (Americanas) calls the NCM "nbm"
                ),  # fmt: skip
            ),
            Column("weight_kg", "decimal", min_value=0, unit="kg", aliases=WEIGHT_ALIASES),
            Column(
                "height_cm",
                "decimal",
                min_value=0,
                unit="cm",
                aliases=("altura", "height", "alt", "altura embalagem", "altura produto", "b5 altura"),
            ),
            Column(
                "width_cm",
                "decimal",
                min_value=0,
                unit="cm",
                aliases=("largura", "width", "larg", "largura embalagem", "largura produto", "b5 larg"),
            ),
            Column(
                "length_cm",
                "decimal",
                min_value=0,
                unit="cm",
                aliases=LENGTH_ALIASES,
            ),
            Column("price", "decimal", min_value=0, aliases=PRICE_ALIASES),
            Column("stock", "int", min_value=0, aliases=STOCK_ALIASES),
            Column(
                "active",
                "bool",
                aliases=(
                    "ativo",
                    "situacao",
                    "status",
                    "ativo inativo",
                    "active",
                    "habilitado",
                    "situacao produto",
                    "status produto",
                    "enabled",
                    "sku ativo",
                ),
            ),  # fmt: skip
            Column(
                "description",
                "text",
                standard=False,
                aliases=(
                    "descricao longa",
                    "descricao completa",
                    "descricao detalhada",
                    "description",
                    "descricao html",
                    "detalhes",
                    "descricao complementar",
                    "long description",
                    "body html",
                ),
                second_aliases=("descricao", "descricao produto"),
            ),  # fmt: skip
            Column(
                "image_urls",
                "text",
                standard=False,
                aliases=(
                    "imagens",
                    "url imagem",
                    "urls imagens",
                    "url imagens",
                    "fotos",
                    "image urls",
                    "imagem",
                    "link imagem",
                    "links imagens",
                    "images",
                ),
            ),  # fmt: skip
            Column("color", "text", standard=False, aliases=("cor", "color", "colour")),
            # "Preço de" / "Preço por" exports: declared so "Preço de" is not read as the selling price
            Column("list_price", "decimal", standard=False, min_value=0, aliases=LIST_PRICE_ALIASES),
            Column("promo_price", "decimal", standard=False, min_value=0, aliases=PROMO_PRICE_ALIASES),
            Column("size", "text", standard=False, aliases=("tamanho", "size", "tam")),
            Column(
                "parent_sku",
                "code",
                standard=False,
                aliases=(
                    "sku pai",
                    "codigo pai",
                    "cod pai",
                    "produto pai",
                    "parent sku",
                    "agrupador",
                    "referencia pai",
                ),
            ),  # fmt: skip
            Column(
                "channel_id",
                "code",
                standard=False,
                aliases=(
                    "id canal",
                    "id anuncio",
                    "codigo anuncio",
                    "channel id",
                    "mlb",
                    "id marketplace",
                    "no anuncio",
                    "numero anuncio",
                    "listing id",
                    "item id",
                ),  # Amazon's listings report, ML's item_id
            ),
            # The channels a product is published on (kit.assortment): names, types or labels of channels.
            Column(
                "channels",
                "text",
                standard=False,
                aliases=("canais", "publicar em", "marketplaces", "marketplace", "canais de venda", "channels"),
            ),
            Column(
                "variation_id",
                "code",
                standard=False,
                aliases=("id variacao", "variation id", "codigo variacao", "cod variacao"),
            ),
            # The store view a row overrides (Magento's export: one row per SKU for the default scope,
            # then a row per store view with only what that view changes): empty = the product itself.
            Column("scope", "code", standard=False, aliases=("store view code", "store view", "visao loja", "escopo")),
            # The unit of the row's width, height and depth (Bling: Centímetros, Metros, Milímetros).
            Column("dimension_unit", "text", standard=False, aliases=DIMENSION_UNIT_ALIASES),
            # The row's warehouse (one row per SKU and warehouse): go-live folds them (golive.scopes).
            Column("warehouse", "code", standard=False, aliases=WAREHOUSE_ALIASES),
        ),
        key=("sku",),
        description="products/SKUs exported by the ERP or a store",
    )
)

# A store's listings export: the products columns, but a SKU listed twice, or a listing without one,
# is a finding for the go-live check, not a reading error. Never guessed: its headers are the products'.
register(
    Schema(
        "listings",
        tuple(replace(c, blank_cells=True) if c.name == "sku" else c for c in get_schema("products").columns),
        key=(),
        description="products as a store lists them (repeated SKUs allowed)",
        guessable=False,
    )
)

register(
    Schema(
        "stock",
        (
            _sku(),
            Column("available", "int", required=True, min_value=0, aliases=STOCK_ALIASES),
            Column("reserved", "int", standard=False, min_value=0, aliases=RESERVED_ALIASES),
            Column("warehouse", "code", standard=False, aliases=WAREHOUSE_ALIASES),
        ),
        key=("sku", "warehouse"),
        description="stock per SKU (and warehouse)",
    )
)

register(
    Schema(
        "prices",
        (
            _sku(),
            Column("price", "decimal", required=True, min_value=0, aliases=PRICE_ALIASES),
            # "Preço de" / "Preço por" exports: declared so "Preço de" is not read as the selling price
            Column("list_price", "decimal", standard=False, min_value=0, aliases=LIST_PRICE_ALIASES),
            Column("promo_price", "decimal", standard=False, min_value=0, aliases=PROMO_PRICE_ALIASES),
            Column("price_table", "code", standard=False, aliases=PRICE_TABLE_ALIASES),
        ),
        key=("sku", "price_table"),
        description="prices per SKU (and price table)",
    )
)

register(
    Schema(
        "shipments",
        (
            Column(
                "channel_order_id",
                "code",
                required=True,
                aliases=(
                    "pedido canal",
                    "numero pedido canal",
                    "no pedido marketplace",
                    "n pedido marketplace",
                    "pedido marketplace",
                    "numero pedido marketplace",
                    "id pedido canal",
                    "pedido loja",
                    "order id",
                    "codigo pedido canal",
                    "pedido ecommerce",
                    "numero pedido loja",
                    "no pedido canal",
                    "n pedido canal",
                    "id pedido marketplace",
                    "pedido no canal",
                    "channel order id",
                    "pedido loja virtual",
                    "numero pedido ecommerce",
                ),
            ),  # fmt: skip
            Column(
                "nfe_key",
                "code",
                digits=True,
                aliases=(
                    "chave nfe",
                    "chave nf e",
                    "chave acesso",
                    "chave",
                    "chave nota",
                    "nfe key",
                    "chave nota fiscal",
                    "chave acesso nfe",
                    "chave danfe",
                ),
            ),  # fmt: skip
            Column(
                "invoice_number",
                "code",
                aliases=(
                    "numero nf",
                    "numero nota",
                    "nf",
                    "numero nfe",
                    "nota fiscal",
                    "no nf",
                    "n nf",
                    "invoice number",
                    "nf numero",
                    "num nf",
                    "numero nota fiscal",
                    "no nota",
                ),
            ),  # fmt: skip
            Column(
                "invoice_series", "code", aliases=("serie", "serie nf", "serie nota", "invoice series", "serie nfe")
            ),
            Column(
                "issued_at",
                "date",
                aliases=(
                    "data emissao",
                    "emissao",
                    "data nf",
                    "data nota",
                    "issued at",
                    "dt emissao",
                    "data emissao nf",
                    "data faturamento",
                ),
            ),  # fmt: skip
            Column("carrier", "text", aliases=("transportadora", "carrier", "nome transportadora", "transportador")),
            Column(
                "service",
                "text",
                aliases=(
                    "servico",
                    "modalidade",
                    "servico entrega",
                    "forma envio",
                    "modalidade frete",
                    "metodo envio",
                    "service",
                    "tipo frete",
                    "servico transportadora",
                ),
            ),  # fmt: skip
            Column(
                "tracking_code",
                "code",
                aliases=(
                    "codigo rastreio",
                    "rastreio",
                    "rastreamento",
                    "codigo rastreamento",
                    "tracking",
                    "tracking code",
                    "objeto",
                    "cod rastreio",
                    "codigo objeto",
                    "numero rastreio",
                ),
            ),  # fmt: skip
            Column(
                "tracking_url",
                "text",
                aliases=("url rastreio", "link rastreio", "url rastreamento", "link rastreamento", "tracking url"),
            ),
            Column(
                "status",
                "text",
                aliases=("status", "situacao", "situacao pedido", "status pedido", "order status"),
            ),
            Column(
                "invoice_value",
                "decimal",
                standard=False,
                min_value=0,
                aliases=(
                    "valor nf",
                    "valor nota",
                    "valor total nf",
                    "total nf",
                    "invoice value",
                    "valor nfe",
                    "valor total nota",
                ),
            ),  # fmt: skip
            Column(
                "nfe_xml_path",
                "text",
                standard=False,
                aliases=("xml", "arquivo xml", "caminho xml", "xml nfe", "nfe xml", "nfe xml path"),
            ),
        ),
        key=("channel_order_id", "nfe_key"),
        description="invoiced/shipped orders exported by the ERP",
    )
)

register(
    Schema(
        "carrier_service",
        (
            Column("carrier", "text", required=True, aliases=("transportadora", "carrier", "nome transportadora")),
            Column(
                "service",
                "text",
                required=True,
                aliases=(
                    "servico",
                    "modalidade",
                    "servico entrega",
                    "forma envio",
                    "modalidade frete",
                    "service",
                    "metodo envio",
                    "tipo frete",
                ),
            ),  # fmt: skip
            _code(),
            _description(),
        ),
        key=("carrier", "service"),
        description="value list: carriers and their services",
        value_list=True,
    )
)

register(
    Schema(
        "payment_method",
        (
            Column(
                "payment_method",
                "text",
                required=True,
                aliases=(
                    "forma pagamento",
                    "meio pagamento",
                    "pagamento",
                    "payment method",
                    "forma pagto",
                    "meio pagto",
                    "metodo pagamento",
                    "payment",
                ),
            ),  # fmt: skip
            _code(),
            _description(),
        ),
        key=("payment_method",),
        description="value list: payment methods",
        value_list=True,
    )
)

register(
    Schema(
        "order_status",
        (
            Column(
                "status",
                "text",
                required=True,
                aliases=("status", "situacao", "status pedido", "situacao pedido", "order status"),
            ),
            _code(),
            _description(),
        ),
        key=("status",),
        description="value list: order statuses",
        value_list=True,
    )
)

register(
    Schema(
        "category",
        (
            Column(
                "category",
                "text",
                required=True,
                aliases=("categoria", "category", "grupo", "departamento", "arvore categoria", "caminho categoria"),
            ),
            _code(),
            _description(),
        ),
        key=("category",),
        description="value list: categories",
        value_list=True,
    )
)

register(
    Schema(
        "attribute",
        (
            Column(
                "attribute",
                "text",
                required=True,
                aliases=("atributo", "caracteristica", "nome atributo", "especificacao", "attribute", "variacao"),
            ),
            Column("value", "text", required=True, aliases=("valor", "valor atributo", "value", "opcao")),
            _code(),
            _description(),
        ),
        key=("attribute", "value"),
        description="value list: attributes and their values",
        value_list=True,
    )
)

register(
    Schema(
        "warehouse",
        (Column("warehouse", "text", required=True, aliases=WAREHOUSE_ALIASES[:7]), _code(), _description()),
        key=("warehouse",),
        description="value list: warehouses",
        value_list=True,
    )
)

register(
    Schema(
        "price_table",
        (Column("price_table", "text", required=True, aliases=PRICE_TABLE_ALIASES[:5]), _code(), _description()),
        key=("price_table",),
        description="value list: price tables",
        value_list=True,
    )
)
