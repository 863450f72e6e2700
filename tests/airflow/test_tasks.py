"""The DAG's task logic without Airflow: exit codes mapped, credentials only where they belong."""

from __future__ import annotations

import json
import sys

import pytest

from kit.airflow import tasks


@pytest.mark.parametrize(
    "code,result,action",
    [(0, {"status": "ok"}, tasks.OK), (0, {"status": "not_due"}, tasks.SKIP), (1, {}, tasks.RETRY),
     (2, {}, tasks.FAIL), (3, {}, tasks.SKIP), (-9, {}, tasks.RETRY), (130, {}, tasks.RETRY)],
)  # fmt: skip
def test_exit_codes_map_to_airflow_actions(code, result, action):
    assert tasks.action_for(code, result) == action


def test_credentials_become_the_kits_variables_and_are_masked_first():
    entry = {"secret_env": {"app_key": "KIT_SECRET__REF__APP_KEY", "app_token": "KIT_SECRET__REF__APP_TOKEN"}}
    masked = []
    env = tasks.credentials_env(entry, {"app_key": "k-123", "app_token": "t-456", "PATH": "/evil", "x": "y"},
                                masked.append)  # fmt: skip
    assert env == {"KIT_SECRET__REF__APP_KEY": "k-123", "KIT_SECRET__REF__APP_TOKEN": "t-456"}
    assert masked == ["k-123", "t-456"]  # a field the type does not declare cannot set a variable


def test_the_kit_process_gets_no_airflow_variable(monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", "fernet-secret")
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql://airflow:pw@db/airflow")
    monkeypatch.setenv("KIT_SECRET__OTHER__KEY", "not-for-this-channel")
    env = tasks.base_env({"env": {"KIT_WORKSPACE": "/ws"}})
    assert env["KIT_WORKSPACE"] == "/ws" and "PATH" in env
    assert not [k for k in env if k.startswith(("AIRFLOW", "KIT_SECRET__"))]


def _fake_kit(tmp_path, code: int, stdout: object, stderr: str = "") -> dict:
    """A stand-in for the kit's CLI: prints ``stdout`` as JSON and its arguments/environment to a file."""
    script = tmp_path / "fakekit.py"
    script.write_text(
        "import json, os, sys\n"
        f"open({str(tmp_path / 'call.json')!r}, 'w').write(json.dumps({{'argv': sys.argv[1:], "
        "'env': {k: v for k, v in os.environ.items() if k.startswith('KIT_')}}))\n"
        f"sys.stderr.write({stderr!r})\n"
        f"print({json.dumps(stdout)!r})\n"
        f"sys.exit({code})\n"
    )
    return {"kit": [sys.executable, str(script)], "env": {"KIT_WORKSPACE": str(tmp_path / "ws")}}


def test_run_job_calls_run_due_for_one_job_with_its_credentials(tmp_path):
    row = {"channel": "loja", "job": "stock", "status": "ok", "exit_code": 0, "report_path": "/r.ipynb"}
    config = _fake_kit(tmp_path, 0, [row], stderr="linha de log\n")
    logged = []
    action, result = tasks.run_job(config, {"channel": "loja", "job": "stock"}, {"KIT_SECRET__R__K": "v"},
                                   logged.append)  # fmt: skip
    call = json.loads((tmp_path / "call.json").read_text())
    assert call["argv"] == ["run-due", "--channel", "loja", "--job", "stock", "--json"]
    assert call["env"] == {"KIT_WORKSPACE": str(tmp_path / "ws"), "KIT_SECRET__R__K": "v"}
    assert action == tasks.OK and result["status"] == "ok" and result["report_path"] == "/r.ipynb"
    assert "linha de log" in logged[0] and "v" not in json.dumps(result)


@pytest.mark.parametrize("code,action", [(1, tasks.RETRY), (2, tasks.FAIL), (3, tasks.SKIP)])
def test_run_job_maps_the_kits_exit_code(tmp_path, code, action):
    config = _fake_kit(tmp_path, code, [{"channel": "loja", "job": "stock", "status": "failed", "exit_code": code}])
    assert tasks.run_job(config, {"channel": "loja", "job": "stock"}, {}, lambda _m: None)[0] == action


def test_list_due_keeps_the_due_jobs_and_names_only(tmp_path):
    rows = [
        {"channel": "a", "job": "stock", "type": "vtex", "due": True, "why": "nunca rodou", "connection": "canais_kit_a",
         "secret_env": {"app_key": "KIT_SECRET__A__APP_KEY"}, "credentials_ref": "1/sandbox/a", "last_ok_start": 1},
        {"channel": "b", "job": "stock", "type": "vtex", "due": False, "why": "canal desligado"},
    ]  # fmt: skip
    due = tasks.list_due(_fake_kit(tmp_path, 0, rows), log=lambda _m: None)
    assert [d["channel"] for d in due] == ["a"] and "last_ok_start" not in due[0]
    assert due[0]["connection"] == "canais_kit_a" and due[0]["secret_env"] == {"app_key": "KIT_SECRET__A__APP_KEY"}
    with pytest.raises(tasks.KitRunFailed):
        tasks.list_due(_fake_kit(tmp_path, 2, []), log=lambda _m: None)
