"""The publishing loop's bulk path (``publish_batch`` > 0, ``send_listings``): chunks, order, failures, lookups."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kit.connectors.model import (
    APPLIED,
    FAILED,
    HELD,
    PENDING,
    CategoryRequirements,
    ListingRef,
    ProductItem,
    PublishResult,
    PublishSupport,
)
from kit.connectors.publishing import publish
from kit.errors import ChannelFatalError


class FeedChannel:
    """Just what the loop reads of a connector: a feed channel taking ``batch`` items per call."""

    publish_required = ("title", "weight_kg")
    publish_title_max = 20
    publish_family = "feeds"
    publish_family_together = False
    publish_update_keeps: tuple[str, ...] = ()
    publish_poll_wait_s = 0.0
    publish_poll_interval_s = 5.0
    type_name = "fake"
    label = "Fake"

    def __init__(self, batch: int, *, refuse: set[str] = frozenset(), listed: dict[str, str] | None = None) -> None:
        self.publish_batch = batch
        self.channel = SimpleNamespace(name="fake")
        self.calls: list[list[tuple[str, bool]]] = []
        self.refuse = refuse
        self.listed = listed or {}

    def publish_support(self, item: ProductItem) -> PublishSupport:
        return PublishSupport(True, True)

    def category_requirements(self, category: str) -> CategoryRequirements:
        return CategoryRequirements(category)

    def writers(self, family: str) -> int:
        return 4

    def find_listings(self, skus):
        return {s: ListingRef(s, self.listed[s]) for s in skus if s in self.listed}

    def send_listings(self, items):
        self.calls.append([(i.sku, i.bound) for i in items])
        if any(i.sku in self.refuse for i in items):
            raise ChannelFatalError("feed refused as a whole", channel="fake", status=400)
        return [PublishResult(i.sku, PENDING if i.sku.endswith("P") else APPLIED, channel_id=i.channel_id or "N",
                              token="feed-1" if i.sku.endswith("P") else None) for i in items]  # fmt: skip


def _items(*skus: str) -> list[ProductItem]:
    return [ProductItem(s, f"Produto {s}", weight_kg=1.0, channel_category="c") for s in skus]


def test_items_go_in_chunks_of_the_batch_in_input_order_and_results_come_back_in_order():
    conn = FeedChannel(2)
    items = _items("A", "B", "C", "DP", "E")
    report = publish(conn, items)
    report.assert_accounted(items)
    assert conn.calls == [[("A", False), ("B", False)], [("C", False), ("DP", False)], [("E", False)]]
    assert [r.status for r in report.items] == [APPLIED, APPLIED, APPLIED, PENDING, APPLIED]
    assert {r.action for r in report.items} == {"create"}


def test_a_refused_call_fails_every_item_of_that_call_only_and_held_items_are_never_sent():
    conn = FeedChannel(2, refuse={"C"})
    items = [*_items("A", "B", "C", "D"), ProductItem("LONG", "x" * 30, weight_kg=1.0, channel_category="c")]
    seen = []
    report = publish(conn, items, on_result=lambda item, result: seen.append((item.sku, result.status)))
    report.assert_accounted(items)
    assert [r.status for r in report.items] == [APPLIED, APPLIED, FAILED, FAILED, HELD]
    assert report.items[2].reason == "HTTP 400: feed refused as a whole"
    assert all("LONG" not in {s for s, _ in call} for call in conn.calls)
    assert sorted(seen) == sorted((r.sku, r.status) for r in report.items)  # every result reported once


def test_skus_found_on_the_channel_are_sent_bound_as_updates():
    conn = FeedChannel(10, listed={"B": "WP-B"})
    report = publish(conn, _items("A", "B"))
    assert conn.calls == [[("A", False), ("B", True)]]
    assert [r.action for r in report.items] == ["create", "update"]


def test_an_answer_for_other_skus_is_a_bug_not_a_result():
    conn = FeedChannel(10)
    conn.send_listings = lambda items: [PublishResult("X", APPLIED, channel_id="1") for _ in items]
    with pytest.raises(AssertionError, match="other SKUs"):
        publish(conn, _items("A"))
