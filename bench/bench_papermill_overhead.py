"""What a scheduled no-change run costs beyond the job itself: through papermill, and in process.

Sets up a throw-away workspace, a VTEX sandbox and an ERP stock export, pushes
once (so the next runs have nothing to send), then times the no-change
``stock`` run, alternating the ways, ``--repeat`` times each:

* the job itself: :func:`kit.jobs.run_job` called directly;
* in process: :func:`kit.jobs.runner.run_inprocess_job` (what ``kit sync
  --no-notebook`` and ``kit run-due`` with ``scheduled_runs=in-process`` call:
  lock, job, JSON summary, HTML report, run record);
* through papermill: :func:`kit.jobs.runner.run_notebook_job` (a kernel per run);
* the command as cron runs it: ``kit sync stock --channel C --no-notebook`` and
  ``kit sync stock --channel C`` in a subprocess, against the job alone in a fresh
  Python (``python -c "run_job(...)"``: the interpreter start and the imports the job
  itself needs are part of "the job" there).

Prints the medians and the overhead of each way as a share of the job itself
(issue 18's goal for a scheduled run: overhead <= 20 % of the job), warm (a
process that runs many jobs: ``run-due``, an Airflow worker) and cold (one
process per run, as one cron line per job).
Run: ``.venv/bin/python bench/bench_papermill_overhead.py [--repeat 5] [--skus 200]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kit", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=600)  # fmt: skip
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"kit {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall


BARE_JOB = (
    "from kit.jobs import run_job; s = run_job('stock', 'bench-vtex'); assert s.ok and s.applied == 0, s.render_pt()"
)


def _bare_job(env: dict[str, str]) -> float:
    """The job alone in a fresh Python: the interpreter start and the job's own imports included."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BARE_JOB], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=600)  # fmt: skip
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"the bare job failed:\n{done.stderr[-2000:]}")
    return wall


def _measure(repeat: int, n_products: int, root: Path) -> dict[str, list[float]]:
    from kit.channels import ChannelRegistry
    from kit.jobs import run_job
    from kit.jobs.runner import record_run, run_inprocess_job, run_notebook_job
    from kit.jobs.settings import set_job_settings
    from kit.sandbox import start_sandbox
    from kit.store import Workspace

    sbx = start_sandbox("vtex", n_products=n_products, orders=0, rate_limit=1000)
    times: dict[str, list[float]] = {"direct": [], "in-process": [], "papermill": [], "job, fresh python": [],
                                     "cli --no-notebook": [], "cli (papermill)": [], "record_run": []}  # fmt: skip
    try:
        ws = Workspace()
        ChannelRegistry(ws).add(sbx.channel("bench-vtex"))
        ChannelRegistry(ws).update("bench-vtex", enabled=True)
        erp = root / "erp"
        erp.mkdir()
        rows = [f"{ref};{int(qty) + 5};1" for ref, qty in sbx.stock_levels().items()]
        (erp / "stock.csv").write_text("sku;available;reserved\n" + "\n".join(rows) + "\n", encoding="utf-8")
        set_job_settings(ws, None, {"erp_dir": str(erp)})
        first = run_job("stock", "bench-vtex", ws=ws)
        assert first.ok and first.applied == n_products, first.render_pt()
        sbx.state.clear_log()
        env = dict(os.environ)
        command = ["sync", "stock", "--channel", "bench-vtex"]
        for _ in range(repeat):
            t0 = time.perf_counter()
            s = run_job("stock", "bench-vtex", ws=ws)
            times["direct"].append(time.perf_counter() - t0)
            assert s.ok and s.applied == 0
            for name, runner in (("in-process", run_inprocess_job), ("papermill", run_notebook_job)):
                t0 = time.perf_counter()
                outcome = runner("stock", "bench-vtex", ws=ws, log_output=False)
                times[name].append(time.perf_counter() - t0)
                assert outcome.exit_code == 0 and outcome.summary["counts"]["applied"] == 0
            t0 = time.perf_counter()  # the run record alone (its storage is issue 18's storage work)
            record_run(ws, {"channel": "bench-other", "job": "stock", "started_at": time.time(), "status": "ok",
                            "finished_at": time.time(), "counts": {}, "report_path": None, "exit_code": 0})  # fmt: skip
            times["record_run"].append(time.perf_counter() - t0)
            times["job, fresh python"].append(_bare_job(env))
            times["cli --no-notebook"].append(_cli([*command, "--no-notebook"], env))
            times["cli (papermill)"].append(_cli(command, env))
        writes = [r for r in sbx.state.requests if r.get("method") in ("PUT", "POST")]
        assert not writes, f"the no-change runs sent {len(writes)} update requests"
    finally:
        sbx.stop()
    return times


def main(repeat: int, n_products: int) -> int:
    with tempfile.TemporaryDirectory(prefix="kit-bench-papermill-") as tmp:
        root = Path(tmp)
        os.environ.update(KIT_WORKSPACE=str(root / "ws"), KIT_SECRETS=str(root / "secrets.json"),
                          KIT_REPORTS=str(root / "reports"), XDG_DATA_HOME=str(root / "xdg-data"),
                          XDG_CONFIG_HOME=str(root / "xdg-config"))  # fmt: skip
        times = _measure(repeat, n_products, root)
    med = {name: statistics.median(values) for name, values in times.items()}
    job = med["direct"]
    print(f"no-change stock run, {n_products} SKUs, median of {repeat} (every run, s):")
    for name, values in times.items():
        print(f"  {name:22} {med[name]:7.3f} s   runs: {', '.join(f'{v:.3f}' for v in values)}")
    print("warm (one process runs many jobs: run-due, an Airflow worker), beyond kit.jobs.run_job:")
    for name in ("in-process", "papermill"):
        extra = med[name] - job
        print(f"  {name:22} +{extra:7.3f} s = {extra / job * 100:8.1f} % of the job")
    rec = med["record_run"]
    print(
        f"    of which recording the run (record_run, tinydb + backup): {rec:.3f} s; the rest of the in-process "
        f"runner: {med['in-process'] - job - rec:.3f} s = {(med['in-process'] - job - rec) / job * 100:.1f} % of the job"
    )
    cold = med["job, fresh python"]
    print("cold (one process per run, as one cron line per job), beyond the job alone in a fresh Python:")
    for name in ("cli --no-notebook", "cli (papermill)"):
        extra = med[name] - cold
        print(f"  {name:22} +{extra:7.3f} s = {extra / cold * 100:8.1f} % of the job")
    warm = (med["in-process"] - job) / job
    cold_ratio = (med["cli --no-notebook"] - cold) / cold
    print(f"ratio overhead/job, in process: warm {warm:.2f}, cold (CLI) {cold_ratio:.2f} (goal <= 0.20)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each way (default 5)")
    parser.add_argument("--skus", type=int, default=200, help="SKUs in the sandbox and the ERP export (default 200)")
    args = parser.parse_args()
    sys.exit(main(max(1, args.repeat), args.skus))
