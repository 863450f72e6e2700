"""The real CLI: ``kit check golive`` exit codes and reports, and the switch-on gate.

The channel is a VTEX channel aimed at the local VTEX sandbox (loopback only),
its credentials in the test's secrets file; the go-live notebook runs in a real
kernel through papermill.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.golive.report import sample_inputs

pytestmark = [pytest.mark.timeout(240), pytest.mark.notebook]  # each test runs the go-live notebook


@pytest.fixture
def sandbox_channel(workspace, mappings):
    from kit import sandbox
    from kit.channels import ChannelRegistry

    sbx = sandbox.start_sandbox("vtex", n_products=5, orders=0, seed=3)
    try:
        ChannelRegistry(workspace).add(sbx.channel("vtex-gate"))
        mappings("vtex-gate", "vtex")
        yield sbx
    finally:
        sbx.stop()


def _check(kit_cli, tmp_path, store: str, *extra: str):
    """A check of the sandbox channel with the sample ERP export and the store export ``store``.

    The channel's value lists come from the store export's directory (the
    sandbox's live lists include every documented VTEX status, which the
    sample's ground-truth de-para does not cover).
    """
    paths = sample_inputs("vtex")
    return kit_cli(
        "check", "golive", "--channel", "vtex-gate", "--erp", paths["erp_file"], "--store", store,
        "--values-dir", str(Path(store).parent), "--environment", "sandbox",
        "--output", str(tmp_path / "reports"), *extra,
    )  # fmt: skip


def _enabled(workspace) -> bool:
    from kit.channels import ChannelRegistry

    return ChannelRegistry(workspace).get("vtex-gate").enabled


def test_gate_refuses_then_accepts_after_a_passing_check_then_forced(sandbox_channel, kit_cli, tmp_path, workspace):
    from kit.golive import latest_result
    from kit.golive.gate import gate_events

    refused = kit_cli("channels", "enable", "vtex-gate")
    assert refused.returncode == 1, refused.stderr
    assert "nenhum go-live foi verificado" in refused.stderr and "Traceback" not in refused.stderr
    assert not _enabled(workspace)

    bad = _check(kit_cli, tmp_path, sample_inputs("vtex")["store_file"])
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "NÃO APTO" in bad.stdout
    html = Path(latest_result(workspace, "vtex-gate")["html_path"])
    assert html.exists() and f"relatório HTML: {html}" in bad.stdout
    page = html.read_text(encoding="utf-8")
    assert "NÃO APTO" in page and "<img" in page and "run_golive(" not in page  # no code cells

    refused = kit_cli("channels", "enable", "vtex-gate")
    assert refused.returncode == 1 and "NÃO APTO" in refused.stderr and str(html) in refused.stderr

    good = _check(kit_cli, tmp_path, sample_inputs("vtex", clean=True)["store_file"],
                  "--confirm", "other_erp", "--by", "Ana Consultora")  # fmt: skip
    assert good.returncode == 0, good.stdout + good.stderr
    assert "veredito: APTO" in good.stdout
    result = latest_result(workspace, "vtex-gate")
    assert result["verdict"] == "APTO" and result["by"] == "Ana Consultora"
    for key in ("report_path", "html_path", "xlsx_path"):
        assert Path(result[key]).exists(), key

    accepted = kit_cli("channels", "enable", "vtex-gate")
    assert accepted.returncode == 0, accepted.stderr
    assert _enabled(workspace)
    assert kit_cli("channels", "disable", "vtex-gate").returncode == 0
    assert not _enabled(workspace)

    # A new failing check closes the gate again; a forced enable needs a reason and is recorded.
    assert _check(kit_cli, tmp_path, sample_inputs("vtex")["store_file"]).returncode == 1
    assert kit_cli("channels", "enable", "vtex-gate").returncode == 1
    no_reason = kit_cli("channels", "enable", "vtex-gate", "--force")
    assert no_reason.returncode == 2 and "reason" in no_reason.stderr
    forced = kit_cli("channels", "enable", "vtex-gate", "--force", "--reason", "piloto acompanhado", "--by", "Bea")
    assert forced.returncode == 0, forced.stderr
    assert _enabled(workspace)
    event = gate_events(workspace, "vtex-gate")[-1]
    assert event["forced"] and event["reason"] == "piloto acompanhado" and event["by"] == "Bea" and event["at"]
    assert event["verdict"] == "NÃO APTO"


def test_no_secret_reaches_parameters_or_reports(sandbox_channel, kit_cli, tmp_path):
    run = _check(kit_cli, tmp_path, sample_inputs("vtex", clean=True)["store_file"])
    assert run.returncode in (0, 1), run.stderr
    secrets = [v for v in sandbox_channel.credentials.values() if len(v) >= 6]
    assert secrets
    files = [p for p in (tmp_path / "reports").rglob("*") if p.is_file() and p.suffix != ".xlsx"]
    assert any(p.name == "golive.ipynb" for p in files)
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        assert not any(s in text for s in secrets), p
    nb = json.loads(next(p for p in files if p.name == "golive.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    assert injected and "vtex-gate" in "".join(injected[0]["source"])


def test_input_and_usage_errors_exit_2(kit_cli, tmp_path):
    paths = sample_inputs("vtex")
    wrong = Path(paths["erp_file"]).with_name("stock.csv")  # a stock export given as the products file
    r = kit_cli("check", "golive", "--type", "vtex", "--erp", str(wrong), "--store", paths["store_file"],
                "--output", str(tmp_path / "reports"))  # fmt: skip
    assert r.returncode == 2, r.stdout + r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("erro:")]
    assert len(errors) == 1 and "stock.csv" in errors[0] and "Traceback" not in r.stderr
    missing = kit_cli("check", "golive", "--type", "vtex", "--erp", str(tmp_path / "nope.csv"), "--store", "x.csv")
    assert missing.returncode == 2 and "não existe" in missing.stderr
    assert kit_cli("check", "golive", "--channel", "nenhum", "--erp", paths["erp_file"]).returncode == 2
    assert kit_cli("check", "golive").returncode == 2


def test_offline_cli_on_the_sample(kit_cli, tmp_path):
    paths = sample_inputs("vtex")
    r = kit_cli("check", "golive", "--type", "vtex", "--erp", paths["erp_file"], "--store", paths["store_file"],
                "--output", str(tmp_path / "reports"), "--json")  # fmt: skip
    assert r.returncode == 1, r.stderr
    summary = json.loads(r.stdout)
    assert summary["verdict"] == "NÃO APTO" and summary["blockers"] > 0
    assert Path(summary["html"]).exists() and Path(summary["xlsx_path"]).exists()
