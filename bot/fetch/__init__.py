"""Links: fetch a page safely (`http`, `guard`) and read the article out of it (`extract`,
run by the workers, `bot.workers.BreakdownWorkers`, within a time limit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from bot.fetch.article import Article
from bot.fetch.errors import FetchError
from bot.fetch.guard import Resolver
from bot.fetch.http import fetch_page
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.workers import BreakdownWorkers

__all__ = ["Article", "FetchError", "fetch_article"]


async def fetch_article(url: str, *, settings: Settings, workers: BreakdownWorkers,
                        resolver: Resolver | None = None,
                        transport: httpx.AsyncBaseTransport | None = None) -> Article:
    """The article at `url`; raises a `bot.errors.UserFacingError` subclass (a
    `FetchError`, or an extraction error from the workers) with a user-facing message."""
    page = await fetch_page(url, settings=settings, resolver=resolver, transport=transport)
    return await workers.extract(page.body, page.url, declared_charset=page.declared_charset,
                                 text_plain=page.is_text_plain)
