"""Notebook files as JSON: the declared parameters, and sealing an output notebook after a run.

No papermill or nbformat import here (both cost over a second to import):
this module is what an in-process run uses too.

* :func:`declared_parameters` reads the names of the ``parameters`` cell;
  :func:`check_parameters` refuses any other name (papermill would only warn).
* :func:`seal` finishes an output notebook: how it was run recorded in its
  metadata (``metadata.canais_kit``), papermill's English error banner
  removed, a failed cell's traceback replaced by a collapsed, scrubbed
  "Detalhes técnicos" block, the Portuguese failure box as the first cell,
  and the whole file scrubbed of secrets.
* :func:`output_notebook` builds the output notebook of a run that did not go
  through a kernel (an in-process run that failed).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.errors import ConfigurationError
from kit.reports.failure import Failure, clean_traceback
from kit.reports.html import details

__all__ = [
    "declared_parameters",
    "check_parameters",
    "seal",
    "output_notebook",
    "cell_progress",
    "CellProgress",
    "PAPERMILL_ERROR_TAG",
]

PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
FAILURE_TAG = "kit-failure"
RUN_METADATA_KEY = "canais_kit"


def _read(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def declared_parameters(path: str | Path) -> dict[str, Any]:
    """Names (and literal defaults) assigned in the notebook's cell tagged ``parameters``.

    Raises:
        ConfigurationError: the notebook has no ``parameters`` cell, or it is not Python.
    """
    nb = _read(Path(path))
    cell = next((c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        raise ConfigurationError(f"o notebook {Path(path).name} não tem a célula 'parameters'", file=str(path))
    try:
        tree = ast.parse(_source(cell))
    except SyntaxError as exc:
        raise ConfigurationError(f"a célula 'parameters' de {Path(path).name} não é Python: {exc}") from None
    out: dict[str, Any] = {}
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    out[target.id] = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    out[target.id] = None
    return out


def check_parameters(path: str | Path, params: dict[str, Any]) -> dict[str, Any]:
    """Refuse any parameter ``path`` does not declare; returns the declared ones.

    Raises:
        ConfigurationError: exit 2, naming the unknown parameters and the declared ones.
    """
    declared = declared_parameters(path)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        plural = "s desconhecidos" if len(unknown) > 1 else " desconhecido"
        raise ConfigurationError(
            f"parâmetro{plural} {', '.join(unknown)} para {Path(path).name}",
            file=str(path),
            hint="parâmetros declarados: " + ", ".join(sorted(declared)),
        )
    return declared


def _collapse_errors(cell: dict[str, Any]) -> None:
    """Replace a cell's error outputs (a red traceback) with a collapsed, scrubbed technical block."""
    outputs = []
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            outputs.append(out)
            continue
        text = f"{out.get('ename', '')}: {out.get('evalue', '')}\n\n" + clean_traceback(out.get("traceback") or [])
        outputs.append(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "text/html": details(text),
                    "text/plain": "Detalhes técnicos recolhidos (erro da execução; veja o relatório HTML).",
                },
            }
        )
    cell["outputs"] = outputs


def _failure_cell(failure: Failure) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": "kit-failure", "metadata": {"tags": [FAILURE_TAG]},
            "source": failure.markdown()}  # fmt: skip


def seal(path: str | Path, *, how: dict[str, Any], failure: Failure | None = None) -> None:
    """Finish an output notebook in place (see the module docstring); scrubbed before it is written."""
    from kit.scrub import scrub
    from kit.store import atomic_write_bytes

    p = Path(path)
    nb = _read(p)
    cells = [c for c in nb.get("cells", []) if PAPERMILL_ERROR_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in cells:
        if cell.get("cell_type") == "code":
            _collapse_errors(cell)
    if failure is not None:
        cells.insert(0, _failure_cell(failure))
    nb["cells"] = cells
    nb.setdefault("metadata", {})[RUN_METADATA_KEY] = how
    text = json.dumps(nb, ensure_ascii=False, indent=1, default=str)
    atomic_write_bytes(p, scrub(text).encode("utf-8"))


def output_notebook(
    source: str | Path,
    out: str | Path,
    *,
    parameters: dict[str, Any],
    html: str,
    how: dict[str, Any],
    failure: Failure | None = None,
) -> Path:
    """Write the output notebook of a run made without a kernel: ``source``'s cells, the parameters
    injected after its ``parameters`` cell (as papermill does), ``html`` as the output of the first
    code cell after them, and :func:`seal` applied."""
    from kit.store import atomic_write_bytes

    nb = _read(Path(source))
    cells: list[dict[str, Any]] = []
    pending_output = False
    for cell in nb.get("cells", []):
        cell = dict(cell, metadata=dict(cell.get("metadata", {})))
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if pending_output:
                cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {"text/html": html}}]
                pending_output = False
        cells.append(cell)
        if "parameters" in cell["metadata"].get("tags", []):
            lines = ["# Parameters"] + [f"{k} = {v!r}" for k, v in parameters.items()]
            cells.append({"cell_type": "code", "execution_count": None, "id": "injected-parameters",
                          "metadata": {"tags": ["injected-parameters"]}, "outputs": [], "source": "\n".join(lines)})  # fmt: skip
            pending_output = True
    nb["cells"] = cells
    path = Path(out)
    atomic_write_bytes(path, json.dumps(nb, ensure_ascii=False, indent=1).encode("utf-8"))
    seal(path, how=how, failure=failure)
    return path


@dataclass(slots=True, frozen=True)
class CellProgress:
    """Which code cell of a running notebook is running: ``step`` of ``total``, under ``heading``."""

    step: int
    total: int
    heading: str

    def text(self) -> str:
        """``Etapa 3 de 10: Capacidade dos jobs`` (pt-BR)."""
        return f"Etapa {self.step} de {self.total}: {self.heading}" if self.step else self.heading


def cell_progress(
    path: str | Path, *, starting: str = "iniciando o kernel", main: str = "executando a verificação"
) -> CellProgress | None:
    """Where a notebook papermill is executing stands, read from the file it saves after each cell.

    The heading is the nearest level-2 (or deeper) Markdown heading above the running cell
    (``main`` before the first one; ``starting`` for the parameter cells). ``None`` while the
    file is not written yet (or caught mid-write).
    """
    try:
        nb = _read(Path(path))
    except (OSError, ValueError):
        return None
    heading, code, current = "", 0, None
    for cell in nb.get("cells", []):
        first = _source(cell).lstrip().split("\n", 1)[0]
        if cell.get("cell_type") == "markdown":
            heading = first.lstrip("#").strip() if first.startswith("##") else heading
            continue
        if cell.get("cell_type") != "code":
            continue
        code += 1
        meta = cell.get("metadata", {})
        if (meta.get("papermill") or {}).get("status") in ("running", "completed", "failed"):
            tags = meta.get("tags") or []
            is_param = "parameters" in tags or "injected-parameters" in tags
            current = (code, starting if is_param else (heading or main))
    if current is None:
        return CellProgress(0, code, starting)
    return CellProgress(current[0], code, current[1])
