"""SkyHub sandbox: queue redelivery after the visibility timeout, per-endpoint limits, auth and body rules."""

from __future__ import annotations

import time

import pytest
import requests

from kit.sandbox import start_sandbox


@pytest.fixture
def sbx():
    with start_sandbox("skyhub", n_products=8, orders=2, queue_visibility_s=0.3) as server:
        yield server


def _headers(sbx, **over):
    c = sbx.credentials
    h = {"X-User-Email": c["user_email"], "X-Api-Key": c["api_key"], "X-Accountmanager-Key": c["account_manager_key"]}
    h.update(over)
    return {k: v for k, v in h.items() if v is not None}


def test_an_order_not_deleted_is_delivered_again_after_the_visibility_timeout(sbx):
    get = lambda: requests.get(f"{sbx.url}/queues/orders", headers=_headers(sbx), timeout=5)  # noqa: E731
    first, second, third = get(), get(), get()
    assert first.status_code == second.status_code == 200 and third.status_code == 204
    assert first.json()["code"] != second.json()["code"]
    deadline = time.monotonic() + 5
    again = get()
    while again.status_code == 204 and time.monotonic() < deadline:
        time.sleep(0.05)
        again = get()
    assert again.json()["code"] in {first.json()["code"], second.json()["code"]}
    for body in (first.json(), second.json()):
        code = requests.utils.quote(body["code"], safe="")
        assert requests.delete(f"{sbx.url}/queues/orders/{code}", headers=_headers(sbx), timeout=5).status_code == 204
    assert sbx.queued() == []


def test_limits_are_per_endpoint_and_method():
    with start_sandbox("skyhub", n_products=4, orders=1) as sbx:  # published rates: orders GET 1/s, products 9/s
        h = _headers(sbx)
        orders = [requests.get(f"{sbx.url}/orders", headers=h, timeout=5).status_code for _ in range(3)]
        products = [requests.get(f"{sbx.url}/products", headers=h, timeout=5).status_code for _ in range(3)]
        assert orders.count(429) >= 1 and products == [200, 200, 200]
        limited = requests.get(f"{sbx.url}/orders", headers=h, timeout=5)
        assert limited.status_code == 429 and "Retry-After" not in limited.headers  # none documented


def test_auth_and_body_rules(sbx):
    assert (
        requests.get(
            f"{sbx.url}/products", headers=_headers(sbx, **{"X-Accountmanager-Key": None}), timeout=5
        ).status_code
        == 401
    )
    assert (
        requests.get(f"{sbx.url}/products", headers=_headers(sbx, **{"X-Api-Key": "wrong"}), timeout=5).status_code
        == 401
    )
    sku = next(iter(sbx.state.data["products"]))
    put = f"{sbx.url}/products/{sku}"
    assert requests.put(put, headers=_headers(sbx), timeout=5).status_code == 400  # no body
    latin1 = '{"product": {"qty": 1, "name": "Ação"}}'.encode("latin-1")
    assert requests.put(put, data=latin1, headers=_headers(sbx), timeout=5).status_code == 415


def test_a_cancellation_after_consumption_comes_back_through_the_queue_with_its_current_status(sbx):
    get = lambda: requests.get(f"{sbx.url}/queues/orders", headers=_headers(sbx), timeout=5)  # noqa: E731
    codes = []
    for _ in range(2):
        order = get().json()
        codes.append(order["code"])
        code = requests.utils.quote(order["code"], safe="")
        assert requests.delete(f"{sbx.url}/queues/orders/{code}", headers=_headers(sbx), timeout=5).status_code == 204
    assert get().status_code == 204
    before = sbx.state.data["orders"][codes[0]]["updated_at"]
    sbx.cancel_order(codes[0])
    again = get()
    assert again.status_code == 200 and again.json()["code"] == codes[0]
    assert again.json()["status"] == {"code": "order_canceled", "label": "Cancelado (SkyHub)", "type": "CANCELED"}
    assert again.json()["updated_at"] > before


def test_errors_follow_skyhub_codes(sbx):
    h = _headers(sbx)
    assert requests.get(f"{sbx.url}/products", headers={**h, "Accept": "text/html"}, timeout=5).status_code == 406
    code = requests.utils.quote(next(iter(sbx.state.data["orders"])), safe="")
    canceled = requests.post(f"{sbx.url}/orders/{code}/shipments", headers=h, timeout=5,
                             json={"status": "order_shipped", "shipment": {"code": "X", "items": [], "track": {}}})  # fmt: skip
    assert canceled.status_code == 400 and set(canceled.json()) == {"error"}
    sku = next(s for s, p in sbx.state.data["products"].items() if not p["variations"])
    text_qty = requests.put(f"{sbx.url}/products/{sku}", json={"product": {"qty": "5"}}, headers=h, timeout=5)
    assert text_qty.status_code == 400 and "qty must be an integer" in text_qty.json()["error"]
