"""Breaking down a link: cache, fetch, analyse. What the CLI and the bot handlers call."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial

from bot.breakdown import DEFAULT_SPACY_MODEL, Breakdown, Source
from bot.fetch import Article, fetch_article
from bot.fetch.errors import FetchError, NoArticleInHTML
from bot.fetch.guard import parse_url
from bot.fetch.pool import extract_in_worker
from bot.settings import Settings
from bot.store import Store

Fetch = Callable[[str], Awaitable[Article]]
Analyzer = Callable[..., Awaitable[Breakdown]]  # (text, *, published, source) -> Breakdown


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


async def analyze_in_thread(text: str, *, published: dt.date | None = None,
                            source: Source | None = None,
                            spacy_model: str = DEFAULT_SPACY_MODEL) -> Breakdown:
    """The engine off the event loop, for the CLI; the bot passes its process pool."""
    from bot.breakdown.engine import analyze  # spaCy only where analysis runs

    return await asyncio.to_thread(analyze, text, published=published, source=source,
                                   spacy_model=spacy_model)


def in_thread(settings: Settings) -> Analyzer:
    """The engine in a thread, with the pipeline that `settings` name."""
    return partial(analyze_in_thread, spacy_model=settings.spacy_model)


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
                         fetch: Fetch | None = None,
                         analyzer: Analyzer | None = None) -> ComputedBreakdown:
    """The breakdown of the page at `url`, from the cache when fresh; `analyzer` runs the
    engine (by default in a thread).

    Raises `bot.fetch.FetchError` (with a user-facing message) when the page can't be read.
    """
    parse_url(url)  # InvalidURL first: the cache key needs a well-formed address too
    if store is not None:
        hit = await cached_link_breakdown(url, settings=settings, store=store)
        if hit is not None:
            return hit
    started = time.monotonic()
    article = await (fetch(url) if fetch else fetch_article(url, settings=settings))
    fetched = time.monotonic()
    breakdown = await (analyzer or in_thread(settings))(
        article.text, published=article.published, source=source_of(article, url))
    analysed = time.monotonic()
    if store is not None:
        await store.cache_breakdown(url, breakdown.to_dict(),
                                    published_reliable=breakdown.source.published_reliable)
    return ComputedBreakdown(breakdown, cached=False, fetch_seconds=fetched - started,
                         analysis_seconds=analysed - fetched)


async def breakdown_html(html: str, *, settings: Settings,
                         analyzer: Analyzer | None = None) -> ComputedBreakdown:
    """The breakdown of pasted HTML source, read by the same extractor as fetched pages.

    Raises `NoArticleInHTML` when the extractor finds no article (or fails on the markup).
    """
    started = time.monotonic()
    try:
        article = await extract_in_worker(html.encode("utf-8", "replace"), None,
                                          timeout=settings.extract_timeout)
    except FetchError as error:
        raise NoArticleInHTML(str(error)) from error
    # Pasted, not fetched: the page's own address (its canonical link), if it names one.
    source = replace(source_of(article, ""), kind="text", url=article.url or None)
    breakdown = await (analyzer or in_thread(settings))(article.text,
                                                        published=article.published,
                                                        source=source)
    # Nothing was fetched: reading the markup counts as part of the analysis.
    return ComputedBreakdown(breakdown, cached=False, analysis_seconds=time.monotonic() - started)
