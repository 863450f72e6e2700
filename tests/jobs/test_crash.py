"""Crash test: the orders job SIGKILLed at random points, each time followed by a normal run.

Against the VTEX sandbox (Feed v3: read, then commit). After 20 kills every
sandbox order is in the outbox exactly once, none is missing, and the feed is
empty. Kills are drawn with a fixed seed: either at an injected kill point
(after the fetch, after the batch file's rename, after the ledger commit,
before/after the ack) or after a random delay.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.jobs.conftest import write_truth_mappings

WORKER = Path(__file__).with_name("_crash_worker.py")
ROOT = Path(__file__).resolve().parents[2]
KILL_POINTS = ["after_fetch", "after_file", "after_ledger", "before_ack", "after_ack", None]


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_orders_survive_20_sigkills(tmp_path, workspace):
    from kit.channels import ChannelRegistry
    from kit.jobs.orders import KILL_ENV
    from kit.sandbox import start_sandbox

    rng = random.Random(20261126)
    sbx = start_sandbox("vtex", n_products=15, orders=0, seed=7)
    try:
        ChannelRegistry(workspace).add(sbx.channel("vtex-crash"))
        write_truth_mappings(tmp_path / "mappings", "vtex-crash", "vtex")
        env = dict(os.environ, KIT_MAPPINGS=str(tmp_path / "mappings"), PYTHONPATH=str(ROOT))
        env.pop(KILL_ENV, None)
        killed = 0
        for _ in range(20):
            for _ in range(rng.randint(8, 25)):
                sbx.add_order(sbx.make_order())
            point = rng.choice(KILL_POINTS)
            run_env = dict(env)
            if point:
                run_env[KILL_ENV] = f"{point}:{rng.randint(1, 2)}"
            proc = subprocess.Popen(
                [sys.executable, str(WORKER), "vtex-crash"], env=run_env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            if point is None:
                try:
                    proc.wait(timeout=rng.uniform(0.8, 2.5))
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            proc.stderr.close()
            killed += proc.returncode == -signal.SIGKILL
            # Uncommitted feed events reappear once their visibility timeout passes (pass it now), in
            # no guaranteed order, and new orders keep arriving: the re-read pages differ from the
            # killed run's, so a batch file written before the kill is not simply rewritten.
            for _ in range(rng.randint(0, 4)):
                sbx.add_order(sbx.make_order())
            with sbx.state.lock:
                for ev in sbx.state.data["feed"]:
                    ev["_invisible_until"] = 0.0
                rng.shuffle(sbx.state.data["feed"])
            normal = subprocess.run(
                [sys.executable, str(WORKER), "vtex-crash"], env=env, cwd=ROOT, capture_output=True, text=True,
                timeout=60,
            )  # fmt: skip
            assert normal.returncode == 0, normal.stdout + normal.stderr
        print(f"crash test: {killed} of 20 runs killed by SIGKILL, {len(sbx.state.data['orders'])} orders")
        assert killed >= 10, f"only {killed} of 20 runs were actually killed"
        seen: Counter[str] = Counter()
        for path in (workspace.root / "outbox" / "vtex-crash").glob("*.json"):
            for order in json.loads(path.read_text())["orders"]:
                seen[order["order_id"]] += 1
        expected = set(sbx.state.data["orders"])
        assert set(seen) == expected, (
            f"missing {sorted(expected - set(seen))[:5]}, extra {sorted(set(seen) - expected)[:5]}"
        )
        assert [o for o, n in seen.items() if n > 1] == []
        assert sbx.state.data["feed"] == []
    finally:
        sbx.stop()
