"""The switch-on gate: a channel is enabled only after a passing go-live check.

:func:`enable` refuses (:class:`~kit.errors.GateError`, naming the reason and
the last report) unless the latest go-live result of the channel is ``APTO``
for the channel's environment, or ``force=True`` with a reason, in which case
the override is recorded in the workspace (``golive.json``, table ``gate``)
with who and when. A passing result no longer counts once the channel's
configuration changed after it (:func:`checked_config`: type, company,
environment, address, credentials reference, settings, rate, jobs): the check
must be run again for what will actually be switched on. :func:`disable` always works. The CLI (``kit channels
enable|disable``) and the configuration notebook both call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.errors import ConfigurationError, GateError
from kit.fmt import when_pt
from kit.golive.results import APTO, current_user, latest_result, now_iso

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = ["enable", "disable", "gate_events", "GateDecision", "checked_config", "config_changes"]

GateDecision = dict[str, Any]


def checked_config(channel: Channel) -> dict[str, Any]:
    """What of a channel's configuration a go-live check depends on (stored with each result).

    Type, company, environment, address, credentials reference, settings, the
    rate limit override and every job's interval and batch (the capacity planner
    used them). Name, the on/off switch and timestamps are left out.
    """
    return {
        "type": channel.type,
        "company": channel.company,
        "environment": channel.environment,
        "base_url": channel.base_url,
        "credentials_ref": channel.credentials_ref,
        "settings": dict(sorted(channel.settings.items())),
        "rate_limit_per_second": channel.rate_limit_per_second,
        "jobs": {
            job: {"interval_min": cfg.interval_min, "batch_size": cfg.batch_size, "enabled": cfg.enabled}
            for job, cfg in sorted(channel.jobs.items())
        },
    }


def config_changes(result: dict[str, Any], channel: Channel) -> list[str]:
    """The configuration fields that changed since ``result`` was checked ([] when unchanged or unknown)."""
    then = result.get("channel_config")
    if not then:  # a result recorded before configurations were stored with it
        return []
    now = checked_config(channel)
    return sorted(k for k in now.keys() | then.keys() if now.get(k) != then.get(k))


def _record(ws: Workspace, event: dict[str, Any]) -> None:
    with ws.table("golive", "gate") as table:
        table.insert(event)


def gate_events(ws: Workspace, channel: str) -> list[dict[str, Any]]:
    """Every enable/disable event of ``channel``, oldest first."""
    from tinydb import Query

    with ws.table("golive", "gate") as table:
        rows = table.search(Query().channel == channel)
    return sorted((dict(r) for r in rows), key=lambda r: r.get("at", ""))


def enable(
    ws: Workspace, name: str, force: bool = False, reason: str | None = None, by: str | None = None
) -> GateDecision:
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
    changed = config_changes(last, ch) if last else []
    env_ok = env_ok and not changed
    if force:
        if not reason or not reason.strip():
            raise ConfigurationError(
                "ligar à força precisa de um motivo",
                channel=name,
                hint='acrescente --reason "por que o go-live é ignorado"',
            )
    elif not (passed and env_ok):
        if last is None:
            why = "nenhum go-live foi verificado para este canal"
        elif not passed:
            why = f"o último go-live ({when_pt(last.get('finished_at'))}) deu {last.get('verdict')}"
        elif last.get("environment", ch.environment) != ch.environment:
            why = f"o último go-live foi do ambiente '{last.get('environment')}', e o canal está em '{ch.environment}'"
        else:
            why = (
                f"a configuração do canal mudou depois do último go-live ({when_pt(last.get('finished_at'))}): "
                + ", ".join(changed)
            )
        report = (last or {}).get("html_path") or (last or {}).get("report_path")
        if passed and changed:
            hint = f"rode 'kit check golive --channel {name}' de novo, com a configuração como está agora"
        elif report:
            hint = f"veja o relatório {report}, corrija os bloqueios e rode 'kit check golive --channel {name}'"
        else:
            hint = f"rode 'kit check golive --channel {name} --erp ARQUIVO'"
        raise GateError(
            f"o canal {name} não foi ligado: {why}",
            channel=name,
            path=report,
            hint=hint + f", ou passe por cima com 'kit channels enable {name} --force --reason \"...\"'",
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


def disable(ws: Workspace, name: str, by: str | None = None) -> GateDecision:
    """Switch channel ``name`` off (always allowed); the event is recorded."""
    from kit.channels import ChannelRegistry

    registry = ChannelRegistry(ws)
    registry.update(name, enabled=False)
    event = {"channel": name, "action": "disable", "at": now_iso(), "by": current_user(by), "forced": False,
             "reason": ""}  # fmt: skip
    _record(ws, event)
    return event
