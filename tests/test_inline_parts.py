"""Inline mode's parts without Telegram: deep-link tokens, the budget setting, shared work
that outlives the query that started it, and inline cards in the statistics."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from bot.stats import compute_stats
from bot.store import SQLiteStore, UsageEvent
from bot.store.links import TOKEN_DAYS, token_for
from handlers.inline_flow import LinkWork

DAY = 86_400


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    async with await SQLiteStore.open(tmp_path / "bot.sqlite3") as opened:
        yield opened


async def test_a_token_fits_a_start_parameter_and_gives_the_link_back(store: SQLiteStore) -> None:
    url = "https://News.example/a/B?id=7&utm_source=tg#comments"
    token = await store.link_token(url, now=1000.0)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,61}", token)  # "bd-" + token ≤ 64 characters
    assert token == token_for("https://news.example/a/B?id=7")  # one page, one token
    assert await store.link_for_token(token, now=1000.0) == "https://news.example/a/B?id=7"
    assert token != token_for("https://news.example/a/b?id=7")  # paths keep their case
    assert await store.link_for_token("unknown", now=1000.0) is None


async def test_tokens_are_forgotten_a_while_after_their_last_use(store: SQLiteStore) -> None:
    token = await store.link_token("https://example.com/a", now=0.0)
    await store.link_token("https://example.com/a", now=20 * DAY)  # used again: refreshed
    assert await store.link_for_token(token, now=(20 + TOKEN_DAYS - 1) * DAY)
    assert await store.link_for_token(token, now=(20 + TOKEN_DAYS + 1) * DAY) is None
    await store.link_token("https://example.com/other", now=(20 + TOKEN_DAYS + 1) * DAY)
    rows = await store.read_rows("SELECT count(*) FROM link_tokens")
    assert rows == [(1,)]  # the old one was deleted, not only hidden


@pytest.mark.parametrize("value", ["-1", "8.5", "nan", "inf", "soon"])
def test_inline_budget_outside_its_range_stops_the_bot(value: str) -> None:
    with pytest.raises(SettingsError, match="INLINE_BUDGET_SECONDS"):
        Settings.from_env({"INLINE_BUDGET_SECONDS": value}, dotenv=Path("/nonexistent"))


def test_inline_budget_default_and_bounds() -> None:
    assert 0 < Settings().inline_budget_seconds < 8
    for value in ("0", "8"):
        Settings.from_env({"INLINE_BUDGET_SECONDS": value}, dotenv=Path("/nonexistent"))


async def test_work_is_shared_and_outlives_an_impatient_query() -> None:
    work = LinkWork()
    release = asyncio.Event()
    calls = 0

    async def compute() -> object:
        nonlocal calls
        calls += 1
        await release.wait()
        return "breakdown"

    first = work.start("https://example.com/a#x", compute)  # type: ignore[arg-type]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(first), 0.01)
    # Another spelling of the page, while the first is running: the same work.
    assert work.start("HTTPS://example.com/a", compute) is first  # type: ignore[arg-type]
    assert work.running("https://example.com/a") is first
    waiting = asyncio.create_task(work.wait("https://example.com/a"))
    release.set()
    await waiting
    assert (await first).computed == "breakdown" and calls == 1
    assert work.running("https://example.com/a") is None  # done: the cache has it now


async def test_work_failures_are_outcomes_not_exceptions() -> None:
    from bot.fetch.errors import HTTPStatusError

    async def compute() -> object:
        raise HTTPStatusError(404)

    outcome = await LinkWork().start("https://example.com/gone", compute)  # type: ignore[arg-type]
    assert isinstance(outcome.error, HTTPStatusError) and outcome.computed is None


async def test_inline_cards_count_as_link_breakdowns(store: SQLiteStore) -> None:
    now = 100 * DAY + 3600
    for cached in (False, True):
        await store.record_event(UsageEvent(at=now, chat_id=5, chat_type="group", user_id=5,
                                            input_kind="inline", domain="example.com",
                                            outcome="ok", cached=cached))
    await store.record_event(UsageEvent(at=now, chat_id=5, chat_type="private", user_id=5,
                                        input_kind="inline", outcome="rate_limited"))
    stats = await compute_stats(store, now=now)
    assert (stats.breakdowns_today, stats.link_breakdowns, stats.cache_hits) == (2, 2, 1)
    # A rate-limited inline query is counted on its own, not as a failure.
    assert stats.group_breakdowns == 2 and stats.failures_all == 0
    assert stats.rate_limited_all == 1
