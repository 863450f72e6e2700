"""Realistic, seeded sample data: ERP and store exports, channel values, orders.

The same seed gives the same data on every machine, byte for byte. Large
catalogues (1M SKUs) are produced for benchmarks by :func:`generate_catalog_frame`
(vectorised with numpy); :func:`generate_catalog` gives the same rows as dicts.

Ground truth for channel value lists (raw channel value -> ERP value) lives in
``kit/data/channel_values.json`` and is read with :func:`channel_values`.

What is written, and how it looks (realistic, not canonical):

* ERP exports (:func:`write_erp_exports`): ``products.csv`` in cp1252 with ``;``
  and decimal comma (as Brazilian ERPs export), ``stock.csv`` UTF-8 with BOM,
  ``prices.csv`` with thousands dot, and the ERP's value lists
  (``carrier_service.csv``, ``payment_method.csv``, ``order_status.csv``) with
  ERP-style Portuguese headers.
* A store export per channel type (:func:`write_store_export`): the channel's
  listings (``listings.csv`` or ``listings.xlsx``) with deliberate defects, the
  channel's value lists with a few values nobody maps, and ``defects.json``
  naming every injected defect by class with the SKUs affected
  (:data:`DEFECT_CLASSES`). ``defects=()`` gives a clean export.
* The channel's raw value lists as the channel exports them
  (:func:`write_channel_value_lists`).
* ERP shipments (invoiced/shipped orders) for the status job
  (:func:`write_erp_shipments`), from orders made by :func:`generate_orders`.

``python -m kit.sample --write kit/data/sample`` regenerates the committed
sample set (see ``kit/data/sample/README.md``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PRODUCT_COLUMNS",
    "DEFECT_CLASSES",
    "TITLE_LIMITS",
    "SAMPLE_COMPANY",
    "SAMPLE_SEED",
    "SAMPLE_SKUS",
    "STORE_FORMATS",
    "ean13",
    "nfe_key",
    "cpf_check_digits",
    "generate_catalog",
    "generate_catalog_frame",
    "channel_values",
    "erp_values",
    "generate_orders",
    "write_erp_exports",
    "write_store_export",
    "write_channel_value_lists",
    "write_erp_shipments",
    "write_sample_set",
    "sample_dir",
]

PRODUCT_COLUMNS = (
    "sku", "ean", "title", "brand", "category", "ncm", "weight_kg",
    "height_cm", "width_cm", "length_cm", "price", "stock", "active",
    "color", "size", "parent_sku",
)  # fmt: skip
# Columns every channel's listing export carries (variation columns are not there).
LISTING_COLUMNS = PRODUCT_COLUMNS[:13]

SAMPLE_SEED = 2026
SAMPLE_SKUS = 300
SAMPLE_COMPANY = {"name": "Loja Exemplo Comércio Ltda", "cnpj": "11222333000181"}

# Longest title each channel accepts. Not in shared/channel-apis.md: these are
# the limits the channels' seller centres show (Mercado Livre's 60 is the one
# sellers hit); conservative where unknown. The sample's clean titles stay
# under the smallest (60).
TITLE_LIMITS = {
    "mercadolivre": 60,
    "vtex": 150,
    "magento": 255,
    "skyhub": 150,
    "pluggto": 150,
    "netshoes": 150,
    "cnova": 150,
    "rakuten": 150,
    "walmart": 199,
    "ezcommerce": 150,
}
MIN_TITLE_LIMIT = min(TITLE_LIMITS.values())

# Every defect class a store export may carry, with what it means (README and manifest).
DEFECT_CLASSES = {
    "missing_in_store": "an ERP SKU has no listing in the store",
    "extra_in_store": "a store listing's SKU does not exist in the ERP",
    "duplicate_sku_store": "the same SKU is listed twice in the store",
    "duplicate_ean": "one EAN is used by several SKUs in the store",
    "bad_ean": "the store's EAN has a wrong check digit",
    "bad_ncm": "the store's NCM is not 8 digits",
    "price_divergence": "store price differs from the ERP price beyond tolerance (up, down, and a >50% drop)",
    "stock_divergence": "store stock differs from the ERP's available stock",
    "zero_dimensions": "weight or a dimension is 0 in the store",
    "missing_brand": "the store listing has no brand",
    "long_title": "the store title is longer than the channel's title limit",
    "ean_moved": "the store has the ERP product (same EAN) under another SKU",
    "unmapped_values": "the channel uses carrier/payment/status values with no mapping",
    "variation_price_conflict": "a variation family (same parent_sku, one listing) has one SKU with another ERP "
    "price, on a channel whose listings take one price for every variation",
}
# How many SKUs each class touches in a store export (per class; disjoint SKUs).
DEFECT_COUNTS = {
    "missing_in_store": 4,
    "extra_in_store": 3,
    "duplicate_sku_store": 2,
    "duplicate_ean": 2,
    "bad_ean": 3,
    "bad_ncm": 3,
    "price_divergence": 4,
    "stock_divergence": 4,
    "zero_dimensions": 3,
    "missing_brand": 3,
    "long_title": 3,
    "ean_moved": 2,
    "variation_price_conflict": 2,
}
# Share of catalogue rows that start a variation family, and family sizes (2-4 SKUs):
# 10 % of starts x 3 SKUs on average puts about 25 % of SKUs in families.
FAMILY_START_SHARE = 0.10
FAMILY_SIZES = (2, 4)
# What a family's members differ by.
_VARY_COLOR, _VARY_SIZE, _VARY_BOTH = 0, 1, 2
# Smallest relative price change injected as a divergence: any sane tolerance is below it.
PRICE_DIVERGENCE_MIN_PCT = 10.0

_NOUNS = [
    # (noun, category, NCM, typical price in BRL)
    ("Tênis de Corrida", "Calçados > Tênis", "64041100", 349.9),
    ("Camiseta Dry Fit", "Roupas > Camisetas", "61091000", 79.9),
    ("Jaqueta Corta-Vento", "Roupas > Jaquetas", "62019300", 229.9),
    ("Mochila Escolar", "Acessórios > Mochilas", "42029200", 189.9),
    ("Garrafa Térmica", "Casa > Utilidades", "96170010", 119.9),
    ("Fone Bluetooth", "Eletrônicos > Áudio", "85183000", 249.9),
    ("Cafeteira Elétrica", "Eletroportáteis > Cozinha", "85167100", 299.9),
    ("Panela Antiaderente", "Casa > Cozinha", "73239300", 159.9),
    ("Liquidificador", "Eletroportáteis > Cozinha", "85094050", 189.9),
    ("Luminária de Mesa", "Casa > Iluminação", "94052000", 139.9),
    ("Bola de Futebol", "Esporte > Futebol", "95066200", 99.9),
    ("Carregador USB-C", "Eletrônicos > Acessórios", "85044010", 89.9),
    ("Relógio Digital", "Acessórios > Relógios", "91021900", 199.9),
    ("Toalha de Banho", "Casa > Cama, Mesa e Banho", "63026000", 59.9),
    ("Jogo de Chaves", "Ferramentas > Manuais", "82041100", 149.9),
    ("Air Fryer", "Eletroportáteis > Cozinha", "85166000", 499.9),
]
_ADJ = ["Premium", "Básico", "Pro", "Confort", "Slim", "Max", "Eco", "Plus", "Sport", "Classic"]
_COLORS = ["Preto", "Branco", "Azul", "Vermelho", "Cinza", "Verde", "Rosa", "Amarelo"]
_SIZES = ["P", "M", "G", "GG", "36", "38", "40", "42", "Único"]
_BRANDS = ["Atlântica", "Ipê", "Vértice", "Serra Azul", "Carioca", "Pampa", "Jangada", "Cerrado", "Maré", "Boto"]

_FIRST_NAMES = ["Ana", "João", "Maria", "José", "Fernanda", "Lucas", "Juliana", "Rafael", "Camila", "Bruno",
                "Patrícia", "Gustavo", "Letícia", "Thiago", "Beatriz", "Rodrigo"]  # fmt: skip
_LAST_NAMES = ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Ferreira", "Costa", "Rodrigues",
               "Almeida", "Nascimento", "Araújo", "Carvalho", "Gomes"]  # fmt: skip
_STREETS = ["Rua das Flores", "Avenida Paulista", "Rua XV de Novembro", "Avenida Brasil", "Rua da Consolação",
            "Rua Sete de Setembro", "Avenida Afonso Pena", "Rua Augusta", "Travessa do Comércio"]  # fmt: skip
# (city, UF, CEP prefix)
_CITIES = [("São Paulo", "SP", "01"), ("Rio de Janeiro", "RJ", "20"), ("Belo Horizonte", "MG", "30"),
           ("Curitiba", "PR", "80"), ("Porto Alegre", "RS", "90"), ("Salvador", "BA", "40"),
           ("Recife", "PE", "50"), ("Fortaleza", "CE", "60"), ("Goiânia", "GO", "74"),
           ("Florianópolis", "SC", "88"), ("Manaus", "AM", "69"), ("Campinas", "SP", "13")]  # fmt: skip

BRT = timezone(timedelta(hours=-3))
_ORDER_EPOCH = datetime(2026, 11, 2, 8, 0, 0, tzinfo=BRT)
# Fixed timestamp written into XLSX files so they are reproducible byte for byte.
_XLSX_TIME = datetime(2026, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------
# check digits
# ---------------------------------------------------------------------------
def ean13(body12: int | str) -> str:
    """Return the EAN-13 for a 12-digit body, with its check digit."""
    digits = str(body12).zfill(12)[-12:]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _ean13_many(bodies: np.ndarray) -> list[str]:
    """Vectorised :func:`ean13` over an int64 array of 12-digit bodies."""
    total = np.zeros(len(bodies), dtype=np.int64)
    for pos in range(12):
        digit = (bodies // 10 ** (11 - pos)) % 10
        total += digit * (3 if pos % 2 else 1)
    check = (10 - total % 10) % 10
    return (bodies * 10 + check).astype(str).tolist()


def cpf_check_digits(body9: str) -> str:
    """The two check digits of a CPF whose first nine digits are ``body9``."""
    digits = [int(d) for d in body9]
    for _ in range(2):
        weight = len(digits) + 1
        total = sum(d * (weight - i) for i, d in enumerate(digits))
        digits.append((total * 10) % 11 % 10)
    return f"{digits[-2]}{digits[-1]}"


def nfe_key(uf_code: int, issued: datetime, cnpj: str, series: int, number: int, code: int) -> str:
    """A 44-digit NF-e access key with its mod-11 check digit (model 55, normal emission)."""
    body = f"{uf_code:02d}{issued:%y%m}{cnpj:>014}55{series:03d}{number:09d}1{code:08d}"
    total, weight = 0, 2
    for d in reversed(body):
        total += int(d) * weight
        weight = 2 if weight == 9 else weight + 1
    rest = total % 11
    return body + str(0 if rest < 2 else 11 - rest)


# ---------------------------------------------------------------------------
# catalogue
# ---------------------------------------------------------------------------
def _titles(noun_i: np.ndarray, brand_i: np.ndarray, adj_i: np.ndarray, color_i: np.ndarray, size_i: np.ndarray):
    """Titles no longer than :data:`MIN_TITLE_LIMIT` (size dropped, then adjective, if too long)."""
    nouns = [n[0] for n in _NOUNS]
    out = []
    for n, b, a, c, s in zip(
        noun_i.tolist(), brand_i.tolist(), adj_i.tolist(), color_i.tolist(), size_i.tolist(), strict=True
    ):
        base = f"{nouns[n]} {_BRANDS[b]} {_ADJ[a]} {_COLORS[c]}"
        title = f"{base} Tam. {_SIZES[s]}" if s >= 0 else base
        if len(title) > MIN_TITLE_LIMIT:
            title = base if len(base) <= MIN_TITLE_LIMIT else f"{nouns[n]} {_BRANDS[b]} {_COLORS[c]}"
        out.append(title)
    return out


def _families(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Variation families over ``n`` consecutive rows, vectorised.

    Returns:
        ``head`` (row position of each row's family head; a standalone row is
        its own head), ``pos`` (position inside the family, 0 for the head)
        and ``in_family`` (rows of families of 2 or more).
    """
    rng = np.random.default_rng([seed, 11])
    lo, hi = FAMILY_SIZES
    sizes = np.where(rng.random(n) < FAMILY_START_SHARE, rng.integers(lo, hi + 1, n), 1)
    ends = np.cumsum(sizes)
    groups = int(np.searchsorted(ends, n)) + 1  # groups needed to cover n rows
    sizes, ends = sizes[:groups], ends[:groups]
    starts = ends - sizes
    group = np.repeat(np.arange(groups), sizes)[:n]
    head = starts[group]
    pos = np.arange(n) - head
    real_size = np.minimum(ends, n) - starts  # the last family may be cut at n
    return head, pos, real_size[group] > 1


def _catalog_columns(n: int, seed: int, sku_prefix: str) -> dict[str, Any]:
    """The catalogue as columns (lists / numpy arrays), vectorised.

    About 25 % of SKUs belong to variation families of 2-4 consecutive SKUs
    (:func:`_families`): the same product (noun, brand, adjective, category,
    NCM, weight, dimensions and price) in other colours and/or sizes, with
    ``parent_sku`` ``PAI-<head's number>``; standalone SKUs have an empty
    ``parent_sku``.
    """
    rng = np.random.default_rng(seed)
    noun_i = rng.integers(0, len(_NOUNS), n)
    brand_i = rng.integers(0, len(_BRANDS), n)
    adj_i = rng.integers(0, len(_ADJ), n)
    color_i = rng.integers(0, len(_COLORS), n)
    size_i = np.where(rng.random(n) < 0.4, rng.integers(0, len(_SIZES), n), -1)
    base_price = np.array([x[3] for x in _NOUNS])[noun_i]
    # Prices end in ,90 like shop prices do.
    price = np.maximum(np.round(base_price * rng.uniform(0.6, 1.8, n)), 10) - 0.10
    weight = np.round(rng.uniform(0.1, 8.0, n), 3)
    height = np.round(rng.uniform(2, 60, n), 1)
    width_cm = np.round(rng.uniform(5, 60, n), 1)
    length = np.round(rng.uniform(5, 80, n), 1)
    stock = rng.integers(0, 500, n)
    # Families: members take the head's product and differ by colour and/or size.
    head, pos, in_family = _families(n, seed)
    vary = np.random.default_rng([seed, 12]).integers(0, 3, n)[head]
    noun_i, brand_i, adj_i = noun_i[head], brand_i[head], adj_i[head]
    price, weight, height, width_cm, length = price[head], weight[head], height[head], width_cm[head], length[head]
    head_color, head_size = color_i[head], size_i[head]
    by_color = in_family & (vary != _VARY_SIZE)
    by_size = in_family & (vary != _VARY_COLOR)
    color_i = np.where(in_family, np.where(by_color, (head_color + pos) % len(_COLORS), head_color), color_i)
    # Size families walk P, M, G, GG or 36, 38, 40, 42 (the head's kind of size).
    size_start = np.where(head_size >= _SIZES.index("36"), _SIZES.index("36"), 0)
    size_i = np.where(in_family, np.where(by_size, size_start + pos, head_size), size_i)
    offset = (seed * 7919) % 1000 * 1_000_000
    bodies = 789_000_000_000 + (offset + np.arange(1, n + 1, dtype=np.int64)) % 1_000_000_000
    width = len(str(n)) if n >= 1_000_000 else 6
    categories = [x[1] for x in _NOUNS]
    ncms = [x[2] for x in _NOUNS]
    nouns_l = noun_i.tolist()
    numbers = np.strings.zfill((np.arange(n) + 1).astype(str), width)
    parent = np.where(in_family, np.strings.add(f"{_PARENT_PREFIX}-", numbers[head]), "")
    return {
        "sku": np.strings.add(f"{sku_prefix}-", numbers).tolist(),
        "ean": _ean13_many(bodies),
        "title": _titles(noun_i, brand_i, adj_i, color_i, size_i),
        "brand": [_BRANDS[b] for b in brand_i.tolist()],
        "category": [categories[k] for k in nouns_l],
        "ncm": [ncms[k] for k in nouns_l],
        "weight_kg": weight,
        "height_cm": height,
        "width_cm": width_cm,
        "length_cm": length,
        "price": np.round(price, 2),
        "stock": stock,
        "active": np.ones(n, dtype=bool),
        "color": np.array(_COLORS, dtype=object)[color_i].tolist(),
        "size": np.array([*_SIZES, ""], dtype=object)[size_i].tolist(),  # -1 -> ""
        "parent_sku": parent.tolist(),
    }


_PARENT_PREFIX = "PAI"


def generate_catalog_frame(n: int, seed: int = 42, *, sku_prefix: str = "SKU"):
    """``n`` products as a pandas DataFrame with the :data:`PRODUCT_COLUMNS` (fast: 1M rows in seconds)."""
    import pandas as pd

    return pd.DataFrame(_catalog_columns(n, seed, sku_prefix), columns=list(PRODUCT_COLUMNS))


def generate_catalog(n: int, seed: int = 42, *, sku_prefix: str = "SKU") -> list[dict[str, Any]]:
    """``n`` products in the canonical products schema (:data:`PRODUCT_COLUMNS`).

    SKUs are ``{sku_prefix}-000001`` ...; EANs are valid GTIN-13 with the
    Brazilian prefix 789; NCMs 8 digits; titles at most 60 characters; prices
    in BRL with two decimals. Values are plain Python types.
    """
    cols = _catalog_columns(n, seed, sku_prefix)
    lists = [cols[c] if isinstance(cols[c], list) else cols[c].tolist() for c in PRODUCT_COLUMNS]
    return [dict(zip(PRODUCT_COLUMNS, row, strict=True)) for row in zip(*lists, strict=True)]


# ---------------------------------------------------------------------------
# value lists (ground truth)
# ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _values() -> dict[str, Any]:
    text = resources.files("kit").joinpath("data/channel_values.json").read_text(encoding="utf-8")
    return json.loads(text)


def erp_values() -> dict[str, list]:
    """The ERP's value lists: ``carrier_service`` pairs, ``payment_method``, ``order_status``."""
    return _values()["erp"]


def channel_values(channel_type: str) -> dict[str, list]:
    """Raw channel values with the ERP value each means (ground truth for samples/tests).

    ``carrier_service`` entries are ``[[carrier, service], [erp_carrier, erp_service]]``;
    the others ``[raw, erp]``.
    """
    return _values()["channels"][channel_type]


# Values a channel may start using that nobody has mapped yet (the ``unmapped_values`` defect).
UNMAPPED_EXTRAS: dict[str, list] = {
    "carrier_service": [["Kangu", "Kangu Expresso"]],
    "payment_method": ["Crediário da Loja"],
    "order_status": ["aguardando_retirada"],
}


# ---------------------------------------------------------------------------
# file writing helpers (deterministic bytes)
# ---------------------------------------------------------------------------
def _fmt_num(value: float, decimals: int, decimal_comma: bool, thousands: bool = False) -> str:
    text = f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    if decimal_comma:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sep: str, encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n" if encoding == "cp1252" else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(encoding))


def _write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> None:
    """An XLSX with fixed timestamps, so the bytes depend on the content only."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.properties.creator = "canais-kit sample"
    wb.properties.created = _XLSX_TIME
    raw = io.BytesIO()
    wb.save(raw)
    # openpyxl stamps "modified" with now() and zip entries with the local time: pin both.
    # Entries are stored, not deflated: deflate output differs between zlib builds.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + _XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_XLSX_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def _as_records(catalog: Any) -> list[dict[str, Any]]:
    if hasattr(catalog, "to_dict"):
        return [dict(r) for r in catalog.to_dict("records")]
    return [dict(r) for r in catalog]


# ---------------------------------------------------------------------------
# ERP exports
# ---------------------------------------------------------------------------
# ERP-style headers (Portuguese, as the ERP's export screen names them).
ERP_PRODUCT_HEADERS = {
    "sku": "Código",
    "ean": "EAN/GTIN",
    "title": "Descrição",
    "brand": "Marca",
    "category": "Categoria",
    "ncm": "NCM",
    "weight_kg": "Peso (kg)",
    "height_cm": "Altura (cm)",
    "width_cm": "Largura (cm)",
    "length_cm": "Comprimento (cm)",
    "price": "Preço",
    "stock": "Estoque",
    "active": "Ativo",
    "color": "Cor",
    "size": "Tamanho",
    "parent_sku": "Código pai",
}
ERP_STOCK_HEADERS = {"sku": "Código", "available": "Disponível", "reserved": "Reservado", "warehouse": "Depósito"}
ERP_PRICE_HEADERS = {
    "sku": "Código",
    "price": "Preço",
    "list_price": "Preço de lista",
    "price_table": "Tabela de preço",
}
ERP_VALUE_HEADERS = {
    "carrier_service": {"code": "Código", "carrier": "Transportadora", "service": "Serviço"},
    "payment_method": {"code": "Código", "payment_method": "Forma de pagamento"},
    "order_status": {"code": "Código", "status": "Situação"},
}
ERP_SHIPMENT_HEADERS = {
    "channel_order_id": "Pedido no canal",
    "nfe_key": "Chave NF-e",
    "invoice_number": "Número NF",
    "invoice_series": "Série",
    "issued_at": "Emissão",
    "carrier": "Transportadora",
    "service": "Serviço",
    "tracking_code": "Código de rastreio",
    "tracking_url": "URL de rastreio",
    "status": "Situação",
    "invoice_value": "Valor NF",
}
ERP_WAREHOUSE = "CD Principal"
ERP_PRICE_TABLE = "Varejo"


def _product_cells(row: dict[str, Any], decimal_comma: bool, columns: Sequence[str] = PRODUCT_COLUMNS) -> list[Any]:
    out = []
    for col in columns:
        v = row.get(col, "")
        if col == "weight_kg":
            out.append(_fmt_num(v, 3, decimal_comma))
        elif col in ("height_cm", "width_cm", "length_cm"):
            out.append(_fmt_num(v, 1, decimal_comma))
        elif col == "price":
            out.append(_fmt_num(v, 2, decimal_comma))
        elif col == "active":
            out.append("Sim" if v else "Não")
        else:
            out.append(v)
    return out


def write_erp_exports(directory: str | Path, n: int, seed: int = SAMPLE_SEED, *, catalog: Any = None) -> Path:
    """Write an ERP's exports for an ``n``-SKU catalogue into ``directory``.

    Files: ``products.csv`` (cp1252, ``;``, decimal comma), ``stock.csv``
    (UTF-8 with BOM, ``;``), ``prices.csv`` (cp1252, ``;``, thousands dot and
    decimal comma), and the ERP's value lists ``carrier_service.csv``,
    ``payment_method.csv``, ``order_status.csv``. Headers are the ERP's
    (Portuguese), see ``ERP_*_HEADERS``.

    Args:
        directory: where to write (created).
        n: catalogue size (ignored when ``catalog`` is given).
        seed: catalogue seed.
        catalog: an existing catalogue (list of dicts or DataFrame) to export.

    Returns:
        The directory.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    if catalog is None:
        _write_erp_exports_fast(out, generate_catalog_frame(n, seed))
        write_erp_value_lists(out)
        return out
    records = _as_records(catalog)
    _write_csv(
        out / "products.csv",
        [ERP_PRODUCT_HEADERS[c] for c in PRODUCT_COLUMNS],
        (_product_cells(r, True) for r in records),
        sep=";",
        encoding="cp1252",
    )
    skus = [r["sku"] for r in records]
    prices = np.array([r["price"] for r in records], dtype=float)
    stocks = np.array([r["stock"] for r in records], dtype=np.int64)
    _write_csv(
        out / "stock.csv",
        list(ERP_STOCK_HEADERS.values()),
        zip(skus, stocks.tolist(), _reserved(stocks).tolist(), [ERP_WAREHOUSE] * len(skus), strict=True),
        sep=";",
        encoding="utf-8-sig",
    )
    _write_csv(
        out / "prices.csv",
        list(ERP_PRICE_HEADERS.values()),
        (
            (s, _fmt_num(p, 2, True, True), _fmt_num(lp, 2, True, True), ERP_PRICE_TABLE)
            for s, p, lp in zip(skus, prices.tolist(), _list_prices(prices).tolist(), strict=True)
        ),
        sep=";",
        encoding="cp1252",
    )
    write_erp_value_lists(out)
    return out


def _reserved(stocks: np.ndarray) -> np.ndarray:
    return (stocks * 7) % 5  # deterministic, small


def _list_prices(prices: np.ndarray) -> np.ndarray:
    return np.round(np.ceil(prices * 1.25) - 0.10, 2)


def _decimal_strings(values: np.ndarray, decimals: int, *, thousands: bool = False) -> list[str]:
    """``1234.5`` -> ``"1234,50"`` (or ``"1.234,50"``), vectorised; same text as :func:`_fmt_num`.

    Values are non-negative and already rounded to ``decimals`` places.
    """
    scale = 10**decimals
    scaled = np.rint(np.asarray(values, dtype=float) * scale).astype(np.int64)
    whole, frac = scaled // scale, scaled % scale
    whole_text = whole.astype(str)
    if thousands:
        big = whole >= 1000
        grouped = np.strings.add(
            np.strings.add((whole // 1000).astype(str), "."), np.strings.zfill((whole % 1000).astype(str), 3)
        )
        whole_text = np.where(big, grouped, whole_text)
        if (whole >= 1_000_000).any():  # rare: fall back to exact formatting
            return [_fmt_num(v, decimals, True, True) for v in np.asarray(values, dtype=float).tolist()]
    return np.strings.add(np.strings.add(whole_text, ","), np.strings.zfill(frac.astype(str), decimals)).tolist()


def _write_lines(path: Path, header: Sequence[str], columns: Sequence[list[str]], *, encoding: str, eol: str) -> None:
    """Join pre-formatted columns with ``;`` (no field needs quoting) and write once."""
    lines = [";".join(header), *(";".join(row) for row in zip(*columns, strict=True))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((eol.join(lines) + eol).encode(encoding))


def _write_erp_exports_fast(out: Path, frame: Any) -> None:
    """products/stock/prices for big generated catalogues: numpy formatting, one write each.

    Only for generated data, whose text never holds ``;``, quotes or line breaks.
    """
    n = len(frame)
    skus = frame["sku"].tolist()
    stocks = frame["stock"].to_numpy()
    prices = frame["price"].to_numpy()
    _write_lines(
        out / "products.csv",
        [ERP_PRODUCT_HEADERS[c] for c in PRODUCT_COLUMNS],
        [
            skus,
            frame["ean"].tolist(),
            frame["title"].tolist(),
            frame["brand"].tolist(),
            frame["category"].tolist(),
            frame["ncm"].tolist(),
            _decimal_strings(frame["weight_kg"].to_numpy(), 3),
            _decimal_strings(frame["height_cm"].to_numpy(), 1),
            _decimal_strings(frame["width_cm"].to_numpy(), 1),
            _decimal_strings(frame["length_cm"].to_numpy(), 1),
            _decimal_strings(prices, 2),
            stocks.astype(str).tolist(),
            np.where(frame["active"].to_numpy(), "Sim", "Não").tolist(),
            frame["color"].tolist(),
            frame["size"].tolist(),
            frame["parent_sku"].tolist(),
        ],
        encoding="cp1252",
        eol="\r\n",
    )
    _write_lines(
        out / "stock.csv",
        list(ERP_STOCK_HEADERS.values()),
        [skus, stocks.astype(str).tolist(), _reserved(stocks).astype(str).tolist(), [ERP_WAREHOUSE] * n],
        encoding="utf-8-sig",
        eol="\n",
    )
    _write_lines(
        out / "prices.csv",
        list(ERP_PRICE_HEADERS.values()),
        [
            skus,
            _decimal_strings(prices, 2, thousands=True),
            _decimal_strings(_list_prices(prices), 2, thousands=True),
            [ERP_PRICE_TABLE] * n,
        ],
        encoding="cp1252",
        eol="\r\n",
    )


def write_erp_value_lists(directory: str | Path) -> Path:
    """The ERP's own value lists (carriers/services, payment methods, statuses), ERP headers, cp1252."""
    out = Path(directory)
    erp = erp_values()
    _write_csv(
        out / "carrier_service.csv",
        list(ERP_VALUE_HEADERS["carrier_service"].values()),
        ((f"T{i:03d}", c, s) for i, (c, s) in enumerate(erp["carrier_service"], 1)),
        sep=";",
        encoding="cp1252",
    )
    _write_csv(
        out / "payment_method.csv",
        list(ERP_VALUE_HEADERS["payment_method"].values()),
        ((f"FP{i:02d}", p) for i, p in enumerate(erp["payment_method"], 1)),
        sep=";",
        encoding="cp1252",
    )
    _write_csv(
        out / "order_status.csv",
        list(ERP_VALUE_HEADERS["order_status"].values()),
        ((f"{i:02d}", s) for i, s in enumerate(erp["order_status"], 1)),
        sep=";",
        encoding="cp1252",
    )
    return out


# ---------------------------------------------------------------------------
# channel value lists
# ---------------------------------------------------------------------------
# Column headers as each channel's own export / admin screen names them.
CHANNEL_VALUE_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "mercadolivre": {
        "carrier_service": ("Transportadora", "Modalidade"),
        "payment_method": ("Meio de pagamento",),
        "order_status": ("Status",),
    },
    "vtex": {
        "carrier_service": ("Carrier", "Service"),
        "payment_method": ("Payment method",),
        "order_status": ("Status",),
    },
    "magento": {
        "carrier_service": ("Transportadora", "Método de envio"),
        "payment_method": ("Payment method",),
        "order_status": ("Order status",),
    },
}
CHANNEL_VALUE_HEADERS["rakuten"] = {
    "carrier_service": ("Transportadora", "Serviço"),
    "payment_method": ("Forma de pagamento",),
    "order_status": ("Situação", "Descrição"),
}
_DEFAULT_VALUE_HEADERS = {
    "carrier_service": ("Transportadora", "Serviço"),
    "payment_method": ("Forma de pagamento",),
    "order_status": ("Situação",),
}


def _value_rows(channel_type: str, *, extras: bool) -> dict[str, list[tuple[str, ...]]]:
    vals = channel_values(channel_type)
    rows: dict[str, list[tuple[str, ...]]] = {
        "carrier_service": [tuple(raw) for raw, _ in vals["carrier_service"]],
        "payment_method": [(raw,) for raw, _ in vals["payment_method"]],
        "order_status": [(raw,) for raw, _ in vals["order_status"]],
    }
    # Coded values (Rakuten's numeric statuses) come with the label the channel shows.
    for kind in ("carrier_service", "payment_method", "order_status"):
        labels = vals.get(f"{kind}_labels")
        if labels:
            rows[kind] = [(*row, labels.get(row[0], "")) for row in rows[kind]]
    if extras:
        rows["carrier_service"] += [tuple(x) for x in UNMAPPED_EXTRAS["carrier_service"]]
        if rows["payment_method"]:  # channels that expose no payment methods get none
            rows["payment_method"] += [(x,) for x in UNMAPPED_EXTRAS["payment_method"]]
        rows["order_status"] += [(x,) for x in UNMAPPED_EXTRAS["order_status"]]
        for kind, kind_rows in rows.items():  # extras carry no label: pad to the list's width
            width = max((len(r) for r in kind_rows), default=0)
            rows[kind] = [r + ("",) * (width - len(r)) for r in kind_rows]
    return rows


def write_channel_value_lists(directory: str | Path, channel_type: str, *, unmapped_extras: bool = False) -> Path:
    """The channel's raw value lists as the channel exports them (channel headers, UTF-8 CSV).

    Writes ``carrier_service.csv``, ``payment_method.csv`` (only if the
    channel has payment methods) and ``order_status.csv``. With
    ``unmapped_extras`` the lists also carry :data:`UNMAPPED_EXTRAS`, values no
    mapping covers.
    """
    out = Path(directory)
    headers = CHANNEL_VALUE_HEADERS.get(channel_type, _DEFAULT_VALUE_HEADERS)
    for kind, rows in _value_rows(channel_type, extras=unmapped_extras).items():
        if not rows:
            continue
        _write_csv(out / f"{kind}.csv", headers[kind], rows, sep=",", encoding="utf-8")
    return out


# ---------------------------------------------------------------------------
# store exports
# ---------------------------------------------------------------------------
# How each channel's listing export looks: file format, separator, encoding, headers.
_STORE_HEADERS_PT = {
    "channel_id": "Código do anúncio",
    "sku": "SKU",
    "ean": "EAN",
    "title": "Título",
    "brand": "Marca",
    "category": "Categoria",
    "ncm": "NCM",
    "weight_kg": "Peso (kg)",
    "height_cm": "Altura (cm)",
    "width_cm": "Largura (cm)",
    "length_cm": "Comprimento (cm)",
    "price": "Preço",
    "stock": "Estoque",
    "active": "Ativo",
    "variation_id": "ID da variação",
}
_STORE_HEADERS_EN = {c: c for c in _STORE_HEADERS_PT}
STORE_FORMATS: dict[str, dict[str, Any]] = {
    "mercadolivre": {"file": "listings.xlsx", "headers": _STORE_HEADERS_PT, "variations": True},
    "vtex": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "magento": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "skyhub": {"file": "listings.csv", "sep": ";", "encoding": "utf-8-sig", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "pluggto": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "netshoes": {"file": "listings.csv", "sep": ";", "encoding": "utf-8", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "cnova": {"file": "listings.csv", "sep": ";", "encoding": "cp1252", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "rakuten": {"file": "listings.csv", "sep": ";", "encoding": "cp1252", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
    "walmart": {"file": "listings.csv", "sep": ",", "encoding": "utf-8", "decimal_comma": False, "headers": _STORE_HEADERS_EN},
    "ezcommerce": {"file": "listings.csv", "sep": "\t", "encoding": "utf-8", "decimal_comma": True, "headers": _STORE_HEADERS_PT},
}  # fmt: skip
STORE_COLUMNS = ("channel_id", *LISTING_COLUMNS)


def _channel_id(channel_type: str, k: int) -> str:
    """A listing id shaped like the channel's (``MLB...`` for Mercado Livre...)."""
    if channel_type == "mercadolivre":
        return f"MLB{3_900_000_000 + k}"
    if channel_type == "walmart":
        return f"WM{100_000_000 + k}"
    return str(1000 + k)


def _uniform_variation_price(channel_type: str) -> bool:
    """Whether the channel type's listings take one price for every variation (channel type data)."""
    from kit.channeltypes import get_type

    return bool(get_type(channel_type).uniform_variation_price)


def _variation_id(k: int) -> str:
    """A variation id shaped like Mercado Livre's (a long number)."""
    return str(174_000_000_000 + k)


def _families_of(records: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Row positions per non-empty ``parent_sku`` (catalogue order)."""
    fams: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        parent = str(r.get("parent_sku") or "")
        if parent:
            fams.setdefault(parent, []).append(i)
    return fams


def _conflict_price(price: float) -> float:
    """Another shop price (ends in ,90) about 15 % above ``price``: clearly not the family's."""
    return round(max(round(price * 1.15), round(price) + 5) - 0.10, 2)


def _bad_ean(ean: str) -> str:
    return ean[:12] + str((int(ean[12]) + 1) % 10)


def write_store_export(
    directory: str | Path,
    catalog: Any,
    channel_type: str,
    *,
    defects: Iterable[str] | None = None,
    seed: int = SAMPLE_SEED,
) -> dict[str, Any]:
    """Write a channel's store export built from ``catalog``, with deliberate defects.

    Files: the listings (``listings.csv`` or ``listings.xlsx``, see
    :data:`STORE_FORMATS`), the channel's value lists, and ``defects.json``.
    Each defect class touches its own SKUs (classes never share a SKU), so a
    check can be scored class by class.

    Args:
        directory: where to write (created).
        catalog: the ERP catalogue (list of dicts or DataFrame, canonical columns).
        channel_type: one of the ten channel types.
        defects: classes to inject (default: all of :data:`DEFECT_CLASSES`);
            ``()`` for a clean export.
        seed: which SKUs get which defect.

    Returns:
        The manifest written to ``defects.json``: ``{"channel_type", "seed",
        "clean", "listings_file", "erp_skus", "store_rows", "title_limit",
        "price_divergence_min_pct", "defects": {class: {"description",
        "skus", "details"}}}``. ``skus`` are the SKUs a check should flag
        (ERP SKUs, or store SKUs for ``extra_in_store``); ``details`` says
        more per SKU.
    """
    if channel_type not in STORE_FORMATS:
        raise ValueError(f"unknown channel type {channel_type!r}")
    chosen = list(DEFECT_CLASSES) if defects is None else list(defects)
    unknown = [d for d in chosen if d not in DEFECT_CLASSES]
    if unknown:
        raise ValueError(f"unknown defect classes: {', '.join(unknown)}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    records = _as_records(catalog)
    limit = TITLE_LIMITS[channel_type]
    rng = np.random.default_rng([seed, sorted(STORE_FORMATS).index(channel_type)])
    order = rng.permutation(len(records)).tolist()
    needed = sum(DEFECT_COUNTS.get(d, 0) for d in chosen)
    if needed > len(records):
        raise ValueError(f"a catalogue of {len(records)} SKUs is too small for {needed} defects")
    pool = iter(order)

    def take(cls: str) -> list[int]:
        return [next(pool) for _ in range(DEFECT_COUNTS[cls])] if cls in chosen else []

    uniform_price = _uniform_variation_price(channel_type)
    picks = {cls: take(cls) for cls in DEFECT_COUNTS if cls != "variation_price_conflict"}
    families = _families_of(records)
    # variation_price_conflict: families of 3+ SKUs no other defect touches (the family's
    # price stays the majority's); the picked SKU is the one a check should flag.
    conflict: list[int] = []
    if "variation_price_conflict" in chosen and uniform_price:
        busy = {i for v in picks.values() for i in v}
        for i in pool:
            members = families.get(str(records[i].get("parent_sku") or ""), [])
            if len(conflict) == DEFECT_COUNTS["variation_price_conflict"]:
                break
            if len(members) >= 3 and not busy.intersection(members):
                conflict.append(i)
                busy.update(members)
        picks["variation_price_conflict"] = [
            m for i in conflict for m in families[str(records[i]["parent_sku"])]
        ]  # the whole family is spoken for
    manifest_defects: dict[str, dict[str, Any]] = {}

    def note(cls: str, skus: list[str], details: list[dict[str, Any]]) -> None:
        manifest_defects[cls] = {"description": DEFECT_CLASSES[cls], "skus": skus, "details": details}

    # Channels with variation listings: a family is one listing (the head's id) with a
    # variation id per SKU; elsewhere each SKU is its own listing.
    variations = bool(STORE_FORMATS[channel_type].get("variations"))
    head_of = {m: ms[0] for ms in families.values() for m in ms} if variations else {}
    rows = [
        dict(
            r,
            channel_id=_channel_id(channel_type, head_of.get(k - 1, k - 1) + 1),
            variation_id=_variation_id(k) if k - 1 in head_of else "",
        )
        for k, r in enumerate(records, 1)
    ]
    by_index = dict(enumerate(rows))
    drop: set[int] = set()
    appended: list[dict[str, Any]] = []

    if "missing_in_store" in chosen:
        drop.update(picks["missing_in_store"])
        note("missing_in_store", [records[i]["sku"] for i in picks["missing_in_store"]], [])
    if "extra_in_store" in chosen:
        extras = generate_catalog(len(picks["extra_in_store"]), seed + 1, sku_prefix="LOJA")
        for k, e in enumerate(extras):
            e["ean"] = ean13(780_000_000_000 + seed % 1000 * 1000 + k)  # outside the ERP's EAN range
            appended.append(dict(e, channel_id=_channel_id(channel_type, 900_000 + k), variation_id=""))
        note("extra_in_store", [e["sku"] for e in extras], [])
    if "duplicate_sku_store" in chosen:
        for k, i in enumerate(picks["duplicate_sku_store"]):
            appended.append(dict(by_index[i], channel_id=_channel_id(channel_type, 800_000 + k), variation_id=""))
        note("duplicate_sku_store", [records[i]["sku"] for i in picks["duplicate_sku_store"]], [])
    if "duplicate_ean" in chosen:
        # Each picked SKU takes the EAN of the next SKU in catalogue order (not itself a defect pick).
        details, skus = [], []
        taken = {i for v in picks.values() for i in v}
        for i in picks["duplicate_ean"]:
            j = (i + 1) % len(records)
            while j in taken:
                j = (j + 1) % len(records)
            taken.add(j)
            by_index[i]["ean"] = records[j]["ean"]
            skus += [records[i]["sku"], records[j]["sku"]]
            details.append({"ean": records[j]["ean"], "skus": [records[i]["sku"], records[j]["sku"]]})
        note("duplicate_ean", skus, details)
    if "bad_ean" in chosen:
        details = []
        for i in picks["bad_ean"]:
            by_index[i]["ean"] = _bad_ean(records[i]["ean"])
            details.append({"sku": records[i]["sku"], "erp_ean": records[i]["ean"], "store_ean": by_index[i]["ean"]})
        note("bad_ean", [d["sku"] for d in details], details)
    if "bad_ncm" in chosen:
        bad_values = ["6404110", "640411000", "64.04.11"]
        details = []
        for k, i in enumerate(picks["bad_ncm"]):
            by_index[i]["ncm"] = bad_values[k % len(bad_values)]
            details.append({"sku": records[i]["sku"], "store_ncm": by_index[i]["ncm"]})
        note("bad_ncm", [d["sku"] for d in details], details)
    if "price_divergence" in chosen:
        factors = [0.45, 1.25, 0.85, 1.60]  # includes a >50% drop
        details = []
        for k, i in enumerate(picks["price_divergence"]):
            erp_price = records[i]["price"]
            by_index[i]["price"] = round(erp_price * factors[k % len(factors)], 2)
            details.append(
                {
                    "sku": records[i]["sku"],
                    "erp_price": erp_price,
                    "store_price": by_index[i]["price"],
                    "direction": "down" if factors[k % len(factors)] < 1 else "up",
                    "change_pct": round((factors[k % len(factors)] - 1) * 100, 1),
                }
            )
        note("price_divergence", [d["sku"] for d in details], details)
    if "stock_divergence" in chosen:
        details = []
        for k, i in enumerate(picks["stock_divergence"]):
            erp_stock = records[i]["stock"]
            by_index[i]["stock"] = 0 if k % 2 else erp_stock + 25 + k
            if by_index[i]["stock"] == erp_stock:
                by_index[i]["stock"] = erp_stock + 7
            details.append({"sku": records[i]["sku"], "erp_stock": erp_stock, "store_stock": by_index[i]["stock"]})
        note("stock_divergence", [d["sku"] for d in details], details)
    if "zero_dimensions" in chosen:
        fields = ["weight_kg", "height_cm", "length_cm", "width_cm"]
        details = []
        for k, i in enumerate(picks["zero_dimensions"]):
            by_index[i][fields[k % len(fields)]] = 0.0
            details.append({"sku": records[i]["sku"], "field": fields[k % len(fields)]})
        note("zero_dimensions", [d["sku"] for d in details], details)
    if "missing_brand" in chosen:
        for i in picks["missing_brand"]:
            by_index[i]["brand"] = ""
        note("missing_brand", [records[i]["sku"] for i in picks["missing_brand"]], [])
    if "long_title" in chosen:
        details = []
        for i in picks["long_title"]:
            title = f"{records[i]['title']} Original com Garantia e Nota Fiscal Envio Imediato"
            while len(title) <= limit:
                title += " Oferta Especial"
            by_index[i]["title"] = title
            details.append({"sku": records[i]["sku"], "length": len(title), "limit": limit})
        note("long_title", [d["sku"] for d in details], details)
    if "ean_moved" in chosen:
        details = []
        for k, i in enumerate(picks["ean_moved"]):
            store_sku = f"{records[i]['sku']}-V{k + 1}"
            by_index[i]["sku"] = store_sku
            details.append({"ean": records[i]["ean"], "erp_sku": records[i]["sku"], "store_sku": store_sku})
        note(
            "ean_moved",
            [d["erp_sku"] for d in details],
            details,
        )
        manifest_defects["ean_moved"]["also_reported_as"] = ["missing_in_store", "extra_in_store"]

    erp_file = None
    if conflict:
        # The defect is in the ERP export: this store's ERP file has one SKU of each picked
        # family at another price (the shared ERP export stays clean).
        erp_records = [dict(r) for r in records]
        details = []
        for i in conflict:
            parent = str(records[i]["parent_sku"])
            erp_records[i]["price"] = _conflict_price(records[i]["price"])
            details.append(
                {
                    "sku": records[i]["sku"],
                    "parent_sku": parent,
                    "channel_id": rows[i]["channel_id"] if variations else "",
                    "erp_price": erp_records[i]["price"],
                    "family_price": records[i]["price"],
                    "siblings": [records[m]["sku"] for m in families[parent] if m != i],
                }
            )
        erp_file = "erp_products.csv"
        _write_csv(
            out / erp_file,
            [ERP_PRODUCT_HEADERS[c] for c in PRODUCT_COLUMNS],
            (_product_cells(r, True) for r in erp_records),
            sep=";",
            encoding="cp1252",
        )
        note("variation_price_conflict", [d["sku"] for d in details], details)
        manifest_defects["variation_price_conflict"]["erp_file"] = erp_file
    elif (out / "erp_products.csv").exists():
        (out / "erp_products.csv").unlink()

    store_rows = [by_index[i] for i in range(len(rows)) if i not in drop] + appended
    fmt = STORE_FORMATS[channel_type]
    columns = STORE_COLUMNS + (("variation_id",) if variations else ())
    header = [fmt["headers"][c] for c in columns]
    if fmt["file"].endswith(".xlsx"):
        body = ([r[c] if c != "active" else ("Sim" if r[c] else "Não") for c in columns] for r in store_rows)
        _write_xlsx(out / fmt["file"], header, body, sheet="Anúncios")
    else:
        body = ([r["channel_id"], *_product_cells(r, fmt["decimal_comma"], columns[1:])] for r in store_rows)
        _write_csv(out / fmt["file"], header, body, sep=fmt["sep"], encoding=fmt["encoding"])

    write_channel_value_lists(out, channel_type, unmapped_extras="unmapped_values" in chosen)
    if "unmapped_values" in chosen:
        extra_rows = _value_rows(channel_type, extras=True)
        base_rows = _value_rows(channel_type, extras=False)
        values = [
            {"kind": kind, "value": list(v[:2]) if kind == "carrier_service" else v[0]}
            for kind in extra_rows
            for v in extra_rows[kind]
            if v not in base_rows[kind]
        ]
        note("unmapped_values", [], values)
        manifest_defects["unmapped_values"]["values"] = values

    manifest = {
        "channel_type": channel_type,
        "seed": seed,
        "clean": not chosen,
        "listings_file": fmt["file"],
        "erp_file": erp_file,
        "erp_skus": len(records),
        "store_rows": len(store_rows),
        "title_limit": limit,
        "price_divergence_min_pct": PRICE_DIVERGENCE_MIN_PCT,
        "defects": {cls: manifest_defects[cls] for cls in DEFECT_CLASSES if cls in manifest_defects},
    }
    (out / "defects.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


# ---------------------------------------------------------------------------
# orders and shipments
# ---------------------------------------------------------------------------
def _order_id(channel_type: str, k: int) -> str:
    return {
        "mercadolivre": f"{2_000_009_000_000_000 + k}",
        "vtex": f"{1_480_000_000_000 + k}-01",
        "magento": f"{100_000_000 + k:09d}",
        "skyhub": f"Americanas-{1_700_000_000_000 + k}",
        "pluggto": f"{0x5F00_0000_0000_0000_0000_0000 + k:024x}",
        "netshoes": f"{80_000_000 + k}",
        "cnova": f"{20_000_000 + k}",
        "rakuten": f"{5_000_000 + k}",
        "walmart": f"{108_000_000_0000 + k}",
        "ezcommerce": f"{300_000 + k}",
    }.get(channel_type, str(k))


def generate_orders(catalog: Any, channel_type: str, n: int, seed: int = SAMPLE_SEED) -> list[dict[str, Any]]:
    """``n`` neutral order specs for a channel type, seeded (sandboxes serve them).

    Raw status/carrier/service/payment values come from
    :func:`channel_values`; ``payment_raw`` is ``None`` for channels that do
    not expose payment methods.

    Returns:
        Dicts ``{order_id, created_at, updated_at (ISO 8601, -03:00),
        status_raw, carrier_raw, service_raw, payment_raw, items: [{sku, qty,
        unit_price}], buyer: {name, document (valid CPF)}, shipping_address:
        {street, number, city, state, zipcode}, shipping_cost, total}``.
    """
    records = _as_records(catalog)
    if not records:
        raise ValueError("generate_orders needs a non-empty catalogue")
    vals = channel_values(channel_type)
    rng = np.random.default_rng([seed, 7, sorted(STORE_FORMATS).index(channel_type)])
    carriers = [raw for raw, _ in vals["carrier_service"]]
    payments = [raw for raw, _ in vals["payment_method"]]
    statuses = [raw for raw, _ in vals["order_status"]]
    when = _ORDER_EPOCH
    orders = []
    for k in range(1, n + 1):
        when += timedelta(minutes=int(rng.integers(1, 90)), seconds=int(rng.integers(0, 60)))
        items = []
        for i in dict.fromkeys(rng.integers(0, len(records), int(rng.integers(1, 4))).tolist()):
            items.append({"sku": records[i]["sku"], "qty": int(rng.integers(1, 4)), "unit_price": records[i]["price"]})
        carrier, service = carriers[int(rng.integers(len(carriers)))]
        shipping = round(float(rng.choice([0.0, 14.9, 19.9, 24.9, 39.9])), 2)
        body9 = "".join(str(d) for d in rng.integers(0, 10, 9).tolist())
        if len(set(body9)) == 1:
            body9 = "123456789"
        city, uf, cep = _CITIES[int(rng.integers(len(_CITIES)))]
        orders.append(
            {
                "order_id": _order_id(channel_type, k),
                "created_at": when.isoformat(),
                "updated_at": (when + timedelta(minutes=int(rng.integers(0, 240)))).isoformat(),
                "status_raw": statuses[int(rng.integers(len(statuses)))],
                "carrier_raw": carrier,
                "service_raw": service,
                "payment_raw": payments[int(rng.integers(len(payments)))] if payments else None,
                "items": items,
                "buyer": {
                    "name": f"{_FIRST_NAMES[int(rng.integers(len(_FIRST_NAMES)))]} "
                    f"{_LAST_NAMES[int(rng.integers(len(_LAST_NAMES)))]}",
                    "document": body9 + cpf_check_digits(body9),
                },
                "shipping_address": {
                    "street": _STREETS[int(rng.integers(len(_STREETS)))],
                    "number": str(int(rng.integers(1, 3000))),
                    "city": city,
                    "state": uf,
                    "zipcode": f"{cep}{int(rng.integers(0, 1_000_000)):06d}",
                },
                "shipping_cost": shipping,
                "total": round(sum(it["qty"] * it["unit_price"] for it in items) + shipping, 2),
            }
        )
    return orders


# ERP meanings after which an order has been invoiced (has an NF-e).
_INVOICED = {"Pagamento aprovado": "Faturado", "Em separação": "Faturado", "Faturado": "Faturado",
             "Enviado": "Enviado", "Entregue": "Enviado"}  # fmt: skip
_UF_CODE = {"SP": 35}


def _tracking(carrier: str, k: int) -> tuple[str, str]:
    if carrier == "Correios":
        code = f"QB{100_000_000 + k * 37 % 900_000_000:09d}BR"
        return code, f"https://rastreamento.correios.com.br/app/index.php?objeto={code}"
    code = f"{carrier[:3].upper()}{7_000_000 + k}"
    return code, f"https://rastreio.exemplo.com.br/{code}"


def write_erp_shipments(
    directory: str | Path,
    orders: Sequence[dict[str, Any]],
    channel_type: str,
    *,
    cnpj: str = SAMPLE_COMPANY["cnpj"],
    seed: int = SAMPLE_SEED,
    filename: str = "shipments.csv",
) -> list[dict[str, Any]]:
    """The ERP's export of invoiced/shipped orders for the status job.

    One row per order whose status means paid or later (ERP meaning via
    :func:`channel_values`); carrier and service in the ERP's naming; NF-e
    keys with a valid check digit. Written cp1252 with ``;`` and ERP headers
    (:data:`ERP_SHIPMENT_HEADERS`); if the file exists, rows are appended to it
    (one ERP export covers every channel).

    Returns:
        The rows written, in canonical ``shipments`` columns.
    """
    vals = channel_values(channel_type)
    status_erp = dict((raw, erp) for raw, erp in vals["order_status"])
    carrier_erp = {tuple(raw): tuple(erp) for raw, erp in vals["carrier_service"]}
    rows = []
    start = seed % 1000 * 1000 + sorted(STORE_FORMATS).index(channel_type) * 100_000
    for k, order in enumerate(orders, 1):
        meaning = status_erp.get(order["status_raw"])
        if meaning not in _INVOICED:
            continue
        issued = datetime.fromisoformat(order["updated_at"]) + timedelta(hours=2)
        number = start + k
        carrier, service = carrier_erp.get((order["carrier_raw"], order["service_raw"]), ("", ""))
        code, url = _tracking(carrier, number)
        status = _INVOICED[meaning]
        rows.append(
            {
                "channel_order_id": order["order_id"],
                "nfe_key": nfe_key(_UF_CODE["SP"], issued, cnpj, 1, number, (number * 7919) % 100_000_000),
                "invoice_number": str(number),
                "invoice_series": "1",
                "issued_at": issued.isoformat(),
                "carrier": carrier,
                "service": service,
                "tracking_code": code if status == "Enviado" else "",
                "tracking_url": url if status == "Enviado" else "",
                "status": status,
                "invoice_value": order["total"],
            }
        )
    path = Path(directory) / filename
    exists = path.exists()
    body = [[r[c] if c != "invoice_value" else _fmt_num(r[c], 2, True) for c in ERP_SHIPMENT_HEADERS] for r in rows]
    if exists:
        buf = io.StringIO()
        csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(body)
        with path.open("ab") as fh:
            fh.write(buf.getvalue().encode("cp1252"))
    else:
        _write_csv(path, list(ERP_SHIPMENT_HEADERS.values()), body, sep=";", encoding="cp1252")
    return rows


# ---------------------------------------------------------------------------
# the committed sample set
# ---------------------------------------------------------------------------
SAMPLE_ORDERS = 25
SAMPLE_ORDER_TYPES = ("mercadolivre", "vtex", "magento")


def write_sample_set(directory: str | Path, *, n: int = SAMPLE_SKUS, seed: int = SAMPLE_SEED) -> dict[str, Any]:
    """Write the whole sample set (what ``kit/data/sample/`` holds) into ``directory``.

    Layout: ``erp/`` (ERP exports and ``shipments.csv``), ``store/<type>/``
    (store exports with defects + ``defects.json``), ``store_clean/<type>/``
    (no defects), ``channels/<type>/`` (raw value lists), ``orders/<type>.json``
    (the orders behind ``erp/shipments.csv``).

    Returns:
        ``{"skus": n, "types": [...], "manifests": {type: manifest}}``.
    """
    root = Path(directory)
    catalog = generate_catalog(n, seed)
    write_erp_exports(root / "erp", n, seed, catalog=catalog)
    shipments = root / "erp" / "shipments.csv"
    if shipments.exists():
        shipments.unlink()
    manifests = {}
    for channel_type in STORE_FORMATS:
        manifests[channel_type] = write_store_export(root / "store" / channel_type, catalog, channel_type, seed=seed)
        write_store_export(root / "store_clean" / channel_type, catalog, channel_type, defects=(), seed=seed)
        write_channel_value_lists(root / "channels" / channel_type, channel_type)
    for channel_type in SAMPLE_ORDER_TYPES:
        orders = generate_orders(catalog, channel_type, SAMPLE_ORDERS, seed)
        path = root / "orders" / f"{channel_type}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(orders, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        write_erp_shipments(root / "erp", orders, channel_type, seed=seed)
    (root / "README.md").write_text(_sample_readme(n, seed, manifests), encoding="utf-8")
    return {"skus": n, "types": list(STORE_FORMATS), "manifests": manifests}


def _sample_readme(n: int, seed: int, manifests: dict[str, dict[str, Any]]) -> str:
    """The sample set's README: layout, formats, and every deliberate defect."""
    lines = [
        "# Sample data (generated: do not edit by hand)",
        "",
        f"Regenerate with `python -m kit.sample --write kit/data/sample` ({n} SKUs, seed {seed});",
        "the output is identical byte for byte. `kit demo` and the tests read this set.",
        "",
        "## Layout",
        "",
        "| Path | What | Format |",
        "|---|---|---|",
        "| `erp/products.csv` | ERP catalogue (with variation families: `Cor`, `Tamanho`, `Código pai`) | cp1252, `;`, "
        "decimal comma, ERP headers (`Código`, `EAN/GTIN`, `Descrição`...) |",
        "| `erp/stock.csv` | ERP available stock | UTF-8 with BOM, `;` |",
        "| `erp/prices.csv` | ERP prices | cp1252, `;`, thousands dot + decimal comma |",
        "| `erp/carrier_service.csv`, `payment_method.csv`, `order_status.csv` | ERP value lists | cp1252, `;` |",
        "| `erp/shipments.csv` | invoiced/shipped orders (NF-e, tracking) for the status job | cp1252, `;` |",
        "| `orders/<type>.json` | the channel orders behind `shipments.csv` | JSON (neutral order specs) |",
        "| `store/<type>/` | store export **with deliberate defects**, value lists with unmapped values, "
        "`defects.json` | see below |",
        "| `store_clean/<type>/` | the same store export without any defect (`defects.json` lists none) | |",
        "| `channels/<type>/` | the channel's raw value lists, as the channel exports them | UTF-8, `,` |",
        "",
        "Store listing formats per channel type:",
        "",
        "| Type | File | Format |",
        "|---|---|---|",
    ]
    for channel_type, fmt in STORE_FORMATS.items():
        if fmt["file"].endswith(".xlsx"):
            desc = "XLSX, sheet `Anúncios`, Portuguese headers"
        else:
            sep = {"\t": "tab", ";": "`;`", ",": "`,`"}[fmt["sep"]]
            desc = (
                f"{fmt['encoding']}, {sep}, {'decimal comma' if fmt['decimal_comma'] else 'decimal point'}, "
                f"{'Portuguese' if fmt['headers'] is _STORE_HEADERS_PT else 'canonical English'} headers"
            )
        lines.append(f"| {channel_type} | `{fmt['file']}` | {desc} |")
    lines += [
        "",
        "## Deliberate defects in `store/<type>/`",
        "",
        "Every class touches its own SKUs (no SKU carries two defects). `defects.json` in each",
        "directory lists them by class with the SKUs a check should flag and per-SKU details.",
        f"Price divergences are at least {PRICE_DIVERGENCE_MIN_PCT:g}% (one is a drop of more than 50%).",
        "The ERP files in `erp/` are clean; the one ERP-side defect (`variation_price_conflict`) is in",
        "`store/<type>/erp_products.csv` (manifest key `erp_file`), the ERP export to check that store against.",
        "",
        "| Class | Meaning | SKUs per type |",
        "|---|---|---|",
    ]
    for cls, meaning in DEFECT_CLASSES.items():
        count = DEFECT_COUNTS.get(cls)
        uniform = ", ".join(t for t in STORE_FORMATS if _uniform_variation_price(t))
        where = f" ({uniform} only)" if cls == "variation_price_conflict" else ""
        lines.append(f"| `{cls}` | {meaning} | {count if count is not None else 'value lists'}{where} |")
    lines += [
        "",
        "Notes:",
        "",
        "* `duplicate_ean` lists both SKUs that share the EAN; `details` gives the pairs.",
        "* `ean_moved`: the ERP SKU is absent and the same EAN appears under `<sku>-V<n>`; a check may",
        "  also report these as `missing_in_store` / `extra_in_store` (`also_reported_as` in the manifest).",
        "* `long_title`: over the channel's title limit (`title_limit` in the manifest; Mercado Livre 60).",
        "* Variation families: about 25 % of SKUs belong to families of 2-4 SKUs (`parent_sku` `PAI-...`)",
        "  sharing product, category, NCM, brand, weight/dimensions and price, differing by colour and/or size.",
        "  Where the channel lists them as one listing with variations (Mercado Livre), the store export gives",
        "  the family one `channel_id` and each SKU a `variation_id`.",
        "* `variation_price_conflict`: only for channel types whose listings take one price for every",
        "  variation (`uniform_variation_price`, Mercado Livre); one SKU of a family of 3+ has another price",
        "  in `erp_products.csv`. The same SKU may also show as a `price_divergence` against the store.",
        "* `unmapped_values`: `carrier_service.csv`, `payment_method.csv`, `order_status.csv` in",
        "  `store/<type>/` carry values absent from the ground truth (`kit/data/channel_values.json`):",
        "",
    ]
    for kind, values in UNMAPPED_EXTRAS.items():
        shown = ", ".join(" / ".join(v) if isinstance(v, list) else v for v in values)
        lines.append(f"  * {kind}: {shown}")
    lines += ["", "SKUs per type:", ""]
    for channel_type, manifest in manifests.items():
        parts = [f"{cls} {', '.join(d['skus'])}" for cls, d in manifest["defects"].items() if d["skus"]]
        lines.append(f"* **{channel_type}**: " + "; ".join(parts))
    return "\n".join(lines) + "\n"


def sample_dir() -> Path:
    """Where the committed sample set is (inside the installed package)."""
    return Path(str(resources.files("kit").joinpath("data/sample")))


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.sample", description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="DIR", required=True, help="grava o conjunto de exemplo em DIR")
    parser.add_argument("--skus", type=int, default=SAMPLE_SKUS)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    args = parser.parse_args(argv)
    info = write_sample_set(args.write, n=args.skus, seed=args.seed)
    print(f"conjunto de exemplo gravado em {args.write}: {info['skus']} SKUs, {len(info['types'])} tipos de canal")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
