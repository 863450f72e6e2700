"""Go-live on a real, partial store with an assortment, then the products job creates what is missing.

Must show (issue 13): on the sample set and on a partial store (the store lists a subset of the ERP),
with an assortment, go-live reaches APTO when the only gaps are listings "a criar"; ERP SKUs outside the
assortment produce no finding; a listing whose SKU is outside the assortment is reported as such; then
``products`` creates every missing listing and a second run creates nothing and sends no update.
"""

from __future__ import annotations

import csv

import pytest

from kit.golive import APTO, run_golive
from kit.jobs import run_job
from tests.jobs.conftest import write_truth_mappings


def _values_dir():
    from kit.sample import sample_dir

    return sample_dir() / "channels" / "vtex"  # the value lists the truth mappings cover


VALUES = _values_dir()


def _catalog(source: str):
    from kit.sample import generate_catalog, sample_dir
    from kit.sheets import read_table

    if source == "sample":
        from kit.jobs.core import iter_rows

        frame = read_table(sample_dir() / "erp" / "products.csv", "products")
        return [r for r in iter_rows(frame) if r["sku"]][:120]
    return generate_catalog(120, seed=31)


def _write_erp(path, rows) -> None:
    head = ["sku", "ean", "title", "brand", "category", "ncm", "weight_kg", "height_cm", "width_cm", "length_cm",
            "price", "stock", "active", "color", "size", "parent_sku"]  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(head)
        w.writerows([[r.get(c) if r.get(c) is not None else "" for c in head] for r in rows])


def _mappings(root, channel: str, rows) -> None:
    folder = root / channel
    with open(folder / "category.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["erp_category", "channel_category", "method", "score", "confirmed", "note"])
        for cat in sorted({r["category"] for r in rows}):
            w.writerow([cat, cat.replace(" > ", "/"), "manual", "", "true", ""])
    with open(folder / "attribute.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["erp_attribute", "erp_value", "channel_attribute", "channel_value", "method", "score", "confirmed",
                    "note"])  # fmt: skip
        for name, col in (("Cor", "color"), ("Tamanho", "size")):
            for value in sorted({r[col] for r in rows if r.get(col)}):
                w.writerow([name, value, name, value, "manual", "", "true", ""])


@pytest.mark.timeout(240)
@pytest.mark.parametrize("source", ["sample", "generated"])
def test_partial_store_with_an_assortment_is_apto_and_products_creates_the_rest(source, workspace, tmp_path,
                                                                                monkeypatch):  # fmt: skip
    from kit.assortment import set_rule
    from kit.channels import ChannelRegistry
    from kit.jobs.settings import set_job_settings
    from kit.sandbox import start_sandbox
    from tests.connectors.contract import make_connector

    rows = _catalog(source)
    listed = rows[:50]  # the store lists part of the ERP
    name = f"parcial-{source}"
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    monkeypatch.setenv("KIT_REPORTS", str(tmp_path / "reports"))
    with start_sandbox("vtex", catalog=listed, orders=3, rate_limit=(5000, 5000)) as sbx:
        ChannelRegistry(workspace).add(sbx.channel(name))
        write_truth_mappings(tmp_path / "mappings", name, "vtex")
        _mappings(tmp_path / "mappings", name, rows)
        _write_erp(tmp_path / "erp" / "products.csv", rows)
        set_job_settings(workspace, None, {"erp_dir": str(tmp_path / "erp")})
        # The assortment: everything but one brand, and one listed SKU taken off the channel.
        brand = rows[-1]["brand"]
        set_rule(name, "include", "all", [""])
        set_rule(name, "exclude", "brand", [brand])
        set_rule(name, "exclude", "sku", [listed[0]["sku"]])
        wanted = {r["sku"] for r in rows if r["brand"] != brand} - {listed[0]["sku"]}
        conn = make_connector(sbx)
        run = run_golive(channel=name, erp_file=tmp_path / "erp" / "products.csv", environment="sandbox", values_dir=VALUES,
                         answers={"other_erp": {"by": "Teste", "at": "2026-11-27"}}, connector=conn,
                         output_dir=tmp_path / "out", write_xlsx=False)  # fmt: skip
        f = run.findings
        blockers = f[f["severity"] == "bloqueio"]
        assert run.verdict == APTO, blockers[["check", "sku", "message"]].to_string()
        to_create = wanted - {r["sku"] for r in listed}
        a_criar = f[(f["check"] == "sku_coverage") & f["message"].str.contains("a criar")]
        assert set(a_criar["sku"]) == to_create
        outside = {r["sku"] for r in rows} - wanted
        assert not set(f.loc[f["field"].str.startswith("erp."), "sku"]) & outside  # no finding outside it
        off = f[f["message"].str.contains("fora do sortimento")]
        assert set(off["sku"]) == {r["sku"] for r in listed} & outside
        from kit.golive import first_sync_preview

        assert set(first_sync_preview(run.ctx)["to_create"]["sku"]) == to_create

        first = run_job("products", name, ws=workspace, connector=conn)
        assert first.ok and first.failed == 0 and first.held == 0, first.render_pt()
        listings = sbx.listings_by_ref()
        assert {s: len(listings.get(s, [])) for s in wanted} == {s: 1 for s in wanted}
        assert not set(listings) & (outside - {r["sku"] for r in listed})  # nothing outside it was created
        sbx.state.clear_log()
        second = run_job("products", name, ws=workspace, connector=conn)
        assert second.ok and second.applied == 0, second.render_pt()
        writes = [e["path"] for e in sbx.state.requests if e["method"] in ("POST", "PUT", "DELETE")
                  and "stockkeepingunitidsbyrefids" not in e["path"]]  # fmt: skip
        assert writes == []


def test_an_assortment_sku_that_cannot_be_created_blocks_with_the_reason(workspace, tmp_path, monkeypatch):
    from kit.assortment import set_rule
    from kit.channels import ChannelRegistry
    from kit.sandbox import start_sandbox
    from tests.connectors.contract import make_connector

    rows = _catalog("generated")[:30]
    name = "parcial-bloqueio"
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    with start_sandbox("vtex", catalog=rows[:10], orders=2, rate_limit=(5000, 5000)) as sbx:
        ChannelRegistry(workspace).add(sbx.channel(name))
        write_truth_mappings(tmp_path / "mappings", name, "vtex")
        _write_erp(tmp_path / "erp" / "products.csv", rows)  # no category de-para at all
        set_rule(name, "include", "all", [""])
        run = run_golive(channel=name, erp_file=tmp_path / "erp" / "products.csv", environment="sandbox", values_dir=VALUES,
                         answers={"other_erp": {"by": "Teste", "at": "2026-11-27"}}, connector=make_connector(sbx),
                         output_dir=tmp_path / "out", write_xlsx=False)  # fmt: skip
        f = run.findings
        blocked = f[(f["check"] == "sku_coverage") & (f["severity"] == "bloqueio")]
        assert set(blocked["sku"]) == {r["sku"] for r in rows[10:]}
        assert blocked["message"].str.contains("sem de-para").all()
        assert run.verdict != APTO
