"""kit sync through papermill: report + JSON summary, zero-request re-run, unknown parameters,
the (channel, job) lock (exit 3, dead holder taken over), and no secret in any output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

JOB_NAMES = ("stock", "prices", "products", "orders", "status")
JOB_PARAMETERS = ("channel", "dry_run", "full", "since", "max_items", "workspace", "summary_path")


@pytest.fixture
def vtex(workspace, tmp_path, monkeypatch):
    """A VTEX sandbox, a channel aimed at it (credentials in the secrets store), an ERP folder."""
    from kit.channels import ChannelRegistry
    from kit.jobs.settings import set_job_settings
    from kit.sandbox import start_sandbox

    sbx = start_sandbox("vtex", n_products=12, orders=5, seed=3)
    ChannelRegistry(workspace).add(sbx.channel("vtex-sbx"))
    ChannelRegistry(workspace).update("vtex-sbx", enabled=True)  # a manual kit sync runs switched-on channels
    erp = tmp_path / "erp"
    erp.mkdir()
    rows = [f"{ref};{int(qty) + 7};2" for ref, qty in list(sbx.stock_levels().items())[:10]]
    (erp / "stock.csv").write_text("sku;available;reserved\n" + "\n".join(rows) + "\n", encoding="utf-8")
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    monkeypatch.setenv("KIT_REPORTS", str(tmp_path / "reports"))
    yield sbx
    sbx.stop()


def _writes(sbx) -> list:
    return [r for r in sbx.state.requests if r.get("method") in ("PUT", "POST", "PATCH", "DELETE")]


@pytest.mark.notebook
@pytest.mark.timeout(180)
def test_kit_sync_stock_report_summary_and_zero_request_rerun(vtex, kit_cli, tmp_path, workspace):
    r = kit_cli("sync", "stock", "--channel", "vtex-sbx")
    assert r.returncode == 0, r.stdout + r.stderr
    reports = sorted((tmp_path / "reports" / "vtex-sbx" / "stock").glob("*.ipynb"))
    assert len(reports) == 1
    summary = json.loads(reports[0].with_suffix(".json").read_text())
    assert summary["status"] == "ok" and summary["counts"]["applied"] == 10 and summary["failing_cell"] is None
    assert summary["report_path"] == str(reports[0])
    assert len(_writes(vtex)) == 10
    nb = reports[0].read_text()
    assert "Sincronização de estoque" in nb and "10 aplicados" in nb
    vtex.state.clear_log()
    r2 = kit_cli("sync", "stock", "--channel", "vtex-sbx", "--json")
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["counts"]["skipped"] == 10
    assert _writes(vtex) == []  # a re-run with no ERP change sends zero update requests
    with workspace.table("runs") as runs:
        rows = runs.all()
    assert [(x["job"], x["status"], x["exit_code"]) for x in rows] == [("stock", "ok", 0)] * 2
    assert set(rows[0]) >= {
        "channel",
        "job",
        "started_at",
        "finished_at",
        "status",
        "counts",
        "report_path",
        "exit_code",
    }


@pytest.mark.notebook
@pytest.mark.timeout(180)
def test_failed_run_exit_1_and_no_secret_anywhere(vtex, kit_cli, tmp_path, workspace):
    from kit.jobs import run_job

    assert run_job("stock", "vtex-sbx", ws=workspace).applied == 10  # bindings and snapshot in place
    erp = tmp_path / "erp" / "stock.csv"
    lines = erp.read_text().splitlines()
    erp.write_text("\n".join([lines[0]] + [line[:-1] + "0" for line in lines[1:]]) + "\n")  # reserved 2 -> 0
    vtex.faults.update(error_rate=1.0, path_pattern="inventory")
    r = kit_cli("sync", "stock", "--channel", "vtex-sbx")
    assert r.returncode == 1, r.stdout + r.stderr
    summary = json.loads(next((tmp_path / "reports").rglob("*.json")).read_text())
    assert summary["status"] == "failed" and summary["counts"]["failed"] == 10
    assert summary["failing_cell"]["error"] == "JobFailed"
    vtex.faults.clear()
    assert run_job("stock", "vtex-sbx", ws=workspace).applied == 10  # failed items are retried
    for value in vtex.credentials.values():
        assert len(value) >= 8
        for path in [*(tmp_path / "reports").rglob("*"), *workspace.root.rglob("*"), *(ROOT / "notebooks").rglob("*")]:
            if path.is_file():
                assert value.encode() not in path.read_bytes(), f"secret found in {path}"
        assert value not in r.stdout + r.stderr


def test_unknown_parameter_is_an_error(vtex, kit_cli, tmp_path):
    r = kit_cli("sync", "stock", "--channel", "vtex-sbx", "--param", "safety_stok=3")
    assert r.returncode == 2
    assert "parâmetro desconhecido safety_stok para stock.ipynb" in r.stderr and "safety_stock" in r.stderr
    assert not (tmp_path / "reports").exists()


def test_unknown_channel_and_missing_channel_exit_2(workspace, kit_cli):
    assert kit_cli("sync", "stock", "--channel", "nope").returncode == 2
    r = kit_cli("sync", "orders")
    assert r.returncode == 2 and "--channel é obrigatório" in r.stderr


def test_lock_held_exits_3_at_once(vtex, kit_cli, workspace):
    from kit.jobs.locks import job_lock

    with job_lock(workspace, "vtex-sbx", "stock"):
        t0 = time.monotonic()
        r = kit_cli("sync", "stock", "--channel", "vtex-sbx")
        assert r.returncode == 3
        assert (
            "outra execução do job stock do canal vtex-sbx está em andamento" in r.stderr
            and f"pid {os.getpid()}" in r.stderr
        )
        assert time.monotonic() - t0 < 20
        # A different job of the same channel is not blocked by this lock.
    with workspace.table("runs") as runs:
        assert [x["status"] for x in runs.all()] == ["locked"]


def test_dead_holder_lock_is_taken_over(workspace):
    from kit.errors import LockHeldError
    from kit.jobs.locks import job_lock

    code = (
        "import sys, time\n"
        "from kit.store import Workspace\n"
        "from kit.jobs.locks import job_lock\n"
        "with job_lock(Workspace(sys.argv[1]), 'loja', 'orders'):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(workspace.root)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeldError) as info:
            with job_lock(workspace, "loja", "orders"):
                pass
        assert f"pid {holder.pid}" in str(info.value)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        with job_lock(workspace, "loja", "orders"):  # the dead holder's lock is taken over
            assert json.loads((workspace.root / "locks" / "loja.orders.lock.json").read_text())["pid"] == os.getpid()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()


def test_job_notebooks_are_committed_clean_and_declare_the_parameters():
    import nbformat
    import papermill

    for path in [
        *(ROOT / "notebooks" / "jobs" / f"{job}.ipynb" for job in JOB_NAMES),
        ROOT / "notebooks" / "painel.ipynb",
    ]:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        params = papermill.inspect_notebook(str(path))
        expected = {"workspace"} if path.name == "painel.ipynb" else set(JOB_PARAMETERS)
        assert expected <= set(params)


def test_direct_run_honours_the_lock(vtex, workspace):
    from kit.jobs import run_job
    from kit.jobs.locks import job_lock

    with job_lock(workspace, "vtex-sbx", "stock"):
        s = run_job("stock", "vtex-sbx", ws=workspace)
    assert s.exit_code == 3 and "está em andamento" in s.error
    assert Path(workspace.root / "locks").is_dir()


@pytest.mark.notebook
@pytest.mark.timeout(180)
def test_run_due_runs_the_due_job_once(vtex, kit_cli, workspace, tmp_path):
    from kit.channels import ChannelRegistry
    from kit.golive import record_result

    off = {f"jobs.{j}.enabled": "false" for j in ("products", "prices", "orders", "status")}
    ChannelRegistry(workspace).update("vtex-sbx", off, enabled=True)
    assert kit_cli("run-due").stdout.strip() == "nada devido"  # enabled, but no go-live check passed
    record_result(workspace, {"channel": "vtex-sbx", "verdict": "APTO", "environment": "sandbox",
                              "finished_at": "2026-11-26T10:00:00"})  # fmt: skip
    r = kit_cli("run-due")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "vtex-sbx" in r.stdout and "stock" in r.stdout
    head, row = r.stdout.splitlines()[:2]  # for people: pt-BR headers and situation
    assert head.split()[:4] == ["canal", "job", "situação", "código"] and row.split()[:4] == [
        "vtex-sbx",
        "stock",
        "OK",
        "0",
    ]
    assert kit_cli("run-due").stdout.strip() == "nada devido"  # the interval has not elapsed
    with workspace.table("runs") as runs:
        assert [(x["job"], x["status"]) for x in runs.all()] == [("stock", "ok")]
    assert len(list((tmp_path / "reports" / "vtex-sbx" / "stock").glob("*.ipynb"))) == 1


@pytest.mark.notebook
@pytest.mark.timeout(180)
def test_counts_after_a_kernel_crash_are_what_the_state_store_holds(vtex, kit_cli, workspace):
    """The kernel dies after its second batch (as on a full disk): the run says what did go out."""
    from kit.channels import ChannelRegistry

    ChannelRegistry(workspace).update("vtex-sbx", {"jobs.stock.batch_size": "2"})
    r = kit_cli("sync", "stock", "--channel", "vtex-sbx", "--json", env={"KIT_JOBS_KILL_POINT": "push_after_batch:2"})
    assert r.returncode == 1, r.stdout + r.stderr
    summary = json.loads(r.stdout)
    assert summary["status"] == "failed" and summary["counts_from_state"] is True
    assert summary["counts"]["applied"] == 4 == workspace.states.count("vtex-sbx", "stock")
    assert len(_writes(vtex)) == 4  # and that is what the channel received
    with workspace.table("runs") as runs:
        row = runs.all()[-1]
    assert row["counts"]["applied"] == 4 and row["status"] == "failed"


def test_report_names_of_one_second_sort_in_run_order(tmp_path, monkeypatch):
    """Three runs in the same second: their files sort as they ran (the painel and people list them by name)."""
    from kit.jobs import runner

    monkeypatch.setattr(runner.time, "gmtime", lambda *a: time.struct_time((2026, 12, 7, 12, 9, 59, 0, 341, 0)))
    names = []
    for _ in range(12):
        name = runner._timestamp(tmp_path)
        (tmp_path / f"{name}.json").write_text("{}")
        names.append(name)
    assert names[0] == "20261207T120959Z" and len(set(names)) == 12
    assert [p.stem for p in sorted(tmp_path.glob("*.json"))] == names
