"""Order values through de-para: carrier + service, payment method, status.

:func:`translate_order` never raises for an unmapped value: it returns the
translated values and the list of problems (pt-BR), so the orders job can
quarantine the order with its reason and go on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["OrderTranslation", "Translator", "ORDER_FIELDS"]

# kind -> (raw fields of the order, ERP output fields)
ORDER_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "carrier_service": (("carrier_raw", "service_raw"), ("carrier", "service")),
    "payment_method": (("payment_raw",), ("payment_method",)),
    "order_status": (("status_raw",), ("status",)),
}
_KIND_PT = {
    "carrier_service": "transportadora/serviço",
    "payment_method": "forma de pagamento",
    "order_status": "status",
}


@dataclass(slots=True)
class OrderTranslation:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Translator:
    """Translate orders of one channel; mapping tables are loaded once per run."""

    def __init__(self, channel: str, kinds: tuple[str, ...] | None = None) -> None:
        self.channel = channel
        self.kinds = tuple(k for k in (kinds or tuple(ORDER_FIELDS)) if k in ORDER_FIELDS)
        self._tables: dict[str, dict[tuple[str, ...], tuple[str, ...]] | None] = {}

    def _table(self, kind: str) -> dict[tuple[str, ...], tuple[str, ...]] | None:
        if kind not in self._tables:
            self._tables[kind] = _load(self.channel, kind)
        return self._tables[kind]

    def translate(self, order: dict[str, Any]) -> OrderTranslation:
        out = OrderTranslation()
        for kind in self.kinds:
            raw_fields, erp_fields = ORDER_FIELDS[kind]
            raw = tuple(_norm(order.get(f)) for f in raw_fields)
            if not any(raw):
                continue  # nothing to translate (e.g. an order without shipping yet)
            table = self._table(kind)
            if table is None:
                out.problems.append(f"sem tabela de de-para de {_KIND_PT[kind]} para o canal {self.channel}")
                continue
            hit = table.get(tuple(v.casefold() for v in raw))
            if hit is None:
                shown = " + ".join(v for v in raw if v)
                out.problems.append(f"{_KIND_PT[kind]} '{shown}' sem mapeamento no de-para")
                continue
            out.values.update(dict(zip(erp_fields, hit, strict=True)))
        return out


def _norm(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _load(channel: str, kind: str) -> dict[tuple[str, ...], tuple[str, ...]] | None:
    """``channel key (casefolded) -> ERP values`` of the confirmed rows, or None without a table."""
    try:
        frame = _load_frame(channel, kind)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a table that cannot be read is no table: quarantine with the reason
        from kit.errors import KitError

        if isinstance(exc, KitError):
            return None
        raise
    if frame is None or len(frame) == 0:
        return None
    raw_fields, erp_fields = ORDER_FIELDS[kind]
    cols = list(frame.columns)
    ch_cols = [c for c in cols if c.startswith("channel_")]
    erp_cols = [c for c in cols if c.startswith("erp_")]
    if len(ch_cols) != len(raw_fields) or len(erp_cols) != len(erp_fields):
        return None
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for rec in frame.to_dict("records"):
        if "confirmed" in rec and not _truthy(rec["confirmed"]):
            continue
        key = tuple(_norm(rec[c]).casefold() for c in ch_cols)
        val = tuple(_norm(rec[c]) for c in erp_cols)
        if any(val):
            table[key] = val
    return table


def mappings_dir() -> Path:
    """``$KIT_MAPPINGS`` or ``./mappings`` (the shared de-para layout)."""
    return Path(os.environ.get("KIT_MAPPINGS") or "mappings").expanduser()


def _load_frame(channel: str, kind: str) -> Any:
    import kit.depara as depara

    loader = getattr(depara, "load_table", None)
    if loader is not None:
        return loader(channel, kind)
    import pandas as pd  # the agreed file layout, read directly when kit.depara has no loader

    path = mappings_dir() / channel / f"{kind}.csv"
    if not path.exists():
        raise FileNotFoundError(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "sim", "s", "x", "y")
