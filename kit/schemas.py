"""Canonical schemas of the files the kit reads (ERP and store exports, value lists).

A :class:`Schema` is a declaration: a kind name, its columns and the key that must
be unique. A :class:`Column` has a canonical name, a type (``code``, ``text``,
``decimal``, ``int``, ``bool``, ``date``), whether it is required, and the header
aliases Brazilian ERPs and stores use for it. Schemas are registered once each in
:data:`SCHEMAS` (registering a name twice is an error); :mod:`kit.sheets` reads any
file into one of them.

Headers are compared after :func:`normalize_header` (accents, case, punctuation,
spaces and small Portuguese connectives removed), so ``"Cód. do Produto"`` and
``"cod produto"`` are the same alias. A trailing unit (``"Peso (g)"``,
``"Altura (mm)"``) is recognised and the values converted to the column's unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "COLUMN_TYPES",
    "Column",
    "Schema",
    "HeaderMatch",
    "SCHEMAS",
    "register",
    "get_schema",
    "kinds",
    "normalize_header",
    "unit_factor",
]

COLUMN_TYPES = ("code", "text", "decimal", "int", "bool", "date")

# Connectives dropped from headers: "Código do produto" == "Código produto".
_STOPWORDS = frozenset({"de", "do", "da", "dos", "das", "em", "o", "a"})

# Unit words a header may end with, and what they mean.
_UNIT_WORDS = {
    "kg": "kg", "quilos": "kg", "kgs": "kg",
    "g": "g", "gr": "g", "grs": "g", "grama": "g", "gramas": "g",
    "cm": "cm", "mm": "mm", "m": "m", "mts": "m", "metro": "m", "metros": "m",
    "r": None, "rs": None, "brl": None, "un": None, "und": None, "unid": None, "unidades": None,
}  # fmt: skip

# (column unit, header unit) -> factor to multiply the values by.
_UNIT_FACTORS = {
    ("kg", "kg"): 1.0,
    ("kg", "g"): 0.001,
    ("cm", "cm"): 1.0,
    ("cm", "mm"): 0.1,
    ("cm", "m"): 100.0,
}


def normalize_header(text: object, *, keep_connectives: bool = False) -> str:
    """Header text reduced for comparison: no accents, lower case, words only.

    Small connectives (de, do, da, em...) are dropped unless ``keep_connectives``.

    >>> normalize_header("  Cód. do Produto ")
    'cod produto'
    >>> normalize_header("Nº Pedido (Marketplace)")
    'no pedido marketplace'
    """
    t = unicodedata.normalize("NFKD", str(text))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", t).split()
    if keep_connectives:
        return " ".join(words)
    return " ".join(w for w in words if w not in _STOPWORDS)


def _split_unit(normalized: str) -> tuple[str, str | None, bool]:
    """``"peso g"`` -> ``("peso", "g", True)``; no unit -> ``(text, None, False)``."""
    words = normalized.split()
    if len(words) > 1 and words[-1] in _UNIT_WORDS:
        return " ".join(words[:-1]), _UNIT_WORDS[words[-1]], True
    return normalized, None, False


def unit_factor(column_unit: str | None, header_unit: str | None) -> float | None:
    """Factor converting values in ``header_unit`` to ``column_unit``; None if incompatible."""
    if column_unit is None or header_unit is None:
        return 1.0
    return _UNIT_FACTORS.get((column_unit, header_unit))


@dataclass(slots=True, frozen=True)
class Column:
    """One canonical column of a schema.

    Args:
        name: canonical name (the DataFrame column).
        type: one of :data:`COLUMN_TYPES`.
        required: the file must have this column (and, for codes, a value in every row).
        aliases: header spellings seen in ERP/store exports (compared normalized).
        standard: part of the schema's standard set (always expected; a warning if absent).
        min_value: smallest value allowed for numbers (None: no limit).
        digits: a code made of digits only (EAN, NCM, NF-e key); spaces, dots and
            dashes are removed.
        unit: ``"kg"`` or ``"cm"``: a header in another unit is converted.
    """

    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    standard: bool = True
    min_value: float | None = None
    digits: bool = False
    unit: str | None = None

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.name!r}: unknown type {self.type!r} (one of {', '.join(COLUMN_TYPES)})")

    @property
    def weight(self) -> int:
        """How much a header match counts when guessing the kind of a file."""
        return 3 if self.required else 2 if self.standard else 1

    def normalized_aliases(self, *, keep_connectives: bool = False) -> set[str]:
        names = {normalize_header(a, keep_connectives=keep_connectives) for a in (*self.aliases, self.name)}
        if self.unit:  # "weight_kg" is also "weight"
            names.add(_split_unit(normalize_header(self.name))[0])
        return {n for n in names if n}


@dataclass(slots=True, frozen=True)
class HeaderMatch:
    """How one header cell maps to a canonical column."""

    position: int
    header: str
    column: str
    factor: float = 1.0


@dataclass(slots=True)
class Schema:
    """A kind of file: its columns and the key that must be unique.

    Args:
        name: the kind (``products``, ``stock``...).
        columns: canonical columns, in output order.
        key: columns whose combination must not repeat (empty: no check).
        description: one line, shown by ``kit inspect``.
        guessable: considered when the kind of a file is guessed from its headers
            (False for a kind that shares another's columns, e.g. ``listings``).
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    guessable: bool = True
    _exact: dict[str, str] = field(default_factory=dict, repr=False)
    _lookup: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"schema {self.name!r} declares a column twice")
        # Exact spellings (connectives kept) win: "Preço de" is list_price, "Preço" is price.
        exact: dict[str, str] = {}
        for col in self.columns:
            for alias in col.normalized_aliases(keep_connectives=True):
                if exact.get(alias, col.name) != col.name:
                    raise ValueError(
                        f"schema {self.name!r}: header alias {alias!r} maps to both {exact[alias]!r} and {col.name!r}"
                    )
                exact[alias] = col.name
        loose: dict[str, str] = {}
        ambiguous: set[str] = set()
        for alias, name in exact.items():
            short = normalize_header(alias)
            if short in exact:
                continue  # the short form is itself an exact alias
            if loose.get(short, name) != name:
                ambiguous.add(short)
            loose[short] = name
        for short in ambiguous:
            del loose[short]
        missing_key = [k for k in self.key if k not in names]
        if missing_key:
            raise ValueError(f"schema {self.name!r}: key column(s) {missing_key} not declared")
        self._exact = exact
        self._lookup = {**loose, **exact}

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def match_header(self, header: object) -> tuple[str, float] | None:
        """The canonical column a header cell means, with the unit factor; None if unknown."""
        full = normalize_header(header, keep_connectives=True)
        if not full:
            return None
        for norm in dict.fromkeys((full, normalize_header(header))):
            if norm in self._lookup:
                return self._lookup[norm], 1.0
            base, unit, had_unit = _split_unit(norm)
            if had_unit and base in self._lookup:
                name = self._lookup[base]
                factor = unit_factor(self.column(name).unit, unit)
                if factor is None:  # "Altura (kg)": not this column
                    return None
                return name, factor
        # "Comprimento/Profundidade", "Ativo/Situação": alternatives naming one column.
        parts = [p for p in re.split(r"[/|]", str(header)) if p.strip()]
        if len(parts) > 1:
            found = {self.match_header(p) for p in parts} - {None}
            if len(found) == 1:
                return found.pop()
        return None

    def match_headers(self, headers: list[object]) -> list[HeaderMatch]:
        """Every header cell that maps to a column of this schema (duplicates included)."""
        out = []
        for i, h in enumerate(headers):
            m = self.match_header(h)
            if m:
                out.append(HeaderMatch(i, str(h).strip(), m[0], m[1]))
        return out

    def score(self, headers: list[object]) -> tuple[int, list[str]]:
        """(weighted number of distinct matched columns, missing required columns)."""
        matched = {m.column for m in self.match_headers(headers)}
        score = sum(self.column(c).weight for c in matched)
        return score, [c for c in self.required if c not in matched]


SCHEMAS: dict[str, Schema] = {}


def register(schema: Schema) -> Schema:
    """Add a schema to :data:`SCHEMAS`; a kind registered twice is an error."""
    if schema.name in SCHEMAS:
        raise ValueError(f"schema {schema.name!r} is already registered")
    SCHEMAS[schema.name] = schema
    return schema


def get_schema(kind: str) -> Schema:
    """The registered schema for ``kind``; :class:`~kit.errors.InputDataError` if unknown."""
    try:
        return SCHEMAS[kind]
    except KeyError:
        from kit.errors import InputDataError

        raise InputDataError(
            f"unknown kind of file {kind!r}", kind=kind, hint="one of: " + ", ".join(sorted(SCHEMAS))
        ) from None


def kinds() -> list[str]:
    """Registered kinds, in registration order."""
    return list(SCHEMAS)


# --- shared column declarations ---------------------------------------------------------------

SKU_ALIASES = (
    "sku", "codigo", "cod", "cod produto", "codigo produto", "cod item", "codigo item", "item",
    "referencia", "ref", "cod referencia", "codigo referencia", "codigo sku", "cod sku", "sku vendedor",
    "seller sku", "sku seller", "codigo interno", "cod interno", "ref id", "refid", "product code",
    "item code", "product sku", "sku produto", "id produto erp", "codigo erp", "referencia produto",
)  # fmt: skip
STOCK_ALIASES = (
    "estoque", "saldo", "qtd", "qtde", "quantidade", "qtd disponivel", "qtde disponivel",
    "quantidade disponivel", "estoque disponivel", "saldo disponivel", "disponivel", "saldo estoque",
    "stock", "qty", "quantity", "available", "estoque atual", "saldo atual", "estoque fisico",
)  # fmt: skip
PRICE_ALIASES = (
    "preco", "preco venda", "valor", "valor venda", "preco unitario", "valor unitario", "preco por",
    "preco final", "price", "sale price", "preco promocional", "vlr venda", "vl venda", "preco vista",
)  # fmt: skip
LIST_PRICE_ALIASES = (
    "preco de", "preco lista", "preco original", "preco cheio", "list price", "preco sugerido",
    "preco tabela", "valor de", "preco anterior",
)  # fmt: skip
WAREHOUSE_ALIASES = (
    "deposito", "armazem", "warehouse", "local estoque", "cd", "centro distribuicao", "codigo deposito",
    "cod deposito", "id deposito", "almoxarifado",
)  # fmt: skip
PRICE_TABLE_ALIASES = (
    "tabela preco", "tabela", "price table", "lista preco", "codigo tabela preco", "cod tabela preco",
    "id tabela preco", "tabela precos",
)  # fmt: skip
CODE_ALIASES = ("codigo", "cod", "code", "id", "codigo erp", "codigo interno", "cod erp")
DESCRIPTION_ALIASES = ("descricao", "description", "observacao", "obs", "detalhe")


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
            Column(
                "ean",
                "code",
                digits=True,
                aliases=(
                    "ean",
                    "gtin",
                    "ean gtin",
                    "gtin ean",
                    "ean 13",
                    "ean13",
                    "codigo barras",
                    "cod barras",
                    "codigo barra",
                    "cod barra",
                    "barcode",
                    "upc",
                    "ean upc",
                    "gtin 13",
                    "gtin13",
                ),
            ),  # fmt: skip
            Column(
                "title",
                "text",
                required=True,
                aliases=(
                    "titulo",
                    "descricao",
                    "nome",
                    "nome produto",
                    "descricao produto",
                    "produto",
                    "title",
                    "name",
                    "descricao resumida",
                    "titulo anuncio",
                    "product name",
                    "desc produto",
                ),
            ),  # fmt: skip
            Column("brand", "text", aliases=("marca", "fabricante", "brand", "marca produto")),
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
                ),
            ),  # fmt: skip
            Column(
                "ncm",
                "code",
                digits=True,
                aliases=("ncm", "codigo ncm", "cod ncm", "ncm sh", "classificacao fiscal", "class fiscal"),
            ),
            Column(
                "weight_kg",
                "decimal",
                min_value=0,
                unit="kg",
                aliases=("peso", "peso bruto", "peso liquido", "weight", "peso embalagem", "peso produto"),
            ),  # fmt: skip
            Column(
                "height_cm", "decimal", min_value=0, unit="cm", aliases=("altura", "height", "alt", "altura embalagem")
            ),
            Column(
                "width_cm", "decimal", min_value=0, unit="cm", aliases=("largura", "width", "larg", "largura embalagem")
            ),
            Column(
                "length_cm",
                "decimal",
                min_value=0,
                unit="cm",
                aliases=(
                    "comprimento",
                    "profundidade",
                    "length",
                    "depth",
                    "comp",
                    "comprimento embalagem",
                    "profundidade embalagem",
                ),
            ),  # fmt: skip
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
                ),
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
                aliases=("id canal", "id anuncio", "codigo anuncio", "channel id", "mlb", "id marketplace"),
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
        ),
        key=("sku",),
        description="products/SKUs exported by the ERP or a store",
    )
)

# A store's listings export: the products columns, but a SKU listed twice is a finding for the
# go-live check (duplicates), not a reading error. Never guessed: its headers are the products'.
register(
    Schema(
        "listings",
        get_schema("products").columns,
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
            Column(
                "reserved",
                "int",
                standard=False,
                min_value=0,
                aliases=(
                    "reservado",
                    "qtd reservada",
                    "qtde reservada",
                    "estoque reservado",
                    "reserved",
                    "empenhado",
                    "reserva",
                ),
            ),  # fmt: skip
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
    )
)

register(
    Schema(
        "warehouse",
        (Column("warehouse", "text", required=True, aliases=WAREHOUSE_ALIASES[:7]), _code(), _description()),
        key=("warehouse",),
        description="value list: warehouses",
    )
)

register(
    Schema(
        "price_table",
        (Column("price_table", "text", required=True, aliases=PRICE_TABLE_ALIASES[:5]), _code(), _description()),
        key=("price_table",),
        description="value list: price tables",
    )
)
