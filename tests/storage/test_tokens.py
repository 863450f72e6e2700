"""Rotating OAuth tokens: where they live, encrypted in the database, and never lost across processes."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from kit.errors import ConfigurationError, StoreError
from kit.secrets import SecretsStore
from tests.storage.helpers import finish, spawn


def _file_text() -> str:
    path = Path(os.environ["KIT_SECRETS"])
    return path.read_text() if path.exists() else ""


def test_rotating_keys_go_to_the_token_store_and_static_ones_stay_in_the_file(backend):
    secrets = SecretsStore()
    secrets.update("emp/sandbox/ml", {"client_id": "cid-123", "client_secret": "segredo-abc",
                                      "refresh_token": "TG-rotating-0001"})  # fmt: skip
    assert secrets.get("emp/sandbox/ml", "refresh_token") == "TG-rotating-0001"
    assert secrets.get_all("emp/sandbox/ml") == {"client_id": "cid-123", "client_secret": "segredo-abc",
                                                 "refresh_token": "TG-rotating-0001"}  # fmt: skip
    assert "segredo-abc" in _file_text()
    assert ("TG-rotating-0001" in _file_text()) is (backend == "files")
    with secrets.tokens.locked("emp/sandbox/ml") as entry:
        entry["refresh_token"] = "TG-rotating-0002"
    assert secrets.get("emp/sandbox/ml", "refresh_token") == "TG-rotating-0002"
    masked = {(r["key"], r["source"]) for r in secrets.list_masked()}
    assert ("refresh_token", "database" if backend == "postgres" else "file") in masked
    secrets.delete("emp/sandbox/ml", "refresh_token")
    assert secrets.get("emp/sandbox/ml", "refresh_token") is None and secrets.get("emp/sandbox/ml", "client_id")


def test_a_failed_block_keeps_the_old_tokens(backend):
    secrets = SecretsStore()
    secrets.set("ref", "refresh_token", "TG-old")
    with pytest.raises(RuntimeError):
        with secrets.tokens.locked("ref") as entry:
            entry["refresh_token"] = "TG-new"
            raise RuntimeError("the token endpoint answered garbage")
    assert secrets.get("ref", "refresh_token") == "TG-old"


def test_in_the_database_tokens_are_sealed_with_the_key(postgres_env, monkeypatch):
    import psycopg

    from kit.storage.tokens import PgTokens, close_token_stores, new_token_key, token_cipher

    SecretsStore().set("ref", "refresh_token", "TG-plain-text-0001")
    with psycopg.connect(postgres_env) as conn:
        (sealed,) = conn.execute("SELECT sealed FROM oauth_token WHERE ref='ref'").fetchone()
    assert "TG-plain" not in sealed
    old = os.environ["KIT_TOKEN_KEY"]
    # Another key cannot open it; the new key first and the old one after can, and rewrap moves it to the new one.
    close_token_stores()
    monkeypatch.setenv("KIT_TOKEN_KEY", new_token_key())
    with pytest.raises(StoreError, match="não abrem"):
        SecretsStore().get("ref", "refresh_token")
    new = new_token_key()
    store = PgTokens(postgres_env, token_cipher(f"{new},{old}"))
    assert store.read("ref") == {"refresh_token": "TG-plain-text-0001"}
    assert store.rewrap() == 1
    store.close()
    alone = PgTokens(postgres_env, token_cipher(new))
    assert alone.read("ref")["refresh_token"] == "TG-plain-text-0001"
    # A row copied onto another reference is refused.
    with psycopg.connect(postgres_env) as conn:
        conn.execute("INSERT INTO oauth_token SELECT 'other', sealed, updated_at FROM oauth_token WHERE ref='ref'")
    with pytest.raises(StoreError, match="copiada"):
        alone.read("other")
    alone.close()


@pytest.mark.parametrize("value", ["", "not-a-fernet-key"])
def test_a_missing_or_bad_token_key_is_a_configuration_error(postgres_env, monkeypatch, value):
    from kit.storage.tokens import close_token_stores

    close_token_stores()
    monkeypatch.setenv("KIT_TOKEN_KEY", value)
    with pytest.raises(ConfigurationError, match="KIT_TOKEN_KEY") as info:
        SecretsStore().set("ref", "refresh_token", "TG-x")
    assert info.value.exit_code == 2 and "kit storage token-key" in info.value.hint


WORKER = """
import json, sys, time
from kit.channels import Channel
from kit.channeltypes import RateLimit
from kit.connectors import connector_for
from kit.connectors.http import RetryPolicy, Timeouts

channel = Channel.from_dict(json.loads(sys.argv[1]))
start_at, calls = float(sys.argv[2]), int(sys.argv[3])
conn = connector_for(channel, retry=RetryPolicy(6, 0.01, 0.1, 0.05, 30), timeouts=Timeouts(2, 5),
                     rate_limit=RateLimit(1000, 100, "test", "configured"))
while time.time() < start_at:
    time.sleep(0.001)
for _ in range(calls):
    conn.get_json("/users/me")
    time.sleep(0.01)
print(json.dumps({"refreshes": conn.auth.refreshes}))
"""


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_processes_racing_to_refresh_never_lose_the_refresh_token(backend, tmp_path):
    """Three processes (with their own secrets files on PostgreSQL: they share only the database) refresh at
    once, several times: the chain of single-use refresh tokens stays intact."""
    from kit.sandbox import start_sandbox

    with start_sandbox("mercadolivre", n_products=5, orders=0, rate_limit=(5000, 5000)) as sbx:
        channel = sbx.channel("ml")
        ref = channel.credentials_ref
        static = {}
        if backend == "postgres":  # each "host" gets the static keys by environment, as from Airflow connections
            from kit.secrets import env_var_name

            static = {env_var_name(ref, k): sbx.credentials[k] for k in ("client_id", "client_secret")}
        start_at = time.time() + 4.0
        procs = []
        for n in range(3):
            env = dict(static, KIT_SECRETS=str(tmp_path / f"host{n}" / "secrets.json")) if static else {}
            procs.append(spawn(WORKER, json.dumps(channel.to_dict()), str(start_at), "25", env=env))
        rounds = 0
        while any(p.poll() is None for p in procs) and rounds < 5:
            if time.time() > start_at + 0.1 + 0.2 * rounds:
                sbx.faults.update(expire_tokens=True)
                rounds += 1
            time.sleep(0.02)
        refreshes = sum(json.loads(finish(p).strip().splitlines()[-1])["refreshes"] for p in procs)
        stored = SecretsStore().get(ref, "refresh_token")
        assert sbx.state.data["refresh_tokens"] == {stored}  # exactly one valid refresh token: the stored one
        assert sbx.state.count(400) == 0  # no process presented a used refresh token
        assert refreshes == sbx.state.data["token_calls"] >= 2
        if backend == "postgres":
            for n in range(3):
                path = tmp_path / f"host{n}" / "secrets.json"
                assert not path.exists() or stored not in path.read_text()


def test_a_static_access_token_stays_a_static_credential(backend, monkeypatch):
    """Magento's integration token is called access_token but never rotates: it stays in the secrets file,
    and reading it needs no token key."""
    secrets = SecretsStore()
    secrets.set("emp/sandbox/magento", "access_token", "integracao-estatica-01")
    assert "integracao-estatica-01" in _file_text()
    monkeypatch.delenv("KIT_TOKEN_KEY", raising=False)  # not needed for a reference without rotating tokens
    assert SecretsStore().get("emp/sandbox/magento", "access_token") == "integracao-estatica-01"
    SecretsStore().delete("emp/sandbox/magento")
    assert SecretsStore().get("emp/sandbox/magento", "access_token") is None
