"""Scheduled runs at scale: one machine first, then Airflow.

Layers (each imports only those below it)::

    kit.commands.schedule     kit run-due [--list] [--channel C --job J] [--parallel N]
            │
    kit.jobs.schedule         what is due and why (interval, go-live, backoff)
            │
    kit.scale.dispatch        a pass: jobs side by side, bounded per machine and per channel account
    kit.scale.passlock        one pass at a time per workspace (exit 3 when held)
            │
    kit.scale.worker          one job: its lock, due again?, run, recorded before the lock goes
    kit.scale.backoff         failures in a row -> how long to wait (from the run history)

The Airflow DAG (:mod:`kit.airflow`) runs ``kit run-due --channel C --job J``
per mapped task: the same worker path, so a job is run once whoever starts it.
"""

from __future__ import annotations

__all__: list[str] = []
