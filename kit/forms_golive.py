"""The "Verificar go-live" button of the canais screen, as a model testable without a kernel.

:func:`run_channel_golive` runs the go-live check of a configured channel the
way ``kit check golive --channel NAME`` does: the go-live notebook through
:func:`kit.golive.report.execute_report` (papermill), into
``reports/<channel>/<timestamp>/``, with names and paths only as parameters.
The environment checked is the channel's own unless another is asked for; the
ERP products export is the newest one in the channel's ERP folder
(``kit sync config erp_dir=DIR``; the sample set by default).

While the notebook runs, papermill saves it after every cell; the progress
reported to ``on_progress`` is read from that file (which cell is running, out
of how many, under which heading), so the runner needs no hook.

The outcome is one of three verdicts: ``APTO``, ``NÃO APTO`` or ``NÃO FOI
POSSÍVEL VERIFICAR`` (the check could not run: channel unreachable, credentials
refused, ERP file unreadable...), with a pt-BR message, what to do, and the
technical text apart.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import KitError
from kit.fmt import count_pt
from kit.forms_messages import Explanation, explain_error
from kit.scrub import scrub

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = [
    "NOT_CHECKED",
    "GoliveProgress",
    "GoliveOutcome",
    "golive_parameters",
    "erp_products_file",
    "notebook_progress",
    "run_channel_golive",
    "last_golive",
]

NOT_CHECKED = "NÃO FOI POSSÍVEL VERIFICAR"
POLL_S = 0.5  # how often the running notebook is read for progress
_START_LABEL = "iniciando o kernel do relatório"
_MAIN_LABEL = "lendo o ERP e os anúncios do canal e executando as verificações"


@dataclass(slots=True)
class GoliveProgress:
    """Where a running check is: cell ``step`` of ``total``, under ``label``."""

    step: int
    total: int
    label: str
    elapsed_s: float = 0.0

    def text(self) -> str:
        """One pt-BR line, e.g. ``Etapa 3 de 10: capacidade dos jobs (12 s)``."""
        label = self.label[:1].upper() + self.label[1:]
        where = f"Etapa {self.step} de {self.total}: {label}" if self.step and self.total else label
        return f"{where} ({self.elapsed_s:.0f} s)"


@dataclass(slots=True)
class GoliveOutcome:
    """The result of one check from the screen.

    Attributes:
        channel: the channel checked.
        verdict: ``APTO``, ``NÃO APTO`` or :data:`NOT_CHECKED`.
        message: pt-BR: the verdict explained, or what failed.
        hint: pt-BR: what to do next.
        detail: technical text (English allowed, scrubbed), shown collapsed.
        environment: the environment checked.
        blockers / warnings: finding counts (checked runs only).
        output_dir: the report directory; html_path / xlsx_path / notebook_path inside it.
        elapsed_s: how long it took.
    """

    channel: str
    verdict: str
    message: str
    hint: str = ""
    detail: str = ""
    environment: str = ""
    blockers: int = 0
    warnings: int = 0
    output_dir: Path | None = None
    html_path: Path | None = None
    xlsx_path: Path | None = None
    notebook_path: Path | None = None
    elapsed_s: float = 0.0

    @property
    def checked(self) -> bool:
        """Did the check run to a verdict?"""
        return self.verdict != NOT_CHECKED


def erp_products_file(ws: Workspace, channel: str) -> Path:
    """The newest ERP products export for ``channel`` (its ERP folder; the sample set by default).

    Raises:
        InputDataError: the folder or a products export in it is missing.
    """
    from kit.jobs.erp import find_erp_file
    from kit.jobs.settings import erp_dir

    return Path(find_erp_file(erp_dir(ws, channel), "products", channel)).resolve()  # type: ignore[arg-type]


def golive_parameters(ws: Workspace, channel: str, *, erp_file: str | Path, environment: str) -> dict[str, Any]:
    """The go-live notebook's parameters for ``channel``, as ``kit check golive --channel`` passes them.

    Names and paths only: the kernel resolves the credentials from the channel's name.
    Every other parameter keeps the notebook's default (the CLI's defaults).
    """
    return {
        "channel": channel,
        "channel_type": "",
        "erp_file": str(Path(erp_file).resolve()),
        "store_file": "",
        "environment": environment,
        "workspace": str(Path(ws.root).resolve()),
    }


def notebook_progress(path: Path) -> tuple[int, int, str] | None:
    """(running cell, code cells, heading) of a notebook papermill is executing; ``None`` if unreadable yet.

    The label is the nearest level-2 (or deeper) markdown heading above the cell;
    parameter cells say the kernel is starting.
    """
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not written yet, or caught mid-write
        return None
    heading, code, current = "", 0, None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            first = "".join(cell.get("source", [])).lstrip().split("\n", 1)[0]
            if first.startswith("##"):
                heading = first.lstrip("#").strip()
            continue
        if cell.get("cell_type") != "code":
            continue
        code += 1
        status = (cell.get("metadata", {}).get("papermill") or {}).get("status")
        tags = cell.get("metadata", {}).get("tags") or []
        if status in ("running", "completed", "failed"):
            is_param = "parameters" in tags or "injected-parameters" in tags
            label = _START_LABEL if is_param else (heading or _MAIN_LABEL)
            current = (code, label)
    if current is None:
        return (0, code, _START_LABEL)
    return (current[0], code, current[1])


def _watch(future: Any, nb_path: Path, on_progress: Callable[[GoliveProgress], None] | None, t0: float) -> Any:
    """Wait for ``future``, reporting the notebook's progress every :data:`POLL_S` seconds."""
    last: tuple[int, int, str] = (0, 0, _START_LABEL)
    while True:
        try:
            return future.result(timeout=POLL_S)
        except TimeoutError:
            pass
        if on_progress is not None:
            last = notebook_progress(nb_path) or last
            on_progress(GoliveProgress(last[0], last[1], last[2], time.monotonic() - t0))


def _failed(channel: str, why: Explanation, environment: str, **paths: Any) -> GoliveOutcome:
    return GoliveOutcome(channel, NOT_CHECKED, why.message, why.hint, why.detail, environment, **paths)


def _from_report(ch: Channel, report: Any, environment: str, address: str | None) -> GoliveOutcome:
    """Read :class:`~kit.golive.report.ReportOutcome` as a screen outcome."""
    summary = report.summary or {}
    paths = {
        "output_dir": report.output_dir,
        "html_path": report.html if report.html and Path(report.html).exists() else None,
        "notebook_path": report.notebook if Path(report.notebook).exists() else None,
    }
    if summary.get("ok"):
        counts = summary.get("counts") or {}
        blockers = int(summary.get("blockers", 0))
        warnings = sum(int(c.get("aviso", 0)) for c in counts.values())
        xlsx = Path(summary["xlsx_path"]) if summary.get("xlsx_path") else None
        verdict = str(summary.get("verdict"))
        message = f"{verdict}: {count_pt(blockers)} bloqueio(s), {count_pt(warnings)} aviso(s)."
        hint = "" if blockers == 0 else "Abra o relatório, corrija os bloqueios e verifique de novo."
        return GoliveOutcome(ch.name, verdict, message, hint, "", environment, blockers, warnings,
                             xlsx_path=xlsx if xlsx and xlsx.exists() else None, **paths)  # fmt: skip
    if summary.get("error"):
        why = explain_error(summary["error"], address=address, channel=ch.name, type_name=ch.type)
        return _failed(ch.name, why, environment, **paths)
    why = Explanation(
        "A verificação parou com um erro inesperado antes do veredito.",
        "Veja o detalhe técnico; se o erro continuar, envie o relatório técnico ao suporte.",
        scrub(report.error or "o notebook de go-live não gravou o resumo (summary.json)"),
    )
    return _failed(ch.name, why, environment, **paths)


def run_channel_golive(
    ws: Workspace,
    channel: str,
    *,
    environment: str | None = None,
    erp_file: str | Path | None = None,
    on_progress: Callable[[GoliveProgress], None] | None = None,
    runner: Callable[..., Any] | None = None,
    output_dir: str | Path | None = None,
) -> GoliveOutcome:
    """Run the go-live check of ``channel`` (see the module docstring); never raises for a failed check.

    Args:
        ws: the workspace.
        channel: a configured channel's name.
        environment: the environment checked (default: the channel's own).
        erp_file: the ERP products export (default: :func:`erp_products_file`).
        on_progress: called about every :data:`POLL_S` seconds while the notebook runs.
        runner: ``runner(parameters, output_dir)`` (default: the CLI's
            :func:`kit.golive.report.execute_report`).
        output_dir: the report directory (default ``reports/<channel>/<timestamp>/``).
    """
    from kit.channels import ChannelRegistry
    from kit.connectors.baseurl import resolve_base_url
    from kit.golive.report import NOTEBOOK_FILE, execute_report
    from kit.golive.run import new_output_dir

    t0 = time.monotonic()
    ch = ChannelRegistry(ws).get(channel)
    environment = environment or ch.environment
    try:
        address: str | None = resolve_base_url(ch)
    except KitError:
        address = ch.base_url
    try:
        erp = Path(erp_file) if erp_file else erp_products_file(ws, ch.name)
    except KitError as exc:
        return _failed(ch.name, explain_error(exc, channel=ch.name, type_name=ch.type), environment)
    out = Path(output_dir) if output_dir else new_output_dir(ch.name).resolve()
    params = golive_parameters(ws, ch.name, erp_file=erp, environment=environment)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-golive") as pool:
        future = pool.submit(runner or execute_report, params, out)
        try:
            report = _watch(future, out / NOTEBOOK_FILE, on_progress, t0)
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot start is a failed check, not a blank page
            why = explain_error(exc, address=address, channel=ch.name, type_name=ch.type)
            if not isinstance(exc, KitError):
                why = Explanation("A verificação não pôde ser executada.", "Veja o detalhe técnico.", why.detail)
            outcome = _failed(ch.name, why, environment, output_dir=out)
            outcome.elapsed_s = time.monotonic() - t0
            return outcome
    outcome = _from_report(ch, report, environment, address)
    outcome.elapsed_s = time.monotonic() - t0
    return outcome


def last_golive(ws: Workspace, channel: str) -> dict[str, Any] | None:
    """The channel's latest go-live attempt: the workspace's latest result, or a newer failed run.

    A check that could not run records no result in the workspace (the gate reads
    those); its ``summary.json`` (``ok: false``) stays in the reports folder. The
    newest of the two is returned as ``{verdict, finished_at, html_path, error?}``.
    """
    from kit.golive.results import latest_result

    best = dict(latest_result(ws, channel) or {})
    failed = _last_failed_summary(channel)
    if failed and str(failed.get("finished_at") or "") > str(best.get("finished_at") or ""):
        return failed
    return best or None


def _last_failed_summary(channel: str) -> dict[str, Any] | None:
    from kit.golive.report import HTML_FILE
    from kit.golive.run import SUMMARY_FILE, default_reports_root

    folder = default_reports_root() / channel
    if not folder.is_dir():
        return None
    for run_dir in sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True):
        path = run_dir / SUMMARY_FILE
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("ok"):
            return None  # the newest run reached a verdict: the workspace has it
        html = run_dir / HTML_FILE
        return {"verdict": NOT_CHECKED, "finished_at": data.get("finished_at"), "error": data.get("error") or {},
                "html_path": str(html) if html.exists() else None}  # fmt: skip
    return None
