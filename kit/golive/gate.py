"""The switch-on gate: a channel is enabled only after a passing go-live check.

:func:`enable` refuses (:class:`~kit.errors.GateError`, naming the reason and
the last report) unless the latest go-live result of the channel is ``APTO``
for the channel's environment, or ``force=True`` with a reason, in which case
the override is recorded in the workspace (``golive.json``, table ``gate``)
with who and when. :func:`disable` always works. The CLI (``kit channels
enable|disable``) and the configuration notebook both call these.
"""

from __future__ import annotations

from typing import Any

from kit.errors import ConfigurationError, GateError
from kit.golive.results import APTO, current_user, latest_result, now_iso

__all__ = ["enable", "disable", "gate_events", "GateDecision"]

GateDecision = dict[str, Any]


def _record(ws: Any, event: dict[str, Any]) -> None:
    with ws.table("golive", "gate") as table:
        table.insert(event)


def gate_events(ws: Any, channel: str) -> list[dict[str, Any]]:
    """Every enable/disable event of ``channel``, oldest first."""
    from tinydb import Query

    with ws.table("golive", "gate") as table:
        rows = table.search(Query().channel == channel)
    return sorted((dict(r) for r in rows), key=lambda r: r.get("at", ""))


def enable(ws: Any, name: str, force: bool = False, reason: str | None = None, by: str | None = None) -> GateDecision:
    """Switch channel ``name`` on if its latest go-live check passed (or with a forced, reasoned override).

    Returns:
        The recorded event: ``{channel, action, at, by, forced, reason, result_id, verdict, report_path}``.

    Raises:
        GateError: no passing check and no override.
        ConfigurationError: unknown channel, or ``force`` without a reason.
    """
    from kit.channels import ChannelRegistry

    registry = ChannelRegistry(ws)
    ch = registry.get(name)
    last = latest_result(ws, name)
    passed = bool(last) and last.get("verdict") == APTO
    env_ok = bool(last) and last.get("environment", ch.environment) == ch.environment
    if force:
        if not reason or not reason.strip():
            raise ConfigurationError(
                "a forced enable needs a reason",
                channel=name,
                hint='add --reason "why the go-live check is overridden"',
            )
    elif not (passed and env_ok):
        if last is None:
            why = "no go-live check has been run for this channel"
        elif not passed:
            why = f"the latest go-live check ({last.get('finished_at')}) is {last.get('verdict')}"
        else:
            why = f"the latest go-live check was for '{last.get('environment')}', the channel is '{ch.environment}'"
        report = (last or {}).get("html_path") or (last or {}).get("report_path")
        hint = f"see the report {report}, fix the blockers and run 'kit check golive --channel {name}'" if report else (
            f"run 'kit check golive --channel {name} --erp FILE'"
        )  # fmt: skip
        raise GateError(
            f"channel {name} was not enabled: {why}",
            channel=name,
            path=report,
            hint=hint + f", or override with 'kit channels enable {name} --force --reason \"...\"'",
        )
    event = {
        "channel": name,
        "action": "enable",
        "at": now_iso(),
        "by": current_user(by),
        "forced": bool(force and not (passed and env_ok)),
        "reason": (reason or "").strip(),
        "result_id": (last or {}).get("id"),
        "verdict": (last or {}).get("verdict"),
        "report_path": (last or {}).get("report_path"),
    }
    _record(ws, event)
    registry.update(name, enabled=True)
    return event


def disable(ws: Any, name: str, by: str | None = None) -> GateDecision:
    """Switch channel ``name`` off (always allowed); the event is recorded."""
    from kit.channels import ChannelRegistry

    registry = ChannelRegistry(ws)
    registry.update(name, enabled=False)
    event = {"channel": name, "action": "disable", "at": now_iso(), "by": current_user(by), "forced": False,
             "reason": ""}  # fmt: skip
    _record(ws, event)
    return event
