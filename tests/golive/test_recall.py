"""On the committed sample set, every deliberate defect class is found (100 % recall per class).

The manifests (``kit/data/sample/store/<type>/defects.json``) are written by
the sample generator; this test reads them, runs the real check on the files
and looks for each listed SKU/value in the findings. The clean store exports
must give no blocker.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kit.golive import run_golive
from kit.golive.report import sample_inputs
from kit.golive.requirements import requirements_for
from tests.golive.conftest import SAMPLE_TYPES, manifest

DIMENSIONS = {"store.weight_kg", "store.height_cm", "store.width_cm", "store.length_cm"}


def _hit(f: pd.DataFrame, check: str, fields: set[str], sku: str) -> bool:
    return bool(((f["check"] == check) & f["field"].isin(fields) & (f["sku"] == sku)).any())


# defect class -> (check, fields) that must report each listed SKU
BY_SKU = {
    "missing_in_store": ("sku_coverage", {"erp.sku"}),
    "extra_in_store": ("sku_coverage", {"store.sku"}),
    "duplicate_sku_store": ("duplicates", {"store.sku"}),
    "duplicate_ean": ("duplicates", {"store.ean"}),
    "bad_ean": ("validity", {"store.ean"}),
    "bad_ncm": ("validity", {"store.ncm"}),
    "price_divergence": ("divergences", {"price"}),
    "stock_divergence": ("divergences", {"stock"}),
    "zero_dimensions": ("required_fields", DIMENSIONS),
    "missing_brand": ("required_fields", {"store.brand"}),
    "long_title": ("required_fields", {"store.title"}),
    "variation_price_conflict": ("variation_price", {"erp.price"}),
}


def NOT_REQUIRED_BY(channel_type: str) -> set[str]:  # noqa: N802 (reads as a table)
    """The defect classes about fields ``channel_type`` does not require (kit.golive.requirements)."""
    req = requirements_for(channel_type)
    out = set()
    if "brand" not in req.text_fields:
        out.add("missing_brand")
    if not {"height_cm", "width_cm", "length_cm"} & set(req.positive_fields):
        out.add("zero_dimensions")
    return out


def _run(channel_type: str, tmp_path, mappings, *, clean: bool = False):
    paths = sample_inputs(channel_type, clean=clean)
    mappings("amostra", channel_type)
    return run_golive(
        channel_type=channel_type,
        erp_file=paths["erp_file"],
        store_file=paths["store_file"],
        values_dir=paths["values_dir"],
        mappings_channel="amostra",
        output_dir=tmp_path / "out",
        write_xlsx=False,
    )


@pytest.mark.parametrize("channel_type", SAMPLE_TYPES)
def test_every_defect_class_is_found(channel_type, tmp_path, mappings):
    spec = manifest(channel_type)
    f = _run(channel_type, tmp_path, mappings).findings
    classes = spec["defects"]
    missed: dict[str, list] = {}
    for name, defect in classes.items():
        if name in NOT_REQUIRED_BY(channel_type):  # the channel does not ask for the field: no finding at all
            field = BY_SKU[name][1]
            said = f[(f["check"] == "required_fields") & f["field"].isin(field) & f["sku"].isin(defect["skus"])]
            assert said.empty, f"{channel_type} does not require {sorted(field)}: {said['message'].tolist()[:3]}"
        elif name in BY_SKU:
            check, fields = BY_SKU[name]
            missed[name] = [s for s in defect["skus"] if not _hit(f, check, fields, s)]
        elif name == "ean_moved":
            cov = f[(f["check"] == "sku_coverage") & (f["field"] == "erp.sku")]
            missed[name] = [
                d for d in defect["details"]
                if not ((cov["sku"] == d["erp_sku"]) & cov["expected"].str.contains(d["store_sku"], regex=False)).any()
            ]  # fmt: skip
        elif name == "unmapped_values":
            dep = f[(f["check"] == "depara") & (f["severity"] == "bloqueio")]
            missed[name] = []
            for d in defect["details"]:
                value = " / ".join(d["value"]) if isinstance(d["value"], list) else d["value"]
                if not ((dep["field"] == f"depara.{d['kind']}") & (dep["value"] == value)).any():
                    missed[name].append(d)
        else:
            pytest.fail(f"the manifest has a defect class this test does not know: {name}")
    assert {k: v for k, v in missed.items() if v} == {}
    # Every class in the sample was exercised (the manifest is not empty).
    assert len(classes) >= 13


@pytest.mark.parametrize("channel_type", SAMPLE_TYPES)
def test_blockers_only_on_defective_skus(channel_type, tmp_path, mappings):
    """No false blocker: every SKU-level blocker belongs to a deliberate defect."""
    spec = manifest(channel_type)
    f = _run(channel_type, tmp_path, mappings).findings
    known = {s for d in spec["defects"].values() for s in d["skus"]}
    known |= {d["store_sku"] for d in spec["defects"].get("ean_moved", {}).get("details", [])}
    blockers = f[(f["severity"] == "bloqueio") & (f["sku"] != "")]
    assert set(blockers["sku"]) - known == set()


@pytest.mark.parametrize("channel_type", SAMPLE_TYPES)
def test_clean_sample_has_no_blocker(channel_type, tmp_path, mappings):
    assert manifest(channel_type, clean=True)["defects"] in ({}, []) or not any(
        d.get("skus") or d.get("details") for d in manifest(channel_type, clean=True)["defects"].values()
    )
    run = _run(channel_type, tmp_path, mappings, clean=True)
    blockers = run.findings[run.findings["severity"] == "bloqueio"]
    assert blockers.empty, blockers.to_string()
    assert run.verdict == "APTO"
