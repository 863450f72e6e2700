"""Run the orders job once, directly (no papermill), for the crash test.

Usage: python _crash_worker.py CHANNEL. The feed is read one lot per page so a
run writes several batches (more places to be killed at).
"""

from __future__ import annotations

import sys

import kit.connectors.vtex as vtex
from kit.jobs import run_job

vtex.FEED_LOTS_PER_FETCH = 1

summary = run_job("orders", sys.argv[1])
print(summary.render_pt())
sys.exit(summary.exit_code)
