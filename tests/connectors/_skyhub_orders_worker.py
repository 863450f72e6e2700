"""Run the orders job once for a SkyHub channel (the kill test's subprocess).

Usage: python _skyhub_orders_worker.py CHANNEL. ``KIT_JOBS_KILL_POINT=before_ack:1``
makes the job SIGKILL itself after the outbox file and the ledger commit are
durable and before the orders are deleted from the SkyHub queue.
"""

from __future__ import annotations

import sys

from kit.jobs import run_job

summary = run_job("orders", sys.argv[1])
print(summary.render_pt())
sys.exit(summary.exit_code)
