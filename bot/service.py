"""Breaking down a link: cache, fetch, analyse. What the CLI and the bot handlers call.

The heavy work (reading the article out of a page, analysing it) is the workers'
(`bot.workers.BreakdownWorkers`), passed in by the caller that owns them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

from bot.breakdown import Breakdown, Source
from bot.fetch import Article, fetch_article
from bot.fetch.errors import NoArticleInHTML, NoArticleText
from bot.fetch.guard import parse_url
from bot.settings import Settings
from bot.store import Store
from bot.workers import BreakdownWorkers

log = logging.getLogger("bot.service")


@dataclass(frozen=True, slots=True)
class ComputedBreakdown:
    """A breakdown and how it was obtained (a link's, pasted HTML's or a pasted text's):
    from the cache or computed, and the seconds each stage took, for the usage event."""

    breakdown: Breakdown
    cached: bool
    fetch_seconds: float | None = None  # None when served from the cache
    analysis_seconds: float | None = None


def source_of(article: Article, url: str) -> Source:
    return Source(kind="url", url=article.url or url, title=article.title, site=article.site,
                  author=article.author,
                  published=article.published.isoformat() if article.published else None,
                  published_reliable=article.published_reliable)


async def cached_link_breakdown(url: str, *, settings: Settings,
                                store: Store) -> ComputedBreakdown | None:
    """The cached breakdown of `url` while fresh, else None; nothing is fetched."""
    hit = await store.cached_breakdown(url, ttl=settings.cache_ttl_seconds)
    if hit is None:
        return None
    data, reliable = hit
    cached = Breakdown.from_dict(data)
    source = replace(cached.source, published_reliable=reliable)
    return ComputedBreakdown(replace(cached, source=source), cached=True)


async def breakdown_link(url: str, *, settings: Settings, store: Store | None,
                         workers: BreakdownWorkers) -> ComputedBreakdown:
    """The breakdown of the page at `url`, from the cache when fresh.

    Raises a `bot.errors.UserFacingError` subclass (with the user's message) when the page
    can't be read or analysed.
    """
    parse_url(url)  # InvalidURL first: the cache key needs a well-formed address too
    # The cache saves work; it must not cost the reply. A store that is down (PostgreSQL
    # restarting) means the page is read and analysed afresh, and not cached this time.
    if store is not None:
        try:
            hit = await cached_link_breakdown(url, settings=settings, store=store)
        except Exception:
            log.warning("the link cache could not be read; breaking the page down afresh",
                        exc_info=True)
            hit = None
        if hit is not None:
            return hit
    started = time.monotonic()
    article = await fetch_article(url, settings=settings, workers=workers)
    fetched = time.monotonic()
    breakdown = await workers.analyze(article.text, published=article.published,
                                      source=source_of(article, url))
    analysed = time.monotonic()
    if store is not None:
        try:
            await store.cache_breakdown(url, breakdown.to_dict(),
                                        published_reliable=breakdown.source.published_reliable)
        except Exception:
            log.warning("the breakdown could not be cached", exc_info=True)
    return ComputedBreakdown(breakdown, cached=False, fetch_seconds=fetched - started,
                         analysis_seconds=analysed - fetched)


async def breakdown_html(html: str, *, workers: BreakdownWorkers) -> ComputedBreakdown:
    """The breakdown of pasted HTML source, read by the same extractor as fetched pages.

    Raises `NoArticleInHTML` when the extractor finds no article; a failure of the
    extractor or the analysis raises its own `bot.errors.UserFacingError`.
    """
    started = time.monotonic()
    try:
        article = await workers.extract(html.encode("utf-8", "replace"), None)
    except NoArticleText as error:
        raise NoArticleInHTML(str(error)) from error
    # Pasted, not fetched: the page's own address (its canonical link), if it names one.
    source = replace(source_of(article, ""), kind="text", url=article.url or None)
    breakdown = await workers.analyze(article.text, published=article.published,
                                      source=source)
    # Nothing was fetched: reading the markup counts as part of the analysis.
    return ComputedBreakdown(breakdown, cached=False, analysis_seconds=time.monotonic() - started)
