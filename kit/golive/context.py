"""Everything a go-live check looks at, gathered once: :class:`GoliveContext`.

The ERP side is an ERP export file; the store side a store export file or,
when no file is given, the live listings from the channel's connector
(``connector.list_listings()``). Both are read with the kit's one spreadsheet
reader (:func:`kit.sheets.read_table`, kind ``products``) into canonical
columns.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit.channels import Channel
from kit.channeltypes import ChannelType, get_type
from kit.errors import ConfigurationError, InputDataError

if TYPE_CHECKING:
    from kit.connectors.base import Connector

__all__ = [
    "Tolerances",
    "CapacityAssumptions",
    "GoliveContext",
    "read_products",
    "prepare_products",
    "load_store_listings",
    "PRODUCT_COLUMNS",
    "ERP_COLUMNS",
    "STORE_COLUMNS",
]

log = logging.getLogger(__name__)

PRODUCT_COLUMNS = (
    "sku", "ean", "title", "brand", "category", "ncm", "weight_kg",
    "height_cm", "width_cm", "length_cm", "price", "stock", "active",
)  # fmt: skip
STORE_COLUMNS = PRODUCT_COLUMNS + ("channel_id", "variation_id", "status")
ERP_COLUMNS = PRODUCT_COLUMNS + ("parent_sku",)  # variation families (empty when the ERP has none)
_NUMERIC = ("weight_kg", "height_cm", "width_cm", "length_cm", "price", "stock")
_TEXT = ("sku", "ean", "title", "brand", "category", "ncm", "channel_id", "variation_id", "status", "parent_sku")


@dataclass(slots=True)
class Tolerances:
    """How far ERP and store may differ before it is a finding.

    Attributes:
        price_pct: price divergence allowed, in % of the ERP price.
        stock_units: stock divergence allowed, in units.
        price_guard_pct: a first-sync price drop above this % is a blocker
            until a person confirms it.
        peak_multiplier: change volume at peak relative to now (Black Friday).
    """

    price_pct: float = 1.0
    stock_units: float = 0.0
    price_guard_pct: float = 30.0
    peak_multiplier: float = 10.0


@dataclass(slots=True)
class CapacityAssumptions:
    """Change volumes the capacity planner assumes (per hour, "now").

    ``change_rates`` are fractions of the catalogue that change per hour per
    job; ``orders_per_hour`` drives the orders and status jobs.
    """

    change_rates: dict[str, float] = field(default_factory=lambda: {"products": 0.01, "stock": 0.20, "prices": 0.05})
    orders_per_hour: float = 60.0


@dataclass(slots=True)
class GoliveContext:
    """Inputs of one go-live check.

    Attributes:
        erp: ERP products in canonical columns.
        store: store listings in canonical columns (plus channel_id, variation_id, status).
        channel_type: the channel type checked against.
        channel: the configured channel, or ``None`` in offline mode (files only).
        environment: the environment being switched on (``production`` normally).
        company: the company CNPJ (from the channel unless given).
        tolerances: see :class:`Tolerances`.
        capacity: see :class:`CapacityAssumptions`.
        answers: checklist confirmations ``item -> {"by", "at", ...}``.
        mappings_channel: whose de-para tables to check (default: the channel name).
        value_lists: the channel's value lists per de-para kind (files); when
            ``None`` they come from ``connector.value_lists()`` if there is one.
        connector: a connector object (built lazily from the channel when needed).
        trust_reader_counts: ``erp``/``store`` come unmodified from
            :func:`read_products` (see :func:`prepare_products`): spares a scan
            per column. Leave it False for frames changed after reading.
        assortment: the ERP SKUs that belong on the channel (:mod:`kit.assortment`);
            ``None`` = the whole ERP catalogue. ERP SKUs outside it produce no
            finding (``erp`` keeps the assortment only, ``erp_all`` everything).
    """

    erp: pd.DataFrame
    store: pd.DataFrame
    channel_type: ChannelType
    channel: Channel | None = None
    environment: str = "production"
    company: str | None = None
    tolerances: Tolerances = field(default_factory=Tolerances)
    capacity: CapacityAssumptions = field(default_factory=CapacityAssumptions)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    mappings_channel: str | None = None
    value_lists: dict[str, pd.DataFrame] | None = None
    connector: Connector | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    trust_reader_counts: bool = False
    assortment: set[str] | None = None
    erp_all: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        self.erp = prepare_products(self.erp, ERP_COLUMNS, trust_counts=self.trust_reader_counts)
        self.store = prepare_products(self.store, STORE_COLUMNS, trust_counts=self.trust_reader_counts)
        self.erp_all = self.erp
        if self.assortment is not None:
            attrs = dict(self.erp.attrs)
            self.erp = self.erp[self.erp["sku"].isin(self.assortment).to_numpy()].reset_index(drop=True)
            self.erp.attrs.update(attrs)
        if self.company is None and self.channel is not None:
            self.company = self.channel.company
        if self.mappings_channel is None and self.channel is not None:
            self.mappings_channel = self.channel.name

    @property
    def offline(self) -> bool:
        """True when no channel is configured (files only, no live calls)."""
        return self.channel is None

    @property
    def label(self) -> str:
        return self.channel.name if self.channel else f"offline-{self.channel_type.name}"

    def get_connector(self) -> Connector:
        """The channel's connector (built once); ``ConfigurationError`` if impossible."""
        if self.connector is None:
            if self.channel is None:
                raise ConfigurationError("nenhum canal configurado: o modo offline não tem conector")
            self.connector = connector_for_channel(self.channel)
        return self.connector

    def confirmed(self, item: str) -> dict[str, Any] | None:
        """The confirmation recorded for checklist ``item``, if any."""
        answer = self.answers.get(item)
        return answer if answer and answer.get("confirmed", True) else None


def connector_for_channel(channel: Channel) -> Connector:
    """The channel's connector (``kit.connectors.connector_for``) with the workspace attached."""
    from kit.connectors import connector_for
    from kit.store import Workspace

    return connector_for(channel, workspace=Workspace())


def read_products(path: str | os.PathLike[str], *, warehouse: str | None = None) -> pd.DataFrame:
    """Read an ERP or store export with the kit's reader (products columns).

    Repeated SKUs are not a reading error here: the ``duplicates`` check reports
    them, so the reader is asked for the ``listings`` kind (a SKU may repeat).
    A catalogue export's store-view rows (the same SKU again for another store
    view) are left out: :func:`kit.golive.scopes.fold_scope_rows`; one row per
    SKU and warehouse becomes one row, with the stock summed or ``warehouse``'s
    (the stock job's setting): :func:`kit.golive.scopes.fold_warehouse_rows`.
    """
    from kit.sheets import read_table

    p = Path(path)
    if not p.exists():
        raise InputDataError(f"o arquivo {p} não existe", file=str(p), hint="confira o caminho")
    from kit.golive.scopes import fold_scope_rows, fold_warehouse_rows

    return fold_warehouse_rows(fold_scope_rows(read_table(p, products_kind())), warehouse)


def products_kind() -> str:
    """The reader kind for go-live inputs: products columns, SKUs allowed to repeat."""
    return "listings"


def load_store_listings(channel: Channel, connector: Connector | None = None) -> pd.DataFrame:
    """Live store listings from the connector (``list_listings()``)."""
    conn = connector if connector is not None else connector_for_channel(channel)
    df = conn.list_listings()
    df.attrs.setdefault("source", {"file": f"{channel.name} (list_listings)", "sheet": None})
    return df


def prepare_products(df: pd.DataFrame, columns: tuple[str, ...], *, trust_counts: bool = False) -> pd.DataFrame:
    """Canonical columns present, codes as stripped text, numbers as floats.

    Text columns become ``object`` columns of ``str`` with ``""`` for missing
    values (hashing and comparing them is several times faster than pandas'
    python-backed ``str`` dtype). Frames from the kit's reader are already
    stripped; others (connector listings, hand-built frames) are stripped here.
    Columns the source lacks are added empty (a check that needs them reports
    the gap). Already-prepared frames pass through.

    The prepared frame's ``attrs["empty_cells"]`` counts the ``""`` of each text
    column, exactly. ``trust_counts=True`` says ``df`` comes unmodified from
    :func:`read_products`: the reader's own counts are taken as they are, and a
    column it counted no empty cell in is not scanned for them.
    """
    if df.attrs.get("golive_prepared"):
        return df
    if not df.columns.is_unique:
        raise InputDataError("a tabela tem colunas repetidas", hint="remova os cabeçalhos repetidos")
    from_reader = "kind" in df.attrs  # kit.sheets.read_table strips every cell
    read_counts = df.attrs.get("empty_cells", {}) if from_reader and trust_counts else {}
    counts: dict[str, int] = {}
    data: dict[str, Any] = {}
    n = len(df)
    for col in columns:
        if col in _TEXT:
            if col not in df.columns or read_counts.get(col) == n:  # empty throughout
                data[col] = pd.Series(np.full(n, "", dtype=object), dtype=object, copy=False)
                counts[col] = n
                continue
            arr = df[col].to_numpy(dtype=object)
            reader_text = from_reader and df[col].dtype == "str"  # NaN exactly where a cell was empty
            if reader_text and read_counts.get(col) == 0:
                counts[col] = 0  # nothing to replace, nothing to scan
            else:
                missing = (arr != arr) if reader_text else pd.isna(arr)  # x != x: only NaN, cheaper than isna
                if missing.any():
                    arr = arr.copy()
                    arr[missing] = ""
                if reader_text:
                    counts[col] = int(missing.sum())
                else:
                    arr = np.array([str(v).strip() for v in arr], dtype=object)
                    counts[col] = int((arr == "").sum())
            data[col] = pd.Series(arr, dtype=object, copy=False)
        elif col in _NUMERIC:
            if col in df.columns:
                s = df[col]
                s = s if pd.api.types.is_numeric_dtype(s) else _to_number(s)
                data[col] = s.to_numpy(dtype="float64", na_value=np.nan)
            else:
                data[col] = np.full(n, np.nan)
        elif col == "active":
            data[col] = pd.Series(df[col].array, copy=False) if col in df.columns else np.ones(n, dtype=bool)
    for c in df.columns:
        if c not in data:  # other columns as they are (no copy, no type inference on object arrays)
            data[c] = pd.Series(df[c].array, copy=False)
    if "_row" not in data:
        data["_row"] = np.arange(2, n + 2)
    prepared = pd.DataFrame(data, copy=False)
    prepared.attrs.update(df.attrs)
    prepared.attrs["empty_cells"] = counts
    prepared.attrs["golive_prepared"] = True
    return prepared


def _to_number(s: pd.Series) -> pd.Series:
    """Text numbers to floats; decimal comma and thousands dot handled (the shared reader does more)."""
    text = s.astype("str").fillna("").str.strip()
    comma = text.str.contains(",", regex=False)
    br = comma & (text.str.rfind(",") > text.str.rfind("."))
    text = text.where(~br, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    text = text.where(~comma | br, text.str.replace(",", "", regex=False))
    return pd.to_numeric(text.replace("", None), errors="coerce")


def channel_type_of(channel: Channel | None, type_name: str | None) -> ChannelType:
    """The channel type from the channel, or from ``type_name`` in offline mode."""
    if channel is not None:
        return channel.channel_type
    if not type_name:
        raise ConfigurationError(
            "o modo offline precisa do tipo de canal", hint="informe channel_type, ex.: 'mercadolivre'"
        )
    return get_type(type_name)
