"""De-para: mapping channel values to ERP values (and back), reviewed by people.

::

    kinds       MappingKind declarations and the registry (register_kind / get_kind)
    normalize   text normalization for matching
    aliases     the alias dictionary (data/aliases.csv) and its concept tree (data/concepts.csv)
    words       words of a value: vocabulary (data/vocabulary.csv), stems, weights
    keys        the match keys of one value (exact, concepts, parts, texts, words)
    rank        ordering of candidates and the pre-acceptance rule
    suggest     ranked candidates: exact, alias, learned, fuzzy; pre-acceptance
    evaluate    top-1 / top-3 / wrong pre-accepts on a hand-labelled evaluation set
    table       mappings/<channel>/<kind>.csv storage
    xlsx        XLSX export for review (dropdowns of the allowed values) and import
    validate    every problem of a table, as a DataFrame
    apply       translate DataFrames with a confirmed table (raise or split)
    build       suggestions -> a table (pre-accepted rows confirmed, the rest pending)
    values      loading value lists from files or a channel connector
    review      the state of a review: choices, bulk confirmation, undo
    widgets     the notebook's editor (plain ipywidgets, testable without a kernel)
    screen      the notebook's screen: channel and kind pickers over the editor
    live        the channel's live value lists for validation

Importing :mod:`kit.depara` loads pandas and rapidfuzz: command modules import it
inside their handlers only.
"""

from __future__ import annotations

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

# The submodules ``suggest``, ``validate`` and ``apply`` share their names with
# the functions they define. Import every submodule first (importing a
# submodule sets the package attribute to the module), then bind the package
# names to the functions: ``kit.depara.validate(...)`` is the function, and
# ``from kit.depara.validate import validate`` still finds the module.
from kit.depara import apply as _apply_module  # noqa: E402
from kit.depara import build as _build_module  # noqa: E402
from kit.depara import suggest as _suggest_module  # noqa: E402
from kit.depara import table as _table_module  # noqa: E402
from kit.depara import validate as _validate_module  # noqa: E402
from kit.depara import values as _values_module  # noqa: E402
from kit.depara import xlsx as _xlsx_module  # noqa: E402

suggest = _suggest_module.suggest
validate = _validate_module.validate
apply = _apply_module.apply
translate = _apply_module.translate
build_table = _build_module.build_table
load_values = _values_module.load_values
load_table = _table_module.load_table
save_table = _table_module.save_table
table_path = _table_module.table_path
mappings_dir = _table_module.mappings_dir
export_xlsx = _xlsx_module.export_xlsx
import_xlsx = _xlsx_module.import_xlsx
