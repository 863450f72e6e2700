"""The rate limit belongs to the channel account: two processes syncing one channel share its bucket.

A Mercado Livre sandbox enforces the type's declared limit (10 requests/s, burst 20) and answers 429
past it. The stock job alone draws (about) no 429; then stock and prices run at the same time in two
processes: the channel's limit still holds (no more 429s than one process alone), every item applied.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

N = 30
WORKER = (
    "import json, sys\n"
    "from kit.jobs import run_job\n"
    "s = run_job(sys.argv[1], sys.argv[2])\n"
    "print(json.dumps({'applied': s.applied, 'failed': s.failed, 'error': s.error, 'status': s.status}))\n"
)


def _start(job: str, channel: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, job, channel], cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=150)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_two_processes_on_one_channel_share_its_rate_limit(workspace, tmp_path):
    from kit.channels import ChannelRegistry
    from kit.jobs.settings import set_job_settings
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox

    catalog = generate_catalog(N, seed=9)
    # The sandbox enforces the type's declared limit (10/s, burst 20): what the connector paces itself to.
    with start_sandbox("mercadolivre", catalog=catalog, orders=0, seed=9, rate_limit=(10, 20),
                       variation_share=0.0) as sbx:  # fmt: skip
        ChannelRegistry(workspace).add(sbx.channel("ml"))
        erp = tmp_path / "erp"
        erp.mkdir()
        set_job_settings(workspace, None, {"erp_dir": str(erp)})

        def write_erp(extra: int, factor: float) -> None:
            (erp / "stock.csv").write_text(
                "sku;available\n" + "".join(f"{p['sku']};{int(p['stock']) + extra}\n" for p in catalog)
            )
            (erp / "prices.csv").write_text(
                "sku;price\n" + "".join(f"{p['sku']};{float(p['price']) * factor:.2f}\n" for p in catalog)
            )

        write_erp(3, 1.01)
        alone = _finish(_start("stock", "ml"))  # also fills the SKU binding table
        assert alone["applied"] == N and alone["failed"] == 0, alone
        alone_429 = sbx.state.count(429)
        time.sleep(2.5)  # let the bucket refill: the next run starts as the first did
        sbx.state.clear_log()

        write_erp(5, 1.02)
        t0 = time.monotonic()
        procs = [_start("stock", "ml"), _start("prices", "ml")]
        results = [_finish(p) for p in procs]
        elapsed = time.monotonic() - t0
        together_429 = sbx.state.count(429)
        requests = len(sbx.state.requests)
    for result in results:
        assert result["applied"] == N and result["failed"] == 0, results
    # The channel's limit holds across both processes: no more 429s than one process alone (plus a
    # little timing jitter), where two private buckets would each have used the whole limit.
    assert together_429 <= alone_429 + 2, (alone_429, together_429, requests, elapsed)
    print(f"alone: {alone_429} x 429; together: {together_429} x 429, {requests} requests in {elapsed:.1f} s")
