"""Sync throughput against each channel sandbox at a configured rate limit R.

Must show: 10,000 stock updates per channel reach at least 90 % of the
ceiling ``R x items per request`` with no unhandled 429 (a 429 the loop
retried is handled; one that ends as a failed item is not). The sandbox
enforces R itself (429 with Retry-After past it); the connector's shared
token bucket is set to the same R, so the kit paces itself below the limit.

Some channels need a read per item before a safe write (Rakuten's ``estoque.Salvar`` requires
``QtdMinima``: the store's current value is read first unless the channel's ``qtd_minima`` setting fixes
it). The ceiling then counts the requests one item really costs, measured from the sandbox's log:
``R x items per request / requests per write``; ``ratio (decl.)`` is the ratio to the declared ceiling.

Channels plug in by name: add a row to ``PLAN`` (channel type -> R), and one
to ``ITEMS`` when 10,000 items at that R would take minutes (the printout
shows each channel's item count). Items come from the sandbox's ``links()``
(what the ERP link table would hold); a sandbox without it is listed with
``list_listings()`` first (untimed).

Usage::

    python bench/bench_sync_throughput.py                  # every channel in PLAN
    python bench/bench_sync_throughput.py --channels vtex,magento --items 2000
    python bench/bench_sync_throughput.py --rate 200       # one R for all
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Requests per second R per channel type. One-item channels at 400 req/s and bulk
# channels at a lower R keep 10,000 items near 10-25 s each.
PLAN: dict[str, float] = {
    "vtex": 400,
    "mercadolivre": 400,
    "magento": 50,  # 20 items per request (§3.7 input limit) -> ceiling 1000 items/s
    # Connectors II at each type's declared rate (kit/channeltypes.py).
    "skyhub": 9,  # §4.4 confirmed: 9 writes/s per endpoint + method
    "pluggto": 5,  # §5.4 none published: kit default (inferred)
    "netshoes": 50 / 60,  # §6 confirmed: plan 50 calls/min (the default plan)
    "cnova": 5,  # §7 none published: kit default (inferred)
    "walmart": 5,  # §9.1 per-API buckets, numbers not given: kit default (inferred)
    "rakuten": 5,  # §8 none published: kit default (inferred)
    "ezcommerce": 5,  # §10 none published: kit default (inferred); 100 items per SalvarEstoqueLst
}
# Items per channel where 10,000 at the published rate would take minutes (the printout says the count).
ITEMS: dict[str, int] = {
    "skyhub": 150,
    "pluggto": 75,
    "netshoes": 25,
    "cnova": 75,
    "walmart": 75,
    "rakuten": 75,
    "ezcommerce": 5000,
}
# Sandbox options per channel: one write endpoint, so the ceiling is R x items per request.
SANDBOX_OPTIONS: dict[str, dict] = {"mercadolivre": {"variation_share": 0.0}, "skyhub": {"variation_share": False}}
BURST_S = 0.02  # bucket capacity, in seconds of R: small, so the burst cannot inflate the ratio
TARGET = 0.90


def _items(sbx, conn, n: int):
    from kit.connectors.model import StockItem

    try:
        links = sbx.links()
    except NotImplementedError:
        frame = conn.list_listings()
        links = list(zip(frame["sku"], frame["channel_id"], frame["variation_id"], strict=True))
    links = [link for link in links if link[0]][:n]
    return [StockItem(sku, 500 + k % 11, cid, vid) for k, (sku, cid, vid) in enumerate(links)]


def run_channel(channel_type: str, rate: float, n_items: int) -> dict:
    from kit.channeltypes import RateLimit
    from kit.connectors import connector_for
    from kit.connectors.http import RetryPolicy, Timeouts
    from kit.sandbox import start_sandbox

    burst = max(1.0, rate * BURST_S)
    options = SANDBOX_OPTIONS.get(channel_type, {})
    # The sandbox enforces the same R with a burst allowance of a quarter second: two buckets on two
    # clocks never align exactly, and thread scheduling bunches requests a little.
    server_burst = max(2 * burst, rate * 0.25)
    with start_sandbox(channel_type, rate_limit=(rate, server_burst), n_products=n_items, orders=0, **options) as sbx:
        sbx.log_bodies = False
        conn = connector_for(
            sbx.channel(),
            retry=RetryPolicy(max_attempts=8, base_delay_s=0.05, max_delay_s=1.0, retry_after_cap_s=1.0, budget_s=120),
            timeouts=Timeouts(5.0, 30.0),
            rate_limit=RateLimit(rate, burst, "bench", "configured"),
        )
        items = _items(sbx, conn, n_items)
        per_request = conn.type.per_request("stock")
        sbx.state.clear_log()
        time.sleep(max(0.05, burst / rate))  # let the buckets fill: a fair start for both
        started = time.perf_counter()
        result = conn.update_stock(items)
        elapsed = time.perf_counter() - started
        conn.close()
        counts = result.counts
        requests = len(sbx.state.requests)
        writes = -(-len(items) // per_request)  # requests the writes alone need
        cost = max(1.0, requests / writes) if writes else 1.0  # requests per write, reads before it included
        ceiling = rate * per_request / cost
        items_per_s = len(items) / elapsed
        return {
            "channel": channel_type,
            "items": len(items),
            "R": rate,
            "per_request": per_request,
            "ceiling": ceiling,
            "items_per_s": items_per_s,
            "ratio": items_per_s / ceiling,
            "declared_ratio": items_per_s / (rate * per_request),
            "cost": cost,
            "seconds": elapsed,
            "requests": requests,
            "429_handled": sbx.state.count(429),
            "failed": counts["failed"] + counts["skipped"],
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", help="comma-separated channel types (default: all in PLAN)")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rate", type=float, help="one R for every channel (requests/s)")
    args = parser.parse_args(argv)
    # A throw-away workspace (the shared rate-limit buckets live there) and secrets file: the user's stay untouched.
    scratch = tempfile.mkdtemp(prefix="kit-bench-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ["KIT_SECRETS"] = str(Path(scratch) / "secrets.json")
    os.environ["KIT_WORKSPACE"] = str(Path(scratch) / "workspace")
    names = [c.strip() for c in args.channels.split(",")] if args.channels else list(PLAN)
    unknown = [c for c in names if c not in PLAN and args.rate is None]
    if unknown:
        parser.error(f"no R for {', '.join(unknown)}: add it to PLAN or pass --rate")
    print(
        f"{args.items} stock updates per channel (fewer where ITEMS says so: see 'items'); "
        f"target >= {TARGET:.0%} of R x items per request / requests per write (reads a safe write needs counted)"
    )
    print(f"{'channel':<14}{'items':>6}{'R/s':>7}{'x/req':>6}{'req/w':>6}{'ceiling':>9}{'items/s':>10}{'ratio':>8}"
          f"{'(decl.)':>8}{'secs':>7}{'reqs':>7}{'429 ok':>8}{'failed':>7}  verdict")  # fmt: skip
    worst = True
    for name in names:
        r = run_channel(name, args.rate or PLAN[name], min(args.items, ITEMS.get(name, args.items)))
        good = r["ratio"] >= TARGET and r["failed"] == 0
        worst &= good
        print(
            f"{r['channel']:<14}{r['items']:>6}{r['R']:>7.3g}{r['per_request']:>6}{r['cost']:>6.2f}{r['ceiling']:>9.4g}"
            f"{r['items_per_s']:>10.1f}{r['ratio']:>8.3f}{r['declared_ratio']:>8.3f}{r['seconds']:>7.1f}"
            f"{r['requests']:>7}{r['429_handled']:>8}{r['failed']:>7}  "
            f"{'ok' if good else 'BELOW TARGET'}",
            flush=True,
        )
    return 0 if worst else 1


if __name__ == "__main__":
    raise SystemExit(main())
