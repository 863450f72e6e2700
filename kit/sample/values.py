"""Value lists: the ground truth (what each channel value means in the ERP) and the channel's own exports.

The ground truth lives in ``kit/data/channel_values.json`` and is read with
:func:`channel_values` and :func:`erp_values`; :func:`write_channel_value_lists`
writes the raw lists as each channel exports them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kit.sample.files import _write_csv

__all__ = ["erp_values", "channel_values", "UNMAPPED_EXTRAS", "CHANNEL_VALUE_HEADERS", "write_channel_value_lists"]


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
