"""ipywidgets over :mod:`kit.forms`: the "Configuração de integração" screen.

Only layout and event wiring live here; every decision is the form model's.
Works without a kernel too (tests set widget values and call
``button.click()``), since ipywidgets fires Python handlers directly.

Stable CSS classes, used by the browser tests:

* ``canais-app`` (the whole screen), ``canais-list`` (the channel table),
  ``canais-form`` (the form), ``canais-type`` / ``canais-channel`` (pickers);
* ``canais-field-<key>`` on each input, with dots in the key turned into
  ``-`` (``canais-field-credentials-app_token``, ``canais-field-jobs-stock-batch_size``);
* ``canais-msg`` (and ``canais-msg-<key>``) on the message beside each field;
* ``canais-limit`` on the limit shown beside each field;
* ``canais-status`` on the outcome line under the buttons;
* ``canais-btn-salvar``, ``canais-btn-testar``, ``canais-btn-ligar``, ``canais-btn-desligar``;
* ``canais-detalhes`` on a collapsed "Detalhes técnicos" block (what the channel said, often English).

Below the form, the chosen channel's go-live (:mod:`kit.forms_golive_panel`) and
assortment (:mod:`kit.forms_assortment_panel`) follow the channel picker.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.channeltypes import CHANNEL_TYPES
from kit.forms import GROUP_LABELS, LIST_COLUMNS, ActionResult, ChannelForm, FieldSpec, channel_rows
from kit.forms_assortment_panel import AssortmentPanel
from kit.forms_format import status_html, technical_details, text_html
from kit.forms_golive_panel import GolivePanel
from kit.forms_htmlbox import HtmlBox, report_link
from kit.scrub import scrub
from kit.secrets import SecretsStore

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["ChannelFormWidget", "render_channel_table"]

NEW = ""  # channel picker value for "Novo canal"
LABEL_WIDTH = "260px"
INPUT_WIDTH = "260px"


def _cell(row: dict[str, str], key: str) -> str:
    text = text_html(str(row.get(key, ""))).replace("\n", "<br>")
    if key == "golive" and row.get("golive_report"):
        text += "<br>" + report_link(row["golive_report"], "abrir relatório", show_path=False)
    detail = {"golive": "golive_detail", "last_run": "runs_detail"}.get(key)
    if detail and row.get(detail):
        text += technical_details(row[detail])
    return f"<td style='padding:2px 8px;vertical-align:top;text-align:left'>{text}</td>"


def render_channel_table(rows: list[dict[str, str]]) -> str:
    """The channel list as an HTML table (values escaped, reasons' technical text collapsed)."""
    if not rows:
        return "<p class='canais-empty'><i>Nenhum canal configurado ainda. Use o formulário abaixo.</i></p>"
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(h)}</th>" for h in LIST_COLUMNS.values())
    body = []
    for row in rows:
        cells = "".join(_cell(row, k) for k in LIST_COLUMNS)
        body.append(f"<tr data-channel='{html.escape(row['name'], quote=True)}'>{cells}</tr>")
    return f"<table class='canais-table'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class ChannelFormWidget:
    """The channel list plus the create/edit form, as ipywidgets.

    Args:
        ws: a :class:`kit.store.Workspace` (default: ``$KIT_WORKSPACE``).
        secrets: a :class:`kit.secrets.SecretsStore` (default: ``$KIT_SECRETS``).
        channel: name of a channel to open for editing; ``None`` for a new one.
        type_name: channel type of a new channel (default: the first type).

    Display :attr:`widget` (or the object itself) in a notebook.
    """

    def __init__(
        self,
        ws: Workspace | None = None,
        secrets: SecretsStore | None = None,
        channel: str | None = None,
        type_name: str | None = None,
        golive_runner: Any = None,
    ) -> None:
        if ws is None:
            from kit.store import Workspace

            ws = Workspace()
        self.ws = ws
        self.secrets = secrets if secrets is not None else SecretsStore()
        self._quiet = False
        self.inputs: dict[str, w.Widget] = {}
        self.messages: dict[str, w.HTML] = {}
        self._build_controls(type_name)
        self.golive = GolivePanel(ws, runner=golive_runner, on_done=self.refresh_list)
        self.assortment = AssortmentPanel(ws)
        self.form_box = w.VBox(
            [
                w.HBox([self.channel_select, self.type_select]),
                self.type_info,
                self.fields_box,
                w.HBox(list(self.buttons.values())),
                w.HBox([self.force, self.reason]),
                self.status,
                self.golive.widget,
                self.assortment.widget,
            ]
        )
        self.form_box.add_class("canais-form")
        self.widget = w.VBox([w.HTML("<h3>Canais configurados</h3>"), self.list_html.widget, self.form_box])
        self.widget.add_class("canais-app")

        self.form: ChannelForm
        self._refresh_channel_options(selected=channel or NEW)
        self._open(channel)
        self.refresh_list()

    def _build_controls(self, type_name: str | None) -> None:
        """The list, pickers, buttons and status line, with their CSS classes and handlers."""
        self.list_html = HtmlBox("canais-list")
        self.type_select = w.Dropdown(
            options=[(t.label, t.name) for t in CHANNEL_TYPES.values()],
            value=type_name or next(iter(CHANNEL_TYPES)),
            description="Tipo",
        )
        self.type_select.add_class("canais-type")
        self.channel_select = w.Dropdown(description="Canal")
        self.channel_select.add_class("canais-channel")
        self.type_info = w.HTML()
        self.fields_box = w.VBox()
        self.buttons = {
            "salvar": w.Button(description="Salvar", button_style="primary", icon="save"),
            "testar": w.Button(description="Testar conexão", icon="plug"),
            "ligar": w.Button(description="Ligar integração", button_style="success", icon="play"),
            "desligar": w.Button(description="Desligar", button_style="warning", icon="stop"),
        }
        for key, button in self.buttons.items():
            button.add_class(f"canais-btn-{key}")
            button.layout.width = "auto"
        self.force = w.Checkbox(description="Ligar mesmo sem go-live aprovado", indent=False)
        self.reason = w.Text(placeholder="justificativa (obrigatória para forçar)", layout=w.Layout(width="360px"))
        self.force.add_class("canais-force")
        self.reason.add_class("canais-reason")
        self.status = w.HTML()
        self.status.add_class("canais-status")
        self.buttons["salvar"].on_click(lambda _b: self.on_save())
        self.buttons["testar"].on_click(lambda _b: self.on_test())
        self.buttons["ligar"].on_click(lambda _b: self.on_enable())
        self.buttons["desligar"].on_click(lambda _b: self.on_disable())
        self.type_select.observe(self._on_type, names="value")
        self.channel_select.observe(self._on_channel, names="value")

    def _ipython_display_(self) -> None:  # pragma: no cover - needs a frontend
        from IPython.display import display

        display(self.widget)

    # -- building ---------------------------------------------------------------
    def _refresh_channel_options(self, selected: str = NEW) -> None:
        from kit.channels import ChannelRegistry

        names = [c.name for c in ChannelRegistry(self.ws).list()]
        self._quiet = True
        try:
            self.channel_select.options = [("Novo canal", NEW)] + [(n, n) for n in names]
            self.channel_select.value = selected if selected in names else NEW
        finally:
            self._quiet = False

    def _open(self, channel: str | None) -> None:
        if channel:
            self.form = ChannelForm(None, self.ws, self.secrets, existing=channel)
            self._quiet = True
            try:
                self.type_select.value = self.form.type.name
            finally:
                self._quiet = False
            self.type_select.disabled = True
        else:
            self.form = ChannelForm(self.type_select.value, self.ws, self.secrets)
            self.type_select.disabled = False
        self._build_fields()
        self._follow_channel()

    def _follow_channel(self) -> None:
        """Point the go-live and assortment panels at the form's saved channel (none for a new one)."""
        name = None if self.form.is_new else self.form.channel.name  # type: ignore[union-attr]
        self.golive.set_channel(name)
        self.assortment.set_channel(name)

    def _make_input(self, spec: FieldSpec, value: Any) -> w.Widget:
        layout = w.Layout(width=INPUT_WIDTH)
        if spec.kind == "secret":
            widget = w.Password(value="", placeholder=self.form.placeholder(spec.key), layout=layout)
        elif spec.kind == "choice":
            options = [(label, choice) for choice, label in spec.choices]  # ipywidgets wants (label, value)
            if value not in [choice for choice, _ in spec.choices]:
                value = spec.choices[0][0] if spec.choices else None
            widget = w.Dropdown(options=options, value=value, layout=layout)
        elif spec.kind == "int":
            widget = w.IntText(value=int(value or 0), continuous_update=True, layout=layout)
        else:
            widget = w.Text(value=str(value or ""), continuous_update=True, layout=layout)
        widget.add_class(f"canais-field-{spec.css_key}")
        return widget

    def _build_fields(self) -> None:
        t = self.form.type
        rl = t.rate_limit
        known = "publicado pelo canal" if rl.confidence == "confirmed" else "estimado"
        self.type_info.value = (
            f"<div style='color:#555'>{html.escape(t.label)} · categoria usual: {html.escape(t.category)} · "
            f"limite de requisições: {rl.per_second:g}/s, rajada {rl.burst} ({known})</div>"
            + technical_details(f"Fonte do limite de requisições: {rl.source}")
        )
        values = self.form.initial_values()
        self.inputs, self.messages = {}, {}
        children: list[w.Widget] = []
        for group, title in GROUP_LABELS.items():
            specs = self.form.fields_in(group)
            if not specs:
                continue
            children.append(w.HTML(f"<h4 style='margin:10px 0 4px'>{html.escape(title)}</h4>"))
            for spec in specs:
                children.append(self._row(spec, values.get(spec.key)))
        if not self.form.is_new:
            self.inputs["name"].disabled = True
        self.fields_box.children = children

    def _row(self, spec: FieldSpec, value: Any) -> w.HBox:
        widget = self._make_input(spec, value)
        label = html.escape(spec.label) + (" *" if spec.required and spec.kind != "secret" else "")
        title = f" title='{html.escape(spec.help, quote=True)}'" if spec.help else ""
        label_w = w.HTML(f"<span{title}>{label}</span>", layout=w.Layout(width=LABEL_WIDTH))
        limit = w.HTML(f"<span style='color:#666'>{html.escape(spec.limit)}</span>")
        limit.add_class("canais-limit")
        msg = w.HTML()
        msg.add_class("canais-msg")
        msg.add_class(f"canais-msg-{spec.css_key}")
        self.inputs[spec.key] = widget
        self.messages[spec.key] = msg
        widget.observe(lambda change, key=spec.key: self._on_value(key, change["new"]), names="value")
        return w.HBox([label_w, widget, limit, msg])

    # -- events -------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The form's current values, by field key."""
        return {key: widget.value for key, widget in self.inputs.items()}

    def _show_message(self, key: str, message: str | None) -> None:
        self.messages[key].value = (
            f"<span style='color:#b42318'>{html.escape(scrub(message))}</span>" if message else ""
        )

    def _on_value(self, key: str, value: Any) -> None:
        if self._quiet:
            return
        self._show_message(key, self.form.validate_field(key, value, self.values()))

    def _on_type(self, change: dict[str, Any]) -> None:
        if self._quiet or self.channel_select.value != NEW:
            return
        self.status.value = ""
        self._open(None)

    def _on_channel(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self.status.value = ""
        self._open(change["new"] or None)

    def _show(self, result: ActionResult) -> None:
        self.status.value = status_html(result.ok, result.message, result.detail)

    def refresh_list(self) -> None:
        """Redraw the channel list from the workspace."""
        self.list_html.value = render_channel_table(channel_rows(self.ws))

    def on_save(self) -> None:
        """Salvar: validate, save, show messages; clear every secret input."""
        result = self.form.save(self.values())
        for key in self.messages:
            self._show_message(key, result.errors.get(key))
        if result.ok:
            self._quiet = True
            try:
                for spec in self.form.fields_in("autenticacao"):
                    box = self.inputs[spec.key]
                    box.value = ""  # the typed secret leaves the widget state
                    box.placeholder = self.form.placeholder(spec.key)
            finally:
                self._quiet = False
            self.inputs["name"].disabled = True
            self.type_select.disabled = True
            self._refresh_channel_options(selected=result.channel.name if result.channel else NEW)
            self.refresh_list()
        if result.ok:
            self._follow_channel()
        self.status.value = status_html(result.ok, result.errors.get("_form", result.message), result.detail)

    def on_test(self) -> None:
        """Testar conexão."""
        self.status.value = "<span class='canais-running'>Testando conexão…</span>"
        self._show(self.form.test_connection())

    def on_enable(self) -> None:
        """Ligar integração (through the go-live gate)."""
        force = bool(self.force.value)
        reason = self.reason.value.strip() or None
        if force and not reason:
            self._show(ActionResult(False, "Para ligar sem go-live aprovado, escreva a justificativa."))
            return
        self._show(self.form.enable(force=force, reason=reason))
        self.refresh_list()

    def on_disable(self) -> None:
        """Desligar."""
        self._show(self.form.disable())
        self.refresh_list()
