"""A hostile channel that paginates forever with new records: bounded by its declared total and by time."""

from __future__ import annotations

import itertools
import time
from urllib.parse import parse_qs, urlsplit

from hostile.conftest import PAGE
from hostile.test_hostile_http import watched
from kit.errors import ChannelFatalError


def _query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


def _endless(total: int | None = None, delay_s: float = 0.0):
    """Full pages of never-seen records, forever (``page``/``size`` or a fresh ``next`` cursor)."""
    counter = itertools.count()

    def answer(h):
        if delay_s:
            time.sleep(delay_s)
        q = _query(h.path)
        page = int(q.get("page") or next(counter))
        items = [{"channel_id": f"{page}-{i}", "sku": f"P{page}-{i}", "price": 10.0, "stock": 1} for i in range(PAGE)]
        body = {"items": items, "next": f"c{page + 1}-{time.monotonic_ns()}"}
        if total is not None:
            body["total"] = total
        h.reply(200, body)

    return answer


def test_pages_beyond_the_declared_total_stop_with_a_clear_error(hostile, connect):
    hostile.answer = _endless(total=12)
    conn = connect()
    _, error, _ = watched(conn.list_by_cursor)
    assert isinstance(error, ChannelFatalError), error
    assert "declarou 12 registros" in error.message and error.hint
    assert len(hostile.requests) <= 12 // PAGE + 3  # one page of slack, no more


def test_endless_new_pages_without_a_total_stop_at_the_time_bound(hostile, connect, monkeypatch):
    import kit.connectors.paginate as paginate

    # The bound is the channel's time answering pages (default 30 min); a second keeps the test short.
    monkeypatch.setattr(paginate, "PAGING_TIME_LIMIT_S", 1.0, raising=False)
    hostile.answer = _endless(delay_s=0.02)
    conn = connect()
    _, error, elapsed = watched(conn.list_listings)
    assert isinstance(error, ChannelFatalError), error
    assert "passou de 1 s" in error.message and "páginas" in error.message
    assert elapsed < 10.0


def test_time_the_caller_spends_on_each_page_does_not_count(hostile, connect):
    from kit.connectors.paginate import PagePaginator

    hostile.answer = lambda h: h.reply(
        200, {"items": [{"n": int(_query(h.path)["page"])}] * (1 if int(_query(h.path)["page"]) < 4 else 0)}
    )
    conn = connect()
    pager = PagePaginator(1, page_param="page", size_param="size", records_path="items", max_seconds=0.5)
    pages = []
    for records in pager.pages(lambda params: conn.get_json("/slow-consumer", params=params)):
        pages.append(records)
        time.sleep(0.3)  # the caller's own work (e.g. reading each SKU) is not the channel's time
    assert len(pages) == 4
