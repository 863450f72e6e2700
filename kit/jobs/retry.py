"""Repeat the runs that failed, as they were run, through the same gate as ``kit sync``; say what each re-run did.

Used by the painel's "Repetir as que falharam" button (:class:`RetryPanel`):

* the (channel, job) pairs whose **last** run failed are run again with the
  parameters that run had (:func:`run_parameters`: ``full``, ``dry_run``,
  ``since``, ``max_items`` and any notebook parameter, read from the run's
  papermill notebook, else from its JSON summary);
* the manual-sync gate holds (:func:`kit.jobs.runner.manual_run_refusal`): a
  channel switched off, or whose last go-live is not APTO, is refused unless
  the person forces it with a reason (recorded with the run, as
  ``kit sync --force --reason`` does);
* each re-run is judged by what it did (:func:`judge`): ``OK`` only when it
  ran to the end and either applied something or the channel answered a
  connection test; a re-run that sent nothing while the channel is down is
  ``falhou``, not ``OK``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["RetryResult", "run_parameters", "judge", "retry_failed", "RetryPanel", "OUTCOMES"]

#: Parameters a job notebook receives that are not the run's own choice (set again by the runner).
_RUNNER_PARAMS = {"channel", "workspace", "summary_path"}
#: What a re-run can end as, for a person.
OK, NOTHING, FAILED, REFUSED = "OK", "nada a enviar", "falhou", "recusada"
OUTCOMES = (OK, NOTHING, FAILED, REFUSED)


@dataclass(slots=True)
class RetryResult:
    """One re-run as the painel shows it (pt-BR)."""

    channel: str
    job: str
    outcome: str
    did: str
    reason: str = ""
    exit_code: int | None = None
    report: str = ""
    parameters: str = ""

    def row(self) -> dict[str, Any]:
        """The painel's table row (pt-BR column names)."""
        return {"canal": self.channel, "job": self.job, "situação": self.outcome, "o que fez": self.did,
                "motivo": self.reason, "parâmetros": self.parameters, "código de saída": self.exit_code,
                "relatório": self.report}  # fmt: skip


def _summary(report_path: Any) -> dict[str, Any]:
    if not report_path:
        return {}
    try:
        return json.loads(Path(str(report_path)).with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def run_parameters(row: dict[str, Any]) -> dict[str, Any]:
    """The parameters a recorded run had: ``dry_run``, ``full``, ``since``, ``max_items`` and ``params``.

    Read from the run record when it carries them (``params``), else from the
    papermill notebook it left (papermill records every parameter in the
    notebook's metadata), else from its JSON summary (``full``, ``dry_run``).
    """
    recorded = dict(row.get("params") or {})
    if not recorded and row.get("report_path"):
        try:
            nb = json.loads(Path(str(row["report_path"])).read_text(encoding="utf-8"))
            recorded = dict(((nb.get("metadata") or {}).get("papermill") or {}).get("parameters") or {})
        except (OSError, ValueError):
            recorded = {}
    summary = _summary(row.get("report_path"))
    for key in ("full", "dry_run"):
        if key not in recorded and key in summary:
            recorded[key] = summary[key]
    if "dry_run" not in recorded and "dry_run" in row:
        recorded["dry_run"] = row["dry_run"]
    out = {
        "dry_run": bool(recorded.pop("dry_run", False)),
        "full": bool(recorded.pop("full", False)),
        "since": recorded.pop("since", None),
        "max_items": recorded.pop("max_items", None),
    }
    out["params"] = {k: v for k, v in recorded.items() if k not in _RUNNER_PARAMS}
    return out


def describe_parameters(parameters: dict[str, Any]) -> str:
    """``--full --since 2026-01-01`` as the person would type it to ``kit sync`` ("" for a plain run)."""
    words = []
    if parameters.get("dry_run"):
        words.append("--dry-run")
    if parameters.get("full"):
        words.append("--full")
    if parameters.get("since"):
        words.append(f"--since {parameters['since']}")
    if parameters.get("max_items"):
        words.append(f"--max-items {parameters['max_items']}")
    words += [f"--param {k}={json.dumps(v, ensure_ascii=False)}" for k, v in sorted(parameters["params"].items())]
    return " ".join(words)


def _did(counts: dict[str, Any]) -> str:
    from kit.fmt import count_pt
    from kit.labels import COUNT_LABELS

    return ", ".join(f"{count_pt(int(counts.get(k) or 0))} {label}" for k, label in COUNT_LABELS.items())


def judge(summary: dict[str, Any], exit_code: int, probe: Any) -> tuple[str, str]:
    """(outcome, reason) of a re-run from its summary; ``probe()`` -> ``(ok, reason)`` asks the channel when needed.

    A run that applied nothing and failed nothing sent nothing: it is only
    ``nada a enviar`` when the channel answers; with the channel down it is
    ``falhou`` (its items are still waiting), never ``OK``.
    """
    counts = summary.get("counts") or {}
    if exit_code != 0:
        from kit.jobs.history import summary_reason

        return FAILED, summary_reason(summary) or "a execução terminou com erro (veja o relatório)"
    if int(counts.get("applied") or 0) > 0:
        return OK, ""
    if int(counts.get("failed") or 0) > 0:
        return FAILED, "itens recusados pelo canal (veja o relatório)"
    ok, why = probe()
    if not ok:
        return FAILED, f"nada foi enviado e o canal não respondeu: {why}"
    return NOTHING, "nada mudou desde o último envio aceito pelo canal"


def _probe(ws: Workspace, channel: str) -> Any:
    def probe() -> tuple[bool, str]:
        from kit.channels import ChannelRegistry
        from kit.connectors import connector_for
        from kit.errors import KitError

        try:
            connector = connector_for(ChannelRegistry(ws).get(channel), workspace=ws)
            report = connector.test_connection()
        except KitError as exc:
            return False, exc.message
        except Exception as exc:  # noqa: BLE001 - a probe that breaks says so, it does not pass
            return False, f"{type(exc).__name__}: {exc}"
        return bool(report.ok), "" if report.ok else str(report.message)

    return probe


def _forced(ws: Workspace, channel: str, force: bool, reason: str, by: str | None) -> tuple[dict[str, Any] | None, str]:
    """(forced record, refusal): the same gate as ``kit sync`` (:func:`kit.jobs.runner.manual_run_refusal`)."""
    from kit.jobs.runner import manual_run_refusal

    refusal = manual_run_refusal(ws, channel)
    if refusal is None:
        return None, ""
    if not force:
        return None, f"{refusal}; ligue o canal depois de um go-live APTO, ou force com um motivo"
    if not (reason or "").strip():
        return None, f"{refusal}; para forçar, escreva o motivo"
    from kit.golive.results import current_user

    return {"reason": reason.strip(), "by": current_user(by), "refusal": refusal}, ""


def retry_failed(
    ws: Workspace,
    runner: Any = None,
    *,
    force: bool = False,
    reason: str = "",
    by: str | None = None,
    probe: Any = None,
) -> list[RetryResult]:
    """Run again every (channel, job) whose last run failed, as it was run; see the module docstring.

    Args:
        runner: ``run_notebook_job``-like callable (tests pass a fake).
        force, reason, by: run past the manual-sync gate, recording who and why.
        probe: ``probe(channel) -> () -> (ok, reason)``; default: the channel's ``test_connection()``.
    """
    if runner is None:
        from kit.jobs.runner import run_notebook_job as runner
    from kit.errors import KitError
    from kit.jobs.history import last_runs

    last = last_runs(ws, raw=True)
    out: list[RetryResult] = []
    for row in last:
        if row.get("status") == "ok":
            continue
        channel, job = row["channel"], row["job"]
        parameters = run_parameters(row)
        shown = describe_parameters(parameters)
        try:
            # A simulation sends nothing: like `kit sync --dry-run`, it needs no gate.
            forced, refusal = (None, "") if parameters["dry_run"] else _forced(ws, channel, force, reason, by)
            if refusal:
                out.append(RetryResult(channel, job, REFUSED, "nada (não rodou)", refusal, None, "", shown))
                continue
            outcome = runner(job, channel, ws=ws, forced=forced, **{k: v for k, v in parameters.items()})
        except KitError as exc:
            out.append(RetryResult(channel, job, FAILED, "nada (não rodou)", exc.message, exc.exit_code, "", shown))
            continue
        summary = outcome.summary or {}
        check = probe(channel) if probe else _probe(ws, channel)
        state, why = judge(summary, outcome.exit_code, check)
        out.append(RetryResult(channel, job, state, _did(summary.get("counts") or {}), why, outcome.exit_code,
                               str(outcome.report_path or ""), shown))  # fmt: skip
    return out


class RetryPanel:
    """The "Repetir as que falharam" button, the force switch and reason, and what the re-runs did."""

    def __init__(self, ws: Workspace, runner: Any = None, probe: Any = None) -> None:
        import ipywidgets as w

        self.ws, self.runner, self.probe = ws, runner, probe
        self.button = w.Button(description="Repetir as que falharam", icon="refresh", button_style="warning")
        self.force = w.Checkbox(value=False, description="Forçar canal desligado ou sem go-live APTO", indent=False)
        self.reason = w.Text(placeholder="motivo (obrigatório para forçar)", layout=w.Layout(width="420px"))
        self.status = w.HTML()
        self.output = w.Output()
        self.results: list[RetryResult] = []
        self.button.on_click(self._on_click)
        self.widget = w.VBox([self.button, w.HBox([self.force, self.reason]), self.status, self.output])

    def _on_click(self, _button: Any = None) -> None:
        self.button.disabled = True
        self.status.value = "Executando…"
        self.output.clear_output()
        try:
            self.results = retry_failed(
                self.ws, self.runner, force=self.force.value, reason=self.reason.value, probe=self.probe
            )
        finally:
            self.button.disabled = False
        self.status.value = status_text(self.results)
        if self.results:
            with self.output:
                from IPython.display import display

                from kit.jobs.history import table_html

                display(table_html([r.row() for r in self.results]))


def status_text(results: list[RetryResult]) -> str:
    """``3 execuções repetidas: 1 OK, 1 falhou, 1 recusada.`` (pt-BR)."""
    if not results:
        return "Nenhuma execução com falha para repetir."
    counts = {o: sum(1 for r in results if r.outcome == o) for o in OUTCOMES}
    parts = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    return f"{len(results)} execuç{'ão repetida' if len(results) == 1 else 'ões repetidas'}: {parts}."
