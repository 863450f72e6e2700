"""The products job reads only what changed where the channel can tell (VTEX: the SKU id list), a full read daily."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from kit.jobs import run_job
from tests.jobs.conftest import vtex_store

N = 30
PATHS = {"ids": "/stockkeepingunitids", "sku": "/stockkeepingunitbyid/", "inventory": "/inventory/skus/",
         "price": "/pricing/prices/"}  # fmt: skip


@pytest.fixture
def store(workspace, tmp_path):
    """A VTEX sandbox with ``N`` SKUs, a channel on it, the same SKUs in the ERP's products export."""
    sbx = vtex_store(workspace, tmp_path, N, seed=11)
    yield sbx
    sbx.stop()


def _reads(sbx) -> Counter:
    """GET requests per kind of listing read."""
    out: Counter = Counter()
    for r in list(sbx.state.requests):
        if r.get("method") == "GET":
            out.update(k for k, part in PATHS.items() if part in r.get("path", ""))
    return out


def _bound(workspace) -> set[str]:
    from kit.jobs.state import JobState

    return set(JobState(workspace, "loja").bindings())


def test_a_run_with_no_change_reads_only_the_id_list_and_keeps_the_full_reads_stamp(store, workspace):
    from kit.jobs.state import JobState

    first = run_job("products", "loja", ws=workspace)
    assert first.extra["listing_read"] == {"kind": "full", "listings": N}
    assert _reads(store)["sku"] == N and first.extra["bound"] == N
    stamp = JobState(workspace, "loja").bindings_refreshed_at()
    store.state.clear_log()
    second = run_job("products", "loja", ws=workspace)
    assert second.extra["listing_read"] == {"kind": "incremental", "listings": N, "new": 0, "removed": 0,
                                            "requests": 1}  # fmt: skip
    assert _reads(store) == Counter(ids=1)  # 1 request instead of 3 x 30 + 1
    assert second.extra["bound"] == N and _bound(workspace) == {p["sku"] for p in store.catalog}
    # The stock and prices jobs read the listings again when the last FULL read is a day old (price guard).
    assert JobState(workspace, "loja").bindings_refreshed_at() == stamp


def test_a_listing_made_outside_the_kit_is_read_alone_and_one_gone_is_dropped(store, workspace):
    from kit.sample import generate_catalog

    run_job("products", "loja", ws=workspace)
    extra = dict(generate_catalog(1, seed=99)[0], sku="FEITO-NO-ADMIN")
    store._seed_sku(max(store.state.data["skus"]) + 1, extra)  # someone creates a SKU in VTEX's admin
    gone_id, gone = next(iter(store.state.data["skus"].items()))
    del store.state.data["skus"][gone_id]  # and another is deleted there
    store.state.clear_log()
    second = run_job("products", "loja", ws=workspace)
    read = second.extra["listing_read"]
    assert (read["kind"], read["new"], read["removed"], read["requests"]) == ("incremental", 1, 1, 1 + 3)
    assert _reads(store)["sku"] == 1  # only the new one is read in full
    bound = _bound(workspace)
    assert "FEITO-NO-ADMIN" in bound and str(gone["RefId"]) not in bound and len(bound) == N


def test_the_full_read_comes_back_daily_and_with_full(store, workspace):
    run_job("products", "loja", ws=workspace)
    workspace.states.put_many("loja", "binding_meta", [("refreshed_at", time.time() - 25 * 3600)])
    store.state.clear_log()
    assert run_job("products", "loja", ws=workspace).extra["listing_read"]["kind"] == "full"
    assert _reads(store)["sku"] == N
    assert run_job("products", "loja", ws=workspace).extra["listing_read"]["kind"] == "incremental"
    assert run_job("products", "loja", ws=workspace, full=True).extra["listing_read"]["kind"] == "full"
