"""The "Sortimento" part of the canais screen (ipywidgets over :mod:`kit.forms_assortment`).

Stable CSS classes, used by the browser tests: ``canais-sortimento`` (the
panel), ``canais-sortimento-resumo`` (counts in and out by source),
``canais-sortimento-acao`` / ``-campo`` / ``-valor`` / ``-nota`` and
``canais-btn-regra-adicionar`` (a new rule), ``canais-sortimento-regras`` and
``canais-btn-regra-remover`` (the rules), ``canais-sortimento-sku``,
``canais-btn-sku-consultar`` and ``canais-sortimento-sku-resultado`` (why one
SKU is in or out), ``canais-sortimento-status`` (the outcome line).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from kit.errors import KitError
from kit.fmt import count_pt
from kit.forms import ActionResult
from kit.forms_assortment import (
    ACTION_LABELS,
    FIELD_LABELS,
    PRECEDENCE_TEXT,
    AssortmentEditor,
    AssortmentSummary,
    rule_label,
)
from kit.forms_format import status_html
from kit.forms_messages import explain_error

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["AssortmentPanel", "summary_html"]


def summary_html(summary: AssortmentSummary) -> str:
    """Counts in and out of the assortment, by source, with where the rules and the ERP data come from."""
    rows = "".join(
        f"<tr data-source='{html.escape(s.source, quote=True)}'><td style='padding:2px 8px'>{html.escape(s.label)}</td>"
        f"<td style='padding:2px 8px;text-align:right'>{count_pt(s.included)}</td>"
        f"<td style='padding:2px 8px;text-align:right'>{count_pt(s.excluded)}</td></tr>"
        for s in summary.by_source
    )
    head = "".join(
        f"<th style='text-align:{a};padding:2px 8px'>{h}</th>"
        for h, a in (("Origem da decisão", "left"), ("Dentro", "right"), ("Fora", "right"))
    )
    return (
        f"<div><b class='canais-sortimento-total' data-in='{summary.included}' data-out='{summary.excluded}'>"
        f"{html.escape(summary.headline())}</b></div>"
        f"<table class='canais-sortimento-origens'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<div style='color:#555'>{html.escape(summary.default_text)}</div>"
        f"<div style='color:#555'>{html.escape(PRECEDENCE_TEXT)}</div>"
        f"<div style='color:#555'>Produtos do ERP: <code>{html.escape(summary.erp_file)}</code> · regras: "
        f"<code>{html.escape(summary.rules_file)}</code> ({len(summary.rules)})</div>"
    )


class AssortmentPanel:
    """Counts, rules and a rule editor for the chosen channel's assortment.

    Args:
        ws: the workspace.
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.editor: AssortmentEditor | None = None
        self.summary = w.HTML()
        self.summary.add_class("canais-sortimento-resumo")
        self.action = w.Dropdown(options=[(v, k) for k, v in ACTION_LABELS.items()], value="exclude",
                                 layout=w.Layout(width="110px"))  # fmt: skip
        self.field = w.Dropdown(options=[(v, k) for k, v in FIELD_LABELS.items()], value="brand",
                                layout=w.Layout(width="260px"))  # fmt: skip
        self.value = w.Combobox(placeholder="valor (SKUs: vários, separados por espaço)", ensure_option=False,
                                layout=w.Layout(width="260px"))  # fmt: skip
        self.note = w.Text(placeholder="observação (opcional)", layout=w.Layout(width="180px"))
        self.add_button = w.Button(description="Adicionar regra", icon="plus", button_style="primary")
        self.rules = w.Select(options=[], rows=6, layout=w.Layout(width="620px"))
        self.remove_button = w.Button(description="Remover regra", icon="trash")
        self.sku = w.Text(placeholder="SKU", layout=w.Layout(width="200px"))
        self.sku_button = w.Button(description="Por que dentro ou fora?", icon="search")
        self.sku_result = w.HTML()
        self.status = w.HTML()
        for widget, css in ((self.action, "acao"), (self.field, "campo"), (self.value, "valor"), (self.note, "nota"),
                            (self.rules, "regras"), (self.sku, "sku"), (self.sku_result, "sku-resultado"),
                            (self.status, "status")):  # fmt: skip
            widget.add_class(f"canais-sortimento-{css}")
        for button, css in ((self.add_button, "regra-adicionar"), (self.remove_button, "regra-remover"),
                            (self.sku_button, "sku-consultar")):  # fmt: skip
            button.add_class(f"canais-btn-{css}")
            button.layout.width = "auto"
        self.add_button.on_click(lambda _b: self.on_add())
        self.remove_button.on_click(lambda _b: self.on_remove())
        self.sku_button.on_click(lambda _b: self.on_lookup())
        self.field.observe(lambda _c: self._on_field(), names="value")
        self.editing = w.VBox(
            [
                w.HTML("<b>Nova regra</b>"),
                w.HBox([self.action, self.field, self.value, self.note, self.add_button]),
                w.HTML("<b>Regras do canal</b>"),
                w.HBox([self.rules, self.remove_button]),
                w.HBox([self.sku, self.sku_button, self.sku_result]),
            ]
        )
        self.widget = w.VBox(
            [w.HTML("<h4 style='margin:10px 0 4px'>Sortimento</h4>"), self.summary, self.editing, self.status]
        )
        self.widget.add_class("canais-sortimento")
        self.set_channel(None)

    def set_channel(self, name: str | None) -> None:
        """Follow the screen's channel: read its ERP export and rules (a failure is shown in pt-BR)."""
        self.editor, self.status.value, self.sku_result.value = None, "", ""
        self.editing.layout.display = "none"
        if name is None:
            self.summary.value = "<i>Salve o canal para ver e editar o sortimento.</i>"
            return
        try:
            self.editor = AssortmentEditor(self.ws, name)
        except KitError as exc:
            why = explain_error(exc)
            self.summary.value = ""
            self.status.value = status_html(False, f"Sortimento indisponível: {why.text()}", why.detail)
            return
        self.editing.layout.display = None
        self._on_field()
        self._redraw()

    def _redraw(self) -> None:
        assert self.editor is not None
        summary = self.editor.summary()
        self.summary.value = summary_html(summary)
        self.rules.options = [(rule_label(r), i) for i, r in enumerate(summary.rules)] or [("(nenhuma regra)", -1)]

    def _on_field(self) -> None:
        self.value.disabled = self.field.value == "all"
        self.value.options = tuple(self.editor.suggestions(self.field.value)) if self.editor else ()

    def _show(self, result: ActionResult) -> None:
        self.status.value = status_html(result.ok, result.message, result.detail)

    def on_add(self) -> None:
        """Adicionar regra."""
        if self.editor is None:
            return
        result = self.editor.add_rule(self.action.value, self.field.value, self.value.value, self.note.value)
        if result.ok:
            self.value.value, self.note.value = "", ""
            self._redraw()
        self._show(result)

    def on_remove(self) -> None:
        """Remover regra (the one selected in the list)."""
        if self.editor is None:
            return
        index = self.rules.value if isinstance(self.rules.value, int) else -1
        result = self.editor.remove_rule(index)
        if result.ok:
            self._redraw()
        self._show(result)

    def on_lookup(self) -> None:
        """Why one SKU is in or out."""
        if self.editor is not None:
            self.sku_result.value = html.escape(self.editor.explain_sku(self.sku.value))
