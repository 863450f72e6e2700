"""Workspace cost growth: per-SKU states from 10k to 100k SKUs, against a naive tinydb blob.

What a sync job does with per-SKU state: upsert the last-sent value of every SKU in
batches (here 500 per batch, one transaction each), then read them all back at the
start of the next run to compute the delta. The kit keeps these in SQLite
(``Workspace.states``); the cost should grow linearly with the number of SKUs, so
10k -> 100k should cost at most ~11x (10x plus noise).

For contrast, the same work with every state in one tinydb JSON file (what the
workspace avoids): each batch rewrites the whole file, so the cost grows with the
square of the catalogue; 10k -> 30k costs ~9x instead of 3x.

Run: ``.venv/bin/python bench/bench_workspace.py`` (about half a minute).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BATCH = 500
LINEAR_BOUND = 11.0


def _values(n: int, run: int) -> list[tuple[str, dict]]:
    return [(f"SKU-{i:07d}", {"stock": (i * 7 + run) % 500, "price": round(10 + i % 1000 * 0.37, 2)}) for i in range(n)]


def workspace_cost(n: int) -> float:
    """Seconds to upsert ``n`` states in batches, upsert them again (next run), and read them back."""
    from kit.store import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        try:
            start = time.perf_counter()
            for run in (0, 1):
                values = _values(n, run)
                if run:
                    previous = ws.states.get_all("bench", "stock")
                    assert len(previous) == n
                for i in range(0, n, BATCH):
                    ws.states.put_many("bench", "stock", values[i : i + BATCH])
            assert ws.states.count("bench", "stock") == n
            elapsed = time.perf_counter() - start
        finally:
            ws.close()
    return elapsed


def naive_blob_cost(n: int) -> float:
    """The same batches written into one tinydb JSON file (rewritten on every batch)."""
    from tinydb import TinyDB

    with tempfile.TemporaryDirectory() as tmp:
        db = TinyDB(Path(tmp) / "states.json")
        table = db.table("stock")
        start = time.perf_counter()
        values = _values(n, 0)
        for i in range(0, n, BATCH):
            table.insert_multiple({"sku": sku, **value} for sku, value in values[i : i + BATCH])
        assert len(table.all()) == n
        elapsed = time.perf_counter() - start
        db.close()
    return elapsed


def _best(fn, n: int, repeat: int) -> float:
    return min(fn(n) for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--naive-large", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs per size")
    args = parser.parse_args(argv)

    small = _best(workspace_cost, args.small, args.repeat)
    large = _best(workspace_cost, args.large, args.repeat)
    ratio = large / small
    print(f"workspace states {args.small:>7,} SKUs: {small:6.2f} s (batches of {BATCH}, write x2 + read)")
    print(f"workspace states {args.large:>7,} SKUs: {large:6.2f} s")
    size_ratio = args.large / args.small
    bound = LINEAR_BOUND * size_ratio / 10
    verdict = "linear" if ratio <= bound else "ABOVE the linear bound"
    print(
        f"workspace states {args.small // 1000}k->{args.large // 1000}k cost ratio: {ratio:.1f}x "
        f"(linear bound {bound:g}x): {verdict}"
    )

    naive_small = _best(naive_blob_cost, args.small, 1)
    naive_large = _best(naive_blob_cost, args.naive_large, 1)
    naive_ratio = naive_large / naive_small
    naive_size = args.naive_large / args.small
    print(f"naive tinydb blob {args.small:>7,} SKUs: {naive_small:6.2f} s")
    print(f"naive tinydb blob {args.naive_large:>7,} SKUs: {naive_large:6.2f} s")
    print(
        f"naive tinydb blob {args.small // 1000}k->{args.naive_large // 1000}k cost ratio: {naive_ratio:.1f}x "
        f"(linear would be {naive_size:g}x, quadratic {naive_size**2:g}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
