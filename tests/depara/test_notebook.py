"""notebooks/depara.ipynb runs headlessly under papermill on the sample data."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "depara.ipynb"


def test_notebook_is_committed_clean_with_a_parameters_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "auto_save = False" in params[0].source


@pytest.mark.notebook
@pytest.mark.timeout(180)
@pytest.mark.parametrize(("channel_type", "kind"), [("vtex", "payment_method"), ("magento", "order_status")])
def test_papermill_run_saves_the_table(tmp_path, mappings, channel_type, kind):
    import papermill as pm

    from kit.depara.table import load_table

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"channel": f"demo-{channel_type}", "channel_type": channel_type, "kind": kind, "auto_save": True},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    table = load_table(f"demo-{channel_type}", kind, directory=mappings)
    assert len(table) > 0 and table["confirmed"].any()
    text = out.read_text(encoding="utf-8")
    assert "Tabela salva em" in text and "Traceback" not in text
