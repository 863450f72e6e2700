"""Channel assortment: which ERP SKUs belong on a channel.

Three sources, combinable; the most specific says first:

1. a ``sku`` rule of the channel's rule file (``mappings/<channel>/assortment.csv``,
   reviewed in git; the notebook screen and ``kit assortment set`` write it);
2. the ERP export's channel column (``Canais``, ``Publicar em``, ``Marketplace``:
   channel names, types or labels, separated by ``,`` ``;`` ``|`` or ``/``;
   ``todos`` = every channel): a non-blank cell puts the SKU on the channels it
   names and off the others;
3. ``family`` rules (the ERP's parent code), then ``category`` rules (a category
   and everything below it: ``Casa`` covers ``Casa > Banho``), then ``brand`` rules;
4. the file's ``all`` rule (the "everything" default, include or exclude);
5. nothing said: **in** when the channel has no rule file and the ERP export has
   no channel column (the whole catalogue, as before assortments existed), else
   **out**.

At one level an ``exclude`` beats an ``include``. Every decision keeps its source,
so ``kit assortment show`` counts what is in and out and why.

The rule file: UTF-8 CSV, columns ``action`` (include/exclude, or incluir/excluir),
``field`` (sku, family, category, brand, all; or sku, familia, categoria, marca,
todos), ``value``, ``note``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import InputDataError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = [
    "Rule",
    "AssortmentResult",
    "RULE_COLUMNS",
    "rules_path",
    "load_rules",
    "save_rules",
    "set_rule",
    "read_rules_file",
    "resolve",
    "names_channel",
]

RULE_COLUMNS = ("action", "field", "value", "note")
_ACTIONS = {"include": "include", "incluir": "include", "exclude": "exclude", "excluir": "exclude"}
_FIELDS = {
    "sku": "sku", "family": "family", "familia": "family", "família": "family", "category": "category",
    "categoria": "category", "brand": "brand", "marca": "brand", "all": "all", "todos": "all", "tudo": "all",
}  # fmt: skip
_SPLIT = re.compile(r"[,;|/]")
_EVERY = {"todos", "todas", "todos os canais", "all", "*"}
#: decision sources, most specific first (the ``source`` column of a result)
SOURCES = ("rule:sku", "erp_column", "rule:family", "rule:category", "rule:brand", "rule:all", "default")
_SOURCE_PT = {
    "rule:sku": "regra por SKU", "erp_column": "coluna Canais do ERP", "rule:family": "regra por família",
    "rule:category": "regra por categoria", "rule:brand": "regra por marca", "rule:all": "regra 'todos'",
    "default": "padrão",
}  # fmt: skip


@dataclass(slots=True)
class Rule:
    """One line of the rule file."""

    action: str
    field: str
    value: str = ""
    note: str = ""

    @classmethod
    def parse(cls, action: Any, field_: Any, value: Any = "", note: Any = "", *, where: str = "") -> Rule:
        a = _ACTIONS.get(str(action or "").strip().lower())
        f = _FIELDS.get(str(field_ or "").strip().lower())
        if a is None or f is None:
            raise InputDataError(
                f"regra de sortimento {where}: ação {action!r} / campo {field_!r} não reconhecidos",
                hint="ação (action): include ou exclude; campo (field): sku, family, category, brand ou all",
            )
        v = "" if f == "all" else str(value or "").strip()
        if f != "all" and not v:
            raise InputDataError(
                f"regra de sortimento {where}: uma regra {f} precisa de um valor", hint="preencha a coluna 'value'"
            )
        return cls(a, f, v, str(note or "").strip())


@dataclass(slots=True)
class AssortmentResult:
    """Per-SKU decisions for one channel: ``frame`` has ``sku, included, source`` (see :data:`SOURCES`)."""

    channel: str
    frame: Any
    has_rules: bool = False
    has_column: bool = False
    rules: list[Rule] = field(default_factory=list)

    @property
    def skus(self) -> set[str]:
        """The SKUs in the assortment."""
        return set(self.frame.loc[self.frame["included"], "sku"])

    @property
    def excluded(self) -> set[str]:
        return set(self.frame.loc[~self.frame["included"], "sku"])

    def counts(self) -> dict[str, Any]:
        """``{"in", "out", "by_source": {source: {"in", "out"}}}``."""
        f = self.frame
        by: dict[str, dict[str, int]] = {}
        for (source, inc), n in f.groupby(["source", "included"]).size().items():
            by.setdefault(source, {"in": 0, "out": 0})["in" if inc else "out"] += int(n)
        return {"in": int(f["included"].sum()), "out": int((~f["included"]).sum()), "by_source": by}

    def render_pt(self) -> str:
        """One pt-BR line per source, for the CLI and the notebook."""
        c = self.counts()
        lines = [f"Sortimento do canal {self.channel}: {c['in']} SKUs dentro, {c['out']} fora"]
        for source in SOURCES:
            if source in c["by_source"]:
                row = c["by_source"][source]
                lines.append(f"  {_SOURCE_PT[source]}: {row['in']} dentro, {row['out']} fora")
        return "\n".join(lines)


def rules_path(channel: str) -> Path:
    """``<mappings>/<channel>/assortment.csv`` (``$KIT_MAPPINGS`` overrides the folder)."""
    from kit.depara.table import mappings_dir

    return mappings_dir() / channel / "assortment.csv"


def load_rules(channel: str) -> list[Rule] | None:
    """The channel's rules, or ``None`` when it has no rule file."""
    path = rules_path(channel)
    if not path.is_file():
        return None
    return read_rules_file(path)


def read_rules_file(path: str | Path) -> list[Rule]:
    """Rules from a CSV (UTF-8, ``,`` or ``;``) or XLSX with the :data:`RULE_COLUMNS`."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"o arquivo {path} não existe", file=str(path), hint="confira o caminho")
    if path.suffix.lower() in (".xlsx", ".xls"):
        import pandas as pd

        rows = pd.read_excel(path, dtype=str).fillna("").to_dict("records")
    else:
        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
        rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    rules = []
    for n, row in enumerate(rows, start=2):
        row = {str(k or "").strip().lower(): v for k, v in row.items()}
        if not any(str(v or "").strip() for v in row.values()):
            continue
        if "action" not in row and "sku" in row:  # a plain SKU list: every SKU included
            rules.append(Rule("include", "sku", str(row["sku"]).strip()))
            continue
        rules.append(
            Rule.parse(row.get("action"), row.get("field"), row.get("value"), row.get("note"), where=f"{path}:{n}")
        )
    return rules


def save_rules(channel: str, rules: list[Rule]) -> Path:
    """Write the rule file (sorted, one rule per ``(field, value)``), atomically."""
    from kit.store import atomic_write_bytes

    unique: dict[tuple[str, str], Rule] = {}
    for r in rules:
        unique[(r.field, r.value)] = r
    order = {f: i for i, f in enumerate(("all", "brand", "category", "family", "sku"))}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RULE_COLUMNS)
    for r in sorted(unique.values(), key=lambda r: (order[r.field], r.value)):
        w.writerow([r.action, r.field, r.value, r.note])
    path = rules_path(channel)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buf.getvalue().encode("utf-8"))
    return path


def set_rule(channel: str, action: str, field_: str, values: list[str], note: str = "") -> list[Rule]:
    """Add (or replace) rules for ``values`` of ``field_`` in the channel's file; returns every rule."""
    rules = load_rules(channel) or []
    new = [Rule.parse(action, field_, v, note, where="(kit assortment set)") for v in (values or [""])]
    keys = {(r.field, r.value) for r in new}
    rules = [r for r in rules if (r.field, r.value) not in keys] + new
    save_rules(channel, rules)
    return rules


def names_channel(cell: Any, channel: Channel) -> bool:
    """Does an ERP channel cell (``"loja-vtex, Mercado Livre"``) name ``channel`` (name, type or label)?"""
    from kit.depara.normalize import compact

    wanted = {compact(channel.name), compact(channel.type), compact(channel.channel_type.label)}
    for part in _SPLIT.split(str(cell or "")):
        token = part.strip().lower()
        if token in _EVERY or (compact(token) and compact(token) in wanted):
            return True
    return False


def _under(category: str, prefix: str) -> bool:
    from kit.depara.normalize import compact

    parts = [compact(p) for p in re.split(r">|/", category) if p.strip()]
    want = [compact(p) for p in re.split(r">|/", prefix) if p.strip()]
    return bool(want) and parts[: len(want)] == want


def resolve(erp: Any, channel: Channel, rules: list[Rule] | None = None, *, use_file: bool = True) -> AssortmentResult:
    """Decide, for every SKU of the ERP products frame, whether it belongs on ``channel``.

    Args:
        erp: ERP products (canonical columns: ``sku``, optional ``parent_sku``, ``category``,
            ``brand``, ``channels``).
        channel: the :class:`~kit.channels.Channel`.
        rules: rules to use instead of the channel's file (the notebook's unsaved edits).
        use_file: read the channel's rule file when ``rules`` is ``None``.
    """
    import numpy as np
    import pandas as pd

    if rules is None and use_file:
        rules = load_rules(channel.name)
    has_rules = rules is not None
    rules = list(rules or [])
    sku = erp["sku"].astype("object").where(erp["sku"].notna(), "").astype(str).str.strip()
    keep = ((sku != "") & ~sku.duplicated()).to_numpy()
    src = erp[keep].reset_index(drop=True)
    frame = pd.DataFrame({"sku": sku[keep].reset_index(drop=True)})

    def text(col: str) -> pd.Series:
        if col not in src.columns:
            return pd.Series([""] * len(frame), dtype=object)
        return src[col].astype("object").where(src[col].notna(), "").astype(str).str.strip()

    included = np.full(len(frame), None, dtype=object)
    source = np.full(len(frame), "default", dtype=object)
    column = text("channels")
    has_column = bool((column != "").any())

    def apply(mask: np.ndarray, value: bool, name: str) -> None:
        todo = mask & pd.isna(included)
        included[todo] = value
        source[todo] = name

    _apply_rules(rules, "sku", frame["sku"], lambda col, v: (col == v).to_numpy(), apply, "rule:sku")
    if has_column:
        given = (column != "").to_numpy()
        names = np.array([names_channel(c, channel) for c in column], dtype=bool)
        apply(given & names, True, "erp_column")
        apply(given & ~names, False, "erp_column")
    _apply_rules(rules, "family", text("parent_sku"), lambda col, v: (col == v).to_numpy(), apply, "rule:family")
    cats = text("category")
    _apply_rules(rules, "category", cats, lambda col, v: np.array([_under(c, v) for c in col]), apply,
                 "rule:category")  # fmt: skip
    _apply_rules(rules, "brand", text("brand"), lambda col, v: (col.str.casefold() == v.casefold()).to_numpy(),
                 apply, "rule:brand")  # fmt: skip
    everything = [r for r in rules if r.field == "all"]
    if everything:
        apply(np.ones(len(frame), dtype=bool), everything[-1].action == "include", "rule:all")
    apply(np.ones(len(frame), dtype=bool), not has_rules and not has_column, "default")
    frame["included"] = included.astype(bool)
    frame["source"] = source
    return AssortmentResult(channel.name, frame, has_rules, has_column, rules)


def _apply_rules(rules: list[Rule], level: str, col: Any, match: Any, apply: Any, name: str) -> None:
    """Apply one level's rules: excludes first (an exclude beats an include at the same level)."""
    for action in ("exclude", "include"):
        for rule in rules:
            if rule.field == level and rule.action == action:
                apply(match(col, rule.value), action == "include", name)
