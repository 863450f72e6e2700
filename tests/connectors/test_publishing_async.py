"""The publishing loop's additions for asynchronous channels and families registered in one request.

A hand-built channel (no HTTP) so each rule is checked alone: the bounded poll of
pending answers, a failing poll leaving items pending, families handed over at
once and held whole, a failing family call failing every member with its reason.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from kit.connectors.model import APPLIED, PENDING, CategoryRequirements, ProductItem, PublishResult, PublishSupport
from kit.connectors.publishing import publish
from kit.errors import ChannelFatalError, ChannelTransientError


class FakeChannel:
    """Creates answer pending; ``ready`` SKUs poll as applied; records the calls."""

    label = "Canal de teste"
    type_name = "fake"
    channel = SimpleNamespace(name="fake")
    publish_required = ("title", "weight_kg")
    publish_title_max = None
    publish_family = "catalog"
    publish_family_together = False
    publish_poll_wait_s = 1.0
    publish_poll_interval_s = 0.2

    def __init__(self) -> None:
        self.ready: set[str] = set()
        self.polls = 0
        self.families: list[list[str]] = []
        self.poll_error: Exception | None = None

    def writers(self, family: str) -> int:
        return 2

    def publish_support(self, item: ProductItem) -> PublishSupport:
        return PublishSupport(True, True)

    def category_requirements(self, category: str) -> CategoryRequirements:
        return CategoryRequirements(category)

    def find_listings(self, skus):
        return {}

    def create_listing(self, item: ProductItem) -> PublishResult:
        return PublishResult(item.sku, PENDING, "create", "em processamento", token=f"t-{item.sku}")

    def create_listings(self, items):
        self.families.append([i.sku for i in items])
        if any(i.sku.endswith("boom") for i in items):
            raise ChannelFatalError("família recusada pelo canal", status=400)
        return [self.create_listing(i) for i in items]

    def poll_publish(self, tokens):
        self.polls += 1
        if self.poll_error is not None:
            raise self.poll_error
        return [PublishResult(s, APPLIED, channel_id=f"id-{s}") if s in self.ready
                else PublishResult(s, PENDING, token=t) for s, t in tokens.items()]  # fmt: skip


def _items(*skus: str, family: str | None = None, **changes) -> list[ProductItem]:
    base = {"title": "Produto", "weight_kg": 1.0, "channel_category": "C", "parent_sku": family}
    return [ProductItem(sku, **{**base, **changes}) for sku in skus]


def test_pending_answers_are_polled_until_applied_and_reported_once_each():
    conn, seen = FakeChannel(), []
    conn.ready = {"A", "B"}
    report = publish(conn, _items("A", "B"), on_result=lambda item, result: seen.append((item.sku, result.status)))
    assert [(r.status, r.action, r.channel_id) for r in report.items] == [("applied", "create", "id-A"),
                                                                          ("applied", "create", "id-B")]  # fmt: skip
    assert sorted(seen) == [("A", "applied"), ("B", "applied")] and conn.polls == 1


def test_the_wait_is_bounded_and_what_is_left_stays_pending_with_its_token():
    conn = FakeChannel()
    conn.ready = {"A"}
    t0 = time.monotonic()
    report = publish(conn, _items("A", "B"))
    assert time.monotonic() - t0 < conn.publish_poll_wait_s + 1.0
    assert [r.status for r in report.items] == ["applied", "pending"] and report.items[1].token == "t-B"
    report.assert_accounted(_items("A", "B"))


def test_a_failing_poll_leaves_the_items_pending_never_applied():
    conn = FakeChannel()
    conn.poll_error = ChannelTransientError("canal fora do ar", status=503)
    report = publish(conn, _items("A"))
    assert report.items[0].status == "pending" and report.items[0].token == "t-A" and conn.polls == 1


def test_no_wait_declared_means_no_poll_within_the_run():
    conn = FakeChannel()
    conn.publish_poll_wait_s = 0.0
    conn.ready = {"A"}
    assert publish(conn, _items("A")).items[0].status == "pending" and conn.polls == 0


def test_a_family_registered_together_arrives_in_one_call_and_is_held_whole():
    conn = FakeChannel()
    conn.publish_family_together, conn.publish_poll_wait_s = True, 0.0
    items = [*_items("F-1", "F-2", family="F"), *_items("F-3", family="F", weight_kg=None), *_items("G-1")]
    report = publish(conn, items)
    assert [r.status for r in report.items] == ["held", "held", "held", "pending"]
    assert "F-3" in report.items[0].fix and conn.families == [["G-1"]]
    complete = publish(conn, _items("F-1", "F-2", family="F"))
    assert conn.families[-1] == ["F-1", "F-2"] and {r.status for r in complete.items} == {"pending"}


@pytest.mark.parametrize("skus", [("F-1", "F-boom"), ("F-boom",)])
def test_a_family_refused_by_the_channel_fails_every_member_with_the_reason(skus):
    conn = FakeChannel()
    conn.publish_family_together = True
    report = publish(conn, _items(*skus, family="F"))
    assert [r.status for r in report.items] == ["failed"] * len(skus)
    assert all("família recusada" in r.reason and r.action == "create" for r in report.items)


def test_an_update_may_leave_out_a_field_the_connector_keeps_a_create_may_not():
    conn = FakeChannel()
    conn.publish_required = ("title", "weight_kg", "image_urls")
    conn.publish_update_keeps = ("image_urls",)
    conn.update_listing = lambda item: PublishResult(item.sku, APPLIED, "update", channel_id=item.channel_id)
    bound = _items("A", channel_id="id-A")[0]
    report = publish(conn, [bound, *_items("B")])
    assert [r.status for r in report.items] == ["applied", "held"] and "imagens" in report.items[1].fix
