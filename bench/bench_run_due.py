"""How many channels one machine keeps on a 5-minute interval, every job of every channel, with ``kit run-due``.

Sets up a throw-away workspace with N VTEX channels (the sample set's 300 SKUs,
its ERP exports, orders and shipments; de-para from the demo's tables), every
channel switched on, APTO, all five jobs every minute, on local VTEX sandboxes.
Then ``kit run-due`` (the real command: pass lock, worker processes, each job
checked again under its lock): a first pass (the first sync: everything
changes), then per mode, once the jobs are due again, a pass with no change in
the ERP over that mode's first N channels (the others switched off).

It prints each pass's time, the failures, and the capacity: channels whose five
jobs fit in 5 minutes at the no-change pass's pace (``N x 300 s / pass time``).
File backend (the workspace on this disk) unless ``KIT_DATABASE_URL`` is set.

Modes: ``sequential`` (one job after another, one notebook kernel each: the kit
before issue 18), ``notebook`` (side by side, a kernel each), ``inprocess``
(side by side, no kernel: ``kit run-due --no-notebook``, where the runner offers
it). Run: ``.venv/bin/python bench/bench_run_due.py [--modes sequential:2,notebook:8,inprocess:30]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTERVAL_S = 300
CHANNELS_PER_SANDBOX = 25
DEFAULT_MODES = "sequential:2,notebook:8,inprocess:30"
JOBS = ("products", "stock", "prices", "orders", "status")


def _catalog() -> list[dict]:
    from kit.demo import read_export
    from kit.sample import sample_dir

    products = read_export(sample_dir() / "erp" / "products.csv", "products")
    return [
        {k: v for k, v in rec.items() if not str(k).startswith("_") and v == v and v is not None}
        for rec in products.to_dict("records")
    ]


def _setup(root: Path, channels: int) -> list:
    """A workspace with ``channels`` switched-on, APTO VTEX channels, every job every minute; their sandboxes."""
    from kit.channels import ChannelRegistry
    from kit.golive import record_result
    from kit.jobs.settings import sample_erp_dir, set_job_settings
    from kit.sandbox import start_sandbox
    from kit.store import Workspace

    catalog = _catalog()
    ws = Workspace()
    set_job_settings(ws, None, {"erp_dir": str(sample_erp_dir()), "outbox_dir": str(root / "outbox")})
    registry = ChannelRegistry(ws)
    servers = []
    every_minute = {f"jobs.{job}.interval_min": "1" for job in JOBS}
    for n in range(channels):
        if n % CHANNELS_PER_SANDBOX == 0:
            servers.append(start_sandbox("vtex", catalog=catalog, orders=12, seed=2026 + n, rate_limit=(1e6, 1e6)))
        name = f"loja-{n:04d}"
        registry.add(servers[-1].channel(name))
        registry.update(name, every_minute, enabled=True)
        record_result(ws, {"channel": name, "verdict": "APTO", "environment": "sandbox",
                           "finished_at": "2026-11-26T10:00:00"})  # fmt: skip
        shutil.copytree(ROOT / "mappings" / "demo-vtex", root / "mappings" / name)
    ws.close()
    return servers


def _pass(args: list[str]) -> tuple[float, list[dict], int]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kit", "run-due", "--json", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=6 * 3600)  # fmt: skip
    seconds = time.perf_counter() - t0
    try:
        rows = json.loads(proc.stdout or "[]")
    except ValueError:
        rows = []
        print(proc.stderr[-2000:], file=sys.stderr)
    return seconds, rows, proc.returncode


def _mode_args(mode: str) -> list[str] | None:
    if mode == "sequential":
        return ["--parallel", "1"]
    if mode == "notebook":
        return []
    if mode == "inprocess":
        from kit.jobs import runner

        return ["--no-notebook"] if hasattr(runner, "run_inprocess_job") else None
    raise SystemExit(f"unknown mode {mode!r}")


def _failures(rows: list[dict]) -> str:
    bad = [r for r in rows if r.get("exit_code")]
    if not bad:
        return "none"
    first = bad[0]
    return f"{len(bad)} (e.g. {first['channel']} {first['job']}: {str(first.get('error'))[:120]})"


def _enable_first(n: int, total: int) -> None:
    """Only the first ``n`` channels switched on (the others' jobs are not due)."""
    from kit.channels import ChannelRegistry
    from kit.store import Workspace

    ws = Workspace()
    registry = ChannelRegistry(ws)
    for i in range(total):
        registry.update(f"loja-{i:04d}", {}, enabled=i < n)
    ws.close()


def run(modes: list[tuple[str, int]]) -> None:
    """One workspace for every mode: the first sync once, then each mode's no-change pass on its channels."""
    wanted = [(mode, n, _mode_args(mode)) for mode, n in modes]
    for mode, _n, args in wanted:
        if args is None:
            print(f"{mode:10} skipped: this kit has no in-process runner (kit.jobs.runner.run_inprocess_job)")
    wanted = [w for w in wanted if w[2] is not None]
    if not wanted:
        return
    total = max(n for _mode, n, _args in wanted)
    first_args = _mode_args("inprocess") or []
    with tempfile.TemporaryDirectory(prefix="kit-bench-run-due-") as tmp:
        root = Path(tmp)
        os.environ.update(KIT_WORKSPACE=str(root / "ws"), KIT_SECRETS=str(root / "secrets.json"),
                          KIT_REPORTS=str(root / "reports"), KIT_MAPPINGS=str(root / "mappings"))  # fmt: skip
        servers = _setup(root, total)
        try:
            first_s, first, _code = _pass(first_args)
            print(f"first sync  {total:4d} channels ({'in-process' if first_args else 'notebooks'}, side by side): "
                  f"{first_s:7.1f} s, {len(first)} jobs, failures: {_failures(first)}")  # fmt: skip
            for mode, n, args in wanted:
                _enable_first(n, total)
                time.sleep(61)  # every job started before the last pass ended: its 1-minute interval has elapsed
                seconds, rows, _code = _pass(args)
                capacity = n * INTERVAL_S / seconds if seconds else 0
                print(f"{mode:10} {n:4d} channels, no change: {seconds:7.1f} s for {len(rows)} jobs "
                      f"({seconds / max(1, len(rows)):.3f} s/job; failures: {_failures(rows)})"
                      f" -> {capacity:6.0f} channels with all 5 jobs every 5 minutes")  # fmt: skip
        finally:
            for server in servers:
                server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default=DEFAULT_MODES, help="mode:channels,... (sequential, notebook, inprocess)")
    opts = parser.parse_args()
    print(f"kit run-due, {os.cpu_count()} cores, parallel {os.environ.get('KIT_RUN_DUE_PARALLEL') or 'default'}; "
          "VTEX sandboxes on 127.0.0.1, the sample set (300 SKUs) per channel")  # fmt: skip
    modes = []
    for spec in opts.modes.split(","):
        mode, _, n = spec.partition(":")
        modes.append((mode.strip(), int(n or 10)))
    run(modes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
