"""Run the products job once, directly (no papermill), for the products kill test.

Usage: python _products_kill_worker.py CHANNEL. Publishes with one worker so a
kill lands between items as often as inside one.
"""

from __future__ import annotations

import os
import sys

import kit.connectors.base as base
from kit.channeltypes import RateLimit
from kit.jobs import run_job

base.Connector.writers = lambda self, family="write": 1  # one item at a time: more places to be killed at
if os.environ.get("KIT_KILL_FAST_RATE"):  # crashes, not rates, are under test (the sandbox is as fast)
    base.Connector.rate_limit_for = lambda self, family: (family, RateLimit(5000, 5000, "kill test", "configured"))

summary = run_job("products", sys.argv[1])
print(summary.render_pt())
sys.exit(summary.exit_code)
