"""``kit schedule --airflow DIR``: the three files an Airflow installation needs to run the kit.

* ``canais_kit_dag.py`` - the loader, for Airflow's dags folder: where the kit
  is and its settings (workspace, reports...), then the kit's static DAG
  (:mod:`kit.airflow.dag`). No secret, no channel list: channels are read from
  the kit at every run.
* ``pools.json`` - one pool per channel type (``airflow pools import``), slots
  from the type's rate limit: a task can use its account's whole rate by itself,
  so more tasks of one type than its requests per second would mostly wait on
  the shared rate-limit buckets. Raise them when many accounts of one type run.
* ``connections.template.json`` - one connection per channel (``generic``,
  each credential key an empty extra field) for ``airflow connections import``
  or a secrets backend file; mode 0600 (fill it in, import, delete it). The
  kit never writes a credential into it.

The names shared with the DAG (connection id, ``KIT_SECRET__*`` variables)
are decided here and handed to it through ``kit run-due --list --json``.
"""

from __future__ import annotations

import json
import os
import pprint
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.channeltypes import ChannelType
    from kit.store import Workspace

__all__ = [
    "connection_id",
    "secret_env_names",
    "pool_slots",
    "pools",
    "connections_template",
    "loader_config",
    "write_airflow_files",
    "DATABASE_CONNECTION",
    "LOADER_NAME",
]

CONNECTION_PREFIX = "canais_kit_"
DATABASE_CONNECTION = "canais_kit_database"
LOADER_NAME = "canais_kit_dag.py"
POOLS_NAME = "pools.json"
CONNECTIONS_NAME = "connections.template.json"
MAX_POOL_SLOTS = 32
#: the kit's settings a scheduled run needs (KIT_SECRETS: the file where rotated OAuth tokens are kept on one
#: machine); the credentials, KIT_DATABASE_URL and KIT_TOKEN_KEY come from Airflow connections
SETTINGS_ENV = ("KIT_WORKSPACE", "KIT_REPORTS", "KIT_MAPPINGS", "KIT_ERP_DIR", "KIT_OUTBOX", "KIT_NOTEBOOKS",
                "KIT_TIMEZONE", "KIT_RATE_BUCKETS", "KIT_SECRETS")  # fmt: skip


def connection_id(channel: Channel) -> str:
    """The Airflow connection holding ``channel``'s credentials."""
    return f"{CONNECTION_PREFIX}{channel.name}"


def secret_env_names(channel: Channel) -> dict[str, str]:
    """``credential key -> KIT_SECRET__<REF>__<KEY>`` for every key the channel's type declares."""
    from kit.secrets import env_var_name

    return {key: env_var_name(channel.credentials_ref, key) for key in channel.channel_type.credential_keys()}


def pool_slots(channel_type: ChannelType) -> int:
    """Slots of a channel type's pool: its requests per second, 1 to :data:`MAX_POOL_SLOTS`."""
    return max(1, min(MAX_POOL_SLOTS, round(channel_type.rate_limit.per_second)))


def pools() -> dict[str, dict[str, Any]]:
    """``airflow pools import`` content: one pool per channel type."""
    from kit.airflow.dag import POOL_PREFIX
    from kit.channeltypes import CHANNEL_TYPES

    return {
        POOL_PREFIX + t.name: {
            "slots": pool_slots(t),
            "description": f"canais-kit: jobs de {t.label} ({t.rate_limit.per_second:g} req/s; {t.rate_limit.source})",
            "include_deferred": False,
        }
        for t in CHANNEL_TYPES.values()
    }


def connections_template(channels: list[Any], *, database: bool = False) -> dict[str, dict[str, Any]]:
    """One empty connection per channel (and the database's, when the kit uses one)."""
    out: dict[str, dict[str, Any]] = {}
    for ch in channels:
        out[connection_id(ch)] = {
            "conn_type": "generic",
            "description": f"canais-kit: credenciais do canal {ch.name} ({ch.channel_type.label}, empresa "
            f"{ch.company}, {ch.environment})",
            "extra": {key: "" for key in ch.channel_type.credential_keys()},
        }
    if database:
        out[DATABASE_CONNECTION] = {
            "conn_type": "generic",
            "description": "canais-kit: banco compartilhado (url = KIT_DATABASE_URL, token_key = KIT_TOKEN_KEY)",
            "extra": {"url": "", "token_key": ""},
        }
    return out


def loader_config(ws: Workspace, *, schedule: str | None = None, no_notebook: bool = False) -> dict[str, Any]:
    """What the loader hands the DAG: the kit's command and settings, the channel types, the schedule."""
    from kit.channeltypes import CHANNEL_TYPES
    from kit.jobs.schedule import REPO_ROOT, _kit_command

    env = {"KIT_WORKSPACE": str(Path(ws.root).resolve())}
    env.update({k: os.environ[k] for k in SETTINGS_ENV if k != "KIT_WORKSPACE" and os.environ.get(k)})
    return {
        "kit": _kit_command(),
        "cwd": str(REPO_ROOT),
        "env": env,
        "types": sorted(CHANNEL_TYPES),
        "schedule": schedule or "* * * * *",
        "retries": 2,
        "retry_delay_s": 60,
        "max_active_runs": 4,
        "database_connection": DATABASE_CONNECTION if os.environ.get("KIT_DATABASE_URL") else None,
        "no_notebook": bool(no_notebook),
    }


def _loader_text(config: dict[str, Any]) -> str:
    from kit.jobs.schedule import REPO_ROOT

    return (
        "\"\"\"canais-kit DAG loader, written by 'kit schedule --airflow': put it in Airflow's dags folder.\n\n"
        "The DAG is static, in the kit (kit/airflow/dag.py); this file only says where the kit is and how\n"
        "to run it. Channels are read from the kit at every run. Write it again with 'kit schedule --airflow'\n"
        'after moving or upgrading the kit. No secret here: credentials come from Airflow connections.\n"""\n\n'
        "import sys\n\n"
        f"KIT_ROOT = {str(REPO_ROOT)!r}\n"
        f"CONFIG = {pprint.pformat(config, width=100, sort_dicts=False)}\n\n"
        "if KIT_ROOT not in sys.path:\n"
        "    sys.path.insert(0, KIT_ROOT)\n\n"
        "from kit.airflow.dag import build_dag  # noqa: E402 - the kit's own DAG module\n\n"
        "dag = build_dag(CONFIG)\n"
    )


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    from kit.store import atomic_write_bytes

    atomic_write_bytes(path, text.encode("utf-8"))
    os.chmod(path, mode)


def write_airflow_files(
    ws: Workspace, directory: str | os.PathLike[str], *, schedule: str | None = None, no_notebook: bool = False
) -> list[Path]:
    """Write the loader, the pools file and the connections template into ``directory``; their paths."""
    from kit.channels import ChannelRegistry

    folder = Path(directory).expanduser()
    folder.mkdir(parents=True, exist_ok=True)  # often Airflow's dags folder: its permissions are left as they are
    config = loader_config(ws, schedule=schedule, no_notebook=no_notebook)
    loader, pools_file, template = folder / LOADER_NAME, folder / POOLS_NAME, folder / CONNECTIONS_NAME
    _write(loader, _loader_text(config))
    _write(pools_file, json.dumps(pools(), indent=2, ensure_ascii=False) + "\n")
    conns = connections_template(ChannelRegistry(ws).list(), database=bool(config["database_connection"]))
    _write(template, json.dumps(conns, indent=2, ensure_ascii=False) + "\n", 0o600)
    return [loader, pools_file, template]
