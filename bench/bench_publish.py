"""Listing creation throughput per channel, as a ratio of its rate ceiling (goal >= 0.9).

The sandbox enforces a rate R (429 past it); the connector's ``catalog`` bucket is set to the same R.
One creation costs a fixed number of catalogue requests per item (VTEX: product lookup, product POST,
SKU lookup, SKU POST, EAN, image, specification: measured from the sandbox's log), so the ceiling is
``R / requests per item`` items per second. Channels plug in with one row in ``PLAN``.

Usage::

    python bench/bench_publish.py                 # every channel in PLAN
    python bench/bench_publish.py --items 300 --rate 150
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: channel type -> catalogue requests per second R (VTEX: catalog-api.json allows 250/s per endpoint).
PLAN: dict[str, float] = {"vtex": 200}


def _items(channel_type: str, sbx, conn, n: int):
    if channel_type == "vtex":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from connectors.test_vtex import vtex_items

        return vtex_items(sbx, conn, n)
    raise SystemExit(f"no item factory for {channel_type}")


def bench(channel_type: str, rate: float, n: int) -> dict:
    from kit.channeltypes import RateLimit
    from kit.connectors import connector_for
    from kit.connectors.http import RetryPolicy
    from kit.connectors.ratelimit import reset_buckets
    from kit.sandbox import start_sandbox

    reset_buckets()
    burst = max(1.0, rate / 10)
    with start_sandbox(channel_type, n_products=10, orders=0, rate_limit=(rate, burst)) as sbx:
        limit = RateLimit(rate, int(burst), "bench")
        conn = connector_for(sbx.channel(), rate_limit={"catalog": limit},
                             retry=RetryPolicy(20, 0.01, 0.5, 1.0, budget_s=120))  # fmt: skip
        items = _items(channel_type, sbx, conn, n)
        conn.category_requirements(items[0].channel_category)  # warm the caches (untimed)
        conn.brand_id(items[0].brand)
        sbx.state.clear_log()
        sbx.set_rate_limit(rate, burst)
        t0 = time.perf_counter()
        report = conn.publish(items)
        seconds = time.perf_counter() - t0
        created = len(report.created())
        requests = sum(1 for e in sbx.state.requests if e["status"] != 429)
        per_item = requests / max(1, created)
        ceiling = rate / per_item
        return {"channel": channel_type, "items": n, "created": created, "seconds": seconds,
                "requests_per_item": per_item, "items_per_s": created / seconds, "ceiling": ceiling,
                "ratio": created / seconds / ceiling, "429": sbx.state.count(429)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", default=",".join(PLAN))
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--rate", type=float, default=None)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-publish-")
    os.environ["KIT_SECRETS"] = str(Path(tmp) / "secrets.json")
    os.environ["KIT_WORKSPACE"] = str(Path(tmp) / "ws")
    try:
        for ch in args.channels.split(","):
            r = bench(ch, args.rate or PLAN[ch], args.items)
            print(f"{r['channel']:<12} {r['created']}/{r['items']} created in {r['seconds']:.1f} s, "
                  f"{r['requests_per_item']:.1f} requests/item, {r['items_per_s']:.1f} items/s of a ceiling of "
                  f"{r['ceiling']:.1f}: ratio {r['ratio']:.2f} (goal >= 0.90), 429s {r['429']}")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
