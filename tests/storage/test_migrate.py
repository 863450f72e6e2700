"""Moving a one-machine workspace into PostgreSQL (``kit storage migrate``), and ``kit storage`` itself."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kit.channels import Channel, ChannelRegistry
from kit.jobs.state import JobState
from kit.secrets import SecretsStore


def _files_workspace(root: Path):
    from kit.golive.results import record_result
    from kit.store import Workspace

    ws = Workspace(root, database_url="")
    ch = ChannelRegistry(ws).add(Channel(name="loja-ml", type="mercadolivre", category="marketplace",
                                         company="11222333000181", environment="sandbox"))  # fmt: skip
    record_result(ws, {"channel": "loja-ml", "verdict": "APTO", "finished_at": "2026-11-20T10:00:00+00:00"})
    ws.states.put_many("loja-ml", "stock", [("A", 3), ("B", 4)])
    JobState(ws, "loja-ml").record_written([("o1", "v1")], "lote-1")
    JobState(ws, "loja-ml").quarantine("o2", "v1", "sem de-para", {"order_id": "o2"})
    for i in range(3):
        ws.runs.append({"channel": "loja-ml", "job": "orders", "status": "ok", "started_at": 1000.0 + i})
    ws.close()
    SecretsStore().update(ch.credentials_ref, {"client_id": "cid", "client_secret": "segredo",
                                               "refresh_token": "TG-migra-0001", "access_token": "APP-migra-0001"})  # fmt: skip
    return ch


def test_a_files_workspace_moves_into_postgres_whole(postgres_env, tmp_path, kit_cli, monkeypatch):
    source = tmp_path / "uma-maquina"
    monkeypatch.delenv("KIT_DATABASE_URL")  # the source machine ran on files
    ch = _files_workspace(source)
    monkeypatch.setenv("KIT_DATABASE_URL", postgres_env)
    result = kit_cli("storage", "migrate", "--from", str(source), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["runs"] == 3 and report["token_refs"] == [ch.credentials_ref]
    assert report["states"]["sku_state"] == 2 and report["documents"]["channels/_default"] == 1

    from kit.golive.results import latest_result
    from kit.store import Workspace

    ws = Workspace(tmp_path / "outra-maquina")
    try:
        assert ws.backend.name == "postgres"
        assert ChannelRegistry(ws).get("loja-ml").type == "mercadolivre"
        assert latest_result(ws, "loja-ml")["verdict"] == "APTO"
        assert ws.states.get_all("loja-ml", "stock") == {"A": 3, "B": 4}
        assert JobState(ws, "loja-ml").ledger_keys() == {("o1", "v1")}
        assert [q["order_id"] for q in JobState(ws, "loja-ml").quarantined()] == ["o2"]
        assert ws.runs.last()[("loja-ml", "orders")].runs == 3
    finally:
        ws.close()
    assert SecretsStore().get(ch.credentials_ref, "refresh_token") == "TG-migra-0001"
    secrets_text = Path(os.environ["KIT_SECRETS"]).read_text()
    assert "TG-migra" not in secrets_text and "APP-migra" not in secrets_text  # the tokens left the disk
    assert "segredo" in secrets_text  # static credentials stay
    again = kit_cli("storage", "migrate", "--from", str(source))
    assert again.returncode == 2 and "já tem uma área de trabalho" in again.stderr and "Traceback" not in again.stderr


def test_status_says_where_the_state_is(backend, kit_cli):
    result = kit_cli("storage", "status", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["backend"] == backend and info["retention_days"] == 90
    assert "senha" not in result.stdout and os.environ.get("KIT_TOKEN_KEY", "§") not in result.stdout
    if backend == "postgres":
        assert info["location"].startswith("postgresql://kit@127.0.0.1:")  # never the password
    text = kit_cli("storage", "status")
    assert text.returncode == 0 and text.stdout.startswith("armazenamento: ")


def test_database_actions_without_a_database_exit_2(kit_cli, tmp_path, monkeypatch):
    monkeypatch.delenv("KIT_DATABASE_URL", raising=False)
    for args in (("storage", "migrate", "--from", str(tmp_path)), ("storage", "rewrap-tokens")):
        result = kit_cli(*args)
        assert result.returncode == 2 and "KIT_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_token_key_prints_a_fernet_key(kit_cli):
    from kit.storage.tokens import token_cipher

    result = kit_cli("storage", "token-key")
    assert result.returncode == 0
    token_cipher(result.stdout.strip())  # a valid key
