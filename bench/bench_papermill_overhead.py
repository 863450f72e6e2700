"""What papermill costs: a no-change ``stock`` run through papermill vs the same job called directly.

Sets up a throw-away workspace, a VTEX sandbox and an ERP stock export, pushes
once (so the next runs have nothing to send), then times the no-change run
both ways, a few times each, and prints the medians and their difference in
seconds. Run: ``.venv/bin/python bench/bench_papermill_overhead.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 3
N_PRODUCTS = 200


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kit-bench-papermill-") as tmp:
        root = Path(tmp)
        os.environ.update(
            KIT_WORKSPACE=str(root / "ws"), KIT_SECRETS=str(root / "secrets.json"), KIT_REPORTS=str(root / "reports")
        )
        from kit.channels import ChannelRegistry
        from kit.jobs import run_job
        from kit.jobs.runner import run_notebook_job
        from kit.jobs.settings import set_job_settings
        from kit.sandbox import start_sandbox
        from kit.store import Workspace

        sbx = start_sandbox("vtex", n_products=N_PRODUCTS, orders=0, rate_limit=1000)
        try:
            ws = Workspace()
            ChannelRegistry(ws).add(sbx.channel("bench-vtex"))
            erp = root / "erp"
            erp.mkdir()
            rows = [f"{ref};{int(qty) + 5};1" for ref, qty in sbx.stock_levels().items()]
            (erp / "stock.csv").write_text("sku;available;reserved\n" + "\n".join(rows) + "\n", encoding="utf-8")
            set_job_settings(ws, None, {"erp_dir": str(erp)})
            first = run_job("stock", "bench-vtex", ws=ws)
            assert first.ok and first.applied == N_PRODUCTS, first.render_pt()
            sbx.state.clear_log()

            direct = []
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                s = run_job("stock", "bench-vtex", ws=ws)
                direct.append(time.perf_counter() - t0)
                assert s.ok and s.applied == 0
            notebook = []
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                outcome = run_notebook_job("stock", "bench-vtex", ws=ws)
                notebook.append(time.perf_counter() - t0)
                assert outcome.exit_code == 0 and outcome.summary["counts"]["applied"] == 0
            writes = [r for r in sbx.state.requests if r.get("method") in ("PUT", "POST")]
        finally:
            sbx.stop()
    d, n = statistics.median(direct), statistics.median(notebook)
    print(f"no-change stock run, {N_PRODUCTS} SKUs, median of {REPEATS}:")
    print(f"  direct (kit.jobs.run_job):          {d:8.3f} s")
    print(f"  through papermill (kit sync path):  {n:8.3f} s")
    print(f"  papermill overhead:                 {n - d:8.3f} s  (ratio {n / d:.0f}x)")
    print(f"  update requests sent by the no-change runs: {len(writes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
