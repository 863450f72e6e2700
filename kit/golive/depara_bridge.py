"""De-para completeness for the go-live check, over :mod:`kit.depara`.

Kept apart from :mod:`kit.golive.checks` because it adapts to the de-para
package's tables: a row whose ERP side is blank is unmapped; a channel value
the channel lists (``connector.value_lists()``, or value lists given to the
check) that has no row at all is unmapped too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from kit.golive.findings import BLOQUEIO, INFO, concat_findings, make_findings

__all__ = ["depara_findings", "load_mapping_table", "mappings_dir"]


def _split_columns(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    erp = [c for c in table.columns if str(c).startswith("erp")]
    meta = {"method", "score", "confirmed", "note", "reason", "_row"}
    channel = [c for c in table.columns if c not in erp and c not in meta]
    return channel, erp


def mappings_dir() -> Path:
    """``$KIT_MAPPINGS`` or ``./mappings`` (the de-para package's convention)."""
    return Path(os.environ.get("KIT_MAPPINGS") or "mappings")


def load_mapping_table(depara: Any, channel: str, kind: str) -> pd.DataFrame:
    """``kit.depara.load_table`` when present, else the CSV at ``mappings/<channel>/<kind>.csv``."""
    loader = getattr(depara, "load_table", None)
    if callable(loader):
        return pd.DataFrame(loader(channel, kind))
    path = mappings_dir() / channel / f"{kind}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    return pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")


def _key(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    text = frame[cols].astype("str").apply(lambda s: s.str.strip())
    return text.agg(" + ".join, axis=1) if len(cols) > 1 else text[cols[0]]


def depara_findings(ctx: Any, depara: Any, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Findings for every de-para kind of the channel type."""
    frames = []
    lists = _channel_value_lists(ctx)
    for kind in kinds:
        try:
            table = load_mapping_table(depara, ctx.mappings_channel, kind)
        except Exception as exc:  # noqa: BLE001 - a missing or unreadable table is the finding
            frames.append(
                make_findings(
                    "depara", BLOQUEIO, field=f"depara.{kind}", value="tabela ausente",
                    expected=f"mappings/{ctx.mappings_channel}/{kind}.csv",
                    message=f"Tabela de de-para '{kind}' do canal {ctx.mappings_channel} não encontrada: {exc}",
                )
            )  # fmt: skip
            continue
        channel_cols, erp_cols = _split_columns(table)
        if not channel_cols or not erp_cols:
            continue
        erp_blank = table[erp_cols].astype("str").apply(lambda s: s.str.strip().isin(["", "nan", "None"])).any(axis=1)
        keys = _key(table, channel_cols)
        unmapped = keys[erp_blank].tolist()
        listed = lists.get(kind)
        if listed is not None and len(listed):
            bare = [c.removeprefix("channel_") for c in channel_cols]
            cols = [c for c in bare if c in listed.columns] or list(listed.columns[: len(channel_cols)])
            listed = listed[listed[cols].astype("str").apply(lambda s: s.str.strip() != "").any(axis=1)]
            listed_keys = _key(listed, cols) if len(cols) == len(channel_cols) else pd.Series([], dtype="str")
            unmapped += [k for k in listed_keys.unique() if k not in set(keys)]
        if unmapped:
            frames.append(
                make_findings(
                    "depara", BLOQUEIO, field=f"depara.{kind}", value=sorted(set(unmapped)),
                    expected="valor do ERP mapeado",
                    message=[f"Valor do canal '{v}' ({kind}) sem de-para para o ERP" for v in sorted(set(unmapped))],
                )
            )  # fmt: skip
        else:
            frames.append(
                make_findings(
                    "depara", INFO, field=f"depara.{kind}", value=str(len(table)), expected="todos mapeados",
                    message=f"De-para '{kind}': {len(table)} valores, todos mapeados",
                )
            )  # fmt: skip
    return concat_findings(frames)


def _channel_value_lists(ctx: Any) -> dict[str, pd.DataFrame]:
    """Value lists the channel publishes (given on the context, else from the connector)."""
    if ctx.value_lists is not None:
        return ctx.value_lists
    given = ctx.cache.get("value_lists")
    if given is not None:
        return given
    lists: dict[str, pd.DataFrame] = {}
    if ctx.channel is not None:
        try:
            conn = ctx.get_connector()
            fetch = getattr(conn, "value_lists", None)
            if callable(fetch):
                lists = dict(fetch() or {})
        except Exception:  # noqa: BLE001 - without live lists the table alone is checked
            lists = {}
    ctx.cache["value_lists"] = lists
    return lists
