"""Shared rate-limit buckets: what a take costs, and whether the limit holds across processes.

Prints, measured in one run:

* the cost of one take (``reserve``) from the in-process bucket and from the SQLite bucket
  shared through a file (the default), and their ratio;
* the aggregate rate of 1, 2 and 4 processes drawing from one account's bucket at R tokens/s,
  as a ratio of R (the channel's limit holds when it stays at or below 1 plus the burst's share).

Usage::

    python bench/bench_rate_buckets.py [--rate 50] [--takes 200]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit.channeltypes import RateLimit  # noqa: E402
from kit.connectors.ratelimit import SQLiteBuckets, TokenBucket  # noqa: E402

BURST = 5


def _cost(bucket, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        bucket.reserve()
    return (time.perf_counter() - t0) / n


def _draw(path: str, rate: float, takes: int, start: float) -> None:
    bucket = SQLiteBuckets(path).bucket("bench-account", "write", RateLimit(rate, BURST, "bench"))
    while time.time() < start:
        time.sleep(0.001)
    for _ in range(takes):
        bucket.acquire()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="R, tokens per second of the account")
    parser.add_argument("--takes", type=int, default=200, help="takes per process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kit-bench-buckets-") as tmp:
        fast = RateLimit(1e9, 1e9, "bench")
        memory = _cost(TokenBucket(fast.per_second, fast.burst), 20000)
        shared = _cost(SQLiteBuckets(Path(tmp) / "cost.sqlite").bucket("a", "f", fast), 5000)
        print(f"one take: in-process {memory * 1e6:.1f} µs, shared (SQLite) {shared * 1e6:.1f} µs, "
              f"ratio {shared / memory:.0f}x; shared ceiling {1 / shared:,.0f} takes/s")  # fmt: skip
        print(f"R = {args.rate:g}/s, burst {BURST}, {args.takes} takes per process")
        print("processes  takes   seconds  rate/s  ratio to R")
        ctx = mp.get_context("spawn")
        for n in (1, 2, 4):
            path = str(Path(tmp) / f"shared-{n}.sqlite")
            start = time.time() + 1.5  # every process starts drawing at once
            procs = [ctx.Process(target=_draw, args=(path, args.rate, args.takes, start)) for _ in range(n)]
            for p in procs:
                p.start()
            for p in procs:
                p.join()
            elapsed = time.time() - start
            total = n * args.takes
            rate = total / elapsed
            print(f"{n:9d}  {total:5d}  {elapsed:8.2f}  {rate:6.1f}  {rate / args.rate:10.3f}")


if __name__ == "__main__":
    main()
