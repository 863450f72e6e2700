"""A hostile channel answering NaN, Infinity and garbage in its listings: one bad value is one bad item."""

from __future__ import annotations

import pytest

BAD = {
    "S0": ("NaN", "5"),
    "S1": ("Infinity", "Infinity"),
    "S2": ('"abc"', '"x"'),
    "S3": ("1e400", "1000000000000000000000000000000"),
}


def _listings_body(path: str) -> bytes:
    from hostile.conftest import PAGE

    rows = [f'{{"channel_id": "{i}", "sku": "{sku}", "price": {p}, "stock": {q}}}' for i, (sku, (p, q)) in
            enumerate(BAD.items())]  # fmt: skip
    rows += [f'{{"channel_id": "{i}", "sku": "S{i}", "price": 100.0, "stock": 1}}' for i in (4, 5)]
    page = int(path.split("page=")[1].split("&")[0]) if "page=" in path else 1
    rows = rows[(page - 1) * PAGE : page * PAGE]
    return ('{"items": [' + ", ".join(rows) + "]}").encode()  # NaN / Infinity literals, as some servers write


@pytest.fixture
def erp(workspace, tmp_path, hostile):
    from kit.jobs.settings import set_job_settings

    hostile.answer = lambda h: h.reply(200, _listings_body(h.path)) if h.command == "GET" else h.reply(200, {})
    folder = tmp_path / "erp"
    folder.mkdir()
    skus = [*BAD, "S4", "S5"]
    (folder / "stock.csv").write_text("sku;available\n" + "".join(f"{s};7\n" for s in skus), encoding="utf-8")
    (folder / "prices.csv").write_text("sku;price\n" + "".join(f"{s};90,00\n" for s in skus), encoding="utf-8")
    set_job_settings(workspace, None, {"erp_dir": str(folder)})
    return folder


def test_garbage_listing_values_do_not_stop_the_stock_job(erp, connect, workspace, hostile):
    from kit.jobs import run_job

    summary = run_job("stock", "hostil", ws=workspace, connector=connect())
    assert summary.error is None and (summary.applied, summary.failed) == (6, 0), (summary.error, summary.details)
    note = next(n for n in summary.notes if "valores inválidos" in n)
    assert "hostil" in note and "S1" in note and "inf" in note  # reported: channel, SKU, value


def test_garbage_listing_prices_hold_their_skus_and_the_rest_is_sent(erp, connect, workspace, hostile):
    from kit.jobs import run_job

    summary = run_job("prices", "hostil", ws=workspace, connector=connect())
    assert summary.error is None, summary.error
    assert summary.applied == 2 and summary.held == 4, summary.details
    held = {d.key: d.reason for d in summary.details if d.status == "held"}
    assert set(held) == set(BAD) and "preço inválido" in held["S2"] and "'abc'" in held["S2"]
    sent = {r["path"] for r in hostile.requests if r["method"] == "PUT"}
    assert sent == {"/prices/S4", "/prices/S5"}
