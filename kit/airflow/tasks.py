"""What the DAG's tasks do, in plain Python: list the due jobs, run one, map its exit code.

This module runs inside Airflow's own virtualenv, not the kit's: it imports the
standard library only (Airflow lazily, where a task needs it) and talks to the
kit through its command line, the kit's public contract:

* :func:`list_due` runs ``kit run-due --list --json`` and keeps the due jobs:
  channel, job, type, credentials reference, the Airflow connection holding
  its credentials and the names of the ``KIT_SECRET__*`` variables to fill.
  What it returns goes to XCom: names only, never a secret.
* :func:`run_job` runs ``kit run-due --channel C --job J --json`` (the job is
  checked again under its lock, run once, recorded) in a child process whose
  environment is built here: a few neutral variables, the kit's settings from
  the loader and the channel's credentials read from its Airflow connection at
  run time as ``KIT_SECRET__<REF>__<KEY>``. Airflow's own variables (its
  database address, its Fernet key) never reach the kit; the credentials never
  reach this process's environment, the task's arguments, XCom or its log.
* :func:`action_for` maps the exit code: 0 ok, 1 failures (raise: Airflow
  retries, with backoff), 2 configuration (fail, no retry), 3 lock held or no
  longer due (skipped). Anything else (killed, crashed) is retried.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from typing import Any

__all__ = [
    "OK",
    "RETRY",
    "FAIL",
    "SKIP",
    "action_for",
    "base_env",
    "credentials_env",
    "list_due",
    "run_job",
    "KitRunFailed",
]

OK, RETRY, FAIL, SKIP = "ok", "retry", "fail", "skip"
#: variables of the worker a kit process may inherit; nothing else of Airflow's environment goes along
PASS_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "LOGNAME")
LIST_TIMEOUT_S = 300
TAIL_LINES = 40


class KitRunFailed(RuntimeError):
    """The kit run failed in a way worth retrying (exit 1, or the process died)."""


def action_for(exit_code: int, result: dict[str, Any] | None = None) -> str:
    """What Airflow does with a ``kit run-due --channel C --job J`` exit code."""
    if exit_code == 0:
        return SKIP if (result or {}).get("status") == "not_due" else OK
    if exit_code == 2:
        return FAIL
    if exit_code == 3:
        return SKIP
    return RETRY


def base_env(config: dict[str, Any]) -> dict[str, str]:
    """The neutral variables of this worker plus the kit's settings from the loader (no secret among them)."""
    env = {k: os.environ[k] for k in PASS_THROUGH if k in os.environ}
    env.update({str(k): str(v) for k, v in (config.get("env") or {}).items()})
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def credentials_env(entry: dict[str, Any], extras: dict[str, Any], mask: Callable[[str], None]) -> dict[str, str]:
    """``KIT_SECRET__*`` variables from a connection's extra fields (each value masked in Airflow's logs first).

    Only the keys the channel type declares are taken (``entry["secret_env"]``:
    key -> variable name, from the kit); a field the type does not know is
    ignored, so a typo cannot smuggle a variable into the kit's environment.
    """
    names: dict[str, str] = entry.get("secret_env") or {}
    env = {}
    for key, value in extras.items():
        if key in names and value not in (None, ""):
            text = value if isinstance(value, str) else json.dumps(value)
            mask(text)
            env[names[key]] = text
    return env


def _kit(config: dict[str, Any]) -> list[str]:
    return [str(w) for w in config["kit"]]


def _tail(text: str) -> str:
    lines = (text or "").strip().splitlines()
    return "\n".join(lines[-TAIL_LINES:])


def list_due(config: dict[str, Any], env_extra: dict[str, str] | None = None, log: Callable[[str], None] = print):
    """The due jobs, as the kit lists them now (a list of small dicts, for XCom)."""
    env = {**base_env(config), **(env_extra or {})}
    proc = subprocess.run([*_kit(config), "run-due", "--list", "--json"], capture_output=True, text=True, env=env,
                          timeout=LIST_TIMEOUT_S, cwd=config.get("cwd") or None)  # fmt: skip
    if proc.returncode != 0:
        log(_tail(proc.stderr))
        raise KitRunFailed(f"'kit run-due --list' saiu com código {proc.returncode}")
    keep = ("channel", "job", "type", "credentials_ref", "connection", "secret_env", "why", "account")
    due = [{k: row.get(k) for k in keep} for row in json.loads(proc.stdout) if row.get("due")]
    log(f"{len(due)} jobs devidos de {len(json.loads(proc.stdout))} configurados")
    return due


def run_job(
    config: dict[str, Any],
    entry: dict[str, Any],
    secrets_env: dict[str, str],
    log: Callable[[str], None] = print,
    *,
    retry: bool = False,
) -> tuple[str, dict[str, Any]]:
    """Run one due job through the kit; ``(action, result)`` (see :func:`action_for`).

    ``retry``: this is Airflow retrying the task after a failure, so the kit's own
    backoff (which that failure started) must not turn the retry into a skip.
    """
    cmd = [*_kit(config), "run-due", "--channel", str(entry["channel"]), "--job", str(entry["job"]), "--json"]
    if config.get("no_notebook"):
        cmd.append("--no-notebook")
    if retry:
        cmd.append("--no-backoff")
    env = {**base_env(config), **secrets_env}
    timeout = float(config.get("job_timeout_s") or 6 * 3600)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=config.get("cwd") or None)  # fmt: skip
    result: dict[str, Any] = {}
    try:
        rows = json.loads(proc.stdout or "[]")
        result = rows[0] if isinstance(rows, list) and rows else {}
    except ValueError:
        result = {}
    if proc.stderr.strip():
        log(_tail(proc.stderr))
    summary = {k: result.get(k) for k in ("channel", "job", "status", "exit_code", "report_path", "error", "why")}
    summary["exit_code"] = proc.returncode
    log(f"{entry['channel']} {entry['job']}: código {proc.returncode}, {summary.get('status') or 'sem resumo'}")
    return action_for(proc.returncode, result), summary
