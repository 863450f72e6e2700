"""status: invoices and tracking sent once each; products: binding table and what is unsupported."""

from __future__ import annotations

import csv

from kit.errors import ChannelFatalError
from kit.jobs import run_job
from kit.jobs.state import JobState
from tests.jobs.conftest import write_csv

SHIP_HEADER = ["channel_order_id", "nfe_key", "invoice_number", "invoice_series", "issued_at", "carrier", "service",
               "tracking_code", "tracking_url", "status", "invoice_value"]  # fmt: skip
KEY = "3526111122233300018155001000326003181617757"


def _ships(tmp_path, rows, sub=None):
    folder = tmp_path / "erp" / sub if sub else tmp_path / "erp"
    write_csv(folder / "shipments.csv", SHIP_HEADER, rows)


def test_status_sends_invoice_then_tracking_once(channel, fake, tmp_path, workspace):
    JobState(workspace, "loja").record_written([("A1", "v1"), ("A2", "v1")], "batch.json")
    _ships(
        tmp_path,
        [
            ["A1", KEY + "1", "1", "1", "2026-11-02", "Correios", "SEDEX", "BR123", "http://t/BR123", "Faturado", "10"],
            ["A2", KEY + "2", "2", "1", "2026-11-02", "Correios", "PAC", "", "", "Faturado", "20"],
            ["OTHER", KEY + "3", "3", "1", "2026-11-02", "Correios", "PAC", "BR9", "", "Faturado", "30"],
        ],
    )
    s = run_job("status", "loja", ws=workspace, connector=fake)
    assert s.ok and s.applied == 3
    calls = [(name, args[0]) for name, args in fake.writes()]
    assert calls == [("send_invoice", "A1"), ("send_tracking", "A1"), ("send_invoice", "A2")]
    assert fake.writes("send_invoice")[0][1][1].nfe_key == KEY + "1"
    assert any("não vieram deste canal" in n for n in s.notes)  # OTHER is not one of this channel's orders
    fake.calls.clear()
    s2 = run_job("status", "loja", ws=workspace, connector=fake)
    assert s2.applied == 0 and s2.skipped == 3 and fake.writes() == []


def test_refused_invoice_holds_tracking_and_is_retried(channel, fake, tmp_path, workspace):
    _ships(
        tmp_path,
        [["A1", KEY + "1", "1", "1", "2026-11-02", "Correios", "SEDEX", "BR123", "", "Faturado", "10"]],
        sub="loja",  # a channel's own folder: every row is this channel's
    )

    def refuse(order, invoice):
        raise ChannelFatalError("invoice rejected: key does not match order", channel="loja", status=400)

    fake.send_invoice = refuse
    s = run_job("status", "loja", ws=workspace, connector=fake)
    assert (s.applied, s.failed, s.skipped) == (0, 1, 1) and not s.ok
    del fake.send_invoice
    s2 = run_job("status", "loja", ws=workspace, connector=fake)
    assert s2.ok and s2.applied == 2


def test_products_binding_table_export_and_unsupported_updates(channel, fake, tmp_path, workspace):
    write_csv(
        tmp_path / "erp" / "products.csv",
        ["sku", "ean", "title", "brand", "category", "ncm", "price", "stock", "active"],
        [["SKU-001", "", "Produto 1", "B", "C", "12345678", "10", "1", "Sim"],
         ["SKU-099", "", "Produto 99", "B", "C", "12345678", "10", "1", "Sim"]],
    )  # fmt: skip
    out = tmp_path / "bindings.csv"
    s = run_job("products", "loja", ws=workspace, connector=fake, params={"export_bindings": str(out)})
    assert s.ok
    assert s.extra["bound"] == 1 and len(s.extra["orphans"]) == 4
    assert "update_products" in s.extra["unsupported"]
    reasons = {d.key: d.reason for d in s.details}
    assert "criação de anúncio pela API não suportada" in reasons["SKU-099"]
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["sku"] for r in rows] == [f"SKU-00{i}" for i in range(1, 6)] and rows[0]["channel_id"] == "1"
