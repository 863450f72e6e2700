"""Two "hosts" sharing only PostgreSQL: one run per (channel, job), a killed holder's lock taken over, and ten
Mercado Livre runs alternating between them with rotating refresh tokens and no token on either disk.

Each host is a process with its own HOME, XDG folders, workspace folder, secrets file, reports and ERP folder
(``tests/storage/_host.py``); the client id and secret reach it as ``KIT_SECRET__*`` variables, as Airflow
connections would give them. What they share is ``KIT_DATABASE_URL`` and ``KIT_TOKEN_KEY``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.storage.helpers import ROOT

pytestmark = pytest.mark.slow  # two host processes in every test, a kill -9, ten runs in a row

N = 20
HOST = str(Path(__file__).with_name("_host.py"))


def _host_env(base: Path, name: str, channel, credentials: dict[str, str]) -> dict[str, str]:
    from kit.secrets import env_var_name

    home = base / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIT_") and k not in ("HOME", "TMPDIR")}
    env.update(
        HOME=str(home / "home"), TMPDIR=str(home / "tmp"), XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"), KIT_WORKSPACE=str(home / "workspace"), KIT_SECRETS=str(home / "secrets.json"),
        KIT_REPORTS=str(home / "reports"), KIT_ERP_DIR=str(home / "erp"), KIT_TEST_HOST=name, PYTHONPATH=str(ROOT),
        KIT_DATABASE_URL=os.environ["KIT_DATABASE_URL"], KIT_TOKEN_KEY=os.environ["KIT_TOKEN_KEY"],
    )  # fmt: skip
    for key in ("client_id", "client_secret"):
        env[env_var_name(channel.credentials_ref, key)] = credentials[key]
    for folder in ("home", "tmp", "erp"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    return env


def _write_erp(hosts: dict[str, dict[str, str]], catalog: list[dict], extra: int) -> dict[str, int]:
    wanted = {p["sku"]: int(p["stock"]) + extra for p in catalog}
    for env in hosts.values():
        text = "sku;available\n" + "".join(f"{sku};{qty}\n" for sku, qty in wanted.items())
        (Path(env["KIT_ERP_DIR"]) / "stock.csv").write_text(text)
    return wanted


def _start(env: dict[str, str], job: str, go: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, HOST, job, "ml", *([str(go)] if go else [])]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _outcome(proc: subprocess.Popen, timeout: float = 150) -> dict:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def two_hosts(postgres_env, tmp_path):
    """A Mercado Livre sandbox, its channel in the shared workspace, and the environments of hosts a and b."""
    from kit.channels import ChannelRegistry
    from kit.sample import generate_catalog
    from kit.sandbox import start_sandbox
    from kit.store import Workspace

    catalog = generate_catalog(N, seed=11)
    with start_sandbox("mercadolivre", catalog=catalog, orders=0, seed=11, variation_share=0.0) as sbx:
        ws = Workspace()
        channel = sbx.channel("ml")  # the refresh token goes to the database; client id and secret stay here
        ChannelRegistry(ws).add(channel)
        ChannelRegistry(ws).update("ml", {"jobs.stock.batch_size": "5"})
        hosts = {name: _host_env(tmp_path, name, channel, sbx.credentials) for name in ("host-a", "host-b")}
        try:
            yield sbx, ws, hosts, catalog
        finally:
            ws.close()


def _puts(sbx) -> list[str]:
    return [r["path"] for r in sbx.state.requests if r["method"] == "PUT" and r["path"].startswith("/items/")]


@pytest.mark.timeout(300)
def test_the_same_job_started_on_both_hosts_runs_once(two_hosts, tmp_path):
    sbx, ws, hosts, catalog = two_hosts
    wanted = _write_erp(hosts, catalog, 3)
    sbx.faults.update(slow_rate=1.0, slow_s=0.3, path_pattern=r"^/items/")  # the holder's run lasts seconds
    go = tmp_path / "go"
    procs = {name: _start(env, "stock", go) for name, env in hosts.items()}
    for proc in procs.values():
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-2000:]
    go.write_text("go")
    outcomes = {name: _outcome(proc) for name, proc in procs.items()}
    (winner,) = [name for name, o in outcomes.items() if o["exit_code"] == 0]
    (loser,) = [name for name, o in outcomes.items() if o["exit_code"] == 3]
    ran, refused = outcomes[winner], outcomes[loser]
    assert ran["counts"]["applied"] == N and ran["counts"]["failed"] == 0, outcomes
    assert "está em andamento" in refused["error"], outcomes
    assert refused["started_at"] < ran["finished_at"]  # they overlapped: the second really found it held
    assert sorted(_puts(sbx)) == sorted(set(_puts(sbx))) and len(_puts(sbx)) == N  # each SKU written once
    assert sbx.stock_levels() == wanted
    history = {(r["host"], r["status"]) for r in ws.runs.rows(channel="ml", job="stock")}
    assert history == {(winner, "ok"), (loser, "locked")}  # both recorded in the shared history


@pytest.mark.timeout(300)
def test_after_kill_9_of_the_holder_the_next_run_proceeds(two_hosts):
    sbx, ws, hosts, catalog = two_hosts
    wanted = _write_erp(hosts, catalog, 7)
    sbx.faults.update(slow_rate=1.0, slow_s=0.5, path_pattern=r"^/items/")
    holder = _start(hosts["host-a"], "stock")
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()[-2000:]
        deadline = time.monotonic() + 90
        while not _puts(sbx):  # host a holds the lock and is writing
            assert time.monotonic() < deadline and holder.poll() is None, "host a never started writing"
            time.sleep(0.05)
        blocked = _outcome(_start(hosts["host-b"], "stock"))
        assert blocked["exit_code"] == 3, blocked
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()
    sbx.faults.clear()
    after = _outcome(_start(hosts["host-b"], "stock"))
    assert after["exit_code"] == 0 and after["counts"]["failed"] == 0, after
    assert sbx.stock_levels() == wanted  # what host a did not finish, host b did: nothing lost


def _issued_tokens(sbx) -> set[str]:
    """Every refresh and access token the sandbox ever issued (its log keeps the token endpoint's answers)."""
    found = {sbx.credentials["refresh_token"]}
    for entry in sbx.state.requests:
        if entry["path"] == "/oauth/token" and isinstance(entry.get("response"), dict):
            found |= {entry["response"].get("access_token"), entry["response"].get("refresh_token")} - {None}
    return found


def _files_holding(roots: list[Path], needles: set[str]) -> list[str]:
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                hits += [f"{path}: {n[:8]}..." for n in needles if n.encode() in data]
    return hits


@pytest.mark.timeout(400)
def test_ten_mercado_livre_runs_alternating_between_hosts(two_hosts, tmp_path):
    import psycopg

    sbx, ws, hosts, catalog = two_hosts
    names = list(hosts)
    for i in range(10):
        wanted = _write_erp(hosts, catalog, 10 + i)
        sbx.faults.update(expire_tokens=True)  # every run finds its access token expired: it must refresh
        outcome = _outcome(_start(hosts[names[i % 2]], "stock"))
        assert outcome["exit_code"] == 0 and outcome["counts"]["applied"] == N, (i, outcome)
        assert sbx.stock_levels() == wanted
    token_calls = [r for r in sbx.state.requests if r["path"] == "/oauth/token"]
    assert len(token_calls) >= 10 and {r["status"] for r in token_calls} == {200}  # zero authentication failures
    assert sbx.state.data["token_calls"] == len(token_calls)
    assert [r["host"] for r in ws.runs.rows(channel="ml")] == [names[i % 2] for i in range(10)]
    assert all(r["status"] == "ok" for r in ws.runs.rows(channel="ml"))
    tokens = _issued_tokens(sbx)
    assert len(tokens) >= 21  # the seed, then an access and a refresh token per refresh
    assert _files_holding([tmp_path / name for name in names], tokens) == []  # no token on either host's disk
    assert _files_holding([Path(os.environ["KIT_SECRETS"]).parent], tokens) == []  # nor where the seed was set
    with psycopg.connect(os.environ["KIT_DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT sealed FROM oauth_token").fetchall()
    assert len(rows) == 1 and not any(t in rows[0][0] for t in tokens)  # in the database, only sealed
