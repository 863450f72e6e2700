"""Credentials: 0600 file, env override, masked listing, stdin-only input, locked updates."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kit.errors import ConfigurationError, StoreError
from kit.secrets import SecretsStore, credentials_ref, env_var_name

ROOT = Path(__file__).resolve().parent.parent
REF = credentials_ref("11222333000181", "sandbox", "loja-vtex")
CNPJ = "11222333000181"


def _secrets_path() -> Path:
    return Path(os.environ["KIT_SECRETS"])


def test_file_is_created_with_mode_0600():
    store = SecretsStore()
    store.set(REF, "app_token", "tok-abcdef-123456")
    path = _secrets_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # created private (it did not exist)
    assert store.get(REF, "app_token") == "tok-abcdef-123456"


def test_loose_permissions_are_tightened_on_read():
    store = SecretsStore()
    store.set(REF, "app_token", "tok-abcdef-123456")
    os.chmod(_secrets_path(), 0o644)
    assert store.get(REF, "app_token") == "tok-abcdef-123456"
    assert stat.S_IMODE(_secrets_path().stat().st_mode) == 0o600


def test_environment_variable_overrides_the_file(monkeypatch):
    store = SecretsStore()
    store.set(REF, "app_token", "from-file-value")
    name = env_var_name(REF, "app_token")
    assert name == "KIT_SECRET__11222333000181_SANDBOX_LOJA_VTEX__APP_TOKEN"
    monkeypatch.setenv(name, "from-env-value")
    assert store.get(REF, "app_token") == "from-env-value"
    monkeypatch.setenv(env_var_name(REF, "app_key"), "key-from-env")
    assert store.get_all(REF) == {"app_token": "from-env-value", "app_key": "key-from-env"}
    # The file still holds its own value: the override is not written back.
    assert json.loads(_secrets_path().read_text())[REF]["app_token"] == "from-file-value"


def test_keys_are_separate_per_company_and_environment():
    store = SecretsStore()
    a = credentials_ref("11222333000181", "sandbox", "ml")
    b = credentials_ref("12ABC34501DE35", "sandbox", "ml")
    c = credentials_ref("11222333000181", "production", "ml")
    store.set(a, "client_secret", "secret-aaaa-1111")
    store.set(b, "client_secret", "secret-bbbb-2222")
    assert store.get(a, "client_secret") == "secret-aaaa-1111"
    assert store.get(b, "client_secret") == "secret-bbbb-2222"
    assert store.get(c, "client_secret") is None


def test_require_names_the_command_and_variable_not_a_value():
    with pytest.raises(ConfigurationError) as info:
        SecretsStore().require(REF, "app_token", channel="loja-vtex")
    assert "kit secrets set loja-vtex app_token" in info.value.hint
    assert env_var_name(REF, "app_token") in info.value.hint


def test_empty_value_is_refused():
    with pytest.raises(ConfigurationError):
        SecretsStore().set(REF, "app_token", "")


def test_list_masked_shows_only_masked_values(monkeypatch):
    store = SecretsStore()
    store.set(REF, "app_token", "very-secret-token-9z8y")
    monkeypatch.setenv(env_var_name(REF, "app_key"), "env-secret-key-7x6w")
    rows = store.list_masked()
    text = json.dumps(rows, ensure_ascii=False)
    assert "very-secret-token-9z8y" not in text
    assert "env-secret-key-7x6w" not in text
    values = {r["value"] for r in rows}
    assert values == {"••••9z8y", "••••7x6w"}


def test_corrupt_secrets_file_is_reported_not_reset():
    path = _secrets_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        SecretsStore().get(REF, "app_token")
    assert "oops" not in str(info.value) and "não é um JSON válido" in str(info.value)
    assert path.read_text(encoding="utf-8") == "{oops"


# -- the CLI ---------------------------------------------------------------------------------
@pytest.fixture
def vtex_channel(kit_cli):
    result = kit_cli("channels", "add", "loja-vtex", "--type", "vtex", "--company", CNPJ, "--environment", "sandbox")
    assert result.returncode == 0, result.stderr
    return "loja-vtex"


def test_cli_set_reads_stdin_and_never_prints_the_value(kit_cli, vtex_channel):
    value = "stdin-secret-value-4d3c"
    result = kit_cli("secrets", "set", vtex_channel, "app_token", input=value + "\n")
    assert result.returncode == 0, result.stderr
    assert value not in result.stdout + result.stderr
    assert SecretsStore().get(REF, "app_token") == value
    listed = kit_cli("secrets", "list")
    assert listed.returncode == 0
    assert value not in listed.stdout
    assert "••••4d3c" in listed.stdout
    as_json = kit_cli("secrets", "list", "--json")
    rows = json.loads(as_json.stdout)
    assert value not in as_json.stdout
    assert {"ref": REF, "key": "app_token", "value": "••••4d3c", "source": "file"} in rows


def test_cli_set_does_not_take_the_value_from_argv(kit_cli, vtex_channel):
    result = kit_cli("secrets", "set", vtex_channel, "app_token", "argv-secret-value", input="")
    assert result.returncode == 2
    assert "argv-secret-value" not in result.stdout
    assert SecretsStore().get(REF, "app_token") is None


def test_cli_set_with_empty_stdin_is_a_usage_error(kit_cli, vtex_channel):
    result = kit_cli("secrets", "set", vtex_channel, "app_token", input="")
    assert result.returncode == 2
    assert result.stderr.startswith("erro: nenhum valor recebido")


def test_cli_set_unknown_key_names_the_known_ones(kit_cli, vtex_channel):
    result = kit_cli("secrets", "set", vtex_channel, "password", input="whatever-value\n")
    assert result.returncode == 2
    assert "app_key" in result.stderr and "app_token" in result.stderr
    assert "whatever-value" not in result.stderr


def test_cli_list_shows_env_overrides_masked(kit_cli):
    name = env_var_name(REF, "app_token")
    result = kit_cli("secrets", "list", env={name: "env-only-secret-5e6f"})
    assert result.returncode == 0
    assert "env-only-secret-5e6f" not in result.stdout
    assert "••••5e6f" in result.stdout


def test_cli_delete(kit_cli, vtex_channel):
    kit_cli("secrets", "set", vtex_channel, "app_token", input="to-be-deleted-1234\n")
    result = kit_cli("secrets", "delete", vtex_channel, "app_token")
    assert result.returncode == 0
    assert SecretsStore().get(REF, "app_token") is None


# -- locked read-modify-write across processes ---------------------------------------------------
WORKER = textwrap.dedent(
    """
    import sys
    from kit.secrets import SecretsStore

    worker = sys.argv[1]
    store = SecretsStore()
    for i in range(15):
        with store.locked() as data:
            entry = data.setdefault("acme/sandbox/ml", {})
            entry[f"k{worker}_{i}"] = f"value-{worker}-{i}-xxxx"
            entry["counter"] = str(int(entry.get("counter", "0")) + 1)
    """
)


@pytest.mark.slow
def test_locked_updates_from_several_processes_lose_nothing():
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(w)], cwd=ROOT, env=dict(os.environ), stderr=subprocess.PIPE)
        for w in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    data = json.loads(_secrets_path().read_text(encoding="utf-8"))["acme/sandbox/ml"]
    assert data["counter"] == "60"
    assert {k for k in data if k != "counter"} == {f"k{w}_{i}" for w in range(4) for i in range(15)}
    assert stat.S_IMODE(_secrets_path().stat().st_mode) == 0o600
