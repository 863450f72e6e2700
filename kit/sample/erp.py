"""The ERP's exports: products, stock, prices and value lists, as Brazilian ERPs write them.

``products.csv`` in cp1252 with ``;`` and decimal comma, ``stock.csv`` UTF-8
with BOM, ``prices.csv`` with thousands dot, and the ERP's value lists
(``carrier_service.csv``, ``payment_method.csv``, ``order_status.csv``) with
ERP-style Portuguese headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kit.sample.catalog import PRODUCT_COLUMNS, SAMPLE_SEED, generate_catalog_frame
from kit.sample.files import _as_records, _decimal_strings, _fmt_num, _write_csv, _write_lines
from kit.sample.values import erp_values

__all__ = [
    "ERP_PRODUCT_HEADERS",
    "ERP_STOCK_HEADERS",
    "ERP_PRICE_HEADERS",
    "ERP_VALUE_HEADERS",
    "ERP_SHIPMENT_HEADERS",
    "write_erp_exports",
    "write_erp_value_lists",
]

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
