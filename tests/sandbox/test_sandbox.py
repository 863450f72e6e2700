"""The sandbox base and ``kit sandbox start``: lifecycle, auth bodies, 429, faults, request log."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from kit.sandbox import sandbox_types, start_sandbox

REPO = Path(__file__).resolve().parents[2]
OURS = ["mercadolivre", "vtex", "magento"]

# A request each sandbox answers with its auth check, and the headers that pass it.
PROBE = {
    "vtex": ("/api/catalog_system/pvt/sku/stockkeepingunitids", lambda c: {
        "X-VTEX-API-AppKey": c["app_key"], "X-VTEX-API-AppToken": c["app_token"]}),
    "magento": ("/rest/default/V1/store/storeConfigs", None),  # OAuth 1.0a: signed per URL (_magento_oauth)
    "mercadolivre": ("/users/me", None),
}  # fmt: skip


def _ml_token(sbx) -> dict:
    c = sbx.credentials
    r = requests.post(
        sbx.url + "/oauth/token",
        data={"grant_type": "refresh_token", "client_id": c["client_id"], "client_secret": c["client_secret"],
              "refresh_token": c["refresh_token"]},
        timeout=5,
    )  # fmt: skip
    r.raise_for_status()
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def _magento_oauth(sbx, path: str) -> dict:
    """An integration's OAuth 1.0a signature for GET ``path`` (Magento 2.4.4+ refuses its token as a Bearer)."""
    from requests_oauthlib import OAuth1

    c = sbx.credentials
    auth = OAuth1(c["consumer_key"], c["consumer_secret"], c["access_token"], c["access_token_secret"],
                  signature_method="HMAC-SHA256")  # fmt: skip
    value = requests.Request("GET", sbx.url + path, auth=auth).prepare().headers["Authorization"]
    return {"Authorization": value.decode() if isinstance(value, bytes) else value}


def _headers(sbx, channel_type):
    path, make = PROBE[channel_type]
    if channel_type == "magento":
        return path, _magento_oauth(sbx, path)
    return path, (make(sbx.credentials) if make else _ml_token(sbx))


def test_our_sandboxes_are_registered():
    assert set(OURS) <= set(sandbox_types())


@pytest.mark.parametrize("channel_type", OURS)
def test_start_stop_and_port_released(channel_type):
    sbx = start_sandbox(channel_type, n_products=5, orders=1)
    url = sbx.url
    path, headers = _headers(sbx, channel_type)
    assert requests.get(url + path, headers=headers, timeout=5).status_code == 200
    sbx.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url + path, headers=headers, timeout=2)


@pytest.mark.parametrize("channel_type", OURS)
def test_wrong_keys_get_the_channels_own_error_body(channel_type):
    with start_sandbox(channel_type, n_products=5, orders=1) as sbx:
        path, headers = _headers(sbx, channel_type)
        wrong = {k: v[:-3] + "xyz" for k, v in headers.items()}
        r = requests.get(sbx.url + path, headers=wrong, timeout=5)
        assert r.status_code == 401
        body = r.json()
        shape = {"vtex": "error", "magento": "message", "mercadolivre": "cause"}[channel_type]
        assert shape in body
        assert sbx.state.requests[-1]["status"] == 401 and r.headers["X-Request-Id"].startswith("sbx-")


@pytest.mark.parametrize("channel_type", OURS)
def test_rate_limit_answers_429_with_retry_after_only_where_documented(channel_type):
    with start_sandbox(channel_type, n_products=5, orders=1, rate_limit=(2, 2)) as sbx:
        path, headers = _headers(sbx, channel_type)
        statuses = [requests.get(sbx.url + path, headers=headers, timeout=5) for _ in range(6)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited
        if sbx.published().retry_after:
            assert int(limited[0].headers["Retry-After"]) >= 1
        else:
            assert "Retry-After" not in limited[0].headers


def test_fault_admin_endpoint_sets_and_clears_knobs():
    with start_sandbox("vtex", n_products=5, orders=1) as sbx:
        path, headers = _headers(sbx, "vtex")
        r = requests.post(sbx.url + "/__sandbox__/faults", json={"error_rate": 1.0, "error_status": 502}, timeout=5)
        assert r.json()["error_rate"] == 1.0 and sbx.faults.error_rate == 1.0
        assert requests.get(sbx.url + path, headers=headers, timeout=5).status_code == 502
        assert requests.post(sbx.url + "/__sandbox__/faults", json={"nope": 1}, timeout=5).status_code == 400
        requests.delete(sbx.url + "/__sandbox__/faults", timeout=5)
        assert requests.get(sbx.url + path, headers=headers, timeout=5).status_code == 200


def test_faults_malformed_dropped_slow_and_timeout():
    with start_sandbox("vtex", n_products=5, orders=1) as sbx:
        path, headers = _headers(sbx, "vtex")
        sbx.faults.update(malformed_rate=1.0)
        with pytest.raises(ValueError):
            requests.get(sbx.url + path, headers=headers, timeout=5).json()
        sbx.faults.clear().update(drop_rate=1.0)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(sbx.url + path, headers=headers, timeout=5)
        sbx.faults.clear().update(timeout_rate=1.0, timeout_s=0.5)
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(sbx.url + path, headers=headers, timeout=(2, 0.2))
        sbx.faults.clear().update(slow_rate=1.0, slow_s=0.2)
        started = time.monotonic()
        assert requests.get(sbx.url + path, headers=headers, timeout=5).status_code == 200
        assert time.monotonic() - started >= 0.2


def test_orders_carry_raw_values_from_the_ground_truth():
    from kit.sample import channel_values

    with start_sandbox("magento", n_products=5, orders=30) as sbx:
        methods = {o["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"]
                   for o in sbx.state.data["orders"].values()}  # fmt: skip
        truth = {service for (_, service), _ in channel_values("magento")["carrier_service"]}
        assert methods <= truth and len(methods) > 1


def test_catalog_can_be_given():
    catalog = [
        {"sku": "ABC-1", "ean": "7890000000017", "title": "Item", "price": 10.0, "stock": 4, "width_cm": 1,
         "height_cm": 1, "length_cm": 1, "weight_kg": 1, "brand": "B", "category": "C", "ncm": "1", "active": True}
    ]  # fmt: skip
    with start_sandbox("vtex", catalog=catalog, orders=0) as sbx:
        assert list(sbx.state.data["by_ref"]) == ["ABC-1"]


def _read_line(proc, deadline):
    while time.time() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            return proc.stdout.readline()
    raise AssertionError("the sandbox printed nothing in time")


def _wait_for_line(proc, text: str, *, timeout: float) -> bool:
    """Reads ``proc``'s stdout line by line (buffered lines included) until one holds ``text``."""
    found = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if text in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    return found.wait(timeout)


def _signals_ignored_and_blocked() -> None:
    """In the child before exec: SIGINT and SIGTERM ignored and blocked, as a parent may leave them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _served_then_signalled(command: list[str], signum: int, what: str) -> tuple[int, str, str]:
    """Run ``command`` with SIGINT/SIGTERM ignored and blocked, wait until it serves, signal it: (code, out, err)."""
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        preexec_fn=_signals_ignored_and_blocked,  # noqa: PLW1509 - the point of the tests
    )  # fmt: skip
    try:
        assert _wait_for_line(proc, "Ctrl-C para parar", timeout=60), f"{what} did not say it was serving"
    finally:
        proc.send_signal(signum)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate(timeout=10)
            raise AssertionError(f"{what} did not stop") from None
    return proc.returncode, out, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_cli_start_stops_on_ctrl_c_and_term_even_if_the_parent_ignored_or_blocked_them(tmp_path, signum):
    command = [sys.executable, "-m", "kit", "sandbox", "start", "vtex", "--products", "3"]
    code, out, err = _served_then_signalled(command, signum, "'kit sandbox start'")
    assert code == 0, err
    assert "sandbox parado" in out


_DEMO_SERVE = """
import kit.demo.sync_steps as steps
from kit.commands.demo import _serve

class Sandbox:
    def stop(self):
        print("sandbox de teste parado", flush=True)

steps.serve = lambda directory, say: [Sandbox()]
raise SystemExit(_serve("demo"))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_demo_serve_stops_on_ctrl_c_and_term_even_if_the_parent_ignored_or_blocked_them(signum):
    code, out, err = _served_then_signalled([sys.executable, "-c", _DEMO_SERVE], signum, "'kit demo --serve'")
    assert code == 0, err
    assert "sandbox de teste parado" in out and "sandboxes parados" in out


def test_cli_start_prints_url_stores_credentials_and_never_prints_them(tmp_path):
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}  # a process that does not stop shows where it is (SIGABRT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kit", "sandbox", "start", "vtex", "--channel", "loja-vtex", "--products", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        deadline = time.time() + 60
        first = _read_line(proc, deadline)
        assert "ouvindo em http://127.0.0.1:" in first
        url = first.split("ouvindo em ")[1].strip()
        second = _read_line(proc, deadline)
        assert "loja-vtex" in second and "app_key" in second
        from kit.channels import ChannelRegistry
        from kit.secrets import SecretsStore
        from kit.store import Workspace

        channel = ChannelRegistry(Workspace()).get("loja-vtex")
        assert channel.base_url == url
        stored = SecretsStore().get_all(channel.credentials_ref)
        assert set(stored) == {"app_key", "app_token"}
        r = requests.get(
            url + "/api/catalog_system/pvt/sku/stockkeepingunitids",
            headers={"X-VTEX-API-AppKey": stored["app_key"], "X-VTEX-API-AppToken": stored["app_token"]},
            timeout=5,
        )
        assert r.status_code == 200 and len(r.json()) == 5
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            out, err = proc.communicate(timeout=20)
            raise AssertionError(f"'kit sandbox start' did not stop on Ctrl-C; where it was:\n{err}") from None
    printed = first + second + out + err
    assert stored["app_token"] not in printed
    assert proc.returncode == 0


def test_cli_types_lists_sandboxes(kit_cli):
    result = kit_cli("sandbox", "types")
    assert result.returncode == 0
    assert set(OURS) <= set(result.stdout.split())


def test_cli_unknown_type_is_a_clear_error(kit_cli):
    result = kit_cli("sandbox", "start", "nope")
    assert result.returncode == 2
    assert "não há sandbox para o tipo de canal 'nope'" in result.stderr and "Traceback" not in result.stderr
    json.dumps(result.stderr)  # plain text
