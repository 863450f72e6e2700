"""The go-live notebook: thin, committed clean, and its defaults run offline on the sample."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from kit.golive.report import execute_report, notebook_path

pytestmark = pytest.mark.timeout(180)


def test_notebook_is_committed_clean_with_a_parameters_cell():
    nb = nbformat.read(notebook_path(), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line}
    assert {"channel", "erp_file", "store_file", "price_tolerance_pct", "stock_tolerance", "peak_multiplier",
            "price_guard_pct", "workspace", "output_dir"} <= names  # fmt: skip
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert not any(k in tagged[0].source.lower() for k in ("token", "password", "secret", "app_key"))


@pytest.mark.notebook
def test_defaults_run_offline_on_the_sample(tmp_path):
    outcome = execute_report({}, tmp_path / "out")
    assert outcome.error is None, outcome.error
    assert outcome.summary["ok"] and outcome.summary["verdict"] == "NÃO APTO"
    assert outcome.summary["parameters"]["channel"] == ""
    # The sample's unmapped channel values are found against the committed demo de-para tables.
    if outcome.summary["parameters"]["mappings_channel"]:
        assert outcome.summary["counts"]["depara"]["bloqueio"] >= 3
    page = outcome.html.read_text(encoding="utf-8")
    assert "Modo offline" in page or "modo offline" in page
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert Path(summary["xlsx_path"]).exists()
