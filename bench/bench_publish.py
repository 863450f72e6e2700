"""Listing creation throughput per channel, as a ratio of its rate ceiling (goal >= 0.9).

The sandbox enforces a rate R (429 past it); the connector's ``catalog`` bucket is set to the same R.
One creation costs a fixed number of catalogue requests per item (VTEX: product lookup, product POST,
SKU lookup, SKU POST, EAN, image, specification: measured from the sandbox's log), so the ceiling is
``R / requests per item`` items per second; where the channel limits each endpoint + method on its own
(SkyHub), the busiest bucket's requests per item. Channels plug in with one row in ``PLAN`` (their item
factory is ``<type>_items`` of ``tests/connectors/test_<type>.py``).

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
PLAN["netshoes"] = 250 / 60  # developers.netshoes.com.br/api-portal/producao: the largest plan, 250 calls/min
PLAN["cnova"] = 5  # Via publishes no rate: the kit's inferred default (kit/channeltypes.py)
PLAN["rakuten"] = 50  # Rakuten publishes no limit: 50/s is the bench's own rate, not the channel's
PLAN["ezcommerce"] = 50  # EZ Commerce publishes no limit: the bench's own rate
PLAN["mercadolivre"] = 18000 / 3600  # the documented application quota, max_requests_per_hour 18000
PLAN["skyhub"] = 9  # §4.4: 9 req/s per endpoint + method (products GET, products POST...), each its own bucket
PLAN["pluggto"] = 5  # §5.4: none published; the kit's default pace (kit/channeltypes.py)


def _items(channel_type: str, sbx, conn, n: int):
    """The channel's item factory: ``<type>_items`` of ``tests/connectors/test_<type>.py``."""
    import importlib

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    try:
        factory = getattr(importlib.import_module(f"connectors.test_{channel_type}"), f"{channel_type}_items")
    except (ImportError, AttributeError):
        raise SystemExit(f"no item factory for {channel_type}") from None
    return factory(sbx, conn, n)


def _per_item(sbx, created: int) -> float:
    """Requests per created item in the busiest of the sandbox's buckets (SkyHub: one per endpoint + method)."""
    from collections import Counter

    key = getattr(sbx, "bucket_key", None)
    answered = [e for e in sbx.state.requests if e["status"] != 429]
    if key is None:
        return len(answered) / max(1, created)
    from kit.sandbox.base import Request

    per = Counter(key(Request(e["method"], e["path"], {}, {}, b"")) for e in answered)
    return max(per.values(), default=0) / max(1, created)


def bench(channel_type: str, rate: float, n: int) -> dict:
    from kit.channeltypes import RateLimit
    from kit.connectors import connector_for
    from kit.connectors.http import RetryPolicy
    from kit.connectors.ratelimit import reset_buckets
    from kit.sandbox import start_sandbox

    reset_buckets()
    burst = max(1.0, rate / 10)
    # The server tolerates at least 5 requests of jitter (a per-minute quota such as Netshoes' tolerates far more);
    # the client still paces itself at ``rate`` with ``burst``, so the ratio cannot exceed what the channel allows.
    server_burst = max(burst, 5.0)
    with start_sandbox(channel_type, n_products=10, orders=0, rate_limit=(rate, server_burst)) as sbx:
        limit = RateLimit(rate, int(burst), "bench")
        conn = connector_for(sbx.channel(), rate_limit={"catalog": limit},
                             retry=RetryPolicy(20, 0.01, 0.5, 1.0, budget_s=120))  # fmt: skip
        items = _items(channel_type, sbx, conn, n)
        conn.category_requirements(items[0].channel_category)  # warm the caches (untimed)
        if hasattr(conn, "brand_id"):
            conn.brand_id(items[0].brand)
        for service in getattr(conn, "services", {}):  # SOAP: read each WSDL once, before the clock starts
            conn.client(service)
        sbx.state.clear_log()
        sbx.set_rate_limit(rate, server_burst)
        t0 = time.perf_counter()
        report = conn.publish(items)
        seconds = time.perf_counter() - t0
        created = len(report.created())
        requests = sum(1 for e in sbx.state.requests if e["status"] != 429)
        per_item = _per_item(sbx, created)
        ceiling = rate / per_item
        return {"channel": channel_type, "items": n, "created": created, "seconds": seconds,
                "requests_per_item": requests / max(1, created), "bucket_per_item": per_item,
                "items_per_s": created / seconds, "ceiling": ceiling, "ratio": created / seconds / ceiling,
                "429": sbx.state.count(429)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", default=",".join(PLAN))
    parser.add_argument("--items", type=int, default=None, help="items per channel (default: about 20 s of work)")
    parser.add_argument("--rate", type=float, default=None)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-publish-")
    os.environ["KIT_SECRETS"] = str(Path(tmp) / "secrets.json")
    os.environ["KIT_WORKSPACE"] = str(Path(tmp) / "ws")
    try:
        for ch in args.channels.split(","):
            rate = args.rate or PLAN[ch]
            r = bench(ch, rate, args.items or max(40, min(400, int(rate * 8))))
            print(f"{r['channel']:<12} {r['created']}/{r['items']} created in {r['seconds']:.1f} s, "
                  f"{r['requests_per_item']:.1f} requests/item ({r['bucket_per_item']:.1f} in the busiest bucket), "
                  f"{r['items_per_s']:.1f} items/s of a ceiling of "
                  f"{r['ceiling']:.1f}: ratio {r['ratio']:.2f} (goal >= 0.90), 429s {r['429']}")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
