"""Order values through de-para: carrier + service, payment method, status.

Built on :class:`kit.depara.apply.DeparaLookup` (confirmed rows only, normalized
lookup). :meth:`OrderTranslator.translate` never raises for an unmapped value: it
returns the translated values and the problems (pt-BR), so the orders job can
quarantine the order with its reason and go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["OrderTranslation", "OrderTranslator", "ORDER_FIELDS"]

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
_REASON_PT = {
    "pending": "mapeamento ainda não confirmado",
    "unmapped": "sem mapeamento",
    "conflict": "mapeamentos em conflito",
    "empty": "valor vazio",
}


@dataclass(slots=True)
class OrderTranslation:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class OrderTranslator:
    """Translate the raw values of one channel's orders into the ERP's; mapping tables are loaded once per run."""

    def __init__(self, channel: str, kinds: tuple[str, ...] | None = None) -> None:
        self.channel = channel
        self.kinds = tuple(k for k in (kinds or tuple(ORDER_FIELDS)) if k in ORDER_FIELDS)
        self._tables: dict[str, Any] = {}

    def _table(self, kind: str) -> Any:
        if kind not in self._tables:
            from kit.depara import load_table
            from kit.depara.apply import DeparaLookup

            frame = load_table(self.channel, kind)
            self._tables[kind] = DeparaLookup(kind, frame) if len(frame) else None
        return self._tables[kind]

    def translate(self, order: dict[str, Any]) -> OrderTranslation:
        """The order's ERP values, or the problems (pt-BR) that keep it in quarantine."""
        out = OrderTranslation()
        for kind in self.kinds:
            raw_fields, erp_fields = ORDER_FIELDS[kind]
            raw = tuple("" if order.get(f) is None else str(order.get(f)).strip() for f in raw_fields)
            if not any(raw):
                continue  # nothing to translate (e.g. an order without shipping yet)
            table = self._table(kind)
            if table is None:
                out.problems.append(f"sem tabela de de-para de {_KIND_PT[kind]} para o canal {self.channel}")
                continue
            target, reason = table.lookup(raw)
            if target is None:
                shown = " + ".join(v for v in raw if v)
                out.problems.append(f"{_KIND_PT[kind]} '{shown}': {_REASON_PT.get(reason, reason)} no de-para")
                continue
            out.values.update(dict(zip(erp_fields, target, strict=True)))
        return out
