"""``run_job``: the one entry point of every sync job, plain Python.

The notebooks in ``notebooks/jobs/`` are thin wrappers around it, so a test or
a script can call it directly and get the same :class:`JobSummary`::

    from kit.jobs import run_job
    summary = run_job("stock", "minha-vtex", dry_run=True)

Jobs are registered functions (``@register_job("stock")``) taking a
:class:`JobContext`; a name registered twice is an error.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kit.errors import ConfigurationError, KitError, StoreError
from kit.jobs.model import JobSummary
from kit.registry import Registry

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.connectors.base import Connector
    from kit.store import Workspace

__all__ = ["run_job", "register_job", "JOBS", "JobContext", "batched", "item_results", "check_since", "parse_instant"]

log = logging.getLogger("kit.jobs")

JOBS: Registry[Callable[[JobContext], None]] = Registry("job", unknown="job desconhecido")


def register_job(name: str) -> Callable[[Callable[[JobContext], None]], Callable[[JobContext], None]]:
    """Register the function that runs job ``name``."""
    return JOBS.registers(name)


@dataclass
class JobContext:
    """Everything a job function needs for one run."""

    job: str
    channel: Channel
    ws: Workspace
    summary: JobSummary
    settings: dict[str, Any]
    batch_size: int
    dry_run: bool = False
    full: bool = False
    since: str | None = None
    max_items: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    _connector: Connector | None = None
    _state: Any = None

    @property
    def name(self) -> str:
        return self.channel.name

    @property
    def connector(self) -> Connector:
        """The channel's connector, built on first use (secrets resolved by reference)."""
        if self._connector is None:
            from kit.connectors import connector_for

            self._connector = connector_for(self.channel, workspace=self.ws)
        return self._connector

    @property
    def state(self) -> Any:
        if self._state is None:
            from kit.jobs.state import JobState

            self._state = JobState(self.ws, self.channel.name)
        return self._state

    def bar(self, total: int, desc: str) -> Any:
        """A tqdm progress bar in notebooks (``tqdm.auto``), a no-op elsewhere."""
        if not self.progress:
            return _NoBar()
        from tqdm.auto import tqdm

        return tqdm(total=total, desc=desc, unit="item")

    def log_batch(self, n: int, total: int, sent: int, applied: int, failed: int, seconds: float) -> None:
        log.info(
            "%s %s batch %d/%d: %d sent, %d applied, %d failed in %.2f s",
            self.name,
            self.job,
            n,
            total,
            sent,
            applied,
            failed,
            seconds,
        )


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def batched(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), max(1, size)):
        yield items[i : i + size]


def item_results(result: Any) -> list[tuple[str, str, str]]:
    """``(sku, status, reason)`` for every item of a connector ``WriteResult``."""
    items = getattr(result, "items", None)
    if items is None:
        items = getattr(result, "results", result)
    out = []
    for r in items or []:
        if isinstance(r, dict):
            out.append((str(r.get("sku")), str(r.get("status")), str(r.get("reason") or "")))
        else:
            out.append((str(r.sku), str(r.status), str(getattr(r, "reason", "") or "")))
    return out


def parse_instant(text: Any) -> Any:
    """An ISO date or date-time as an aware ``datetime`` (naive = local time), or ``None``."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.astimezone()


def check_since(since: Any) -> None:
    """Refuse a ``since`` that is not an ISO date, or that is in the future (it would become the cursor).

    Raises:
        ConfigurationError: exit 2, with a pt-BR hint.
    """
    import time
    from datetime import UTC, datetime

    when = parse_instant(since)
    if when is None:
        raise ConfigurationError(
            f"since={since!r} não é uma data ISO",
            hint="use uma data ISO, por exemplo 2026-11-20 ou 2026-11-20T08:00:00-03:00",
        )
    if when > datetime.fromtimestamp(time.time(), UTC):
        raise ConfigurationError(
            f"--since {since} está no futuro",
            hint="os pedidos seriam buscados a partir de uma data que ainda não chegou e o cursor ficaria lá; "
            "use uma data passada",
        )


def _load_channel(ws: Workspace, name: str) -> Channel:
    from kit.channels import ChannelRegistry

    return ChannelRegistry(ws).get(name)


def run_job(
    job: str,
    channel_name: str,
    *,
    dry_run: bool = False,
    full: bool = False,
    since: str | None = None,
    max_items: int | None = None,
    ws: Workspace | None = None,
    connector: Connector | None = None,
    progress: bool = False,
    params: dict[str, Any] | None = None,
    raise_errors: bool = False,
) -> JobSummary:
    """Run sync job ``job`` for channel ``channel_name`` and return its summary.

    Args:
        job: ``stock``, ``prices``, ``products``, ``orders`` or ``status``.
        channel_name: a channel of the workspace; its secrets are resolved by
            reference inside this process, never passed in.
        dry_run: compute and report, send and write nothing.
        full: push every item, not only what changed since the last push.
        since: orders: fetch orders updated since this ISO date instead of the
            stored cursor.
        max_items: stop after this many items (the rest waits for the next run).
        ws: the workspace (default: ``KIT_WORKSPACE``).
        connector: a connector to use instead of building one (tests, scripts).
        progress: show tqdm progress bars (notebooks).
        params: job-specific extras (``safety_stock``, ``approve_prices``...).
        raise_errors: re-raise a :class:`KitError` instead of reporting it.

    Returns:
        The :class:`JobSummary`; ``status`` is ``failed`` when any item failed
        or the job stopped on an error (``error``, ``exit_code``).
    """
    from kit.jobs.locks import job_lock
    from kit.jobs.settings import job_settings
    from kit.store import Workspace

    _check_arguments(job, max_items, since)
    ws = ws if ws is not None else Workspace()
    summary = JobSummary(job=job, channel=channel_name, dry_run=bool(dry_run), full=bool(full))
    try:
        channel = _load_channel(ws, channel_name)
        cfg = channel.jobs.get(job)
        ctx = JobContext(
            job=job,
            channel=channel,
            ws=ws,
            summary=summary,
            settings=job_settings(ws, channel_name),
            batch_size=int(cfg.batch_size) if cfg else 50,
            dry_run=bool(dry_run),
            full=bool(full),
            since=since or None,
            max_items=int(max_items) if max_items else None,
            params=dict(params or {}),
            progress=progress,
            _connector=connector,
        )
        with job_lock(ws, channel_name, job):
            t0 = time.monotonic()
            try:
                JOBS[job](ctx)
            except sqlite3.DatabaseError as exc:  # corrupt states.sqlite, found mid-run
                raise ws.states.corrupt(exc) from None
            _backup_state(ws)
            counts = " ".join(f"{k}={v}" for k, v in summary.counts.items())  # a log line, not a dict
            log.info("%s %s finished in %.2f s: %s", channel_name, job, time.monotonic() - t0, counts)
    except (KitError, OSError) as exc:  # OSError: disk full, permissions: the run failed, say where
        if isinstance(exc, KitError) and not isinstance(exc, StoreError):
            _backup_state(ws)  # what the run recorded before failing is worth keeping
        summary.finish(exc if isinstance(exc, KitError) else KitError(f"erro do sistema de arquivos: {exc}"))
        log.error("%s %s failed: %s", channel_name, job, summary.error)
        if raise_errors:
            raise
        return summary
    return summary.finish()


def _check_arguments(job: str, max_items: int | None, since: str | None) -> None:
    if job not in JOBS:
        raise ConfigurationError(f"tarefa desconhecida {job!r}", hint="uma de: " + ", ".join(sorted(JOBS)))
    if max_items is not None and int(max_items) < 1:
        raise ConfigurationError(f"max_items precisa ser pelo menos 1, veio {max_items!r}")
    if since:
        check_since(since)


def _backup_state(ws: Workspace) -> None:
    """Keep the last good copy of the state store after a run that changed it (never fails the run)."""
    states = getattr(ws, "_states", None)
    if states is None:
        return
    try:
        states.backup()
    except (OSError, sqlite3.Error) as exc:
        log.warning("could not back up %s: %s", states.path, exc)


def iter_rows(frame: Any) -> Iterable[dict[str, Any]]:
    """Rows of a DataFrame as dicts (NaN -> None)."""
    import pandas as pd

    for rec in frame.to_dict("records"):
        yield {k: (None if (not isinstance(v, (list, dict)) and pd.isna(v)) else v) for k, v in rec.items()}
