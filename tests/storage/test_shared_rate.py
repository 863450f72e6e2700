"""Six processes on one Mercado Livre sandbox account with a limit of R requests/s, their bucket in PostgreSQL:
what reaches the channel stays within R/s plus the burst, no 429, every item applied.

The sandbox enforces R/s (with a few requests more of burst than the kit allows itself, as a channel's
documented limit is what the kit must keep to); each process updates the stock of its own 8 SKUs through the
connector, with the account's limit, the channel and the refresh token read from the database.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.storage.helpers import finish, spawn

R, BURST, PER_PROCESS, PROCESSES = 8.0, 8, 8, 6

WORKER = """
import json, sys, time
from kit.channeltypes import RateLimit
from kit.channels import ChannelRegistry
from kit.connectors import connector_for
from kit.connectors.model import StockItem
from kit.store import Workspace

rate, burst, start_at = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
items = [StockItem(sku, qty, channel_id=cid) for sku, qty, cid in json.loads(sys.argv[4])]
ws = Workspace()
channel = ChannelRegistry(ws).get("ml")
conn = connector_for(channel, workspace=ws, rate_limit=RateLimit(rate, burst, "the account's limit", "configured"))
while time.time() < start_at:
    time.sleep(0.002)
result = conn.update_stock(items)
print(json.dumps([[r.sku, r.status, r.reason] for r in result.items]))
"""


class _Stamped(list):
    """The sandbox's request log, each entry stamped with when it was logged (monotonic clock)."""

    def append(self, entry):  # noqa: D102
        entry["t"] = time.monotonic()
        super().append(entry)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_six_processes_share_one_accounts_limit(postgres_env):
    from kit.channels import ChannelRegistry
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox
    from kit.store import Workspace

    n = PER_PROCESS * PROCESSES
    catalog = generate_catalog(n, seed=5)
    with start_sandbox("mercadolivre", catalog=catalog, orders=0, seed=5, variation_share=0.0,
                       rate_limit=(R, BURST + 4)) as sbx:  # fmt: skip
        ws = Workspace()
        ChannelRegistry(ws).add(sbx.channel("ml"))
        ws.close()
        links = {sku: cid for sku, cid, _var in sbx.links()}
        wanted = {p["sku"]: int(p["stock"]) + 40 for p in catalog}
        skus = sorted(wanted)
        sbx.state.requests = _Stamped()
        start_at = time.time() + 5.0
        procs = []
        for k in range(PROCESSES):
            mine = [[s, wanted[s], links[s]] for s in skus[k * PER_PROCESS : (k + 1) * PER_PROCESS]]
            procs.append(spawn(WORKER, str(R), str(BURST), str(start_at), json.dumps(mine)))
        results = [json.loads(finish(p, timeout=240).strip().splitlines()[-1]) for p in procs]
        stamps = sorted(e["t"] for e in sbx.state.requests)
        too_many = sbx.state.count(429)
        levels = sbx.stock_levels()
    statuses = [status for result in results for _sku, status, _reason in result]
    assert statuses == ["applied"] * n, results  # every item applied
    assert levels == wanted
    assert too_many == 0  # zero 429s
    # Measured at the channel: over the run, no more than R/s plus the burst (one request of slack: the log is
    # stamped when the answer is written, a few ms after the limit was checked).
    span = stamps[-1] - stamps[0]
    assert len(stamps) <= R * span + BURST + 1, (len(stamps), span)
    worst = max(j - i + 1 - R * (stamps[j] - stamps[i]) for i in range(len(stamps)) for j in range(i, len(stamps)))
    print(f"{len(stamps)} requests from {PROCESSES} processes in {span:.2f} s: {(len(stamps) - BURST) / span:.2f} "
          f"req/s after the burst (limit {R:g}/s, burst {BURST}); the busiest window held {worst:.2f} requests "
          f"more than the rate (the channel allows {BURST + 4})")  # fmt: skip
