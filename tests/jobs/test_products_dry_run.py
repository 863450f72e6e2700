"""A products dry run says what the real run will do with each item: create, update, or hold and why."""

from __future__ import annotations

import pytest

from kit.jobs import run_job

N = 4


@pytest.fixture
def store(workspace, tmp_path):
    """A VTEX sandbox with ``N`` SKUs and a channel on it; the ERP has them and one new SKU of an unmapped category."""
    from kit.channels import ChannelRegistry
    from kit.jobs.settings import set_job_settings
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox

    catalog = generate_catalog(N, seed=5)
    sbx = start_sandbox("vtex", catalog=catalog, orders=0, seed=5, rate_limit=(5000, 5000))
    ChannelRegistry(workspace).add(sbx.channel("loja"))
    erp = tmp_path / "erp"
    erp.mkdir()
    header = "sku;ean;title;brand;category;ncm;weight_kg;height_cm;width_cm;length_cm;price;stock;active"
    rows = [f"{p['sku']};{p['ean']};{p['title']};{p['brand']};{p['category']};{p['ncm']};1;1;1;1;{p['price']};1;Sim"
            for p in catalog]  # fmt: skip
    rows.append("NOVO-1;;Caneca nova;Ipê;Categoria Sem De-para;69111010;1;1;1;1;19.90;3;Sim")
    (erp / "products.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    yield sbx
    sbx.stop()


def _writes(sbx) -> list:
    return [r for r in list(sbx.state.requests) if r.get("method") in ("POST", "PUT", "PATCH", "DELETE")]


def test_a_dry_run_names_the_items_the_real_run_holds_and_sends_nothing(store, workspace):
    dry = run_job("products", "loja", ws=workspace, dry_run=True)
    said = {d.key: d.reason for d in dry.details}
    assert _writes(store) == []
    assert said["NOVO-1"].startswith(
        "simulação: seria retido para revisão: categoria 'Categoria Sem De-para' sem de-para"
    )
    assert {r for k, r in said.items() if k != "NOVO-1"} == {"simulação: o anúncio seria atualizado"}
    real = run_job("products", "loja", ws=workspace)
    held = {d.key: d.reason for d in real.details if d.status == "held"}
    assert list(held) == ["NOVO-1"]
    assert said["NOVO-1"] == "simulação: seria retido para revisão: " + held["NOVO-1"]
