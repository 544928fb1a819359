"""Links: fetch a page safely (`http`, `guard`) and read the article out of it (`extract`,
in a worker process that can be stopped: `pool`)."""

from __future__ import annotations

import httpx

from bot.fetch.article import Article
from bot.fetch.errors import FetchError
from bot.fetch.guard import Resolver
from bot.fetch.http import fetch_page
from bot.fetch.pool import extract_in_worker
from bot.settings import Settings

__all__ = ["Article", "FetchError", "fetch_article"]


async def fetch_article(url: str, *, settings: Settings, resolver: Resolver | None = None,
                        transport: httpx.AsyncBaseTransport | None = None) -> Article:
    """The article at `url`; raises a `FetchError` subclass with a user-facing message."""
    page = await fetch_page(url, settings=settings, resolver=resolver, transport=transport)
    return await extract_in_worker(page.body, page.url, timeout=settings.extract_timeout,
                                   declared_charset=page.declared_charset,
                                   text_plain=page.is_text_plain)
