"""Fixtures for the go-live tests: the committed sample set and ground-truth de-para tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "kit" / "data" / "sample"
SAMPLE_TYPES = sorted(p.name for p in (SAMPLE / "store").iterdir() if (p / "defects.json").exists())


def manifest(channel_type: str, *, clean: bool = False) -> dict:
    base = SAMPLE / ("store_clean" if clean else "store") / channel_type
    return json.loads((base / "defects.json").read_text(encoding="utf-8"))


def write_ground_truth_mappings(directory: Path, channel: str, channel_type: str) -> None:
    """Reviewed de-para tables built from the ground truth (kit/data/channel_values.json)."""
    from kit.depara import KINDS, get_kind, save_table
    from kit.sample import channel_values

    for kind, pairs in channel_values(channel_type).items():
        if kind not in KINDS or not pairs:  # extra ground truth (labels), or no values of this kind
            continue
        k = get_kind(kind)
        rows = []
        for raw, erp in pairs:
            raw = raw if isinstance(raw, list) else [raw]
            erp = erp if isinstance(erp, list) else [erp]
            row = dict(zip(k.channel_columns, raw, strict=True)) | dict(zip(k.erp_columns, erp, strict=True))
            rows.append(row | {"method": "manual", "score": 100.0, "confirmed": True, "note": ""})
        save_table(channel, kind, pd.DataFrame(rows), directory=directory, record=False)


@pytest.fixture
def mappings(tmp_path, monkeypatch):
    """A KIT_MAPPINGS directory; call it with (channel name, channel type) to fill it."""
    directory = tmp_path / "mappings"
    directory.mkdir()
    monkeypatch.setenv("KIT_MAPPINGS", str(directory))

    def fill(channel: str, channel_type: str) -> Path:
        write_ground_truth_mappings(directory, channel, channel_type)
        return directory

    return fill


def other_erp_findings(workspace, mappings, tmp_path, channel_type: str, name: str, *, confirm: bool, prepare=None):
    """Go-live against a live sandbox channel; the ``other_erp`` findings.

    ``prepare(sandbox)`` changes the sandbox first (a hook, a granted app...);
    ``confirm`` records the consultant's checklist answer.
    """
    from kit import sandbox
    from kit.channels import ChannelRegistry
    from kit.golive import run_golive
    from kit.golive.results import record_confirmation
    from kit.sample import generate_catalog

    catalog = generate_catalog(4, seed=9)
    sbx = sandbox.start_sandbox(channel_type, catalog=catalog, orders=0, seed=9)
    try:
        ChannelRegistry(workspace).add(sbx.channel(name))
        mappings(name, channel_type)
        if prepare is not None:
            prepare(sbx)
        if confirm:
            record_confirmation(workspace, name, "other_erp", "Consultora Ana")
        path = tmp_path / "erp.csv"
        pd.DataFrame(catalog).to_csv(path, index=False)
        run = run_golive(channel=name, erp_file=path, environment="sandbox", output_dir=tmp_path / "out")
    finally:
        sbx.stop()
    return run.findings[run.findings["check"] == "other_erp"]
