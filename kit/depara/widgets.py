"""The de-para editor for notebooks, in plain ipywidgets (testable without a kernel).

:class:`DeparaEditor` shows a :class:`kit.depara.review.ReviewState`: one row
per source value (the channel value for ``in`` kinds) with the best suggestion,
its score and reason (in words: "sinônimo", "semelhança"...), and a dropdown to
choose or override the target. Pre-accepted suggestions start chosen and
confirmed; the others start pending: their dropdown reads "escolher..." and
nothing unreviewed can be saved as a mapping. Choosing in a dropdown is a
person's decision, so it confirms the row.

Above the grid: the counts (mapeados / pendentes / pré-aceitos), the filters,
and the bulk action: pick a rule (score from N, or one reason), "Ver quantos"
says how many pending rows it would confirm, "Confirmar N" does it, "Desfazer"
undoes the last change.

Stable hooks for browser tests (CSS classes): ``depara-editor``, ``depara-grid``,
``depara-row``, ``depara-choice``, ``depara-confirmed``, ``depara-counts``,
``depara-filter-pending``, ``depara-filter-score``, ``depara-bulk-rule``,
``depara-bulk-score``, ``depara-bulk-preview``, ``depara-bulk-confirm``,
``depara-undo``, ``depara-bulk-message``, ``depara-save`` ("Salvar"),
``depara-status``; ``depara-upload`` on the uploads' button.
"""

from __future__ import annotations

import contextlib
import html
import math
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from kit.depara.kinds import MappingKind, get_kind
from kit.depara.review import BulkRule, ReviewState, reason_label

__all__ = ["DeparaEditor", "ListsLoader", "PENDING", "BULK_RULES"]

PENDING = "escolher..."
_PENDING_VALUE = -1  # a dropdown value of None shows blank: pending is a real option
# Rows per page: widgets are built only for the rows shown.
PAGE_SIZE = 50
# Dropdown entries beyond the candidates; a longer target list is cut (the
# candidates are always offered).
MAX_OPTIONS = 1000
# The bulk rules offered: (label, reason or None for "by score").
BULK_RULES = (("score a partir de", None), ("motivo: sinônimo", "alias"), ("motivo: aprendido", "learned"))
DEFAULT_BULK_SCORE = 90


def _label(values: Sequence[str]) -> str:
    return " / ".join(values)


class DeparaEditor:
    """An editable mapping grid over a suggestion table.

    Args:
        kind: the mapping kind.
        suggestions: output of :func:`kit.depara.suggest.suggest`.
        targets: every allowed target value (tuples for composite kinds), for
            the dropdowns; defaults to the candidates seen in ``suggestions``.
        channel: the channel whose table :meth:`save` writes.
        existing: a saved table: its rows win over the suggestions.
        channel_values / erp_values: the lists, passed to validation on save.
        directory: mappings directory (default :func:`kit.depara.table.mappings_dir`).
        on_save: called with the saved path and the problems frame.
    """

    def __init__(
        self,
        kind: str | MappingKind,
        suggestions: pd.DataFrame,
        *,
        targets: Sequence[Sequence[str]] | None = None,
        channel: str | None = None,
        existing: pd.DataFrame | None = None,
        channel_values: Any = None,
        erp_values: Any = None,
        directory: str | Path | None = None,
        on_save: Callable[[Path, pd.DataFrame], None] | None = None,
    ) -> None:
        self.kind = get_kind(kind)
        self.channel = channel
        self.channel_values = channel_values
        self.erp_values = erp_values
        self.directory = directory
        self.on_save = on_save
        self.state = ReviewState.from_suggestions(self.kind, suggestions)
        if targets is None:
            seen: dict[tuple[str, ...], None] = {}
            for r in self.state.records:
                for c in r["candidates"]:
                    seen.setdefault(tuple(c["values"]), None)
            targets = list(seen)
        self.targets = [tuple(t) if not isinstance(t, str) else (t,) for t in targets]
        if existing is not None and len(existing):
            for target in self.state.apply_existing(existing):
                if target not in self.targets:
                    self.targets.append(target)
        self._target_index = {t: n for n, t in enumerate(self.targets)}
        self.last_problems: pd.DataFrame | None = None
        self.last_path: Path | None = None
        self._quiet = False
        self._pending_bulk: tuple[BulkRule, list[int]] | None = None
        self._build()

    @classmethod
    def from_lists(
        cls,
        kind: str | MappingKind,
        channel_values: Any,
        erp_values: Any,
        *,
        channel: str,
        channel_type: str | None = None,
        directory: str | Path | None = None,
        **kw: Any,
    ) -> DeparaEditor:
        """Suggest, load the channel's saved table, and build the editor in one call."""
        from kit.depara.suggest import suggest, value_frame
        from kit.depara.table import load_table

        k = get_kind(kind)
        suggestions = suggest(
            k, channel_values, erp_values, channel=channel, channel_type=channel_type, mappings_dir=directory
        )
        target_list = erp_values if k.direction == "in" else channel_values
        targets = list(value_frame(k, target_list)[list(k.list_columns)].itertuples(index=False, name=None))
        return cls(
            k,
            suggestions,
            targets=targets,
            channel=channel,
            existing=load_table(channel, k, directory=directory),
            channel_values=channel_values,
            erp_values=erp_values,
            directory=directory,
            **kw,
        )

    # -- state (kept in self.state) ----------------------------------------------------------
    @property
    def records(self) -> list[dict[str, Any]]:
        return self.state.records

    @property
    def sources(self) -> list[tuple[str, ...]]:
        return self.state.sources

    @property
    def choice(self) -> list[tuple[str, ...] | None]:
        return [r.choice for r in self.state.rows]

    def counts(self) -> dict[str, int]:
        """``{"mapeados", "pendentes", "pre_aceitos", "total"}`` (see :meth:`ReviewState.counts`)."""
        return self.state.counts()

    def to_table(self) -> pd.DataFrame:
        """The mapping table as chosen so far (pending rows keep the suggestion in ``note``)."""
        return self.state.to_table()

    def set_choice(self, i: int, target: Sequence[str] | None) -> None:
        """Choose ``target`` for row ``i`` (``None`` = pending), as the dropdown does."""
        self.dropdowns[i].value = _PENDING_VALUE if target is None else self._target_index[tuple(target)]

    # -- widgets ---------------------------------------------------------------------------
    def _options(self, i: int) -> list[tuple[str, int]]:
        first = [tuple(c["values"]) for c in self.records[i]["candidates"]]
        order = list(dict.fromkeys([t for t in first if t in self._target_index] + self.targets[:MAX_OPTIONS]))
        chosen = self.state.rows[i].choice
        if chosen is not None and chosen not in order:
            order.append(chosen)
        return [(PENDING, _PENDING_VALUE)] + [(_label(t), self._target_index[t]) for t in order]

    def _build(self) -> None:
        self.counts_html = W.HTML()
        self.counts_html.add_class("depara-counts")
        self.only_pending = W.Checkbox(value=False, description="Somente pendentes", indent=False)
        self.only_pending.add_class("depara-filter-pending")
        self.max_score = W.IntSlider(value=100, min=0, max=100, step=5, description="Score até")
        self.max_score.add_class("depara-filter-score")
        self.save_button = W.Button(description="Salvar", button_style="primary", icon="save")
        self.save_button.add_class("depara-save")
        self.status = W.HTML()
        self.status.add_class("depara-status")
        self.previous_button = W.Button(description="◀ Anterior", layout=W.Layout(width="auto"))
        self.next_button = W.Button(description="Próxima ▶", layout=W.Layout(width="auto"))
        self.page_label = W.Label()
        self.page = 0
        self.dropdowns = _OnDemand(self, 4)
        self.checks = _OnDemand(self, 5)
        self.rows = _OnDemand(self, None)
        self._row_cache: dict[int, W.HBox] = {}
        self._cell = W.Layout(width="22%")
        self._small = W.Layout(width="8%")
        side = "canal" if self.kind.direction == "in" else "ERP"
        titles = [(f"Valor do {side}", self._cell), ("Sugestão", self._cell), ("Score", self._small),
                  ("Motivo", W.Layout(width="10%")), ("De-para", W.Layout(width="26%")), ("OK", self._small)]  # fmt: skip
        self.header = W.HBox([W.HTML(f"<b>{html.escape(t)}</b>", layout=lay) for t, lay in titles])
        self.grid = W.VBox([self.header])
        self.grid.add_class("depara-grid")
        self._build_bulk()
        self.only_pending.observe(lambda _: self.refresh(), names="value")
        self.max_score.observe(lambda _: self.refresh(), names="value")
        self.previous_button.on_click(lambda _: self.go_to_page(self.page - 1))
        self.next_button.on_click(lambda _: self.go_to_page(self.page + 1))
        self.save_button.on_click(lambda _: self.save())
        self.widget = W.VBox(
            [
                self.counts_html,
                W.HBox([self.only_pending, self.max_score]),
                self.bulk_box,
                self.grid,
                W.HBox([self.previous_button, self.page_label, self.next_button]),
                W.HBox([self.save_button, self.status]),
            ]
        )
        self.widget.add_class("depara-editor")
        self.refresh()

    def _build_bulk(self) -> None:
        self.bulk_rule = W.Dropdown(options=[(label, n) for n, (label, _) in enumerate(BULK_RULES)], value=0,
                                    description="Confirmar em lote:", style={"description_width": "initial"},
                                    layout=W.Layout(width="330px"))  # fmt: skip
        self.bulk_rule.add_class("depara-bulk-rule")
        self.bulk_score = W.BoundedIntText(value=DEFAULT_BULK_SCORE, min=0, max=100, layout=W.Layout(width="70px"))
        self.bulk_score.add_class("depara-bulk-score")
        self.bulk_preview_button = W.Button(description="Ver quantos", icon="search", layout=W.Layout(width="auto"))
        self.bulk_preview_button.add_class("depara-bulk-preview")
        self.bulk_confirm_button = W.Button(description="Confirmar", button_style="success", icon="check",
                                            disabled=True, layout=W.Layout(width="auto"))  # fmt: skip
        self.bulk_confirm_button.add_class("depara-bulk-confirm")
        self.undo_button = W.Button(description="Desfazer", icon="undo", disabled=True, layout=W.Layout(width="auto"))
        self.undo_button.add_class("depara-undo")
        self.bulk_message = W.HTML()
        self.bulk_message.add_class("depara-bulk-message")
        self.bulk_rule.observe(lambda _: self._bulk_changed(), names="value")
        self.bulk_score.observe(lambda _: self._bulk_changed(), names="value")
        self.bulk_preview_button.on_click(lambda _: self.preview_bulk())
        self.bulk_confirm_button.on_click(lambda _: self.confirm_bulk())
        self.undo_button.on_click(lambda _: self.undo())
        self.bulk_box = W.VBox(
            [
                W.HBox([self.bulk_rule, self.bulk_score, self.bulk_preview_button, self.bulk_confirm_button,
                        self.undo_button]),
                self.bulk_message,
            ]
        )  # fmt: skip

    def row(self, i: int) -> W.HBox:
        """The widgets of row ``i`` (built the first time it is shown)."""
        if i in self._row_cache:
            return self._row_cache[i]
        best = self.state.top(i)
        dd = W.Dropdown(options=self._options(i), value=self._dropdown_value(i), layout=W.Layout(width="26%"))
        dd.add_class("depara-choice")
        ok = W.Checkbox(value=self.state.mapped(i), indent=False, layout=self._small)
        ok.add_class("depara-confirmed")
        dd.observe(lambda change, i=i: self._on_choice(i, change["new"]), names="value")
        ok.observe(lambda change, i=i: self._on_confirm(i, change["new"]), names="value")
        row = W.HBox(
            [
                W.Label(_label(self.sources[i]), layout=self._cell),
                W.Label(best["label"] if best else "(sem sugestão)", layout=self._cell),
                W.Label(f"{best['score']:.0f}" if best else "", layout=self._small),
                W.Label(reason_label(best["reason"]) if best else "", layout=W.Layout(width="10%")),
                dd,
                ok,
            ]
        )
        row.add_class("depara-row")
        self._row_cache[i] = row
        return row

    def _dropdown_value(self, i: int) -> int:
        chosen = self.state.rows[i].choice
        return _PENDING_VALUE if chosen is None else self._target_index[chosen]

    @contextlib.contextmanager
    def _syncing(self) -> Iterator[None]:
        """Set widget values from the state without their handlers changing the state back."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _sync_rows(self) -> None:
        with self._syncing():
            for i, row in self._row_cache.items():
                dd, ok = row.children[4], row.children[5]
                value = self._dropdown_value(i)
                if value not in {v for _, v in dd.options}:
                    dd.options = self._options(i)
                dd.value = value
                ok.value = self.state.mapped(i)
        self.undo_button.disabled = not self.state.history
        self._update_counts()

    def _on_choice(self, i: int, value: int) -> None:
        if self._quiet:
            return
        self.state.choose(i, None if value == _PENDING_VALUE else self.targets[value])
        self._after_change()

    def _on_confirm(self, i: int, value: bool) -> None:
        if self._quiet:
            return
        self.state.confirm(i, value)
        self._after_change()

    def _after_change(self) -> None:
        self._pending_bulk = None
        self.bulk_confirm_button.disabled = True
        self.bulk_confirm_button.description = "Confirmar"
        self._sync_rows()

    # -- bulk actions and undo -------------------------------------------------------------
    def bulk_rule_value(self) -> BulkRule:
        """The rule set in the bulk widgets."""
        _, reason = BULK_RULES[self.bulk_rule.value]
        return BulkRule(reason=reason) if reason else BulkRule(min_score=float(self.bulk_score.value))

    def _bulk_changed(self) -> None:
        self.bulk_score.disabled = BULK_RULES[self.bulk_rule.value][1] is not None
        self._pending_bulk = None
        self.bulk_confirm_button.disabled = True
        self.bulk_confirm_button.description = "Confirmar"
        self.bulk_message.value = ""

    def preview_bulk(self) -> int:
        """Say how many pending rows the bulk rule would confirm; arm the confirm button."""
        rule = self.bulk_rule_value()
        rows = self.state.bulk_rows(rule)
        self._pending_bulk = (rule, rows)
        if not rows:
            self.bulk_message.value = f"Nenhuma sugestão pendente com {html.escape(rule.describe())}."
            self.bulk_confirm_button.disabled = True
            return 0
        by_reason: dict[str, int] = {}
        for i in rows:
            label = reason_label(self.state.top(i)["reason"])
            by_reason[label] = by_reason.get(label, 0) + 1
        parts = ", ".join(f"{n} por {label}" for label, n in sorted(by_reason.items()))
        self.bulk_message.value = (
            f"<b>{len(rows)}</b> sugestões pendentes com {html.escape(rule.describe())} ({html.escape(parts)}). "
            f"Clique em <b>Confirmar {len(rows)}</b> para aceitá-las; <b>Desfazer</b> volta atrás."
        )
        self.bulk_confirm_button.description = f"Confirmar {len(rows)}"
        self.bulk_confirm_button.disabled = False
        return len(rows)

    def confirm_bulk(self) -> int:
        """Confirm the rows shown by :meth:`preview_bulk` (nothing before a preview)."""
        if self._pending_bulk is None:
            self.bulk_message.value = "Clique em <b>Ver quantos</b> antes de confirmar."
            return 0
        rule, rows = self._pending_bulk
        done = self.state.confirm_rows(rows, rule)
        self._after_change()
        self.bulk_message.value = f"{done} sugestões confirmadas ({html.escape(rule.describe())})."
        if self.only_pending.value:
            self.refresh()
        return done

    def undo(self) -> bool:
        """Undo the last change (a choice, a tick or a bulk confirmation)."""
        done = self.state.undo()
        self._after_change()
        self.bulk_message.value = "Última alteração desfeita." if done else "Nada para desfazer."
        return done

    # -- paging and filters ----------------------------------------------------------------
    def visible(self) -> list[int]:
        """Indices of the rows the filters let through (all pages)."""
        out = []
        for i, r in enumerate(self.records):
            if self.only_pending.value and self.state.mapped(i):
                continue
            if float(r["score"]) > self.max_score.value:
                continue
            out.append(i)
        return out

    def shown(self) -> list[int]:
        """Indices of the rows on the current page."""
        return list(self._visible[self.page * PAGE_SIZE : (self.page + 1) * PAGE_SIZE])

    def go_to_page(self, page: int) -> None:
        pages = max(1, math.ceil(len(self._visible) / PAGE_SIZE))
        self.page = min(max(page, 0), pages - 1)
        self.grid.children = [self.header, *(self.row(i) for i in self.shown())]
        self.page_label.value = f"página {self.page + 1} de {pages}"
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= pages - 1
        self._update_counts()

    def refresh(self) -> None:
        """Apply the filters (back to page 1) and update the counters."""
        self._visible = self.visible()
        self.go_to_page(0)

    def _update_counts(self) -> None:
        c = self.counts()
        self.counts_html.value = (
            f"<b>Mapeados:</b> {c['mapeados']} &nbsp; <b>Pendentes:</b> {c['pendentes']} &nbsp; "
            f"<b>Pré-aceitos:</b> {c['pre_aceitos']} &nbsp; <b>Total:</b> {c['total']} &nbsp; "
            f"(na tela: {len(self._visible)})"
        )

    def save(self, *, reviewer: str | None = None) -> Path:
        """Write the table, validate it, and show the summary (in Portuguese)."""
        from kit.depara.table import save_table
        from kit.depara.validate import summary_text, validate

        if not self.channel:
            self.status.value = "<b>Escolha o canal antes de salvar.</b>"
            raise ValueError("DeparaEditor.save needs channel=")
        table = self.to_table()
        path = save_table(self.channel, self.kind, table, directory=self.directory, reviewer=reviewer)
        problems = validate(self.kind, table, channel_values=self.channel_values, erp_values=self.erp_values)
        self.last_path, self.last_problems = path, problems
        c = self.counts()
        text = f"Salvo em <code>{html.escape(str(path))}</code>: {c['mapeados']} mapeados, {c['pendentes']} pendentes."
        if len(problems):
            text += " Problemas: " + html.escape(summary_text(problems)) + "."
        else:
            text += " Nenhum problema na validação."
        self.status.value = text
        if self.on_save:
            self.on_save(path, problems)
        return path


class _OnDemand:
    """``editor.dropdowns[i]`` / ``checks[i]`` / ``rows[i]``: built on first use."""

    def __init__(self, editor: DeparaEditor, child: int | None) -> None:
        self.editor = editor
        self.child = child

    def __getitem__(self, i: int) -> Any:
        row = self.editor.row(i)
        return row if self.child is None else row.children[self.child]

    def __len__(self) -> int:
        return len(self.editor.records)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class ListsLoader:
    """Two upload buttons (ERP list, channel list) that hand the saved files to a callback.

    Args:
        on_load: called with ``(erp_path, channel_path)`` once both files are in.
        directory: where uploaded files are written; by default a temporary
            directory made on the first upload (none at all in headless runs).
    """

    def __init__(self, on_load: Callable[[Path, Path], None], directory: str | Path | None = None) -> None:
        self.on_load = on_load
        self._directory = Path(directory) if directory else None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        wide = W.Layout(width="auto", min_width="220px")
        self.erp = W.FileUpload(accept=".csv,.xlsx,.xls,.ods,.txt", multiple=False, description="Lista do ERP",
                                icon="upload", button_style="info", layout=wide)  # fmt: skip
        self.channel = W.FileUpload(accept=".csv,.xlsx,.xls,.ods,.txt", multiple=False, description="Lista do canal",
                                    icon="upload", button_style="info", layout=wide)  # fmt: skip
        self.button = W.Button(description="Usar arquivos enviados", icon="check", layout=W.Layout(width="auto"))
        self.button.add_class("depara-upload")
        self.message = W.HTML()
        self.button.on_click(lambda _: self.load())
        self.widget = W.VBox([W.HBox([self.erp, self.channel, self.button]), self.message])

    @property
    def directory(self) -> Path:
        """Where uploads go (a temporary directory, removed with the loader, unless one was given)."""
        if self._directory is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="depara-")
            self._directory = Path(self._scratch.name)
        return self._directory

    @staticmethod
    def _save(upload: W.FileUpload, directory: Path, prefix: str) -> Path | None:
        if not upload.value:
            return None
        item = upload.value[0]
        name = Path(str(item["name"])).name
        path = directory / f"{prefix}-{name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(item["content"]))
        return path

    def load(self) -> tuple[Path, Path] | None:
        if not self.erp.value or not self.channel.value:
            self.message.value = "Envie as duas listas (ERP e canal) antes de continuar."
            return None
        erp = self._save(self.erp, self.directory, "erp")
        channel = self._save(self.channel, self.directory, "canal")
        self.message.value = f"Listas recebidas: {html.escape(erp.name)}, {html.escape(channel.name)}."
        self.on_load(erp, channel)
        return erp, channel
