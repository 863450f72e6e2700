"""De-para: mapping channel values to ERP values (and back), reviewed by people.

::

    kinds       MappingKind declarations and the registry (register_kind / get_kind)
    normalize   text normalization for matching
    aliases     the alias dictionary (data/aliases.csv)
    suggest     ranked candidates: exact, alias, learned, fuzzy; pre-acceptance
    table       mappings/<channel>/<kind>.csv storage, XLSX export/import
    validate    every problem of a table, as a DataFrame
    apply       translate DataFrames with a confirmed table (raise or split)
    build       suggestions -> a table (pre-accepted rows confirmed, the rest pending)
    values      loading value lists from files or a channel connector
    widgets     the notebook's editor (plain ipywidgets, testable without a kernel)

Heavy imports (pandas, rapidfuzz) happen when a function is first used.
"""

from __future__ import annotations

from typing import Any

from kit.depara.kinds import KINDS, MappingKind, get_kind, register_kind

__all__ = [
    "KINDS",
    "MappingKind",
    "get_kind",
    "register_kind",
    "suggest",
    "build_table",
    "load_values",
    "load_table",
    "save_table",
    "table_path",
    "mappings_dir",
    "export_xlsx",
    "import_xlsx",
    "validate",
    "apply",
    "translate",
]

_LAZY = {
    "suggest": "kit.depara.suggest",
    "build_table": "kit.depara.build",
    "load_values": "kit.depara.values",
    "load_table": "kit.depara.table",
    "save_table": "kit.depara.table",
    "table_path": "kit.depara.table",
    "mappings_dir": "kit.depara.table",
    "export_xlsx": "kit.depara.table",
    "import_xlsx": "kit.depara.table",
    "validate": "kit.depara.validate",
    "apply": "kit.depara.apply",
    "translate": "kit.depara.apply",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kit.depara' has no attribute {name!r}")
