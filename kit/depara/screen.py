"""The de-para review screen of ``notebooks/depara.ipynb``: pickers, lists, editor.

:class:`DeparaScreen` puts a channel picker (the workspace's channels) and a
kind picker (the kinds the channel's type needs) over the editor
(:class:`kit.depara.widgets.DeparaEditor`). Choosing either rebuilds the editor
with that channel's and kind's value lists, which come from a *lists provider*:
a function ``(ChannelChoice, MappingKind) -> ValueLists`` that raises
:class:`kit.errors.KitError` when it has none (the screen then asks for the two
files). :meth:`DeparaScreen.for_notebook` builds the provider the notebook
uses: the files given as parameters, else the kit's sample lists, the channel's
list fetched from its API when asked.

Stable hooks for browser tests: ``depara-screen``, ``depara-channel`` and
``depara-kind`` (the pickers, ``<select>`` inside), ``depara-source`` (where the
lists came from), plus the editor's (:mod:`kit.depara.widgets`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as W

from kit.depara.kinds import KINDS, MappingKind, get_kind
from kit.depara.widgets import DeparaEditor, ListsLoader
from kit.errors import KitError

if TYPE_CHECKING:
    import pandas as pd

    from kit.store import Workspace

__all__ = ["ChannelChoice", "ValueLists", "DeparaScreen", "workspace_channels"]


@dataclass(frozen=True, slots=True)
class ChannelChoice:
    """A channel the screen offers: its name and type."""

    name: str
    type: str

    @property
    def label(self) -> str:
        from kit.channeltypes import CHANNEL_TYPES

        t = CHANNEL_TYPES.get(self.type)
        return f"{self.name} ({t.label if t else self.type})"

    @property
    def kinds(self) -> tuple[str, ...]:
        from kit.channeltypes import CHANNEL_TYPES

        t = CHANNEL_TYPES.get(self.type)
        return t.depara_kinds if t else tuple(KINDS)


@dataclass(slots=True)
class ValueLists:
    """Both value lists for one channel and kind, and where they came from (pt-BR, for the screen)."""

    erp: pd.DataFrame
    channel: pd.DataFrame
    origin: str


ListsProvider = Callable[[ChannelChoice, MappingKind], ValueLists]


def workspace_channels(workspace: Workspace | None = None) -> list[ChannelChoice]:
    """The workspace's channels (none when there is no workspace yet)."""
    from kit.channels import ChannelRegistry
    from kit.store import Workspace

    try:
        ws = workspace or Workspace(create=False)
        return [ChannelChoice(ch.name, ch.type) for ch in ChannelRegistry(ws).list()]
    except KitError:
        return []


class DeparaScreen:
    """Channel and kind pickers, the lists' origin, the uploads and the editor.

    Args:
        choices: the channels to offer (the first is chosen unless ``channel`` names one).
        lists: the lists provider (see the module docstring).
        channel / kind: the initial choice.
        directory: mappings directory (default :func:`kit.depara.table.mappings_dir`).
    """

    def __init__(
        self,
        choices: Sequence[ChannelChoice],
        lists: ListsProvider,
        *,
        channel: str | None = None,
        kind: str | None = None,
        directory: str | Path | None = None,
    ) -> None:
        if not choices:
            raise ValueError("DeparaScreen needs at least one channel")
        self.choices = {c.name: c for c in choices}
        self.lists = lists
        self.directory = directory
        self.editor: DeparaEditor | None = None
        self.current: ValueLists | None = None
        self._switching = False
        first = channel if channel in self.choices else next(iter(self.choices))
        self.channel_picker = W.Dropdown(options=[(c.label, c.name) for c in choices], value=first,
                                         description="Canal:", layout=W.Layout(width="auto"))  # fmt: skip
        self.channel_picker.add_class("depara-channel")
        self.kind_picker = W.Dropdown(description="De-para:", layout=W.Layout(width="auto"))
        self.kind_picker.add_class("depara-kind")
        self._set_kinds(kind)
        self.source = W.HTML()
        self.source.add_class("depara-source")
        self.loader = ListsLoader(self._uploaded)
        self.area = W.VBox()
        uploads = W.Accordion(children=[self.loader.widget], titles=("Enviar outras listas (CSV/XLSX)",))
        uploads.selected_index = None
        self.widget = W.VBox([W.HBox([self.channel_picker, self.kind_picker]), self.source, uploads, self.area])
        self.widget.add_class("depara-screen")
        self.channel_picker.observe(lambda _: self._channel_changed(), names="value")
        self.kind_picker.observe(lambda _: None if self._switching else self.reload(), names="value")
        self.reload()

    @classmethod
    def for_notebook(
        cls,
        *,
        channel: str,
        channel_type: str,
        kind: str,
        erp_file: str = "",
        channel_file: str = "",
        fetch_from_channel: bool = False,
        workspace: Workspace | None = None,
        directory: str | Path | None = None,
    ) -> DeparaScreen:
        """The notebook's screen: the workspace's channels plus the ``channel`` parameter."""
        choices = workspace_channels(workspace)
        if channel and channel not in {c.name for c in choices}:
            choices.insert(0, ChannelChoice(channel, channel_type))
        initial = (channel, get_kind(kind).name)
        provider = _notebook_lists(initial, erp_file, channel_file, fetch_from_channel, workspace)
        return cls(choices, provider, channel=channel, kind=kind, directory=directory)

    # -- choices -----------------------------------------------------------------------------
    @property
    def choice(self) -> ChannelChoice:
        return self.choices[self.channel_picker.value]

    @property
    def kind(self) -> MappingKind:
        return get_kind(self.kind_picker.value)

    def select(self, channel: str | None = None, kind: str | None = None) -> None:
        """Choose as a person would in the pickers."""
        if channel is not None:
            self.channel_picker.value = channel
        if kind is not None:
            self.kind_picker.value = get_kind(kind).name

    def _set_kinds(self, wanted: str | None) -> None:
        names = list(self.choice.kinds)
        if wanted and get_kind(wanted).name not in names:
            names.append(get_kind(wanted).name)
        options = [(get_kind(n).label, n) for n in names]
        value = get_kind(wanted).name if wanted and get_kind(wanted).name in names else names[0]
        self.kind_picker.options = options
        self.kind_picker.value = value

    def _channel_changed(self) -> None:
        current = self.kind_picker.value
        self._switching = True
        try:
            self._set_kinds(current if current in self.choice.kinds else None)
        finally:
            self._switching = False
        self.reload()

    # -- lists and editor --------------------------------------------------------------------
    def reload(self) -> None:
        """Rebuild the editor for the chosen channel and kind from the lists provider."""
        try:
            lists = self.lists(self.choice, self.kind)
        except KitError as exc:
            self._no_lists(exc.message)
            return
        self._show(lists)

    def _uploaded(self, erp_path: Path, channel_path: Path) -> None:
        from kit.depara.values import load_values

        try:
            lists = ValueLists(load_values(erp_path, self.kind), load_values(channel_path, self.kind),
                               f"arquivos enviados ({erp_path.name}, {channel_path.name})")  # fmt: skip
        except KitError as exc:
            self.loader.message.value = f"<b>Arquivo com problema:</b> {html.escape(str(exc))}"
            return
        self._show(lists)

    def _show(self, lists: ValueLists) -> None:
        self.current = lists
        choice, kind = self.choice, self.kind
        self.editor = DeparaEditor.from_lists(kind, lists.channel, lists.erp, channel=choice.name,
                                              channel_type=choice.type, directory=self.directory)  # fmt: skip
        self.source.value = (
            f"<b>{html.escape(kind.label)}</b> — canal <code>{html.escape(choice.name)}</code>: "
            f"{len(lists.erp)} valores do ERP, {len(lists.channel)} do canal; listas: {html.escape(lists.origin)}."
        )
        self.area.children = [self.editor.widget]

    def _no_lists(self, message: str) -> None:
        self.current = None
        self.editor = None
        self.area.children = []
        self.source.value = (
            f"<b>Sem listas para {html.escape(self.kind.label)} em {html.escape(self.choice.name)}:</b> "
            f"{html.escape(message)}. Envie a lista do ERP e a do canal em <i>Enviar outras listas</i>."
        )


def _notebook_lists(
    initial: tuple[str, str], erp_file: str, channel_file: str, fetch: bool, workspace: Workspace | None
) -> ListsProvider:
    """Lists for the notebook: the parameter files for the first choice, else the sample lists."""
    from kit.depara.values import fetch_channel_values, load_values, sample_lists
    from kit.errors import ConfigurationError

    def provider(choice: ChannelChoice, kind: MappingKind) -> ValueLists:
        erp_path, chan_path = (erp_file, channel_file) if (choice.name, kind.name) == initial else ("", "")
        origin = "arquivos informados"
        if not erp_path or not chan_path:
            try:
                sample_erp, sample_chan = sample_lists(kind, choice.type)
            except ConfigurationError:
                raise ConfigurationError("o kit não tem listas de exemplo para este tipo de de-para") from None
            erp_path, chan_path = erp_path or str(sample_erp), chan_path or str(sample_chan)
            origin = "dados de exemplo do kit"
        erp = load_values(erp_path, kind)
        if fetch:
            try:
                return ValueLists(erp, fetch_channel_values(choice.name, kind, workspace=workspace), "API do canal")
            except KitError as exc:
                origin += f" (a API do canal não respondeu: {exc.message})"
        return ValueLists(erp, load_values(chan_path, kind), origin)

    return provider
