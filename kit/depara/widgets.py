"""The de-para editor for notebooks, in plain ipywidgets (testable without a kernel).

:class:`DeparaEditor` builds one row per source value (the channel value for
``in`` kinds) with the suggestion, its score and reason, and a dropdown to
choose or override the target. Pre-accepted suggestions start selected and
confirmed; the others start *pending* (nothing selected) so no unreviewed
suggestion can be saved as a mapping. Choosing a value in a dropdown is a
person's decision, so it marks the row confirmed.

Stable hooks for browser tests: the grid has CSS class ``depara-grid``, each
row ``depara-row``, the save button ``depara-save`` (description "Salvar"),
the counters ``depara-counts``, the filters ``depara-filter-pending`` and
``depara-filter-score``.
"""

from __future__ import annotations

import html
import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from kit.depara.kinds import MappingKind, get_kind

__all__ = ["DeparaEditor", "ListsLoader", "PENDING"]

PENDING = "— pendente —"
# Rows per page: widgets are built only for the rows shown.
PAGE_SIZE = 50
# Dropdown entries beyond the candidates; a longer target list is cut (the
# candidates are always offered).
MAX_OPTIONS = 1000


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
        self.records = suggestions.to_dict("records")
        self.sources = [tuple(r[c] for c in self.kind.source_columns) for r in self.records]
        if targets is None:
            seen: dict[tuple[str, ...], None] = {}
            for r in self.records:
                for c in r["candidates"]:
                    seen.setdefault(tuple(c["values"]), None)
            targets = list(seen)
        self.targets = [tuple(t) if not isinstance(t, str) else (t,) for t in targets]
        self.choice: list[tuple[str, ...] | None] = []
        self.confirmed: list[bool] = []
        self.method: list[str] = []
        self.score: list[float] = []
        for r in self.records:
            pre = bool(r["preaccepted"])
            top = tuple(r[c] for c in self.kind.target_columns)
            self.choice.append(top if pre else None)
            self.confirmed.append(pre)
            self.method.append(r["reason"] if pre else "")
            self.score.append(float(r["score"]) if pre else math.nan)
        if existing is not None and len(existing):
            self._apply_existing(existing)
        self.last_problems: pd.DataFrame | None = None
        self.last_path: Path | None = None
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

    # -- state -----------------------------------------------------------------------------
    def _apply_existing(self, existing: pd.DataFrame) -> None:
        from kit.depara.normalize import compact
        from kit.depara.table import coerce_table

        table = coerce_table(self.kind, existing)
        index = {tuple(compact(v) for v in s): i for i, s in enumerate(self.sources)}
        for r in table.to_dict("records"):
            i = index.get(tuple(compact(r[c]) for c in self.kind.source_columns))
            if i is None:
                continue
            target = tuple(r[c] for c in self.kind.target_columns)
            self.choice[i] = target if any(target) else None
            self.confirmed[i] = bool(r["confirmed"]) and any(target)
            self.method[i] = r["method"]
            self.score[i] = r["score"]
            if any(target) and target not in self.targets:
                self.targets.append(target)

    def counts(self) -> dict[str, int]:
        """``{"mapeados": n, "pendentes": m, "total": n + m}``."""
        mapped = sum(1 for c, ok in zip(self.choice, self.confirmed, strict=True) if c is not None and ok)
        return {"mapeados": mapped, "pendentes": len(self.sources) - mapped, "total": len(self.sources)}

    def to_table(self) -> pd.DataFrame:
        """The mapping table as chosen so far (pending rows keep the suggestion in ``note``)."""
        from kit.depara.table import coerce_table

        rows = []
        for i, r in enumerate(self.records):
            row = dict(zip(self.kind.source_columns, self.sources[i], strict=True))
            choice = self.choice[i]
            for c, col in enumerate(self.kind.target_columns):
                row[col] = choice[c] if choice else ""
            row["method"] = self.method[i] if choice else ""
            row["score"] = self.score[i] if choice else math.nan
            row["confirmed"] = bool(choice) and self.confirmed[i]
            cands = r["candidates"]
            row["note"] = "" if row["confirmed"] or not cands else (
                f"sugestão: {cands[0]['label']} ({cands[0]['reason']} {cands[0]['score']:.0f})"
            )  # fmt: skip
            rows.append(row)
        return coerce_table(self.kind, pd.DataFrame(rows, columns=list(self.kind.columns)))

    def set_choice(self, i: int, target: Sequence[str] | None) -> None:
        """Choose ``target`` for row ``i`` (``None`` = pending), as the dropdown does."""
        self.dropdowns[i].value = None if target is None else self.targets.index(tuple(target))

    # -- widgets ---------------------------------------------------------------------------
    def _options(self, i: int) -> list[tuple[str, int | None]]:
        first = [tuple(c["values"]) for c in self.records[i]["candidates"]]
        order = list(dict.fromkeys([t for t in first if t in self.targets] + self.targets[:MAX_OPTIONS]))
        return [(PENDING, None)] + [(_label(t), self.targets.index(t)) for t in order]

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
        self.header = W.HBox(
            [
                W.HTML(f"<b>{html.escape(t)}</b>", layout=lay)
                for t, lay in [
                    ("Valor do " + ("canal" if self.kind.direction == "in" else "ERP"), self._cell),
                    ("Sugestão", self._cell),
                    ("Score", self._small),
                    ("Motivo", self._small),
                    ("De-para", W.Layout(width="28%")),
                    ("OK", self._small),
                ]
            ]
        )
        self.grid = W.VBox([self.header])
        self.grid.add_class("depara-grid")
        self.only_pending.observe(lambda _: self._filters_changed(), names="value")
        self.max_score.observe(lambda _: self._filters_changed(), names="value")
        self.previous_button.on_click(lambda _: self.go_to_page(self.page - 1))
        self.next_button.on_click(lambda _: self.go_to_page(self.page + 1))
        self.save_button.on_click(lambda _: self.save())
        self.widget = W.VBox(
            [
                W.HBox([self.counts_html, self.only_pending, self.max_score]),
                self.grid,
                W.HBox([self.previous_button, self.page_label, self.next_button]),
                W.HBox([self.save_button, self.status]),
            ]
        )
        self.widget.add_class("depara-editor")
        self.refresh()

    def row(self, i: int) -> W.HBox:
        """The widgets of row ``i`` (built the first time it is shown)."""
        if i in self._row_cache:
            return self._row_cache[i]
        cands = self.records[i]["candidates"]
        best = cands[0] if cands else None
        dd = W.Dropdown(options=self._options(i), value=None, layout=W.Layout(width="28%"))
        if self.choice[i] is not None:
            dd.value = self.targets.index(self.choice[i])
        dd.add_class("depara-choice")
        ok = W.Checkbox(value=self.confirmed[i], indent=False, layout=self._small)
        ok.add_class("depara-confirmed")
        dd.observe(lambda change, i=i: self._on_choice(i, change["new"]), names="value")
        ok.observe(lambda change, i=i: self._on_confirm(i, change["new"]), names="value")
        row = W.HBox(
            [
                W.Label(_label(self.sources[i]), layout=self._cell),
                W.Label(best["label"] if best else "(sem sugestão)", layout=self._cell),
                W.Label(f"{best['score']:.0f}" if best else "", layout=self._small),
                W.Label(best["reason"] if best else "", layout=self._small),
                dd,
                ok,
            ]
        )
        row.add_class("depara-row")
        self._row_cache[i] = row
        return row

    def _on_choice(self, i: int, value: int | None) -> None:
        self.choice[i] = None if value is None else self.targets[value]
        self.method[i] = "manual" if value is not None else ""
        self.score[i] = math.nan
        self.confirmed[i] = value is not None
        if self.checks[i].value != self.confirmed[i]:
            self.checks[i].value = self.confirmed[i]
        self._update_counts()

    def _on_confirm(self, i: int, value: bool) -> None:
        self.confirmed[i] = bool(value) and self.choice[i] is not None
        if self.checks[i].value != self.confirmed[i]:
            self.checks[i].value = self.confirmed[i]
        self._update_counts()

    def visible(self) -> list[int]:
        """Indices of the rows the filters let through (all pages)."""
        out = []
        for i, r in enumerate(self.records):
            pending = not (self.choice[i] is not None and self.confirmed[i])
            if self.only_pending.value and not pending:
                continue
            if float(r["score"]) > self.max_score.value:
                continue
            out.append(i)
        return out

    def shown(self) -> list[int]:
        """Indices of the rows on the current page."""
        return [i for i in self._visible[self.page * PAGE_SIZE : (self.page + 1) * PAGE_SIZE]]

    def go_to_page(self, page: int) -> None:
        pages = max(1, math.ceil(len(self._visible) / PAGE_SIZE))
        self.page = min(max(page, 0), pages - 1)
        self.grid.children = [self.header, *(self.row(i) for i in self.shown())]
        self.page_label.value = f"página {self.page + 1} de {pages}"
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= pages - 1
        self._update_counts()

    def _filters_changed(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Apply the filters (back to page 1) and update the counters."""
        self._visible = self.visible()
        self.go_to_page(0)

    def _update_counts(self) -> None:
        c = self.counts()
        self.counts_html.value = (
            f"<b>Mapeados:</b> {c['mapeados']} &nbsp; <b>Pendentes:</b> {c['pendentes']} &nbsp; "
            f"<b>Total:</b> {c['total']} &nbsp; (filtro: {len(self._visible)})"
        )

    def save(self, *, reviewer: str | None = None) -> Path:
        """Write the table, validate it, and show the summary (in Portuguese)."""
        from kit.depara.table import save_table
        from kit.depara.validate import summary, validate

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
            text += " Problemas: " + ", ".join(f"{k}: {v}" for k, v in summary(problems).items())
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
    """Two upload widgets (ERP list, channel list) that hand saved files to a callback.

    Args:
        on_load: called with ``(erp_path, channel_path)`` once both files are in.
        directory: where uploaded files are written; by default a temporary
            directory made on the first upload (none at all in headless runs).
    """

    def __init__(self, on_load: Callable[[Path, Path], None], directory: str | Path | None = None) -> None:
        self.on_load = on_load
        self._directory = Path(directory) if directory else None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self.erp = W.FileUpload(accept=".csv,.xlsx,.txt", multiple=False, description="Lista do ERP")
        self.channel = W.FileUpload(accept=".csv,.xlsx,.txt", multiple=False, description="Lista do canal")
        self.button = W.Button(description="Usar arquivos enviados")
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
