"""Mapping tables on disk: ``mappings/<channel>/<kind>.csv`` (XLSX review: :mod:`kit.depara.xlsx`).

The CSV is the reviewed artifact: UTF-8, one row per mapping, stable columns
(:attr:`MappingKind.columns`: source key columns, target key columns, ``method``,
``score``, ``confirmed``, ``note``), sorted by key, written atomically, so a
change shows in ``git diff`` as the rows that changed and nothing else.

Where tables live: ``$KIT_MAPPINGS``; else the ``mappings/`` folder of the
checkout this package runs from; else ``<workspace>/mappings``.
"""

from __future__ import annotations

import io
import math
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.depara.kinds import MappingKind, get_kind
from kit.errors import ConfigurationError, InputDataError

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "mappings_dir",
    "table_path",
    "empty_table",
    "load_table",
    "save_table",
    "coerce_table",
    "confirmed_rows",
    "list_tables",
]

_TRUE = {"true", "1", "sim", "s", "yes", "y", "x", "verdadeiro"}
_FALSE = {"false", "0", "nao", "não", "n", "no", "", "falso"}
_CHANNEL_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def mappings_dir() -> Path:
    """Where mapping tables live (see the module docstring)."""
    env = os.environ.get("KIT_MAPPINGS")
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parents[2]
    if (repo / "mappings").is_dir() and (repo / "pyproject.toml").is_file():
        return repo / "mappings"
    from kit.store import default_workspace_path

    return default_workspace_path() / "mappings"


def _check_channel(channel: str) -> str:
    if not channel or not set(channel.lower()) <= _CHANNEL_CHARS or channel.startswith("."):
        raise ConfigurationError(
            f"o nome de canal {channel!r} não serve de nome de pasta de de-para",
            hint="use o nome configurado do canal (letras, dígitos, '-', '_')",
        )
    return channel


def table_path(channel: str, kind: str | MappingKind, directory: str | Path | None = None) -> Path:
    """``<mappings dir>/<channel>/<kind>.csv``."""
    k = get_kind(kind)
    return Path(directory or mappings_dir()) / _check_channel(channel) / f"{k.name}.csv"


def empty_table(kind: str | MappingKind) -> pd.DataFrame:
    """A table with the kind's columns and no rows."""
    k = get_kind(kind)
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in k.columns})
    frame["score"] = frame["score"].astype(float)
    frame["confirmed"] = frame["confirmed"].astype(bool)
    return frame


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bool(value: Any, where: dict[str, Any]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)) and value in (0, 1):
        return bool(value)
    text = _text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputDataError(
        f"'confirmed' precisa ser true ou false, não {_text(value)!r}", hint="escreva true ou false", **where
    )


def _score(value: Any, where: dict[str, Any]) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    try:
        score = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputDataError(f"'score' precisa ser um número de 0 a 100, não {value!r}", **where) from None
    if not math.isnan(score) and not 0 <= score <= 100:
        raise InputDataError(f"'score' precisa ficar entre 0 e 100, não {score:g}", **where)
    return score


def coerce_table(kind: str | MappingKind, frame: pd.DataFrame, *, source: dict[str, Any] | None = None) -> pd.DataFrame:
    """``frame`` with exactly the kind's columns and types (text keys, float score, bool confirmed).

    Raises:
        InputDataError: a required column is missing or a cell cannot be read;
            the error names the file/sheet (``source``), row and column.
    """
    k = get_kind(kind)
    source = source or {}
    key_columns = k.source_columns + k.target_columns
    missing = [c for c in key_columns if c not in frame.columns]
    if missing:
        raise InputDataError(
            f"a tabela de de-para não tem a coluna {missing[0]!r}",
            column=missing[0],
            kind=k.name,
            hint="colunas esperadas: " + ", ".join(k.columns),
            **source,
        )
    rows = frame["_row"].tolist() if "_row" in frame.columns else [i + 2 for i in range(len(frame))]
    out = pd.DataFrame(index=range(len(frame)))
    for c in key_columns:
        out[c] = [_text(v).strip() for v in frame[c].tolist()]
    out["method"] = [_text(v).strip() for v in frame["method"].tolist()] if "method" in frame else ""
    scores, confirmed = [], []
    for i, row in enumerate(rows):
        where = {**source, "row": row, "kind": k.name}
        scores.append(_score(frame["score"].iloc[i], {**where, "column": "score"}) if "score" in frame else math.nan)
        confirmed.append(
            _bool(frame["confirmed"].iloc[i], {**where, "column": "confirmed"}) if "confirmed" in frame else False
        )
    out["score"] = pd.Series(scores, dtype=float)
    out["confirmed"] = pd.Series(confirmed, dtype=bool)
    out["note"] = [_text(v) for v in frame["note"].tolist()] if "note" in frame else ""
    for c in key_columns + ("method", "note"):
        out[c] = out[c].astype(object)
    return out[list(k.columns)]


def _sorted(kind: MappingKind, frame: pd.DataFrame) -> pd.DataFrame:
    keys = list(kind.source_columns + kind.target_columns)
    return frame.sort_values(keys, kind="stable", key=lambda s: s.str.casefold()).reset_index(drop=True)


def load_table(
    channel: str, kind: str | MappingKind, *, directory: str | Path | None = None, missing_ok: bool = True
) -> pd.DataFrame:
    """The channel's table for ``kind`` (empty when there is none and ``missing_ok``).

    The returned frame carries a ``_row`` column: the line number in the CSV.
    """
    k = get_kind(kind)
    path = table_path(channel, k, directory)
    if not path.exists():
        if missing_ok:
            frame = empty_table(k)
            frame["_row"] = pd.Series(dtype=int)
            return frame
        raise ConfigurationError(
            f"não há tabela de de-para {k.name} para o canal {channel!r}",
            file=str(path),
            hint=f"monte uma com 'kit depara build {channel} {k.name} --erp ARQUIVO --channel-values ARQUIVO'",
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputDataError(f"a tabela de de-para não pôde ser lida: {exc}", file=str(path), kind=k.name) from None
    raw["_row"] = range(2, len(raw) + 2)
    frame = coerce_table(k, raw, source={"file": str(path)})
    frame["_row"] = raw["_row"].to_numpy()
    return frame


def _csv_bytes(kind: MappingKind, frame: pd.DataFrame) -> bytes:
    out = frame[list(kind.columns)].copy()
    out["score"] = ["" if math.isnan(s) else f"{s:.1f}" for s in out["score"]]
    out["confirmed"] = ["true" if c else "false" for c in out["confirmed"]]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def save_table(
    channel: str,
    kind: str | MappingKind,
    frame: pd.DataFrame,
    *,
    directory: str | Path | None = None,
    reviewer: str | None = None,
    workspace: Workspace | None = None,
    record: bool = True,
) -> Path:
    """Write the table (sorted, atomically) and record the review in the workspace.

    The workspace ``mappings`` table gets one row per save: channel, kind,
    path, rows, confirmed, pending, saved_at, saved_by.
    """
    from kit.store import atomic_write_bytes

    k = get_kind(kind)
    table = _sorted(k, coerce_table(k, frame))
    path = table_path(channel, k, directory)
    atomic_write_bytes(path, _csv_bytes(k, table))
    if record:
        from kit.store import Workspace

        ws = workspace or Workspace()
        confirmed = int(table["confirmed"].sum())
        with ws.table("mappings") as t:
            t.insert(
                {
                    "channel": channel,
                    "kind": k.name,
                    "path": str(path),
                    "rows": len(table),
                    "confirmed": confirmed,
                    "pending": len(table) - confirmed,
                    "saved_at": time.time(),
                    "saved_by": reviewer or os.environ.get("USER") or os.environ.get("USERNAME") or "",
                }
            )
    return path


def list_tables(directory: str | Path | None = None) -> list[tuple[str, str, Path]]:
    """Every ``(channel, kind, path)`` table under the mappings directory."""
    from kit.depara.kinds import KINDS

    base = Path(directory or mappings_dir())
    if not base.is_dir():
        return []
    out = []
    for path in sorted(base.glob("*/*.csv")):
        if path.stem in KINDS:
            out.append((path.parent.name, path.stem, path))
    return out


def confirmed_rows(
    kind: str | MappingKind, *, exclude_channel: str | None = None, mappings_dir: str | Path | None = None
) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """``(source key, target key)`` of every confirmed row of other channels' tables."""
    k = get_kind(kind)
    for channel, name, _ in list_tables(mappings_dir):
        if name != k.name or channel == exclude_channel:
            continue
        try:
            table = load_table(channel, k, directory=mappings_dir)
        except InputDataError:
            continue  # a broken table is reported by validate, not learned from
        table = table[table["confirmed"]]
        for row in table.itertuples(index=False):
            d = row._asdict()
            src = tuple(d[c] for c in k.source_columns)
            dst = tuple(d[c] for c in k.target_columns)
            if all(dst):
                yield src, dst
