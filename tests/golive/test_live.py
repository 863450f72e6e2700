"""Without a store file, the store side comes live from the connector's ``list_listings()`` (VTEX sandbox)."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.timeout(120)


def test_live_listings_from_the_sandbox(workspace, mappings, tmp_path):
    from kit import sandbox
    from kit.channels import ChannelRegistry
    from kit.golive import run_golive
    from kit.sample import generate_catalog

    catalog = generate_catalog(6, seed=5)
    sbx = sandbox.start_sandbox("vtex", catalog=catalog, orders=0, seed=5)
    try:
        ChannelRegistry(workspace).add(sbx.channel("vtex-live"))
        mappings("vtex-live", "vtex")
        erp = pd.DataFrame(catalog)
        erp.loc[0, "price"] = round(erp.loc[0, "price"] * 1.5, 2)  # the ERP will raise this price
        erp.loc[1, "sku"] = "ERP-ONLY-1"
        path = tmp_path / "erp.csv"
        erp.to_csv(path, index=False)
        run = run_golive(channel="vtex-live", erp_file=path, environment="sandbox", output_dir=tmp_path / "out")
    finally:
        sbx.stop()
    f = run.findings
    assert run.parameters["store_file"] == ""
    assert set(run.ctx.store["sku"]) == {row["sku"] for row in catalog}
    assert f[(f["check"] == "divergences") & (f["field"] == "price")]["sku"].tolist() == [catalog[0]["sku"]]
    assert set(f.loc[(f["check"] == "sku_coverage") & (f["field"] == "erp.sku"), "sku"]) == {"ERP-ONLY-1"}
    assert set(f.loc[(f["check"] == "sku_coverage") & (f["field"] == "store.sku"), "sku"]) == {catalog[1]["sku"]}
    creds = f[f["check"] == "credentials"]
    assert (creds["severity"] == "info").all() and "sucesso" in creds["message"].iloc[0]
