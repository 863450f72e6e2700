"""`kit run-due` for real: one pass at a time (exit 3), and two passes started together never run a job twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHANNELS = ("loja-a", "loja-b", "loja-c")


@pytest.fixture
def due_channels(workspace, tmp_path, monkeypatch):
    """Three switched-on, APTO VTEX channels on one sandbox, only their stock job due; an ERP folder."""
    from kit.channels import ChannelRegistry
    from kit.golive import record_result
    from kit.jobs.settings import set_job_settings
    from kit.sandbox import start_sandbox

    sbx = start_sandbox("vtex", n_products=12, orders=0, seed=5)
    registry = ChannelRegistry(workspace)
    off = {f"jobs.{j}.enabled": "false" for j in ("products", "prices", "orders", "status")}
    for name in CHANNELS:
        registry.add(sbx.channel(name))
        registry.update(name, off, enabled=True)
        record_result(workspace, {"channel": name, "verdict": "APTO", "environment": "sandbox",
                                  "finished_at": "2026-11-26T10:00:00"})  # fmt: skip
    erp = tmp_path / "erp"
    erp.mkdir()
    rows = [f"{ref};{int(qty) + 3};0" for ref, qty in list(sbx.stock_levels().items())[:6]]
    (erp / "stock.csv").write_text("sku;available;reserved\n" + "\n".join(rows) + "\n", encoding="utf-8")
    set_job_settings(workspace, None, {"erp_dir": str(erp)})
    monkeypatch.setenv("KIT_REPORTS", str(tmp_path / "reports"))
    yield sbx
    sbx.stop()


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kit", "run-due", "--json", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ), cwd=ROOT)  # fmt: skip


def _runs(workspace) -> list[tuple[str, str, str]]:
    """The runs that did something (a run refused by a held lock is recorded too, as ``locked``)."""
    with workspace.table("runs") as table:
        return sorted((r["channel"], r["job"], r["status"]) for r in table.all() if r["status"] != "locked")


def _failed(workspace) -> str:
    """What a failed run recorded, whole (for the assertion message: a string, which pytest does not shorten)."""
    keys = ("channel", "job", "status", "exit_code", "error", "counts", "notes", "details", "failing_cell")
    with workspace.table("runs") as table:
        rows = [dict(r) for r in table.all() if r["status"] not in ("ok", "locked")]
    for row in rows:  # the history keeps counts; the run's own summary (next to its report) says why
        summary = Path(str(row.get("report_path") or "")).with_suffix(".json")
        if summary.is_file():
            row.update(json.loads(summary.read_text(encoding="utf-8")))
    return json.dumps([{k: r.get(k) for k in keys} for r in rows], ensure_ascii=False, default=str)


def _writes(sbx) -> int:
    return sum(1 for r in list(sbx.state.requests) if r.get("method") in ("PUT", "POST", "PATCH", "DELETE"))


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("args", [(), ("--job", "stock")], ids=["full-passes", "filtered-no-pass-lock"])
def test_two_run_due_started_together_run_each_job_once(due_channels, workspace, args):
    """Full passes: the second finds the pass lock (exit 3). Filtered ones take no pass lock: each job's
    own lock and the due check made again under it keep every job to one run."""
    first, second = _start(*args), _start(*args)
    outs = [p.communicate(timeout=200) for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert _runs(workspace) == [(name, "stock", "ok") for name in CHANNELS], _failed(workspace) + "\n" + repr(outs)
    assert _writes(due_channels) == 6 * len(CHANNELS)  # six SKUs pushed once per channel, never twice
    ran = [row for out, _err in outs if out.strip() for row in json.loads(out) if row["status"] == "ok"]
    assert sorted(r["channel"] for r in ran) == list(CHANNELS)
    if not args:
        assert codes in ([0, 3], [0, 0]), outs  # 0 twice only if the second started after the first ended
        if codes == [0, 3]:
            held = next(err for (_out, err), p in zip(outs, (first, second), strict=True) if p.returncode == 3)
            assert held.startswith("erro: outra passada do run-due está em andamento") and "\ndica: " in held
    else:
        assert codes[0] == 0 and codes[1] in (0, 3), outs
    assert _start().communicate(timeout=100)[0].strip() in ("[]", "")  # and nothing is due any more


def test_a_held_pass_lock_exits_3_at_once_naming_the_holder(workspace, kit_cli):
    from kit.scale.passlock import pass_lock

    with pass_lock(workspace):
        t0 = time.monotonic()
        r = kit_cli("run-due")
        assert r.returncode == 3, r.stderr
        assert f"pid {os.getpid()}" in r.stderr and "outra passada do run-due" in r.stderr
        assert time.monotonic() - t0 < 30
        assert kit_cli("run-due", "--list").returncode == 0  # listing takes no lock
    assert kit_cli("run-due").returncode == 0  # released: nothing due, nothing wrong
