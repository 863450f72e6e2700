"""Cost of recording a run as the history grows to 1,000,000 runs, on both storage backends (goal: flat).

Before schema 2 every run rewrote the whole tinydb ``runs.json`` (0.33 s after a day, 11.5 s after a month
at 20 channels) and the due check read every row each minute. Now a run is one ``INSERT`` plus an update of
its (channel, job) row in ``run_last`` (``kit.storage.runs``), and the due check reads ``run_last`` only.

For each backend the history is filled (in bulk, untimed) to each checkpoint, with runs of 20 channels x 5
jobs spread over the last 80 days; then 300 runs are recorded one by one exactly as the runner records them
(``ws.runs.append``, with its fsync and the retention pruning), alternating in rounds with a second history
kept at the smallest size, so both see the same disk; and the due check's read (``ws.runs.last()``) is
timed. Printed: median and 95th percentile per run, and the ratio big/small measured side by side.
For contrast, the old way (a run appended to a tinydb ``runs.json``) at a few sizes.

PostgreSQL: ``KIT_DATABASE_URL`` if set (a schema ``bench_<pid>`` is created in it and dropped), else a
throwaway cluster of Debian's PostgreSQL in a temp directory (as the tests start one), fsync on.

Run: ``.venv/bin/python bench/bench_run_history.py`` (a few minutes; ``--runs 100000`` for a quick look).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHANNELS, JOBS = 20, ("stock", "prices", "orders", "status", "products")
CHUNK = 50_000
MEASURED = 300  # appends measured per history and checkpoint...
ROUNDS = 6  # ...in rounds alternating between the two histories


def _runs(start: int, n: int, now: float) -> list[dict]:
    span = 80 * 86400
    out = []
    for i in range(start, start + n):
        started = now - span + span * i / 1_000_000
        out.append({"channel": f"loja-{i % CHANNELS:02d}", "job": JOBS[i // CHANNELS % len(JOBS)],
                    "status": "ok" if i % 17 else "failed", "exit_code": 0 if i % 17 else 1,
                    "started_at": started, "finished_at": started + 4.2, "dry_run": False, "full": False,
                    "counts": {"applied": i % 50, "failed": 0 if i % 17 else 2, "skipped": 3, "quarantined": 0,
                               "held": 0}, "report_path": f"/srv/reports/loja/stock/{i}.ipynb"})  # fmt: skip
    return out


def _fill(ws, target: int, now: float) -> float:
    t0 = time.perf_counter()
    have = ws.runs.count()
    while have < target:
        n = min(CHUNK, target - have)
        ws.runs.bulk_load(_runs(have, n, now))
        have += n
    if ws.backend.name == "files":  # start the measure from a settled file, not from the bulk load's WAL
        ws.runs.session.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - t0


def _append_costs(ws, now: float, n: int, offset: int) -> list[float]:
    costs = []
    for i in range(n):
        row = _runs(10_000_000 + offset + i, 1, now)[0] | {"started_at": now + offset + i}
        t0 = time.perf_counter()
        ws.runs.append(row)
        costs.append(time.perf_counter() - t0)
    return costs


def _due_check(ws) -> float:
    t0 = time.perf_counter()
    ws.runs.last()
    return time.perf_counter() - t0


def _measure(big, small, now: float, offset: int) -> tuple[list[float], list[float]]:
    """Appends to the big and the small history, interleaved in rounds (the disk's mood hits both alike)."""
    costs_big: list[float] = []
    costs_small: list[float] = []
    for r in range(ROUNDS):
        costs_big += _append_costs(big, now, MEASURED // ROUNDS, offset + 2 * r * MEASURED)
        costs_small += _append_costs(small, now, MEASURED // ROUNDS, offset + (2 * r + 1) * MEASURED)
    return sorted(costs_big), sorted(costs_small)


def _ms(costs: list[float]) -> str:
    return f"{statistics.median(costs) * 1000:6.2f} ms (p95 {costs[int(len(costs) * 0.95)] * 1000:6.2f})"


def bench_backend(name: str, open_ws, checkpoints: list[int]) -> None:
    """The history grows through ``checkpoints``; a second one stays at the smallest, measured alongside."""
    now = time.time()
    big, small = open_ws(), open_ws()
    try:
        _fill(small, checkpoints[0], now)
        ratio = 1.0
        for n, point in enumerate(checkpoints):
            filled = _fill(big, point, now)
            costs_big, costs_small = _measure(big, small, now, n * 10 * MEASURED)
            ratio = statistics.median(costs_big) / statistics.median(costs_small)
            print(f"{name:>9} {point:>9,} runs kept: record a run {_ms(costs_big)}, with {small.runs.count():,} "
                  f"kept {_ms(costs_small)}: {ratio:4.2f}x; due check {_due_check(big) * 1000:5.2f} ms "
                  f"[filled in {filled:4.1f} s]")  # fmt: skip
        print(
            f"{name:>9} cost of recording a run with {checkpoints[-1]:,} runs kept vs {checkpoints[0]:,}: "
            f"{ratio:.2f}x (goal: flat, about 1x)"
        )
    finally:
        big.close()
        small.close()


def bench_tinydb(sizes: list[int]) -> None:
    """The old way: a run inserted into a tinydb runs.json through the workspace's atomic JSON storage."""
    from tinydb import TinyDB

    from kit.store import AtomicJSONStorage

    now = time.time()
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "runs.json"
            db = TinyDB(path, storage=AtomicJSONStorage)
            db.table("_default").insert_multiple(_runs(0, n, now))
            costs = []
            for i in range(5):
                t0 = time.perf_counter()
                TinyDB(path, storage=AtomicJSONStorage).table("_default", cache_size=0).insert(_runs(n + i, 1, now)[0])
                costs.append(time.perf_counter() - t0)
            print(
                f"   tinydb {n:>9,} runs kept: record a run {statistics.median(costs) * 1000:7.2f} ms "
                "(the old runs.json: grows with the file)"
            )


def _postgres():
    """``(open_ws, cleanup)``: each ``open_ws()`` a workspace on a schema of its own (the configured database or
    a throwaway cluster)."""
    import psycopg

    from kit.store import Workspace

    url, cluster = os.environ.get("KIT_DATABASE_URL"), None
    if not url:
        from tests.pgcluster import Cluster, unavailable_reason

        reason = unavailable_reason()
        if reason:
            print(f"postgres: skipped ({reason})")
            return None, lambda: None
        cluster = Cluster({"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}).start()
        url = cluster.url
    schemas: list[str] = []
    tmp = tempfile.TemporaryDirectory()

    def open_ws():
        schema = f"bench_{os.getpid()}_{len(schemas)}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        schemas.append(schema)
        scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        return Workspace(Path(tmp.name) / schema, database_url=scoped)

    def cleanup() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
        if cluster is not None:
            cluster.stop()
        tmp.cleanup()

    return open_ws, cleanup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000, help="the largest checkpoint")
    parser.add_argument("--backends", default="files,postgres")
    args = parser.parse_args(argv)
    os.environ.setdefault("KIT_RUN_RETENTION_DAYS", "90")
    checkpoints = sorted({p for p in (1_000, 10_000, 100_000, args.runs) if p <= args.runs})
    backends = args.backends.split(",")
    if "files" in backends:
        from kit.store import Workspace

        with tempfile.TemporaryDirectory() as tmp:
            made = iter(range(2))
            bench_backend("files", lambda: Workspace(Path(tmp) / f"ws{next(made)}", database_url=""), checkpoints)
    if "postgres" in backends:
        open_ws, cleanup = _postgres()
        if open_ws is not None:
            try:
                bench_backend("postgres", open_ws, checkpoints)
            finally:
                cleanup()
    bench_tinydb([1_000, 5_000, 20_000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
