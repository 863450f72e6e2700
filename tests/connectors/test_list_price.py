"""The store's list ("de") price survives a price push whose ERP export has no list price (SkyHub, Plug.to, Via).

Each sandbox seeds its listings with a strike-through price above the selling one, as a store sets it; the
sandboxes update only the fields sent (SkyHub, Plug.to) or both prices of a site (Via), as the documents say.
"""

from __future__ import annotations

import json

import pytest

from kit.connectors.listprice import PriceReads, StorePrices, list_price_to_send
from kit.connectors.model import APPLIED, PriceItem
from kit.errors import ChannelFatalError
from kit.sandbox import start_sandbox

CHANNELS = ("skyhub", "pluggto", "cnova")
#: the key of the selling price in each channel's price body
SELLING_KEY = {"skyhub": "promotional_price", "pluggto": "special_price", "cnova": "offer"}


def shown(sbx, channel: str, sku: str) -> tuple[float, float]:
    """(list "de", selling "por") the sandbox holds for ``sku`` (read from its state, not through a connector)."""
    data = sbx.state.data
    if channel == "skyhub":
        record = data["products"].get(sku) or sbx.variation(sku)
        return record["price"], record["promotional_price"]
    if channel == "pluggto":
        record = sbx.sku_record(sku)
        return record["price"], record["special_price"]
    price = next(p for p in data["items"][sku]["prices"] if p["site"] == "CB")
    return price["default"], price["offer"]


def set_shown(sbx, channel: str, sku: str, listed: float, selling: float) -> None:
    """Make the store show ``listed`` / ``selling`` for ``sku`` (as the seller's panel would)."""
    data = sbx.state.data
    if channel == "skyhub":
        record = data["products"].get(sku) or sbx.variation(sku)
        record.update(price=listed, promotional_price=selling)
    elif channel == "pluggto":
        sbx.sku_record(sku).update(price=listed, special_price=selling)
    else:
        next(p for p in data["items"][sku]["prices"] if p["site"] == "CB").update(default=listed, offer=selling)


def price_bodies(sbx) -> list[dict]:
    """The bodies of the price writes the sandbox received (the connector's own words)."""
    out = []
    for e in sbx.state.requests:
        if e["method"] == "PUT" and e["body"]:
            body = json.loads(e["body"])
            inner = body.get("product") or body.get("variation") or body
            if any(k in inner for k in ("promotional_price", "special_price", "offer")):
                out.append(inner)
    return out


@pytest.fixture(params=CHANNELS)
def channel(request):
    return request.param


@pytest.fixture
def sbx(channel):
    with start_sandbox(channel, n_products=12, orders=0, rate_limit=(5000, 5000)) as server:
        yield server


def _skus(conn, n: int) -> list[str]:
    rows = conn.list_listings()
    return [str(s) for s in rows[rows["sku"].notna()]["sku"].head(n)]


def test_without_an_erp_list_price_the_stores_de_price_stays(channel, sbx, conn):
    skus = _skus(conn, 3)
    before = {s: shown(sbx, channel, s) for s in skus}
    assert all(de > por for de, por in before.values())  # the store shows a strike-through price
    items = [PriceItem(s, round(before[s][1] * 0.95, 2)) for s in skus]
    result = conn.update_prices(items)
    assert [r.status for r in result.items] == [APPLIED] * len(items)
    for item in items:
        de, por = shown(sbx, channel, item.sku)
        assert por == pytest.approx(item.price)
        assert de == pytest.approx(before[item.sku][0])  # was wiped: set to the selling price


def test_a_selling_price_above_the_stores_de_lifts_it_never_leaving_it_below(channel, sbx, conn):
    sku = _skus(conn, 1)[0]
    de, _ = shown(sbx, channel, sku)
    rise = round(de * 1.05, 2)
    assert conn.update_prices([PriceItem(sku, rise)]).applied == 1
    assert shown(sbx, channel, sku) == (pytest.approx(rise), pytest.approx(rise))


def test_a_store_without_a_de_price_gets_none_invented(channel, sbx, conn):
    sku = _skus(conn, 1)[0]
    _, por = shown(sbx, channel, sku)
    set_shown(sbx, channel, sku, por, por)  # no strike-through on the store
    lower = round(por * 0.9, 2)
    assert conn.update_prices([PriceItem(sku, lower)]).applied == 1
    assert shown(sbx, channel, sku) == (pytest.approx(lower), pytest.approx(lower))


def test_an_erp_list_price_is_written_as_before_without_reading_first(channel, sbx, conn):
    skus = _skus(conn, 2)
    por = shown(sbx, channel, skus[0])[1]
    items = [PriceItem(skus[0], round(por * 0.9, 2), list_price=round(por * 2, 2)),
             PriceItem(skus[1], por, list_price=round(por * 0.5, 2))]  # fmt: skip  # a list below the selling price
    sbx.state.clear_log()
    assert conn.update_prices(items).applied == 2
    assert shown(sbx, channel, skus[0]) == (pytest.approx(round(por * 2, 2)), pytest.approx(items[0].price))
    assert shown(sbx, channel, skus[1]) == (pytest.approx(por), pytest.approx(por))  # never below the selling
    assert not [e for e in sbx.state.requests if e["method"] == "GET"]  # no read when the ERP gives the list
    assert len(price_bodies(sbx)) == 2


@pytest.mark.parametrize("channel", ["skyhub", "pluggto"])  # Via's operation sets both: its "de" is sent back
def test_where_partial_updates_are_documented_the_de_price_is_left_out(channel, sbx, conn):
    sku = _skus(conn, 1)[0]
    de, por = shown(sbx, channel, sku)
    sbx.state.clear_log()
    assert conn.update_prices([PriceItem(sku, round(por * 0.95, 2))]).applied == 1
    (body,) = price_bodies(sbx)
    assert "price" not in body and body[SELLING_KEY[channel]] == pytest.approx(round(por * 0.95, 2))
    assert [e["method"] for e in sbx.state.requests] == ["GET", "PUT"]  # one read per write, right before it


@pytest.mark.parametrize(
    ("selling", "erp_list", "store", "expected"),
    [
        (90.0, None, StorePrices.of(120, 100), None),  # the store's "de" stays
        (130.0, None, StorePrices.of(120, 100), 130.0),  # never below the selling price
        (120.0, None, StorePrices.of(120, 100), None),  # equal: it stays
        (90.0, None, StorePrices.of(100, 100), 90.0),  # no "de" on the store: none invented
        (90.0, None, StorePrices.of(100, None), 90.0),  # a price alone is the selling price
        (90.0, None, StorePrices.of("120.00", "100"), None),  # numbers as text
        (90.0, None, StorePrices.of(True, 100), 90.0),  # not a price
        (90.0, None, None, 90.0),  # not read (not found)
        (90.0, 150.0, StorePrices.of(120, 100), 150.0),  # the ERP's list price wins
        (90.0, 80.0, None, 90.0),  # the ERP's list below the selling price
    ],
)
def test_list_price_rule(selling, erp_list, store, expected):
    assert list_price_to_send(selling, erp_list, store) == expected


def test_a_small_store_is_read_once_rather_than_sku_by_sku(channel, sbx, conn):
    skus = _skus(conn, 6)
    before = {s: shown(sbx, channel, s) for s in skus}
    sbx.state.clear_log()
    result = conn.update_prices([PriceItem(s, round(before[s][1] * 0.97, 2)) for s in skus])
    assert result.applied == len(skus)
    reads = [e for e in sbx.state.requests if e["method"] == "GET"]
    assert len(reads) == 2  # the listing's size, then its one page (12 listings): not one read per SKU
    assert all(shown(sbx, channel, s)[0] == pytest.approx(before[s][0]) for s in skus)


@pytest.mark.parametrize(("pages", "listing_reads", "one_reads"), [(5, 0, 3), (2, 1, 1), (None, 0, 3), ("fails", 0, 3)])
def test_reads_take_the_cheaper_way(pages, listing_reads, one_reads):
    calls = {"every": 0, "one": 0}

    def every():
        calls["every"] += 1
        return {"A": StorePrices.of(120, 100), "B": StorePrices.of(50, 50)}  # C is not listed: read alone

    def one(item):
        calls["one"] += 1
        return StorePrices.of(80, 70)

    def count():
        if pages == "fails":
            raise ChannelFatalError("503", channel="x")
        return pages

    items = [PriceItem("A", 90.0), PriceItem("B", 40.0), PriceItem("C", 60.0), PriceItem("D", 10.0, list_price=20)]
    reads = PriceReads(one, count, every).prepare(items)
    got = [reads(i) for i in items]
    assert (calls["every"], calls["one"]) == (listing_reads, one_reads)
    assert got[3] is None  # the ERP gives the list price: nothing read
    assert got[2] == StorePrices(80.0, 70.0)
    if listing_reads:
        assert got[:2] == [StorePrices(120.0, 100.0), StorePrices(50.0, 50.0)]


@pytest.mark.timeout(120)
def test_the_prices_job_with_an_erp_file_without_list_prices_keeps_the_stores(channel, sbx, workspace, tmp_path):
    """The whole path: an ERP prices file with no list price column, the prices job, the channel's "de" kept."""
    from kit.channels import ChannelRegistry
    from kit.channeltypes import RateLimit
    from kit.connectors import connector_for
    from kit.jobs import run_job
    from kit.jobs.settings import set_job_settings

    name = f"sbx-{channel}"
    ChannelRegistry(workspace).add(sbx.channel(name))
    channel_row = ChannelRegistry(workspace).get(name)
    with connector_for(channel_row, workspace=workspace, rate_limit=RateLimit(500, 500, "t")) as conn:
        skus = _skus(conn, 4)
        before = {s: shown(sbx, channel, s) for s in skus}
        erp = tmp_path / "erp"
        erp.mkdir()
        rows = "".join(f"{s};" + f"{before[s][1] * 0.96:.2f}".replace(".", ",") + "\n" for s in skus)  # as ERPs do
        (erp / "prices.csv").write_text("sku;price\n" + rows, encoding="utf-8")
        set_job_settings(workspace, None, {"erp_dir": str(erp)})
        summary = run_job("prices", name, ws=workspace, connector=conn)
    assert summary.ok and summary.applied == len(skus), summary.render_pt()
    for s in skus:
        de, por = shown(sbx, channel, s)
        assert (de, por) == (pytest.approx(before[s][0]), pytest.approx(round(before[s][1] * 0.96, 2)))
