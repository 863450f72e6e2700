"""Paginators: tiny classes over one base with one abstract method.

:meth:`Paginator.pages` drives the loop: it asks ``fetch(params)`` for a page,
extracts the records, and asks :meth:`Paginator.next_token` where to go next
(``None`` ends). The base refuses a token it has already seen, and a page
identical to the one before, so a channel that repeats a cursor (or ignores
the paging parameters) ends in a clear :class:`~kit.errors.ChannelFatalError`
instead of an endless loop.

A channel that keeps sending *new* records is bounded too: by what it declares
(``total_path``: more records than the declared total, plus one page of slack
for records added meanwhile, is an error) and by time (``max_seconds`` of the
channel's own time answering pages, default :data:`PAGING_TIME_LIMIT_S`; the
time the caller spends on each page does not count).

Subclasses: :class:`OffsetPaginator` (offset/limit), :class:`PagePaginator`
(page numbers), :class:`CursorPaginator` (scroll id / next cursor read from
the body), :class:`FeedPaginator` (read-until-empty feeds whose events are
committed separately; the "token" is the set of handles of a lot).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from kit.errors import ChannelFatalError
from kit.scrub import clip

__all__ = [
    "Paginator",
    "OffsetPaginator",
    "PagePaginator",
    "CursorPaginator",
    "FeedPaginator",
    "dig",
    "PAGING_TIME_LIMIT_S",
]

Fetch = Callable[[dict[str, Any]], Any]

#: Default bound of one paging loop: seconds the channel may spend answering its pages.
PAGING_TIME_LIMIT_S = 1800.0
_HINT = "tente de novo mais tarde; se persistir, informe o canal (a paginação dele não termina)"


def dig(body: Any, path: str | None) -> Any:
    """``body["a"]["b"]`` for ``path="a.b"``; ``None`` if absent; the body itself for ``None``/""."""
    if not path:
        return body
    for key in path.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


class Paginator:
    """Base: subclasses implement :meth:`next_token` (and may override :meth:`params`).

    Args:
        records_path: dotted path of the record list in the body ("" = the body).
        max_pages: hard stop, a safety net against channels that never end.
        stop_at_max: reaching ``max_pages`` ends quietly (a channel's own cap) instead of an error.
        total_path: dotted path of the total number of records the channel declares.
        max_seconds: bound of the channel's time answering pages (default :data:`PAGING_TIME_LIMIT_S`).
        channel: channel name for error messages.
    """

    def __init__(
        self,
        *,
        records_path: str = "",
        max_pages: int = 100_000,
        stop_at_max: bool = False,
        total_path: str | None = None,
        max_seconds: float | None = None,
        channel: str | None = None,
    ) -> None:
        self.records_path = records_path
        self.max_pages = max_pages
        self.stop_at_max = stop_at_max  # True: a channel cap (e.g. 30 pages), not an error
        self.total_path = total_path
        self.max_seconds = max_seconds
        self.channel = channel

    def first_params(self) -> dict[str, Any]:
        return {}

    def params(self, token: Any) -> dict[str, Any]:
        """Query parameters for the page at ``token``."""
        return {}

    def records(self, body: Any) -> list[Any]:
        found = dig(body, self.records_path)
        return list(found) if isinstance(found, list) else []

    def next_token(self, body: Any, records: list[Any], token: Any) -> Hashable | None:
        """Where the next page starts, or ``None`` when this was the last."""
        raise NotImplementedError

    def declared_total(self, body: Any) -> int | None:
        """The number of records the channel says it has (``None``: it does not say)."""
        total = dig(body, self.total_path) if self.total_path else None
        return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None

    def page_signature(self, records: list[Any]) -> str | None:
        """A fingerprint of a page; two equal non-empty pages in a row mean the channel is stuck."""
        if not records:
            return None
        return f"{len(records)}|{records[0]!r}|{records[-1]!r}"

    def pages(self, fetch: Fetch) -> Iterator[list[Any]]:
        """Yield each page's records until the channel says there is no more."""
        seen: set[Hashable] = set()
        token: Any = None
        previous: str | None = None
        params = self.first_params()
        limit = PAGING_TIME_LIMIT_S if self.max_seconds is None else self.max_seconds
        bound = _Bound(self, limit)
        for _ in range(self.max_pages):
            body = bound.fetch(fetch, params)
            records = self.records(body)
            bound.count(records, self.declared_total(body))
            signature = self.page_signature(records)
            if signature is not None and signature == previous:
                raise ChannelFatalError(
                    "o canal devolveu a mesma página duas vezes seguidas; a leitura parou para não entrar num laço sem fim",
                    channel=self.channel,
                    hint="tente de novo mais tarde; se continuar, informe o canal",
                )
            previous = signature
            yield records
            token = self.next_token(body, records, token)
            if token is None:
                return
            if token in seen:
                raise ChannelFatalError(
                    f"o canal repetiu um cursor de paginação ({clip(token, 40)}); a leitura parou para não entrar num laço sem fim",
                    channel=self.channel,
                    hint="tente de novo mais tarde; se continuar, informe o canal",
                )
            seen.add(token)
            bound.check_time()
            params = self.params(token)
        if not self.stop_at_max:
            raise ChannelFatalError(f"mais de {self.max_pages} páginas; a leitura parou", channel=self.channel)

    def all(self, fetch: Fetch) -> list[Any]:
        return [r for page in self.pages(fetch) for r in page]


class _Bound:
    """What one paging loop has used: the channel's time, the records against its declared total."""

    __slots__ = ("paginator", "limit", "spent", "pages", "records", "declared", "largest")

    def __init__(self, paginator: Paginator, limit: float) -> None:
        self.paginator, self.limit = paginator, limit
        self.spent = 0.0
        self.pages = self.records = self.largest = 0
        self.declared: int | None = None

    def fetch(self, fetch: Fetch, params: dict[str, Any]) -> Any:
        t0 = time.monotonic()
        try:
            return fetch(params)
        finally:
            self.spent += time.monotonic() - t0
            self.pages += 1

    def count(self, records: list[Any], declared: int | None) -> None:
        self.records += len(records)
        self.largest = max(self.largest, len(records))
        if declared is not None:
            self.declared = declared
        if self.declared is not None and self.records > self.declared + max(1, self.largest):
            raise ChannelFatalError(
                f"o canal declarou {self.declared} registros, mas já enviou {self.records} em {self.pages} páginas; "
                "a paginação foi interrompida para não seguir sem fim",
                channel=self.paginator.channel,
                hint=_HINT,
            )

    def check_time(self) -> None:
        if self.spent > self.limit:
            raise ChannelFatalError(
                f"a paginação do canal passou de {self.limit:g} s ({self.pages} páginas, {self.records} registros) "
                "sem terminar; foi interrompida",
                channel=self.paginator.channel,
                hint=_HINT,
            )


class OffsetPaginator(Paginator):
    """``offset``/``limit``; ends on a short page or when ``offset >= total``."""

    def __init__(
        self,
        limit: int,
        *,
        offset_param: str = "offset",
        limit_param: str = "limit",
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.limit, self.offset_param, self.limit_param = limit, offset_param, limit_param

    def first_params(self) -> dict[str, Any]:
        return self.params(0)

    def params(self, token: Any) -> dict[str, Any]:
        return {self.offset_param: token, self.limit_param: self.limit}

    def next_token(self, body: Any, records: list[Any], token: Any) -> int | None:
        offset = (token or 0) + len(records)
        total = self.declared_total(body)
        if not records or len(records) < self.limit or (total is not None and offset >= total):
            return None
        return offset


class PagePaginator(Paginator):
    """Page numbers from ``start``; ends on a short page or past ``total_path``/``pages_path``."""

    def __init__(
        self,
        size: int,
        *,
        page_param: str = "page",
        size_param: str = "pagesize",
        start: int = 1,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.size, self.page_param, self.size_param, self.start = size, page_param, size_param, start

    def first_params(self) -> dict[str, Any]:
        return self.params(self.start)

    def params(self, token: Any) -> dict[str, Any]:
        return {self.page_param: token, self.size_param: self.size}

    def next_token(self, body: Any, records: list[Any], token: Any) -> int | None:
        page = token or self.start
        total = self.declared_total(body)
        if not records or len(records) < self.size:
            return None
        if total is not None and (page - self.start + 1) * self.size >= total:
            return None
        return page + 1


class CursorPaginator(Paginator):
    """A cursor read from the body (``scroll_id``, ``nextCursor``), sent back as ``cursor_param``."""

    def __init__(
        self,
        cursor_path: str,
        *,
        cursor_param: str,
        base_params: dict[str, Any] | None = None,
        stop_on_empty: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.cursor_path, self.cursor_param = cursor_path, cursor_param
        self.base_params = dict(base_params or {})
        self.stop_on_empty = stop_on_empty

    def first_params(self) -> dict[str, Any]:
        return dict(self.base_params)

    def params(self, token: Any) -> dict[str, Any]:
        return {**self.base_params, self.cursor_param: token}

    def next_token(self, body: Any, records: list[Any], token: Any) -> str | None:
        cursor = dig(body, self.cursor_path)
        if not cursor or (self.stop_on_empty and not records):
            return None
        return str(cursor)


class FeedPaginator(Paginator):
    """A feed read lot by lot until empty; events are committed elsewhere.

    The token of a lot is the set of its handles: reading the same lot twice
    (the channel re-delivered uncommitted events mid-read) is refused.
    """

    def __init__(self, *, handle_key: str = "handle", lot_size: int = 10, max_lots: int = 10, **kw: Any) -> None:
        super().__init__(max_pages=max_lots + 1, **kw)
        self.handle_key, self.lot_size, self.max_lots = handle_key, lot_size, max_lots
        self._lots = 0

    def pages(self, fetch: Fetch) -> Iterator[list[Any]]:
        self._lots = 0
        yield from super().pages(fetch)

    def next_token(self, body: Any, records: list[Any], token: Any) -> frozenset[str] | None:
        self._lots += 1
        if not records or len(records) < self.lot_size or self._lots >= self.max_lots:
            return None
        return frozenset(str(r.get(self.handle_key)) for r in records if isinstance(r, dict))

    def params(self, token: Any) -> dict[str, Any]:
        return {}
