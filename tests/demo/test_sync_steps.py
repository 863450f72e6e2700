"""The sync part of the demo (one channel, to stay quick): sandbox, go-live, syncs through papermill."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.timeout(300)
def test_demo_story_for_one_channel(tmp_path, monkeypatch):
    import kit.demo as demo
    import kit.demo.sync_steps as steps

    one = (("demo-vtex", "vtex"),)
    monkeypatch.setattr(demo, "DEMO_CHANNELS", one)
    monkeypatch.setattr(steps, "DEMO_CHANNELS", one)
    monkeypatch.setenv("KIT_REPORTS", str(tmp_path / "elsewhere"))  # the demo keeps its reports in its own dir
    ctx = demo.run_demo(tmp_path / "demo")
    text = "\n".join(ctx.lines)
    assert "Sandbox VTEX: http://127.0.0.1:" in text
    assert "Go-live demo-vtex: APTO" in text
    for job in ("stock", "prices", "orders"):
        reports = sorted((tmp_path / "demo" / "reports" / "demo-vtex" / job).glob("*.json"))
        assert len(reports) == (2 if job == "stock" else 1)  # stock runs twice: the second without changes
        assert all(json.loads(r.read_text())["status"] == "ok" for r in reports)
    assert "sem mudança no ERP: 0 aplicados" in text and "; 0 requisições de atualização" in text
    batches = list((tmp_path / "demo" / "outbox" / "demo-vtex").glob("*.json"))
    orders = [o for b in batches for o in json.loads(b.read_text())["orders"]]
    assert len(orders) == steps.DEMO_ORDERS
    assert "Relatórios: " in text and "Caixa de saída de pedidos" in text
    assert all(not s._thread or not s._thread.is_alive() for s in ctx.data["sandboxes"])
