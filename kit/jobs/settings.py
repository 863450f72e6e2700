"""Job settings that are not part of a channel type: where the ERP drops its
files, where the order outbox is, safety stock, the price guard.

Stored in the workspace (``jobs.json``, table ``settings``): one row for the
whole workspace (``scope='*'``) and one per channel; a channel row overrides the
workspace row, which overrides :data:`DEFAULTS`. ``KIT_ERP_DIR`` and
``KIT_OUTBOX`` override the defaults of ``erp_dir`` and ``outbox_dir``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import ConfigurationError

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["DEFAULTS", "job_settings", "set_job_settings", "erp_dir", "outbox_dir", "sample_erp_dir"]

DEFAULTS: dict[str, Any] = {
    "erp_dir": None,  # default: $KIT_ERP_DIR or the embedded sample set
    "outbox_dir": None,  # default: $KIT_OUTBOX or <workspace>/outbox
    "safety_stock": 0,  # units kept back from every SKU
    "price_guard_pct": 30.0,  # a price drop beyond this % is held for review
    "price_table": None,  # which ERP price table feeds this channel (None: the only one)
    "warehouse": None,  # which ERP warehouse feeds this channel (None: all, summed)
    "scheduled_runs": "notebook",  # how kit run-due runs a job: notebook (papermill) or in-process (no kernel)
}
_CHOICES = {"scheduled_runs": ("notebook", "in-process")}
_NUMERIC = {"safety_stock": int, "price_guard_pct": float}


def sample_erp_dir() -> Path:
    """The embedded sample ERP exports (``kit/data/sample/erp``)."""
    return Path(str(resources.files("kit") / "data" / "sample" / "erp"))


def _coerce(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise ConfigurationError(f"configuração de job desconhecida {key!r}", hint="uma de: " + ", ".join(DEFAULTS))
    if value in (None, ""):
        return None
    if key in _CHOICES and str(value) not in _CHOICES[key]:
        raise ConfigurationError(f"{key} deve ser {' ou '.join(_CHOICES[key])}, veio {value!r}")
    if key in _NUMERIC:
        try:
            out = _NUMERIC[key](str(value).replace(",", "."))
        except ValueError:
            raise ConfigurationError(f"a configuração de job {key} precisa ser um número, veio {value!r}") from None
        if out < 0:
            raise ConfigurationError(f"a configuração de job {key} não pode ser negativa, veio {value!r}")
        return out
    return str(value)


def job_settings(ws: Workspace, channel: str | None = None) -> dict[str, Any]:
    """The effective settings for ``channel`` (defaults < workspace < channel)."""
    from tinydb import Query

    out = dict(DEFAULTS)
    with ws.table("jobs", "settings") as table:
        rows = {r["scope"]: r.get("values", {}) for r in table.search(Query().scope.one_of(["*", channel or "*"]))}
    for scope in ("*", channel):
        for key, value in (rows.get(scope) or {}).items():
            if key in DEFAULTS and value is not None:
                out[key] = value
    return out


def set_job_settings(ws: Workspace, channel: str | None, values: dict[str, Any]) -> dict[str, Any]:
    """Store settings for ``channel`` (``None``: the whole workspace); returns the stored row."""
    from tinydb import Query

    scope = channel or "*"
    clean = {k: _coerce(k, v) for k, v in values.items()}
    with ws.table("jobs", "settings") as table:
        row = table.get(Query().scope == scope)
        stored = dict(row.get("values", {})) if row else {}
        for key, value in clean.items():
            if value is None:
                stored.pop(key, None)
            else:
                stored[key] = value
        table.upsert({"scope": scope, "values": stored}, Query().scope == scope)
    return stored


def erp_dir(ws: Workspace, channel: str) -> Path:
    """The folder the ERP drops its exports into, for ``channel``."""
    value = job_settings(ws, channel)["erp_dir"] or os.environ.get("KIT_ERP_DIR")
    return Path(value).expanduser() if value else sample_erp_dir()


def outbox_dir(ws: Workspace, channel: str) -> Path:
    """The order outbox of ``channel``: ``<outbox root>/<channel>``."""
    value = job_settings(ws, channel)["outbox_dir"] or os.environ.get("KIT_OUTBOX")
    root = Path(value).expanduser() if value else Path(ws.root) / "outbox"
    return root / channel
