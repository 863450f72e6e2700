"""OAuth2 refresh with a single-use refresh token: never lost, across threads and real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from connectors.contract import FAST_RETRY, TEST_RATE, TEST_TIMEOUTS, make_connector
from kit.connectors import connector_for
from kit.errors import AuthenticationError
from kit.sandbox import start_sandbox
from kit.secrets import SecretsStore

REPO = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent(
    """
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
    ok = 0
    for _ in range(calls):
        conn.get_json("/users/me")
        ok += 1
        time.sleep(0.01)
    print(json.dumps({"ok": ok, "refreshes": conn.auth.refreshes}))
    """
)


def _stored(channel) -> dict:
    return SecretsStore().get_all(channel.credentials_ref)


def test_refresh_persists_the_rotated_token_before_using_it(tmp_path):
    with start_sandbox("mercadolivre", n_products=10, orders=2) as sbx:
        channel = sbx.channel()
        first = _stored(channel)["refresh_token"]
        conn = make_connector(sbx)
        conn.get_json("/users/me")
        stored = _stored(channel)
        assert stored["refresh_token"] != first  # rotated...
        assert stored["refresh_token"] in sbx.state.data["refresh_tokens"]  # ...and the stored one is the valid one
        assert first not in sbx.state.data["refresh_tokens"]  # single use
        # the access token used on the wire is the one persisted
        sent = sbx.state.requests[-1]["headers"]["Authorization"]
        assert sent == f"Bearer {stored['access_token']}"
        assert float(stored["access_token_expires_at"]) > time.time() + 3600


def test_threads_sharing_an_expired_token_refresh_once():
    with start_sandbox("mercadolivre", n_products=10, orders=2, rate_limit=(5000, 5000)) as sbx:
        conn = make_connector(sbx)
        conn.get_json("/users/me")
        calls_before = sbx.state.data["token_calls"]
        sbx.faults.update(expire_tokens=True)
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: conn.get_json("/users/me")["id"], range(16)))
        assert len(results) == 16
        assert sbx.state.data["token_calls"] == calls_before + 1


def test_a_used_refresh_token_is_a_clear_auth_error():
    with start_sandbox("mercadolivre", n_products=10, orders=2) as sbx:
        channel = sbx.channel()
        SecretsStore().update(channel.credentials_ref, {"refresh_token": "TG-already-used-000000000"})
        conn = connector_for(channel, retry=FAST_RETRY, timeouts=TEST_TIMEOUTS, rate_limit=TEST_RATE)
        with pytest.raises(AuthenticationError, match="recusou renovar o token de acesso") as info:
            conn.get_json("/users/me")
        assert "TG-already-used" not in str(info.value)
        assert info.value.status == 400


@pytest.mark.slow
@pytest.mark.parametrize("processes", [2, 4])
def test_concurrent_processes_never_lose_the_refresh_token(processes):
    with start_sandbox("mercadolivre", n_products=10, orders=2, rate_limit=(5000, 5000)) as sbx:
        channel = sbx.channel()
        env = dict(os.environ, PYTHONPATH=str(REPO))
        start_at = time.time() + 3.0  # let every process import before the race starts
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, json.dumps(channel.to_dict()), str(start_at), "40"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=REPO,
            )
            for _ in range(processes)
        ]
        # Expire every access token a few times while they run: each time they all race to refresh.
        rounds = 0
        while any(p.poll() is None for p in procs) and rounds < 6:
            if time.time() > start_at + 0.1 + 0.15 * rounds:
                sbx.faults.update(expire_tokens=True)
                rounds += 1
            time.sleep(0.02)
        outputs = [p.communicate(timeout=60) for p in procs]
        for p, (out, err) in zip(procs, outputs, strict=True):
            assert p.returncode == 0, err[-2000:]
            assert json.loads(out.strip().splitlines()[-1])["ok"] == 40
        stored = _stored(channel)["refresh_token"]
        # The chain of single-use tokens is intact: exactly one valid refresh token, and it is the stored one.
        assert sbx.state.data["refresh_tokens"] == {stored}
        assert sbx.state.count(400) == 0  # no process ever presented a used refresh token
        assert rounds >= 1
