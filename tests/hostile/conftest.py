"""Fixtures of the hostile-channel suite: the server, a channel aimed at it, a connector over the shared base."""

from __future__ import annotations

from typing import Any

import pytest

from hostile.server import HostileServer
from kit.channeltypes import RateLimit
from kit.connectors.auth import StaticHeaders
from kit.connectors.base import Connector
from kit.connectors.http import RetryPolicy, Timeouts
from kit.connectors.paginate import CursorPaginator, PagePaginator

#: quick retries: the suite is about bounds, not patience
RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05, retry_after_cap_s=0.05, budget_s=4.0)
TIMEOUTS = Timeouts(connect=1.0, read=1.0, total=1.5)
RATE = RateLimit(1000, 1000, "hostile tests", "configured")
PAGE = 5
KEY = "hostile-app-token-0123456789"


class HostileConnector(Connector):
    """Declared like a channel module: listings by pages, one PUT per stock or price item."""

    type_name = "vtex"  # borrows a declared type for its limits; not registered

    def make_auth(self):
        return StaticHeaders({"X-Hostile-Key": "app_token"})

    def list_listings(self):
        pager = PagePaginator(PAGE, page_param="page", size_param="size", records_path="items",
                              channel=self.channel.name)  # fmt: skip
        rows = pager.all(lambda params: self.get_json("/listings", params=params))
        return self.listings_frame(rows)

    def list_by_cursor(self) -> list:
        """Records read with a cursor from the body (``next``), the channel declaring its ``total``."""
        pager = CursorPaginator("next", cursor_param="cursor", records_path="items", total_path="total",
                                channel=self.channel.name)  # fmt: skip
        return pager.all(lambda params: self.get_json("/feed", params=params))

    def _put(self, items, what: str, value):
        def send(group):
            item = group[0]
            self.request("PUT", f"/{what}/{item.sku}", json_data={"value": value(item)}, family="write")

        return self.run_writes(items, send, what=what)

    def update_stock(self, items):
        return self._put(items, "stock", lambda it: it.quantity)

    def update_prices(self, items):
        return self._put(items, "prices", lambda it: it.price)


@pytest.fixture
def hostile():
    with HostileServer() as srv:
        yield srv


@pytest.fixture
def channel(workspace, hostile):
    from kit.channels import Channel, ChannelRegistry
    from kit.secrets import SecretsStore

    ch = ChannelRegistry(workspace).add(
        Channel(
            name="hostil",
            type="vtex",
            category="plataforma",
            company="11222333000181",
            environment="sandbox",
            base_url=hostile.url,
            settings={"account": "hostil"},
        )  # fmt: skip
    )
    SecretsStore().update(ch.credentials_ref, {"app_key": "hostile-app-key", "app_token": KEY})
    return ch


@pytest.fixture
def connect(channel, workspace):
    made: list[Connector] = []

    def make(**options: Any) -> HostileConnector:
        options.setdefault("retry", RETRY)
        options.setdefault("timeouts", TIMEOUTS)
        options.setdefault("rate_limit", RATE)
        conn = HostileConnector(channel, workspace=workspace, **options)
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()
