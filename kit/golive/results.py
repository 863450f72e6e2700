"""Go-live results, checklist confirmations and gate events in the workspace.

All in the workspace file ``golive.json``:

* table ``results``: one row per check run ``{channel, verdict, counts,
  started_at, finished_at, report_path, html_path, xlsx_path, parameters, by}``;
* table ``confirmations``: checklist answers ``{channel, item, by, at, note}``
  (another ERP on the channel, confirmed price drops...);
* table ``gate``: enable/disable events, forced enables with their reason.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import ConfigurationError, InputDataError

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "APTO",
    "NAO_APTO",
    "verdict_of",
    "record_result",
    "update_result",
    "latest_result",
    "list_results",
    "record_confirmation",
    "confirmations",
    "read_answers_file",
    "current_user",
    "now_iso",
]

APTO, NAO_APTO = "APTO", "NÃO APTO"


def now_iso() -> str:
    """UTC now, ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_user(by: str | None = None) -> str:
    """``by`` if given, else ``$USER`` (or the login name)."""
    if by and by.strip():
        return by.strip()
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "desconhecido"


def verdict_of(findings: Any) -> str:
    """``APTO`` when no finding is a ``bloqueio``, else ``NÃO APTO``."""
    return NAO_APTO if (findings["severity"] == "bloqueio").any() else APTO


def record_result(ws: Workspace, result: dict[str, Any]) -> int:
    """Store one go-live result; returns its id."""
    if not result.get("channel"):
        raise ConfigurationError("um resultado de go-live precisa do nome do canal")
    with ws.table("golive", "results") as table:
        return table.insert(dict(result))


def update_result(ws: Workspace, result_id: int, changes: dict[str, Any]) -> None:
    """Change fields of a stored result (e.g. the HTML path once exported)."""
    with ws.table("golive", "results") as table:
        table.update(changes, doc_ids=[result_id])


def list_results(ws: Workspace, channel: str) -> list[dict[str, Any]]:
    """Every stored result of ``channel``, oldest first."""
    from tinydb import Query

    with ws.table("golive", "results") as table:
        rows = [dict(r, id=r.doc_id) for r in table.search(Query().channel == channel)]
    return sorted(rows, key=lambda r: (r.get("finished_at") or "", r["id"]))


def latest_result(ws: Workspace, channel: str) -> dict[str, Any] | None:
    """The most recent go-live result of ``channel`` (keys ``verdict``, ``report_path``, ``finished_at``...)."""
    rows = list_results(ws, channel)
    return rows[-1] if rows else None


def record_confirmation(
    ws: Workspace, channel: str, item: str, by: str | None = None, note: str = ""
) -> dict[str, Any]:
    """Record that a person confirmed checklist ``item`` for ``channel`` (who and when)."""
    if not item or not item.strip():
        raise ConfigurationError("uma confirmação precisa de um item, ex.: other_erp ou price_drop:SKU")
    row = {"channel": channel, "item": item.strip(), "by": current_user(by), "at": now_iso(), "note": note}
    with ws.table("golive", "confirmations") as table:
        table.insert(row)
    return row


def confirmations(ws: Workspace, channel: str) -> dict[str, dict[str, Any]]:
    """The latest confirmation per item for ``channel``."""
    from tinydb import Query

    with ws.table("golive", "confirmations") as table:
        rows = table.search(Query().channel == channel)
    out: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r.get("at", "")):
        out[row["item"]] = dict(row, confirmed=True)
    return out


def read_answers_file(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """A checklist answers file: JSON ``[{"item", "by", "confirmed", "note"}]`` or ``{item: {...}}``.

    Only answers with ``confirmed`` true are returned.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputDataError(f"o arquivo de respostas {p} não existe", file=str(p)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputDataError(f"o arquivo de respostas {p} não é um JSON válido: {exc}", file=str(p)) from None
    if isinstance(data, dict):
        data = [dict(v if isinstance(v, dict) else {"confirmed": bool(v)}, item=k) for k, v in data.items()]
    if not isinstance(data, list):
        raise InputDataError(f"o arquivo de respostas {p} precisa conter uma lista de respostas", file=str(p))
    out = []
    for i, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not entry.get("item"):
            raise InputDataError(
                f"a resposta {i} não tem 'item'", file=str(p), row=i, hint='ex.: {"item": "other_erp"}'
            )
        if entry.get("confirmed", True) in (True, "true", "sim", "yes", 1):
            if not str(entry.get("by") or "").strip():
                raise InputDataError(f"a resposta {i} ({entry['item']}) não diz quem confirmou", file=str(p),
                                     row=i, column="by")  # fmt: skip
            out.append(entry)
    return out
