"""VTEX "unlimited stock" (``hasUnlimitedQuantity``): read as unlimited, never overwritten by the stock job.

Before, the listing read summed ``totalQuantity`` (0 on such a SKU) and the stock job sent the ERP quantity with
``unlimitedQuantity: false``, switching "always available" off without a word.
"""

from __future__ import annotations

import pytest

from kit.jobs import run_job

N = 3


@pytest.fixture
def store(workspace, tmp_path):
    """A VTEX sandbox whose second SKU has unlimited stock; the ERP's stock export has all three SKUs."""
    from kit.channels import ChannelRegistry
    from kit.jobs.settings import set_job_settings
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox

    catalog = generate_catalog(N, seed=11)
    catalog[1]["unlimited_stock"] = True
    sbx = start_sandbox("vtex", catalog=catalog, orders=0, seed=11, rate_limit=(5000, 5000))
    ChannelRegistry(workspace).add(sbx.channel("loja"))
    erp = tmp_path / "erp"
    erp.mkdir()
    (erp / "stock.csv").write_text("sku;available;reserved\n" + "".join(f"{p['sku']};7;0\n" for p in catalog))
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    sbx.catalog = catalog
    yield sbx
    sbx.stop()


def _inventory(sbx) -> dict:
    ids = sbx.state.data["by_ref"]
    return {ref: dict(sbx.state.data["inventory"][(int(i), "1_1")]) for ref, i in ids.items()}


def test_the_sandbox_serves_has_unlimited_quantity_as_documented_and_the_listing_read_says_unlimited(store, workspace):
    from kit.channels import ChannelRegistry
    from kit.connectors import connector_for

    unlimited = store.catalog[1]["sku"]
    conn = connector_for(ChannelRegistry(workspace).get("loja"))
    try:
        answer = conn.get_json(f"/api/logistics/pvt/inventory/skus/{store.state.data['by_ref'][unlimited]}")
        listings = conn.list_listings().set_index("sku")
    finally:
        conn.close()
    assert [b["hasUnlimitedQuantity"] for b in answer["balance"]] == [True]  # logistics-api.json: balance[]
    assert listings["unlimited_stock"].to_dict() == {p["sku"]: p["sku"] == unlimited for p in store.catalog}
    assert listings["stock"].isna().to_dict() == {p["sku"]: p["sku"] == unlimited for p in store.catalog}


def test_the_stock_job_holds_an_unlimited_listing_with_the_reason_and_writes_the_others(store, workspace):
    unlimited = store.catalog[1]["sku"]
    before = _inventory(store)
    dry = run_job("stock", "loja", ws=workspace, dry_run=True)
    real = run_job("stock", "loja", ws=workspace)
    after = _inventory(store)
    assert after[unlimited] == before[unlimited]  # still unlimited, quantity untouched
    assert all(after[p["sku"]]["quantity"] == 7 for p in store.catalog if p["sku"] != unlimited)
    for summary in (dry, real):
        held = {d.key: d.reason for d in summary.details if d.status == "held"}
        assert list(held) == [unlimited]
        assert "tem estoque ilimitado no canal" in held[unlimited] and "(7) não foi enviado" in held[unlimited]
    assert real.applied == N - 1
    again = run_job("stock", "loja", ws=workspace)  # asked again every run (never counted as sent)
    assert [d.key for d in again.details if d.status == "held"] == [unlimited] and again.applied == 0


def test_a_sku_the_store_made_unlimited_after_the_listing_read_is_held_by_the_job_and_lead_times_stay(
    store, workspace, tmp_path
):
    """The binding table can be a day old: the write itself reads the SKU first (VTEX ``update_stock``), so a SKU
    made unlimited since is held with the reason, not switched off; a made-to-order SKU keeps its 8-day lead time."""
    first, unlimited_from_binding, made_to_order = (p["sku"] for p in store.catalog)
    run_job("stock", "loja", ws=workspace)  # reads the listings into the binding table and writes 7
    store.admin_inventory(first, unlimitedQuantity=True)  # the store's admin, after the kit's listing read
    store.admin_inventory(made_to_order, leadTime="8.00:00:00")
    (tmp_path / "erp" / "stock.csv").write_text(
        "sku;available;reserved\n" + "".join(f"{p['sku']};9;0\n" for p in store.catalog)
    )
    summary = run_job("stock", "loja", ws=workspace)
    after = _inventory(store)
    held = {d.key: d.reason for d in summary.details if d.status == "held"}
    assert sorted(held) == sorted([first, unlimited_from_binding])
    assert "estoque ilimitado na VTEX agora" in held[first] and "(9) não foi enviado" in held[first]
    assert after[first]["unlimitedQuantity"] is True  # still "always available"
    assert after[made_to_order] == {"quantity": 9, "unlimitedQuantity": False, "leadTime": "8.00:00:00"}
    assert (summary.applied, summary.failed) == (1, 0)
    again = run_job("stock", "loja", ws=workspace)  # not counted sent: asked again, held again
    assert first in {d.key for d in again.details if d.status == "held"} and again.applied == 0
