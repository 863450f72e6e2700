"""Scheduling: crontab / systemd lines from each channel's intervals, and what is due now.

One cron line every minute is enough: ``kit run-due`` runs every job whose
interval has elapsed. A job is due when

* the job is enabled in the channel's configuration,
* the channel is enabled,
* the channel's latest go-live check says APTO (no check = not passed),
* its last successful (non dry-run) start is older than its interval, or is
  in the future: the clock stepped back (NTP, a VM restored), and waiting for
  it to catch up would stop the job for as long as the step,
* and it is not waiting out a backoff after failures in a row
  (:mod:`kit.scale.backoff`: 1, 2, 4... minutes, at most an hour).

Each :class:`DueJob` says why in pt-BR (``reason``, for people) and as a stable
English ``code`` (for scripts and the Airflow DAG). :func:`run_due` runs the due
ones concurrently through :mod:`kit.scale`, one pass at a time.
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = [
    "DueJob",
    "due_jobs",
    "golive_passed",
    "last_ok_starts",
    "interval_to_cron",
    "crontab_text",
    "systemd_text",
    "run_due",
    "account_of",
]

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
#: a recorded start later than now by more than this means the clock stepped back
CLOCK_SLACK_S = 60
#: cron starts are not exact: a job is due this many seconds before its interval ends
START_SLACK_S = 5


@dataclass(slots=True)
class DueJob:
    """One (channel, job) and whether it is due now.

    ``code`` is one of ``channel_disabled``, ``golive_not_passed``,
    ``job_disabled``, ``never_ran``, ``clock_stepped_back``, ``interval_elapsed``,
    ``ran_recently``, ``backoff``; ``reason`` says the same to a person (pt-BR).
    """

    channel: str
    job: str
    due: bool
    reason: str
    interval_min: int
    last_ok_start: float | None = None
    code: str = ""
    type: str = ""
    account: str = ""
    credentials_ref: str = ""
    failures: int = 0
    next_attempt_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kit run-due --list --json`` (English keys)."""
        return {
            "channel": self.channel, "job": self.job, "type": self.type, "due": self.due, "code": self.code,
            "why": self.reason, "interval_min": self.interval_min, "last_ok_start": self.last_ok_start,
            "failures": self.failures, "next_attempt_at": self.next_attempt_at, "account": self.account,
            "credentials_ref": self.credentials_ref,
        }  # fmt: skip


def golive_passed(ws: Workspace, channel: str, environment: str | None = None) -> bool:
    """True when the channel's latest go-live check says APTO (for its current environment)."""
    from kit.golive import latest_result

    return _passed(latest_result(ws, channel), environment)


def _passed(result: dict[str, Any] | None, environment: str | None) -> bool:
    if not result or str(result.get("verdict", "")).upper() != "APTO":
        return False
    return environment is None or result.get("environment", environment) == environment


def _latest_results(ws: Workspace) -> dict[str, dict[str, Any]]:
    """``channel -> latest go-live result``, the results table read once (not once per channel)."""
    with ws.table("golive", "results") as table:
        rows = table.all()
    out: dict[str, dict[str, Any]] = {}
    for row in rows:  # inserted oldest first: the last one per channel wins, as in latest_result
        out[str(row.get("channel"))] = dict(row)
    return out


def last_ok_starts(ws: Workspace) -> dict[tuple[str, str], float]:
    """``(channel, job) -> start of the last successful, real (not dry-run) run``."""
    from kit.scale.backoff import run_streaks

    return {k: s.last_ok_start for k, s in run_streaks(ws).items() if s.last_ok_start is not None}


def account_of(channel: Channel) -> str:
    """The channel account a job draws its rate limit from (as the connectors key their buckets)."""
    return f"{channel.type}|{channel.credentials_ref or channel.name}|{channel.base_url or ''}"


def due_jobs(
    ws: Workspace, now: float | None = None, *, channel: str | None = None, job: str | None = None, backoff: bool = True
) -> list[DueJob]:
    """Every (channel, job) with whether it is due now and why (optionally one channel and/or one job).

    ``backoff=False`` leaves the failure backoff out: an Airflow retry, whose timing Airflow decides.
    """
    from kit.channels import ChannelRegistry
    from kit.channeltypes import JOBS
    from kit.scale.backoff import Streak, run_streaks

    now = time.time() if now is None else now
    streaks = run_streaks(ws)
    results = _latest_results(ws)
    out = []
    for ch in ChannelRegistry(ws).list():
        if channel is not None and ch.name != channel:
            continue
        passed = _passed(results.get(ch.name), ch.environment) if ch.enabled else False
        for name in JOBS:
            cfg = ch.jobs.get(name)
            if cfg is None or (job is not None and name != job):
                continue
            streak = streaks.get((ch.name, name)) or Streak()
            due, code, why = _decide(ch.enabled, passed, cfg, streak if backoff else _no_failures(streak), now)
            out.append(
                DueJob(ch.name, name, due, why, cfg.interval_min, streak.last_ok_start, code, ch.type, account_of(ch),
                       ch.credentials_ref, streak.failures, streak.next_attempt_at())
            )  # fmt: skip
    return out


def _no_failures(streak: Any) -> Any:
    from kit.scale.backoff import Streak

    return Streak(streak.last_ok_start)


def _decide(enabled: bool, passed: bool, cfg: Any, streak: Any, now: float) -> tuple[bool, str, str]:
    """``(due, code, reason)`` for one job of one channel."""
    prev = streak.last_ok_start
    if not enabled:
        return False, "channel_disabled", "canal desligado"
    if not passed:
        return False, "golive_not_passed", "go-live não aprovado (sem verificação APTO)"
    if not cfg.enabled:
        return False, "job_disabled", "job desligado"
    if prev is None:
        due, code, why = True, "never_ran", "nunca rodou com sucesso"
    elif prev > now + CLOCK_SLACK_S:
        ahead = int((prev - now) // 60)
        due, code = True, "clock_stepped_back"
        why = f"último início com sucesso {ahead} min no futuro (o relógio voltou)"
    elif now - prev >= cfg.interval_min * 60 - START_SLACK_S:
        due, code, why = True, "interval_elapsed", f"último início com sucesso há {int((now - prev) // 60)} min"
    else:
        ago = int((now - prev) // 60)
        return False, "ran_recently", f"rodou há {ago} min (a cada {cfg.interval_min} min)"
    retry_at = streak.next_attempt_at()
    if retry_at is not None and now < retry_at and streak.last_failure_start <= now + CLOCK_SLACK_S:
        wait = max(1, int((retry_at - now + 59) // 60))
        plural = "s" if streak.failures > 1 else ""
        why = (
            f"{streak.failures} falha{plural} seguida{plural} (código {streak.last_exit_code}); "
            f"próxima tentativa em {wait} min (espera crescente)"
        )
        return False, "backoff", why
    return due, code, why


def run_due(
    ws: Workspace,
    now: float | None = None,
    *,
    dry_run: bool = False,
    runner: Any = None,
    limits: Any = None,
    channel: str | None = None,
    job: str | None = None,
    backoff: bool = True,
) -> list[dict[str, Any]]:
    """Run every due job, concurrently within ``limits``; one result row per job started.

    ``runner`` (``runner(job, channel, dry_run=, ws=)`` returning a
    :class:`~kit.jobs.runner.RunOutcome`) replaces the notebook runner, run in
    threads of this process (tests, scripts); without it the jobs run in worker
    processes (:mod:`kit.scale.dispatch`). Each job is checked again under its
    (channel, job) lock before it runs, so a job another process ran meanwhile
    is not run twice (``status: not_due``).
    """
    from kit.scale.dispatch import PassLimits, run_pass

    due = [d for d in due_jobs(ws, now, channel=channel, job=job, backoff=backoff) if d.due]
    return run_pass(ws, due, limits or PassLimits.from_env(), dry_run=dry_run, runner=runner, backoff=backoff)


def interval_to_cron(minutes: int) -> str | None:
    """A cron expression for 'every ``minutes``', or None when cron cannot say it exactly."""
    if minutes < 60 and 60 % minutes == 0:
        return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"
    if minutes % 60 == 0:
        hours = minutes // 60
        if hours < 24 and 24 % hours == 0:
            return "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
        if hours == 24:
            return "0 0 * * *"
    return None


def _kit_command() -> list[str]:
    """The words that start the kit: its console script beside this Python, else ``python -m kit``."""
    exe = Path(sys.executable).with_name("kit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kit"]


def _environment(ws: Workspace) -> list[tuple[str, str]]:
    """``(name, value)`` of the variables a scheduled run needs."""
    pairs = [("KIT_WORKSPACE", str(Path(ws.root).resolve()))]
    for name in ("KIT_SECRETS", "KIT_REPORTS", "KIT_MAPPINGS", "KIT_ERP_DIR", "KIT_OUTBOX"):
        if os.environ.get(name):
            pairs.append((name, os.environ[name]))
    return pairs


def _cron(word: str) -> str:
    """A shell word for a crontab line: quoted, and ``%`` escaped (cron turns a bare one into a newline)."""
    return shlex.quote(word).replace("%", "\\%")


def _env_prefix(ws: Workspace) -> str:
    return " ".join(f"{name}={_cron(value)}" for name, value in _environment(ws))


def _unit(word: str, *, command: bool = True) -> str:
    """A word of a systemd command line (or, ``command=False``, an Environment= assignment).

    Double-quoted with ``\\`` and ``"`` escaped, ``%`` written ``%%`` (specifiers), and in a
    command line ``$`` written ``$$`` (variable expansion).
    """
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    if command:
        escaped = escaped.replace("$", "$$")
    return f'"{escaped}"'


def _unit_path(path: Path | str) -> str:
    """A path as a systemd setting value (WorkingDirectory=): taken whole, only ``%`` escaped."""
    return str(path).replace("%", "%%")


def crontab_text(ws: Workspace) -> str:
    """Crontab lines: the single ``run-due`` line, and the per-job alternative."""
    from kit.channels import ChannelRegistry

    kit = " ".join(_cron(w) for w in _kit_command())
    cd = f"cd {_cron(str(REPO_ROOT))}"
    env = _env_prefix(ws)
    log = _cron(str(Path(os.environ.get("KIT_REPORTS") or REPO_ROOT / "reports") / "cron.log"))
    lines = [
        "# agenda do canais-kit (gerada por 'kit schedule'); instale com 'crontab -e'.",
        "# Recomendado: uma linha só; a cada minuto ela roda os jobs cujo intervalo já passou",
        "# (só de canais ligados que passaram na verificação de go-live).",
        f"* * * * * {cd} && {env} {kit} run-due >> {log} 2>&1",
        "",
        "# Alternativa: uma linha por job (use este bloco ou a linha acima, nunca os dois).",
    ]
    for ch in ChannelRegistry(ws).list():
        if not ch.enabled:
            lines.append(f"# {ch.name}: canal desligado, fora da agenda")
            continue
        if not golive_passed(ws, ch.name, ch.environment):
            lines.append(f"# {ch.name}: não passou na verificação de go-live, fora da agenda")
            continue
        for job, cfg in ch.jobs.items():
            if not cfg.enabled:
                lines.append(f"# {ch.name} {job}: job desligado")
                continue
            expr = interval_to_cron(cfg.interval_min)
            cmd = f"{cd} && {env} {kit} sync {job} --channel {ch.name} >> {log} 2>&1"
            if expr is None:
                lines.append(
                    f"# {ch.name} {job}: a cada {cfg.interval_min} min não cabe numa linha do cron; use o run-due"
                )
            else:
                lines.append(f"{expr} {cmd}")
    return "\n".join(lines) + "\n"


def systemd_text(ws: Workspace) -> str:
    """systemd user units: a run-due timer every minute (and per-job timers as an alternative)."""
    from kit.channels import ChannelRegistry

    kit = " ".join(_unit(w) for w in _kit_command())
    env_lines = "".join(f"Environment={_unit(f'{name}={value}', command=False)}\n" for name, value in _environment(ws))
    workdir = _unit_path(REPO_ROOT)
    out = [
        "# units de usuário do systemd para o canais-kit (geradas por 'kit schedule --systemd').",
        "# Salve em ~/.config/systemd/user/ e depois rode: systemctl --user enable --now canais-kit-run-due.timer",
        "",
        "# --- canais-kit-run-due.service",
        "[Unit]\nDescription=canais-kit: roda os jobs de sincronização devidos\n",
        f"[Service]\nType=oneshot\nWorkingDirectory={workdir}\n{env_lines}ExecStart={kit} run-due\n",
        "# --- canais-kit-run-due.timer",
        "[Unit]\nDescription=canais-kit: a cada minuto\n",
        "[Timer]\nOnCalendar=*-*-* *:*:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n",
        "# Alternativa (no lugar do run-due): um timer por job, no intervalo do canal.",
    ]
    for ch in ChannelRegistry(ws).list():
        if not ch.enabled or not golive_passed(ws, ch.name, ch.environment):
            why = "canal desligado" if not ch.enabled else "não passou na verificação de go-live"
            out.append(f"# {ch.name}: fora da agenda ({why})")
            continue
        for job, cfg in ch.jobs.items():
            if not cfg.enabled:
                continue
            unit = f"canais-kit-{ch.name}-{job}"
            out.append(f"# --- {unit}.service")
            out.append(
                f"[Service]\nType=oneshot\nWorkingDirectory={workdir}\n{env_lines}"
                f"ExecStart={kit} sync {job} --channel {ch.name}\n"
            )
            out.append(f"# --- {unit}.timer")
            out.append(
                f"[Timer]\nOnBootSec=2min\nOnUnitActiveSec={cfg.interval_min}min\n\n[Install]\nWantedBy=timers.target\n"
            )
    return "\n".join(out) + "\n"
