"""Scheduling: crontab / systemd lines from each channel's intervals, and what is due now.

One cron line every minute is enough: ``kit run-due`` runs every job whose
interval has elapsed. A job is due when

* the job is enabled in the channel's configuration,
* the channel is enabled,
* the channel's latest go-live check says APTO (no check = not passed),
* its last successful (non dry-run) start is older than its interval, or is
  in the future: the clock stepped back (NTP, a VM restored), and waiting for
  it to catch up would stop the job for as long as the step.
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DueJob",
    "due_jobs",
    "golive_passed",
    "last_ok_starts",
    "interval_to_cron",
    "crontab_text",
    "systemd_text",
    "run_due",
]

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
#: a recorded start later than now by more than this means the clock stepped back
CLOCK_SLACK_S = 60


@dataclass(slots=True)
class DueJob:
    channel: str
    job: str
    due: bool
    reason: str  # why it is (not) due, in English for the CLI
    interval_min: int
    last_ok_start: float | None = None


def golive_passed(ws: Any, channel: str, environment: str | None = None) -> bool:
    """True when the channel's latest go-live check says APTO (for its current environment)."""
    from kit.golive import latest_result

    result = latest_result(ws, channel)
    if not result or str(result.get("verdict", "")).upper() != "APTO":
        return False
    return environment is None or result.get("environment", environment) == environment


def last_ok_starts(ws: Any) -> dict[tuple[str, str], float]:
    """``(channel, job) -> start of the last successful, real (not dry-run) run``."""
    # One row per (channel, job), kept up to date by every append: the history itself is not read.
    return {key: last.last_ok_started_at for key, last in ws.runs.last().items() if last.last_ok_started_at is not None}


def due_jobs(ws: Any, now: float | None = None) -> list[DueJob]:
    """Every (channel, job) with whether it is due now and why."""
    from kit.channels import ChannelRegistry
    from kit.channeltypes import JOBS

    now = time.time() if now is None else now
    last = last_ok_starts(ws)
    out = []
    for ch in ChannelRegistry(ws).list():
        passed = golive_passed(ws, ch.name, ch.environment) if ch.enabled else False
        for job in JOBS:
            cfg = ch.jobs.get(job)
            if cfg is None:
                continue
            prev = last.get((ch.name, job))
            if not ch.enabled:
                due, why = False, "channel disabled"
            elif not passed:
                due, why = False, "go-live check not passed"
            elif not cfg.enabled:
                due, why = False, "job disabled"
            elif prev is None:
                due, why = True, "never ran"
            elif prev > now + CLOCK_SLACK_S:
                due, why = True, f"last ok start is {int((prev - now) // 60)} min in the future (clock stepped back)"
            elif now - prev >= cfg.interval_min * 60 - 5:  # 5 s slack: cron starts are not exact
                due, why = True, f"last ok start {int((now - prev) // 60)} min ago"
            else:
                due, why = False, f"ran {int((now - prev) // 60)} min ago (every {cfg.interval_min} min)"
            out.append(DueJob(ch.name, job, due, why, cfg.interval_min, prev))
    return out


def run_due(ws: Any, now: float | None = None, *, dry_run: bool = False, runner: Any = None) -> list[dict[str, Any]]:
    """Run every due job (sequentially); returns one row per job run.

    Each job runs through its notebook, or in process when the job setting ``scheduled_runs`` is ``in-process``
    (:func:`kit.jobs.runner.run_scheduled_job`).
    """
    from kit.errors import KitError, LockHeldError

    if runner is None:
        from kit.jobs.runner import run_scheduled_job as runner
    results = []
    for d in due_jobs(ws, now):
        if not d.due:
            continue
        try:
            outcome = runner(d.job, d.channel, dry_run=dry_run, ws=ws)
            results.append(
                {"channel": d.channel, "job": d.job, "exit_code": outcome.exit_code,
                 "status": outcome.summary.get("status"), "report_path": str(outcome.report_path)}
            )  # fmt: skip
        except LockHeldError as exc:
            results.append(
                {"channel": d.channel, "job": d.job, "exit_code": 3, "status": "locked", "error": exc.message}
            )
        except KitError as exc:
            results.append({"channel": d.channel, "job": d.job, "exit_code": exc.exit_code, "status": "failed",
                            "error": exc.message})  # fmt: skip
    return results


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


def _environment(ws: Any) -> list[tuple[str, str]]:
    """``(name, value)`` of the variables a scheduled run needs."""
    pairs = [("KIT_WORKSPACE", str(Path(ws.root).resolve()))]
    for name in ("KIT_SECRETS", "KIT_REPORTS", "KIT_MAPPINGS", "KIT_ERP_DIR", "KIT_OUTBOX"):
        if os.environ.get(name):
            pairs.append((name, os.environ[name]))
    return pairs


def _cron(word: str) -> str:
    """A shell word for a crontab line: quoted, and ``%`` escaped (cron turns a bare one into a newline)."""
    return shlex.quote(word).replace("%", "\\%")


def _env_prefix(ws: Any) -> str:
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


def crontab_text(ws: Any) -> str:
    """Crontab lines: the single ``run-due`` line, and the per-job alternative."""
    from kit.channels import ChannelRegistry

    kit = " ".join(_cron(w) for w in _kit_command())
    cd = f"cd {_cron(str(REPO_ROOT))}"
    env = _env_prefix(ws)
    log = _cron(str(Path(os.environ.get("KIT_REPORTS") or REPO_ROOT / "reports") / "cron.log"))
    lines = [
        "# canais-kit schedule (from 'kit schedule'); install with 'crontab -e'.",
        "# Recommended: one line; every minute it runs the jobs whose interval has elapsed",
        "# (enabled channels that passed the go-live check only).",
        f"* * * * * {cd} && {env} {kit} run-due >> {log} 2>&1",
        "",
        "# Alternative: one line per job (use either this block or the line above, not both).",
    ]
    for ch in ChannelRegistry(ws).list():
        if not ch.enabled:
            lines.append(f"# {ch.name}: channel disabled, not scheduled")
            continue
        if not golive_passed(ws, ch.name, ch.environment):
            lines.append(f"# {ch.name}: go-live check not passed, not scheduled")
            continue
        for job, cfg in ch.jobs.items():
            if not cfg.enabled:
                lines.append(f"# {ch.name} {job}: job disabled")
                continue
            expr = interval_to_cron(cfg.interval_min)
            cmd = f"{cd} && {env} {kit} sync {job} --channel {ch.name} >> {log} 2>&1"
            if expr is None:
                lines.append(f"# {ch.name} {job}: every {cfg.interval_min} min cannot be written in cron; use run-due")
            else:
                lines.append(f"{expr} {cmd}")
    return "\n".join(lines) + "\n"


def systemd_text(ws: Any) -> str:
    """systemd user units: a run-due timer every minute (and per-job timers as an alternative)."""
    from kit.channels import ChannelRegistry

    kit = " ".join(_unit(w) for w in _kit_command())
    env_lines = "".join(f"Environment={_unit(f'{name}={value}', command=False)}\n" for name, value in _environment(ws))
    workdir = _unit_path(REPO_ROOT)
    out = [
        "# canais-kit systemd user units (from 'kit schedule --systemd').",
        "# Save under ~/.config/systemd/user/, then: systemctl --user enable --now canais-kit-run-due.timer",
        "",
        "# --- canais-kit-run-due.service",
        "[Unit]\nDescription=canais-kit: run the sync jobs that are due\n",
        f"[Service]\nType=oneshot\nWorkingDirectory={workdir}\n{env_lines}ExecStart={kit} run-due\n",
        "# --- canais-kit-run-due.timer",
        "[Unit]\nDescription=canais-kit: every minute\n",
        "[Timer]\nOnCalendar=*-*-* *:*:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n",
        "# Alternative (instead of run-due): one timer per job, at the channel's interval.",
    ]
    for ch in ChannelRegistry(ws).list():
        if not ch.enabled or not golive_passed(ws, ch.name, ch.environment):
            out.append(f"# {ch.name}: not scheduled ({'disabled' if not ch.enabled else 'go-live not passed'})")
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
