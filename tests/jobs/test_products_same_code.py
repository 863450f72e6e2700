"""After go-live, an ERP SKU whose listing the channel has under another spelling is held, never created again.

An ERP export through Excel drops leading zeros ("000123" is listed as "123"); hand typing changes case and
separators. Exact seller-SKU lookup misses both, so the products job would create a second listing: it holds the
item instead, naming the listing and what to do, in the dry run and the real run alike.
"""

from __future__ import annotations

import pytest

from kit.connectors.publishing import same_code_listings
from kit.jobs import run_job

N = 3


@pytest.fixture
def store(workspace, tmp_path, monkeypatch):
    """A VTEX sandbox listing "123", "SKU-000002" and "SKU-000003"; the ERP has "000123", "sku-000002" and
    "SKU-000003"."""
    from kit.channels import ChannelRegistry
    from kit.jobs.settings import set_job_settings
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox

    catalog = generate_catalog(N, seed=7)
    catalog[0]["sku"] = "123"
    sbx = start_sandbox("vtex", catalog=catalog, orders=0, seed=7, rate_limit=(5000, 5000))
    ChannelRegistry(workspace).add(sbx.channel("loja"))
    erp_sku = {"123": "000123", "SKU-000002": "sku-000002"}
    header = "sku;ean;title;brand;category;ncm;weight_kg;height_cm;width_cm;length_cm;price;stock;active;color"
    rows = [f"{erp_sku.get(p['sku'], p['sku'])};{p['ean']};{p['title']};{p['brand']};{p['category']};{p['ncm']};"
            f"1;1;1;1;{p['price']};1;Sim;Azul ERP" for p in catalog]  # fmt: skip
    erp = tmp_path / "erp"
    erp.mkdir()
    (erp / "products.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    _map_categories(sbx, workspace, tmp_path / "mappings", {p["category"] for p in catalog})
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    yield sbx
    sbx.stop()


def _map_categories(sbx, workspace, directory, categories: set[str]) -> None:
    """Confirmed category and colour de-para to a leaf of the sandbox's tree: a create would really be sent."""
    import pandas as pd

    from kit.channels import ChannelRegistry
    from kit.connectors import connector_for
    from kit.depara import save_table

    conn = connector_for(ChannelRegistry(workspace).get("loja"))
    try:
        leaf = next(c for c in conn.category_tree() if c["leaf"])
        colour = next(a for a in conn.category_requirements(leaf["path"]).attributes if a.name == "Cor").values[0]
    finally:
        conn.close()
    done = {"method": "manual", "score": 100.0, "confirmed": True, "note": ""}
    directory.mkdir()
    rows = [{"channel_category": leaf["path"], "erp_category": c} | done for c in sorted(categories)]
    save_table("loja", "category", pd.DataFrame(rows), directory=directory, record=False)
    rows = [
        {"channel_attribute": "Cor", "channel_value": colour, "erp_attribute": "Cor", "erp_value": "Azul ERP"} | done
    ]
    save_table("loja", "attribute", pd.DataFrame(rows), directory=directory, record=False)


def _creates(sbx) -> list:
    return [
        r for r in list(sbx.state.requests)
        if r.get("method") == "POST" and r.get("path") in ("/api/catalog/pvt/product", "/api/catalog/pvt/stockkeepingunit")
    ]  # fmt: skip


def test_a_sku_listed_under_another_spelling_is_held_in_the_dry_run_and_the_real_run(store, workspace):
    dry = run_job("products", "loja", ws=workspace, dry_run=True)
    said = {d.key: d.reason for d in dry.details}
    real = run_job("products", "loja", ws=workspace)
    held = {d.key: d.reason for d in real.details if d.status == "held"}
    assert _creates(store) == []  # no second listing, in either run
    assert sorted(held) == ["000123", "sku-000002"]
    for sku in held:
        assert said[sku] == "simulação: seria retido para revisão: " + held[sku]
    assert "SKU do vendedor '123' (anúncio " in held["000123"]
    assert "mesmo código sem os zeros à esquerda" in held["000123"]
    assert "preencha '000123' como SKU do vendedor nesse anúncio" in held["000123"]
    assert "corrija o SKU no ERP" in held["000123"]
    assert "'SKU-000002' (anúncio " in held["sku-000002"]
    assert "maiúsculas/minúsculas" in held["sku-000002"]
    assert real.extra["same_code_listings"] == {"000123": ["123"], "sku-000002": ["SKU-000002"]}
    again = run_job("products", "loja", ws=workspace)
    assert sorted(d.key for d in again.details if d.status == "held") == ["000123", "sku-000002"]
    assert _creates(store) == []


def test_only_listings_no_erp_sku_names_exactly_are_candidates_and_every_candidate_is_named():
    bindings = {s: {"channel_id": f"id-{s}"} for s in ("123", "0042", "42", "A-7", "000")}
    found = same_code_listings(bindings, erp_skus={"000123", "123", "42.0", "a7", "0"}, unbound=["000123", "a7", "0"])
    # "123" belongs to the ERP's own "123"; "0"'s key is empty (no code at all): neither is held on a guess
    assert list(found) == ["a7"]
    assert [(r.sku, r.channel_id) for r in found["a7"]] == [("A-7", "id-A-7")]
    both = same_code_listings(bindings, erp_skus={"00042"}, unbound=["00042"])
    assert [r.sku for r in both["00042"]] == ["0042", "42"]  # two candidates: held naming both, never bound


def test_an_erp_export_with_one_row_per_warehouse_is_read_as_one_product_per_sku(workspace, tmp_path):
    """Go-live folds such an export; the products job refused it (repeated SKU, exit 2): it folds it the same
    way now, and still refuses rows of one SKU that disagree."""
    from kit.errors import InputDataError
    from kit.jobs.settings import set_job_settings
    from kit.sandbox import start_sandbox

    header = "sku;ean;title;brand;category;ncm;weight_kg;height_cm;width_cm;length_cm;price;stock;active;deposito\n"
    row = "A1;;Caneca;Marca;Casa;61091000;1;1;1;1;10.00;{stock};Sim;{wh}\n"
    erp = tmp_path / "erp"
    erp.mkdir()
    (erp / "products.csv").write_text(header + row.format(stock=3, wh="CD-SP") + row.format(stock=4, wh="CD-RJ"))
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    sbx = start_sandbox("vtex", catalog=[], orders=0, seed=3, rate_limit=(5000, 5000))
    try:
        from kit.channels import ChannelRegistry

        ChannelRegistry(workspace).add(sbx.channel("loja"))
        dry = run_job("products", "loja", ws=workspace, dry_run=True)
        assert [d.key for d in dry.details] == ["A1"]  # one product, not a repeated SKU
        assert dry.extra["warehouse_rows_folded"] == {"rows": 1, "skus": 1, "warehouse": None}
        bad = row.format(stock=4, wh="CD-RJ").replace("Caneca", "Caneca azul")
        (erp / "products.csv").write_text(header + row.format(stock=3, wh="CD-SP") + bad)
        with pytest.raises(InputDataError, match="aparece mais de uma vez"):
            run_job("products", "loja", ws=workspace, dry_run=True, raise_errors=True)
    finally:
        sbx.stop()
