"""Neutral order specs for each channel type, and the ERP's export of invoiced/shipped orders.

:func:`generate_orders` gives the orders the sandboxes serve; :func:`write_erp_shipments`
the ERP side the status job reads (NF-e keys with a valid check digit, tracking).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from kit.sample.catalog import SAMPLE_COMPANY, SAMPLE_SEED
from kit.sample.checkdigits import cpf_check_digits, nfe_key
from kit.sample.erp import ERP_SHIPMENT_HEADERS
from kit.sample.files import _as_records, _fmt_num, _write_csv
from kit.sample.store import STORE_FORMATS
from kit.sample.values import channel_values

__all__ = ["generate_orders", "write_erp_shipments"]

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
