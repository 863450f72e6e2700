"""The ``variation_price`` check: SKUs of one listing (ERP family or store listing) with different ERP prices."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.channeltypes import get_type
from kit.golive import GoliveContext, run_checks
from kit.golive.variations import _components
from kit.sample import ean13


def _erp(prices, parents) -> pd.DataFrame:
    n = len(prices)
    return pd.DataFrame(
        {
            "sku": [f"V{i}" for i in range(1, n + 1)],
            "ean": [ean13(789_200_000_000 + i) for i in range(1, n + 1)],
            "title": [f"Camiseta {i}" for i in range(1, n + 1)],
            "brand": "Marca", "category": "Roupas", "ncm": "61091000", "weight_kg": 0.3, "height_cm": 2.0,
            "width_cm": 20.0, "length_cm": 30.0, "price": prices, "stock": 5, "active": True,
            "parent_sku": parents,
        }
    )  # fmt: skip


def _store(erp, channel_ids, variation_ids) -> pd.DataFrame:
    store = erp.drop(columns=["parent_sku"]).copy()
    store["channel_id"] = channel_ids
    store["variation_id"] = variation_ids
    return store


def _check(erp, store, channel_type="mercadolivre") -> pd.DataFrame:
    ctx = GoliveContext(erp=erp, store=store, channel_type=get_type(channel_type), company="11222333000181")
    return run_checks(ctx, only=["variation_price"])


def test_erp_family_with_one_odd_price_flags_that_sku_only():
    erp = _erp([99.9, 99.9, 119.9, 50.0, 50.0], ["P1", "P1", "P1", "", ""])
    store = _store(erp, ["MLB1", "MLB1", "MLB1", "MLB4", "MLB5"], ["11", "12", "13", "", ""])
    f = _check(erp, store)
    assert f["sku"].tolist() == ["V3"]
    row = f.iloc[0]
    assert row["severity"] == "bloqueio" and row["field"] == "erp.price"
    assert row["value"] == "R$ 119,90" and row["expected"] == "R$ 99,90"
    assert "MLB1" in row["message"] and "P1" in row["message"] and "R$ 99,90" in row["message"]
    # A channel without the one-price rule: nothing to say.
    assert _check(erp, store, "vtex").empty


def test_store_listing_groups_skus_the_erp_does_not():
    # No parent_sku in the ERP: the store's listing with variations is what ties the SKUs.
    erp = _erp([10.0, 12.0, 30.0, 30.0], ["", "", "", ""])
    store = _store(erp, ["MLB7", "MLB7", "MLB8", "MLB9"], ["1", "2", "", ""])
    f = _check(erp, store)
    # Two SKUs, two prices, no majority: both flagged, one price expected.
    assert sorted(f["sku"]) == ["V1", "V2"]
    assert set(f["expected"]) == {"um único preço"}
    assert all("R$ 10,00" in m and "R$ 12,00" in m and "MLB7" in m for m in f["message"])


def test_same_price_families_and_simple_listings_are_clean():
    erp = _erp([20.0, 20.0, 21.0, 22.0], ["P1", "P1", "", ""])
    store = _store(erp, ["MLB1", "MLB1", "MLB3", "MLB4"], ["1", "2", "", ""])
    assert _check(erp, store).empty
    # Listing ids without variation ids are separate listings, even if repeated (duplicates reports those).
    store2 = _store(erp, ["MLB1", "MLB1", "MLB3", "MLB3"], ["1", "2", "", ""])
    assert _check(erp, store2).empty


def test_family_and_listing_links_are_joined():
    # V1-V2 share a parent, V2-V3 a store listing: one group of three, V3 is the odd price.
    erp = _erp([40.0, 40.0, 45.0, 9.0], ["P1", "P1", "", ""])
    store = _store(erp, ["MLB1", "MLB2", "MLB2", "MLB4"], ["", "21", "22", ""])
    f = _check(erp, store)
    assert f["sku"].tolist() == ["V3"] and f["expected"].tolist() == ["R$ 40,00"]


def test_components_follow_chains():
    # a joins 0-1, 2-3, 4-5; b joins 1-2, 3-4: one chain through all six rows.
    a = np.array([0, 0, 1, 1, 2, 2], dtype=np.int64)
    b = np.array([-1, 0, 0, 1, 1, -1], dtype=np.int64)
    assert len(set(_components(6, [a, b]).tolist())) == 1
    assert _components(6, [a]).tolist() == [0, 0, 2, 2, 4, 4]
    assert _components(6, [b[::-1].copy()]).tolist() == [0, 1, 1, 3, 3, 5]
