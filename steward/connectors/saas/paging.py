"""Walking a vendor's pages: a cursor in the answer, a next-page URL, or an offset.

A search for a person must see every page (UK GDPR Art 15: the search has to be complete), so
a vendor that hands back the same cursor or URL twice is an error, never a silent stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steward.connectors.saas.definition import Paging
from steward.connectors.saas.templates import dig

MAX_PAGES = 100_000


class PagingLoop(Exception):
    """The vendor answered a page that was already read."""


@dataclass(frozen=True)
class PageAsk:
    """What to add to the declared request to ask for one page."""

    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


class Pages:
    def __init__(self, paging: Paging | None, page_size: int | None = None) -> None:
        self._paging = paging
        self._size = page_size or (paging.page_size if paging else 0)
        self._seen: set[str] = set()
        self._offset = 0
        self._pages = 0

    def first(self) -> PageAsk:
        paging = self._paging
        if paging is None:
            return PageAsk()
        ask = self._with(PageAsk(), paging.size_in, paging.size_param, self._size)
        if paging.style == "offset" and paging.offset_param:
            ask = self._with(ask, "query", paging.offset_param, 0)
        return ask

    def after(self, answer: Any, count: int) -> PageAsk | str | None:
        """The next page to ask for (extras, or a URL), or None when this was the last."""
        paging = self._paging
        if paging is None:
            return None
        self._pages += 1
        if self._pages >= MAX_PAGES:
            raise PagingLoop(f"more than {MAX_PAGES} pages")
        if paging.style == "offset":
            self._offset += count
            total = dig(answer, paging.total_from or "")
            last = count == 0 or (
                self._offset >= int(total) if isinstance(total, int) else count < self._size
            )
            if last:
                return None
            ask = self._with(PageAsk(), paging.size_in, paging.size_param, self._size)
            return self._with(ask, "query", paging.offset_param or "offset", self._offset)
        if paging.style == "next_url":
            if paging.has_more_from and not dig(answer, paging.has_more_from):
                return None
            url = dig(answer, paging.next_from or "")
            if not url:
                return None
            self._remember(str(url))
            return str(url)
        cursor = dig(answer, paging.cursor_from or "")
        if cursor in (None, ""):
            return None
        self._remember(str(cursor))
        ask = self._with(PageAsk(), paging.size_in, paging.size_param, self._size)
        return self._with(ask, paging.cursor_in, paging.cursor_param or "after", str(cursor))

    def _remember(self, token: str) -> None:
        if token in self._seen:
            raise PagingLoop("the same page was offered twice")
        self._seen.add(token)

    @staticmethod
    def _with(ask: PageAsk, where: str, name: str, value: Any) -> PageAsk:
        if where == "body":
            return PageAsk(ask.query, {**ask.body, name: value})
        return PageAsk({**ask.query, name: str(value)}, ask.body)
