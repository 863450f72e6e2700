"""With 20 % of requests failing transiently, a 10,000-item update ends with every item applied.

Faults: 10 % 5xx, 5 % read timeouts (the sandbox sleeps 0.8 s, past the
client's 0.5 s read timeout, after applying the change), 5 % dropped connections. The sandbox's
rate limit is high and the backoff small, so each channel takes seconds.
"""

from __future__ import annotations

import time

import pytest

from connectors.contract import make_connector
from kit.channeltypes import RateLimit
from kit.connectors.http import RetryPolicy, Timeouts
from kit.connectors.model import StockItem
from kit.sandbox import start_sandbox

N_ITEMS = 10_000
RETRY = RetryPolicy(max_attempts=12, base_delay_s=0.002, max_delay_s=0.02, retry_after_cap_s=0.02, budget_s=60)


@pytest.mark.slow
@pytest.mark.parametrize("channel_type", ["vtex", "magento", "mercadolivre"])
def test_ten_thousand_items_all_applied_despite_transient_failures(channel_type):
    options = {"variation_share": 0.0} if channel_type == "mercadolivre" else {}
    with start_sandbox(channel_type, rate_limit=(100_000, 100_000), n_products=N_ITEMS, orders=0, **options) as sbx:
        sbx.log_bodies = False
        conn = make_connector(
            sbx, retry=RETRY, timeouts=Timeouts(2.0, 0.5), rate_limit=RateLimit(100_000, 1000, "test", "configured")
        )
        conn.write_workers = 32  # a loaded CI machine: keep honest answers well inside the read timeout
        items = [StockItem(sku, 1000 + n % 7, cid, vid) for n, (sku, cid, vid) in enumerate(sbx.links())]
        assert len(items) == N_ITEMS
        sbx.state.clear_log()
        sbx.faults.update(error_rate=0.10, timeout_rate=0.05, timeout_s=0.8, drop_rate=0.05, seed=11)
        started = time.monotonic()
        result = conn.update_stock(items)
        elapsed = time.monotonic() - started
        sbx.faults.clear()
        result.assert_accounted(items)
        assert result.counts == {"applied": N_ITEMS, "failed": 0, "skipped": 0}, result.failures()[:3]
        # the faults really happened, and retries absorbed them
        assert sbx.state.count(503) > 0 and sbx.state.count("dropped") > 0
        per_request = conn.bulk if channel_type == "magento" else 1
        assert len(sbx.state.requests) > N_ITEMS // per_request
        # the channel holds the new values
        held = sbx.stock_levels()
        assert all(held[it.sku] == it.quantity for it in items)
        print(f"{channel_type}: {N_ITEMS} items in {elapsed:.1f} s, {len(sbx.state.requests)} requests")
