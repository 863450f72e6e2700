"""A corrupt states.sqlite: reported with its last good copy, restored without losing holds or quarantine."""

from __future__ import annotations

import json

from kit.jobs import run_job
from tests.jobs.conftest import FakeConnector, make_order, write_csv
from tests.jobs.test_orders import write_mappings


def test_a_corrupt_state_store_comes_back_with_its_holds_and_quarantine(channel, fake, tmp_path, workspace, kit_cli):
    write_csv(tmp_path / "erp" / "prices.csv", ["sku", "price"], [["SKU-001", "95.00"], ["SKU-002", "40.00"]])
    assert run_job("prices", "loja", ws=workspace, connector=fake).held == 1  # SKU-002: -60 %
    write_mappings(tmp_path / "mappings")
    orders = FakeConnector([], [make_order(1), make_order(2, payment="Boleto")])  # Boleto has no de-para
    assert run_job("orders", "loja", ws=workspace, connector=orders).quarantined == 1
    backup = workspace.root / "states.sqlite.bak"
    assert backup.exists() and backup.stat().st_mode & 0o077 == 0
    workspace.close()
    path = workspace.root / "states.sqlite"
    path.write_bytes(b"not a database, a disk error " * 200)  # the header and the first pages are gone
    for name in ("states.sqlite-wal", "states.sqlite-shm"):
        (workspace.root / name).unlink(missing_ok=True)

    broken = kit_cli("sync", "prices", "--channel", "loja", "--show-held")
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert "states.sqlite.bak" in broken.stderr and "kit init --restore-state" in broken.stderr

    restored = kit_cli("init", "--restore-state")
    assert restored.returncode == 0, restored.stderr
    kept = [p for p in workspace.root.iterdir() if p.name.startswith("states.sqlite.corrupt-")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"not a database")  # nothing thrown away
    held = json.loads(kit_cli("sync", "prices", "--channel", "loja", "--show-held", "--json").stdout)
    assert [h["sku"] for h in held] == ["SKU-002"]
    waiting = json.loads(kit_cli("sync", "orders", "--channel", "loja", "--show-held", "--json").stdout)
    assert [q["order_id"] for q in waiting] == ["ORD-0002"]
