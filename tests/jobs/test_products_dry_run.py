"""A products dry run says what the real run will do with each item: create, update, or hold and why."""

from __future__ import annotations

import pytest

from kit.jobs import run_job
from tests.jobs.conftest import vtex_store

N = 4


@pytest.fixture
def store(workspace, tmp_path):
    """A VTEX sandbox with ``N`` SKUs and a channel on it; the ERP has them and one new SKU of an unmapped category."""
    new = "NOVO-1;;Caneca nova;Ipê;Categoria Sem De-para;69111010;1;1;1;1;19.90;3;Sim"
    sbx = vtex_store(workspace, tmp_path, N, seed=5, extra_erp_rows=(new,))
    yield sbx
    sbx.stop()


def _writes(sbx) -> list:
    return [r for r in list(sbx.state.requests) if r.get("method") in ("POST", "PUT", "PATCH", "DELETE")]


def test_a_dry_run_names_the_items_the_real_run_holds_and_sends_nothing(store, workspace):
    dry = run_job("products", "loja", ws=workspace, dry_run=True)
    said = {d.key: d.reason for d in dry.details}
    assert _writes(store) == []
    assert said["NOVO-1"].startswith(
        "simulação: seria retido para revisão: categoria 'Categoria Sem De-para' sem de-para"
    )
    assert {r for k, r in said.items() if k != "NOVO-1"} == {"simulação: o anúncio seria atualizado"}
    real = run_job("products", "loja", ws=workspace)
    held = {d.key: d.reason for d in real.details if d.status == "held"}
    assert list(held) == ["NOVO-1"]
    assert said["NOVO-1"] == "simulação: seria retido para revisão: " + held["NOVO-1"]
