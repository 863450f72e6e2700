"""The seeded catalogue: products with variation families, as records or as a DataFrame.

Large catalogues (1M SKUs) come from :func:`generate_catalog_frame` (vectorised
with numpy); :func:`generate_catalog` gives the same rows as dicts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kit.sample.checkdigits import _ean13_many

__all__ = [
    "PRODUCT_COLUMNS",
    "LISTING_COLUMNS",
    "SAMPLE_SEED",
    "SAMPLE_SKUS",
    "SAMPLE_COMPANY",
    "TITLE_LIMITS",
    "MIN_TITLE_LIMIT",
    "generate_catalog",
    "generate_catalog_frame",
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

# Share of catalogue rows that start a variation family, and family sizes (2-4 SKUs):
# 10 % of starts x 3 SKUs on average puts about 25 % of SKUs in families.
FAMILY_START_SHARE = 0.10
FAMILY_SIZES = (2, 4)
# What a family's members differ by.
_VARY_COLOR, _VARY_SIZE, _VARY_BOTH = 0, 1, 2
# A family's parent SKU: PAI-<number of its first SKU>.
_PARENT_PREFIX = "PAI"

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
