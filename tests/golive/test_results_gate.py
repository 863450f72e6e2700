"""Results, checklist confirmations and the gate, on a real workspace (no kernel)."""

from __future__ import annotations

import json

import pytest

from kit.channels import Channel, ChannelRegistry
from kit.errors import ConfigurationError, GateError, InputDataError
from kit.golive import latest_result, record_confirmation, record_result
from kit.golive.gate import disable, enable, gate_events
from kit.golive.results import confirmations, read_answers_file


@pytest.fixture
def channel(workspace):
    ChannelRegistry(workspace).add(
        Channel(
            name="ml-loja",
            type="mercadolivre",
            category="marketplace",
            company="11222333000181",
            environment="production",
        )  # fmt: skip
    )
    return "ml-loja"


def _result(channel, verdict, finished, environment="production"):
    return {"channel": channel, "verdict": verdict, "finished_at": finished, "report_path": f"r/{finished}.ipynb",
            "html_path": f"r/{finished}.html", "environment": environment}  # fmt: skip


def test_latest_result_is_the_most_recent(workspace, channel):
    assert latest_result(workspace, channel) is None
    record_result(workspace, _result(channel, "APTO", "2026-01-02T00:00:00+00:00"))
    record_result(workspace, _result(channel, "NÃO APTO", "2026-01-03T00:00:00+00:00"))
    record_result(workspace, _result("outro", "APTO", "2026-01-04T00:00:00+00:00"))
    assert latest_result(workspace, channel)["verdict"] == "NÃO APTO"


def test_gate_needs_a_passing_check_for_the_channels_environment(workspace, channel):
    with pytest.raises(GateError, match="nenhum go-live foi verificado"):
        enable(workspace, channel)
    record_result(workspace, _result(channel, "NÃO APTO", "2026-01-02T00:00:00+00:00"))
    with pytest.raises(GateError) as info:
        enable(workspace, channel)
    assert "r/2026-01-02T00:00:00+00:00.html" in str(info.value)
    record_result(workspace, _result(channel, "APTO", "2026-01-03T00:00:00+00:00", environment="sandbox"))
    with pytest.raises(GateError, match="sandbox"):
        enable(workspace, channel)
    assert not ChannelRegistry(workspace).get(channel).enabled
    record_result(workspace, _result(channel, "APTO", "2026-01-04T00:00:00+00:00"))
    event = enable(workspace, channel, by="Ana")
    assert not event["forced"] and event["verdict"] == "APTO" and event["by"] == "Ana"
    assert ChannelRegistry(workspace).get(channel).enabled
    disable(workspace, channel)
    assert not ChannelRegistry(workspace).get(channel).enabled
    assert [e["action"] for e in gate_events(workspace, channel)] == ["enable", "disable"]


def test_forced_enable_needs_and_records_a_reason(workspace, channel, monkeypatch):
    with pytest.raises(ConfigurationError, match="motivo"):
        enable(workspace, channel, force=True, reason="  ")
    monkeypatch.setenv("USER", "consultor")
    event = enable(workspace, channel, force=True, reason="piloto com 10 SKUs")
    assert event["forced"] and event["reason"] == "piloto com 10 SKUs" and event["by"] == "consultor"
    assert gate_events(workspace, channel)[-1]["reason"] == "piloto com 10 SKUs"


def test_confirmations_and_answers_file(workspace, channel, tmp_path):
    row = record_confirmation(workspace, channel, "other_erp", by="Ana")
    assert row["by"] == "Ana" and row["at"]
    assert confirmations(workspace, channel)["other_erp"]["by"] == "Ana"
    assert confirmations(workspace, "outro") == {}
    good = tmp_path / "answers.json"
    good.write_text(json.dumps({"other_erp": {"by": "Bia", "confirmed": True}, "price_drop:X": False}))
    assert [a["item"] for a in read_answers_file(good)] == ["other_erp"]
    anonymous = tmp_path / "anon.json"
    anonymous.write_text(json.dumps([{"item": "other_erp", "confirmed": True}]))
    with pytest.raises(InputDataError, match="quem confirmou"):
        read_answers_file(anonymous)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InputDataError, match="não é um JSON válido"):
        read_answers_file(broken)


def test_a_pass_stops_counting_once_the_configuration_changes(workspace, channel):
    from kit.channels import JobConfig
    from kit.golive.gate import checked_config

    registry = ChannelRegistry(workspace)
    checked = dict(_result(channel, "APTO", "2026-01-05T00:00:00+00:00"))
    checked["channel_config"] = checked_config(registry.get(channel))
    record_result(workspace, checked)
    registry.update(channel, jobs={"stock": JobConfig(interval_min=5, batch_size=500)})
    with pytest.raises(GateError, match=r"configuração do canal mudou depois do último go-live .*: jobs") as info:
        enable(workspace, channel)
    assert "com a configuração como está agora" in info.value.hint
    registry.update(channel, jobs={})  # back to what was checked
    assert not enable(workspace, channel)["forced"]
    disable(workspace, channel)
    registry.update(channel, company="11444777000161")
    with pytest.raises(GateError, match="company"):
        enable(workspace, channel)
    assert enable(workspace, channel, force=True, reason="CNPJ corrigido, checagem agendada")["forced"]


def test_a_result_recorded_without_a_configuration_still_counts(workspace, channel):
    record_result(workspace, _result(channel, "APTO", "2026-01-06T00:00:00+00:00"))  # from an older kit
    assert not enable(workspace, channel)["forced"]
