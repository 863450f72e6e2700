"""Mapping kinds: what a de-para table maps, declared as data.

A :class:`MappingKind` says which value list it maps (the spreadsheet kind read
by :func:`kit.sheets.read_table`), which columns make the key on each side,
which side is the *source* (the values that must each be translated), and
whether several source values may share one target value. Kinds are
registered once with :func:`register_kind`; registering a name twice is an
error.

Table columns follow from the declaration: for a value list with columns
``(carrier, service)`` the table has ``channel_carrier, channel_service,
erp_carrier, erp_service`` (source side first), then ``method, score,
confirmed, note``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.registry import Registry

__all__ = [
    "MappingKind",
    "KINDS",
    "register_kind",
    "get_kind",
    "META_COLUMNS",
]

META_COLUMNS = ("method", "score", "confirmed", "note")


@dataclass(frozen=True, slots=True)
class MappingKind:
    """The declaration of one mapping kind.

    Attributes:
        name: the kind's name, used in file names (``mappings/<channel>/<name>.csv``).
        label: what users read (Brazilian Portuguese).
        list_kind: the spreadsheet kind holding the value lists on both sides.
        list_columns: the canonical columns of that list that form the key.
        direction: ``"in"`` when channel values are translated into ERP values
            (orders coming in), ``"out"`` when ERP values are translated into
            channel values (status pushes, products going out).
        many_to_one: several source values may map to one target value. One
            source value mapping to several targets is never allowed.
        alias_kind: the section of the alias dictionary to use (defaults to
            ``list_kind``); composite keys also use ``<alias_kind>.<column>``.
    """

    name: str
    label: str
    list_kind: str
    list_columns: tuple[str, ...]
    direction: str = "in"
    many_to_one: bool = True
    alias_kind: str = ""

    def __post_init__(self) -> None:
        if self.direction not in ("in", "out"):
            raise ValueError(f"mapping kind {self.name!r}: direction must be 'in' or 'out'")
        if not self.list_columns:
            raise ValueError(f"mapping kind {self.name!r} declares no key columns")

    @property
    def aliases(self) -> str:
        return self.alias_kind or self.list_kind

    @property
    def channel_columns(self) -> tuple[str, ...]:
        return tuple(f"channel_{c}" for c in self.list_columns)

    @property
    def erp_columns(self) -> tuple[str, ...]:
        return tuple(f"erp_{c}" for c in self.list_columns)

    @property
    def source_side(self) -> str:
        """``"channel"`` or ``"erp"``: whose values this table translates."""
        return "channel" if self.direction == "in" else "erp"

    @property
    def target_side(self) -> str:
        return "erp" if self.direction == "in" else "channel"

    @property
    def source_columns(self) -> tuple[str, ...]:
        return self.channel_columns if self.direction == "in" else self.erp_columns

    @property
    def target_columns(self) -> tuple[str, ...]:
        return self.erp_columns if self.direction == "in" else self.channel_columns

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column of a stored table, in file order."""
        return self.source_columns + self.target_columns + META_COLUMNS

    @property
    def composite(self) -> bool:
        return len(self.list_columns) > 1


KINDS: Registry[MappingKind] = Registry("mapping kind", unknown="tipo de de-para desconhecido", field="kind")


def register_kind(kind: MappingKind) -> MappingKind:
    """Add ``kind`` to :data:`KINDS`; a name registered twice raises ``ValueError``."""
    return KINDS.register(kind.name, kind)


def get_kind(name: str | MappingKind) -> MappingKind:
    """The registered kind ``name`` (a :class:`MappingKind` is returned as is)."""
    if isinstance(name, MappingKind):
        return name
    return KINDS.lookup(name)


register_kind(MappingKind("carrier_service", "Transportadora e serviço", "carrier_service", ("carrier", "service")))
register_kind(MappingKind("payment_method", "Forma de pagamento", "payment_method", ("payment_method",)))
register_kind(MappingKind("order_status", "Status do pedido (canal -> ERP)", "order_status", ("status",)))
# Status pushes: each ERP status must say which channel status it becomes.
register_kind(
    MappingKind("order_status_out", "Status do pedido (ERP -> canal)", "order_status", ("status",), direction="out")
)
# Products go out: each ERP category / attribute value needs the channel's.
register_kind(MappingKind("category", "Categoria", "category", ("category",), direction="out"))
register_kind(
    MappingKind("attribute", "Atributo (cor, tamanho...)", "attribute", ("attribute", "value"), direction="out")
)
# Stock and prices go out; two ERP warehouses feeding one channel warehouse
# would overwrite each other's quantities, so these are one-to-one.
register_kind(MappingKind("warehouse", "Depósito", "warehouse", ("warehouse",), direction="out", many_to_one=False))
register_kind(
    MappingKind("price_table", "Tabela de preço", "price_table", ("price_table",), direction="out", many_to_one=False)
)
