"""Value lists for de-para: from a spreadsheet file, or from a channel connector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind
from kit.errors import ConfigurationError

__all__ = ["load_values", "fetch_channel_values", "sample_lists"]


def load_values(path: str | Path, kind: str | MappingKind, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a value list (CSV / XLSX) for ``kind`` with :func:`kit.sheets.read_table`.

    Raises:
        InputDataError: the file cannot be read or lacks the kind's columns.
    """
    from kit.depara.suggest import value_frame
    from kit.sheets import read_table

    k = get_kind(kind)
    frame = read_table(path, kind=k.list_kind, sheet=sheet)
    value_frame(k, frame)  # raises InputDataError naming the missing column
    return frame


def fetch_channel_values(channel: str, kind: str | MappingKind, **kw: Any) -> pd.DataFrame:
    """The channel's value list for ``kind`` from its connector's ``value_lists()``.

    ``channel`` is a configured channel's name; ``kw`` goes to
    :func:`kit.connectors.connector_for` (``secrets``, ``workspace``, ``base_url``...).

    Raises:
        ConfigurationError: the connector cannot list values (not built yet, or
            this channel type has no such list): load a file instead.
    """
    from kit.channels import ChannelRegistry
    from kit.connectors import connector_for
    from kit.store import Workspace

    k = get_kind(kind)
    workspace = kw.pop("workspace", None) or Workspace()
    config = ChannelRegistry(workspace).get(channel)
    connector = connector_for(config, workspace=workspace, **kw)
    lists = getattr(connector, "value_lists", None)
    if lists is None:
        raise ConfigurationError(
            "o conector deste canal não lista valores", channel=channel, hint="carregue a lista de um arquivo"
        )
    found = lists()
    if k.list_kind not in found:
        raise ConfigurationError(
            f"o canal não publica a lista {k.list_kind}", channel=channel, hint="carregue a lista de um arquivo"
        )
    return found[k.list_kind]


def sample_lists(kind: str | MappingKind, channel_type: str) -> tuple[Path, Path]:
    """The committed sample value lists (ERP, channel) for ``kind``, from the package data.

    Raises:
        ConfigurationError: the sample set has no list for this kind / channel type.
    """
    from importlib import resources

    k = get_kind(kind)
    base = Path(str(resources.files("kit").joinpath("data/sample")))
    erp = base / "erp" / f"{k.list_kind}.csv"
    channel = base / "channels" / channel_type / f"{k.list_kind}.csv"
    for path in (erp, channel):
        if not path.is_file():
            raise ConfigurationError(
                f"não há lista de exemplo {path.relative_to(base)}",
                file=str(path),
                hint="informe erp_file / channel_file",
            )
    return erp, channel
