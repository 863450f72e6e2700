"""Realistic, seeded sample data: ERP and store exports, channel values.

The same seed gives the same data on every machine. Large catalogues (1M SKUs)
are produced for benchmarks with :func:`generate_catalog`.

Ground truth for channel value lists (raw channel value -> ERP value) lives in
``kit/data/channel_values.json`` and is read with :func:`channel_values`.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["generate_catalog", "ean13", "channel_values", "erp_values", "PRODUCT_COLUMNS"]

PRODUCT_COLUMNS = (
    "sku", "ean", "title", "brand", "category", "ncm", "weight_kg",
    "height_cm", "width_cm", "length_cm", "price", "stock", "active",
)  # fmt: skip

_NOUNS = [
    ("Tênis de Corrida", "Calçados > Tênis", "64041100"),
    ("Camiseta Dry Fit", "Roupas > Camisetas", "61091000"),
    ("Jaqueta Corta-Vento", "Roupas > Jaquetas", "62019300"),
    ("Mochila Escolar", "Acessórios > Mochilas", "42029200"),
    ("Garrafa Térmica", "Casa > Utilidades", "96170010"),
    ("Fone de Ouvido Bluetooth", "Eletrônicos > Áudio", "85183000"),
    ("Cafeteira Elétrica", "Eletroportáteis > Cozinha", "85167100"),
    ("Panela Antiaderente", "Casa > Cozinha", "73239300"),
    ("Liquidificador", "Eletroportáteis > Cozinha", "85094050"),
    ("Luminária de Mesa", "Casa > Iluminação", "94052000"),
    ("Bola de Futebol", "Esporte > Futebol", "95066200"),
    ("Carregador Turbo USB-C", "Eletrônicos > Acessórios", "85044010"),
    ("Relógio Digital", "Acessórios > Relógios", "91021900"),
    ("Toalha de Banho", "Casa > Cama, Mesa e Banho", "63026000"),
    ("Kit de Chaves", "Ferramentas > Manuais", "82041100"),
]
_ADJ = ["Premium", "Básico", "Pro", "Confort", "Slim", "Max", "Eco", "Plus", "Sport", "Classic"]
_COLORS = ["Preto", "Branco", "Azul", "Vermelho", "Cinza", "Verde", "Rosa", "Amarelo"]
_SIZES = ["P", "M", "G", "GG", "36", "38", "40", "42", "Único"]
_BRANDS = ["Atlântica", "Ipê", "Vértice", "Serra Azul", "Carioca", "Pampa", "Jangada", "Cerrado", "Maré", "Boto"]


def ean13(body12: int | str) -> str:
    """Return the EAN-13 for a 12-digit body, with its check digit."""
    digits = str(body12).zfill(12)[-12:]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def generate_catalog(n: int, seed: int = 42, *, sku_prefix: str = "SKU") -> list[dict[str, Any]]:
    """``n`` products in the canonical products schema (:data:`PRODUCT_COLUMNS`).

    SKUs are ``{sku_prefix}-000001`` ...; EANs are valid GTIN-13 with the
    Brazilian prefix 789; prices in BRL with two decimals.
    """
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        noun, category, ncm = _NOUNS[rng.randrange(len(_NOUNS))]
        brand = _BRANDS[rng.randrange(len(_BRANDS))]
        title = f"{noun} {brand} {_ADJ[rng.randrange(len(_ADJ))]} {_COLORS[rng.randrange(len(_COLORS))]}"
        if rng.random() < 0.4:
            title += f" Tam. {_SIZES[rng.randrange(len(_SIZES))]}"
        rows.append(
            {
                "sku": f"{sku_prefix}-{i:06d}",
                "ean": ean13(789_000_000_000 + seed * 1_000_003 % 1_000_000 * 1000 + i),
                "title": title,
                "brand": brand,
                "category": category,
                "ncm": ncm,
                "weight_kg": round(rng.uniform(0.1, 8.0), 3),
                "height_cm": round(rng.uniform(2, 60), 1),
                "width_cm": round(rng.uniform(5, 60), 1),
                "length_cm": round(rng.uniform(5, 80), 1),
                "price": round(rng.uniform(19.9, 1999.9), 2),
                "stock": rng.randrange(0, 500),
                "active": True,
            }
        )
    return rows


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
