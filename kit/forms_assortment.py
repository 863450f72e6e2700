"""The channel assortment on the canais screen, as a model testable without a kernel.

:class:`AssortmentEditor` reads the channel's ERP products export once (the
newest in its ERP folder, as ``kit assortment`` does), resolves the assortment
with :func:`kit.assortment.resolve` and writes every change through
:func:`kit.assortment.set_rule` / :func:`kit.assortment.save_rules` into
``mappings/<channel>/assortment.csv``. It decides nothing itself: counts,
sources and precedence are :mod:`kit.assortment`'s. Every text is pt-BR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kit.assortment import SOURCES, Rule, load_rules, resolve, rules_path, save_rules, set_rule
from kit.errors import KitError
from kit.fmt import count_pt
from kit.forms import ActionResult
from kit.forms_messages import explain_error

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "ACTION_LABELS",
    "FIELD_LABELS",
    "SOURCE_LABELS",
    "PRECEDENCE_TEXT",
    "SourceCount",
    "AssortmentSummary",
    "AssortmentEditor",
    "rule_label",
]

ACTION_LABELS = {"include": "Incluir", "exclude": "Excluir"}
FIELD_LABELS = {
    "sku": "SKU",
    "family": "Família (código pai)",
    "category": "Categoria (e o que está abaixo dela)",
    "brand": "Marca",
    "all": "Todos (padrão)",
}
#: Where each decision came from (kit.assortment.SOURCES), as the screen says it.
SOURCE_LABELS = {
    "rule:sku": "regra por SKU",
    "erp_column": "coluna Canais do ERP",
    "rule:family": "regra por família",
    "rule:category": "regra por categoria",
    "rule:brand": "regra por marca",
    "rule:all": "regra 'todos' (padrão do arquivo)",
    "default": "padrão (nada dito sobre o SKU)",
}
PRECEDENCE_TEXT = (
    "Quem decide, do mais específico ao mais geral: regra por SKU, coluna Canais do ERP, família, categoria, "
    "marca, regra 'todos' e, por fim, o padrão. No mesmo nível, excluir vence incluir."
)
KEEP_ALL_NOTE = "o catálogo inteiro, como antes das regras"
MAX_SUGGESTIONS = 1000  # a datalist longer than this helps nobody
_SKU_SPLIT = re.compile(r"[\s,;]+")


@dataclass(slots=True)
class SourceCount:
    """SKUs in and out of the assortment decided by one source."""

    source: str
    label: str
    included: int
    excluded: int


@dataclass(slots=True)
class AssortmentSummary:
    """What the screen shows: counts in and out, by source, and the rules."""

    channel: str
    erp_file: str
    included: int
    excluded: int
    by_source: list[SourceCount]
    rules: list[Rule]
    rules_file: str
    default_text: str

    @property
    def total(self) -> int:
        return self.included + self.excluded

    def headline(self) -> str:
        """``Sortimento de loja-vtex: 250 SKUs dentro, 50 fora (de 300 no ERP).``"""
        return (
            f"Sortimento de {self.channel}: {count_pt(self.included)} SKUs dentro, {count_pt(self.excluded)} fora "
            f"(de {count_pt(self.total)} no ERP)."
        )


def rule_label(rule: Rule) -> str:
    """``Excluir · Marca · Marca X (nota)`` for a rule."""
    what = FIELD_LABELS.get(rule.field, rule.field).split(" (")[0]
    text = f"{ACTION_LABELS.get(rule.action, rule.action)} · {what}"
    if rule.field != "all":
        text += f" · {rule.value}"
    return text + (f" ({rule.note})" if rule.note else "")


class AssortmentEditor:
    """The assortment of one configured channel, as the screen shows and edits it.

    Args:
        ws: the workspace.
        channel: the channel's name.
        erp_file: the ERP products export (default: the newest in the channel's ERP folder).

    Raises:
        KitError: unknown channel, no ERP export, an unreadable export or rule file.
    """

    def __init__(self, ws: Workspace, channel: str, *, erp_file: str | Path | None = None) -> None:
        from kit.channels import ChannelRegistry
        from kit.forms_golive import erp_products_file
        from kit.sheets import read_table

        self.channel = ChannelRegistry(ws).get(channel)
        self.erp_file = Path(erp_file) if erp_file else erp_products_file(ws, channel)
        self.erp = read_table(self.erp_file, "products")
        self.result = resolve(self.erp, self.channel)

    # -- reading --------------------------------------------------------------------
    def summary(self) -> AssortmentSummary:
        """Counts in and out, by source (most specific first), and the rules of the file."""
        counts = self.result.counts()
        by_source = [
            SourceCount(s, SOURCE_LABELS.get(s, s), row["in"], row["out"])
            for s in SOURCES
            if (row := counts["by_source"].get(s))
        ]
        return AssortmentSummary(
            self.channel.name,
            str(self.erp_file),
            counts["in"],
            counts["out"],
            by_source,
            list(load_rules(self.channel.name) or []),
            str(rules_path(self.channel.name)),
            self._default_text(),
        )

    def _default_text(self) -> str:
        everything = [r for r in self.result.rules if r.field == "all"]
        if everything:
            side = "entra no sortimento" if everything[-1].action == "include" else "fica fora"
            return f"O que nenhuma regra cobre {side} (regra 'todos')."
        if not (self.result.has_rules or self.result.has_column):
            return "Sem arquivo de regras e sem coluna Canais no ERP: o catálogo inteiro está no sortimento."
        return "O que nenhuma regra cobre fica fora. Para mudar, adicione uma regra 'Todos (padrão)'."

    def explain_sku(self, sku: str) -> str:
        """Is ``sku`` in the assortment, and why (pt-BR)."""
        sku = (sku or "").strip()
        if not sku:
            return "Informe um SKU."
        rows = self.result.frame[self.result.frame["sku"] == sku]
        if not len(rows):
            return f"O SKU {sku} não está na exportação de produtos do ERP."
        row = rows.iloc[0]
        side = "dentro do sortimento" if bool(row["included"]) else "fora do sortimento"
        return f"SKU {sku}: {side} ({SOURCE_LABELS.get(row['source'], row['source'])})."

    def suggestions(self, field: str) -> list[str]:
        """Values of ``field`` in the ERP export, for the value box (categories with every level above them)."""
        column = {"family": "parent_sku", "category": "category", "brand": "brand"}.get(field)
        if column is None or column not in self.erp.columns:
            return []
        values = {str(v).strip() for v in self.erp[column].dropna() if str(v).strip()}
        if field == "category":
            values |= {
                " > ".join(p.strip() for p in v.split(">")[:n]) for v in values for n in range(1, v.count(">") + 1)
            }
        return sorted(values)[:MAX_SUGGESTIONS]

    # -- changing -------------------------------------------------------------------
    def _values(self, field: str, text: str) -> list[str]:
        if field == "all":
            return [""]
        if field == "sku":
            return [v for v in _SKU_SPLIT.split(text or "") if v]
        return [text.strip()] if (text or "").strip() else []

    def add_rule(self, action: str, field: str, text: str, note: str = "") -> ActionResult:
        """Add (or replace) a rule and save the file; the message gives the new counts.

        ``text`` is one value; for SKUs, several separated by spaces, commas or
        semicolons. A rule for the same field and value replaces the old one.
        """
        if action not in ACTION_LABELS or field not in FIELD_LABELS:
            return ActionResult(False, "Escolha a ação (incluir ou excluir) e o campo da regra.")
        values = self._values(field, text)
        if not values:
            what = FIELD_LABELS[field].split(" (")[0].lower()
            return ActionResult(False, f"Informe o valor da regra ({what}).")
        # Before the first rule the whole catalogue is in (no rule file, no Canais column); with a rule file,
        # what no rule covers is out. Keep what the person saw: the first rule brings an explicit "include all".
        keep_all = field != "all" and not (self.result.has_rules or self.result.has_column)
        try:
            if keep_all:
                set_rule(self.channel.name, "include", "all", [""], KEEP_ALL_NOTE)
            set_rule(self.channel.name, action, field, values, (note or "").strip())
            self.result = resolve(self.erp, self.channel)
        except KitError as exc:
            why = explain_error(exc)
            return ActionResult(False, f"Regra não gravada: {why.text()}", detail=why.detail)
        n = len(values)
        done = f"{n} regra{'s' if n > 1 else ''} gravada{'s' if n > 1 else ''}."
        if keep_all:
            done += " Junto, a regra 'Incluir · Todos (padrão)': o que nenhuma regra cobre continua dentro."
        path = str(rules_path(self.channel.name))
        return ActionResult(True, f"{done} {self.summary().headline()}", report_path=path)

    def remove_rule(self, index: int) -> ActionResult:
        """Remove the ``index``-th rule of the file (as :meth:`summary` lists them) and save."""
        rules = list(load_rules(self.channel.name) or [])
        if not 0 <= index < len(rules):
            return ActionResult(False, "Escolha na lista a regra a remover.")
        removed = rules.pop(index)
        try:
            save_rules(self.channel.name, rules)
            self.result = resolve(self.erp, self.channel)
        except KitError as exc:
            why = explain_error(exc)
            return ActionResult(False, f"Regra não removida: {why.text()}", detail=why.detail)
        return ActionResult(
            True, f"Regra removida: {rule_label(removed)}. {self.summary().headline()}",
            report_path=str(rules_path(self.channel.name)),
        )  # fmt: skip
