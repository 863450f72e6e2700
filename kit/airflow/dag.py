"""The kit's one Airflow DAG: every due job of every channel, read from the kit at run time.

Static: there is no file per channel. Each run of the DAG asks the kit what is
due (``kit run-due --list --json``); a channel added, switched on or off, or
given another interval is picked up by the next run with no change here.

Shape (``canais_kit``)::

    due ──> <type>.pick_<job> ──> <type>.<job>  (mapped: one instance per due channel)

One task group per channel type, so each type's tasks run in its own pool
(``canais_kit_<type>``, slots from the type's rate limit: see ``pools.json``
from ``kit schedule --airflow``); mapped instances share their task's pool, so
the due list is split per (type, job) by the small ``pick_<job>`` tasks.

Loaded by the file ``kit schedule --airflow DIR`` writes (``canais_kit_dag.py``),
which passes :func:`build_dag` the kit's command, its settings and the
schedule. Runs in Airflow's virtualenv: imports Airflow and
:mod:`kit.airflow.tasks` (standard library only), never the rest of the kit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kit.airflow import tasks

__all__ = ["build_dag", "DAG_ID", "POOL_PREFIX"]

DAG_ID = "canais_kit"
POOL_PREFIX = "canais_kit_"
JOBS = ("products", "stock", "prices", "orders", "status")


def _database_env(conn_id: str | None) -> dict[str, str]:
    """``KIT_DATABASE_URL`` (and ``KIT_TOKEN_KEY``) from the kit's database connection, when the kit uses one.

    Extras ``url`` (else the connection's URI) and ``token_key`` (the Fernet key of the
    kit's stored OAuth tokens); both masked in Airflow's logs before use.
    """
    if not conn_id:
        return {}
    from airflow.sdk import Connection
    from airflow.sdk.log import mask_secret

    conn = Connection.get(conn_id)
    extra = conn.extra_dejson or {}
    env = {"KIT_DATABASE_URL": extra.get("url") or conn.get_uri()}
    if extra.get("token_key"):
        env["KIT_TOKEN_KEY"] = str(extra["token_key"])
    for value in env.values():
        mask_secret(value)
    if conn.password:
        mask_secret(conn.password)
    return env


def _secrets_for(entry: dict[str, Any]) -> dict[str, str]:
    """The channel's ``KIT_SECRET__*`` variables from its Airflow connection (any secrets backend)."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowFailException, AirflowNotFoundException
    from airflow.sdk.log import mask_secret

    conn_id = entry.get("connection")
    try:
        conn = Connection.get(conn_id)
    except AirflowNotFoundException:
        raise AirflowFailException(
            f"a conexão {conn_id!r} com as credenciais do canal {entry.get('channel')} não existe no Airflow; "
            "crie-a a partir de connections.template.json (veja o README, 'Muitas empresas')"
        ) from None
    return tasks.credentials_env(entry, conn.extra_dejson or {}, mask_secret)


def build_dag(config: dict[str, Any]) -> Any:
    """The ``canais_kit`` DAG for the kit described by ``config`` (written by ``kit schedule --airflow``).

    ``config`` keys: ``kit`` (the command words), ``env`` (kit settings: workspace, reports...),
    ``types`` (channel type names), ``schedule`` (cron), ``retries``, ``max_active_runs``,
    optionally ``database_connection`` (the connection with ``KIT_DATABASE_URL`` and ``KIT_TOKEN_KEY``),
    ``no_notebook``, ``job_timeout_s``, ``cwd``.
    """
    from airflow.sdk import TaskGroup, dag, get_current_context, task
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

    db_conn = config.get("database_connection")

    @task(task_id="due")
    def due() -> list[dict[str, Any]]:
        return tasks.list_due(config, _database_env(db_conn))

    @task
    def pick(entries: list[dict[str, Any]], job: str, channel_type: str) -> list[dict[str, Any]]:
        return [e for e in entries if e.get("job") == job and e.get("type") == channel_type]

    @task(map_index_template="{{ entry['channel'] }}")
    def sync(entry: dict[str, Any]) -> dict[str, Any]:
        env = {**_database_env(db_conn), **_secrets_for(entry)}
        retry = int(get_current_context()["ti"].try_number) > 1
        action, result = tasks.run_job(config, entry, env, retry=retry)
        if action == tasks.SKIP:
            raise AirflowSkipException(f"{entry['channel']} {entry['job']}: {result.get('error') or result.get('why')}")
        if action == tasks.FAIL:
            raise AirflowFailException(f"{entry['channel']} {entry['job']}: configuração: {result.get('error')}")
        if action == tasks.RETRY:
            raise tasks.KitRunFailed(f"{entry['channel']} {entry['job']}: código {result['exit_code']}")
        return result

    default_args = {
        "retries": int(config.get("retries", 2)),
        "retry_delay": dt.timedelta(seconds=float(config.get("retry_delay_s", 60))),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": dt.timedelta(minutes=30),
    }

    @dag(
        dag_id=DAG_ID,
        schedule=config.get("schedule") or "* * * * *",
        start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        catchup=False,
        max_active_runs=int(config.get("max_active_runs", 4)),
        default_args=default_args,
        tags=["canais-kit"],
        doc_md=__doc__,
    )
    def canais_kit() -> None:
        listed = due()
        for channel_type in config["types"]:
            with TaskGroup(group_id=channel_type):
                for job in JOBS:
                    chosen = pick.override(task_id=f"pick_{job}")(listed, job, channel_type)
                    sync.override(task_id=job, pool=POOL_PREFIX + channel_type).expand(entry=chosen)

    return canais_kit()
