"""Fixtures for the sync job tests: a channel, an ERP folder, a recording fake connector."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from kit.connectors.model import ItemResult, Order, OrderItem, OrdersPage, WriteResult


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    return path


class FakeConnector:
    """Records every call; the channel applies everything except SKUs in ``refuse``."""

    def __init__(self, listings: list[dict], orders: list[Order] | None = None, page_size: int = 3) -> None:
        self.listings = listings
        self.calls: list[tuple[str, object]] = []
        self.refuse: dict[str, str] = {}
        self.queue = list(orders or [])
        self.page_size = page_size
        self.acked: list[str] = []

    def list_listings(self):
        import pandas as pd

        self.calls.append(("list_listings", None))
        return pd.DataFrame(self.listings)

    def _write(self, name, items):
        self.calls.append((name, list(items)))
        return WriteResult(
            [
                ItemResult(i.sku, "failed", self.refuse[i.sku])
                if i.sku in self.refuse
                else ItemResult(i.sku, "applied")
                for i in items
            ]
        )

    def update_stock(self, items):
        return self._write("update_stock", items)

    def update_prices(self, items):
        return self._write("update_prices", items)

    def fetch_orders(self, since=None, cursor=None):
        self.calls.append(("fetch_orders", cursor))
        self.since_asked = getattr(self, "since_asked", []) + [since]
        page = self.queue[: self.page_size]
        return OrdersPage(page, cursor=None, has_more=len(self.queue) > self.page_size)

    def ack_orders(self, orders):
        ids = {o.order_id for o in orders}
        self.acked.extend(ids)
        self.queue = [o for o in self.queue if o.order_id not in ids]
        return len(ids)

    def send_invoice(self, order, invoice):
        self.calls.append(("send_invoice", (order, invoice)))
        return {}

    def send_tracking(self, order, shipment):
        self.calls.append(("send_tracking", (order, shipment)))
        return {}

    def writes(self, name: str | None = None) -> list:
        return [
            c for c in self.calls if c[0] != "list_listings" and c[0] != "fetch_orders" and (not name or c[0] == name)
        ]


def make_order(n: int, *, carrier="Correios", service="Sedex", payment="Pix", status="payment-approved") -> Order:
    return Order(
        order_id=f"ORD-{n:04d}",
        channel="fake",
        status_raw=status,
        created_at="2026-11-20T10:00:00Z",
        updated_at=f"2026-11-20T10:{n % 60:02d}:00Z",
        items=[OrderItem(sku=f"SKU-{n:03d}", quantity=1, unit_price=10.0)],
        carrier_raw=carrier,
        service_raw=service,
        payment_raw=payment,
        total=10.0,
        buyer={"name": "Maria", "document": "12345678909"},
        shipping_address={"zip_code": "01001000", "city": "São Paulo", "state": "SP"},
    )


@pytest.fixture
def channel(workspace, tmp_path, monkeypatch):
    """A VTEX channel whose ERP folder is tmp_path/erp, mappings in tmp_path/mappings."""
    from kit.channels import Channel, ChannelRegistry
    from kit.jobs.settings import set_job_settings

    ch = Channel(
        name="loja",
        type="vtex",
        category="plataforma",
        company="11222333000181",
        environment="sandbox",
        base_url="http://127.0.0.1:9",
        settings={"account": "demo"},
    )
    ChannelRegistry(workspace).add(ch)
    ChannelRegistry(workspace).update("loja", {"jobs.stock.batch_size": "2", "jobs.prices.batch_size": "2"})
    erp = tmp_path / "erp"
    erp.mkdir()
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    monkeypatch.setenv("KIT_MAPPINGS", str(tmp_path / "mappings"))
    return ch


LISTINGS = [
    {"channel_id": f"{i}", "variation_id": None, "sku": f"SKU-{i:03d}", "ean": None, "title": f"P{i}", "price": 100.0,
     "stock": 5, "status": "active"}
    for i in range(1, 6)
]  # fmt: skip


@pytest.fixture
def fake():
    return FakeConnector([dict(r) for r in LISTINGS])


def write_truth_mappings(root: Path, channel: str, channel_type: str) -> None:
    """De-para tables for ``channel`` built from the sample ground truth (all confirmed)."""
    from kit.sample import channel_values

    values = channel_values(channel_type)
    heads = {
        "carrier_service": ["channel_carrier", "channel_service", "erp_carrier", "erp_service"],
        "payment_method": ["channel_payment_method", "erp_payment_method"],
        "order_status": ["channel_status", "erp_status"],
    }
    for kind, head in heads.items():
        rows = []
        for raw, erp in values.get(kind, []):
            raw = raw if isinstance(raw, list) else [raw]
            erp = erp if isinstance(erp, list) else [erp]
            rows.append([*raw, *erp, "manual", "", "true", ""])
        folder = root / channel
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{kind}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([*head, "method", "score", "confirmed", "note"])
            w.writerows(rows)


def vtex_store(workspace: Any, tmp_path: Path, n: int, seed: int, extra_erp_rows: tuple[str, ...] = ()) -> Any:
    """A VTEX sandbox with ``n`` SKUs, channel "loja" on it, the same SKUs (and ``extra_erp_rows``) in the ERP's
    products export; the caller stops it. ``sandbox.catalog`` holds the catalogue."""
    from kit.channels import ChannelRegistry
    from kit.jobs.settings import set_job_settings
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox

    catalog = generate_catalog(n, seed=seed)
    sbx = start_sandbox("vtex", catalog=catalog, orders=0, seed=seed, rate_limit=(5000, 5000))
    ChannelRegistry(workspace).add(sbx.channel("loja"))
    erp = tmp_path / "erp"
    erp.mkdir(exist_ok=True)
    header = "sku;ean;title;brand;category;ncm;weight_kg;height_cm;width_cm;length_cm;price;stock;active"
    rows = [f"{p['sku']};{p['ean']};{p['title']};{p['brand']};{p['category']};{p['ncm']};1;1;1;1;{p['price']};1;Sim"
            for p in catalog]  # fmt: skip
    (erp / "products.csv").write_text(header + "\n" + "\n".join([*rows, *extra_erp_rows]) + "\n", encoding="utf-8")
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    sbx.catalog = catalog
    return sbx
