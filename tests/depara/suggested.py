"""Helpers of the de-para rule tests: one value's suggestion row, its top label, a value with its description."""

from __future__ import annotations

import pandas as pd

from kit.depara.suggest import suggest


def one_row(kind: str, channel, erp, **kw):
    """The one row ``suggest`` gives for a one-value channel list (learned mappings off)."""
    table = suggest(kind, channel, erp, learned=False, **kw)
    assert len(table) == 1
    return table.iloc[0]


def top_label(row) -> str:
    """The label of the row's best candidate ("" when there is none)."""
    return row["candidates"][0]["label"] if row["candidates"] else ""


def described(value: str, description: str) -> pd.DataFrame:
    """A channel list of one status with the description its documentation gives."""
    return pd.DataFrame({"status": [value], "description": [description]})
