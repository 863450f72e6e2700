"""SkyHub: a process killed between storing orders and deleting them from the queue loses and duplicates nothing.

A real subprocess runs the orders job (``kit.jobs``: outbox file + ledger,
then ``DELETE /queues/orders/{code}``) against the SkyHub sandbox and is
SIGKILLed right after the durable store (``KIT_JOBS_KILL_POINT=before_ack``).
SkyHub redelivers what was not deleted once its visibility timeout passes; the
re-run must store nothing twice and empty the queue.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.jobs.conftest import write_truth_mappings

WORKER = Path(__file__).with_name("_skyhub_orders_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def _outbox_counts(workspace, channel: str) -> Counter[str]:
    seen: Counter[str] = Counter()
    for path in (Path(workspace.root) / "outbox" / channel).glob("*.json"):
        for order in json.loads(path.read_text())["orders"]:
            seen[order["order_id"]] += 1
    return seen


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kill_between_store_and_queue_delete_then_rerun(tmp_path, workspace):
    from kit.channels import ChannelRegistry
    from kit.jobs.orders import KILL_ENV
    from kit.jobs.state import JobState
    from kit.sandbox import start_sandbox

    channel = "skyhub-kill"
    with start_sandbox("skyhub", n_products=12, orders=6, seed=11) as sbx:
        ChannelRegistry(workspace).add(sbx.channel(channel))
        write_truth_mappings(tmp_path / "mappings", channel, "skyhub")
        env = dict(os.environ, KIT_MAPPINGS=str(tmp_path / "mappings"), PYTHONPATH=str(ROOT))
        env.pop(KILL_ENV, None)
        codes = set(sbx.state.data["orders"])
        assert any(" " in code for code in codes)  # site names with spaces travel URL-encoded

        killed = subprocess.run(
            [sys.executable, str(WORKER), channel], env={**env, KILL_ENV: "before_ack:1"},
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
        # Stored durably, not deleted: every order is in the outbox once and still in the queue.
        assert _outbox_counts(workspace, channel) == Counter(dict.fromkeys(codes, 1))
        assert set(sbx.queued()) == codes
        assert not [r for r in sbx.state.requests if r["method"] == "DELETE"]

        sbx.expire_visibility()  # SkyHub's 5 minutes pass: the undeleted orders are delivered again
        rerun = subprocess.run(
            [sys.executable, str(WORKER), channel], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert _outbox_counts(workspace, channel) == Counter(dict.fromkeys(codes, 1))  # exactly once each
        assert JobState(workspace, channel).ledger_count() == len(codes)
        assert sbx.queued() == []
        deleted = [r["path"] for r in sbx.state.requests if r["method"] == "DELETE" and r["status"] == 204]
        assert len(deleted) == len(codes) and any("%20" in p for p in deleted)
