"""`kit schedule --airflow DIR`: loader, pools and connections template, without a secret among them."""

from __future__ import annotations

import ast
import json
import stat

from kit.airflow.files import pool_slots, pools
from kit.channeltypes import CHANNEL_TYPES


def _channel(ws, name, channel_type="vtex"):
    from kit.channels import Channel, ChannelRegistry

    t = CHANNEL_TYPES[channel_type]
    ChannelRegistry(ws).add(Channel(name=name, type=channel_type, category=t.category, company="11222333000181",
                                    environment="sandbox", settings={"account": "demo"} if channel_type == "vtex"
                                    else {}))  # fmt: skip


def test_one_pool_per_type_with_slots_from_its_rate_limit():
    found = pools()
    assert set(found) == {f"canais_kit_{t}" for t in CHANNEL_TYPES}
    assert found["canais_kit_netshoes"]["slots"] == 1  # 50 calls per minute
    assert found["canais_kit_magento"]["slots"] == 10
    assert found["canais_kit_vtex"]["slots"] == pool_slots(CHANNEL_TYPES["vtex"]) == 32  # 40/s, capped
    assert all(1 <= p["slots"] <= 32 and "req/s" in p["description"] for p in found.values())


def test_cli_writes_the_three_files(workspace, kit_cli, tmp_path):
    from kit.secrets import SecretsStore

    _channel(workspace, "loja-vtex")
    SecretsStore().update("11222333000181/sandbox/loja-vtex", {"app_key": "chave-muito-secreta", "app_token": "tok"})
    out = tmp_path / "airflow files"
    r = kit_cli("schedule", "--airflow", str(out), "--airflow-schedule", "*/2 * * * *")
    assert r.returncode == 0, r.stderr
    assert "airflow pools import" in r.stdout and "airflow connections import" in r.stdout
    loader = (out / "canais_kit_dag.py").read_text()
    tree = ast.parse(loader)  # valid Python, and its CONFIG a plain literal
    config = ast.literal_eval(next(n.value for n in tree.body if isinstance(n, ast.Assign)
                                   and n.targets[0].id == "CONFIG"))  # fmt: skip
    assert config["schedule"] == "*/2 * * * *" and config["types"] == sorted(CHANNEL_TYPES)
    assert config["env"]["KIT_WORKSPACE"] == str(workspace.root.resolve()) and config["kit"]
    assert "loja-vtex" not in loader  # channels are read at run time, not written into the DAG
    template = json.loads((out / "connections.template.json").read_text())
    assert template == {"canais_kit_loja-vtex": {
        "conn_type": "generic", "description": template["canais_kit_loja-vtex"]["description"],
        "extra": {"app_key": "", "app_token": ""}}}  # fmt: skip
    assert stat.S_IMODE((out / "connections.template.json").stat().st_mode) == 0o600
    assert json.loads((out / "pools.json").read_text()) == pools()
    for path in out.iterdir():
        assert b"chave-muito-secreta" not in path.read_bytes()


def test_the_loader_hands_the_database_address_to_a_connection(workspace, tmp_path, monkeypatch):
    from kit.airflow.files import write_airflow_files

    monkeypatch.setenv("KIT_DATABASE_URL", "postgresql://kit:senha-do-banco@127.0.0.1/kit")
    loader, _pools, template = write_airflow_files(workspace, tmp_path / "af")
    assert "senha-do-banco" not in loader.read_text() and "senha-do-banco" not in template.read_text()
    assert "'database_connection': 'canais_kit_database'" in loader.read_text()
    assert json.loads(template.read_text())["canais_kit_database"]["extra"] == {"url": "", "token_key": ""}
