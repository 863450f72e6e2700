"""Kill test: the products job SIGKILLed at random points during creation, each time followed by a normal run.

After 20 kills every assortment SKU has exactly one listing on the channel's sandbox and none is missing.
Kills land exactly between the channel's "created" and the kit recording the binding (``after_created``),
after the record (``after_recorded``), or after a random delay. Channels plug in with one entry in
:data:`KILL_CHANNELS` (the item factory of their publishing contract).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.connectors.contract import write_publishing_inputs
from tests.connectors.test_cnova import cnova_items
from tests.connectors.test_ezcommerce import ezcommerce_items
from tests.connectors.test_magento import magento_standalone_items
from tests.connectors.test_mercadolivre import ml_items
from tests.connectors.test_netshoes import netshoes_items
from tests.connectors.test_pluggto import pluggto_items
from tests.connectors.test_rakuten import rakuten_items
from tests.connectors.test_skyhub import skyhub_items
from tests.connectors.test_vtex import vtex_items
from tests.connectors.test_walmart import walmart_standalone_items

WORKER = Path(__file__).with_name("_products_kill_worker.py")
ROOT = Path(__file__).resolve().parents[2]
KILL_POINTS = ["after_created", "after_created", "after_recorded", None]  # mostly inside the window
#: channel type -> item factory (see tests/connectors/contract.py PublishingContract)
KILL_CHANNELS = {"vtex": vtex_items, "rakuten": rakuten_items, "ezcommerce": ezcommerce_items}
KILL_CHANNELS["netshoes"] = netshoes_items
KILL_CHANNELS["cnova"] = cnova_items
KILL_CHANNELS["mercadolivre"] = ml_items
KILL_CHANNELS["skyhub"] = skyhub_items
KILL_CHANNELS["pluggto"] = pluggto_items
# One template makes a whole family here: Magento and Walmart get theirs without variant attributes.
KILL_CHANNELS["magento"] = magento_standalone_items
KILL_CHANNELS["walmart"] = walmart_standalone_items
#: the kill test is about crashes, not rates: sandbox and worker run far above any channel's limit (Netshoes'
#: plan of 50 calls/min would make 40 runs take hours); bench/ measures rates
FAST_RATE = (5000.0, 5000.0)


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.timeout(420)
@pytest.mark.parametrize("channel_type", sorted(KILL_CHANNELS))
def test_products_survive_20_sigkills(channel_type, tmp_path, workspace, monkeypatch):
    from dataclasses import replace

    from kit.channels import ChannelRegistry
    from kit.jobs.products import KILL_ENV
    from kit.jobs.settings import set_job_settings
    from kit.sample import ean13
    from kit.sandbox import start_sandbox
    from tests.connectors.contract import make_connector

    rng = random.Random(20261127)
    sbx = start_sandbox(channel_type, n_products=6, orders=0, seed=11, rate_limit=FAST_RATE)
    try:
        name = f"{channel_type}-kill"
        ChannelRegistry(workspace).add(sbx.channel(name))
        set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
        template = KILL_CHANNELS[channel_type](sbx, make_connector(sbx), 1)[0]
        items: list = []
        env = dict(os.environ, KIT_MAPPINGS=str(tmp_path / "mappings"), PYTHONPATH=str(ROOT), KIT_KILL_FAST_RATE="1")
        env.pop(KILL_ENV, None)
        killed = 0
        for _ in range(20):
            for _new in range(rng.randint(3, 6)):  # new ERP products every round: creations to be killed in
                k = len(items) + 1
                items.append(
                    replace(
                        template,
                        sku=f"KILL-{k:04d}",
                        title=f"Produto {k}",
                        parent_sku=f"KF-{k // 3}",
                        ean=ean13(f"20{k:010d}") if template.ean else None,
                    )
                )  # one product, one EAN
            write_publishing_inputs(tmp_path, name, items)
            point = rng.choice(KILL_POINTS)
            run_env = dict(env)
            if point:
                run_env[KILL_ENV] = f"{point}:{rng.randint(1, 3)}"
            proc = subprocess.Popen(
                [sys.executable, str(WORKER), name], env=run_env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            if point is None:
                try:
                    proc.wait(timeout=rng.uniform(1.0, 3.0))
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=120)
            proc.stderr.close()
            killed += proc.returncode == -signal.SIGKILL
            normal = subprocess.run(
                [sys.executable, str(WORKER), name], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert normal.returncode == 0, normal.stdout + normal.stderr
        listed = sbx.listings_by_ref()
        skus = [i.sku for i in items]
        print(f"products kill test ({channel_type}): {killed} of 20 runs killed by SIGKILL, {len(skus)} SKUs created")
        assert killed >= 10, f"only {killed} of 20 runs were actually killed"
        assert {s: len(listed.get(s, [])) for s in skus} == {s: 1 for s in skus}  # one each, none missing
    finally:
        sbx.stop()
