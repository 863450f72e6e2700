"""Sample data: valid codes, determinism, the committed set, and defects that match their manifest.

The defect checks here are an independent re-implementation (plain pandas, python-stdnum):
they find the defects in the written files and compare with ``defects.json``.
"""

from __future__ import annotations

import filecmp
import io
import json
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from stdnum import ean as stdnum_ean
from stdnum.br import cnpj as stdnum_cnpj
from stdnum.br import cpf as stdnum_cpf

from kit import sample as S
from kit import sheets
from kit.channeltypes import get_type
from kit.sample.checkdigits import _ean13_many
from kit.sample.files import _decimal_strings, _fmt_num

SAMPLE = Path(S.sample_dir())
TYPES = sorted(S.STORE_FORMATS)


# -- codes -----------------------------------------------------------------------------------
def test_ean13_check_digit():
    assert S.ean13("789100031550") == "7891000315507"
    assert S.ean13(400638133393) == "4006381333931"
    rng = np.random.default_rng(1)
    bodies = rng.integers(10**11, 10**12, 500, dtype=np.int64)
    assert _ean13_many(bodies) == [S.ean13(int(b)) for b in bodies]
    assert all(stdnum_ean.is_valid(e) for e in _ean13_many(bodies))


def test_cpf_and_nfe_key_check_digits():
    assert S.cpf_check_digits("111444777") == "35"  # 111.444.777-35
    key = S.nfe_key(35, datetime(2026, 11, 3), "11222333000181", 1, 1234, 5678)
    assert len(key) == 44 and key[20:22] == "55" and key[6:20] == "11222333000181"
    assert _nfe_dv_ok(key)
    assert not _nfe_dv_ok(key[:-1] + str((int(key[-1]) + 1) % 10))


def _nfe_dv_ok(key: str) -> bool:
    weights = [2, 3, 4, 5, 6, 7, 8, 9] * 6
    total = sum(int(d) * w for d, w in zip(reversed(key[:43]), weights, strict=False))
    rest = total % 11
    return int(key[43]) == (0 if rest < 2 else 11 - rest)


# -- catalogue ---------------------------------------------------------------------------------
def test_catalog_is_valid_and_deterministic():
    rows = S.generate_catalog(2000, seed=7)
    assert rows == S.generate_catalog(2000, seed=7)
    assert rows != S.generate_catalog(2000, seed=8)
    assert all(tuple(r) == S.PRODUCT_COLUMNS for r in rows)
    assert len({r["sku"] for r in rows}) == len({r["ean"] for r in rows}) == 2000
    for r in rows:
        assert stdnum_ean.is_valid(r["ean"]) and r["ean"].startswith("789")
        assert re.fullmatch(r"\d{8}", r["ncm"])
        assert 0 < len(r["title"]) <= S.MIN_TITLE_LIMIT
        assert r["brand"] and r["category"]
        assert r["price"] > 0 and round(r["price"], 2) == r["price"]
        assert min(r["weight_kg"], r["height_cm"], r["width_cm"], r["length_cm"]) > 0
        assert isinstance(r["stock"], int) and r["stock"] >= 0
        assert r["active"] is True
    assert any("ç" in r["title"] or "ê" in r["title"] or "á" in r["title"] for r in rows)


def test_frame_and_records_agree():
    frame = S.generate_catalog_frame(300, seed=3)
    assert list(frame.columns) == list(S.PRODUCT_COLUMNS)
    assert frame.to_dict("records") == S.generate_catalog(300, seed=3)


def test_fast_and_record_paths_write_the_same_erp_files(tmp_path):
    S.write_erp_exports(tmp_path / "fast", 400, seed=5)
    S.write_erp_exports(tmp_path / "records", 400, seed=5, catalog=S.generate_catalog(400, seed=5))
    for name in ("products.csv", "stock.csv", "prices.csv", "carrier_service.csv"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "records" / name).read_bytes(), name


@pytest.mark.parametrize(("decimals", "thousands"), [(1, False), (2, False), (3, False), (2, True)])
def test_vectorised_number_text_matches_the_scalar_formatter(decimals, thousands):
    rng = np.random.default_rng(decimals)
    values = np.round(np.concatenate([rng.uniform(0, 3_000_000, 2000), [0.0, 999.99, 1000.0, 0.05]]), decimals)
    expected = [_fmt_num(v, decimals, True, thousands) for v in values.tolist()]
    assert _decimal_strings(values, decimals, thousands=thousands) == expected


def test_erp_products_file_is_cp1252_semicolon_decimal_comma(tmp_path):
    S.write_erp_exports(tmp_path, 50, seed=1)
    raw = (tmp_path / "products.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    header, first = text.splitlines()[:2]
    assert header.split(";")[:3] == ["Código", "EAN/GTIN", "Descrição"]
    assert re.search(r";\d+,\d{2};", first)
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"Código": str, "EAN/GTIN": str, "NCM": str})
    records = S.generate_catalog(50, seed=1)
    assert frame["Código"].tolist() == [r["sku"] for r in records]
    assert frame["Preço"].tolist() == [r["price"] for r in records]
    assert frame["EAN/GTIN"].tolist() == [r["ean"] for r in records]


def test_prices_file_uses_thousands_dot(tmp_path):
    cat = S.generate_catalog(5, seed=1)
    cat[0]["price"] = 12345.6
    S.write_erp_exports(tmp_path, 5, catalog=cat)
    assert "SKU-000001;12.345,60;" in (tmp_path / "prices.csv").read_text(encoding="cp1252")


# -- the committed sample set ---------------------------------------------------------------------
def test_committed_sample_set_is_reproducible_byte_for_byte(tmp_path):
    S.write_sample_set(tmp_path)
    cmp = filecmp.dircmp(SAMPLE, tmp_path)
    problems = []

    def walk(c, prefix=""):
        problems.extend(f"{prefix}{n} only in committed" for n in c.left_only)
        problems.extend(f"{prefix}{n} missing from committed" for n in c.right_only)
        for name in c.common_files:
            if (Path(c.left) / name).read_bytes() != (Path(c.right) / name).read_bytes():
                problems.append(f"{prefix}{name} differs")
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(cmp)
    assert not problems, "regenerate with `python -m kit.sample --write kit/data/sample`: " + ", ".join(problems)


def test_sample_readme_documents_every_defect_class():
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    for cls in S.DEFECT_CLASSES:
        assert f"`{cls}`" in text


def test_sample_company_cnpj_is_valid():
    assert stdnum_cnpj.is_valid(S.SAMPLE_COMPANY["cnpj"])


# -- an independent defect finder -------------------------------------------------------------------
def _read_listings(directory: Path, channel_type: str) -> pd.DataFrame:
    fmt = S.STORE_FORMATS[channel_type]
    inverse = {v: k for k, v in fmt["headers"].items()}
    path = directory / fmt["file"]
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=object).fillna("")
    else:
        frame = pd.read_csv(path, sep=fmt["sep"], encoding=fmt["encoding"], dtype=str, keep_default_na=False)
    frame = frame.rename(columns=inverse)
    for col in ("price", "weight_kg", "height_cm", "width_cm", "length_cm", "stock"):
        frame[col] = pd.to_numeric(frame[col].astype(str).str.replace(",", ".", regex=False))
    for col in ("sku", "ean", "ncm", "brand", "title"):
        frame[col] = frame[col].astype(str)
    return frame


def _find_price_conflicts(erp_file: Path) -> set[str]:
    """SKUs whose ERP price differs from the most common price of their family (``Código pai``)."""
    erp = pd.read_csv(erp_file, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    erp = erp[erp["Código pai"] != ""]
    mode = erp.groupby("Código pai")["Preço"].agg(lambda p: p.value_counts().index[0])
    return set(erp.loc[erp["Preço"] != erp["Código pai"].map(mode), "Código"])


def _find_defects(erp: list[dict], store: pd.DataFrame, title_limit: int) -> dict[str, set[str]]:
    by_sku = {r["sku"]: r for r in erp}
    erp_by_ean = {r["ean"]: r["sku"] for r in erp}
    store_skus = store["sku"].tolist()
    found: dict[str, set[str]] = {}
    found["missing_in_store"] = set(by_sku) - set(store_skus)
    found["extra_in_store"] = set(store_skus) - set(by_sku)
    counts = store["sku"].value_counts()
    found["duplicate_sku_store"] = set(counts[counts > 1].index)
    per_ean = store.groupby("ean")["sku"].nunique()
    shared = set(per_ean[per_ean > 1].index)
    found["duplicate_ean"] = set(store.loc[store["ean"].isin(shared), "sku"])
    found["bad_ean"] = {s for s, e in zip(store["sku"], store["ean"], strict=True) if not stdnum_ean.is_valid(e)}
    found["bad_ncm"] = {s for s, n in zip(store["sku"], store["ncm"], strict=True) if not re.fullmatch(r"\d{8}", n)}
    found["price_divergence"] = set()
    found["stock_divergence"] = set()
    for row in store.itertuples():
        erp_row = by_sku.get(row.sku)
        if erp_row is None:
            continue
        if abs(row.price - erp_row["price"]) / erp_row["price"] > 0.05:
            found["price_divergence"].add(row.sku)
        if row.stock != erp_row["stock"]:
            found["stock_divergence"].add(row.sku)
    dims = store[["weight_kg", "height_cm", "width_cm", "length_cm"]]
    found["zero_dimensions"] = set(store.loc[(dims <= 0).any(axis=1), "sku"])
    found["missing_brand"] = set(store.loc[store["brand"].str.strip() == "", "sku"])
    found["long_title"] = set(store.loc[store["title"].str.len() > title_limit, "sku"])
    moved = {
        erp_by_ean[e]
        for s, e in zip(store["sku"], store["ean"], strict=True)
        if s not in by_sku and e in erp_by_ean and erp_by_ean[e] not in set(store_skus)
    }
    found["ean_moved"] = moved
    return found


@pytest.mark.parametrize("channel_type", TYPES)
def test_store_export_defects_match_the_manifest(tmp_path, channel_type):
    catalog = S.generate_catalog(300, seed=11)
    manifest = S.write_store_export(tmp_path, catalog, channel_type, seed=11)
    assert json.loads((tmp_path / "defects.json").read_text(encoding="utf-8")) == manifest
    uniform = get_type(channel_type).uniform_variation_price
    expected = set(S.DEFECT_CLASSES) - (set() if uniform else {"variation_price_conflict"})
    assert set(manifest["defects"]) == expected
    if uniform:
        conflicts = _find_price_conflicts(tmp_path / manifest["erp_file"])
        assert conflicts == set(manifest["defects"]["variation_price_conflict"]["skus"])
        assert len(conflicts) == S.DEFECT_COUNTS["variation_price_conflict"]
    else:
        assert manifest["erp_file"] is None and not (tmp_path / "erp_products.csv").exists()
    store = _read_listings(tmp_path, channel_type)
    assert len(store) == manifest["store_rows"]
    found = _find_defects(catalog, store, S.TITLE_LIMITS[channel_type])
    listed = {cls: set(d["skus"]) for cls, d in manifest["defects"].items()}
    moved = manifest["defects"]["ean_moved"]["details"]
    # ean_moved also shows as a missing ERP SKU and an extra store SKU (documented in the manifest).
    assert found["missing_in_store"] == listed["missing_in_store"] | {d["erp_sku"] for d in moved}
    assert found["extra_in_store"] == listed["extra_in_store"] | {d["store_sku"] for d in moved}
    for cls in S.DEFECT_COUNTS:
        if cls in ("missing_in_store", "extra_in_store", "variation_price_conflict"):
            continue
        assert found[cls] == listed[cls], cls
    drops = [d for d in manifest["defects"]["price_divergence"]["details"] if d["change_pct"] < -50]
    ups = [d for d in manifest["defects"]["price_divergence"]["details"] if d["direction"] == "up"]
    assert drops and ups
    assert all(abs(d["change_pct"]) >= manifest["price_divergence_min_pct"] for d in ups + drops)
    # No SKU carries two defects.
    all_listed = [s for cls, skus in listed.items() if cls != "duplicate_ean" for s in skus]
    assert len(all_listed) == len(set(all_listed))


@pytest.mark.parametrize("channel_type", TYPES)
def test_clean_store_export_has_no_defect(tmp_path, channel_type):
    catalog = S.generate_catalog(300, seed=11)
    manifest = S.write_store_export(tmp_path, catalog, channel_type, defects=(), seed=11)
    assert manifest["clean"] is True and manifest["defects"] == {}
    store = _read_listings(tmp_path, channel_type)
    found = _find_defects(catalog, store, S.TITLE_LIMITS[channel_type])
    assert {cls: skus for cls, skus in found.items() if skus} == {}
    values = pd.read_csv(tmp_path / "order_status.csv", dtype=str)
    assert set(values.iloc[:, 0]) == {raw for raw, _ in S.channel_values(channel_type)["order_status"]}


def test_committed_store_exports_match_their_manifests():
    catalog = S.generate_catalog(S.SAMPLE_SKUS, S.SAMPLE_SEED)
    for channel_type in TYPES:
        for kind in ("store", "store_clean"):
            directory = SAMPLE / kind / channel_type
            manifest = json.loads((directory / "defects.json").read_text(encoding="utf-8"))
            store = _read_listings(directory, channel_type)
            found = _find_defects(catalog, store, manifest["title_limit"])
            if kind == "store_clean":
                assert not any(found.values()), channel_type
            else:
                for cls in ("bad_ean", "bad_ncm", "long_title", "zero_dimensions", "missing_brand"):
                    assert found[cls] == set(manifest["defects"][cls]["skus"]), (channel_type, cls)


def test_selected_defects_only_and_unknown_class_refused(tmp_path):
    catalog = S.generate_catalog(100, seed=2)
    manifest = S.write_store_export(tmp_path, catalog, "vtex", defects=["bad_ean", "long_title"], seed=2)
    assert set(manifest["defects"]) == {"bad_ean", "long_title"}
    found = _find_defects(catalog, _read_listings(tmp_path, "vtex"), S.TITLE_LIMITS["vtex"])
    assert {c for c, s in found.items() if s} == {"bad_ean", "long_title"}
    with pytest.raises(ValueError, match="unknown defect"):
        S.write_store_export(tmp_path, catalog, "vtex", defects=["typo"])
    with pytest.raises(ValueError, match="too small"):
        S.write_store_export(tmp_path, catalog[:10], "vtex")


# -- value lists -----------------------------------------------------------------------------------
@pytest.mark.parametrize("channel_type", TYPES)
def test_channel_value_lists_are_the_raw_values_with_channel_headers(tmp_path, channel_type):
    S.write_channel_value_lists(tmp_path, channel_type)
    truth = S.channel_values(channel_type)
    carriers = pd.read_csv(tmp_path / "carrier_service.csv", dtype=str, keep_default_na=False)
    assert [tuple(r) for r in carriers.itertuples(index=False)] == [tuple(raw) for raw, _ in truth["carrier_service"]]
    assert list(carriers.columns) != ["carrier", "service"]
    assert (tmp_path / "payment_method.csv").exists() == bool(truth["payment_method"])
    statuses = pd.read_csv(tmp_path / "order_status.csv", dtype=str, keep_default_na=False)
    assert statuses.iloc[:, 0].tolist() == [raw for raw, _ in truth["order_status"]]


def test_unmapped_values_are_listed_and_absent_from_the_ground_truth(tmp_path):
    manifest = S.write_store_export(tmp_path, S.generate_catalog(100, seed=1), "mercadolivre", seed=1)
    values = manifest["defects"]["unmapped_values"]["values"]
    truth = S.channel_values("mercadolivre")
    kinds = {v["kind"] for v in values}
    assert kinds == {"carrier_service", "payment_method", "order_status"}
    for v in values:
        raws = [raw for raw, _ in truth[v["kind"]]]
        assert v["value"] not in raws
    statuses = pd.read_csv(tmp_path / "order_status.csv", dtype=str)
    assert S.UNMAPPED_EXTRAS["order_status"][0] in statuses.iloc[:, 0].tolist()


def test_erp_value_lists_are_the_erp_values(tmp_path):
    S.write_erp_value_lists(tmp_path)
    frame = pd.read_csv(tmp_path / "payment_method.csv", sep=";", encoding="cp1252", dtype=str)
    assert frame["Forma de pagamento"].tolist() == S.erp_values()["payment_method"]


# -- orders and shipments ------------------------------------------------------------------------------
@pytest.mark.parametrize("channel_type", TYPES)
def test_orders_are_valid_and_deterministic(channel_type):
    catalog = S.generate_catalog(50, seed=4)
    orders = S.generate_orders(catalog, channel_type, 40, seed=9)
    assert orders == S.generate_orders(catalog, channel_type, 40, seed=9)
    assert len({o["order_id"] for o in orders}) == 40
    truth = S.channel_values(channel_type)
    prices = {r["sku"]: r["price"] for r in catalog}
    for o in orders:
        created = datetime.fromisoformat(o["created_at"])
        assert o["created_at"].endswith("-03:00") and datetime.fromisoformat(o["updated_at"]) >= created
        assert o["status_raw"] in [raw for raw, _ in truth["order_status"]]
        assert [o["carrier_raw"], o["service_raw"]] in [raw for raw, _ in truth["carrier_service"]]
        if truth["payment_method"]:
            assert o["payment_raw"] in [raw for raw, _ in truth["payment_method"]]
        else:
            assert o["payment_raw"] is None
        assert stdnum_cpf.is_valid(o["buyer"]["document"])
        assert re.fullmatch(r"\d{8}", o["shipping_address"]["zipcode"])
        assert o["items"] and all(it["unit_price"] == prices[it["sku"]] and it["qty"] >= 1 for it in o["items"])
        items_total = sum(it["qty"] * it["unit_price"] for it in o["items"])
        assert o["total"] == pytest.approx(items_total + o["shipping_cost"])
    assert [o["created_at"] for o in orders] == sorted(o["created_at"] for o in orders)


def test_shipments_cover_invoiced_orders_with_valid_keys(tmp_path):
    catalog = S.generate_catalog(50, seed=4)
    orders = S.generate_orders(catalog, "vtex", 60, seed=9)
    rows = S.write_erp_shipments(tmp_path, orders, "vtex")
    status_erp = dict(S.channel_values("vtex")["order_status"])
    invoiced = [
        o["order_id"]
        for o in orders
        if status_erp[o["status_raw"]] in ("Pagamento aprovado", "Em separação", "Faturado", "Enviado", "Entregue")
    ]
    assert [r["channel_order_id"] for r in rows] == invoiced
    erp_pairs = [tuple(p) for p in S.erp_values()["carrier_service"]]
    for r in rows:
        assert _nfe_dv_ok(r["nfe_key"]) and r["nfe_key"][6:20] == S.SAMPLE_COMPANY["cnpj"]
        assert (r["carrier"], r["service"]) in erp_pairs
        assert r["status"] in ("Faturado", "Enviado")
        assert bool(r["tracking_code"]) == (r["status"] == "Enviado")
    frame = pd.read_csv(tmp_path / "shipments.csv", sep=";", encoding="cp1252", dtype=str)
    assert len(frame) == len(rows)
    assert frame["Chave NF-e"].tolist() == [r["nfe_key"] for r in rows]


# -- the shared reader reads the sample --------------------------------------------------------------
def _sample_files() -> list[tuple[str, str]]:
    files = [("erp/products.csv", "products"), ("erp/stock.csv", "stock"), ("erp/prices.csv", "prices"),
             ("erp/shipments.csv", "shipments")]  # fmt: skip
    for kind in ("carrier_service", "payment_method", "order_status"):
        files.append((f"erp/{kind}.csv", kind))
    for t in TYPES:
        files.append((f"store_clean/{t}/{S.STORE_FORMATS[t]['file']}", "products"))
        for sub in ("store", "store_clean", "channels"):
            for kind in ("carrier_service", "payment_method", "order_status"):
                if (SAMPLE / sub / t / f"{kind}.csv").exists():
                    files.append((f"{sub}/{t}/{kind}.csv", kind))
    return files


def _expected_rows(rel: str) -> int:
    path = SAMPLE / rel
    if path.suffix == ".xlsx":
        return len(pd.read_excel(path))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return len(text.strip().splitlines()) - 1


@pytest.mark.parametrize(
    ("rel", "kind"),
    list(_sample_files()),
    ids=lambda v: v if "/" in str(v) else "",
)
def test_the_shared_reader_reads_every_sample_file_whole(rel, kind):
    frame = sheets.read_table(SAMPLE / rel, kind)
    assert len(frame) == _expected_rows(rel)
    if kind == "products":
        assert frame["sku"].tolist()[:2] == ["SKU-000001", "SKU-000002"]
        assert frame["ean"].map(stdnum_ean.is_valid).all()
        assert frame["price"].dtype.kind == "f"


def test_the_shared_reader_parses_erp_numbers_and_codes():
    frame = sheets.read_table(SAMPLE / "erp" / "products.csv", "products")
    catalog = S.generate_catalog(S.SAMPLE_SKUS, S.SAMPLE_SEED)
    assert frame["price"].tolist() == [r["price"] for r in catalog]
    assert frame["weight_kg"].tolist() == [r["weight_kg"] for r in catalog]
    assert frame["ncm"].tolist() == [r["ncm"] for r in catalog]
    prices = sheets.read_table(SAMPLE / "erp" / "prices.csv", "prices")
    assert prices["price"].tolist() == [r["price"] for r in catalog]


# -- variation families ---------------------------------------------------------------------------
def test_catalog_has_variation_families_sharing_product_and_price():
    frame = S.generate_catalog_frame(4000, seed=9)
    fam = frame[frame["parent_sku"] != ""]
    assert 0.18 <= len(fam) / len(frame) <= 0.32
    sizes = fam.groupby("parent_sku").size()
    assert sizes.between(2, 4).all()
    shared = ["brand", "category", "ncm", "weight_kg", "height_cm", "width_cm", "length_cm", "price"]
    assert (fam.groupby("parent_sku")[shared].nunique() == 1).all().all()
    # Members differ by colour and/or size, and their titles say so.
    variant = fam["color"] + "|" + fam["size"]
    assert (variant.groupby(fam["parent_sku"]).nunique() == sizes).all()
    assert (fam.groupby("parent_sku")["title"].nunique() == sizes).all()
    assert all(c in t for c, t in zip(fam["color"], fam["title"], strict=True))
    # Members are consecutive and the family code names its first SKU.
    first = fam.groupby("parent_sku")["sku"].first()
    assert all(p.split("-")[1] == s.split("-")[1] for p, s in first.items())
    alone = frame[frame["parent_sku"] == ""]
    assert alone["sku"].is_unique and len(alone) > 0


def test_erp_export_carries_colour_size_and_parent(tmp_path):
    S.write_erp_exports(tmp_path / "fast", 500, seed=3)
    S.write_erp_exports(tmp_path / "records", 500, seed=3, catalog=S.generate_catalog(500, seed=3))
    assert filecmp.cmp(tmp_path / "fast" / "products.csv", tmp_path / "records" / "products.csv", shallow=False)
    frame = sheets.read_table(tmp_path / "fast" / "products.csv", "products")
    truth = S.generate_catalog_frame(500, seed=3)
    for col in ("color", "size", "parent_sku"):
        assert frame[col].fillna("").tolist() == truth[col].tolist(), col


def test_mercadolivre_store_lists_a_family_as_one_listing_with_variations(tmp_path):
    catalog = S.generate_catalog(300, seed=11)
    S.write_store_export(tmp_path, catalog, "mercadolivre", defects=(), seed=11)
    store = _read_listings(tmp_path, "mercadolivre").astype({"channel_id": str, "variation_id": str})
    parent = store["sku"].map({r["sku"]: r["parent_sku"] for r in catalog})
    fam = store[parent != ""]
    assert (fam["variation_id"] != "").all() and fam["variation_id"].is_unique
    assert (fam.groupby(parent[parent != ""])["channel_id"].nunique() == 1).all()
    assert fam.groupby("channel_id")["sku"].nunique().min() >= 2
    alone = store[parent == ""]
    assert (alone["variation_id"] == "").all() and alone["channel_id"].is_unique
    assert not set(alone["channel_id"]) & set(fam["channel_id"])
    # Other channels: one listing per SKU, no variation column.
    S.write_store_export(tmp_path / "vtex", catalog, "vtex", defects=(), seed=11)
    vtex = _read_listings(tmp_path / "vtex", "vtex")
    assert "variation_id" not in vtex.columns and vtex["channel_id"].is_unique
