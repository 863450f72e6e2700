"""The "Verificar go-live" part of the canais screen (ipywidgets over :mod:`kit.forms_golive`).

Stable CSS classes, used by the browser tests: ``canais-golive`` (the panel),
``canais-btn-golive`` (the button), ``canais-golive-env`` (environment picker),
``canais-golive-bar`` and ``canais-golive-progress`` (progress while it runs),
``canais-golive-result`` (the verdict box; inside it ``canais-golive-verdict``
carries ``data-verdict``) and ``canais-link`` on report links.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.errors import KitError
from kit.forms_fields import ENVIRONMENT_LABELS
from kit.forms_format import technical_details, text_html
from kit.forms_golive import NOT_CHECKED, GoliveOutcome, GoliveProgress, run_channel_golive
from kit.forms_htmlbox import HtmlBox, report_link
from kit.forms_messages import explain_error
from kit.golive.results import APTO

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["GolivePanel", "outcome_html"]

_COLORS = {APTO: "#1a7f37", NOT_CHECKED: "#9a6700"}
_RED = "#b42318"


def outcome_html(outcome: GoliveOutcome) -> str:
    """The verdict box: verdict, what it means or what failed, what to do, report links, technical detail."""
    color = _COLORS.get(outcome.verdict, _RED)
    env = ENVIRONMENT_LABELS.get(outcome.environment, outcome.environment)
    lines = [
        f"<div style='font-size:22px;font-weight:bold;color:{color}'>{html.escape(outcome.verdict)}</div>",
        f"<div>Canal <b>{html.escape(outcome.channel)}</b>, ambiente {html.escape(env)} · "
        f"{outcome.elapsed_s:.0f} s</div>",
        f"<div class='canais-golive-message'>{text_html(outcome.message)}</div>",
    ]
    if outcome.hint:
        lines.append(f"<div class='canais-golive-hint'><b>O que fazer:</b> {text_html(outcome.hint)}</div>")
    links = [report_link(outcome.html_path, "abrir relatório"), report_link(outcome.xlsx_path, "achados (XLSX)")]
    if outcome.checked:
        lines += [f"<div>{link}</div>" for link in links if link]
        lines.append(technical_details(outcome.detail))
    else:  # the report of a run that broke is technical: it goes in the collapsed block
        extra = "".join(
            f"<div>{link}</div>" for link in [*links, report_link(outcome.notebook_path, "notebook")] if link
        )
        lines.append(technical_details(outcome.detail, extra_html=extra))
    verdict = html.escape(outcome.verdict, quote=True)
    return (
        f"<div class='canais-golive-verdict' data-verdict='{verdict}' "
        f"style='border:2px solid {color};border-radius:6px;padding:8px 12px;margin:6px 0'>{''.join(lines)}</div>"
    )


class GolivePanel:
    """Button, environment picker, progress and verdict for the chosen channel.

    Args:
        ws: the workspace.
        runner: the go-live runner (default: the CLI's, see :func:`run_channel_golive`).
        on_done: called after every check (the screen redraws its channel list).
    """

    def __init__(
        self, ws: Workspace, runner: Callable[..., Any] | None = None, on_done: Callable[[], None] | None = None
    ):
        self.ws, self.runner, self.on_done = ws, runner, on_done
        self.channel: str | None = None
        self.outcome: GoliveOutcome | None = None
        self.button = w.Button(description="Verificar go-live", icon="check-square", layout=w.Layout(width="auto"))
        self.button.add_class("canais-btn-golive")
        self.environment = w.Dropdown(
            options=[(label, key) for key, label in ENVIRONMENT_LABELS.items()], description="Ambiente"
        )
        self.environment.add_class("canais-golive-env")
        self.bar = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="240px", visibility="hidden"))
        self.bar.add_class("canais-golive-bar")
        self.progress = w.HTML()
        self.progress.add_class("canais-golive-progress")
        self.result = HtmlBox("canais-golive-result")
        self.button.on_click(lambda _b: self.run())
        self.widget = w.VBox(
            [
                w.HTML("<h4 style='margin:10px 0 4px'>Go-live</h4>"),
                w.HBox([self.button, self.environment]),
                w.HBox([self.bar, self.progress]),
                self.result.widget,
            ]
        )
        self.widget.add_class("canais-golive")
        self.set_channel(None)

    def set_channel(self, name: str | None) -> None:
        """Follow the screen's channel: its environment by default, its last go-live shown."""
        from kit.channels import ChannelRegistry
        from kit.forms_list import golive_line

        self.channel, self.outcome = name, None
        self.progress.value = ""
        self.bar.layout.visibility = "hidden"
        self.button.disabled = name is None
        if name is None:
            self.result.value = "<i>Salve o canal para verificar o go-live.</i>"
            return
        channel = ChannelRegistry(self.ws).get(name)
        self.environment.value = channel.environment
        line, report, _detail = golive_line(self.ws, channel)
        if line == "—":
            self.result.value = "<i>Nenhum go-live verificado ainda para este canal.</i>"
            return
        link = report_link(report, "abrir relatório") if report else ""
        self.result.value = f"<div>Último go-live: {html.escape(line)}</div>" + (f"<div>{link}</div>" if link else "")

    def _on_progress(self, progress: GoliveProgress) -> None:
        self.bar.max = max(progress.total, 1)
        self.bar.value = min(progress.step, self.bar.max)
        self.progress.value = f"<span>Verificando… {html.escape(progress.text())}</span>"

    def run(self) -> GoliveOutcome | None:
        """Verificar go-live: run the check with progress, then show the verdict."""
        if self.channel is None:
            return None
        self.button.disabled = True
        self.bar.value, self.bar.max = 0, 1
        self.bar.layout.visibility = "visible"
        self.progress.value = "<span>Verificando… iniciando</span>"
        self.result.value = ""
        try:
            self.outcome = run_channel_golive(
                self.ws, self.channel, environment=self.environment.value, on_progress=self._on_progress,
                runner=self.runner,
            )  # fmt: skip
        except KitError as exc:  # the channel itself could not be read (removed meanwhile, workspace broken)
            why = explain_error(exc)
            self.outcome = GoliveOutcome(self.channel, NOT_CHECKED, why.message, why.hint, why.detail)
        finally:
            self.button.disabled = False
        self.bar.value = self.bar.max
        self.progress.value = f"<span>Verificação concluída em {self.outcome.elapsed_s:.0f} s.</span>"
        self.result.value = outcome_html(self.outcome)
        if self.on_done is not None:
            self.on_done()
        return self.outcome
